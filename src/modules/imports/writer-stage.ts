import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import copyStreams from 'pg-copy-streams';
import type { Tx } from '../../platform/transaction.ts';
import { isKeyViolation, KEY, STAGE_COLUMNS, VALUE_COLUMNS } from './writer-sql.ts';
import type { StageRow } from './writer.ts';

/**
 * Loading the staging table, the only per-dialect part of the writer: prepared inserts on SQLite, one COPY a chunk
 * on PostgreSQL (rows are buffered as COPY text until then).
 */
export interface Stage {
  /** Stages one row: the hot path, so no await and nothing allocated beyond the row's own text on PostgreSQL. */
  add(r: StageRow): void;
  /** Rows buffered in memory, not yet in the staging table (always 0 on SQLite). */
  readonly buffered: number;
  /** Moves the buffered rows into the staging table. */
  flush(): Promise<void>;
  /**
   * PostgreSQL only, for fresh data: COPY the buffered rows straight into observations (revision 1) in a savepoint.
   * False on a key violation: nothing is written and the rows stay buffered, for the full merge.
   */
  copyDirect?(importId: number, now: string): Promise<boolean>;
}

/** Text-format COPY escaping. */
function copyField(v: number | string | null): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function sqliteStage(tx: Tx): Stage {
  const insert = tx.sqlite!.prepare(`INSERT INTO import_stage VALUES (${STAGE_COLUMNS.map(() => '?').join(',')})`);
  return {
    add(r) {
      insert.run(
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
        r.fileNo,
        r.line,
      );
    },
    buffered: 0,
    async flush() {},
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
