/** The catalogue's vocabulary: what a metric definition says of itself (conventions.md, Data model: Metrics). */
export type Polarity = 'higher-is-better' | 'lower-is-better' | 'not-applicable';
export type UnitType =
  | 'count'
  | 'percentage'
  | 'rate-per-1000'
  | 'rate-per-10000'
  | 'rate-per-100000'
  | 'currency'
  | 'currency-per-head'
  | 'ratio'
  | 'index'
  | 'score'
  | 'rank'
  | 'years'
  | 'other'
  /** Ordinal categories (an inspection judgement): the value is the 1-based position in the metric's `categories`. */
  | 'category';
export type StatisticsStatus =
  'official' | 'official-accredited' | 'experimental' | 'management-information' | 'derived';

/**
 * One category of an ordinal (categorical) metric. The metric lists its categories in order; an observation stores the
 * 1-based position in that list as its value, and every reader shows the label. Polarity says which end is better:
 * `lower-is-better` means the first category is the best (Outstanding, Good, …), `higher-is-better` the last.
 */
export interface MetricCategory {
  /** Stable code, lower case (e.g. `requires-improvement`). */
  code: string;
  /** The label shown everywhere the value is (e.g. "Requires improvement"). */
  label: string;
}

/** The seven board themes of the sector body; every metric is filed under one. */
export type TopicId =
  | 'culture-tourism-sport'
  | 'children-young-people'
  | 'community-wellbeing'
  | 'environment-housing'
  | 'economy-transport'
  | 'safer-stronger-communities'
  | 'workforce-finance'
  | 'context';

export interface MetricDefinition {
  /** Stable public id, e.g. `dfe-lait.ks2-rwm-exp`: adapter prefix + publisher code, lower case. */
  code: string;
  title: string;
  shortTitle?: string | undefined;
  description?: string | undefined;
  definition?: string | undefined;
  caveats?: string | undefined;
  topic: TopicId;
  subtopic?: string | undefined;
  unit: string;
  unitType: UnitType;
  decimalPlaces: number;
  multiplier?: number | undefined;
  polarity: Polarity;
  periodType: string;
  /** GSS prefixes this metric applies to, e.g. ['E06','E08','E09','E10'] for upper-tier services. */
  applicableAreaTypes: string[];
  source: { publisher: string; url?: string | undefined; licence: string; attribution?: string | undefined };
  statisticsStatus: StatisticsStatus;
  numeratorLabel?: string | undefined;
  denominatorLabel?: string | undefined;
  calculation?: string | undefined;
  releasedAt?: string | undefined;
  nextReleaseAt?: string | undefined;
  publisherCode?: string | undefined;
  /**
   * The values this metric can plausibly take, where they differ from its unit type's (a percentage 0 to 100; counts,
   * rates, ratios, ranks, years and amounts per head at least 0; see range.ts): a side given as null has no bound, a
   * side left out keeps the unit type's. A gap in percentage points may be negative; a take-up rate whose count
   * includes children from other areas may pass 100.
   */
  valueRange?: { min?: number | null; max?: number | null } | undefined;
  /** Required when unitType is `category` (and only then): the ordered categories; see MetricCategory. */
  categories?: MetricCategory[] | undefined;
}

/** Where a metric's figures come from and under which licence. */
export interface MetricSource {
  publisher: string;
  url: string | null;
  licence: string;
  attribution: string | null;
}

/**
 * A catalogue entry as other modules see it: read once from its row at the repository's edge (the area types parsed,
 * the vocabulary typed). `id` is the internal key observations and coverage are stored under; `code` the public id.
 */
export interface Metric {
  id: number;
  code: string;
  slug: string;
  title: string;
  shortTitle: string | null;
  description: string | null;
  definition: string | null;
  caveats: string | null;
  topic: TopicId | null;
  subtopic: string | null;
  unit: string;
  unitType: UnitType;
  decimalPlaces: number;
  multiplier: number;
  polarity: Polarity;
  periodType: string;
  /** GSS prefixes the metric applies to, sorted. */
  applicableAreaTypes: string[];
  source: MetricSource;
  statisticsStatus: StatisticsStatus;
  numeratorLabel: string | null;
  denominatorLabel: string | null;
  calculation: string | null;
  releasedAt: string | null;
  nextReleaseAt: string | null;
  /** The ordered categories of a categorical metric (unitType `category`); null for a numeric one. */
  categories: MetricCategory[] | null;
  updatedAt: string;
}
