import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import copyStreams from 'pg-copy-streams';
import { BinaryCopyWriter } from '../../platform/pg-copy.ts';
import type { Tx } from '../../platform/transaction.ts';
import { isKeyViolation, KEY, STAGE_COLUMNS, VALUE_COLUMNS } from './writer-sql.ts';
import type { StageRow } from './writer.ts';

/**
 * Loading the staging table, the only per-dialect part of the writer: prepared inserts on SQLite, one binary COPY a
 * chunk on PostgreSQL (rows are buffered as they came until then).
 */
export interface Stage {
  /** Stages one row: the hot path, so no await and nothing allocated. */
  add(r: StageRow): void;
  /** Rows buffered in memory, not yet in the staging table. */
  readonly buffered: number;
  /** Moves the buffered rows into the staging table. */
  flush(): Promise<void>;
  /**
   * For fresh data: the buffered rows straight into observations (revision 1) in a savepoint (COPY on PostgreSQL,
   * prepared inserts on SQLite). False on a key violation: nothing is written and the rows stay buffered, for the full
   * merge.
   */
  copyDirect?(importId: number, now: string): Promise<boolean>;
  /**
   * For rows whose keys are all new (none held, none met before in this import): the buffered rows straight into
   * observations without waiting for the database to take them (PostgreSQL: the COPY runs while the next rows are read;
   * the one before is waited for first). No fallback: a key violation fails the import, at the next statement.
   */
  startDirect?(importId: number, now: string): Promise<void>;
  /** Waits for a direct write under way (rethrowing its error); every other statement of the writer comes after it. */
  settle(): Promise<void>;
}

/** Runs a prepared insert with a row's key and values (KEY, VALUE_COLUMNS), then two more parameters. */
function insertRow(statement: StatementSync, r: StageRow, a: SQLInputValue, b: SQLInputValue): void {
  statement.run(
    r.metricId,
    r.periodId,
    r.areaId,
    r.value,
    r.status,
    r.lci,
    r.uci,
    r.ciLevel,
    r.numerator,
    r.denominator,
    r.note,
    a,
    b,
  );
}

/**
 * SQLite: rows are held in memory until the chunk ends, then either inserted into the staging table (prepared inserts)
 * or, for fresh data, straight into observations (no staging table, no INSERT … SELECT: the engine's own bulk path).
 */
function sqliteStage(tx: Tx, ready: () => Promise<void>): Stage {
  const s = tx.sqlite!;
  let insert: StatementSync | undefined;
  let direct: StatementSync | undefined;
  let rows: StageRow[] = [];
  return {
    add(r) {
      rows.push(r);
    },
    get buffered() {
      return rows.length;
    },
    async settle() {},
    async flush() {
      if (rows.length === 0) return;
      await ready();
      insert ??= s.prepare(`INSERT INTO import_stage VALUES (${STAGE_COLUMNS.map(() => '?').join(',')})`);
      for (const r of rows) insertRow(insert, r, r.fileNo, r.line);
      rows = [];
    },
    async copyDirect(importId, now) {
      direct ??= s.prepare(
        `INSERT INTO observations (${[...KEY, ...VALUE_COLUMNS, 'revision', 'import_id', 'updated_at'].join(',')})
         VALUES (${[...KEY, ...VALUE_COLUMNS].map(() => '?').join(',')}, 1, ?, ?)`,
      );
      s.exec('SAVEPOINT import_direct');
      try {
        for (const r of rows) insertRow(direct, r, importId, now);
      } catch (e) {
        if (!isKeyViolation(e)) throw e;
        s.exec('ROLLBACK TO SAVEPOINT import_direct');
        s.exec('RELEASE SAVEPOINT import_direct');
        return false;
      }
      s.exec('RELEASE SAVEPOINT import_direct');
      rows = [];
      return true;
    },
  };
}

function pgStage(tx: Tx, ready: () => Promise<void>): Stage {
  // The rows as they came; written as binary COPY (no number printed here to be parsed again by the server) into either
  // the staging table (with their file and line) or, for fresh data, the observations table.
  let rows: StageRow[] = [];
  // A direct COPY under way, not yet waited for, and its error once it failed.
  let inFlight: Promise<void> | undefined;
  let failure: unknown;

  /** The buffered rows as one binary COPY's bytes, `write` adding the fields after the values of each. */
  function encode(tail: readonly string[], write: (w: BinaryCopyWriter, r: StageRow) => void): Buffer {
    const columns = [...KEY, ...VALUE_COLUMNS, ...tail];
    const w = new BinaryCopyWriter(rows.length * 120);
    for (const r of rows) {
      w.row(columns.length);
      w.int4(r.metricId);
      w.int4(r.periodId);
      w.int4(r.areaId);
      w.float8(r.value);
      w.text(r.status);
      w.float8(r.lci);
      w.float8(r.uci);
      w.float8(r.ciLevel);
      w.float8(r.numerator);
      w.float8(r.denominator);
      w.text(r.note);
      write(w, r);
    }
    rows = [];
    return w.finish();
  }
  const columnsOf = (tail: readonly string[]) => [...KEY, ...VALUE_COLUMNS, ...tail].join(',');
  const copyIn = (table: string, tail: readonly string[]) =>
    tx.pg!.query(copyStreams.from(`COPY ${table} (${columnsOf(tail)}) FROM STDIN (FORMAT binary)`));

  /** The buffered rows as one COPY into the table, waited for. */
  function copy(table: string, tail: readonly string[], write: (w: BinaryCopyWriter, r: StageRow) => void) {
    const bytes = encode(tail, write);
    return pipeline(Readable.from([bytes]), copyIn(table, tail));
  }

  /** The fields after a fresh row's values in observations: revision 1, the import and the time. */
  function direct(importId: number, now: string) {
    const at = Buffer.from(now, 'utf8');
    return (w: BinaryCopyWriter) => {
      w.int4(1);
      w.int4(importId);
      w.encoded(at);
    };
  }
  const DIRECT = ['revision', 'import_id', 'updated_at'];

  async function settle(): Promise<void> {
    if (inFlight) {
      const waiting = inFlight;
      inFlight = undefined;
      await waiting;
    }
    if (failure !== undefined) throw failure;
  }

  return {
    add(r) {
      rows.push(r);
    },
    get buffered() {
      return rows.length;
    },
    settle,
    async flush() {
      await settle();
      if (rows.length === 0) return;
      await ready();
      await copy('import_stage', ['file_no', 'line'], (w, r) => {
        w.int4(r.fileNo);
        w.int4(r.line);
      });
    },
    async startDirect(importId, now) {
      await settle();
      const bytes = encode(DIRECT, direct(importId, now));
      const stream = copyIn('observations', DIRECT);
      const done = new Promise<void>((resolve, reject) => {
        stream.once('finish', resolve);
        stream.on('error', reject);
      });
      inFlight = done.catch((e: unknown) => {
        failure = e;
      });
      // Waits only until the server has taken the COPY and its bytes are on their way (one round trip), not for it to
      // store them: the rows go in while the next are read, even when reading never waits for anything else.
      const sent = new Promise<void>((resolve) => stream.write(bytes, () => resolve()));
      stream.end();
      await Promise.race([sent, inFlight]);
    },
    async copyDirect(importId, now) {
      await settle();
      await tx.run('SAVEPOINT import_direct');
      const kept = rows;
      try {
        await copy('observations', DIRECT, direct(importId, now));
      } catch (e) {
        if (!isKeyViolation(e)) throw e;
        await tx.run('ROLLBACK TO SAVEPOINT import_direct');
        await tx.run('RELEASE SAVEPOINT import_direct');
        rows = kept; // back for the merge
        return false;
      }
      await tx.run('RELEASE SAVEPOINT import_direct');
      return true;
    },
  };
}

/** `ready` makes the staging table when it is first needed (fresh data never needs it). */
export const createStage = (tx: Tx, ready: () => Promise<void>): Stage =>
  tx.sqlite ? sqliteStage(tx, ready) : pgStage(tx, ready);
