/** The monitor module's tables (migration 2026-12-10T1700-monitor). */
export interface MonitorSaltsTable {
  /** YYYY-MM-DD (UTC). */
  day: string;
  salt: string;
  created_at: string;
}

/** A request recorded: what kind, which route pattern, its status, the day and the day's visitor hash. */
export interface MonitorEventsTable {
  day: string;
  kind: string;
  route: string;
  status: number;
  /** sha256(day's salt + client address + user agent), base64url, cut to 22 characters. */
  visitor: string;
}

/** Per day, kind and route ('*' = the kind's every route): events and unique visitors (never summed over days). */
export interface MonitorDailyTable {
  day: string;
  kind: string;
  route: string;
  events: number | string;
  uniques: number | string;
}

export interface MonitorCouncilDaysTable {
  day: string;
  council_code: string;
}

export interface MonitorDeliverablesTable {
  id: import('kysely').Generated<number>;
  /** The financial year's first calendar year (2026 = 2026/27). */
  year: number;
  theme: string;
  deliverable: string;
  target: number | null;
  /** Q1 (April to June) … Q4 (January to March). */
  due_quarter: string;
  /** A figure the platform computes for progress (MEASURES), or null for progress entered by hand. */
  measure: string | null;
  created_at: string;
}

export interface MonitorProgressTable {
  deliverable_id: number;
  quarter: string;
  value: number | null;
  note: string | null;
  recorded_at: string;
}

export interface MonitorTables {
  monitor_salts: MonitorSaltsTable;
  monitor_events: MonitorEventsTable;
  monitor_daily: MonitorDailyTable;
  monitor_council_days: MonitorCouncilDaysTable;
  monitor_deliverables: MonitorDeliverablesTable;
  monitor_progress: MonitorProgressTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends MonitorTables {}
}
