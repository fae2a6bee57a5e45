/**
 * Observations indexed by metric, area and period for direction of travel, read from column-wise batches without an
 * object per row: each metric has one table of row numbers, area slot × the metric's periods (in order). A figure
 * becomes an object only when the analysis asks for it (the baseline, the latest and any break between).
 */
import { statusFromText } from '../observations/index.ts';
import type { EndPoint, SeriesSource } from './direction.ts';
import type { PeriodInfo } from './periods.ts';
import { LCI, UCI, VALUE, type ObservationColumns } from '../observations/index.ts';

export type SeriesPoint = NonNullable<ReturnType<SeriesSource['point']>>;
export type Lookup = (metricId: number, periodId: number, areaId: number) => SeriesPoint | undefined;

interface MetricTable {
  periods: PeriodInfo[];
  /** Period id → index in periods (−1: not one of the metric's periods). */
  ord: Int32Array;
  /** Row number per area slot × period index, −1 where there is no observation. */
  at: Int32Array;
}

export interface SeriesIndex {
  point: Lookup;
  /** A metric's series for an area over the metric's periods, answering "has a figure" without building points. */
  series(metricId: number, areaId: number): SeriesSource;
  /** The metric's periods, in order. */
  periods(metricId: number): PeriodInfo[];
}

/**
 * Indexes a batch. `slots` (area id → slot) may be shared between batches; `periodsOf` gives each metric's periods,
 * oldest first: an observation outside them is not part of any series, as before.
 */
export function indexSeries(
  c: ObservationColumns,
  periodsOf: (metricId: number) => PeriodInfo[],
  slots = new Map<number, number>(),
): SeriesIndex {
  for (let i = 0; i < c.n; i++) if (!slots.has(c.area[i]!)) slots.set(c.area[i]!, slots.size);
  const width = slots.size;
  const tables = new Map<number, MetricTable>();
  const tableOf = (metricId: number): MetricTable => {
    let t = tables.get(metricId);
    if (!t) {
      const periods = periodsOf(metricId);
      const ord = new Int32Array(periods.reduce((m, p) => Math.max(m, p.id), 0) + 1).fill(-1);
      periods.forEach((p, k) => (ord[p.id] = k));
      tables.set(metricId, (t = { periods, ord, at: new Int32Array(width * periods.length).fill(-1) }));
    }
    return t;
  };
  let last = -1;
  let t: MetricTable | undefined;
  for (let i = 0; i < c.n; i++) {
    const m = c.metric[i]!;
    if (m !== last) ((t = tableOf(m)), (last = m));
    const p = c.period[i]!;
    const k = p < t!.ord.length ? t!.ord[p]! : -1;
    if (k >= 0) t!.at[slots.get(c.area[i]!)! * t!.periods.length + k] = i;
  }
  const pointAt = (i: number): SeriesPoint => {
    const f = c.flags[i]!;
    const status = c.status.get(i);
    return {
      value: f & VALUE ? c.value[i]! : null,
      status: status === undefined ? [] : statusFromText(status),
      lci: f & LCI ? c.lci[i]! : null,
      uci: f & UCI ? c.uci[i]! : null,
      source: 'publisher' as EndPoint['source'],
      method: null,
      note: c.note.get(i) ?? null,
    };
  };
  const rowOf = (t: MetricTable, slot: number, k: number) => t.at[slot * t.periods.length + k]!;
  const point: Lookup = (metricId, periodId, areaId) => {
    const t = tables.get(metricId);
    const slot = slots.get(areaId);
    if (!t || slot === undefined || slot >= width || periodId >= t.ord.length || t.ord[periodId]! < 0) return undefined;
    const i = rowOf(t, slot, t.ord[periodId]!);
    return i < 0 ? undefined : pointAt(i);
  };
  return {
    point,
    periods: (metricId) => tables.get(metricId)?.periods ?? periodsOf(metricId),
    series(metricId, areaId) {
      const t = tables.get(metricId);
      const slot = slots.get(areaId);
      if (!t || slot === undefined || slot >= width)
        return {
          periods: t?.periods ?? periodsOf(metricId),
          point: () => undefined,
          hasValue: () => false,
          hasBreak: () => false,
        };
      return {
        periods: t.periods,
        point: (periodId) =>
          periodId < t.ord.length && t.ord[periodId]! >= 0 ? at(rowOf(t, slot, t.ord[periodId]!)) : undefined,
        hasValue: (k) => {
          const i = rowOf(t, slot, k);
          return i >= 0 && (c.flags[i]! & VALUE) !== 0;
        },
        hasBreak: (k) => {
          const status = c.status.get(rowOf(t, slot, k));
          return status !== undefined && statusFromText(status).includes('b');
        },
      };
    },
  };
  function at(i: number) {
    return i < 0 ? undefined : pointAt(i);
  }
}
