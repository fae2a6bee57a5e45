/**
 * England's direction of travel: each metric's England figures as kept beside its coverage (one compact row per
 * period, not picked out of every council's rows); where the publisher gives none, our stated aggregate of councils;
 * where none can be made, the median of councils, labelled as such (never "England").
 */
import type { Db } from '../../platform/db.ts';
import type { AreasService } from '../areas/index.ts';
import { isCategorical, type Metric } from '../metrics/index.ts';
import {
  aggregateEngland,
  aggregationTier,
  isComputedNote,
  medianOfCouncils,
  observationColumns,
  type ObservationsService,
} from '../observations/index.ts';
import { eachEntry, metricInfo, type PreparedBasket } from './basket.ts';
import { classify, type EndPoint, type MetricDirection, type SeriesSource } from './direction.ts';
import { englandJudgements } from './judgements.ts';
import type { PeriodInfo } from './periods.ts';
import { indexSeries } from './series.ts';

type Aggregated = { series: SeriesSource; reason: string };

/** England's kept series, its computed figures marked as aggregates with their method (the note). */
function computedMarked(series: SeriesSource | undefined): SeriesSource | undefined {
  if (!series) return undefined;
  return {
    ...series,
    point: (pid) => {
      const p = series.point(pid);
      return p && isComputedNote(p.note) ? { ...p, source: 'aggregate', method: p.note } : p;
    },
  };
}

export function createEngland(db: Db, deps: { areas: AreasService; observations: ObservationsService }) {
  const { areas, observations } = deps;

  /** England aggregates per period for a metric the publisher gives no England figure for. */
  async function englandAggregates(metric: Metric, periods: PeriodInfo[]): Promise<Aggregated> {
    const tier = aggregationTier(metric.applicableAreaTypes);
    const points = new Map<number, EndPoint>();
    let reason = 'no England figure';
    for (const p of periods) {
      const councils = await areas.liveAreas({ types: tier }, p.end_date);
      const obs = await observations.grid(
        [metric.id],
        [p.id],
        councils.map((c) => c.id),
      );
      const typeOf = new Map(councils.map((c) => [c.id, c.type]));
      const figures = obs.map((o) => {
        const { value, numerator, denominator } = o;
        return { areaType: typeOf.get(o.area_id) ?? '', value, numerator, denominator };
      });
      const agg = aggregateEngland(metric.unitType, figures, councils.length);
      const point = { period: p.iso, label: p.label, status: [], lci: null, uci: null, note: null };
      if (agg.value !== null) {
        points.set(p.id, { ...point, value: agg.value, source: 'aggregate', method: agg.method });
        continue;
      }
      reason = `no England figure: ${agg.reason}`;
      // No England figure can be made: the median of the councils with a figure stands in, labelled as such and never
      // called England's, when most councils of the tier have one.
      const median = medianOfCouncils(figures, councils.length);
      if (median)
        points.set(p.id, {
          ...point,
          value: median.value,
          source: 'median',
          method: `${median.method}; not an England figure (${agg.reason})`,
        });
    }
    return { series: { periods, point: (pid) => points.get(pid) }, reason };
  }

  /** Every metric of the basket for England as a whole. */
  async function englandDirections(p: PreparedBasket): Promise<MetricDirection[]> {
    const { b, found, periodsOf, englandArea: england, englandFigures } = p;
    // Without England (the area) there are no figures kept: an empty read, and every metric falls to the aggregates.
    const columns =
      englandFigures ??
      (await observationColumns(
        db,
        found.map((m) => m.id),
        [],
      ));
    const index = indexSeries(columns, periodsOf);
    return eachEntry(p, async (entry, metric) => {
      const periods = periodsOf(metric.id);
      if (isCategorical(metric))
        return englandJudgements(db, areas, metricInfo(metric).info, metric, entry, entry.latest ?? b.latest, periods);
      let series = england ? computedMarked(index.series(metric.id, england.id)) : undefined;
      let missing = 'no England figure';
      if (!series || !periods.some((x) => series!.point(x.id)?.value != null)) {
        const agg = await englandAggregates(metric, periods);
        series = agg.series;
        missing = agg.reason;
      }
      return classify(metricInfo(metric).info, entry, b, series, missing);
    });
  }

  return { englandDirections };
}
