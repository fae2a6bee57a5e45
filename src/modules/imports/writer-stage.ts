import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import copyStreams from 'pg-copy-streams';
import type { Tx } from '../../platform/transaction.ts';
import { isKeyViolation, KEY, STAGE_COLUMNS, VALUE_COLUMNS } from './writer-sql.ts';
import type { StageRow } from './writer.ts';

/**
 * Loading the staging table, the only per-dialect part of the writer: prepared inserts on SQLite, one COPY a chunk
 * on PostgreSQL (rows are buffered until then: as objects on SQLite, as COPY text on PostgreSQL).
 */
export interface Stage {
  /** Stages one row: the hot path, so no await and nothing allocated beyond the row's own text on PostgreSQL. */
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

/** Characters text-format COPY escapes. */
const COPY_SPECIAL = /[\\\t\n\r]/;

/** Text-format COPY escaping (most text has nothing to escape: returned as it is). */
function copyField(v: number | string | null): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  if (!COPY_SPECIAL.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
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
  // Each row's key and values as COPY text, with its file and line kept apart, so one buffer can feed either the
  // staging table or (for fresh data) the observations table directly.
  let cores: string[] = [];
  let locations: string[] = [];
  const clear = () => {
    cores = [];
    locations = [];
  };
  // A direct COPY under way, not yet waited for, and its error once it failed.
  let inFlight: Promise<void> | undefined;
  let failure: unknown;

  /** The buffered rows as one COPY into the table (the text is built now; the rows may be cleared at once). */
  function copy(table: string, columns: readonly string[], suffix: (i: number) => string): Promise<void> {
    const parts: string[] = new Array(cores.length);
    for (let i = 0; i < cores.length; i++) parts[i] = cores[i]! + suffix(i);
    const stream = tx.pg!.query(copyStreams.from(`COPY ${table} (${columns.join(',')}) FROM STDIN`));
    return pipeline(Readable.from([parts.join('')]), stream);
  }

  async function settle(): Promise<void> {
    if (inFlight) {
      const waiting = inFlight;
      inFlight = undefined;
      await waiting;
    }
    if (failure !== undefined) throw failure;
  }
  const DIRECT_COLUMNS = [...KEY, ...VALUE_COLUMNS, 'revision', 'import_id', 'updated_at'];

  return {
    add(r) {
      cores.push(
        `${r.metricId}\t${r.periodId}\t${r.areaId}\t${copyField(r.value)}\t${copyField(r.status)}\t` +
          `${copyField(r.lci)}\t${copyField(r.uci)}\t${copyField(r.ciLevel)}\t${copyField(r.numerator)}\t` +
          `${copyField(r.denominator)}\t${copyField(r.note)}`,
      );
      locations.push(`\t${r.fileNo}\t${r.line}\n`);
    },
    get buffered() {
      return cores.length;
    },
    settle,
    async flush() {
      await settle();
      if (cores.length === 0) return;
      await ready();
      await copy('import_stage', STAGE_COLUMNS, (i) => locations[i]!);
      clear();
    },
    async startDirect(importId, now) {
      await settle();
      const suffix = `\t1\t${importId}\t${now}\n`;
      inFlight = copy('observations', DIRECT_COLUMNS, () => suffix).catch((e: unknown) => {
        failure = e;
      });
      clear();
    },
    async copyDirect(importId, now) {
      await settle();
      await tx.run('SAVEPOINT import_direct');
      const suffix = `\t1\t${importId}\t${now}\n`;
      try {
        await copy('observations', DIRECT_COLUMNS, () => suffix);
      } catch (e) {
        if (!isKeyViolation(e)) throw e;
        await tx.run('ROLLBACK TO SAVEPOINT import_direct');
        await tx.run('RELEASE SAVEPOINT import_direct');
        return false;
      }
      await tx.run('RELEASE SAVEPOINT import_direct');
      clear();
      return true;
    },
  };
}

/** `ready` makes the staging table when it is first needed (fresh data never needs it). */
export const createStage = (tx: Tx, ready: () => Promise<void>): Stage =>
  tx.sqlite ? sqliteStage(tx, ready) : pgStage(tx, ready);
