import type { Tx } from '../../platform/transaction.ts';

/** An observation's values: what a duplicate must repeat and a revision keeps. */
export const VALUE_COLUMNS = ['value', 'status', 'lci', 'uci', 'ci_level', 'numerator', 'denominator', 'note'] as const;
/** An observation's key. */
export const KEY = ['metric_id', 'period_id', 'area_id'] as const;
/** The staging table's columns: key, values and where the row came from (file number and line). */
export const STAGE_COLUMNS = [...KEY, ...VALUE_COLUMNS, 'file_no', 'line'] as const;

/** SQL true when any value of rows `a` and `b` differs (NULL-safe; status is never NULL). */
export function differs(tx: Tx, a: string, b: string): string {
  const op = tx.dialect === 'postgres' ? 'IS DISTINCT FROM' : 'IS NOT';
  const differ = (c: string) => (c === 'status' ? `${a}.status <> ${b}.status` : `${a}.${c} ${op} ${b}.${c}`);
  const columns = VALUE_COLUMNS.map(differ);
  return `(${columns.join(' OR ')})`;
}

/** SQL joining rows `a` and `b` on the observation key. */
export const keyJoin = (a: string, b: string) => KEY.map((k) => `${a}.${k} = ${b}.${k}`).join(' AND ');

/** A primary-key violation on either engine. */
export function isKeyViolation(e: unknown): boolean {
  const err = e as { code?: string; errcode?: number; message?: string };
  return err.code === '23505' || /UNIQUE constraint failed|PRIMARY KEY/i.test(err.message ?? '');
}

/** The temporary staging table (dropped at commit on PostgreSQL; SQLite's lives as long as the connection). */
export async function createStageTable(tx: Tx): Promise<void> {
  const real = tx.dialect === 'postgres' ? 'double precision' : 'REAL';
  await tx.run('DROP TABLE IF EXISTS import_stage');
  await tx.run(
    `CREATE TEMP TABLE import_stage (metric_id INTEGER NOT NULL, period_id INTEGER NOT NULL, area_id INTEGER NOT NULL,
      value ${real}, status TEXT NOT NULL, lci ${real}, uci ${real}, ci_level ${real}, numerator ${real},
      denominator ${real}, note TEXT, file_no INTEGER NOT NULL, line INTEGER NOT NULL)
      ${tx.dialect === 'postgres' ? ' ON COMMIT DROP' : ''}`,
  );
}
