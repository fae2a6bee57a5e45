import type { Generated } from 'kysely';

/** The referendum cap on council tax increases, dated data per financial year (core, and the social care precept). */
export interface BudgetTaxCapsTable {
  id: Generated<number>;
  year: string;
  kind: string;
  cap_pct: number;
  valid_from: string;
  source: string;
}

export interface BudgetSimulatorsTable {
  id: Generated<number>;
  area_id: number;
  year: string;
  title: string;
  status: string;
  gap_kind: string;
  /** JSON [{year, amount}]. */
  gap_years: string;
  /** A multi-year gap's balance rule (each-year, cumulative); null for one year. */
  gap_rule: string | null;
  stated_total: number | null;
  band_d: number | null;
  tax_base: number | null;
  tax_cap_pct: number | null;
  tax_cap_valid_from: string | null;
  /** The open link's key (/budget/{key}): random, not guessable from the id. */
  open_key: string;
  source_note: string | null;
  /** JSON AboutYou (about.ts): the "about you" questions as set up; null when none are asked. */
  about_you: string | null;
  /** JSON PopulationDef (population.ts): the population for weighting an officer entered; null when none. */
  population: string | null;
  created_by: number | null;
  created_at: string;
}

export interface BudgetSectionsTable {
  id: Generated<number>;
  simulator_id: number;
  kind: string;
  title: string;
  intro: string | null;
  position: number;
}

export interface BudgetItemsTable {
  id: Generated<number>;
  simulator_id: number;
  section_id: number;
  code: string;
  title: string;
  description: string | null;
  baseline: number;
  floor: number | null;
  floor_reason: string | null;
  ring_fenced: number;
  contractual: number;
  source: string | null;
  position: number;
}

export interface BudgetLevelsTable {
  id: Generated<number>;
  item_id: number;
  code: string;
  pct_change: number;
  consequence: string;
  position: number;
}

export interface BudgetConstraintsTable {
  id: Generated<number>;
  simulator_id: number;
  kind: string;
  item: string;
  level: string;
  other_item: string;
  other_level: string;
}

/** A unique link for a panel member: only the token's SHA-256; used once. */
export interface BudgetLinksTable {
  id: Generated<number>;
  simulator_id: number;
  token_hash: string;
  created_at: string;
  used_at: string | null;
}

export interface BudgetResponsesTable {
  id: Generated<number>;
  simulator_id: number;
  link_id: number | null;
  levels: string;
  gap_closed: number;
  tax_change_pct: number;
  channel: string;
  assisted: number;
  flag: string;
  fingerprint: string;
  submitted_at: string;
  /** JSON: the resident's "about you" answers (question code → answer); null when none. */
  about: string | null;
  /** The spent proof-of-work challenge's id (protection.ts); null when none came with the budget. */
  proof: string | null;
}

export interface BudgetCommentsTable {
  response_id: number;
  item_id: number;
  text: string;
}

export interface BudgetTables {
  budget_tax_caps: BudgetTaxCapsTable;
  budget_simulators: BudgetSimulatorsTable;
  budget_sections: BudgetSectionsTable;
  budget_items: BudgetItemsTable;
  budget_levels: BudgetLevelsTable;
  budget_constraints: BudgetConstraintsTable;
  budget_links: BudgetLinksTable;
  budget_responses: BudgetResponsesTable;
  budget_comments: BudgetCommentsTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends BudgetTables {}
}
