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

/**
 * The coverage of metrics that had no published observations before an import, tallied as rows are written: every
 * distinct key of such a metric is a new observation of this import (identical duplicates collapse into one key; a
 * conflicting one rejects the import), so the counts need no scan of the observations table afterwards. It also says
 * whether a key came back, which is all the writer needs to know to skip looking for duplicates in a chunk.
 */
export class FreshCoverage {
  readonly byMetric = new Map<number, Map<number, PeriodCoverage>>();
  private readonly englandId: () => number | undefined;
  constructor(englandId: () => number | undefined) {
    this.englandId = englandId;
  }

  /** Tallies the row; false when its key was already tallied (a duplicate, identical or not). */
  add(r: StageRow): boolean {
    let periods = this.byMetric.get(r.metricId);
    if (!periods) this.byMetric.set(r.metricId, (periods = new Map()));
    let p = periods.get(r.periodId);
    if (!p) periods.set(r.periodId, (p = { areas: new Set(), values: 0, england: undefined }));
    const before = p.areas.size;
    p.areas.add(r.areaId);
    if (p.areas.size === before) return false;
    if (r.value !== null) p.values++;
    if (r.areaId === this.englandId())
      p.england = { value: r.value, lci: r.lci, uci: r.uci, status: r.status, note: r.note };
    return true;
  }
}
