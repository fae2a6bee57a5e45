/**
 * Responses in memory, column by column, ready to tabulate: a wide table (one row per respondent, one column per
 * question; multiple choice as one 0/1 column per answer; grids as one column per row) is checked against the
 * definition and the routing. Problems are reported with file, line, column and value and the offending answer is
 * left out of the tables; nothing stops the run:
 *   unknown columns, codes outside the answer list, values that are not numbers, "none of these" combined with an
 *   answer, and answers to questions the routing skipped (the respondent was not asked them).
 */
import {
  evaluate,
  partColumn,
  type Answers,
  type AnswerValue,
  type Question,
  type QuestionSource,
  type SurveyDefinition,
} from '../definition/index.ts';
import { references } from '../definition/expression.ts';
import { badRequest } from '../../../platform/errors.ts';

export const PROBLEM_KINDS = [
  'unknown-column',
  'unknown-code',
  'not-a-number',
  'out-of-range',
  'exclusive-combined',
  'answered-when-skipped',
  'bad-weight',
  'bad-multiple',
] as const;
export interface ResponseProblem {
  kind: (typeof PROBLEM_KINDS)[number];
  /** `file:line` of the respondent (or the file for a column problem). */
  at: string;
  column: string;
  value: string;
  message: string;
}

export interface ResponseData {
  n: number;
  /** Source line of each respondent, for messages. */
  lines: Int32Array;
  ids: string[] | null;
  /** The breakdown value of each respondent (wave or another column), or null for no breakdown. */
  by: string[] | null;
  weights: Float64Array | null;
  consent: Uint8Array | null;
  /** Single, dropdown and each grid row (key `Q_row`): index into the question's choices, -1 when missing. */
  codes: Map<string, Int16Array>;
  /** Multiple choice: per answer, 1 chosen, 0 not chosen, 255 missing. */
  multi: Map<string, Uint8Array[]>;
  numbers: Map<string, Float64Array>;
  texts: Map<string, (string | undefined)[]>;
  /** 1 when the routing put the question to the respondent. */
  asked: Map<string, Uint8Array>;
  /** Respondent columns that are not questions (wave, authority_type, region, role, profile columns), by name. */
  extra: Map<string, string[]>;
  problems: ResponseProblem[];
  problemCounts: Record<string, number>;
}

export interface ReadOptions {
  source: string;
  /** Breakdown column (e.g. `wave`); its values become the table columns. */
  by?: string;
  weights?: string;
  idColumn?: string;
  consentColumn?: string;
  /** Respondent columns that are not questions (profile or weighting variables such as age, sex, region). */
  profile?: string[];
  /** Keep at most this many problems in full (all are counted). Default 200. */
  maxProblems?: number;
}

const META = [
  'wave',
  'version',
  'respondent_id',
  'id',
  'consent',
  'weight',
  'authority_type',
  'region',
  'role',
  'submitted_at',
];

/** Builds the column store from a header and rows of strings (from a CSV file or the database). */
export function loadResponses(
  def: SurveyDefinition,
  header: string[],
  rows: Iterable<{ line: number; cells: string[] }>,
  opts: ReadOptions,
): ResponseData {
  const problems: ResponseProblem[] = [];
  const problemCounts: Record<string, number> = {};
  const max = opts.maxProblems ?? 200;
  const report = (p: ResponseProblem) => {
    problemCounts[p.kind] = (problemCounts[p.kind] ?? 0) + 1;
    if (problems.length < max) problems.push(p);
  };
  const col = new Map(header.map((h, i) => [h.trim(), i]));
  const known = new Set<string>([
    ...META,
    ...(opts.profile ?? []),
    ...[opts.by, opts.weights, opts.idColumn, opts.consentColumn].filter((x): x is string => !!x),
  ]);
  for (const q of def.questions) {
    if (q.kind === 'multiple' || q.kind === 'grid')
      for (const p of q.kind === 'multiple' ? q.choices : q.rows) known.add(partColumn(q.code, p.code));
    else known.add(q.code);
    for (const src of q.sources) for (const name of sourceColumns(q, src)) known.add(name);
  }
  for (const h of header) {
    if (!known.has(h.trim()))
      report({
        kind: 'unknown-column',
        at: opts.source,
        column: h,
        value: '',
        message: `column "${h}" is not a question, answer or known column of survey "${def.code}" version ${def.version}; it is left out (declare profile columns such as age or region with --profile)`,
      });
  }
  const need = (name: string | undefined, what: string) => {
    if (name !== undefined && !col.has(name))
      throw badRequest(
        `${opts.source}: there is no ${what} column "${name}" (columns: ${header.slice(0, 12).join(', ')}${header.length > 12 ? ', …' : ''})`,
      );
  };
  need(opts.by, 'breakdown');
  need(opts.weights, 'weights');
  need(opts.idColumn, 'respondent id');
  need(opts.consentColumn, 'consent');

  const all = [...rows];
  const n = all.length;
  const data: ResponseData = {
    n,
    lines: new Int32Array(n),
    ids: null,
    by: null,
    weights: null,
    consent: null,
    codes: new Map(),
    multi: new Map(),
    numbers: new Map(),
    texts: new Map(),
    asked: new Map(),
    extra: new Map(),
    problems,
    problemCounts,
  };
  /** A reader for one column: the trimmed cell of respondent i ('' when the file lacks the column). */
  const plain = (name: string): Reader => {
    const k = col.get(name);
    if (k === undefined) return () => '';
    return (i) => {
      const v = all[i]!.cells[k];
      return v === undefined
        ? ''
        : v.length > 0 && (v.charCodeAt(0) <= 32 || v.charCodeAt(v.length - 1) <= 32)
          ? v.trim()
          : v;
    };
  };
  /** Every respondent's value of one column (read once, not a reader per row). */
  const values = (name: string): string[] => {
    const read = plain(name);
    return all.map((_, i) => read(i));
  };
  // Rows answered on an earlier version (a `version` column) are read through each question's sources.
  const versions = col.has('version') ? values('version') : null;
  const targets = new Map<string, { q: Question; part?: string }>();
  for (const q of def.questions) {
    if (q.kind === 'multiple' || q.kind === 'grid')
      for (const p of q.kind === 'multiple' ? q.choices : q.rows)
        targets.set(partColumn(q.code, p.code), { q, part: p.code });
    else targets.set(q.code, { q });
  }
  const column = (name: string): Reader => {
    const current = plain(name);
    const target = targets.get(name);
    if (!versions || !target) return current;
    const readers = new Map<string, Reader>();
    return (i) => {
      const v = versions[i]!;
      if (v === '' || v === String(def.version)) return current(i);
      let r = readers.get(v);
      if (!r) {
        r = sourceReader(target.q, target.part, Number(v), plain) ?? current;
        readers.set(v, r);
      }
      return r(i);
    };
  };
  const at = (i: number) => `${opts.source}:${data.lines[i]}`;
  for (let i = 0; i < n; i++) data.lines[i] = all[i]!.line;
  for (const name of [...META, ...(opts.profile ?? [])])
    if (col.has(name) && !targets.has(name)) data.extra.set(name, values(name));
  const idCol = opts.idColumn ?? (col.has('respondent_id') ? 'respondent_id' : undefined);
  if (idCol) data.ids = values(idCol);
  if (opts.by) data.by = values(opts.by);
  const consentCol = opts.consentColumn ?? (col.has('consent') ? 'consent' : undefined);
  if (consentCol)
    data.consent = Uint8Array.from(values(consentCol), (v) => (['1', 'yes', 'true'].includes(v.toLowerCase()) ? 1 : 0));
  if (opts.weights) {
    const w = new Float64Array(n);
    const raws = values(opts.weights);
    for (let i = 0; i < n; i++) {
      const raw = raws[i]!;
      const v = Number(raw);
      if (raw === '' || !Number.isFinite(v) || v < 0) {
        report({
          kind: 'bad-weight',
          at: at(i),
          column: opts.weights,
          value: raw,
          message: 'the weight is not a number of 0 or more; the respondent is left out',
        });
        w[i] = 0;
      } else w[i] = v;
    }
    data.weights = w;
  }

  for (const q of def.questions) readQuestion(q, n, column, at, data, report);
  applyRouting(def, data, at, report);
  return data;
}

type Report = (p: ResponseProblem) => void;

/** The columns an earlier version's answers to a question sit in. */
function sourceColumns(q: Question, src: QuestionSource): string[] {
  if (q.kind === 'grid') return q.rows.map((r) => partColumn(src.question, r.code));
  if (q.kind === 'multiple')
    return [...new Set([...Object.keys(src.codes ?? {}), ...q.choices.map((c) => c.code)])].map((o) =>
      partColumn(src.question, o),
    );
  return [src.question];
}

/**
 * Reads a question's cell for a row of an earlier version: from the source question's column, codes mapped to this
 * version's.
 */
function sourceReader(
  q: Question,
  part: string | undefined,
  version: number,
  plain: (name: string) => Reader,
): Reader | null {
  const src = q.sources.find((s) => s.version === version);
  if (!src) return null;
  const map = src.codes ?? {};
  if (q.kind === 'multiple') {
    const old = [...Object.keys(map), ...q.choices.map((c) => c.code)].find(
      (o) => (map[o] ?? o) === part && (map[o] !== undefined || !(o in map)),
    );
    return old === undefined ? () => '' : plain(partColumn(src.question, old));
  }
  const read = plain(part === undefined ? src.question : partColumn(src.question, part));
  if (q.kind === 'number' || q.kind === 'text') return read;
  return (i) => {
    const v = read(i);
    return map[v] ?? v;
  };
}
type Reader = (i: number) => string;

function readCodes(
  q: Question,
  name: string,
  n: number,
  column: (name: string) => Reader,
  at: (i: number) => string,
  report: Report,
): Int16Array {
  const index = new Map(q.choices.map((c, k) => [c.code, k]));
  const out = new Int16Array(n).fill(-1);
  const cell = column(name);
  for (let i = 0; i < n; i++) {
    const raw = cell(i);
    if (raw === '') continue;
    const k = index.get(raw) ?? index.get(String(Number(raw)));
    if (k === undefined) {
      report({
        kind: 'unknown-code',
        at: at(i),
        column: name,
        value: raw,
        message: `"${raw}" is not one of the answer codes of ${q.code} (${q.choices.map((c) => c.code).join(', ')}); the answer is left out`,
      });
    } else out[i] = k;
  }
  return out;
}

function readQuestion(
  q: Question,
  n: number,
  column: (name: string) => Reader,
  at: (i: number) => string,
  data: ResponseData,
  report: Report,
) {
  switch (q.kind) {
    case 'single':
    case 'dropdown':
      data.codes.set(q.code, readCodes(q, q.code, n, column, at, report));
      return;
    case 'grid':
      for (const r of q.rows)
        data.codes.set(partColumn(q.code, r.code), readCodes(q, partColumn(q.code, r.code), n, column, at, report));
      return;
    case 'multiple': {
      const cols = q.choices.map(() => new Uint8Array(n).fill(255));
      const exclusive = q.choices.flatMap((c, k) => (c.exclusive ? [k] : []));
      const readers = q.choices.map((c) => column(partColumn(q.code, c.code)));
      for (let i = 0; i < n; i++) {
        let any = false,
          bad = false;
        q.choices.forEach((c, k) => {
          const name = partColumn(q.code, c.code);
          const raw = readers[k]!(i);
          if (raw === '') return;
          if (raw === '1' || raw === '0') {
            cols[k]![i] = raw === '1' ? 1 : 0;
            any = true;
            return;
          }
          bad = true;
          report({
            kind: 'bad-multiple',
            at: at(i),
            column: name,
            value: raw,
            message: 'a multiple-choice column holds 1 (chosen), 0 (not chosen) or nothing; the answer is left out',
          });
        });
        const chosen = q.choices.filter((_, k) => cols[k]![i] === 1).length;
        const exclusiveChosen = exclusive.filter((k) => cols[k]![i] === 1);
        if (!bad && any && exclusiveChosen.length > 0 && chosen > 1) {
          bad = true;
          const c = q.choices[exclusiveChosen[0]!]!;
          report({
            kind: 'exclusive-combined',
            at: at(i),
            column: partColumn(q.code, c.code),
            value: '1',
            message: `"${c.label}" cannot be combined with other answers to ${q.code}; the answer is left out`,
          });
        }
        if (bad) for (const c of cols) c[i] = 255;
        else if (any) for (const c of cols) if (c[i] === 255) c[i] = 0;
      }
      data.multi.set(q.code, cols);
      return;
    }
    case 'number': {
      const out = new Float64Array(n).fill(Number.NaN);
      const cell = column(q.code);
      for (let i = 0; i < n; i++) {
        const raw = cell(i);
        if (raw === '') continue;
        const v = Number(raw);
        if (!Number.isFinite(v))
          report({
            kind: 'not-a-number',
            at: at(i),
            column: q.code,
            value: raw,
            message: `${q.code} expects a number; the answer is left out`,
          });
        else if ((q.min !== undefined && v < q.min) || (q.max !== undefined && v > q.max))
          report({
            kind: 'out-of-range',
            at: at(i),
            column: q.code,
            value: raw,
            message: `${q.code} expects a number from ${q.min ?? '−∞'} to ${q.max ?? '∞'}; the answer is left out`,
          });
        else out[i] = v;
      }
      data.numbers.set(q.code, out);
      return;
    }
    case 'text':
      {
        const cell = column(q.code);
        data.texts.set(
          q.code,
          Array.from({ length: n }, (_, i) => cell(i) || undefined),
        );
      }
      return;
  }
}

/** The respondent's answer to one question as routing conditions see it. */
function answerOf(q: Question, data: ResponseData, i: number): AnswerValue | undefined {
  switch (q.kind) {
    case 'single':
    case 'dropdown': {
      const k = data.codes.get(q.code)![i]!;
      return k < 0 ? undefined : q.choices[k]!.code;
    }
    case 'multiple': {
      const cols = data.multi.get(q.code)!;
      if (cols[0]![i] === 255) return undefined;
      return q.choices.filter((_, k) => cols[k]![i] === 1).map((c) => c.code);
    }
    case 'grid': {
      const out: Record<string, string> = {};
      for (const r of q.rows) {
        const k = data.codes.get(partColumn(q.code, r.code))![i]!;
        if (k >= 0) out[r.code] = q.choices[k]!.code;
      }
      return Object.keys(out).length > 0 ? out : undefined;
    }
    case 'number': {
      const v = data.numbers.get(q.code)![i]!;
      return Number.isNaN(v) ? undefined : v;
    }
    case 'text':
      return data.texts.get(q.code)![i];
  }
}

function clearAnswer(q: Question, data: ResponseData, i: number) {
  switch (q.kind) {
    case 'single':
    case 'dropdown':
      data.codes.get(q.code)![i] = -1;
      return;
    case 'multiple':
      for (const c of data.multi.get(q.code)!) c[i] = 255;
      return;
    case 'grid':
      for (const r of q.rows) data.codes.get(partColumn(q.code, r.code))![i] = -1;
      return;
    case 'number':
      data.numbers.get(q.code)![i] = Number.NaN;
      return;
    case 'text':
      data.texts.get(q.code)![i] = undefined;
      return;
  }
}

/**
 * Works out, respondent by respondent and in questionnaire order, who was asked each question; answers to a question
 * the routing skipped are reported and removed, so later conditions see exactly what a live respondent would have.
 */
function applyRouting(def: SurveyDefinition, data: ResponseData, at: (i: number) => string, report: Report) {
  const referenced = new Set(
    def.questions.flatMap((q) => (q.condition ? references(q.condition).map((r) => r.question) : [])),
  );
  for (const q of def.questions) data.asked.set(q.code, new Uint8Array(data.n).fill(1));
  const conditional = def.questions.filter((q) => q.condition);
  if (conditional.length === 0) return;
  for (let i = 0; i < data.n; i++) {
    const answers: Answers = {};
    for (const q of def.questions) {
      if (q.condition && !evaluate(q.condition, answers)) {
        data.asked.get(q.code)![i] = 0;
        const given = answerOf(q, data, i);
        if (given !== undefined) {
          report({
            kind: 'answered-when-skipped',
            at: at(i),
            column: q.code,
            value: typeof given === 'object' ? JSON.stringify(given) : String(given),
            message: `${q.code} was answered although the routing skips it for this respondent (${q.visibleIf}); the answer is left out`,
          });
          clearAnswer(q, data, i);
        }
        continue;
      }
      if (referenced.has(q.code)) answers[q.code] = answerOf(q, data, i);
    }
  }
}
