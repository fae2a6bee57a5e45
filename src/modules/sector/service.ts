import { createHash } from 'node:crypto';
import type { Db } from '../../platform/db.ts';
import { AppError, invalidParameter, type FieldError } from '../../platform/errors.ts';
import { type AreasService, typePrefixes } from '../areas/index.ts';
import type { GroupsService } from '../groups/index.ts';
import { type MetricsService, toMetricDto, TOPICS } from '../metrics/index.ts';
import type { ObservationsService } from '../observations/index.ts';
import { aggregateEngland, aggregationTier } from './aggregate.ts';
import { basketProblems, type BasketDefinitionT, type CatalogueView } from './definitions.ts';
import { classify, count, createSummary, emptyCounts, groupDirection, methodology, summarise, type Counts, type EndPoint, type MetricDirection, type PickCache, type SeriesSource } from './direction.ts';
import type { PeriodInfo } from './periods.ts';
import { sectorRepository as repo, type DefinitionTable } from './repository.ts';
import { coverageOf, metricsByCodes } from '../metrics/index.ts';
import { columnsBuilder, columnsReader, observationColumns, type ObservationColumns } from '../observations/index.ts';
import { indexSeries, type Lookup } from './series.ts';

export const DEFAULT_BASKET = 'sector-key';

export class DefinitionError extends Error {
  readonly problems: FieldError[];
  constructor(message: string, problems: FieldError[]) {
    super(message);
    this.problems = problems;
  }
}

export interface DirectionQuery {
  basket?: string | undefined;
  area?: string | undefined;
  group?: string | undefined;
  /** Overrides the basket's anchors: latest, a date, or a year label YYYY/YY (read as 1 October of the first year). */
  baseline?: string | undefined;
  latest?: string | undefined;
}

/** `latest`, a date, or `2019/20` (1 October 2019: inside financial and academic year 2019/20 and calendar year 2019). */
export function parseAnchor(field: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const t = raw.trim();
  if (t === 'latest' || /^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
  const m = /^(\d{4})[/-](\d{2})$/.exec(t);
  if (m && (Number(m[1]) + 1) % 100 === Number(m[2])) return `${m[1]}-10-01`;
  throw invalidParameter(field, 'is not latest, a date (YYYY-MM-DD) or a year such as 2019/20', raw);
}

type CatalogueRow = Awaited<ReturnType<MetricsService['resolveKnown']>>[number];
type Council = { id: number; code: string; name: string; type: string };
type Predecessor = { id: number; code: string; name: string; effectiveDate: string };

/** The council types screened and analysed one by one (unitaries, districts, metropolitan districts, London boroughs, counties). */
export const COUNCIL_TYPES = typePrefixes('council')!;

type MetricInfo = { row: CatalogueRow; info: MetricDirection['metric']; applies: string[] };
const metricInfo = (row: CatalogueRow): MetricInfo => {
  const dto = toMetricDto(row);
  return { row, info: { id: dto.id, title: dto.title, unit: dto.unit, decimalPlaces: dto.decimalPlaces, polarity: dto.polarity }, applies: dto.applicableAreaTypes };
};

const basketInfo = (b: BasketDefinitionT) => ({ id: b.id, version: b.version, name: b.name, description: b.description, baseline: b.baseline, latest: b.latest, tolerance: b.tolerance });

const fingerprint = (def: unknown) => createHash('sha256').update(JSON.stringify(def)).digest('hex');
/** `code` or `code@version`. */
const parseRef = (ref: string) => {
  const [code, version] = ref.split('@');
  return { code: code!, version };
};

/** Baskets of at least this many metrics are read in a worker thread on SQLite (starting one costs about 0.1 s). */
const READER_THREAD_FROM = 200;
/** Batches read ahead of the analysis on PostgreSQL. */
const READS_AHEAD_POSTGRES = 2;

export function createSectorService(db: Db, deps: { metrics: MetricsService; observations: ObservationsService; areas: AreasService; groups: GroupsService }) {
  const { metrics, observations, areas, groups } = deps;

  async function catalogueView(codes: string[]): Promise<CatalogueView> {
    const rows = await metrics.resolveKnown(codes);
    const periods = await metrics.periodsOf(rows.map((r) => r.id));
    const counts = new Map<number, number>();
    for (const p of periods) counts.set(p.metric_id, (counts.get(p.metric_id) ?? 0) + 1);
    const byCode = new Map(rows.map((r) => [r.code, { topic: r.topic, polarity: r.polarity, periods: counts.get(r.id) ?? 0 }]));
    return { metric: (c) => byCode.get(c), themes: new Set(TOPICS.map((t) => t.id)) };
  }

  /** Validates and stores a definition; a version once stored never changes (load a new version instead). */
  async function load(table: DefinitionTable, raw: unknown, problemsOf: (raw: unknown) => Promise<FieldError[]>, now = new Date()): Promise<{ state: 'loaded' | 'unchanged'; code: string; version: string }> {
    const problems = await problemsOf(raw);
    const what = table === 'baskets' ? 'basket' : 'rule set';
    if (problems.length > 0) throw new DefinitionError(`The ${what} was not loaded: ${problems.length} problem(s).`, problems);
    const def = raw as { id: string; version: string; name: string };
    const existing = await repo.definition(db, table, def.id, def.version);
    const fp = fingerprint(def);
    if (existing) {
      if (existing.fingerprint === fp) return { state: 'unchanged', code: def.id, version: def.version };
      throw new DefinitionError(`Version ${def.version} of ${what} ${def.id} is already loaded with different content; give the changed ${what} a new version.`, [{ field: 'version', value: def.version, message: 'already exists with different content' }]);
    }
    await repo.insertDefinition(db, table, { code: def.id, version: def.version, name: def.name, definition: JSON.stringify(def), fingerprint: fp, loaded_at: now.toISOString() });
    return { state: 'loaded', code: def.id, version: def.version };
  }

  async function basket(ref: string | undefined): Promise<BasketDefinitionT> {
    const { code, version } = parseRef(ref ?? DEFAULT_BASKET);
    const row = await repo.definition(db, 'baskets', code, version);
    if (!row) {
      if (ref === undefined) throw new AppError(404, 'no-basket', `No basket is loaded yet. Load one with "sli sector load-basket FILE" (the default is src/modules/sector/baskets/${DEFAULT_BASKET}.json).`);
      throw new AppError(400, 'unknown-basket', `There is no basket "${ref}". See /api/v1/sector/baskets.`, [{ field: 'basket', message: 'is not a loaded basket', value: ref }]);
    }
    return JSON.parse(row.definition) as BasketDefinitionT;
  }

  function seriesFrom(periods: PeriodInfo[], get: Lookup, metricId: number, areaId: number): SeriesSource {
    return { periods, point: (pid) => get(metricId, pid, areaId) };
  }

  /**
   * The basket with the query's anchors, its metrics as found in the catalogue, and their periods; with `england`, also
   * England (the area) and its figures as kept with the coverage, read together with the periods.
   */
  async function prepare(q: DirectionQuery, opts: { england?: boolean } = {}) {
    const [stored, englandArea] = await Promise.all([basket(q.basket), opts.england ? areas.resolveCodes(['E92000001']).then((r) => r.areas[0]) : undefined]);
    const b: BasketDefinitionT = { ...stored, baseline: parseAnchor('baseline', q.baseline) ?? stored.baseline, latest: parseAnchor('latest', q.latest) ?? stored.latest };
    if (b.baseline === 'latest') throw invalidParameter('baseline', 'must be a date or year before the latest period, not latest', q.baseline);
    const found = await metricsByCodes(db, b.metrics.map((m) => m.metric));
    const byCode = new Map(found.map((r) => [r.code, r]));
    const england = englandArea ? columnsBuilder() : undefined;
    const coverage = await coverageOf(db, found.map((r) => r.id), england && ((m, p, v, l, u, status, note) => england.add(m, p, englandArea!.id, v, l, u, status, note)));
    const periodsOf = (id: number) => coverage.periods.get(id) ?? [];
    return { b, found, byCode, periodsOf, englandArea, englandFigures: england?.finish() };
  }

  const gone = (entry: BasketDefinitionT['metrics'][number], theme: string): MetricDirection => ({
    metric: { id: entry.metric, title: entry.metric, unit: '', decimalPlaces: 0, polarity: 'not-applicable' }, theme, why: entry.why, baseline: null, latest: null, change: null, relativeChange: null, classification: 'no-data', reason: 'this metric is no longer in the catalogue', rule: 'none',
  });

  /**
   * One council's direction on one metric against its own baseline: not applicable to its tier says so; a missing figure
   * is taken from a single predecessor that has one (said so), never from several (the boundaries changed).
   */
  function councilDirection(c: { m: MetricInfo; entry: BasketDefinitionT['metrics'][number] & { theme: string }; b: BasketDefinitionT; periods: PeriodInfo[]; get: Lookup; focus: Council; predecessors: Predecessor[]; own?: SeriesSource; cache?: PickCache }): MetricDirection {
    const { m: { row, info, applies }, entry: e, b, periods, get, focus, predecessors, cache } = c;
    if (!applies.includes(focus.type)) {
      return { metric: info, theme: e.theme, why: e.why, baseline: null, latest: null, change: null, relativeChange: null, classification: 'no-data', reason: `does not apply to ${focus.type} councils (${applies.join(', ')} only)`, rule: 'none' };
    }
    const own = c.own ?? seriesFrom(periods, get, row.id, focus.id);
    const withPredecessor: SeriesSource = predecessors.length === 0 ? own : {
      periods,
      point(pid) {
        const mine = own.point(pid);
        if (mine) return mine;
        const from = predecessors.map((p) => ({ p, o: get(row.id, pid, p.id) })).filter((x) => x.o && x.o.value !== null);
        if (from.length !== 1) return undefined;
        const { p, o } = from[0]!;
        return { value: o!.value, status: o!.status, lci: o!.lci, uci: o!.uci, source: 'predecessor', method: null, note: `the figure of ${p.name} (${p.code}), which ${focus.name} replaced` };
      },
    };
    const r = classify(info, e, b, withPredecessor, `no figure for ${focus.name}`, cache);
    if (!r.baseline && r.latest && predecessors.length > 0) {
      r.reason = `${focus.name} began on ${predecessors[0]!.effectiveDate}, replacing ${predecessors.map((p) => `${p.name} (${p.code})`).join(', ')}; ${predecessors.length > 1 ? 'no single predecessor has a comparable figure (the boundaries changed), so there is no baseline' : 'the predecessor has no figure for the baseline'}`;
    }
    return r;
  }

  async function directionOfTravel(q: DirectionQuery) {
    const { b, found, byCode, periodsOf, englandArea: england, englandFigures } = await prepare(q, { england: !q.area });
    let focus: Council | undefined;
    if (q.area) {
      const { areas: hit } = await areas.resolveCodes([q.area]);
      if (!hit[0]) throw new AppError(400, 'unknown-area', `Unknown area "${q.area}". See /api/v1/areas.`, [{ field: 'area', message: 'is not a known area code', value: q.area }]);
      focus = hit[0];
    }
    const group = focus && q.group ? await groups.resolve(q.group) : undefined;
    const areaIds = new Set<number>();
    if (focus) areaIds.add(focus.id);
    for (const m of group?.members ?? []) areaIds.add(m.id);
    const predecessors = focus ? ((await areas.predecessorsOf([focus.id])).get(focus.id) ?? []) : [];
    for (const p of predecessors) areaIds.add(p.id);
    const ids = found.map((r) => r.id);
    // England alone: its figures as kept beside each metric's coverage, not picked out of every council's rows.
    const columns = !focus && englandFigures ? englandFigures : await observationColumns(db, ids, [...areaIds]);
    const index = indexSeries(columns, periodsOf);
    const get = index.point;

    const results: MetricDirection[] = [];
    for (const entry of b.metrics) {
      const row = byCode.get(entry.metric);
      const theme = entry.theme ?? row?.topic ?? 'unknown';
      if (!row) {
        results.push(gone(entry, theme));
        continue;
      }
      const periods = periodsOf(row.id);
      const e = { ...entry, theme };
      if (!focus) {
        const dto = toMetricDto(row);
        const info = { id: dto.id, title: dto.title, unit: dto.unit, decimalPlaces: dto.decimalPlaces, polarity: dto.polarity };
        let series = england ? index.series(row.id, england.id) : undefined;
        let missing = 'no England figure';
        if (!series || !periods.some((p) => series!.point(p.id)?.value != null)) {
          const agg = await englandAggregates(row, periods);
          series = agg.series;
          missing = agg.reason;
        }
        results.push(classify(info, e, b, series, missing));
        continue;
      }
      const r = councilDirection({ m: metricInfo(row), entry: e, b, periods, get, focus, predecessors });
      if (group && r.baseline && r.latest) {
        const basePeriod = periods.find((p) => p.iso === r.baseline!.period)!;
        const latestPeriod = periods.find((p) => p.iso === r.latest!.period)!;
        const fixed = { ...b, baseline: basePeriod.start_date, latest: latestPeriod.start_date };
        const applies = row.applicableAreaTypes;
        const members = group.members
          .filter((m) => m.id !== focus!.id && applies.includes(m.type))
          .map((m) => classify(r.metric, { ...e, baseline: undefined, latest: undefined }, fixed, { periods: [basePeriod, latestPeriod], point: seriesFrom(periods, get, row.id, m.id).point }, 'no figure'));
        r.group = groupDirection({ id: group.group.id, name: group.group.name }, r, members, b.tolerance);
      }
      results.push(r);
    }
    const summary = summarise(results, TOPICS, b.clusterShare ?? 0.5);
    const scope = focus ? `${focus.name} (${focus.code}) against its own baseline${group ? ` and against ${group.group.name} (${group.group.id})` : ''}` : 'England as a whole';
    return {
      basket: basketInfo(b),
      area: focus ? { code: focus.code, name: focus.name, type: focus.type } : null,
      group: group ? { id: group.group.id, name: group.group.name } : null,
      metrics: results,
      summary,
      flags: summary.byTheme.filter((t) => t.flagged).map((t) => `${t.title}: ${t.flagReason}`),
      methodology: methodology(b, scope),
      licence: [...new Set(found.map((r) => r.source.licence))].join('; '),
      attribution: [...new Set(found.map((r) => r.source.attribution ?? r.source.publisher))],
    };
  }

  /**
   * The same analysis for every current council at once, each against its own baseline: per council the counts overall
   * and by service area (with clustering flags), per metric how many councils improved, stayed the same or worsened.
   * Reads the basket's observations a few metrics at a time, so memory stays bounded whatever the basket's size.
   * With `detail`, every council × metric result is returned too (for the real baskets, not for thousands of metrics).
   */
  async function directionForEveryCouncil(q: Omit<DirectionQuery, 'area' | 'group'>, opts: { detail?: boolean; chunk?: number; readerThread?: boolean } = {}) {
    const { b, found, byCode, periodsOf } = await prepare(q);
    const councils = await areas.liveAreas({ types: COUNCIL_TYPES });
    const preds = await areas.predecessorsOf(councils.map((c) => c.id));
    const clusterShare = b.clusterShare ?? 0.5;
    const perCouncil = councils.map((c) => ({ council: c, predecessors: preds.get(c.id) ?? [], summary: createSummary(TOPICS) }));
    const perMetric: { id: string; title: string; theme: string; polarity: string; councils: Counts }[] = [];
    const detail: (MetricDirection & { area: { code: string; name: string; type: string } })[] = [];
    const size = opts.chunk ?? 25;
    const slots = new Map<number, number>();
    // The next batch is read while this one is analysed: on PostgreSQL the server reads meanwhile; on SQLite, for a large
    // basket, a worker thread on its own connection (the other core).
    const reader = columnsReader(db, { thread: opts.readerThread ?? b.metrics.length >= READER_THREAD_FROM });
    const fetch = (i: number) => {
      if (i >= b.metrics.length) return undefined;
      const ids = b.metrics.slice(i, i + size).map((e) => byCode.get(e.metric)?.id).filter((x): x is number => x !== undefined);
      const p = reader.read(ids);
      p.catch(() => {}); // awaited below; this only stops an early failure elsewhere leaving it unhandled
      return p;
    };
    // Reads kept in flight ahead of the analysis: two on PostgreSQL, whose server reads each on a core of its own (one
    // left the analysis waiting on the server for half its time, measured at full scale), one on SQLite.
    const ahead = db.pool ? READS_AHEAD_POSTGRES : 1;
    const inFlight: Promise<ObservationColumns>[] = [];
    let nextStart = 0;
    const topUp = () => {
      for (; inFlight.length < ahead && nextStart < b.metrics.length; nextStart += size) inFlight.push(fetch(nextStart)!);
    };
    try {
      topUp();
      for (let i = 0; i < b.metrics.length; i += size) {
        const entries = b.metrics.slice(i, i + size);
        const columns = await inFlight.shift()!;
        topUp();
        const index = indexSeries(columns, periodsOf, slots);
        for (const entry of entries) {
          // Let the next batch's bytes be read meanwhile: a COPY the client does not read waits on a full socket.
          await new Promise(setImmediate);
          const row = byCode.get(entry.metric);
          const theme = entry.theme ?? row?.topic ?? 'unknown';
          const counts = emptyCounts();
          perMetric.push({ id: row ? toMetricDto(row).id : entry.metric, title: row?.title ?? entry.metric, theme, polarity: row?.polarity ?? 'not-applicable', councils: counts });
          const m = row ? metricInfo(row) : undefined;
          const applies = m?.applies ?? [];
          const periods = row ? index.periods(row.id) : [];
          const cache: PickCache = new Map();
          const e = { ...entry, theme };
          for (const c of perCouncil) {
            const r = m ? councilDirection({ m, entry: e, b, periods, get: index.point, focus: c.council, predecessors: c.predecessors, own: index.series(m.row.id, c.council.id), cache }) : gone(entry, theme);
            c.summary.add(theme, r.classification);
            if (applies.includes(c.council.type)) count(counts, r.classification);
            if (opts.detail) detail.push({ ...r, area: { code: c.council.code, name: c.council.name, type: c.council.type } });
          }
        }
      }
    } finally {
      await reader.close();
    }
    return {
      basket: basketInfo(b),
      councils: perCouncil.map((c) => {
        const summary = c.summary.finish(clusterShare);
        return { code: c.council.code, name: c.council.name, type: c.council.type, summary, flags: summary.byTheme.filter((t) => t.flagged).map((t) => `${t.title}: ${t.flagReason}`) };
      }),
      metrics: perMetric,
      ...(opts.detail ? { detail } : {}),
      methodology: methodology(b, `every current council (${councils.length}), each against its own baseline`),
      licence: [...new Set(found.map((r) => r.source.licence))].join('; '),
    };
  }

  /** England aggregates per period for a metric the publisher gives no England figure for. */
  async function englandAggregates(row: CatalogueRow, periods: PeriodInfo[]): Promise<{ series: SeriesSource; reason: string }> {
    const tier = aggregationTier(row.applicableAreaTypes);
    const points = new Map<number, EndPoint>();
    let reason = 'no England figure';
    for (const p of periods) {
      const councils = await areas.liveAreas({ types: tier }, p.end_date);
      const obs = await observations.grid([row.id], [p.id], councils.map((c) => c.id));
      const typeOf = new Map(councils.map((c) => [c.id, c.type]));
      const agg = aggregateEngland(row.unitType, obs.map((o) => ({ areaType: typeOf.get(o.area_id) ?? '', value: o.value, numerator: o.numerator, denominator: o.denominator })), councils.length);
      if (agg.value === null) {
        reason = `no England figure: ${agg.reason}`;
        continue;
      }
      points.set(p.id, { period: p.iso, label: p.label, value: agg.value, status: [], lci: null, uci: null, source: 'aggregate', method: agg.method, note: null });
    }
    return { series: { periods, point: (pid) => points.get(pid) }, reason };
  }

  return {
    directionOfTravel,
    directionForEveryCouncil,
    basket,
    async loadBasket(raw: unknown, now?: Date) {
      const codes = Array.isArray((raw as { metrics?: unknown })?.metrics) ? ((raw as { metrics: { metric?: unknown }[] }).metrics.map((m) => m?.metric).filter((x): x is string => typeof x === 'string')) : [];
      return load('baskets', raw, async (r) => basketProblems(r, await catalogueView(codes)), now);
    },
    async baskets() {
      return (await repo.definitions(db, 'baskets')).map((r) => {
        const d = JSON.parse(r.definition) as BasketDefinitionT;
        return { id: `${r.code}@${r.version}`, code: r.code, version: r.version, name: r.name, description: d.description, baseline: d.baseline, latest: d.latest, tolerance: d.tolerance, loadedAt: r.loaded_at, metrics: d.metrics };
      });
    },
    /** When a basket was last loaded. */
    basketsLoadedAt: () => repo.lastLoaded(db, 'baskets'),
    parseArea: (code: string | undefined) => {
      if (code !== undefined && !/^E\d{8}$/.test(code)) throw invalidParameter('area', 'is not an English GSS code such as E08000009', code);
      return code;
    },
    loadDefinition: load,
  };
}
export type SectorService = ReturnType<typeof createSectorService>;
