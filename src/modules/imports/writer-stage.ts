import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import copyStreams from 'pg-copy-streams';
import type { StatementSync } from 'node:sqlite';
import type { Tx } from '../../platform/transaction.ts';
import { isKeyViolation, KEY, STAGE_COLUMNS, VALUE_COLUMNS } from './writer-sql.ts';
import type { StageRow } from './writer.ts';

/**
 * Loading the staging table, the only per-dialect part of the writer: prepared inserts on SQLite, one COPY a chunk
 * on PostgreSQL (rows are buffered as COPY text until then). Fresh data may skip the staging table on both: COPY
 * straight into observations on PostgreSQL at the chunk's end, each row inserted straight into observations on SQLite
 * as it comes (in a savepoint, undone and staged instead on a key violation or when the chunk turns out to meet
 * published rows).
 */
export interface Stage {
  /** Stages one row: the hot path, so no await and nothing allocated beyond the row's own text on PostgreSQL. */
  add(r: StageRow): void;
  /** Rows held in memory, not yet in the staging table (PostgreSQL's buffer; SQLite's rows written directly). */
  readonly buffered: number;
  /** Moves the held rows into the staging table. */
  flush(): Promise<void>;
  /**
   * SQLite only: from the next row on, rows go straight into observations (revision 1) in a savepoint, until the
   * chunk ends (copyDirect) or is staged after all (flush).
   */
  startDirect?(importId: number, now: string): void;
  /** SQLite only: the rows written directly are undone and staged instead (the chunk meets published rows). */
  stopDirect?(): void;
  /**
   * For fresh data: the held rows are written to observations (revision 1): by COPY in a savepoint on PostgreSQL,
   * already on SQLite. False on a key violation: nothing is written and the rows stay held, for the full merge.
   */
  copyDirect?(importId: number, now: string): Promise<boolean>;
}

/** Text-format COPY escaping. */
function copyField(v: number | string | null): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

const values = (r: StageRow) =>
  [
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
  ] as const;

function sqliteStage(tx: Tx): Stage {
  const s = tx.sqlite!;
  const insert = s.prepare(`INSERT INTO import_stage VALUES (${STAGE_COLUMNS.map(() => '?').join(',')})`);
  const stageRow = (r: StageRow) => insert.run(...values(r), r.fileNo, r.line);
  // Fresh data written straight to observations: the statement and the rows written (kept to be staged instead).
  let direct: { insert: StatementSync; rows: StageRow[] } | undefined;

  /** Undoes the rows written directly and stages them instead. */
  function leaveDirect(): void {
    if (!direct) return;
    s.exec('ROLLBACK TO SAVEPOINT import_direct');
    s.exec('RELEASE SAVEPOINT import_direct');
    const { rows } = direct;
    direct = undefined;
    for (const r of rows) stageRow(r);
  }

  return {
    add(r) {
      if (!direct) {
        stageRow(r);
        return;
      }
      direct.rows.push(r);
      try {
        direct.insert.run(...values(r));
      } catch (e) {
        if (!isKeyViolation(e)) throw e;
        leaveDirect(); // a key met twice in the import: the merge sorts it out
      }
    },
    get buffered() {
      return direct?.rows.length ?? 0;
    },
    async flush() {
      leaveDirect();
    },
    stopDirect: leaveDirect,
    startDirect(importId, now) {
      if (direct) return;
      s.exec('SAVEPOINT import_direct');
      const columns = [...KEY, ...VALUE_COLUMNS];
      const sql = `INSERT INTO observations (${columns.join(',')}, revision, import_id, updated_at)
        VALUES (${columns.map(() => '?').join(',')}, 1, ${Number(importId)}, '${now.replace(/'/g, "''")}')`;
      direct = { insert: s.prepare(sql), rows: [] };
    },
    async copyDirect() {
      if (!direct) return false;
      s.exec('RELEASE SAVEPOINT import_direct');
      direct = undefined;
      return true;
    },
  };
}

function pgStage(tx: Tx): Stage {
  // Each row's key and values as COPY text, with its file and line kept apart, so one buffer can feed either the
  // staging table or (for fresh data) the observations table directly.
  let cores: string[] = [];
  let locations: string[] = [];
  const clear = () => {
    cores = [];
    locations = [];
  };

  async function copy(table: string, columns: readonly string[], suffix: (i: number) => string): Promise<void> {
    const parts: string[] = new Array(cores.length);
    for (let i = 0; i < cores.length; i++) parts[i] = cores[i]! + suffix(i);
    const stream = tx.pg!.query(copyStreams.from(`COPY ${table} (${columns.join(',')}) FROM STDIN`));
    await pipeline(Readable.from([parts.join('')]), stream);
  }

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
    async flush() {
      if (cores.length === 0) return;
      await copy('import_stage', STAGE_COLUMNS, (i) => locations[i]!);
      clear();
    },
    async copyDirect(importId, now) {
      await tx.run('SAVEPOINT import_direct');
      const suffix = `\t1\t${importId}\t${now}\n`;
      try {
        await copy('observations', [...KEY, ...VALUE_COLUMNS, 'revision', 'import_id', 'updated_at'], () => suffix);
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

export const createStage = (tx: Tx): Stage => (tx.sqlite ? sqliteStage(tx) : pgStage(tx));
