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

/**
 * Per day and kind, counts kept at write time (migration 2026-12-11T0660-monitor-live): the events recorded and the
 * day's distinct visitors; the scorecard reads these for days the rollup has not totalled.
 */
export interface MonitorLiveTable {
  day: string;
  kind: string;
  events: number | string;
  uniques: number | string;
}

/** The day's distinct visitor hashes per kind, so that a batch counts only new visitors; gone with the day's counts. */
export interface MonitorVisitorsTable {
  day: string;
  kind: string;
  visitor: string;
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
  monitor_live: MonitorLiveTable;
  monitor_visitors: MonitorVisitorsTable;
  monitor_council_days: MonitorCouncilDaysTable;
  monitor_deliverables: MonitorDeliverablesTable;
  monitor_progress: MonitorProgressTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends MonitorTables {}
}
