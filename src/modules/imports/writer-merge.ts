import type { Tx } from '../../platform/transaction.ts';
import { differs, isKeyViolation, KEY, keyJoin, STAGE_COLUMNS, VALUE_COLUMNS } from './writer-sql.ts';
import type { WriterConflict, WriterCounts } from './writer.ts';

/** What the merge steps share: the transaction, the import and what has been counted and found so far. */
export interface MergeContext {
  tx: Tx;
  importId: number;
  now: string;
  counts: WriterCounts;
  conflicts: WriterConflict[];
}

const SAME_KEY = 'the same metric, area and period with a different value';
const keys = KEY.join(',');
const values = VALUE_COLUMNS.join(',');

/** Drops staged rows by file number and line (identical duplicates), 500 a statement. */
async function dropStaged(tx: Tx, drop: [fileNo: number, line: number][]): Promise<void> {
  for (let i = 0; i < drop.length; i += 500) {
    const part = drop.slice(i, i + 500);
    const lines = part.map(() => '(?,?)').join(',');
    await tx.run(`DELETE FROM import_stage WHERE (file_no, line) IN (${lines})`, part.flat());
  }
}

type Located = { file_no: unknown; line: unknown; metric_id: unknown; period_id: unknown; area_id: unknown };

const conflictWith = (r: Located, message: string): WriterConflict => ({
  fileNo: Number(r.file_no),
  line: Number(r.line),
  metricId: Number(r.metric_id),
  periodId: Number(r.period_id),
  areaId: Number(r.area_id),
  message,
});

/** Duplicate keys inside the chunk: identical rows collapse to one; different values are conflicts. */
export async function resolveDuplicatesInChunk({ tx, counts, conflicts }: MergeContext): Promise<void> {
  const rows = await tx.all<Record<(typeof STAGE_COLUMNS)[number], number | string | null>>(
    `SELECT s.* FROM import_stage s JOIN (SELECT ${keys} FROM import_stage GROUP BY ${keys} HAVING count(*) > 1) d
     ON ${keyJoin('s', 'd')} ORDER BY s.metric_id, s.period_id, s.area_id, s.file_no, s.line`,
  );
  if (rows.length === 0) return;
  const drop: [number, number][] = [];
  let first: (typeof rows)[number] | undefined;
  for (const r of rows) {
    if (!first || KEY.some((k) => r[k] !== first![k])) {
      first = r;
      continue;
    }
    if (VALUE_COLUMNS.every((c) => r[c] === first![c])) {
      drop.push([Number(r.file_no), Number(r.line)]);
      counts.duplicates++;
    } else {
      const both = `(${String(r.value)} here, ${String(first.value)} there)`;
      const message = `conflicts with line ${String(first.line)}: ${SAME_KEY} ${both}`;
      conflicts.push(conflictWith(r, message));
    }
  }
  await dropStaged(tx, drop);
}

/** A key this import already wrote in an earlier chunk: identical is a duplicate, different is a conflict. */
export async function resolveDuplicatesAcrossChunks(m: MergeContext, target: string): Promise<void> {
  const { tx, importId, counts, conflicts } = m;
  type Row = Located & { differ: number; value: number | null; prev: number | null };
  const rows = await tx.all<Row>(
    `SELECT s.file_no, s.line, s.metric_id, s.period_id, s.area_id, s.value, o.value AS prev,
      CASE WHEN ${differs(tx, 'o', 's')} THEN 1 ELSE 0 END AS differ
     FROM import_stage s JOIN ${target} o ON ${keyJoin('o', 's')} WHERE o.import_id = ?`,
    [importId],
  );
  const drop: [number, number][] = [];
  for (const r of rows) {
    if (Number(r.differ) === 1) {
      const both = `(${String(r.value)} here, ${String(r.prev)} earlier)`;
      const message = `conflicts with an earlier row of this import: ${SAME_KEY} ${both}`;
      conflicts.push(conflictWith(r, message));
    } else {
      drop.push([Number(r.file_no), Number(r.line)]);
      counts.duplicates++;
    }
  }
  await dropStaged(tx, drop);
}

/**
 * Fresh data (no metric in the chunk had published rows): a plain insert, the fastest path on both engines. A key
 * violation means keys this import wrote in an earlier chunk: undo the insert, sort those out (identical: dropped;
 * different: conflicts), insert again. False, with nothing inserted, when a key is still held: rows published before
 * this import that the coverage did not know of (written into the table without the importer), for the full merge.
 */
export async function insertFresh(m: MergeContext): Promise<boolean> {
  const { tx, importId, now, counts, conflicts } = m;
  if (conflicts.length > 0) return true;
  const insert = () =>
    tx.run(
      `INSERT INTO observations (${keys}, ${values}, revision, import_id, updated_at)
       SELECT ${keys}, ${values}, 1, ?, ? FROM import_stage`,
      [importId, now],
    );
  /** The insert in the savepoint; undefined (undone) on a key violation. */
  const attempt = async () => {
    try {
      return await insert();
    } catch (e) {
      if (!isKeyViolation(e)) throw e;
      await tx.run('ROLLBACK TO SAVEPOINT import_chunk');
      return undefined;
    }
  };
  await tx.run('SAVEPOINT import_chunk');
  let inserted = await attempt();
  if (inserted === undefined) {
    await resolveDuplicatesAcrossChunks(m, 'observations');
    inserted = conflicts.length === 0 ? await attempt() : 0;
  }
  await tx.run('RELEASE SAVEPOINT import_chunk');
  if (inserted === undefined) return false;
  counts.inserted += inserted;
  return true;
}

/**
 * A chunk that may touch published rows: changed values are first copied to observation_revisions (previous value,
 * its import, when it stopped being current), then updated; new keys are inserted; the rest is unchanged.
 */
export async function mergeIntoPublished(
  m: MergeContext,
  chunk: { later: boolean; staged: number; duplicatesBefore: number },
): Promise<void> {
  const { tx, importId, now, counts, conflicts } = m;
  if (chunk.later) await resolveDuplicatesAcrossChunks(m, 'observations');
  if (conflicts.length > 0) return;
  await tx.run(
    `INSERT INTO observation_revisions
       (${keys}, revision, ${values}, import_id, valid_until, replaced_by_import_id, deleted)
     SELECT ${KEY.map((k) => `o.${k}`).join(',')}, o.revision, ${VALUE_COLUMNS.map((c) => `o.${c}`).join(',')},
       o.import_id, ?, ?, 0
     FROM observations o JOIN import_stage s ON ${keyJoin('o', 's')}
     WHERE o.import_id <> ? AND ${differs(tx, 'o', 's')}`,
    [now, importId, importId],
  );
  const updated = await tx.run(
    `UPDATE observations SET ${VALUE_COLUMNS.map((c) => `${c} = s.${c}`).join(', ')},
       revision = observations.revision + 1, import_id = ?, updated_at = ?
     FROM import_stage s
     WHERE ${keyJoin('observations', 's')} AND observations.import_id <> ? AND ${differs(tx, 'observations', 's')}`,
    [importId, now, importId],
  );
  const inserted = await tx.run(
    `INSERT INTO observations (${keys}, ${values}, revision, import_id, updated_at)
     SELECT ${keys}, ${values}, 1, ?, ? FROM import_stage WHERE true ON CONFLICT DO NOTHING`,
    [importId, now],
  );
  counts.updated += updated;
  counts.inserted += inserted;
  counts.unchanged += chunk.staged - (counts.duplicates - chunk.duplicatesBefore) - updated - inserted;
}

/** Draft mode: the chunk goes to staged_observations, to be published later through the same merge. */
export async function mergeIntoDraft(m: MergeContext, chunk: { later: boolean }): Promise<void> {
  if (chunk.later) await resolveDuplicatesAcrossChunks(m, 'staged_observations');
  if (m.conflicts.length > 0) return;
  await m.tx.run(
    `INSERT INTO staged_observations (import_id, ${keys}, ${values}, source_line)
     SELECT ?, ${keys}, ${values}, line FROM import_stage WHERE true ON CONFLICT DO NOTHING`,
    [m.importId],
  );
}

/** A draft's counts: its staged rows compared with the published ones (new, changed, the rest unchanged). */
export async function countDraft({ tx, importId, counts }: MergeContext): Promise<void> {
  const [d] = await tx.all<{ total: number; fresh: number | null; changed: number | null }>(
    `SELECT count(*) AS total,
       sum(CASE WHEN o.metric_id IS NULL THEN 1 ELSE 0 END) AS fresh,
       sum(CASE WHEN o.metric_id IS NOT NULL AND ${differs(tx, 'o', 's')} THEN 1 ELSE 0 END) AS changed
     FROM staged_observations s LEFT JOIN observations o ON ${keyJoin('o', 's')} WHERE s.import_id = ?`,
    [importId],
  );
  counts.inserted = Number(d?.fresh ?? 0);
  counts.updated = Number(d?.changed ?? 0);
  counts.unchanged = Number(d?.total ?? 0) - counts.inserted - counts.updated;
}
