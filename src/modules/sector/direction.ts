/**
 * Direction of travel of a basket of key metrics, for England or for one council (against its own baseline and against
 * a
 * comparison group). Every metric is listed with its baseline and latest period and value, the change, the
 * classification and the reason; metrics without polarity are reported as increased or decreased and left out of the
 * improvement counts; breaks in series, missing years and reorganisations are reported, never silently bridged.
 */
import type { CategoryMovement, MovementCells, Polarity } from '../metrics/index.ts';
import { directionOfTravel, median, type DirectionResult, type PointValue } from '../compare/index.ts';
import type { BasketDefinitionT } from './definitions.ts';
import type { DistributionCells, LatestDistribution } from './distribution.ts';
import { pickPeriod, type PeriodInfo, type PickedPeriod } from './periods.ts';

export type Classification =
  'improved' | 'no-change' | 'worsened' | 'increased' | 'decreased' | 'not-comparable' | 'no-data';

export interface EndPoint {
  period: string;
  label: string;
  value: number | null;
  status: string[];
  lci: number | null;
  uci: number | null;
  /**
   * How the figure was obtained: the publisher's own, our stated aggregate, a predecessor council's, or (for England,
   * where no aggregate can be made) the median of councils, labelled as such.
   */
  source: 'publisher' | 'aggregate' | 'predecessor' | 'median';
  method: string | null;
  note: string | null;
  /** A categorical measure's judgement: the label the value (its position in the ordered list) stands for. */
  category?: string | null;
}

export interface GroupDirection {
  id: string;
  name: string;
  compared: number;
  improved: number;
  noChange: number;
  worsened: number;
  notComparable: number;
  medianRelativeChange: number | null;
  /** The council's change against the group's median change, by polarity: better, worse, similar (within tolerance). */
  relativeToGroup: 'better' | 'worse' | 'similar' | null;
}

export interface MetricDirection {
  metric: { id: string; title: string; unit: string; decimalPlaces: number; polarity: Polarity };
  theme: string;
  why: string;
  baseline: EndPoint | null;
  latest: EndPoint | null;
  change: number | null;
  relativeChange: number | null;
  classification: Classification;
  reason: string;
  /** `categories`: a categorical measure, its direction by the label order and polarity (judgements.ts). */
  rule: DirectionResult['rule'] | 'categories';
  group?: GroupDirection | undefined;
  /**
   * A categorical measure for England: how many councils moved to a better, the same or a worse judgement between
   * their two latest, by council type, and how many were "Good or better" before and now.
   */
  judgements?: Omit<CategoryMovement, 'rows'> & { rows: (MovementCells & { type: string; name: string })[] };
  /**
   * A categorical measure for England: each council's latest judgement now, counted by category and council type
   * ("Good or better: x of n councils"), the span of dates they were published over, and `movement` saying when no
   * movement can be shown (one judgement per council).
   */
  latestJudgements?: Omit<LatestDistribution, 'rows'> & {
    rows: (DistributionCells & { type: string; name: string })[];
    /** "Good or better: 80 of 151 councils". */
    headline: string;
    /** "each council's latest judgement, published between … (spanning 2018 to 2025): …". */
    note: string;
    /** Null when a movement is shown; else why none can be. */
    movement: string | null;
  };
}

export interface Counts {
  metrics: number;
  /** Metrics with polarity and a comparable baseline and latest value. */
  classified: number;
  improved: number;
  noChange: number;
  worsened: number;
  /** Increased or decreased: no polarity, left out of the improvement counts. */
  noPolarity: number;
  notComparable: number;
  noData: number;
}

export interface ThemeSummary extends Counts {
  theme: string;
  title: string;
  flagged: boolean;
  flagReason: string | null;
}

/** A metric's periods with figures, and the figure for a period, for one area (or England). */
export interface SeriesSource {
  periods: PeriodInfo[];
  point(periodId: number): (Omit<EndPoint, 'period' | 'label' | 'note'> & { note?: string | null }) | undefined;
  /** Whether periods[k] has a figure (a value, not null); where given, answers without building the point. */
  hasValue?(k: number): boolean;
  /**
   * Whether periods[k] has an observation marked as a break in series (status b); where given, saves building points.
   */
  hasBreak?(k: number): boolean;
}

/** The latest and baseline periods picked for a series, from which of its periods have figures. */
export interface Picks {
  latest: PickedPeriod<PeriodInfo>;
  baseline: PickedPeriod<PeriodInfo> | undefined;
}

/**
 * Picks, remembered by which periods have figures: for one metric and one pair of anchors they depend on nothing else,
 * so a sector-wide run picks once per pattern of gaps instead of once per council. One cache per metric and anchors.
 */
export type PickCache = Map<number | string, Picks | null>;

function picksOf(series: SeriesSource, latestAnchor: string, baselineAnchor: string, cache?: PickCache): Picks | null {
  const ps = series.periods;
  const has = series.hasValue ?? ((k: number) => series.point(ps[k]!.id)?.value != null);
  let key: number | string = 0;
  if (cache) {
    if (ps.length <= 30) {
      for (let k = 0; k < ps.length; k++) if (has(k)) key |= 1 << k;
    } else {
      key = '';
      for (let k = 0; k < ps.length; k++) key += has(k) ? '1' : '0';
    }
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
  }
  const withData = ps.filter((_, k) => has(k));
  let picks: Picks | null = null;
  if (withData.length > 0) {
    const latest = pickPeriod(withData, latestAnchor)!;
    picks = {
      latest,
      baseline: pickPeriod(
        withData.filter((p) => p.end_date < latest.period.start_date),
        baselineAnchor,
      ),
    };
  }
  cache?.set(key, picks);
  return picks;
}

const CLASS: Record<DirectionResult['direction'], Classification> = {
  improving: 'improved',
  worsening: 'worsened',
  'no-change': 'no-change',
  increasing: 'increased',
  decreasing: 'decreased',
  'not-comparable': 'not-comparable',
};

const asPoint = (p: PeriodInfo, e: Omit<EndPoint, 'period' | 'label'>): PointValue => ({
  period: p.iso,
  periodLabel: p.label,
  value: e.value,
  status: e.status,
  lci: e.lci,
  uci: e.uci,
});

/** Classifies one metric for one series between the basket's baseline and latest anchors. */
export function classify(
  m: MetricDirection['metric'],
  entry: BasketDefinitionT['metrics'][number] & { theme: string },
  basket: BasketDefinitionT,
  series: SeriesSource,
  missingReason: string,
  cache?: PickCache,
): MetricDirection {
  const base = {
    metric: m,
    theme: entry.theme,
    why: entry.why,
    change: null,
    relativeChange: null,
    rule: 'none' as const,
  };
  const picks = picksOf(series, entry.latest ?? basket.latest, entry.baseline ?? basket.baseline, cache);
  if (!picks) return { ...base, baseline: null, latest: null, classification: 'no-data', reason: missingReason };
  const { latest: latestPick, baseline: baselinePick } = picks;
  const end = (pick: { period: PeriodInfo; note: string | null }): EndPoint => {
    const e = series.point(pick.period.id)!;
    const notes = [pick.note, e.note ?? null].filter((x): x is string => !!x);
    return { ...e, period: pick.period.iso, label: pick.period.label, note: notes.length ? notes.join('; ') : null };
  };
  const latest = end(latestPick);
  if (!baselinePick) {
    return {
      ...base,
      baseline: null,
      latest,
      classification: 'not-comparable',
      reason: `no figure before ${latest.label} to compare with`,
    };
  }
  const baseline = end(baselinePick);
  const between: PointValue[] = [];
  const from = baselinePick.period.start_date;
  const to = latestPick.period.start_date;
  series.periods.forEach((p, k) => {
    // Only a break matters between the two (directionOfTravel looks for status b and reads nothing else there).
    if (p.start_date <= from || p.start_date >= to || (series.hasBreak && !series.hasBreak(k))) return;
    const x = series.point(p.id);
    if (x) between.push({ period: p.iso, periodLabel: p.label, value: x.value, status: x.status });
  });
  const d = directionOfTravel(
    asPoint(baselinePick.period, baseline),
    asPoint(latestPick.period, latest),
    m.polarity,
    { tolerance: basket.tolerance },
    between,
  );
  const breakNote = d.direction === 'not-comparable' ? d.reason : null;
  return {
    ...base,
    baseline,
    latest,
    change: d.change,
    relativeChange: d.relativeChange,
    classification: CLASS[d.direction],
    reason: breakNote ?? d.reason,
    rule: d.rule,
  };
}

export function emptyCounts(): Counts {
  return {
    metrics: 0,
    classified: 0,
    improved: 0,
    noChange: 0,
    worsened: 0,
    noPolarity: 0,
    notComparable: 0,
    noData: 0,
  };
}

export function count(c: Counts, k: Classification): void {
  c.metrics++;
  switch (k) {
    case 'improved':
      c.improved++;
      c.classified++;
      break;
    case 'worsened':
      c.worsened++;
      c.classified++;
      break;
    case 'no-change':
      c.noChange++;
      c.classified++;
      break;
    case 'increased':
    case 'decreased':
      c.noPolarity++;
      break;
    case 'not-comparable':
      c.notComparable++;
      break;
    case 'no-data':
      c.noData++;
      break;
    default: {
      const never: never = k;
      throw new Error(`unknown classification ${String(never)}`);
    }
  }
}

/**
 * Counts overall and by theme, added one classification at a time (for a council's whole basket, or a sector-wide run).
 */
export function createSummary(themes: { id: string; title: string }[]) {
  const overall = emptyCounts();
  const byTheme = new Map<string, ThemeSummary>();
  return {
    add(theme: string, k: Classification): void {
      count(overall, k);
      let t = byTheme.get(theme);
      if (!t)
        byTheme.set(
          theme,
          (t = {
            ...emptyCounts(),
            theme,
            title: themes.find((x) => x.id === theme)?.title ?? theme,
            flagged: false,
            flagReason: null,
          }),
        );
      count(t, k);
    },
    /** The counts, flagging a theme where worsening clusters (a possible systemic problem). */
    finish(clusterShare: number): { overall: Counts; byTheme: ThemeSummary[] } {
      for (const t of byTheme.values()) {
        if (t.classified > 0 && t.worsened >= 2 && t.worsened / t.classified >= clusterShare) {
          t.flagged = true;
          t.flagReason = `${t.worsened} of ${t.classified} classified measures worsened (at least ${Math.round(clusterShare * 100)}% and two or more): worsening clusters in this service area, a possible systemic problem`;
        }
      }
      const order = new Map(themes.map((t, i) => [t.id, i]));
      return {
        overall,
        byTheme: [...byTheme.values()].sort((a, b) => (order.get(a.theme) ?? 99) - (order.get(b.theme) ?? 99)),
      };
    },
  };
}

/** Counts overall and by theme, flagging a theme where worsening clusters (a possible systemic problem). */
export function summarise(
  metrics: MetricDirection[],
  themes: { id: string; title: string }[],
  clusterShare: number,
): { overall: Counts; byTheme: ThemeSummary[] } {
  const s = createSummary(themes);
  for (const m of metrics) s.add(m.theme, m.classification);
  return s.finish(clusterShare);
}

/** A group's directions over the same periods, and where the council stands against the group's median change. */
export function groupDirection(
  g: { id: string; name: string },
  council: MetricDirection,
  members: MetricDirection[],
  tolerance: number,
): GroupDirection {
  const c = emptyCounts();
  for (const m of members) count(c, m.classification);
  const rel = members
    .filter((m) => m.classification !== 'not-comparable' && m.classification !== 'no-data')
    .map((m) => m.relativeChange)
    .filter((x): x is number => x !== null);
  const med = median(rel);
  let relativeToGroup: GroupDirection['relativeToGroup'] = null;
  if (med !== null && council.relativeChange !== null && council.metric.polarity !== 'not-applicable') {
    const diff = council.relativeChange - med;
    const oriented = council.metric.polarity === 'lower-is-better' ? -diff : diff;
    relativeToGroup = Math.abs(diff) < tolerance ? 'similar' : oriented > 0 ? 'better' : 'worse';
  }
  return {
    id: g.id,
    name: g.name,
    compared: members.length,
    improved: c.improved,
    noChange: c.noChange,
    worsened: c.worsened,
    notComparable: c.notComparable + c.noData,
    medianRelativeChange: med,
    relativeToGroup,
  };
}

/** The methodology section, generated from the basket and what the run found. */
export function methodology(basket: BasketDefinitionT, scope: string): string[] {
  return [
    `Basket "${basket.name}" (${basket.id}, version ${basket.version}): ${basket.metrics.length} measures chosen to cover the sector's service areas; each measure's reason for inclusion is listed with it.`,
    `Scope: ${scope}.`,
    `Baseline: for each measure, the period containing ${basket.baseline} (or the nearest period with a figure, noted); latest: ${basket.latest === 'latest' ? 'the most recent period with a figure' : `the period containing ${basket.latest}`}.`,
    `Classification follows each measure's polarity. Where both figures have confidence intervals, overlapping intervals count as no change; otherwise a relative change of less than ${Math.round(basket.tolerance * 1000) / 10}% counts as no change. Measures without polarity are reported as increased or decreased and left out of the improvement counts.`,
    'England figures are the publisher\'s own where it gives one; otherwise an aggregate whose method is stated with the figure (counts summed over every council of the tier, sum of numerators over sum of denominators for rates, never a mean of rates); where neither is possible, the median of councils (when at least half the councils of the tier have a figure) stands in, labelled "median of councils" and never called England\'s figure; otherwise the measure is not classified and the reason is given.',
    'A break in series (status b) between baseline and latest makes the two figures not comparable; they are never bridged. A council created by reorganisation after the baseline takes a figure it did not publish itself from its predecessors by the figure-source rule (the same area under an earlier code or county council, or predecessors added up where the measure allows; docs/FIGURE-SOURCES.md), said so; otherwise it has no comparable baseline.',
    "A categorical measure (an inspection judgement such as Ofsted's) is never averaged, aggregated or medianed: a council's direction is its latest judgement against the one before it, whenever each was published, better or worse by the label order and the measure's polarity (a move of one category and of several count the same); England's is how many councils moved to a better, the same or a worse judgement (improved when more moved to a better one than to a worse one), by council type, with how many were in the better half of the scale (\"Good or better\") before and now. Beside it, England's judgements as they stand: each council's latest judgement counted by category and council type (\"Good or better: x of n councils\"), published over the years the span gives, so not one year's picture; where no council has two judgements held (a file of each council's latest only), movement cannot be shown and the measure is not comparable, never \"no change\".",
    `A service area is flagged when at least ${Math.round((basket.clusterShare ?? 0.5) * 100)}% of its classified measures, and two or more, worsened.`,
  ];
}
