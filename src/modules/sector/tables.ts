import type { Generated } from 'kysely';

/** A versioned definition (a basket of key metrics or an early-warning rule set), stored as validated JSON. */
export interface VersionedDefinitionTable {
  id: Generated<number>;
  code: string;
  version: string;
  name: string;
  definition: string;
  fingerprint: string;
  loaded_at: string;
}

export interface ScreeningRunsTable {
  id: Generated<number>;
  rule_set_id: number;
  run_at: string;
  /** The newest publication the run saw. */
  data_as_of: string | null;
  councils: number;
  flags: number;
  summary: string | null;
}

export interface EarlyWarningFlagsTable {
  id: Generated<number>;
  rule_set_id: number;
  rule_id: string;
  area_id: number;
  entered_at: string;
  entered_run_id: number;
  left_at: string | null;
  left_run_id: number | null;
  /** JSON: the evidence at entry (values, group, periods), refreshed while the flag stays open. */
  evidence: string;
}

export interface FlagAnnotationsTable {
  id: Generated<number>;
  flag_id: number;
  user_id: number | null;
  author: string;
  text: string;
  created_at: string;
}

export interface SectorTables {
  baskets: VersionedDefinitionTable;
  rule_sets: VersionedDefinitionTable;
  screening_runs: ScreeningRunsTable;
  early_warning_flags: EarlyWarningFlagsTable;
  flag_annotations: FlagAnnotationsTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends SectorTables {}
}
