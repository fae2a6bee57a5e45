/**
 * Group statistics for one metric × group × period, served explicitly (conventions.md, "Comparison groups"):
 * n, count with data, mean (and a denominator-weighted mean where every value has numerator and denominator), median,
 * quartiles, min, max; for the focus council its rank of N, quartile band, distance from the median in robust units
 * and,
 * where it has a confidence interval, whether it is significantly above, below or not different from the group median.
 *
 * Methods (stated in every result, so a reader can reproduce the figures):
 * - Quartiles and median: linear interpolation between order statistics (Hyndman and Fan type 7, as in R's default
 *   `quantile` and Excel's QUARTILE.INC).
 * - Rank: 1 is best by the metric's polarity (highest value for higher-is-better, lowest for lower-is-better); for a
 *   metric without polarity 1 is the highest value and the rank says nothing about performance. Ties share the best
 * rank
 *   of their block (standard competition ranking: 1, 2, 2, 4).
 * - Quartile band: by value against the group's quartiles, so councils with equal values are always in the same band.
 * - Robust distance: (value − median) / (1.4826 × median absolute deviation), the scaled MAD that equals the standard
 *   deviation for normal data; undefined when the MAD is zero.
 * - Significance: the council's interval against the group median (the median is treated as fixed): entirely above →
 *   above, entirely below → below, otherwise not significantly different. Only where the council has both limits.
 * Members with status z (not applicable) or of a tier the metric does not apply to are excluded from every figure and
 * counted separately; members with no value (x, c, or no row) count as "no data", never as worst.
 */
import type { Polarity } from '../metrics/index.ts';

export interface MemberValue {
  code: string;
  name: string;
  value: number | null;
  status: string[];
  lci?: number | null | undefined;
  uci?: number | null | undefined;
  numerator?: number | null | undefined;
  denominator?: number | null | undefined;
  /** False when the metric does not apply to this member's tier. */
  applicable: boolean;
}

export type QuartileBand = 1 | 2 | 3 | 4;
export type Significance = 'above' | 'below' | 'not-different';

export interface GroupStatistics {
  /** Members of the group. */
  n: number;
  /** Members the metric does not apply to (status z or another tier): excluded from all figures below. */
  notApplicable: number;
  /** Members with a value. */
  countWithData: number;
  /** Members the metric applies to that have no value (not available, suppressed, not submitted). */
  noData: number;
  mean: number | null;
  /** Σ(value × denominator) / Σ denominator, only when every member with data has a positive denominator. */
  weightedMean: number | null;
  weightedMeanMethod: string | null;
  median: number | null;
  q1: number | null;
  q3: number | null;
  min: number | null;
  max: number | null;
  /** Median absolute deviation × 1.4826. */
  scaledMad: number | null;
  methods: { quartiles: string; rank: string; distance: string; significance: string; membership?: string };
}

export interface MemberPosition {
  code: string;
  value: number | null;
  /** 1 = best (or highest, without polarity); null without data or when not applicable. */
  rank: number | null;
  /** Of how many members with data. */
  rankOf: number;
  tied: boolean;
  /** 1 = best quarter (or highest, without polarity). */
  quartileBand: QuartileBand | null;
  distanceFromMedian: number | null;
  robustDistance: number | null;
  significance: Significance | null;
  /** Why there is no rank: not applicable, no data. */
  excludedBecause: 'not-applicable' | 'no-data' | null;
}

const METHODS = {
  quartiles: 'linear interpolation between order statistics (Hyndman–Fan type 7)',
  rank: 'standard competition ranking (ties share the best rank: 1, 2, 2, 4); 1 is the best value by polarity, or the highest when the metric has no polarity',
  distance: '(value − median) ÷ (1.4826 × median absolute deviation)',
  significance: "the council's confidence interval against the group median: wholly above or below is significant",
} as const;

/** Type 7 quantile of an ascending-sorted, non-empty array. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (h - lo) * (b - a);
}

/**
 * Ascending, as numbers: a typed array's own sort (numeric, no comparator called per pair: several times faster than
 * `sort((a, b) => a - b)` on the hundreds of councils of a type, and the same order for finite numbers).
 */
const ascending = (xs: ArrayLike<number>): Float64Array => Float64Array.from(xs).sort();

export function median(xs: ArrayLike<number>): number | null {
  if (xs.length === 0) return null;
  return quantileSorted(ascending(xs), 0.5);
}

/** The median of numbers gathered in a typed array, sorting it in place (no copy: for the many medians of a trend). */
export function medianInPlace(xs: Float64Array): number | null {
  if (xs.length === 0) return null;
  return quantileSorted(xs.sort(), 0.5);
}

const isNotApplicable = (m: MemberValue) => !m.applicable || m.status.includes('z');
const hasValue = (m: MemberValue): m is MemberValue & { value: number } => m.value !== null && Number.isFinite(m.value);

/** Group statistics of counts only (no figure at all, or a categorical measure): every numeric statistic null. */
export function countsOnly(
  counts: Pick<GroupStatistics, 'n' | 'notApplicable' | 'countWithData' | 'noData'>,
  methods: GroupStatistics['methods'],
): GroupStatistics {
  return {
    ...counts,
    mean: null,
    weightedMean: null,
    weightedMeanMethod: null,
    median: null,
    q1: null,
    q3: null,
    min: null,
    max: null,
    scaledMad: null,
    methods,
  };
}

export function groupStatistics(members: MemberValue[]): GroupStatistics {
  const applicable = members.filter((m) => !isNotApplicable(m));
  const withData = applicable.filter(hasValue);
  const values = ascending(withData.map((m) => m.value));
  const k = values.length;
  const base = countsOnly(
    {
      n: members.length,
      notApplicable: members.length - applicable.length,
      countWithData: k,
      noData: applicable.length - k,
    },
    { ...METHODS },
  );
  if (k === 0) return base;
  const med = quantileSorted(values, 0.5);
  const mad = medianInPlace(values.map((v) => Math.abs(v - med)))!;
  const weighted = withData.every((m) => m.denominator != null && m.denominator > 0 && m.numerator != null);
  let weightedMean: number | null = null;
  if (weighted) {
    const sw = withData.reduce((s, m) => s + m.denominator!, 0);
    weightedMean = withData.reduce((s, m) => s + m.value * m.denominator!, 0) / sw;
  }
  return {
    ...base,
    mean: values.reduce((s: number, v: number) => s + v, 0) / k,
    weightedMean,
    weightedMeanMethod: weighted
      ? 'weighted by denominator: Σ(value × denominator) ÷ Σ denominator, which is the rate for the group as a whole'
      : null,
    median: med,
    q1: quantileSorted(values, 0.25),
    q3: quantileSorted(values, 0.75),
    min: values[0]!,
    max: values[k - 1]!,
    scaledMad: 1.4826 * mad,
  };
}

/** Orientation: +1 when higher values are better (or, without polarity, ranked first). */
const orientation = (p: Polarity) => (p === 'lower-is-better' ? -1 : 1);

/**
 * The position of every member in the group: rank, band, distance and significance (O(n log n) for the whole group).
 */
export function memberPositions(members: MemberValue[], stats: GroupStatistics, polarity: Polarity): MemberPosition[] {
  const dir = orientation(polarity);
  const scores = rankedScores(members, dir);
  const sorted = [...scores].sort((a, b) => b - a);
  const first = new Map<number, number>();
  const count = new Map<number, number>();
  sorted.forEach((x, i) => {
    if (!first.has(x)) first.set(x, i);
    count.set(x, (count.get(x) ?? 0) + 1);
  });
  return members.map((m) =>
    position(
      m,
      stats,
      dir,
      scores.length,
      (x) => first.get(x)!,
      (x) => count.get(x)!,
    ),
  );
}

/** The position of one member (members[index]) without ranking the others: O(n), for screening many councils. */
export function memberPosition(
  members: MemberValue[],
  stats: GroupStatistics,
  polarity: Polarity,
  index: number,
): MemberPosition {
  const dir = orientation(polarity);
  const m = members[index]!;
  // One pass, nothing allocated: how many members are ranked, and how many score better than or the same as this one.
  const own = hasValue(m) ? dir * m.value : NaN;
  let ranked = 0;
  let better = 0;
  let same = 0;
  for (const x of members) {
    if (isNotApplicable(x) || !hasValue(x)) continue;
    ranked++;
    const y = dir * x.value;
    if (y > own) better++;
    else if (y === own) same++;
  }
  return position(
    m,
    stats,
    dir,
    ranked,
    () => better,
    () => same,
  );
}

function rankedScores(members: MemberValue[], dir: number): number[] {
  return members.filter((m) => !isNotApplicable(m) && hasValue(m)).map((m) => dir * m.value!);
}

/** Competition ranking ("1224"): a member's rank is one more than the number of members strictly better. */
function position(
  m: MemberValue,
  stats: GroupStatistics,
  dir: number,
  rankOf: number,
  betterThan: (score: number) => number,
  equalTo: (score: number) => number,
): MemberPosition {
  const empty: MemberPosition = {
    code: m.code,
    value: m.value,
    rank: null,
    rankOf,
    tied: false,
    quartileBand: null,
    distanceFromMedian: null,
    robustDistance: null,
    significance: null,
    excludedBecause: isNotApplicable(m) ? 'not-applicable' : 'no-data',
  };
  if (isNotApplicable(m) || !hasValue(m)) return empty;
  const s = dir * m.value;
  const better = betterThan(s);
  const equal = equalTo(s);
  const med = stats.median!;
  // Bands by value against the quartiles, oriented so that band 1 is the best (or highest) quarter.
  const [hiQ, loQ] = dir === 1 ? [stats.q3!, stats.q1!] : [stats.q1!, stats.q3!];
  const atLeast = (v: number, q: number) => dir * v >= dir * q;
  const band: QuartileBand = atLeast(m.value, hiQ) ? 1 : atLeast(m.value, med) ? 2 : atLeast(m.value, loQ) ? 3 : 4;
  let significance: Significance | null = null;
  if (m.lci != null && m.uci != null) significance = m.lci > med ? 'above' : m.uci < med ? 'below' : 'not-different';
  return {
    ...empty,
    rank: better + 1,
    tied: equal > 1,
    quartileBand: band,
    distanceFromMedian: m.value - med,
    robustDistance: stats.scaledMad ? (m.value - med) / stats.scaledMad : null,
    significance,
    excludedBecause: null,
  };
}
