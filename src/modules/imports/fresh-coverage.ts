import { statusFromText } from '../observations/index.ts';
import type { StageRow } from './writer.ts';

/** England's own figure in a period, as the coverage table keeps it beside the counts. */
export interface NationalFigure {
  value: number | null;
  lci: number | null;
  uci: number | null;
  status: string;
  note: string | null;
}

/** One metric and period's coverage: distinct areas, how many of them have a value, England's figure. */
export interface PeriodCoverage {
  areas: Set<number>;
  values: number;
  england: NationalFigure | undefined;
}

/** A figure as it was written: what the derivation reads of an input (derived/step.ts). */
export interface WrittenPoint {
  value: number | null;
  status: string[];
  numerator: number | null;
  denominator: number | null;
  /** Always false: a publisher's figure (the derivation's own England and regional figures are true). */
  computed: boolean;
}

/** A metric's figures as written: by area id, then period id. */
export type WrittenSeries = Map<number, Map<number, WrittenPoint>>;

/** The status of most figures, shared (never changed: readers make new lists). */
const NO_STATUS: string[] = [];

/**
 * The coverage of metrics whose rows are all new keys, tallied as rows are written: metrics that had no published
 * observations before an import, and metrics whose writer knows every key to be new (the derivation's England and
 * regional figures: `added`, whose coverage is what it was plus the tally). Every distinct key of such a metric is a
 * new observation of this import (identical duplicates collapse into one key; a conflicting one rejects the import), so
 * the counts need no scan of the observations table afterwards. It also says whether a key came back, which is all
 * the writer needs to know to skip looking for duplicates in a chunk.
 */
export class FreshCoverage {
  readonly byMetric = new Map<number, Map<number, PeriodCoverage>>();
  /**
   * Every figure of the metrics `keep` picks, as written: such a metric had none before, so this is all it holds once
   * the writer has finished, and the derivation reads it here instead of from the table.
   */
  readonly written = new Map<number, WrittenSeries>();
  /** Tallied metrics that had published observations: their coverage is added to, not replaced. */
  readonly added = new Set<number>();
  private readonly englandId: () => number | undefined;
  /** England's area id once known (the geography may be loaded by the import itself; an id never changes). */
  private england: number | undefined;
  private readonly hadData: ReadonlySet<number>;
  private readonly keep: ((metricId: number) => boolean) | undefined;
  /** Each metric's periods and the series kept of it (null when it is not kept): one lookup a row. */
  private readonly metrics = new Map<number, { periods: Map<number, PeriodCoverage>; series: WrittenSeries | null }>();
  constructor(englandId: () => number | undefined, hadData: ReadonlySet<number>, keep?: (metricId: number) => boolean) {
    this.englandId = englandId;
    this.hadData = hadData;
    this.keep = keep;
  }

  private metric(metricId: number) {
    const periods = new Map<number, PeriodCoverage>();
    this.byMetric.set(metricId, periods);
    const had = this.hadData.has(metricId);
    if (had) this.added.add(metricId);
    // Only a metric new to the table is all there once written.
    const series: WrittenSeries | null = !had && this.keep?.(metricId) ? new Map() : null;
    if (series) this.written.set(metricId, series);
    const m = { periods, series };
    this.metrics.set(metricId, m);
    return m;
  }

  /**
   * Gives the tally up (the writer met keys held that it took for new): nothing is tallied or kept from then on, so the
   * coverage is counted from the table and the derivation reads its inputs there; `add` says every key may repeat.
   */
  abandon(): void {
    this.abandoned = true;
    this.byMetric.clear();
    this.written.clear();
    this.added.clear();
    this.metrics.clear();
  }
  private abandoned = false;

  /** Tallies the row; false when its key was already tallied (a duplicate, identical or not) or the tally given up. */
  add(r: StageRow): boolean {
    if (this.abandoned) return false;
    const m = this.metrics.get(r.metricId) ?? this.metric(r.metricId);
    let p = m.periods.get(r.periodId);
    if (!p) m.periods.set(r.periodId, (p = { areas: new Set(), values: 0, england: undefined }));
    const before = p.areas.size;
    p.areas.add(r.areaId);
    if (p.areas.size === before) return false;
    if (r.value !== null) p.values++;
    if (r.areaId === (this.england ??= this.englandId()))
      p.england = { value: r.value, lci: r.lci, uci: r.uci, status: r.status, note: r.note };
    if (m.series) {
      let byPeriod = m.series.get(r.areaId);
      if (!byPeriod) m.series.set(r.areaId, (byPeriod = new Map()));
      const status = r.status === '' ? NO_STATUS : statusFromText(r.status);
      const { value, numerator, denominator } = r;
      byPeriod.set(r.periodId, { value, status, numerator, denominator, computed: false });
    }
    return true;
  }
}
