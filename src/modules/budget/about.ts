/**
 * "About you": optional questions a simulator asks before "check your budget", taken from a questionnaire of the
 * surveys module (its definitions, through its index). A definition names the questionnaire (code and version) and
 * optionally which of its questions to ask and which one holds the age band and which sex (for weighting); at set-up
 * the questions are copied (AboutYou) so what residents were asked never changes afterwards, each with its routing
 * (the questionnaire's visibleIf, evaluated with the surveys module's expressions on the earlier answers): a question
 * whose route is not met is not asked and its answer is recorded as null, not applicable. Pure: no database.
 */
import type { FieldError } from '../../platform/errors.ts';
import {
  evaluate,
  parseExpression,
  references,
  routingInWords,
  type Expr,
  type SurveyDefinition,
} from '../surveys/index.ts';

/** What a definition says (the JSON and XLSX import format). */
export interface AboutYouRef {
  /** The questionnaire's code and version in the surveys module. */
  survey: string;
  version: number;
  /** The question codes to ask, in order; absent or empty: every single-choice, dropdown and text question. */
  questions?: string[] | null;
  /** The question holding the age band (weighting by age), and sex. */
  age?: string | null;
  sex?: string | null;
}

export const ABOUT_KINDS = ['single', 'dropdown', 'text'] as const;
export type AboutKind = (typeof ABOUT_KINDS)[number];
/** The longest short-text answer (a postcode district, a ward's name). */
export const ABOUT_TEXT_MAX = 100;

export interface AboutQuestion {
  code: string;
  kind: AboutKind;
  text: string;
  hint: string | null;
  choices: { code: string; label: string }[];
  /**
   * The questionnaire's routing: the question is asked only when this condition (SurveyJS `visibleIf` syntax, on the
   * earlier "about you" answers) holds; absent or null: always asked. `routing` says it in words.
   */
  visibleIf?: string | null;
  routing?: string | null;
}

/**
 * A resident's answers by question code: the answer's code (or text), null when the question was not asked (its
 * routing not met: not applicable); a question left blank is absent.
 */
export type AboutAnswers = Record<string, string | null>;
/** How a question not asked (not applicable) is written in the wide CSV. */
export const NOT_ASKED = '-';

/** The questions as set up (stored with the simulator). */
export interface AboutYou {
  survey: string;
  version: number;
  title: string;
  questions: AboutQuestion[];
  age: string | null;
  sex: string | null;
}

/** The definition's reference to what was set up (what the JSON export carries). */
export const refOf = (a: AboutYou): AboutYouRef => ({
  survey: a.survey,
  version: a.version,
  questions: a.questions.map((q) => q.code),
  age: a.age,
  sex: a.sex,
});

const isAboutKind = (k: string): k is AboutKind => (ABOUT_KINDS as readonly string[]).includes(k);

/** The questions to ask, from the questionnaire; every problem named by the definition's path. */
export function aboutYouFrom(
  ref: AboutYouRef,
  def: SurveyDefinition,
  locate: (path: string) => string,
): { about: AboutYou | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const err = (path: string, message: string, value?: string) =>
    errors.push({ field: locate(path), message, ...(value !== undefined ? { value } : {}) });
  const named = ref.questions?.length ? ref.questions : null;
  const picked = named
    ? named.flatMap((code, i) => {
        const q = def.questions.find((x) => x.code === code);
        if (!q) err(`aboutYou.questions[${i}]`, `is not a question of ${def.code} version ${def.version}`, code);
        else if (!isAboutKind(q.kind))
          err(
            `aboutYou.questions[${i}]`,
            `is a ${q.kind} question; "about you" questions are single choice, dropdown or short text`,
            code,
          );
        else return [q];
        return [];
      })
    : def.questions.filter((q) => isAboutKind(q.kind));
  if (!named && picked.length === 0)
    err('aboutYou.survey', `${def.code} version ${def.version} has no single-choice, dropdown or text question`);
  for (const role of ['age', 'sex'] as const) {
    const code = ref[role];
    if (!code) continue;
    const q = picked.find((x) => x.code === code);
    if (!q) err(`aboutYou.${role}`, 'is not one of the questions asked', code);
    else if (q.kind === 'text') err(`aboutYou.${role}`, 'must be a single-choice or dropdown question', code);
  }
  // Routing may refer only to questions asked before it here: the page can then decide, from answers it has.
  picked.forEach((q, i) => {
    if (!q.visibleIf) return;
    const before = new Set(picked.slice(0, i).map((x) => x.code));
    const missing = references(q.condition ?? parseExpression(q.visibleIf)).find((r) => !before.has(r.question));
    if (missing)
      err(
        named ? `aboutYou.questions[${named.indexOf(q.code)}]` : 'aboutYou.questions',
        `is asked only when ${q.visibleIf}, which refers to ${missing.question}: ask ${missing.question} before it`,
        q.code,
      );
  });
  const questions: AboutQuestion[] = picked.map((q) => ({
    code: q.code,
    kind: q.kind as AboutKind,
    text: q.text,
    hint: q.description ?? null,
    choices: q.choices.map((c) => ({ code: c.code, label: c.label })),
    ...(q.visibleIf ? { visibleIf: q.visibleIf, routing: routingInWords(q, def) } : {}),
  }));
  if (errors.length) return { about: null, errors };
  return {
    about: {
      survey: def.code,
      version: def.version,
      title: def.title,
      questions,
      age: ref.age ?? null,
      sex: ref.sex ?? null,
    },
    errors,
  };
}

const parsed = new Map<string, Expr>();
/** Whether a question is asked, given the answers to the questions before it (its routing; none: always). */
export function isAsked(q: AboutQuestion, answers: AboutAnswers): boolean {
  if (!q.visibleIf) return true;
  let expr = parsed.get(q.visibleIf);
  if (!expr) parsed.set(q.visibleIf, (expr = parseExpression(q.visibleIf)));
  const given: Record<string, string> = {};
  for (const [k, v] of Object.entries(answers)) if (typeof v === 'string') given[k] = v;
  return evaluate(expr, given);
}

/**
 * A resident's answers from the form (`about-{code}`), every one optional, the questionnaire's routing applied in
 * order: a question whose routing is not met on the earlier answers is not asked, whatever was posted for it, and
 * recorded as null (not applicable). An answer not offered (a tampered form) or a text too long is a problem naming
 * the question; blank answers are left out.
 */
export function parseAbout(
  about: AboutYou | null,
  posted: (code: string) => string | undefined,
): { answers: AboutAnswers; errors: FieldError[] } {
  const answers: AboutAnswers = {};
  const errors: FieldError[] = [];
  for (const q of about?.questions ?? []) {
    if (!isAsked(q, answers)) {
      answers[q.code] = null;
      continue;
    }
    const v = (posted(q.code) ?? '').trim().normalize('NFC');
    if (v === '') continue;
    const field = `about-${q.code}`;
    if (q.kind === 'text') {
      if (v.length > ABOUT_TEXT_MAX || v.includes('\u0000'))
        errors.push({ field, message: `${q.text}: your answer must be ${ABOUT_TEXT_MAX} characters or fewer` });
      else answers[q.code] = v;
    } else if (q.choices.some((c) => c.code === v)) answers[q.code] = v;
    else errors.push({ field, value: v, message: `${q.text}: that answer is not one of the options` });
  }
  return { answers, errors };
}

/** An answer's label for people ("Not answered" when blank, "Not asked" when its routing was not met). */
export function answerLabel(q: AboutQuestion, v: string | null | undefined): string {
  if (v === null) return 'Not asked';
  if (v === undefined) return 'Not answered';
  return q.kind === 'text' ? v : (q.choices.find((c) => c.code === v)?.label ?? v);
}

/**
 * The "about you" questions as the page shows them, with the answers so far (none required): only those asked on the
 * answers given (routing), so a question routed on another appears once that answer is posted.
 */
export function aboutQuestions(about: AboutYou, body: Record<string, string>, errors: FieldError[]) {
  const { answers } = parseAbout(about, (c) => body[`about-${c}`]);
  return about.questions
    .flatMap((q) => (answers[q.code] === null ? [] : [q]))
    .map((q) => {
      const value = body[`about-${q.code}`] ?? '';
      const none = !q.choices.some((c) => /prefer not|rather not/i.test(c.label));
      const choices = q.choices.map((c) => ({ value: c.code, text: c.label }));
      return {
        code: q.code,
        kind: q.kind,
        text: q.text,
        hint: q.hint,
        value,
        error: errors.find((e) => e.field === `about-${q.code}`)?.message,
        items:
          q.kind === 'dropdown'
            ? [{ value: '', text: 'Choose an answer' }, ...choices].map((c) => ({ ...c, selected: c.value === value }))
            : [...choices, ...(none ? [{ divider: 'or' }, { value: '', text: 'Prefer not to answer' }] : [])].map(
                (c) => ('value' in c ? { ...c, checked: c.value === value && value !== '' } : c),
              ),
      };
    });
}
