import type { Db } from '../../platform/db.ts';
import { notFound } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { countMissingInDraft } from './withdraw.ts';
import type { MetricDrafts } from '../metrics/index.ts';
import type { CheckedFile } from './files.ts';
import { importsRepository as repo } from './repository.ts';
import { draftMetricChanges, publishedMetricChanges } from './staged-metrics.ts';

type ImportState = 'draft' | 'published' | 'discarded' | 'loading';
type ImportRecord = NonNullable<Awaited<ReturnType<typeof repo.getImport>>>;

/** Named mapper from an import row to the API's list entry. */
const toImportRow = (r: ImportRecord) => ({
  id: r.id,
  adapter: r.adapter,
  state: r.state as ImportState,
  createdAt: r.created_at,
  publishedAt: r.published_at,
  observations: { inserted: r.inserted, updated: r.updated, unchanged: r.unchanged },
});

/**
 * Imports as analysts see them: the list, and one import with what it changes in the catalogue (for a draft, what
 * publishing it would change now). Also where the catalogue finds a draft's definitions for `?draft=N`.
 */
export function createImportsService(db: Db) {
  const drafts: MetricDrafts = {
    async definition(importId, idOrSlug) {
      const imp = await repo.getImport(db, importId);
      if (!imp || imp.state !== 'draft') return null;
      const s = await repo.stagedMetric(db, importId, idOrSlug);
      return { definition: s && { code: s.code, slug: s.slug, fields: s.fields, stagedAt: s.stagedAt } };
    },
  };
  return {
    drafts,

    list: async (limit = 50) => ({ imports: (await repo.listImports(db, limit)).map(toImportRow) }),

    async get(id: number) {
      const imp = await repo.getImport(db, id);
      if (!imp) throw notFound('Import', String(id));
      const metrics =
        imp.state === 'draft'
          ? await draftMetricChanges(db, id)
          : imp.state === 'published'
            ? await publishedMetricChanges(db, id)
            : [];
      // A draft: the published rows of its metrics and periods it no longer holds, which publishing would withdraw.
      const withdrawn =
        imp.state === 'draft' ? await withTransaction(db, (tx) => countMissingInDraft(tx, id, imp.adapter)) : null;
      return { ...toImportRow(imp), files: JSON.parse(imp.files) as CheckedFile[], metrics, withdrawn };
    },
  };
}
export type ImportsService = ReturnType<typeof createImportsService>;
