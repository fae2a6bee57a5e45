import type { Generated } from 'kysely';

/** A questionnaire version as loaded: the SurveyJS JSON kept as given, validated by the definition module. */
export interface SurveyDefinitionsTable {
  id: Generated<number>;
  /** Stable code across versions, e.g. `council-perception`. */
  code: string;
  /** Whole number from 1; a new version of a code must be higher than every earlier one. */
  version: number;
  title: string;
  /** The SurveyJS JSON as loaded (text). */
  source: string;
  /** SHA-256 of the source: loading the same version again changes nothing. */
  fingerprint: string;
  loaded_by: string | null;
  loaded_at: string;
}

/** A wave: one version of a questionnaire in the field between two dates, to a frame (links) or open (anonymous). */
export interface SurveyWavesTable {
  id: Generated<number>;
  definition_id: number;
  survey_code: string;
  version: number;
  name: string;
  /** frame | open */
  mode: string;
  /** Random, not secret: the first part of every respondent address (/s/{key}/…), and the open link itself. */
  key: string;
  /** ISO 8601 instants (UTC): open from opens_at, closed from closes_at. */
  opens_at: string;
  closes_at: string;
  created_by: string | null;
  created_at: string;
  /** When the wave was closed from its page (closes_at is then set to that moment); null otherwise. */
  closed_at: Generated<string | null>;
  closed_by: Generated<string | null>;
  /** When the frame's contact details were erased, SLI_SURVEY_CONTACT_DAYS after closing (fielding/retention.ts). */
  contacts_erased_at: Generated<string | null>;
}

/**
 * Who may answer a wave: a frame member (a council and a named role, with its type and region as at the frame's date,
 * resolved from the areas module and stored) or an anonymous respondent of an open wave. Only the SHA-256 of a
 * respondent's token is stored (a frame member's token is derived from a secret, member and issue time: links.ts).
 */
export interface SurveyRespondentsTable {
  id: Generated<number>;
  wave_id: number;
  /** frame | anonymous */
  kind: string;
  area_code: string | null;
  area_name: string | null;
  /** GSS prefix, e.g. E06. */
  authority_type: string | null;
  region_code: string | null;
  region_name: string | null;
  role: string | null;
  contact_name: string | null;
  /** Where invitations and reminders go (personal data: never logged, never in the links or responses CSVs). */
  contact_email: Generated<string | null>;
  /** When the member asked for no more reminders (from the link in a message). */
  opted_out_at: Generated<string | null>;
  /** Hex SHA-256 of the token; null until a link is issued. */
  token_hash: string | null;
  /** When the link was issued: with the member's id and the secret, what a frame member's token is derived from. */
  token_issued_at: string | null;
  created_at: string;
}

/** One respondent's answers: the working copy (saved page by page) and the last submitted copy. */
export interface SurveyResponsesTable {
  id: Generated<number>;
  wave_id: number;
  respondent_id: number;
  /** in-progress | submitted (submitted stays submitted while later changes await a new submission). */
  status: string;
  /** JSON Answers: the working copy, saved after every page. */
  answers: string;
  /** Bumped by every save and every submission. */
  revision: number;
  /** JSON Answers as last submitted; what analysis reads. */
  submitted_answers: string | null;
  submitted_revision: number | null;
  submissions: number;
  started_at: string;
  updated_at: string;
  submitted_at: string | null;
}

/** The audit history: every save, every submission and every stale or late post, never updated or deleted. */
export interface SurveyResponseHistoryTable {
  id: Generated<number>;
  response_id: number;
  /** The revision this event produced (or, for a stale or late post that changed nothing, the current one). */
  revision: number;
  /** save | submit | stale-applied | stale-conflict | late */
  event: string;
  /** The page posted: a question code, or `code.row` for a grid row. */
  page: string | null;
  /** JSON of the value the respondent posted on that page. */
  posted: string | null;
  /** JSON Answers after the event. */
  answers: string;
  /** JSON: e.g. { "removed": ["Q4"] } when routing now skips questions answered before; the form's revision. */
  note: string | null;
  at: string;
}

/** One invitation or reminder queued to a frame member: which round, the email message, when and by whom. */
export interface SurveyMailingsTable {
  id: Generated<number>;
  wave_id: number;
  respondent_id: number;
  /** invitation | reminder */
  kind: string;
  /** 1 for the invitation; the wave's reminder round (1, 2, …) for a reminder. Unique per member and kind. */
  round: number;
  email_message_id: number;
  sent_by: string | null;
  at: string;
}

/** The secret frame members' links are derived from when SLI_LINK_SECRET is not set (one row, name `link`). */
export interface SurveySecretsTable {
  name: string;
  secret: string;
  created_at: string;
}

export interface SurveysTables {
  survey_secrets: SurveySecretsTable;
  survey_mailings: SurveyMailingsTable;
  survey_definitions: SurveyDefinitionsTable;
  survey_waves: SurveyWavesTable;
  survey_respondents: SurveyRespondentsTable;
  survey_responses: SurveyResponsesTable;
  survey_response_history: SurveyResponseHistoryTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends SurveysTables {}
}
