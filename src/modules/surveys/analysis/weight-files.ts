/**
 * Files for `sli survey weight --responses FILE --targets FILE`: a targets CSV (`variable,category,target`) and a wide
 * responses CSV (one row per respondent) that gains a `weight` column, raked wave by wave. Every problem names the
 * file,
 * line, column and value; all of a file's problems are reported together (an AppError 400 with `errors[]`).
 */
import { AppError, type FieldError } from '../../../platform/errors.ts';
import { fileError, readCsvRows } from '../reporting/csv-rows.ts';
import { rake, WeightingError, type RakeOptions, type RakeResult, type RimTarget } from './weighting.ts';

export interface WeightFileOptions extends Omit<RakeOptions, 'baseWeights'> {
  /** Overwrite an existing `weight` column instead of refusing the file. */
  replace?: boolean;
  /** Decimal places written in the weight column (default 6). */
  decimals?: number;
}

/** One wave's raking (wave null when the file has no `wave` column). */
export interface WaveSummary extends Omit<RakeResult, 'weights'> {
  wave: string | null;
  respondents: number;
}

export interface WeightedFile {
  /** The responses file's header, with `weight` added at the end (or kept in place with `replace`). */
  header: string[];
  rows: string[][];
  summary: WaveSummary[];
  /** Warnings that did not stop the weighting: a wave whose raking did not converge. */
  problems: FieldError[];
}

export const WEIGHT_COLUMN = 'weight';
export const WAVE_COLUMN = 'wave';
const TARGET_HEADER = ['variable', 'category', 'target'];
/** Problems listed in one error (the count says how many more). */
const MAX_LISTED = 50;
const SUM_TOLERANCE = 0.01;

/** Collects problems, then throws them as one 400 AppError whose detail names the first. */
class Problems {
  readonly list: FieldError[] = [];
  total = 0;
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }
  add(line: number, message: string, value?: string): void {
    this.total++;
    if (this.list.length < MAX_LISTED) this.list.push({ field: `${this.file}:${line}`, message, value });
  }
  throwIfAny(what: string): void {
    if (this.total === 0) return;
    const first = this.list[0]!;
    const more = this.total > 1 ? ` (and ${this.total - 1} more problem${this.total === 2 ? '' : 's'})` : '';
    throw new AppError(400, 'invalid-file', `${what}: ${first.field}: ${first.message}${more}`, this.list);
  }
}

const readRows = readCsvRows;

interface TargetsRead {
  targets: RimTarget[];
  /** variable → category → the targets file line (for messages). */
  lines: Map<string, Map<string, number>>;
  name: string;
}

async function readTargetsWithLines(file: string): Promise<TargetsRead> {
  const { name, header, rows } = await readRows(file);
  const unknown = header.filter((h) => !TARGET_HEADER.includes(h));
  const missing = TARGET_HEADER.filter((h) => !header.includes(h));
  if (unknown.length > 0 || missing.length > 0) {
    const parts = [
      ...(unknown.length
        ? [`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}`]
        : []),
      ...(missing.length ? [`missing ${missing.map((m) => `"${m}"`).join(', ')}`] : []),
    ];
    throw fileError(name, 1, `the header must be "variable,category,target": ${parts.join('; ')}`, header.join(','));
  }
  const col = (h: string) => header.indexOf(h);
  const [iv, ic, it] = [col('variable'), col('category'), col('target')];
  const problems = new Problems(name);
  const byVariable = new Map<string, { category: string; value: number; percent: boolean; line: number }[]>();
  for (const { cells, line } of rows) {
    const variable = cells[iv]!.trim();
    const category = cells[ic]!.trim();
    const raw = cells[it]!.trim();
    if (!variable) problems.add(line, 'column "variable" is empty');
    if (!category) problems.add(line, 'column "category" is empty');
    const percent = raw.endsWith('%');
    const numeric = percent ? raw.slice(0, -1).trim() : raw;
    const value = numeric === '' ? NaN : Number(numeric);
    if (!Number.isFinite(value)) {
      problems.add(line, `column "target": "${raw}" is not a number`, raw);
      continue;
    }
    if (value < 0) {
      problems.add(line, `column "target": ${raw} is negative`, raw);
      continue;
    }
    if (!variable || !category) continue;
    const list = byVariable.get(variable) ?? [];
    const dup = list.find((t) => t.category === category);
    if (dup) problems.add(line, `"${variable}" = "${category}" has a target already (line ${dup.line})`, category);
    else list.push({ category, value, percent, line });
    byVariable.set(variable, list);
  }
  if (rows.length === 0) problems.add(1, 'the file has no targets');
  const targets: RimTarget[] = [];
  const lines = new Map<string, Map<string, number>>();
  for (const [variable, list] of byVariable) {
    const first = list[0]!.line;
    const sum = list.reduce((s, t) => s + t.value, 0);
    const marked = list.filter((t) => t.percent).length;
    if (marked > 0 && marked < list.length) {
      problems.add(
        first,
        `the targets of "${variable}" mix percentages ("…%") and plain numbers; use one form for the variable`,
        variable,
      );
      continue;
    }
    const asPercent = marked > 0 || (Math.abs(sum - 1) > SUM_TOLERANCE && Math.abs(sum - 100) <= 100 * SUM_TOLERANCE);
    const divisor = asPercent ? 100 : 1;
    if (Math.abs(sum / divisor - 1) > SUM_TOLERANCE) {
      problems.add(
        first,
        `the targets of "${variable}" (lines ${list.map((t) => t.line).join(', ')}) sum to ${+sum.toPrecision(10)}; proportions must sum to 1 and percentages to 100`,
        String(sum),
      );
      continue;
    }
    targets.push({ variable, shares: new Map(list.map((t) => [t.category, t.value / divisor])) });
    lines.set(variable, new Map(list.map((t) => [t.category, t.line])));
  }
  problems.throwIfAny(`${name} is not a valid targets file`);
  return { targets, lines, name };
}

/**
 * Reads a targets CSV with the header `variable,category,target` (any order, no other columns): one row per category
 * of each weighting variable, the target as a proportion (shares summing to 1) or a percentage (summing to 100, or
 * each written with "%"), one form per variable; sums within 1 per cent are accepted. Values are trimmed.
 * Returns the targets as proportions, variables in file order. Refuses, naming file, line, column and value: a wrong
 * header, an empty variable or category, a target that is not a number or is negative, a category given twice,
 * mixed forms, and a variable whose targets sum to neither 1 nor 100.
 */
export async function readTargets(file: string): Promise<RimTarget[]> {
  return (await readTargetsWithLines(file)).targets;
}

const formatWeight = (w: number, decimals: number) => w.toFixed(decimals);

/**
 * Weights a wide responses CSV (header row, one row per respondent) to the targets file: each target variable must be a
 * column of the responses file (same name); when there is a `wave` column each wave is raked separately to the same
 * targets (weights mean 1 within each wave), otherwise the whole file is one wave. Adds a `weight` column (refused if
 * the
 * file has one, unless `replace`) and returns every row with its weight and a summary per wave (iterations, converged,
 * largest deviation from a target, Kish efficiency, effective base, design effect, smallest and largest weight).
 * Refused, naming file, line, column and value: a missing target-variable column, an empty value or one without a
 * target
 * in a target column, an empty wave, and (per wave) a target category no respondent is in. A wave that does not
 * converge is returned with `converged: false` and a warning in `problems`.
 */
export async function weightResponses(
  responsesPath: string,
  targetsPath: string,
  opts: WeightFileOptions = {},
): Promise<WeightedFile> {
  const { targets, lines: targetLines, name: targetsName } = await readTargetsWithLines(targetsPath);
  const { name, header, rows } = await readRows(responsesPath);
  const problems = new Problems(name);
  const existing = header.indexOf(WEIGHT_COLUMN);
  if (existing >= 0 && !opts.replace) {
    throw fileError(
      name,
      1,
      `the file already has a "${WEIGHT_COLUMN}" column (column ${existing + 1}); remove it or replace it (--replace)`,
    );
  }
  const missing = targets.filter((t) => !header.includes(t.variable)).map((t) => t.variable);
  if (missing.length > 0) {
    throw fileError(
      name,
      1,
      `the header has no column for the target variable${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (in ${targetsName})`,
      header.join(','),
    );
  }
  const columns = targets.map((t) => header.indexOf(t.variable));
  const waveAt = header.indexOf(WAVE_COLUMN);
  const waves = new Map<string | null, number[]>();
  rows.forEach(({ cells, line }, r) => {
    targets.forEach((t, v) => {
      const raw = cells[columns[v]!]!;
      const value = raw.trim();
      if (value === '')
        problems.add(
          line,
          `column "${t.variable}" is empty; every respondent needs a value for each weighting variable`,
        );
      else if (!t.shares.has(value)) {
        problems.add(
          line,
          `column "${t.variable}": "${raw}" has no target in ${targetsName} (targets: ${[...t.shares.keys()].map((k) => `"${k}"`).join(', ')})`,
          raw,
        );
      }
    });
    let wave: string | null = null;
    if (waveAt >= 0) {
      wave = cells[waveAt]!.trim();
      if (wave === '') problems.add(line, `column "${WAVE_COLUMN}" is empty`);
    }
    const list = waves.get(wave) ?? [];
    list.push(r);
    waves.set(wave, list);
  });
  if (rows.length === 0) problems.add(1, 'the file has no respondents');
  problems.throwIfAny(`${name} cannot be weighted`);

  const decimals = opts.decimals ?? 6;
  const weightAt = existing >= 0 ? existing : header.length;
  const out = rows.map(({ cells }) => {
    const copy = [...cells];
    copy[weightAt] = '';
    return copy;
  });
  const summary: WaveSummary[] = [];
  const warnings: FieldError[] = [];
  const { replace: _r, decimals: _d, ...rakeOpts } = opts;
  for (const [wave, members] of waves) {
    const categories = columns.map((c) => members.map((r) => rows[r]!.cells[c]!.trim()));
    const label = wave === null ? name : `${name}, wave "${wave}"`;
    let result: RakeResult;
    try {
      result = rake(categories, targets, rakeOpts);
    } catch (e) {
      if (!(e instanceof WeightingError)) throw e;
      const errors = e.errors.map((f) => {
        const at = f.value !== undefined ? targetLines.get(f.field)?.get(f.value) : undefined;
        return { ...f, field: at ? `${targetsName}:${at}` : label, message: `${label}: ${f.message}` };
      });
      throw new AppError(400, 'invalid-weighting', `${label}: ${errors[0]?.message ?? e.message}`, errors);
    }
    members.forEach((r, i) => (out[r]![weightAt] = formatWeight(result.weights[i]!, decimals)));
    const { weights: _w, ...rest } = result;
    summary.push({ wave, respondents: members.length, ...rest });
    if (!result.converged) {
      warnings.push({
        field: label,
        message: `raking did not converge in ${result.iterations} iterations (largest gap from a target ${result.maxDeviation.toExponential(2)}); the weights are the last iteration's`,
      });
    }
  }
  const outHeader = existing >= 0 ? [...header] : [...header, WEIGHT_COLUMN];
  return { header: outHeader, rows: out, summary, problems: warnings };
}
