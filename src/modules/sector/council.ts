/**
 * One council's direction of travel: each metric against the council's own baseline (a missing figure taken from a
 * single predecessor that has one, said so), and against a comparison group's members over the same two periods.
 */
import type { Db } from '../../platform/db.ts';
import type { AreasService } from '../areas/index.ts';
import type { ResolvedGroup } from '../groups/index.ts';
import type { Metric } from '../metrics/index.ts';
import { observationColumns } from '../observations/index.ts';
import { eachEntry, metricInfo, type MetricInfo, type PreparedBasket, type ThemedEntry } from './basket.ts';
import type { BasketDefinitionT } from './definitions.ts';
import { classify, groupDirection, type MetricDirection, type PickCache, type SeriesSource } from './direction.ts';
import type { PeriodInfo } from './periods.ts';
import { indexSeries, type Lookup } from './series.ts';

export type Council = { id: number; code: string; name: string; type: string };
export type Predecessor = { id: number; code: string; name: string; effectiveDate: string };

export const seriesFrom = (periods: PeriodInfo[], get: Lookup, metricId: number, areaId: number): SeriesSource => ({
  periods,
  point: (pid) => get(metricId, pid, areaId),
});

export interface CouncilMetric {
  m: MetricInfo;
  entry: ThemedEntry;
  b: BasketDefinitionT;
  periods: PeriodInfo[];
  get: Lookup;
  focus: Council;
  predecessors: Predecessor[];
  own?: SeriesSource;
  cache?: PickCache;
}

/**
 * One council's direction on one metric against its own baseline: not applicable to its tier says so; a missing figure
 * is taken from a single predecessor that has one (said so), never from several (the boundaries changed).
 */
export function councilDirection(c: CouncilMetric): MetricDirection {
  const {
    m: { metric, info },
    entry: e,
    b,
    periods,
    get,
    focus,
    predecessors,
    cache,
  } = c;
  const applies = metric.applicableAreaTypes;
  if (!applies.includes(focus.type)) {
    return {
      metric: info,
      theme: e.theme,
      why: e.why,
      baseline: null,
      latest: null,
      change: null,
      relativeChange: null,
      classification: 'no-data',
      reason: `does not apply to ${focus.type} councils (${applies.join(', ')} only)`,
      rule: 'none',
    };
  }
  const own = c.own ?? seriesFrom(periods, get, metric.id, focus.id);
  const withPredecessor: SeriesSource =
    predecessors.length === 0
      ? own
      : {
          periods,
          point(pid) {
            const mine = own.point(pid);
            if (mine) return mine;
            const from = predecessors
              .map((p) => ({ p, o: get(metric.id, pid, p.id) }))
              .filter((x) => x.o && x.o.value !== null);
            if (from.length !== 1) return undefined;
            const { p, o } = from[0]!;
            const note = `the figure of ${p.name} (${p.code}), which ${focus.name} replaced`;
            const { value, status, lci, uci } = o!;
            return { value, status, lci, uci, source: 'predecessor', method: null, note };
          },
        };
  const r = classify(info, e, b, withPredecessor, `no figure for ${focus.name}`, cache);
  if (!r.baseline && r.latest && predecessors.length > 0) {
    const replaced = predecessors.map((p) => `${p.name} (${p.code})`).join(', ');
    const why =
      predecessors.length > 1
        ? 'no single predecessor has a comparable figure (the boundaries changed), so there is no baseline'
        : 'the predecessor has no figure for the baseline';
    r.reason = `${focus.name} began on ${predecessors[0]!.effectiveDate}, replacing ${replaced}; ${why}`;
  }
  return r;
}

/**
 * The basket for one council (the focus), each metric against its own baseline and, with a group, against the group's
 * members over the same two periods.
 */
export async function councilDirections(
  db: Db,
  areas: AreasService,
  p: PreparedBasket,
  focus: Council,
  group: ResolvedGroup | undefined,
): Promise<MetricDirection[]> {
  const { b, found, periodsOf } = p;
  const areaIds = new Set<number>([focus.id]);
  for (const m of group?.members ?? []) areaIds.add(m.id);
  const predecessors = (await areas.predecessorsOf([focus.id])).get(focus.id) ?? [];
  for (const x of predecessors) areaIds.add(x.id);
  const index = indexSeries(
    await observationColumns(
      db,
      found.map((m) => m.id),
      [...areaIds],
    ),
    periodsOf,
  );
  const get = index.point;
  return eachEntry(p, (e, metric) => {
    const periods = periodsOf(metric.id);
    const r = councilDirection({ m: metricInfo(metric), entry: e, b, periods, get, focus, predecessors });
    if (group && r.baseline && r.latest) r.group = againstGroup(r, e, b, metric, periods, get, focus, group);
    return r;
  });
}

/** The group's members (those the metric applies to) over the council's own baseline and latest periods. */
function againstGroup(
  r: MetricDirection,
  e: ThemedEntry,
  b: BasketDefinitionT,
  metric: Metric,
  periods: PeriodInfo[],
  get: Lookup,
  focus: Council,
  group: ResolvedGroup,
) {
  const basePeriod = periods.find((p) => p.iso === r.baseline!.period)!;
  const latestPeriod = periods.find((p) => p.iso === r.latest!.period)!;
  const fixed = { ...b, baseline: basePeriod.start_date, latest: latestPeriod.start_date };
  const applies = metric.applicableAreaTypes;
  const asAsked = { ...e, baseline: undefined, latest: undefined };
  const members = group.members
    .filter((m) => m.id !== focus.id && applies.includes(m.type))
    .map((m) => {
      const series = { periods: [basePeriod, latestPeriod], point: seriesFrom(periods, get, metric.id, m.id).point };
      return classify(r.metric, asAsked, fixed, series, 'no figure');
    });
  return groupDirection({ id: group.group.id, name: group.group.name }, r, members, b.tolerance);
}
