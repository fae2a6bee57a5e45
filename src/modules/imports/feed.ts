import type { Tx } from '../../platform/transaction.ts';

/**
 * Adds an import's changes to the change feed (feed_entries), in the transaction that publishes it: its catalogue
 * changes (change_log, made when the import ran, a draft's included), every observation it revised or withdrew, one
 * entry per metric it published, and last the "import published" line. Each entry's id is its position in the feed.
 *
 * On PostgreSQL the table is locked against other writers until commit (readers are not blocked), so positions are
 * handed out in commit order: a reader that has seen position N can never later find an entry below N appear, which is
 * what lets a cursor resume without skipping. SQLite has one writer at a time already.
 */
export async function recordFeedEntries(tx: Tx, importId: number, at: string): Promise<number> {
  if (tx.dialect === 'postgres') await tx.run('LOCK TABLE feed_entries IN EXCLUSIVE MODE');
  return tx.run(
    `INSERT INTO feed_entries (kind, ref_id, metric_id, import_id, at)
     SELECT kind, ref_id, metric_id, CAST(? AS INTEGER), CAST(? AS TEXT) FROM (
       SELECT 'catalogue' AS kind, c.id AS ref_id, m.id AS metric_id, CASE WHEN c.entity = 'import' THEN 3 ELSE 0 END AS k
       FROM change_log c LEFT JOIN metrics m ON c.entity = 'metric' AND m.code = c.entity_key WHERE c.import_id = ?
       UNION ALL
       SELECT 'observation', r.id, r.metric_id, 1 FROM observation_revisions r WHERE r.replaced_by_import_id = ?
       UNION ALL
       SELECT 'publication', im.import_id, im.metric_id, 2 FROM import_metrics im WHERE im.import_id = ?
     ) e ORDER BY k, ref_id, metric_id`,
    [importId, at, importId, importId, importId],
  );
}
