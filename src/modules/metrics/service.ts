import type { Db } from '../../platform/db.ts';
import { AppError, invalidParameter, notFound } from '../../platform/errors.ts';
import { createMetricsRepository, toMetric, type MetricCoverageRow } from './repository.ts';
import type { MetricDto, MetricListQueryT } from './schemas.ts';
import type { Metric } from './types.ts';
import type { MetricRowFields } from './definition.ts';

/** A metric definition a draft import holds aside (the imports module keeps them until the draft is published). */
export interface DraftDefinition {
  code: string;
  /** The metric's slug, or the one a new metric would get. */
  slug: string;
  fields: MetricRowFields;
  stagedAt: string;
}

/** Where the catalogue finds a draft import's definitions, for analysts' previews (`?draft=N`). */
export interface MetricDrafts {
  /**
   * Null when there is no draft import of this id; otherwise the draft's new or changed definition of the metric named
   * by code or slug, undefined when the draft leaves it as it is.
   */
  definition(importId: number, idOrSlug: string): Promise<{ definition: DraftDefinition | undefined } | null>;
}

const periodRef = (packed: string | null) => {
  if (!packed) return null;
  const iso = packed.slice(packed.indexOf(' ') + 1);
  return { period: iso, label: '' };
};

/** Named mapper from a metric (and its coverage) to the API object. */
export function toMetricDto(m: Metric, cov?: MetricCoverageRow, labels?: Map<string, string>): MetricDto {
  const first = periodRef(cov?.first_iso ?? null);
  const last = periodRef(cov?.last_iso ?? null);
  if (first) first.label = labels?.get(first.period) ?? first.period;
  if (last) last.label = labels?.get(last.period) ?? last.period;
  return {
    id: m.code,
    slug: m.slug,
    title: m.title,
    shortTitle: m.shortTitle,
    description: m.description,
    definition: m.definition,
    caveats: m.caveats,
    topic: m.topic,
    subtopic: m.subtopic,
    unit: m.unit,
    unitType: m.unitType,
    decimalPlaces: m.decimalPlaces,
    multiplier: m.multiplier,
    polarity: m.polarity,
    periodType: m.periodType,
    applicableAreaTypes: m.applicableAreaTypes,
    source: m.source,
    statisticsStatus: m.statisticsStatus,
    numeratorLabel: m.numeratorLabel,
    denominatorLabel: m.denominatorLabel,
    releasedAt: m.releasedAt,
    nextReleaseAt: m.nextReleaseAt,
    categories: m.categories?.map((c, i) => ({ code: c.code, label: c.label, position: i + 1 })) ?? null,
    earliestPeriod: first,
    latestPeriod: last,
    periodCount: Number(cov?.n_periods ?? 0),
    updatedAt: m.updatedAt,
  };
}

/**
 * The metrics catalogue: listing by service area, search, one metric with its periods. It reads published definitions
 * only (a draft import's are held aside until it is published); an analyst's preview of a draft asks `drafts`.
 */
export function createMetricsService(db: Db, deps: { drafts?: MetricDrafts } = {}) {
  const repo = createMetricsRepository(db);

  async function withCoverage(rows: Metric[]): Promise<MetricDto[]> {
    const cov = await repo.coverage(rows.map((r) => r.id));
    const byId = new Map(cov.map((c) => [c.metric_id, c]));
    const isos = cov
      .flatMap((c) => [c.first_iso, c.last_iso])
      .filter((x): x is string => !!x)
      .map((x) => x.slice(x.indexOf(' ') + 1));
    const labels = new Map((await repo.periodsByIso([...new Set(isos)])).map((p) => [p.iso, p.label]));
    return rows.map((r) => toMetricDto(r, byId.get(r.id), labels));
  }

  async function periodsOf(metricId: number) {
    return (await repo.periodsOf([metricId])).map((p) => ({
      period: p.iso,
      label: p.label,
      type: p.type,
      start: p.start_date,
      end: p.end_date,
      areas: Number(p.n_areas),
      values: Number(p.n_values),
    }));
  }

  /** One published metric by id or slug; an old slug raises a redirect to the current id. */
  async function published(id: string) {
    const m = await repo.byCodeOrSlug(id);
    if (!m) {
      const moved = await repo.byOldSlug(id);
      if (moved)
        throw new AppError(301, 'moved', `Metric "${id}" is now "${moved.code}".`, [], {
          location: `/api/v1/metrics/${encodeURIComponent(moved.code)}`,
        });
      throw notFound('Metric', id);
    }
    const [dto] = await withCoverage([m]);
    return { ...dto!, periods: await periodsOf(m.id) };
  }

  return {
    topics: async () =>
      (await repo.listTopics()).map((t) => ({ id: t.id, title: t.title, description: t.description })),

    /** Every metric with data, as a choice: id, title and service area (a form's options; no definitions read). */
    async choices(): Promise<{ id: string; title: string; topic: string | null }[]> {
      return (await repo.choices()).map((r) => ({ id: r.code, title: r.title, topic: r.topic_id }));
    },

    async list(q: MetricListQueryT) {
      const topics = await this.topics();
      if (q.topic && !topics.some((t) => t.id === q.topic)) {
        throw invalidParameter(
          'topic',
          `is not a service area; use one of ${topics.map((t) => t.id).join(', ')}`,
          q.topic,
        );
      }
      const limit = q.limit ?? 100;
      const offset = q.offset ?? 0;
      const [rows, total] = await Promise.all([
        repo.list({ topic: q.topic, q: q.q, limit, offset }),
        repo.count({ topic: q.topic, q: q.q }),
      ]);
      return { total, limit, offset, topics, metrics: await withCoverage(rows) };
    },

    /**
     * One metric by id or slug; an old slug raises a redirect to the current id. With `draft` (analysts only, checked
     * by the route), the definition as that draft import would make it: its new metric, its changed definition, or
     * the published one where the draft leaves it as it is; the periods are the published ones.
     */
    async get(id: string, opts: { draft?: number | undefined } = {}) {
      if (opts.draft === undefined) return published(id);
      const importId = opts.draft;
      const found = await deps.drafts?.definition(importId, id);
      if (!found) throw notFound('Draft import', String(importId));
      const staged = found.definition;
      if (!staged) return { ...(await published(id)), draft: { importId, status: 'unchanged' as const } };
      const stored = await repo.byCodeOrSlug(staged.code);
      const m = toMetric({
        ...staged.fields,
        id: stored?.id ?? 0,
        slug: stored?.slug ?? staged.slug,
        import_id: importId,
        created_at: staged.stagedAt,
        updated_at: staged.stagedAt,
      });
      const draft = { importId, status: stored ? ('changed' as const) : ('new' as const) };
      if (!stored) return { ...toMetricDto(m), periods: [], draft };
      const [dto] = await withCoverage([m]);
      return { ...dto!, periods: await periodsOf(stored.id), draft };
    },

    /** Several metrics by id or slug; unknown ones are named in a 400. */
    async resolve(codes: string[]): Promise<Metric[]> {
      const rows = await repo.byCodes(codes);
      const found = new Set(rows.flatMap((r) => [r.code, r.slug]));
      const unknown = codes.filter((c) => !found.has(c));
      if (unknown.length > 0) {
        throw new AppError(
          400,
          'unknown-metric',
          `Unknown metric ${unknown.map((u) => `"${u}"`).join(', ')}. See /api/v1/metrics for the catalogue.`,
          unknown.map((u) => ({ field: 'metric', message: 'is not a metric id', value: u })),
        );
      }
      const byKey = new Map<string, Metric>();
      for (const r of rows) byKey.set(r.slug, r).set(r.code, r);
      return [...new Set(codes.map((c) => byKey.get(c)!))];
    },

    /** The metrics of these ids or slugs that exist (unknown ones are left out, not an error). */
    resolveKnown: (codes: string[]): Promise<Metric[]> => repo.byCodes(codes),
    /** The published categorical metrics (inspection judgements) that have data, by code. */
    categoricalWithData: (): Promise<Metric[]> => repo.categoricalWithData(),

    periodsOf: (ids: number[]) => repo.periodsOf(ids),

    /** Metrics named by code (not slug), as baskets name them. */
    byCodes: (codes: string[]): Promise<Metric[]> => repo.byExactCodes(codes),

    /** Periods of metrics named by code, without first resolving them (as periodsOf). */
    periodsOfCodes: (codes: string[]) => repo.periodsOfCodes(codes),
  };
}
export type MetricsService = ReturnType<typeof createMetricsService>;
