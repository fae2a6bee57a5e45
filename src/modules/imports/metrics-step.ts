import type { Tx } from '../../platform/transaction.ts';
import type { SourceLocation } from '../../platform/source.ts';
import { changedFields, slugify, toMetricFields, validateMetricDefinition } from '../metrics/index.ts';
import type { MetricDefinition, MetricRowFields } from '../metrics/index.ts';
import type { ImportIssue } from './adapter.ts';
import type { ImportCatalogue } from './catalogue.ts';
import { importsRepository as repo, type ChangeRow, type StoredMetric } from './repository.ts';

export interface MetricCounts {
  created: number;
  updated: number;
  unchanged: number;
}

interface MetricStepContext {
  adapter: string;
  /** A draft holds new and changed definitions aside (staged_metrics) until it is published: none is public. */
  mode: 'publish' | 'draft';
  importId: number;
  now: string;
  catalogue: ImportCatalogue;
  counts: MetricCounts;
  report: (issue: ImportIssue) => void;
}

/** A slug no metric has or had: from the short title (or title, or code), with the code added when it is taken. */
export async function freeSlug(
  tx: Tx,
  f: Pick<MetricRowFields, 'code' | 'title' | 'short_title'>,
  taken?: ReadonlySet<string>,
): Promise<string> {
  const slug = slugify(f.short_title ?? f.title) || slugify(f.code);
  const exists = taken ? taken.has(slug) : await repo.slugExists(tx, slug);
  return exists ? `${slug}-${slugify(f.code)}`.slice(0, 120) : slug;
}

/**
 * The metric definitions of an import: each is validated field by field, then inserted (with a free slug) or
 * updated where a field changed; both go to the change log. A code defined twice must be defined the same way.
 * In a draft, new and changed definitions are held aside in staged_metrics instead (a new metric's observations are
 * staged under the placeholder id `-staged id`) and applied when the draft is published (staged-metrics.ts).
 */
export function createMetricStep(tx: Tx, ctx: MetricStepContext) {
  const { importId, now, catalogue, counts, report } = ctx;
  const definedHere = new Map<string, MetricDefinition>();
  // Publishing: the slugs taken, read once (an import may create hundreds of metrics) and kept current as it creates.
  let taken: Set<string> | undefined;
  // Publishing: new metrics and change-log rows held until `flush` writes them in a few statements (an import may
  // define hundreds of metrics). A new metric is in the catalogue at once, its id set when it is written.
  let creating: { code: string; row: MetricRowFields & { slug: string }; stored: StoredMetric }[] = [];
  let logging: ChangeRow[] = [];

  /** Reports what is wrong with the definition; true when it may be stored. */
  function acceptable(def: MetricDefinition, at: SourceLocation): boolean {
    const problems = validateMetricDefinition(def);
    for (const p of problems) {
      report({ at, field: p.field, value: p.value, message: `metric ${def.code}: ${p.field} ${p.message}` });
    }
    if (problems.length > 0) return false;
    const earlier = definedHere.get(def.code);
    if (!earlier) return true;
    if (JSON.stringify(earlier) !== JSON.stringify(def)) {
      const message = `metric ${def.code} is defined twice in this import, differently`;
      report({ at, field: 'code', value: def.code, message });
    }
    return false;
  }

  async function create(def: MetricDefinition, fields: MetricRowFields): Promise<void> {
    if (ctx.mode === 'publish') taken ??= await repo.takenSlugs(tx);
    const slug = await freeSlug(tx, fields, taken);
    counts.created++;
    if (ctx.mode === 'draft') {
      const staged = await repo.stageMetric(tx, { importId, code: def.code, metricId: null, slug, fields, now });
      catalogue.metrics.set(def.code, { ...fields, id: -staged, slug });
      return;
    }
    taken?.add(slug);
    const stored: StoredMetric = { ...fields, id: 0, slug };
    catalogue.metrics.set(def.code, stored);
    creating.push({ code: def.code, row: { ...fields, slug }, stored });
    logging.push({ at: now, entity: 'metric', action: 'created', key: def.code, importId });
  }

  async function update(code: string, stored: StoredMetric, fields: MetricRowFields): Promise<void> {
    const changed = changedFields(stored, fields);
    if (changed.length === 0) {
      counts.unchanged++;
      return;
    }
    counts.updated++;
    if (ctx.mode === 'draft') {
      await repo.stageMetric(tx, { importId, code, metricId: stored.id, slug: stored.slug, fields, now });
    } else {
      await repo.updateMetric(tx, stored.id, fields, importId, now);
      const detail = Object.fromEntries(changed.map((k) => [k, { before: stored[k], after: fields[k] }]));
      logging.push({ at: now, entity: 'metric', action: 'updated', key: code, importId, detail });
    }
    catalogue.metrics.set(code, { ...stored, ...fields });
    catalogue.applicability.delete(stored.id);
  }

  async function onMetric(def: MetricDefinition, at: SourceLocation): Promise<void> {
    if (!acceptable(def, at)) return;
    definedHere.set(def.code, def);
    const fields = toMetricFields(def, ctx.adapter);
    const stored = catalogue.metrics.get(def.code);
    await (stored ? update(def.code, stored, fields) : create(def, fields));
  }

  /** Writes the new metrics and change-log rows held, in the order they came: before anything else reads them. */
  async function flush(): Promise<void> {
    if (creating.length > 0) {
      const ids = await repo.insertMetrics(
        tx,
        creating.map((c) => c.row),
        importId,
        now,
      );
      for (const c of creating) c.stored.id = ids.get(c.code)!;
      creating = [];
    }
    if (logging.length > 0) {
      await repo.logChanges(tx, logging);
      logging = [];
    }
  }

  return {
    onMetric,
    definedHere,
    flush,
    /** Whether new metrics or change-log rows wait to be written. */
    get pending() {
      return creating.length + logging.length > 0;
    },
  };
}
