import type { Generated } from 'kysely';

/** A leadership programme; `completion_min_modules` null: every module of the cohort must be attended. */
export interface LeadProgrammesTable {
  id: Generated<number>;
  code: string;
  name: string;
  kind: string;
  cross_party: number;
  completion_min_modules: number | null;
  created_at: string;
}

/** Who may take part, as dated data; JSON lists, null for "any". */
export interface LeadEligibilityRulesTable {
  id: Generated<number>;
  programme_id: number;
  valid_from: string;
  valid_to: string | null;
  roles: string;
  officer_grades: string | null;
  parties: string | null;
  council_types: string | null;
}

/** A window in which each council may hold one subsidised place on the programme. */
export interface LeadSubsidyWindowsTable {
  id: Generated<number>;
  programme_id: number;
  starts_on: string;
  ends_on: string;
}

/** What a place of a kind costs a council in a financial year (`2026-27`). */
export interface LeadChargesTable {
  id: Generated<number>;
  programme_id: number;
  place_kind: string;
  financial_year: string;
  amount_pence: number;
}

/** A numbered cohort; `next_arrival` numbers the bookings in the order they were served (the fair list's order). */
export interface LeadCohortsTable {
  id: Generated<number>;
  programme_id: number;
  number: number;
  capacity: number;
  starts_on: string;
  ends_on: string;
  venue: string | null;
  online: number;
  next_arrival: number;
}

export interface LeadModulesTable {
  id: Generated<number>;
  cohort_id: number;
  number: number;
  title: string;
  held_on: string;
}

/**
 * A person put forward for a cohort: applied → approved → booked or waiting (→ offered → booked), then completed;
 * or refused, withdrawn, lapsed (an offer not taken up in time).
 */
export interface LeadParticipantsTable {
  id: Generated<number>;
  cohort_id: number;
  area_id: number;
  name: string;
  email: string;
  role: string;
  officer_grade: string | null;
  party: string | null;
  place_kind: string;
  status: string;
  arrival: number | null;
  offer_expires_at: string | null;
  charge_pence: number | null;
  financial_year: string | null;
  nominated_by: number | null;
  applied_at: string;
  completed_on: string | null;
  /** The person's number among their council's people in the cohort, fixed when a survey frame first names it. */
  frame_number: number | null;
}

/** Every move of a participant between states, with its reason. */
export interface LeadListMovesTable {
  id: Generated<number>;
  participant_id: number;
  from_status: string | null;
  to_status: string;
  reason: string;
  by_user: number | null;
  at: string;
}

export interface LeadAttendanceTable {
  participant_id: number;
  module_id: number;
  attended: number;
  recorded_at: string;
}

export interface LeadTables {
  lead_programmes: LeadProgrammesTable;
  lead_eligibility_rules: LeadEligibilityRulesTable;
  lead_subsidy_windows: LeadSubsidyWindowsTable;
  lead_charges: LeadChargesTable;
  lead_cohorts: LeadCohortsTable;
  lead_modules: LeadModulesTable;
  lead_participants: LeadParticipantsTable;
  lead_list_moves: LeadListMovesTable;
  lead_attendance: LeadAttendanceTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends LeadTables {}
}
