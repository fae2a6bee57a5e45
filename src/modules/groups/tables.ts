import type { Generated } from 'kysely';

export interface GroupFamiliesTable {
  id: Generated<number>;
  /** e.g. dfe-statistical-neighbours, ons-similar-areas-global, sli-nearest-neighbours */
  code: string;
  /** e.g. 2025, or 1 for our own model */
  version: string;
  /** nearest-neighbours | family | cluster */
  kind: string;
  name: string;
  description: string | null;
  method: string | null;
  /** JSON: { variables, weights, … } for a model we build; null for a published family. */
  model: string | null;
  /** JSON array of GSS prefixes the family covers. */
  area_types: string;
  publisher: string;
  url: string | null;
  licence: string;
  attribution: string | null;
  caveats: string | null;
  published_at: string | null;
  /** SHA-256 of the family as imported: a re-import of the same lists changes nothing. */
  fingerprint: string;
  import_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface ComparisonGroupsTable {
  id: Generated<number>;
  family_id: number | null;
  /** The public id: `<family>@<version>:<owner code>`, `<family>@<version>:cluster-<x>` or `custom-<n>`. */
  key: string;
  /** nearest-neighbours | family | cluster | custom */
  type: string;
  name: string;
  description: string | null;
  owner_area_id: number | null;
  owner_user_id: number | null;
  /** public | shared (anyone with the link) | private */
  visibility: string;
  created_at: string;
  updated_at: string;
}

export interface GroupMembersTable {
  group_id: number;
  area_id: number;
  rank: number | null;
  distance: number | null;
  /** e.g. DfE's closeness band ("Very close"). */
  note: string | null;
  /** JSON: per-variable contributions for our own model. */
  detail: string | null;
}

export interface GroupsTables {
  group_families: GroupFamiliesTable;
  comparison_groups: ComparisonGroupsTable;
  group_members: GroupMembersTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends GroupsTables {}
}
