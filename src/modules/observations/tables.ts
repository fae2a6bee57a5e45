import type { Generated } from 'kysely';

export interface PeriodsTable {
  id: Generated<number>;
  /** Canonical ISO 8601 interval, e.g. 2023-04-01/P1Y. */
  iso: string;
  type: string;
  start_date: string;
  end_date: string;
  label: string;
}
interface ObservationValues {
  value: number | null;
  /** Comma-separated status codes (x c z u p r e b), '' when none. */
  status: string;
  lci: number | null;
  uci: number | null;
  ci_level: number | null;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
}
export interface ObservationsTable extends ObservationValues {
  metric_id: number;
  period_id: number;
  area_id: number;
  revision: number;
  import_id: number;
  updated_at: string;
}
export interface StagedObservationsTable extends ObservationValues {
  import_id: number;
  metric_id: number;
  period_id: number;
  area_id: number;
  source_line: number | null;
}
export interface ObservationRevisionsTable extends ObservationValues {
  id: Generated<number>;
  metric_id: number;
  period_id: number;
  area_id: number;
  revision: number;
  import_id: number;
  /** When this version stopped being current. */
  valid_until: string;
  replaced_by_import_id: number | null;
  /** 1 when the observation was deleted rather than replaced. */
  deleted: number;
}
export interface ObservationsTables {
  periods: PeriodsTable;
  observations: ObservationsTable;
  staged_observations: StagedObservationsTable;
  observation_revisions: ObservationRevisionsTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends ObservationsTables {}
}
