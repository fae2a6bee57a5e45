/**
 * View models for the respondent's pages (GOV.UK Design System, no JavaScript needed): start, one question per page
 * (a grid row per page), check your answers, done, and the page for a link that is not right or a wave not open.
 */
import { formatClosing, formatDateTime } from '../../../platform/dates.ts';
import { answerLabel, pipeText, type AnswerValue, type Answers, type SurveyDefinition } from '../definition/index.ts';
import {
  askedPages,
  missingRequired,
  nextPage,
  pageValue,
  previousPage,
  unansweredPages,
  type Page,
  type Posted,
} from './rules.ts';
import type { Access } from './respond.ts';
import type { WaveRow } from './repository.ts';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** An instant as London's clock read it ("1 December 2026, 9am"; platform/dates.ts). */
export const when = (iso: string): string => formatDateTime(iso);
/** When a wave closes: its end is the first instant it is closed, so 31 December's end reads "…, 11:59pm". */
export const closing = (iso: string): string => formatClosing(iso);

export const base = (a: { wave: WaveRow }, token: string) => `/s/${a.wave.key}/${token}`;
export const pageHref = (a: { wave: WaveRow }, token: string, p: Page, returnTo?: string) =>
  `${base(a, token)}/q/${encodeURIComponent(p.key)}${returnTo ? `?return=${returnTo}` : ''}`;

/**
 * Where to go after saving a page: the next page asked, or (from check your answers) the next unanswered one, else the
 * check page.
 */
export function afterSave(
  a: Access,
  token: string,
  page: Page,
  answers: Answers,
  returnTo: string | undefined,
): string {
  if (returnTo === 'check') {
    const next = unansweredPages(a.def, answers).find((p) => p.order > page.order);
    return next ? pageHref(a, token, next, 'check') : `${base(a, token)}/check`;
  }
  const next = nextPage(a.def, answers, page);
  return next ? pageHref(a, token, next) : `${base(a, token)}/check`;
}

export function startModel(a: Access, token: string) {
  const pages = askedPages(a.def, a.answers);
  const first = unansweredPages(a.def, a.answers)[0];
  const started = Object.keys(a.answers).length > 0;
  return {
    surveyTitle: a.def.title,
    title: a.def.title,
    description: a.def.description ?? null,
    who: a.respondent.kind === 'frame' ? [a.respondent.role, a.respondent.area_name].filter(Boolean).join(', ') : null,
    closes: closing(a.wave.closes_at),
    questions: a.def.questions.length,
    started,
    submittedAt: a.submittedAt ? when(a.submittedAt) : null,
    continueHref:
      first && !a.submittedAt
        ? pageHref(a, token, first)
        : pages.length > 0 && !started
          ? pageHref(a, token, pages[0]!)
          : `${base(a, token)}/check`,
  };
}

type Item = {
  value?: string;
  text?: string;
  checked?: boolean;
  selected?: boolean;
  behaviour?: string;
  divider?: string;
};

export interface QuestionModel {
  surveyTitle: string;
  title: string;
  kind: string;
  heading: string;
  caption: string | null;
  hint: string | null;
  items: Item[];
  value: string;
  error: string | null;
  conflict: { current: string; posted: string } | null;
  backHref: string;
  action: string;
  revision: number;
  returnTo: string | null;
}

function valueText(q: Page['question'], v: AnswerValue | undefined): string {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return 'no answer';
  return answerLabel(q, v) || 'no answer';
}

/** A question page. `shown` is what the form should show: the saved answer, or the posted one after an error. */
export function questionModel(
  a: Access,
  token: string,
  page: Page,
  opts: {
    answers: Answers;
    revision: number;
    returnTo?: string | undefined;
    error?: string;
    raw?: Posted;
    conflict?: { current: AnswerValue | undefined; posted: AnswerValue | undefined };
  },
): QuestionModel {
  const q = page.question;
  const def: SurveyDefinition = a.def;
  const text = pipeText(def, q.text, opts.answers);
  const saved = pageValue(opts.answers, page);
  const shown: string[] =
    opts.raw !== undefined
      ? [opts.raw].flat().filter((x): x is string => typeof x === 'string')
      : saved === undefined
        ? []
        : Array.isArray(saved)
          ? saved
          : [String(saved)];
  const items: Item[] = [];
  if (q.kind === 'dropdown') items.push({ value: '', text: 'Select an answer', selected: shown.length === 0 });
  for (const c of q.choices) {
    if (c.exclusive && q.kind === 'multiple') items.push({ divider: 'or' });
    const item: Item = { value: c.code, text: c.label };
    if (q.kind === 'dropdown') item.selected = shown.includes(c.code);
    else item.checked = shown.includes(c.code);
    if (c.exclusive && q.kind === 'multiple') item.behaviour = 'exclusive';
    items.push(item);
  }
  const prev = previousPage(def, opts.answers, page);
  const returnTo = opts.returnTo === 'check' ? 'check' : null;
  return {
    surveyTitle: def.title,
    title: `${opts.error ? 'Error: ' : ''}${page.row ? `${page.row.label} – ${text}` : text}`,
    kind: q.kind,
    heading: page.row ? page.row.label : text,
    caption: page.row ? text : null,
    hint: q.description ?? (q.kind === 'multiple' ? 'Select all that apply.' : null),
    items,
    value: shown[0] ?? '',
    error: opts.error ?? null,
    conflict: opts.conflict
      ? { current: valueText(q, opts.conflict.current), posted: valueText(q, opts.conflict.posted) }
      : null,
    backHref: returnTo ? `${base(a, token)}/check` : prev ? pageHref(a, token, prev) : base(a, token),
    action: pageHref(a, token, page, returnTo ?? undefined),
    revision: opts.revision,
    returnTo,
  };
}

export function checkModel(a: Access, token: string, opts: { missing?: Page[]; stale?: boolean } = {}) {
  const missing = new Set((opts.missing ?? missingRequired(a.def, a.answers)).map((p) => p.key));
  const rows = askedPages(a.def, a.answers).map((p) => {
    const text = pipeText(a.def, p.question.text, a.answers);
    const v = pageValue(a.answers, p);
    const answered = v !== undefined && !(Array.isArray(v) && v.length === 0);
    return {
      key: p.row ? `${text}: ${p.row.label}` : text,
      value: answered
        ? answerLabel(p.question, v)
        : p.question.required
          ? 'Not answered (an answer is needed)'
          : 'Not answered',
      href: pageHref(a, token, p, 'check'),
      hiddenText: p.row ? p.row.label : text,
      missing: missing.has(p.key),
      id: `row-${p.key.replace(/[^\w-]/g, '-')}`,
    };
  });
  return {
    surveyTitle: a.def.title,
    title: `${opts.missing?.length ? 'Error: ' : ''}Check your answers before sending them`,
    rows,
    listRows: rows.map((r) => ({
      key: { text: r.key },
      value: {
        html: `<span id="${r.id}"${r.missing ? ' class="govuk-error-message"' : ''}>${escapeHtml(r.value)}</span>`,
      },
      actions: { items: [{ href: r.href, text: 'Change', visuallyHiddenText: r.hiddenText }] },
    })),
    errors: opts.missing?.length
      ? rows.filter((r) => r.missing).map((r) => ({ text: `Answer “${r.key}”`, href: `#${r.id}` }))
      : [],
    stale: opts.stale === true,
    action: `${base(a, token)}/check`,
    revision: a.revision,
    resubmit: a.submittedAt !== null,
    backHref: (() => {
      const last = askedPages(a.def, a.answers).at(-1);
      return last ? pageHref(a, token, last) : base(a, token);
    })(),
  };
}

export function doneModel(a: Access) {
  return {
    surveyTitle: a.def.title,
    title: 'Answers sent',
    submittedAt: a.submittedAt ? when(a.submittedAt) : null,
    closes: closing(a.wave.closes_at),
    revision: a.revision,
  };
}

export type Unavailable = { surveyTitle: string; title: string; message: string };
