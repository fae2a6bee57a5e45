/**
 * The questionnaire as a respondent meets it, as pure rules over a definition and the answers so far: one page per
 * question (a grid gives one page per row but is stored as one answer object {row: code}), routing with `isAsked`,
 * answers removed when routing now skips their question, each page's answer parsed and checked against the definition.
 */
import {
  isAsked,
  type AnswerValue,
  type Answers,
  type GridRow,
  type Question,
  type SurveyDefinition,
} from '../definition/index.ts';

export interface Page {
  question: Question;
  row?: GridRow;
  /** `Q1`, or `Q5.row` for a grid row: the page's address and its name in the history. */
  key: string;
  /** Position in the questionnaire, for ordering pages that may not be asked now. */
  order: number;
}

export const TEXT_MAX = 5000;

/** Every page of a question (one for a question, one per row for a grid). */
export function pagesOfQuestion(def: SurveyDefinition, q: Question): Page[] {
  const i = def.questions.indexOf(q);
  if (q.kind === 'grid')
    return q.rows.map((row, r) => ({ question: q, row, key: `${q.code}.${row.code}`, order: i * 1000 + r }));
  return [{ question: q, key: q.code, order: i * 1000 }];
}

/** The pages asked of a respondent with these answers, in order. */
export function askedPages(def: SurveyDefinition, answers: Answers): Page[] {
  return def.questions.filter((q) => isAsked(q, answers)).flatMap((q) => pagesOfQuestion(def, q));
}

/** A page by its key (asked or not); undefined when the key names no page. */
export function findPage(def: SurveyDefinition, key: string): Page | undefined {
  const [code, row] = key.split('.');
  const q = def.questions.find((x) => x.code === code);
  if (!q) return undefined;
  return pagesOfQuestion(def, q).find((p) => (row === undefined ? p.row === undefined : p.row?.code === row));
}

/** The answer a page holds. */
export function pageValue(answers: Answers, page: Page): AnswerValue | undefined {
  const v = answers[page.question.code];
  if (!page.row) return v;
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v[page.row.code] : undefined;
}

/** The answers with one page's value set (or cleared when undefined). */
export function withPageValue(answers: Answers, page: Page, value: AnswerValue | undefined): Answers {
  const out: Answers = { ...answers };
  const code = page.question.code;
  if (page.row) {
    const prev = out[code];
    const grid: Record<string, string> =
      prev !== undefined && typeof prev === 'object' && !Array.isArray(prev) ? { ...prev } : {};
    if (value === undefined) delete grid[page.row.code];
    else grid[page.row.code] = String(value);
    if (Object.keys(grid).length === 0) delete out[code];
    else out[code] = grid;
  } else if (value === undefined) delete out[code];
  else out[code] = value;
  return out;
}

/**
 * Removes the answers to questions routing now skips, in questionnaire order (a removed answer may in turn switch
 * off a later question). The removed answers stay in the history.
 */
export function pruneSkipped(def: SurveyDefinition, answers: Answers): { answers: Answers; removed: string[] } {
  const out: Answers = { ...answers };
  const removed: string[] = [];
  for (const q of def.questions) {
    if (out[q.code] !== undefined && !isAsked(q, out)) {
      delete out[q.code];
      removed.push(q.code);
    }
  }
  return { answers: out, removed };
}

const isAnswered = (v: AnswerValue | undefined) => v !== undefined && !(Array.isArray(v) && v.length === 0);

/** Asked pages with no answer yet. */
export const unansweredPages = (def: SurveyDefinition, answers: Answers): Page[] =>
  askedPages(def, answers).filter((p) => !isAnswered(pageValue(answers, p)));

/** Asked pages a respondent must answer before submitting. */
export const missingRequired = (def: SurveyDefinition, answers: Answers): Page[] =>
  unansweredPages(def, answers).filter((p) => p.question.required);

/** The page after this one (by position, so it works for a page routing no longer asks); undefined at the end. */
export const nextPage = (def: SurveyDefinition, answers: Answers, page: Page): Page | undefined =>
  askedPages(def, answers).find((p) => p.order > page.order);

/** The page before this one; undefined on the first page. */
export const previousPage = (def: SurveyDefinition, answers: Answers, page: Page): Page | undefined =>
  askedPages(def, answers)
    .filter((p) => p.order < page.order)
    .at(-1);

export function sameValue(a: AnswerValue | undefined, b: AnswerValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What a page's form posts: the `answer` field, once or (checkboxes) repeated. */
export type Posted = string | string[] | undefined;

export type Parsed = { ok: true; value: AnswerValue | undefined } | { ok: false; error: string; raw: Posted };

/** Reads and checks one page's posted answer against the definition; an empty optional answer clears the page. */
export function parsePageAnswer(page: Page, posted: Posted): Parsed {
  const q = page.question;
  const list = (Array.isArray(posted) ? posted : posted === undefined ? [] : [posted])
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const fail = (error: string): Parsed => ({ ok: false, error, raw: posted });
  const codes = new Set(q.choices.map((c) => c.code));
  if (list.length === 0) {
    if (!q.required) return { ok: true, value: undefined };
    switch (q.kind) {
      case 'multiple':
        return fail('Select at least one answer');
      case 'single':
      case 'dropdown':
      case 'grid':
        return fail(page.row ? `Select an answer for “${page.row.label}”` : 'Select an answer');
      case 'number':
        return fail('Enter a number');
      case 'text':
        return fail('Enter an answer');
    }
  }
  switch (q.kind) {
    case 'single':
    case 'dropdown':
    case 'grid': {
      if (list.length > 1 || !codes.has(list[0]!)) return fail('Select one of the answers listed');
      return { ok: true, value: list[0]! };
    }
    case 'multiple': {
      const chosen = [...new Set(list)];
      if (chosen.some((c) => !codes.has(c))) return fail('Select from the answers listed');
      const exclusive = q.choices.filter((c) => c.exclusive && chosen.includes(c.code));
      if (exclusive.length > 0 && chosen.length > 1)
        return fail(`Select “${exclusive[0]!.label}” on its own, or select the other answers without it`);
      // Stored in the definition's order, whatever order the browser sent them in.
      return { ok: true, value: q.choices.map((c) => c.code).filter((c) => chosen.includes(c)) };
    }
    case 'number': {
      if (list.length > 1) return fail('Enter one number');
      const text = list[0]!.replace(/[,\s]/g, '');
      if (!/^-?\d+(\.\d+)?$/.test(text)) return fail('Enter a number, like 12 or 3.5');
      const n = Number(text);
      if (q.min !== undefined && n < q.min)
        return fail(
          q.max !== undefined ? `Enter a number between ${q.min} and ${q.max}` : `Enter a number of ${q.min} or more`,
        );
      if (q.max !== undefined && n > q.max)
        return fail(
          q.min !== undefined ? `Enter a number between ${q.min} and ${q.max}` : `Enter a number of ${q.max} or less`,
        );
      return { ok: true, value: n };
    }
    case 'text': {
      const text = Array.isArray(posted) ? posted.join('\n') : (posted ?? '');
      if (text.length > TEXT_MAX)
        return fail(`Your answer must be ${TEXT_MAX.toLocaleString('en-GB')} characters or fewer`);
      return { ok: true, value: text.trim() };
    }
  }
}
