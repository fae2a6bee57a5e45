/**
 * The basket loader: a basket by reference (`code` or `code@version`) with the query's anchors, its metrics as found in
 * the catalogue and their periods in one read of the coverage; with `england`, England's own figures kept beside it.
 * Then its entries one by one, each with its theme and metric (or said to be gone from the catalogue).
 */
import type { Db } from '../../platform/db.ts';
import { AppError, invalidParameter } from '../../platform/errors.ts';
import type { AreasService, ResolvedArea } from '../areas/index.ts';
import { coverageOf, metricsByCodes, TOPICS, type Metric, type MetricsService } from '../metrics/index.ts';
import { columnsBuilder, type ObservationColumns } from '../observations/index.ts';
import { basketProblems, type BasketDefinitionT, type CatalogueView } from './definitions.ts';
import type { MetricDirection } from './direction.ts';
import type { PeriodInfo } from './periods.ts';
import { sectorRepository as repo } from './repository.ts';
import { loadDefinition } from './store.ts';

export const DEFAULT_BASKET = 'sector-key';

export type BasketEntry = BasketDefinitionT['metrics'][number];

export interface DirectionQuery {
  basket?: string | undefined;
  area?: string | undefined;
  group?: string | undefined;
  /** Overrides the basket's anchors: latest, a date, or a year label YYYY/YY (read as 1 October of the first year). */
  baseline?: string | undefined;
  latest?: string | undefined;
}

/** `latest`, a date, or `2019/20` (1 October 2019: inside financial and academic year 2019/20, calendar year 2019). */
export function parseAnchor(field: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const t = raw.trim();
  if (t === 'latest' || /^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
  const m = /^(\d{4})[/-](\d{2})$/.exec(t);
  if (m && (Number(m[1]) + 1) % 100 === Number(m[2])) return `${m[1]}-10-01`;
  throw invalidParameter(field, 'is not latest, a date (YYYY-MM-DD) or a year such as 2019/20', raw);
}

/** `code` or `code@version`. */
const parseRef = (ref: string) => {
  const [code, version] = ref.split('@');
  return { code: code!, version };
};

export const basketInfo = (b: BasketDefinitionT) => ({
  id: b.id,
  version: b.version,
  name: b.name,
  description: b.description,
  baseline: b.baseline,
  latest: b.latest,
  tolerance: b.tolerance,
});

/** A basket ready for analysis: its metrics found in the catalogue (by code), each metric's periods oldest first. */
export interface PreparedBasket {
  b: BasketDefinitionT;
  found: Metric[];
  byCode: Map<string, Metric>;
  periodsOf: (metricId: number) => PeriodInfo[];
  /** England (the area) and its figures as kept with the coverage, when asked for. */
  englandArea: ResolvedArea | undefined;
  englandFigures: ObservationColumns | undefined;
}

export function createBaskets(db: Db, deps: { metrics: MetricsService; areas: AreasService }) {
  const { metrics, areas } = deps;

  async function catalogueView(codes: string[]): Promise<CatalogueView> {
    const found = await metrics.resolveKnown(codes);
    const periods = await metrics.periodsOf(found.map((m) => m.id));
    const counts = new Map<number, number>();
    for (const p of periods) counts.set(p.metric_id, (counts.get(p.metric_id) ?? 0) + 1);
    const view = (m: Metric) => ({
      topic: m.topic,
      polarity: m.polarity,
      periods: counts.get(m.id) ?? 0,
      unitType: m.unitType,
    });
    const byCode = new Map(found.map((m) => [m.code, view(m)]));
    return { metric: (c) => byCode.get(c), themes: new Set(TOPICS.map((t) => t.id)) };
  }

  async function basket(ref: string | undefined): Promise<BasketDefinitionT> {
    const { code, version } = parseRef(ref ?? DEFAULT_BASKET);
    const row = await repo.definition(db, 'baskets', code, version);
    if (!row) {
      if (ref === undefined) {
        const file = `src/modules/sector/baskets/${DEFAULT_BASKET}.json`;
        const how = `Load one with "sli sector load-basket FILE" (the default is ${file}).`;
        throw new AppError(404, 'no-basket', `No basket is loaded yet. ${how}`);
      }
      throw new AppError(400, 'unknown-basket', `There is no basket "${ref}". See /api/v1/sector/baskets.`, [
        { field: 'basket', message: 'is not a loaded basket', value: ref },
      ]);
    }
    return JSON.parse(row.definition) as BasketDefinitionT;
  }

  /**
   * The basket with the query's anchors, its metrics as found in the catalogue, and their periods; with `england`, also
   * England (the area) and its figures as kept with the coverage, read together with the periods.
   */
  async function prepare(q: DirectionQuery, opts: { england?: boolean } = {}): Promise<PreparedBasket> {
    const [stored, englandArea] = await Promise.all([
      basket(q.basket),
      opts.england ? areas.resolveCodes(['E92000001']).then((r) => r.areas[0]) : undefined,
    ]);
    const baseline = parseAnchor('baseline', q.baseline) ?? stored.baseline;
    const b: BasketDefinitionT = { ...stored, baseline, latest: parseAnchor('latest', q.latest) ?? stored.latest };
    if (b.baseline === 'latest') {
      throw invalidParameter('baseline', 'must be a date or year before the latest period, not latest', q.baseline);
    }
    const found = await metricsByCodes(
      db,
      b.metrics.map((m) => m.metric),
    );
    const byCode = new Map(found.map((m) => [m.code, m]));
    const england = englandArea ? columnsBuilder() : undefined;
    const coverage = await coverageOf(
      db,
      found.map((m) => m.id),
      england && ((m, p, v, l, u, status, note) => england.add(m, p, englandArea!.id, v, l, u, status, note)),
    );
    const periodsOf = (id: number) => coverage.periods.get(id) ?? [];
    return { b, found, byCode, periodsOf, englandArea, englandFigures: england?.finish() };
  }

  return {
    basket,
    prepare,
    async loadBasket(raw: unknown, now?: Date) {
      const listed = (raw as { metrics?: unknown })?.metrics;
      const entries = Array.isArray(listed) ? (listed as { metric?: unknown }[]) : [];
      const codes = entries.map((m) => m?.metric).filter((x): x is string => typeof x === 'string');
      return loadDefinition(db, 'baskets', raw, async (r) => basketProblems(r, await catalogueView(codes)), now);
    },
    async baskets() {
      return (await repo.definitions(db, 'baskets')).map((r) => {
        const d = JSON.parse(r.definition) as BasketDefinitionT;
        return {
          id: `${r.code}@${r.version}`,
          code: r.code,
          version: r.version,
          name: r.name,
          description: d.description,
          baseline: d.baseline,
          latest: d.latest,
          tolerance: d.tolerance,
          loadedAt: r.loaded_at,
          metrics: d.metrics,
        };
      });
    },
    /** When a basket was last loaded. */
    lastLoaded: () => repo.lastLoaded(db, 'baskets'),
  };
}
export type Baskets = ReturnType<typeof createBaskets>;

/** A metric and how a direction names it. */
export interface MetricInfo {
  metric: Metric;
  info: MetricDirection['metric'];
}
export const metricInfo = (m: Metric): MetricInfo => ({
  metric: m,
  info: { id: m.code, title: m.title, unit: m.unit, decimalPlaces: m.decimalPlaces, polarity: m.polarity },
});

/** A basket's metric that is no longer in the catalogue. */
export const gone = (entry: BasketEntry, theme: string): MetricDirection => ({
  metric: { id: entry.metric, title: entry.metric, unit: '', decimalPlaces: 0, polarity: 'not-applicable' },
  theme,
  why: entry.why,
  baseline: null,
  latest: null,
  change: null,
  relativeChange: null,
  classification: 'no-data',
  reason: 'this metric is no longer in the catalogue',
  rule: 'none',
});

/** A basket entry with its theme: the entry's own, else the metric's topic. */
export type ThemedEntry = BasketEntry & { theme: string };

/**
 * Each entry of a prepared basket in the basket's order: `direction` for a metric found in the catalogue, or a metric
 * no longer in it said so.
 */
export async function eachEntry(
  p: PreparedBasket,
  direction: (entry: ThemedEntry, metric: Metric) => MetricDirection | Promise<MetricDirection>,
): Promise<MetricDirection[]> {
  const results: MetricDirection[] = [];
  for (const entry of p.b.metrics) {
    const metric = p.byCode.get(entry.metric);
    const theme = entry.theme ?? metric?.topic ?? 'unknown';
    results.push(metric ? await direction({ ...entry, theme }, metric) : gone(entry, theme));
  }
  return results;
}
