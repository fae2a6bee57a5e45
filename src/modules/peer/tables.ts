import type { Generated } from 'kysely';

/** A versioned peer challenge framework: its core components live in peer_framework_components. */
export interface PeerFrameworksTable {
  id: Generated<number>;
  code: string;
  version: string;
  name: string;
  valid_from: string;
  valid_to: string | null;
}

export interface PeerFrameworkComponentsTable {
  id: Generated<number>;
  framework_id: number;
  code: string;
  title: string;
  /** JSON: the prompt questions, a list of strings. */
  prompts: string;
  position: number;
}

/** Engagement kinds (configurable data); `corporate` = 1 for the kind that counts towards five-yearly coverage. */
export interface PeerEngagementKindsTable {
  code: string;
  name: string;
  corporate: number;
}

/** Deadlines as dated policy: `due_state` must be reached within `months` of the last on-site day. */
export interface PeerDeadlinesTable {
  id: Generated<number>;
  code: string;
  due_state: string;
  months: number;
  valid_from: string;
  valid_to: string | null;
}

/** Conflict-of-interest rules as data: which checks the team builder runs, with their parameters (JSON). */
export interface PeerConflictRulesTable {
  code: string;
  description: string;
  params: string;
  active: number;
}

/** Councils sharing a chief executive or services, over a period (a conflict for each other's peers). */
export interface PeerPartnershipsTable {
  id: Generated<number>;
  area_a_id: number;
  area_b_id: number;
  kind: string;
  valid_from: string;
  valid_to: string | null;
}

export interface PeersTable {
  id: Generated<number>;
  name: string;
  /** The registered user this peer signs in as (sees the engagements they are on). */
  user_id: number | null;
  home_area_id: number | null;
  role: string;
  political_group: string | null;
  /** JSON list of skills. */
  skills: string;
  region_code: string | null;
  accreditation: string | null;
  accredited_at: string | null;
  availability: string | null;
  active: number;
  created_at: string;
}

/** A peer's past employment by a council, until a date (the recent-employment rule reads it). */
export interface PeerEmploymentsTable {
  id: Generated<number>;
  peer_id: number;
  area_id: number;
  until: string;
}

export interface PeerEngagementsTable {
  id: Generated<number>;
  /** The council by its code as at the engagement (a later re-coding is followed through the areas lineage). */
  area_id: number;
  kind: string;
  framework_id: number;
  scope: string | null;
  /** JSON list of the council's local focus areas. */
  focus_areas: string;
  state: string;
  /** For postponed: the state it was postponed from (resumed to). */
  resume_state: string | null;
  onsite_start: string | null;
  onsite_end: string | null;
  created_at: string;
  updated_at: string;
}

/** Each step of an engagement's state machine with its date (and reason, for withdrawn and postponed). */
export interface PeerEngagementStepsTable {
  id: Generated<number>;
  engagement_id: number;
  state: string;
  date: string;
  reason: string | null;
  recorded_at: string;
}

export interface PeerTeamMembersTable {
  id: Generated<number>;
  engagement_id: number;
  peer_id: number;
  team_role: string;
  days_committed: number;
  days_delivered: number | null;
}

export interface PeerFindingsTable {
  id: Generated<number>;
  engagement_id: number;
  component_code: string;
  /** strength | area-for-consideration */
  kind: string;
  text: string;
}

export interface PeerRecommendationsTable {
  id: Generated<number>;
  /** The stable id, e.g. PC42-R3: never re-used or renumbered. */
  ref: string;
  engagement_id: number;
  component_code: string;
  text: string;
}

export interface PeerActionsTable {
  id: Generated<number>;
  engagement_id: number;
  recommendation_id: number;
  text: string;
  owner_role: string;
  due_date: string;
  status: string;
  /** JSON list of evidence links. */
  evidence: string;
}

export interface PeerActionUpdatesTable {
  id: Generated<number>;
  action_id: number;
  date: string;
  status: string;
  note: string | null;
}

export interface PeerDocumentsTable {
  id: Generated<number>;
  engagement_id: number;
  kind: string;
  title: string;
  /** The link, or '' for an uploaded file (peer_document_files). */
  url: string;
  published_at: string | null;
  public: number;
}

/** An uploaded document's file (a document is a link or a file): the bytes, with the checked content type. */
export interface PeerDocumentFilesTable {
  document_id: number;
  /** The name it was uploaded with, less any path. */
  filename: string;
  /** Decided from the name's extension and the file's own first bytes, never from what the browser said. */
  content_type: string;
  size: number;
  sha256: string;
  data: Uint8Array;
  uploaded_at: string;
}

export interface PeerTables {
  peer_frameworks: PeerFrameworksTable;
  peer_framework_components: PeerFrameworkComponentsTable;
  peer_engagement_kinds: PeerEngagementKindsTable;
  peer_deadlines: PeerDeadlinesTable;
  peer_conflict_rules: PeerConflictRulesTable;
  peer_partnerships: PeerPartnershipsTable;
  peers: PeersTable;
  peer_employments: PeerEmploymentsTable;
  peer_engagements: PeerEngagementsTable;
  peer_engagement_steps: PeerEngagementStepsTable;
  peer_team_members: PeerTeamMembersTable;
  peer_findings: PeerFindingsTable;
  peer_recommendations: PeerRecommendationsTable;
  peer_actions: PeerActionsTable;
  peer_action_updates: PeerActionUpdatesTable;
  peer_documents: PeerDocumentsTable;
  peer_document_files: PeerDocumentFilesTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends PeerTables {}
}
