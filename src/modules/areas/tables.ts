import type { Generated } from 'kysely';

export interface AreasTable {
  id: Generated<number>;
  code: string;
  name: string;
  /** GSS prefix, e.g. E06. */
  type: string;
  valid_from: string | null;
  valid_to: string | null;
  source: string | null;
  updated_at: string;
}
export interface AreaNamesTable {
  area_id: number;
  name: string;
  valid_from: string;
  valid_to: string | null;
}
export interface AreaParentsTable {
  area_id: number;
  /** region | county | upper-tier | combined-authority | fire-rescue-authority | metropolitan-county */
  relation: string;
  parent_id: number;
  valid_from: string;
  valid_to: string | null;
}
export interface AreaSuccessionsTable {
  predecessor_id: number;
  successor_id: number;
  /** merger | new-code | boundary-change | split */
  change_type: string;
  effective_date: string;
  note: string | null;
}
export interface AreasTables {
  areas: AreasTable;
  area_names: AreaNamesTable;
  area_parents: AreaParentsTable;
  area_successions: AreaSuccessionsTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends AreasTables {}
}
