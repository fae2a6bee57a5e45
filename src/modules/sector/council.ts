/**
 * One council's direction of travel: each metric against the council's own baseline (a figure it did not publish
 * itself taken from its predecessors by the figure-source rule, said so), and against a comparison group's members
 * over the same two periods.
 */
import type { Db } from '../../platform/db.ts';
import { typeInfo, typesInWords, type AreasService, type Lineage } from '../areas/index.ts';
import type { ResolvedGroup } from '../groups/index.ts';
import { isCategorical, type Metric } from '../metrics/index.ts';
import { observationColumns } from '../observations/index.ts';
import { eachEntry, metricInfo, type MetricInfo, type PreparedBasket, type ThemedEntry } from './basket.ts';
import type { BasketDefinitionT } from './definitions.ts';
import { classify, groupDirection, type MetricDirection, type PickCache, type SeriesSource } from './direction.ts';
import { councilJudgement } from './judgements.ts';
import type { PeriodInfo } from './periods.ts';
import { indexSeries, type Lookup } from './series.ts';

export type Council = { id: number; code: string; name: string; type: string };

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
  /** The figure-source rule (areas): a figure the council did not publish itself may come from its predecessors. */
  lineage: Lineage;
  own?: SeriesSource;
  cache?: PickCache;
}

/**
 * One council's direction on one metric against its own baseline: not applicable to its tier says so; a figure it did
 * not publish itself comes from its predecessors by the figure-source rule (the same area, or an aggregate where the
 * measure allows one), said so; otherwise there is no baseline and the reason says why.
 */
export function councilDirection(c: CouncilMetric): MetricDirection {
  const {
    m: { metric, info },
    entry: e,
    b,
    periods,
    get,
    focus,
    lineage,
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
      reason: `does not apply to ${typeInfo(focus.type).plural} (it is published for ${typesInWords(applies)})`,
      rule: 'none',
    };
  }
  const own = c.own ?? seriesFrom(periods, get, metric.id, focus.id);
  const derivable = lineage.hasPredecessors(focus.id);
  const sourced: SeriesSource = !derivable
    ? own
    : {
        periods,
        point(pid) {
          const mine = own.point(pid);
          if (mine) return mine;
          const period = periods.find((p) => p.id === pid);
          if (!period) return undefined;
          const f = lineage.figure(focus.id, period.start_date, metric, (id) => get(metric.id, pid, id));
          if (!f?.source || f.point.value === null) return undefined;
          const { value, status, lci, uci } = f.point;
          const [source, method, note] =
            f.source.kind === 'aggregate'
              ? (['aggregate', f.source.note, null] as const)
              : (['predecessor', null, f.source.note] as const);
          return { value, status: [...status], lci, uci, source, method, note };
        },
      };
  // A judgement: the council's latest against the one before it; one published before the council began is its
  // same-area predecessor's, by the same rule, said so.
  if (isCategorical(metric)) return councilJudgement(info, metric, e, e.latest ?? b.latest, sourced, focus.name);
  const r = classify(info, e, b, sourced, `no figure for ${focus.name}`, cache);
  if (!r.baseline && r.latest && derivable) {
    const anchor = e.baseline ?? b.baseline;
    const baseline = /^\d{4}-/.test(anchor) ? periods.find((p) => p.end_date >= anchor) : periods[0];
    const why = baseline && lineage.whyNone(focus.id, baseline.start_date, metric);
    if (why) r.reason = why;
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
  const lineage = await areas.lineage();
  for (const x of lineage.withSources([focus.id])) areaIds.add(x);
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
    const r = councilDirection({ m: metricInfo(metric), entry: e, b, periods, get, focus, lineage });
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
      // A judgement: each member's own latest against the one before it, counted by the label order and polarity.
      if (isCategorical(metric))
        return councilJudgement(
          r.metric,
          metric,
          e,
          e.latest ?? b.latest,
          seriesFrom(periods, get, metric.id, m.id),
          m.name,
        );
      const series = { periods: [basePeriod, latestPeriod], point: seriesFrom(periods, get, metric.id, m.id).point };
      return classify(r.metric, asAsked, fixed, series, 'no figure');
    });
  return groupDirection({ id: group.group.id, name: group.group.name }, r, members, b.tolerance);
}
