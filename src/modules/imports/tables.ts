import type { Generated } from 'kysely';

export interface ImportsTable {
  id: Generated<number>;
  adapter: string;
  /** JSON: [{ name, sha256, bytes }] */
  files: string;
  /** draft | published | discarded */
  state: string;
  created_at: string;
  published_at: string | null;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  summary: string | null;
}
export interface ImportMetricsTable {
  import_id: number;
  metric_id: number;
  inserted: number;
  updated: number;
  unchanged: number;
}
export interface ChangeLogTable {
  id: Generated<number>;
  at: string;
  /** metric | area | import */
  entity: string;
  /** created | updated | deleted | published */
  action: string;
  entity_key: string;
  import_id: number | null;
  detail: string | null;
}
/**
 * A draft import's new or changed metric definition, held aside until the draft is published (applied to `metrics`)
 * or discarded (deleted): nothing public reads it.
 */
export interface StagedMetricsTable {
  id: Generated<number>;
  import_id: number;
  code: string;
  /** The published metric this definition changes; null for a new metric (staged observations carry `-id`). */
  metric_id: number | null;
  /** The slug a new metric would get (checked again when it is published). */
  slug: string;
  /** JSON: the definition's catalogue fields (MetricRowFields). */
  fields: string;
  created_at: string;
}
/**
 * The change feed's order: one row per entry, its `id` the entry's position. Written when an import is published (in
 * its transaction); the changes module reads it.
 */
export interface FeedEntriesTable {
  id: Generated<number>;
  /** catalogue (ref_id: change_log.id) | observation (observation_revisions.id) | publication (imports.id) */
  kind: string;
  ref_id: number;
  metric_id: number | null;
  import_id: number | null;
  /** When the entry was published. */
  at: string;
}
export interface ImportsTables {
  imports: ImportsTable;
  staged_metrics: StagedMetricsTable;
  import_metrics: ImportMetricsTable;
  change_log: ChangeLogTable;
  feed_entries: FeedEntriesTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends ImportsTables {}
}
