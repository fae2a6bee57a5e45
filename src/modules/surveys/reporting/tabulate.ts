/**
 * Report tables by UK survey conventions (see docs/surveys.md for the JSON format):
 * - every table states its base: who was asked (from the routing) and how many answered; weighted tables also give the
 *   weighted base and the effective base (Kish);
 * - nets sit directly above the first of their parts; multiple choice notes that percentages sum to more than 100;
 * - `*` more than 0 and under 0.5 per cent, `0` none, `-` not applicable (nobody in the column was asked or answered);
 *   whole-number percentages, with the count beside them when the base is under `smallBase` (default 50);
 * - a breakdown column with fewer than `minBase` (default 5) answering is suppressed (`[c]`) unless every respondent
 *   in it consented to be identifiable;
 * - differences between columns are tested and flagged only when significant; the test is chosen by the data
 *   (see `chooseTest`) and named.
 */
import { partColumn, routingInWords, unpipedText, type Question, type SurveyDefinition } from '../definition/index.ts';
import type { ResponseData } from './responses.ts';
import { columnsFor, kishBase, pairsFor, type ColumnSet } from './columns-by.ts';
import { compareCells, type Comparison } from './compare-cells.ts';

/** The smallest breakdown shown (answering, or for free-text labels the councils sharing one): fewer is suppressed. */
export const DEFAULT_MIN_BASE = 5;

export interface TabulateOptions {
  by?: string;
  weights?: string;
  smallBase?: number;
  minBase?: number;
  alpha?: number;
  continuityCorrection?: boolean;
  holm?: boolean;
  /** The order of the breakdown's values (e.g. waves by opening date); by default natural order. */
  order?: string[];
}

export interface Cell {
  column: string;
  count: number | null;
  weightedCount?: number | null;
  /** Unrounded percentage of those answering, or null when not applicable or suppressed. */
  percent: number | null;
  display: string;
}

export interface TableRow {
  code: string;
  label: string;
  net: boolean;
  parts?: string[];
  cells: Cell[];
}

export interface Base {
  column: string;
  asked: number;
  answered: number;
  weightedAnswered?: number;
  effectiveBase?: number;
  suppressed: boolean;
}

export interface SurveyTable {
  code: string;
  question: string;
  row?: string;
  title: string;
  kind: Question['kind'];
  notes: string[];
  bases: Base[];
  rows: TableRow[];
  summary?: Array<{
    column: string;
    mean: number | null;
    median: number | null;
    min: number | null;
    max: number | null;
  }>;
  comparisons: Comparison[];
}

export interface Tabulation {
  format: 'sli-survey-tables/1';
  survey: { code: string; title: string; version: number };
  settings: Required<Omit<TabulateOptions, 'by' | 'weights' | 'order'>> & { by: string | null; weights: string | null };
  columns: Array<{ key: string; label: string; respondents: number }>;
  tables: SurveyTable[];
  problems: ResponseData['problems'];
  problemCounts: Record<string, number>;
}

export const SUPPRESSED = '[c]';

/** Displayed percentage: `*` above 0 and under 0.5, `0` for none, `-` when not applicable, else a whole number. */
export function displayPercent(count: number, percent: number | null, showCount: boolean): string {
  if (percent === null) return '-';
  if (count === 0) return '0';
  const p = percent > 0 && percent < 0.5 ? '*' : String(Math.round(percent));
  return showCount ? `${p} (${Math.round(count)})` : p;
}

/** A table's title: the question's code and text, piped answers shown as "[answer to Q3]", never as `{Q3}`. */
const titleOf = (q: Question): string => `${q.code}. ${unpipedText(q.text)}`;
/** Who was asked, in words ("Asked only of those who answered Q1 …"). */
const routingNote = (q: Question, ctx: Context): string[] => {
  const words = routingInWords(q, ctx.def);
  return words ? [words] : [];
};

export function tabulate(def: SurveyDefinition, data: ResponseData, options: TabulateOptions = {}): Tabulation {
  const settings = {
    by: options.by ?? null,
    weights: options.weights ?? null,
    smallBase: options.smallBase ?? 50,
    minBase: options.minBase ?? DEFAULT_MIN_BASE,
    alpha: options.alpha ?? 0.05,
    continuityCorrection: options.continuityCorrection ?? false,
    holm: options.holm ?? false,
  };
  const set = columnsFor(data, settings.by, options.order);
  const ctx: Context = {
    data,
    settings,
    set,
    pairs: pairsFor(set.columns, settings.by === 'wave'),
    panels: new Map(),
    def,
  };
  const tables: SurveyTable[] = [];
  for (const q of def.questions) {
    if (q.kind === 'grid') {
      for (const r of q.rows) tables.push(choiceTable(q, ctx, r.code, r.label));
    } else if (q.kind === 'number') tables.push(numberTable(q, ctx));
    else if (q.kind === 'text') tables.push(textTable(q, ctx));
    else tables.push(choiceTable(q, ctx));
  }
  return {
    format: 'sli-survey-tables/1',
    survey: { code: def.code, title: def.title, version: def.version },
    settings,
    columns: set.columns.map((c) => ({ key: c.key, label: c.label, respondents: c.members.length })),
    tables,
    problems: data.problems,
    problemCounts: data.problemCounts,
  };
}

type Settings = Tabulation['settings'];

export interface Context {
  data: ResponseData;
  settings: Settings;
  set: ColumnSet;
  pairs: Array<[number, number]>;
  /** Matched respondents per pair of columns (computed once, on first use). */
  panels: Map<string, Int32Array>;
  /** The questionnaire: routing and piping are told in its words. */
  def: SurveyDefinition;
}

/** Per column: bases, and counts per table row (unweighted and weighted), gathered in one pass over respondents. */
interface Tally {
  asked: Int32Array;
  answered: Int32Array;
  consenting: Int32Array;
  w: Float64Array;
  w2: Float64Array;
  counts: Float64Array;
  weighted: Float64Array;
  nRows: number;
}

/**
 * One pass: for each respondent asked and answering, `rowsOf` writes the table rows they count in into `out` and
 * returns how many; the total column and their breakdown column are both incremented.
 */
function tally(
  ctx: Context,
  asked: Uint8Array,
  answered: (i: number) => boolean,
  nRows: number,
  rowsOf: (i: number, out: Int32Array) => number,
): Tally {
  const nCols = ctx.set.columns.length;
  const t: Tally = {
    asked: new Int32Array(nCols),
    answered: new Int32Array(nCols),
    consenting: new Int32Array(nCols),
    w: new Float64Array(nCols),
    w2: new Float64Array(nCols),
    counts: new Float64Array(nCols * nRows),
    weighted: new Float64Array(nCols * nRows),
    nRows,
  };
  const { groupOf } = ctx.set;
  const { weights, consent, n } = ctx.data;
  const out = new Int32Array(Math.max(1, nRows));
  for (let i = 0; i < n; i++) {
    const g = groupOf[i]!;
    if (g === -2 || !asked[i]) continue;
    t.asked[0]!++;
    if (g >= 0) t.asked[g]!++;
    if (!answered(i)) continue;
    const wi = weights ? weights[i]! : 1;
    const ci = consent?.[i] ? 1 : 0;
    const m = nRows > 0 ? rowsOf(i, out) : 0;
    for (let c = 0; c < 2; c++) {
      const col = c === 0 ? 0 : g;
      if (col < 0) break;
      t.answered[col]!++;
      t.consenting[col]! += ci;
      t.w[col]! += wi;
      t.w2[col]! += wi * wi;
      for (let k = 0; k < m; k++) {
        const at = col * nRows + out[k]!;
        t.counts[at]!++;
        t.weighted[at]! += wi;
      }
    }
  }
  return t;
}

function basesOf(t: Tally, ctx: Context): Base[] {
  return ctx.set.columns.map((col, c) => {
    const answered = t.answered[c]!;
    const suppressed =
      col.kind === 'group' && answered > 0 && answered < ctx.settings.minBase && t.consenting[c]! < answered;
    const base: Base = { column: col.key, asked: t.asked[c]!, answered, suppressed };
    if (ctx.data.weights) {
      base.weightedAnswered = t.w[c]!;
      base.effectiveBase = kishBase(t.w[c]!, t.w2[c]!);
    }
    return base;
  });
}

function choiceTable(q: Question, ctx: Context, rowCode?: string, rowLabel?: string): SurveyTable {
  const { data, settings } = ctx;
  const asked = data.asked.get(q.code)!;
  const multi = q.kind === 'multiple' ? data.multi.get(q.code)! : null;
  const codes = multi ? null : data.codes.get(rowCode === undefined ? q.code : partColumn(q.code, rowCode))!;
  const answered = multi ? (i: number) => multi[0]![i] !== 255 : (i: number) => codes![i]! >= 0;

  // Rows: each net directly above the first of its parts.
  const order: Array<{ code: string; label: string; net: boolean; parts?: string[]; ks: number[] }> = [];
  const netsAt = new Map<number, typeof q.nets>();
  for (const net of q.nets) {
    const first = Math.min(...net.codes.map((c) => q.choices.findIndex((x) => x.code === c)));
    netsAt.set(first, [...(netsAt.get(first) ?? []), net]);
  }
  q.choices.forEach((c, k) => {
    for (const net of netsAt.get(k) ?? []) {
      order.push({
        code: net.code,
        label: net.label,
        net: true,
        parts: net.codes,
        ks: net.codes.map((code) => q.choices.findIndex((x) => x.code === code)),
      });
    }
    order.push({ code: c.code, label: c.label, net: false, ks: [k] });
  });
  // For single choice, the rows an answer counts in (its own and its nets); for multiple choice, checked per
  // respondent.
  const rowsOfCode = q.choices.map((_, k) => Int32Array.from(order.flatMap((r, ri) => (r.ks.includes(k) ? [ri] : []))));
  const rowsOf = multi
    ? (i: number, out: Int32Array) => {
        let m = 0;
        for (let r = 0; r < order.length; r++) if (order[r]!.ks.some((k) => multi[k]![i] === 1)) out[m++] = r;
        return m;
      }
    : (i: number, out: Int32Array) => {
        const rs = rowsOfCode[codes![i]!]!;
        out.set(rs);
        return rs.length;
      };

  const t = tally(ctx, asked, answered, order.length, rowsOf);
  const bases = basesOf(t, ctx);
  const rows: TableRow[] = order.map((r, ri) => ({
    code: r.code,
    label: r.label,
    net: r.net,
    ...(r.parts ? { parts: r.parts } : {}),
    cells: bases.map((b, c) =>
      cellFor(b, t.counts[c * t.nRows + ri]!, t.weighted[c * t.nRows + ri]!, data.weights !== null, settings),
    ),
  }));
  const test = (ri: number) => {
    const ks = order[ri]!.ks;
    return multi ? (i: number) => ks.some((k) => multi[k]![i] === 1) : (i: number) => ks.includes(codes![i]!);
  };
  const comparisons = compareCells(rows, bases, test, (i) => asked[i] === 1 && answered(i), ctx);
  const notes: string[] = [];
  if (multi) notes.push('Respondents could give more than one answer, so percentages may sum to more than 100.');
  notes.push(...routingNote(q, ctx));
  const title = rowCode === undefined ? titleOf(q) : `${titleOf(q)}: ${rowLabel}`;
  return {
    code: rowCode === undefined ? q.code : partColumn(q.code, rowCode),
    question: q.code,
    ...(rowCode !== undefined ? { row: rowCode } : {}),
    title,
    kind: q.kind,
    notes,
    bases,
    rows,
    comparisons,
  };
}

function cellFor(base: Base, count: number, weighted: number, isWeighted: boolean, settings: Settings): Cell {
  if (base.suppressed) return { column: base.column, count: null, percent: null, display: SUPPRESSED };
  const denominator = isWeighted ? base.weightedAnswered! : base.answered;
  const percent = denominator > 0 ? (100 * (isWeighted ? weighted : count)) / denominator : null;
  const cell: Cell = {
    column: base.column,
    count,
    percent,
    display: displayPercent(isWeighted ? weighted : count, percent, base.answered < settings.smallBase),
  };
  if (isWeighted) cell.weightedCount = weighted;
  return cell;
}

function numberTable(q: Question, ctx: Context): SurveyTable {
  const { data } = ctx;
  const values = data.numbers.get(q.code)!;
  const asked = data.asked.get(q.code)!;
  const answered = (i: number) => !Number.isNaN(values[i]!);
  const t = tally(ctx, asked, answered, 0, () => 0);
  const bases = basesOf(t, ctx);
  const summary = bases.map((b, c) => {
    const col = ctx.set.columns[c]!;
    if (b.suppressed || b.answered === 0) return { column: b.column, mean: null, median: null, min: null, max: null };
    const xs: number[] = [];
    let sw = 0,
      s = 0;
    for (const i of col.members) {
      if (!asked[i] || !answered(i)) continue;
      const w = data.weights ? data.weights[i]! : 1;
      xs.push(values[i]!);
      sw += w;
      s += w * values[i]!;
    }
    const sorted = Float64Array.from(xs).sort();
    const mid = sorted.length >> 1;
    return {
      column: b.column,
      mean: sw > 0 ? s / sw : null,
      median: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
      min: sorted[0]!,
      max: sorted[sorted.length - 1]!,
    };
  });
  return {
    code: q.code,
    question: q.code,
    title: titleOf(q),
    kind: q.kind,
    notes: [
      data.weights
        ? 'Mean weighted; median, minimum and maximum unweighted.'
        : 'Mean, median, minimum and maximum of those answering.',
      ...routingNote(q, ctx),
    ],
    bases,
    rows: [],
    summary,
    comparisons: [],
  };
}

function textTable(q: Question, ctx: Context): SurveyTable {
  const texts = ctx.data.texts.get(q.code)!;
  const t = tally(
    ctx,
    ctx.data.asked.get(q.code)!,
    (i) => texts[i] !== undefined,
    0,
    () => 0,
  );
  return {
    code: q.code,
    question: q.code,
    title: titleOf(q),
    kind: q.kind,
    notes: ['Free-text answers are not published in tables; analysts read and theme them.', ...routingNote(q, ctx)],
    bases: basesOf(t, ctx),
    rows: [],
    comparisons: [],
  };
}
