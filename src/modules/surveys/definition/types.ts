/**
 * The questionnaire model every survey feature works on. Definitions arrive as SurveyJS JSON (a documented subset)
 * or as XLSForm spreadsheets and are normalised into this shape (see docs/surveys.md).
 *
 * Codes are stable across waves: a question's `code` and each answer's `code` are what responses store and what
 * tables compare; wording may change between versions, and `sources` maps a question back to earlier versions.
 */
import type { Expr } from './expression.ts';

export const QUESTION_KINDS = ['single', 'multiple', 'dropdown', 'grid', 'text', 'number'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export interface Choice {
  code: string;
  label: string;
  /** An answer that cannot be combined with any other (e.g. "none of these"); only in multiple choice. */
  exclusive?: boolean;
}

/** A net: a named combination of answer codes reported above its parts ("agree or strongly agree" = 1 + 2). */
export interface Net {
  code: string;
  label: string;
  codes: string[];
}

export interface GridRow {
  code: string;
  label: string;
}

/** Where a question came from in an earlier version: its code there and how its answer codes map to this version. */
export interface QuestionSource {
  version: number;
  question: string;
  /** Old answer code -> this version's answer code; codes not listed map to themselves. */
  codes?: Record<string, string>;
}

export interface Question {
  code: string;
  kind: QuestionKind;
  /** Question text; may pipe earlier answers with `{CODE}`. */
  text: string;
  description?: string;
  required: boolean;
  /** single, multiple and dropdown: the answers; grid: the scale (columns). */
  choices: Choice[];
  /** grid only: the statements (rows); each row is answered on the scale. */
  rows: GridRow[];
  nets: Net[];
  /** Routing: the question is asked only when this holds (source text as written, and parsed). */
  visibleIf?: string;
  condition?: Expr;
  min?: number;
  max?: number;
  sources: QuestionSource[];
  /** Where the question was defined in the source file (JSON path or sheet and row), for messages. */
  origin: string;
}

export interface SurveyDefinition {
  /** Stable identifier of the questionnaire across versions, e.g. `council-perception`. */
  code: string;
  title: string;
  version: number;
  description?: string;
  questions: Question[];
}

/** One respondent's answers, keyed by question code. Grid answers are keyed by row code. */
export type AnswerValue = string | number | string[] | Record<string, string>;
export type Answers = Record<string, AnswerValue | undefined>;
