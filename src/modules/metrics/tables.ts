import type { Generated } from 'kysely';

export interface TopicsTable {
  id: string;
  title: string;
  description: string;
  sort_order: number;
}
export interface MetricsTable {
  id: Generated<number>;
  code: string;
  slug: string;
  title: string;
  short_title: string | null;
  description: string | null;
  definition: string | null;
  caveats: string | null;
  topic_id: string | null;
  subtopic: string | null;
  unit: string;
  unit_type: string;
  decimal_places: number;
  multiplier: number;
  polarity: string;
  period_type: string;
  /** JSON array of GSS prefixes, e.g. ["E06","E08","E09","E10"]. */
  applicable_area_types: string;
  source_publisher: string;
  source_url: string | null;
  licence: string;
  attribution: string | null;
  statistics_status: string;
  numerator_label: string | null;
  denominator_label: string | null;
  calculation: string | null;
  released_at: string | null;
  next_release_at: string | null;
  adapter: string;
  publisher_code: string | null;
  /** The plausible range an import checks values against (NULL: no bound on that side); see range.ts. */
  value_min: number | null;
  value_max: number | null;
  /** JSON array of {code, label} in order, for a categorical metric (unit_type 'category'); NULL otherwise. */
  categories: string | null;
  import_id: number | null;
  created_at: string;
  updated_at: string;
}
export interface MetricSlugsTable {
  slug: string;
  metric_id: number;
}
export interface MetricPeriodsTable {
  metric_id: number;
  period_id: number;
  n_areas: number;
  n_values: number;
  /** England's own observation for the metric and period (refreshed with the counts); status NULL: none. */
  england_value: number | null;
  england_lci: number | null;
  england_uci: number | null;
  england_status: string | null;
  england_note: string | null;
}
export interface MetricsTables {
  topics: TopicsTable;
  metrics: MetricsTable;
  metric_slugs: MetricSlugsTable;
  metric_periods: MetricPeriodsTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends MetricsTables {}
}
