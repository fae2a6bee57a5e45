import type { Tx } from '../../platform/transaction.ts';
import { KEY, keyJoin, VALUE_COLUMNS } from './writer-sql.ts';

/**
 * Withdrawals: published observations taken away, each kept in observation_revisions with `deleted = 1`, its previous
 * value and the import that withdrew it, so the change feed shows it as a deletion.
 *
 * An import's scope is the metric and period pairs it holds rows for. A published observation in that scope, last
 * written by an import of the same adapter, that the new import does not hold is "missing": the publisher's
 * re-published file no longer has it. The keys the import holds are collected in `import_seen` as chunks that may
 * touch published rows are merged (chunks of metrics with no published rows cannot leave anything missing); a draft's
 * are its staged rows. The keys to withdraw are gathered in `import_missing`, then withdrawn in the
 * import's transaction.
 */

const keys = KEY.join(', ');

/** The temporary table of the keys a publishing import holds (dropped at commit on PostgreSQL). */
export async function createSeenTable(tx: Tx): Promise<void> {
  await tx.run('DROP TABLE IF EXISTS import_seen');
  await tx.run(
    `CREATE TEMP TABLE import_seen (metric_id INTEGER NOT NULL, period_id INTEGER NOT NULL, area_id INTEGER NOT NULL,
      PRIMARY KEY (metric_id, period_id, area_id))${tx.dialect === 'postgres' ? ' ON COMMIT DROP' : ''}`,
  );
}

/** Records the keys of the staged chunk as held by this import. */
export const recordSeen = (tx: Tx) =>
  tx.run(`INSERT INTO import_seen (${keys}) SELECT ${keys} FROM import_stage WHERE true ON CONFLICT DO NOTHING`);

async function createMissingTable(tx: Tx): Promise<void> {
  await tx.run('DROP TABLE IF EXISTS import_missing');
  await tx.run(
    `CREATE TEMP TABLE import_missing (metric_id INTEGER NOT NULL, period_id INTEGER NOT NULL, area_id INTEGER NOT NULL,
      PRIMARY KEY (metric_id, period_id, area_id))${tx.dialect === 'postgres' ? ' ON COMMIT DROP' : ''}`,
  );
}

/** SQL selecting the published keys in the scope of `seen` (a table or subquery with the key columns) it lacks. */
const missingSql = (seen: string) =>
  `SELECT o.metric_id, o.period_id, o.area_id FROM observations o
   JOIN (SELECT DISTINCT metric_id, period_id FROM ${seen} sc0) sc ON sc.metric_id = o.metric_id AND sc.period_id = o.period_id
   JOIN imports i ON i.id = o.import_id
   WHERE i.adapter = ? AND NOT EXISTS (SELECT 1 FROM ${seen} s WHERE ${keyJoin('s', 'o')})`;

export interface Missing {
  count: number;
  /** Up to three of them, as "metric, area, period". */
  examples: string[];
}

async function describeMissing(tx: Tx): Promise<Missing> {
  const [n] = await tx.all<{ n: number }>('SELECT count(*) AS n FROM import_missing');
  const examples = await tx.all<{ metric: string; area: string; period: string }>(
    `SELECT m.code AS metric, a.code AS area, p.label AS period FROM import_missing x
     JOIN metrics m ON m.id = x.metric_id JOIN areas a ON a.id = x.area_id JOIN periods p ON p.id = x.period_id
     ORDER BY m.code, p.start_date, a.code LIMIT 3`,
  );
  return { count: Number(n?.n ?? 0), examples: examples.map((e) => `${e.metric}, ${e.area}, ${e.period}`) };
}

/**
 * After a publishing import's merge: gathers the published rows in its scope it no longer holds. `seen` says whether
 * its writer recorded any key in import_seen; without any, its scope is empty.
 */
export async function findMissing(tx: Tx, adapter: string, seen: boolean): Promise<Missing> {
  if (!seen) return { count: 0, examples: [] };
  await createMissingTable(tx);
  await tx.run(`INSERT INTO import_missing (${keys}) ${missingSql('import_seen')}`, [adapter]);
  return describeMissing(tx);
}

/** How many published rows a draft's staged rows leave out of its scope (what publishing it will ask about). */
export async function countMissingInDraft(tx: Tx, importId: number, adapter: string): Promise<number> {
  const staged = `(SELECT ${keys} FROM staged_observations WHERE import_id = ${Number(importId)})`;
  const [n] = await tx.all<{ n: number }>(`SELECT count(*) AS n FROM (${missingSql(staged)}) x`, [adapter]);
  return Number(n?.n ?? 0);
}

/** Gathers the published observations of one metric, optionally one area and one period, for an explicit withdrawal. */
export async function selectForWithdrawal(
  tx: Tx,
  where: { metricId: number; areaId?: number; periodId?: number },
): Promise<Missing> {
  await createMissingTable(tx);
  const conditions = ['metric_id = ?'];
  const params: number[] = [where.metricId];
  for (const [column, id] of [
    ['area_id', where.areaId],
    ['period_id', where.periodId],
  ] as const) {
    if (id === undefined) continue;
    conditions.push(`${column} = ?`);
    params.push(id);
  }
  await tx.run(
    `INSERT INTO import_missing (${keys}) SELECT ${keys} FROM observations WHERE ${conditions.join(' AND ')}`,
    params,
  );
  return describeMissing(tx);
}

/**
 * Withdraws the gathered rows: each is copied to observation_revisions (deleted = 1, its previous value, revision and
 * import, when and by which import it was withdrawn), then deleted. Returns the metrics touched and the row count.
 */
export async function withdrawGathered(
  tx: Tx,
  importId: number,
  now: string,
): Promise<{ withdrawn: number; metricIds: number[] }> {
  const o = (c: string) => `o.${c}`;
  await tx.run(
    `INSERT INTO observation_revisions
       (${keys}, revision, ${VALUE_COLUMNS.join(', ')}, import_id, valid_until, replaced_by_import_id, deleted)
     SELECT ${KEY.map(o).join(', ')}, o.revision, ${VALUE_COLUMNS.map(o).join(', ')}, o.import_id, ?, ?, 1
     FROM observations o JOIN import_missing x ON ${keyJoin('x', 'o')}
     ORDER BY o.metric_id, o.period_id, o.area_id`,
    [now, importId],
  );
  const withdrawn = await tx.run(`DELETE FROM observations WHERE (${keys}) IN (SELECT ${keys} FROM import_missing)`);
  const metrics = await tx.all<{ metric_id: number }>('SELECT DISTINCT metric_id FROM import_missing');
  return { withdrawn, metricIds: metrics.map((m) => Number(m.metric_id)) };
}
