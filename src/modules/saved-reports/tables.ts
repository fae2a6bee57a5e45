import type { Generated } from 'kysely';

export interface SavedReportsTable {
  id: Generated<number>;
  /** The permalink's key: 144 random bits, base64url; never changes, whatever the visibility. */
  slug: string;
  owner_user_id: number;
  title: string;
  description: string | null;
  /** JSON: the report definition (see schemas.ts ReportDefinition). Figures are never stored. */
  definition: string;
  /** private | shared (anyone with the permalink) | public (listed at /reports) */
  visibility: string;
  created_at: string;
  updated_at: string;
}

export interface SavedReportsTables {
  saved_reports: SavedReportsTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends SavedReportsTables {}
}
