import type { Period } from '../observations/periods.ts';
import type { StatusCode } from '../observations/status.ts';

/** Where a record came from: the file (as given) and its 1-based line number. */
export interface SourceLocation {
  file: string;
  line: number;
}

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
  | 'other';
export type StatisticsStatus = 'official' | 'official-accredited' | 'experimental' | 'management-information' | 'derived';

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
}

export interface ObservationRecord {
  /** Metric code (defined earlier in the same import, or already in the catalogue). */
  metric: string;
  /** GSS code. */
  area: string;
  period: Period;
  value: number | null;
  status: StatusCode[];
  lci?: number | null | undefined;
  uci?: number | null | undefined;
  ciLevel?: number | null | undefined;
  numerator?: number | null | undefined;
  denominator?: number | null | undefined;
  note?: string | null | undefined;
  at: SourceLocation;
}

/** Geography delivered by the areas adapter; applied whole by the areas module. */
export interface AreaRecord {
  code: string;
  name: string;
  validFrom: string | null;
  validTo: string | null;
  names?: { name: string; validFrom: string; validTo: string | null }[];
}
export interface AreaParentRecord {
  code: string;
  relation: 'region' | 'county' | 'upper-tier' | 'combined-authority' | 'fire-rescue-authority' | 'metropolitan-county';
  parent: string;
  validFrom: string;
  validTo: string | null;
}
export interface AreaSuccessionRecord {
  predecessor: string;
  successor: string;
  changeType: 'merger' | 'new-code' | 'boundary-change' | 'split' | 'abolition';
  effectiveDate: string;
  note?: string | undefined;
}
export interface GeographyBundle {
  areas: AreaRecord[];
  parents: AreaParentRecord[];
  successions: AreaSuccessionRecord[];
  source: string;
}

/** Boundary shapes for one layer and year (e.g. LTLA 2025), for choropleth maps. */
export interface BoundaryBundle {
  /** ltla | utla | cty | rgn | cauth */
  layer: string;
  year: number;
  source: string;
  /** GeoJSON geometries (WGS84) keyed by GSS code. */
  features: { code: string; name: string; geometry: unknown }[];
}

/**
 * A family of comparison groups as published (DfE statistical neighbours, ONS similar areas or clusters) or as built by
 * our own model: the family's model, source and licence, and its groups with their members.
 */
export interface GroupFamilyBundle {
  family: {
    /** Stable code, e.g. `dfe-statistical-neighbours`. */
    code: string;
    /** The edition or model version, e.g. `2025`. */
    version: string;
    kind: 'nearest-neighbours' | 'family' | 'cluster';
    name: string;
    description?: string | undefined;
    method?: string | undefined;
    /** For a model we build: variables, weights and anything needed to explain it (stored as JSON). */
    model?: unknown;
    /** GSS prefixes the family covers. */
    areaTypes: string[];
    source: { publisher: string; url?: string | undefined; licence: string; attribution?: string | undefined };
    caveats?: string | undefined;
    publishedAt?: string | undefined;
  };
  groups: {
    /** Neighbour sets: the council the set belongs to. */
    owner?: string | undefined;
    /** Clusters: the cluster's label, e.g. `A`. */
    cluster?: string | undefined;
    name: string;
    description?: string | undefined;
    /** `at`: where the member was read, when it is not the group's own line. */
    members: { code: string; rank?: number | undefined; distance?: number | undefined; note?: string | undefined; detail?: unknown; at?: SourceLocation | undefined }[];
    at: SourceLocation;
  }[];
}

export type ImportItem =
  | { kind: 'metric'; metric: MetricDefinition; at: SourceLocation }
  | { kind: 'observation'; observation: ObservationRecord }
  | { kind: 'geography'; geography: GeographyBundle }
  | { kind: 'boundaries'; boundaries: BoundaryBundle; at: SourceLocation }
  | { kind: 'groups'; groups: GroupFamilyBundle; at: SourceLocation };

/** Problems found while reading: each names where (file:line and field) and why. */
export interface ImportIssue {
  at: SourceLocation;
  field?: string | undefined;
  value?: string | undefined;
  message: string;
}

export interface AdapterContext {
  /** Reports bad input. Reading goes on so that every problem is listed; nothing is written when any is reported. */
  error(issue: ImportIssue): void;
  /** Bytes read so far across all files, for the progress bar. */
  progress(bytesRead: number): void;
  /**
   * Optional: a row left out on purpose, not an error (e.g. Welsh rows in a UK-wide file, or a unitary listed again
   * as an upper tier with the same values). Engines that do not count skipped rows may leave it out.
   */
  skipped?(at: SourceLocation, reason: string): void;
  /**
   * Optional: an area as the catalogue holds it (undefined when unknown), for adapters that must tell a publisher's
   * deliberately flagged legacy code from a mistake. Engines without a catalogue leave it out.
   */
  area?(code: string): KnownArea | undefined;
}

/** What the catalogue knows of an area: its validity and the codes that succeeded it. */
export interface KnownArea {
  code: string;
  name: string;
  validFrom: string | null;
  validTo: string | null;
  successors: string[];
}

export interface ImportAdapter {
  /** The name used on the command line: `sli import <name> <file>…`. */
  name: string;
  /** One line for `sli import --help`. */
  summary: string;
  /** What files it takes, e.g. "lait_indicators_long.csv and lait_data_dictionary.csv". */
  files: string;
  /**
   * Header columns that identify each of this adapter's files. Used to refuse a file given to the wrong adapter
   * and to suggest the right one.
   */
  signatures: string[][];
  /** Yields metric definitions before the observations that use them. */
  read(files: string[], ctx: AdapterContext): AsyncIterable<ImportItem>;
}
