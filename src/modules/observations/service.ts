import type { Db } from '../../platform/db.ts';
import { AppError, invalidParameter } from '../../platform/errors.ts';
import type { AreasService, FigurePoint, FigureSource, Lineage, LineageMetric } from '../areas/index.ts';
import { categoryLabel, type Metric, type MetricsService } from '../metrics/index.ts';
import { createObservationsRepository, type ObservationRow } from './repository.ts';
import { parsePeriodSelectors, selectPeriods, SelectorError, type AvailablePeriod } from './selectors.ts';
import { statusFromText } from './status.ts';
import { DEFAULT_DEFLATOR, loadedDeflator, realTerms, type DeflatorSource, type PricesQuery } from './real-terms.ts';
import { createNationalFigures, type NationalFigures } from './national.ts';
import { createPredecessorFigures, predecessorsNote } from './predecessors.ts';

export interface DataQuery extends PricesQuery {
  metric: string;
  area?: string | undefined;
  period?: string | undefined;
}

export interface ObservationDto {
  metric: string;
  area: string;
  areaName: string;
  period: string;
  periodLabel: string;
  value: number | null;
  status: string[];
  lci: number | null;
  uci: number | null;
  ciLevel: number | null;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
  /** Where the figure came from when it is not the area's own publication (the figure-source rule). */
  source: FigureSource | null;
  revision: number;
  updatedAt: string;
  /** A categorical metric's label for the value (the value is the category's position); null for a numeric one. */
  category: string | null;
}

const GSS = /^[EWSNK]\d{8}$/;
const list = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** Named mapper from a stored row to the API's observation. */
export function toObservationDto(
  r: ObservationRow,
  m: Pick<Metric, 'code' | 'categories'>,
  period: AvailablePeriod,
  source: FigureSource | null = null,
): ObservationDto {
  return {
    metric: m.code,
    area: r.area_code,
    areaName: r.area_name,
    period: period.iso,
    periodLabel: period.label,
    value: r.value,
    status: statusFromText(r.status),
    lci: r.lci,
    uci: r.uci,
    ciLevel: r.ci_level,
    numerator: r.numerator,
    denominator: r.denominator,
    note: r.note,
    source,
    revision: r.revision,
    updatedAt: r.updated_at,
    category: categoryLabel(m, r.value),
  };
}

/**
 * The data query: metrics × areas × periods, published observations only. Parses and checks the parameters
 * (naming the field and value on error), resolves `latest`/`latest:N`/labels/ISO/ranges per metric, refuses
 * requests larger than `maxRows` with a pointer to the bulk download.
 */
export function createObservationsService(
  db: Db,
  deps: { metrics: MetricsService; areas: AreasService },
  opts: { maxRows: number },
) {
  const repo = createObservationsRepository(db);
  const { metrics, areas } = deps;
  const national = createNationalFigures({ areas, grid: repo.grid });

  async function plan(q: DataQuery, limits: { unlimited?: boolean } = {}) {
    const metricCodes = list(q.metric);
    if (metricCodes.length === 0)
      throw invalidParameter('metric', 'is required: one or more metric ids separated by commas', q.metric);
    if (metricCodes.length > 100)
      throw invalidParameter(
        'metric',
        'lists more than 100 metrics; use the bulk download per metric',
        String(metricCodes.length),
      );
    let selectors;
    try {
      selectors = parsePeriodSelectors(q.period);
    } catch (e) {
      if (e instanceof SelectorError) throw invalidParameter('period', e.message, q.period);
      throw e;
    }
    const areaCodes = list(q.area);
    const malformed = areaCodes.filter((c) => !GSS.test(c));
    if (malformed.length > 0) {
      throw new AppError(
        400,
        'invalid-parameter',
        `area: ${malformed.map((m) => `"${m}"`).join(', ')} is not a GSS code such as E08000009`,
        malformed.map((m) => ({ field: 'area', message: 'is not a GSS code', value: m })),
      );
    }
    const metricRows = await metrics.resolve(metricCodes);
    let areaIds: number[] | undefined;
    let named: Map<number, { code: string; name: string }> | undefined;
    const notes: string[] = [];
    if (areaCodes.length > 0) {
      // The areas module resolves the codes: retired ones come with when they ended and their successors.
      const { areas: found, unknown } = await areas.resolveCodes(areaCodes);
      if (unknown.length > 0) {
        throw new AppError(
          400,
          'unknown-area',
          `Unknown area ${unknown.map((u) => `"${u}"`).join(', ')}. See /api/v1/areas.`,
          unknown.map((u) => ({ field: 'area', message: 'is not a known area code', value: u })),
        );
      }
      areaIds = found.map((a) => a.id);
      named = new Map(found.map((a) => [a.id, { code: a.code, name: a.name }]));
      for (const a of found.filter((x) => x.validTo)) {
        const s = a.successors.map((x) => `${x.code} (${x.name})`);
        const successor = s.length ? `; its successor is ${s.join(' and ')}` : '';
        const own = "Its data are shown as its own, not merged into a successor's.";
        notes.push(`${a.code} (${a.name}) ended on ${a.validTo}${successor}. ${own}`);
      }
    }
    const allPeriods = await metrics.periodsOf(metricRows.map((m) => m.id));
    const parts = metricRows.map((m) => {
      const available: AvailablePeriod[] = allPeriods.filter((p) => p.metric_id === m.id);
      const chosen = selectPeriods(selectors, available);
      if (chosen.length === 0)
        notes.push(`No published data for ${m.code} in the periods asked for (${q.period ?? 'latest'}).`);
      const estimate = allPeriods
        .filter((p) => p.metric_id === m.id && chosen.some((c) => c.id === p.id))
        .reduce((s, p) => s + Number(p.n_areas), 0);
      return {
        metric: m,
        periods: chosen,
        estimate: areaIds ? Math.min(estimate, areaIds.length * chosen.length) : estimate,
      };
    });
    const total = parts.reduce((s, p) => s + p.estimate, 0);
    if (!limits.unlimited && total > opts.maxRows) {
      throw new AppError(
        413,
        'too-large',
        `This request would return about ${total.toLocaleString('en-GB')} observations, more than the ${opts.maxRows.toLocaleString('en-GB')} one request may return. Narrow it by area or period, or download whole metrics from /api/v1/metrics/{id}/observations.csv (or "sli export observations").`,
        [{ field: 'metric', message: 'the selection is too large for one request', value: q.metric }],
      );
    }
    const deflation = await realTerms(q, deflators);
    if (deflation) notes.push(deflation.note);
    return { parts, areaIds, named, notes, deflation };
  }

  /** Where real terms find a deflator: the catalogue's index metric and England's figure per period. */
  const deflators: DeflatorSource = {
    async metric(code) {
      try {
        return (await metrics.resolve([code]))[0];
      } catch (e) {
        if (e instanceof AppError && e.code === 'unknown-metric') return undefined;
        throw e;
      }
    },
    async englandIndex(m) {
      const periods = (await metrics.periodsOf([m.id])).filter((p) => p.metric_id === m.id);
      const { areas: found } = await areas.resolveCodes(['E92000001']);
      const england = found[0];
      if (!england || periods.length === 0) return [];
      const rows = await repo.find(
        m.id,
        periods.map((p) => p.id),
        [england.id],
      );
      const byPeriod = new Map(rows.map((r) => [r.period_id, r.value]));
      return periods.map((period) => ({ period, value: byPeriod.get(period.id) ?? null }));
    },
  };

  /**
   * One metric's published observations in some periods: with areas named, each area's figure by the figure-source
   * rule (its own, or for a period before it existed its predecessors', marked); without, every area's own.
   */
  async function observationsOf(
    m: Metric,
    periods: AvailablePeriod[],
    areaIds: number[] | undefined,
    named: Map<number, { code: string; name: string }> | undefined,
  ): Promise<ObservationDto[]> {
    const byId = new Map(periods.map((p) => [p.id, p]));
    const periodIds = periods.map((p) => p.id);
    const lineage = areaIds && named ? await areas.lineage() : undefined;
    const derivable = lineage && areaIds ? areaIds.filter((id) => lineage.hasPredecessors(id)) : [];
    if (!lineage || !areaIds || !named || derivable.length === 0)
      return (await repo.find(m.id, periodIds, areaIds)).map((r) => toObservationDto(r, m, byId.get(r.period_id)!));
    const rows = await repo.find(m.id, periodIds, lineage.withSources(areaIds));
    const wanted = new Set(areaIds);
    const index = new Map(rows.map((r) => [`${r.period_id}|${r.area_id}`, r]));
    const out = rows.filter((r) => wanted.has(r.area_id)).map((r) => toObservationDto(r, m, byId.get(r.period_id)!));
    const get = (periodId: number, areaId: number) => {
      const r = index.get(`${periodId}|${areaId}`);
      return r && { ...r, status: statusFromText(r.status) };
    };
    for (const d of derivedFigures(lineage, m, periods, derivable, get)) {
      const area = named.get(d.areaId)!;
      const row = {
        ...d.point,
        status: d.point.status.join(','),
        area_id: d.areaId,
        area_code: area.code,
        area_name: area.name,
      };
      out.push(toObservationDto(row, m, d.period, d.source));
    }
    const order = new Map(periods.map((p, i) => [p.iso, i]));
    const periodOf = (o: ObservationDto) => order.get(o.period)!;
    return out.sort((x, y) => periodOf(x) - periodOf(y) || x.area.localeCompare(y.area));
  }

  return {
    /** The data query, refused beyond `maxRows` unless a caller that bounds it itself says `unlimited`. */
    async query(q: DataQuery, limits: { unlimited?: boolean } = {}) {
      const { parts, areaIds, named, notes, deflation } = await plan(q, limits);
      const observations: ObservationDto[] = [];
      for (const part of parts) {
        if (part.periods.length === 0) continue;
        const rows = await observationsOf(part.metric, part.periods, areaIds, named);
        observations.push(...(deflation ? rows.map((o) => deflation.apply(part.metric, o)) : rows));
      }
      if (areaIds && named) notes.push(...(await beforeBegan(parts, areaIds, observations)));
      if (observations.some((o) => o.source))
        notes.push(
          "Some figures were not published for the council itself: they come from its predecessors by the figure-source rule (same area, or added up where the measure allows), and each says so in 'source'. (docs/FIGURE-SOURCES.md).",
        );
      const metrics = parts.map((p) => p.metric);
      return {
        metrics: metrics.map((m) => ({
          id: m.code,
          title: m.title,
          unit: m.unit,
          unitType: m.unitType,
          decimalPlaces: m.decimalPlaces,
          polarity: m.polarity,
          categories: m.categories,
          caveats: m.caveats,
          source: m.source,
        })),
        periods: parts.map((p) => ({
          metric: p.metric.code,
          periods: p.periods.map((x) => ({ period: x.iso, label: x.label })),
        })),
        observations,
        notes,
        licence: [...new Set(metrics.map((m) => m.source.licence))].join('; '),
        attribution: [...new Set(metrics.map((m) => m.source.attribution ?? m.source.publisher))],
      };
    },

    /** Streams observations in chunks of one metric and period, for CSV exports of any size. */
    async *stream(
      q: DataQuery,
      limits: { unlimited?: boolean } = {},
    ): AsyncGenerator<{ metric: Metric; row: ObservationDto }> {
      const { parts, areaIds, named, deflation } = await plan(q, limits);
      for (const { metric: m, periods } of parts) {
        for (const p of periods) {
          for (const row of await observationsOf(m, [p], areaIds, named))
            yield { metric: m, row: deflation ? deflation.apply(m, row) : row };
        }
      }
    },

    /**
     * Published observations for metric ids × period ids × area ids, with status codes parsed (no size limit: callers
     * bound it).
     */
    async grid(metricIds: number[], periodIds: number[], areaIds: number[]) {
      return (await repo.grid(metricIds, periodIds, areaIds)).map((r) => ({ ...r, status: statusFromText(r.status) }));
    },

    /** The metrics and notes of a data query without reading its observations: what a CSV's metadata describes. */
    async describe(q: DataQuery, limits: { unlimited?: boolean } = {}) {
      const { parts, notes } = await plan(q, limits);
      return { metrics: parts.map((p) => p.metric), notes };
    },
    figures,

    /** A council's predecessors' own figures where the rule gives it none before it began (predecessors.ts). */
    predecessorFigures: createPredecessorFigures({ areas, metrics, figures }),

    /** England's figure of a metric in a period: the publisher's, computed from councils, or a median (national.ts). */
    englandFigure: national.england,

    /** England's and each region's figure of a metric (id or slug) in one period (ISO), by the rule of national.ts. */
    async nationalFigures(code: string, iso: string): Promise<NationalFigures> {
      const [m] = await metrics.resolve([code]);
      const p = (await metrics.periodsOf([m!.id])).find((x) => x.iso === iso);
      if (!p) return { england: null, regions: [] };
      const [england, regions] = await Promise.all([national.england(m!, p), national.regions(m!, p)]);
      return { england, regions };
    },

    lastPublished: () => repo.lastPublished(),

    /**
     * Real terms for any caller's £ figures (docs/REAL-TERMS.md): undefined for cash terms; refused (400, `no-deflator`
     * or `invalid-parameter`) as the data query refuses.
     */
    realTerms: (q: PricesQuery) => realTerms(q, deflators),

    /** The deflator of this id (default hmt.gdp-deflator) and its years, or undefined when none is loaded. */
    deflator: (code?: string) => loadedDeflator(code ?? DEFAULT_DEFLATOR, deflators),
  };

  /**
   * For each named council that began after some of the periods asked for and has no figure in them by the rule: why,
   * and where its predecessors' own figures are (never added into its own).
   */
  async function beforeBegan(
    parts: { metric: Metric; periods: AvailablePeriod[] }[],
    areaIds: number[],
    rows: ObservationDto[],
  ): Promise<string[]> {
    const lineage = await areas.lineage();
    const out: string[] = [];
    for (const id of areaIds) {
      const a = lineage.area(id);
      const preds = lineage.predecessors(id);
      if (!a?.validFrom || preds.length === 0) continue;
      for (const { metric: m, periods } of parts) {
        const got = new Set(rows.filter((o) => o.metric === m.code && o.area === a.code).map((o) => o.period));
        const missing = periods.filter((p) => p.start_date < a.validFrom! && !got.has(p.iso));
        const why = missing.length ? lineage.whyNone(id, missing[0]!.start_date, m) : undefined;
        const theirs = preds.filter((p) => m.applicableAreaTypes.includes(p.type));
        if (why && theirs.length) out.push(`${m.code}: ${predecessorsNote(a, why, theirs)}`);
      }
    }
    return out;
  }

  /**
   * Published figures for metrics × periods × areas by the figure-source rule (the areas module's lineage): each area's
   * own figure, or, for a period that began before the area existed, its predecessors' (the same area under an earlier
   * code or council, or an aggregate where the metric allows one), marked with `source`. No size limit: callers bound
   * it.
   */
  async function figures(
    metricList: readonly FigureMetric[],
    periods: readonly { id: number; start_date: string }[],
    areaIds: number[],
  ): Promise<FigureRow[]> {
    const lineage = await areas.lineage();
    const derivable = areaIds.filter((id) => lineage.hasPredecessors(id));
    const metricIds = metricList.map((m) => m.id);
    const periodIds = periods.map((p) => p.id);
    if (derivable.length === 0) {
      const rows = await repo.grid(metricIds, periodIds, areaIds);
      return rows.map((r) => ({ ...r, status: statusFromText(r.status), source: null }));
    }
    const read = (await repo.grid(metricIds, periodIds, lineage.withSources(areaIds))).map((r) => ({
      ...r,
      status: statusFromText(r.status),
      source: null,
    }));
    const wanted = new Set(areaIds);
    const out: FigureRow[] = read.filter((r) => wanted.has(r.area_id));
    const index = new Map<string, FigureRow>();
    for (const r of read) index.set(`${r.metric_id}|${r.period_id}|${r.area_id}`, r);
    for (const m of metricList) {
      const get = (periodId: number, areaId: number) => index.get(`${m.id}|${periodId}|${areaId}`);
      for (const d of derivedFigures(lineage, m, periods, derivable, get))
        out.push({ ...d.point, metric_id: m.id, period_id: d.period.id, area_id: d.areaId, source: d.source });
    }
    return out;
  }
}

/**
 * The figures the rule derives for the `derivable` areas in `periods` where `get` holds none of their own: their
 * predecessors' (lineage.figure), each with where it came from. One loop for the data query and the grid read.
 */
function* derivedFigures<P extends FigurePoint, Q extends { id: number; start_date: string }>(
  lineage: Lineage,
  metric: LineageMetric,
  periods: readonly Q[],
  derivable: readonly number[],
  get: (periodId: number, areaId: number) => P | undefined,
): Generator<{ period: Q; areaId: number; point: P; source: FigureSource }> {
  for (const period of periods) {
    for (const areaId of derivable) {
      if (get(period.id, areaId)) continue;
      const f = lineage.figure(areaId, period.start_date, metric, (id) => get(period.id, id));
      if (f?.source) yield { period, areaId, point: f.point, source: f.source };
    }
  }
}

/** What the figure-source rule needs of a metric: its id, the council types it applies to and its unit. */
export interface FigureMetric extends LineageMetric {
  id: number;
}
/** A published figure (status codes parsed), with where it came from when it is not the council's own. */
export interface FigureRow {
  metric_id: number;
  period_id: number;
  area_id: number;
  value: number | null;
  status: string[];
  lci: number | null;
  uci: number | null;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
  source: FigureSource | null;
}
export type ObservationsService = ReturnType<typeof createObservationsService>;
