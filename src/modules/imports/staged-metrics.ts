import type { Db } from '../../platform/db.ts';
import type { Tx } from '../../platform/transaction.ts';
import { changedFields, type MetricRowFields } from '../metrics/index.ts';
import { freeSlug } from './metrics-step.ts';
import { importsRepository as repo, type StagedMetric, type StoredMetric } from './repository.ts';

/** One field of a metric definition as it is (or was) and as the import makes it: null before for a new metric. */
export interface FieldChange {
  field: keyof MetricRowFields;
  before: string | number | null;
  after: string | number | null;
}

/** A metric an import adds or whose definition it changes, field by field. */
export interface MetricChange {
  id: string;
  slug: string;
  title: string;
  action: 'new' | 'changed';
  fields: FieldChange[];
}

/**
 * Applies a draft's held-aside definitions to the catalogue, inside the publish transaction and before its staged
 * observations are merged: each is compared with the metric as published now (another import may have changed or
 * added it since the draft was made), inserted or updated, and logged in the change log at the publication's time. A
 * new metric's staged observations are moved from the placeholder id to its real one.
 */
export async function applyStagedMetrics(tx: Tx, importId: number, now: string): Promise<void> {
  const staged = await repo.stagedMetrics(tx, importId);
  const current = await repo.metricsByCode(
    tx,
    staged.map((s) => s.code),
  );
  for (const s of staged) {
    const stored = current.get(s.code);
    if (!stored) {
      const slug = (await repo.slugExists(tx, s.slug)) ? await freeSlug(tx, s.fields) : s.slug;
      const id = await repo.insertMetric(tx, s.fields, slug, importId, now);
      await repo.remapStagedObservations(tx, importId, -s.id, id);
      await repo.logChange(tx, { at: now, entity: 'metric', action: 'created', key: s.code, importId });
      continue;
    }
    if (s.metricId === null) await repo.remapStagedObservations(tx, importId, -s.id, stored.id);
    const changed = changedFields(stored, s.fields);
    if (changed.length === 0) continue;
    await repo.updateMetric(tx, stored.id, s.fields, importId, now);
    const detail = Object.fromEntries(changed.map((k) => [k, { before: stored[k], after: s.fields[k] }]));
    await repo.logChange(tx, { at: now, entity: 'metric', action: 'updated', key: s.code, importId, detail });
  }
  await repo.deleteStagedMetrics(tx, importId);
}

const metricChange = (s: StagedMetric, stored: StoredMetric | undefined): MetricChange | undefined => {
  const keys = stored
    ? changedFields(stored, s.fields)
    : (Object.keys(s.fields) as (keyof MetricRowFields)[]).filter((k) => s.fields[k] !== null);
  if (keys.length === 0) return undefined;
  return {
    id: s.code,
    slug: stored?.slug ?? s.slug,
    title: s.fields.title,
    action: stored ? 'changed' : 'new',
    fields: keys.map((field) => ({ field, before: stored ? (stored[field] ?? null) : null, after: s.fields[field] })),
  };
};

/** What publishing a draft would change in the catalogue now: its new metrics and, field by field, changed ones. */
export async function draftMetricChanges(db: Db, importId: number): Promise<MetricChange[]> {
  const staged = await repo.stagedMetrics(db, importId);
  const current = await repo.metricsByCode(
    db,
    staged.map((s) => s.code),
  );
  return staged.map((s) => metricChange(s, current.get(s.code))).filter((c): c is MetricChange => !!c);
}

/**
 * What a published import changed in the catalogue, from its change-log rows: changed fields as they were then; a new
 * metric's fields are not repeated (its definition is the catalogue's).
 */
export async function publishedMetricChanges(db: Db, importId: number): Promise<MetricChange[]> {
  const rows = await repo.metricChangesOf(db, importId);
  const current = await repo.metricsByCode(db, [...new Set(rows.map((r) => r.entity_key))]);
  const value = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? v : null);
  return rows.map((r) => {
    const m = current.get(r.entity_key);
    const detail = r.detail ? (JSON.parse(r.detail) as Record<string, { before: unknown; after: unknown }>) : {};
    return {
      id: r.entity_key,
      slug: m?.slug ?? r.entity_key,
      title: m?.title ?? r.entity_key,
      action: r.action === 'created' ? ('new' as const) : ('changed' as const),
      fields: Object.entries(detail).map(([k, d]) => ({
        field: k as keyof MetricRowFields,
        before: value(d.before),
        after: value(d.after),
      })),
    };
  });
}
