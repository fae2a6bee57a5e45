/**
 * Rim weighting (raking, iterative proportional fitting) of survey respondents to population targets on several
 * variables at once (age, sex, region …), with Kish's effective base and weighting efficiency (issue 5, public
 * polling).
 */
import { AppError, type FieldError } from '../../../platform/errors.ts';

/**
 * The population shares of one variable's categories: category → proportion (summing to 1, or to 100 as percentages).
 */
export interface RimTarget {
  variable: string;
  shares: Map<string, number>;
}

export interface RakeOptions {
  /** Full passes over every variable before giving up (default 100). */
  maxIterations?: number;
  /**
   * Converged when no category's weighted share is further than this from its target (default 1e-6, as a proportion).
   */
  tolerance?: number;
  /** Design (pre-)weights to start from, one per respondent, each > 0 (default 1). */
  baseWeights?: Float64Array;
  /**
   * Trimming: after each pass, the largest weights are cut so that none is above capRatio × the mean weight (e.g. 5).
   */
  capRatio?: number;
}

export interface RakeResult {
  /** One per respondent, scaled to mean 1 (so they sum to the number of respondents). */
  weights: Float64Array;
  iterations: number;
  converged: boolean;
  /** The largest |weighted share − target share| over every category after the last pass (proportion). */
  maxDeviation: number;
  efficiency: number;
  effectiveBase: number;
  designEffect: number;
  min: number;
  max: number;
}

/** The sums of shares accepted as "1" (or "100" as percentages): within 1 per cent, then scaled to exactly 1. */
const SUM_TOLERANCE = 0.01;
/** How many respondent rows a problem lists. */
const SHOW_ROWS = 5;

/** A rim-weighting input that cannot be raked; `errors` lists every problem (field = variable, value = category). */
export class WeightingError extends AppError {
  constructor(detail: string, errors: FieldError[]) {
    super(400, 'invalid-weighting', detail, errors);
  }
}

/**
 * Kish's effective base n_eff = (Σw)² / Σw², the weighting efficiency n_eff / n and the design effect due to weighting
 * n Σw² / (Σw)² = 1 + CV² (the inverse of the efficiency), as in Kish (1965). No weights, or all weights 0: effective
 * base 0, efficiency 0 and design effect 1 rather than NaN.
 */
export function kish(weights: ArrayLike<number>): { effectiveBase: number; efficiency: number; designEffect: number } {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    sum += w;
    squares += w * w;
  }
  if (!(squares > 0)) return { effectiveBase: 0, efficiency: 0, designEffect: 1 };
  const effectiveBase = (sum * sum) / squares;
  const efficiency = effectiveBase / weights.length;
  return { effectiveBase, efficiency, designEffect: 1 / efficiency };
}

interface Prepared {
  /** Per variable, the category index of each respondent. */
  index: Uint32Array[];
  /** Per variable, the target share of each category index (summing to 1). */
  share: Float64Array[];
}

const rowsText = (rows: number[], total: number) =>
  `respondent${total === 1 ? '' : 's'} ${rows.map((r) => r + 1).join(', ')}${total > rows.length ? ` and ${total - rows.length} more` : ''}`;

/** Checks the inputs and turns categories into indices; every problem is collected, then thrown together. */
function prepare(
  categories: ReadonlyArray<ReadonlyArray<string>>,
  targets: readonly RimTarget[],
  base: Float64Array | undefined,
): Prepared {
  const problems: FieldError[] = [];
  const n = categories[0]?.length ?? 0;
  if (categories.length !== targets.length) {
    throw new WeightingError(
      `rake: ${categories.length} category columns for ${targets.length} targets; give one column per target variable`,
      [],
    );
  }
  if (targets.length === 0) throw new WeightingError('rake: no target variables', []);
  if (n === 0) throw new WeightingError('rake: no respondents to weight', []);
  if (base && base.length !== n) throw new WeightingError(`rake: ${base.length} base weights for ${n} respondents`, []);
  if (base) {
    const bad = base.findIndex((w) => !(w > 0) || !Number.isFinite(w));
    if (bad >= 0)
      problems.push({
        field: 'baseWeights',
        message: `base weights must be positive numbers (respondent ${bad + 1})`,
        value: String(base[bad]),
      });
  }
  const seen = new Set<string>();
  const index: Uint32Array[] = [];
  const share: Float64Array[] = [];
  targets.forEach((t, v) => {
    const field = t.variable;
    if (seen.has(t.variable)) problems.push({ field, message: `variable "${t.variable}" has targets twice` });
    seen.add(t.variable);
    const column = categories[v]!;
    if (column.length !== n)
      problems.push({ field, message: `${column.length} respondents' categories, but ${n} for the first variable` });
    const codes = new Map<string, number>();
    const shares = new Float64Array(t.shares.size);
    let sum = 0;
    for (const [category, s] of t.shares) {
      if (!Number.isFinite(s) || s < 0)
        problems.push({ field, message: `target for "${category}" must be a number, 0 or more`, value: String(s) });
      shares[codes.size] = s;
      codes.set(category, codes.size);
      sum += s;
    }
    if (!(Math.abs(sum - 1) <= SUM_TOLERANCE || Math.abs(sum - 100) <= 100 * SUM_TOLERANCE)) {
      problems.push({
        field,
        message: `targets for "${t.variable}" sum to ${sum}; they must sum to 1 (proportions) or 100 (percentages)`,
        value: String(sum),
      });
    }
    for (let c = 0; c < shares.length; c++) shares[c] = shares[c]! / sum;
    const idx = new Uint32Array(n);
    const counts = new Float64Array(shares.length);
    const unknown = new Map<string, number[]>();
    const unknownCount = new Map<string, number>();
    for (let i = 0; i < column.length && i < n; i++) {
      const c = codes.get(column[i]!);
      if (c === undefined) {
        const rows = unknown.get(column[i]!) ?? [];
        if (rows.length < SHOW_ROWS) rows.push(i);
        unknown.set(column[i]!, rows);
        unknownCount.set(column[i]!, (unknownCount.get(column[i]!) ?? 0) + 1);
        continue;
      }
      idx[i] = c;
      counts[c]! += base ? base[i]! : 1;
    }
    for (const [value, rows] of unknown) {
      const total = unknownCount.get(value)!;
      problems.push({
        field,
        value,
        message: `"${value}" has no target for "${t.variable}" (${rowsText(rows, total)}); add a target or recode it`,
      });
    }
    for (const [category, c] of codes) {
      if (shares[c]! > 0 && counts[c] === 0) {
        problems.push({
          field,
          value: category,
          message: `no respondent is in "${category}" of "${t.variable}", so its target of ${t.shares.get(category)} cannot be reached; merge it with another category`,
        });
      } else if (shares[c] === 0 && counts[c]! > 0) {
        problems.push({
          field,
          value: category,
          message: `"${category}" of "${t.variable}" has a target of 0 but ${counts[c]} respondents, who would get weight 0; drop them or give a target`,
        });
      }
    }
    index.push(idx);
    share.push(shares);
  });
  if (problems.length > 0) {
    throw new WeightingError(
      `cannot rake: ${problems.length} problem${problems.length === 1 ? '' : 's'} with the targets or categories`,
      problems,
    );
  }
  return { index, share };
}

/** The largest |weighted share − target| over every variable and category. */
function deviation(w: Float64Array, p: Prepared, total: Float64Array[]): number {
  let sum = 0;
  for (let i = 0; i < w.length; i++) sum += w[i]!;
  let worst = 0;
  for (let v = 0; v < p.index.length; v++) {
    const idx = p.index[v]!;
    const t = total[v]!.fill(0);
    for (let i = 0; i < w.length; i++) t[idx[i]!]! += w[i]!;
    const share = p.share[v]!;
    for (let c = 0; c < t.length; c++) worst = Math.max(worst, Math.abs(t[c]! / sum - share[c]!));
  }
  return worst;
}

/**
 * Cuts the largest weights to a common C so that C = ratio × the mean weight afterwards: with k weights capped and S
 * the
 * sum of the rest, C = ratio · S / (n − ratio · k); k grows until no other weight is above C (a few rounds).
 */
function trim(w: Float64Array, ratio: number): void {
  const n = w.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += w[i]!;
  let cap = (ratio * sum) / n;
  for (let round = 0; round < n; round++) {
    let k = 0;
    let rest = 0;
    for (let i = 0; i < n; i++) {
      if (w[i]! >= cap) k++;
      else rest += w[i]!;
    }
    if (n - ratio * k <= 0) return; // every weight would be capped: nothing sensible to do
    const next = (ratio * rest) / (n - ratio * k);
    for (let i = 0; i < n; i++) if (w[i]! > next) w[i] = next;
    if (next >= cap * (1 - 1e-12)) return;
    cap = next;
  }
}

/**
 * Rakes respondents to the targets: starting from the base weights (or 1), each pass scales, variable by variable,
 * every
 * respondent's weight by target share × Σw / (weighted total of their category), until every weighted share is within
 * `tolerance` of its target (Deming and Stephan's iterative proportional fitting; the result is the same fixed point as
 * a plain IPF in numpy and as R's `survey::rake`, checked to 1e-6 by scipy.unit.test.ts). With `capRatio`, weights are
 * trimmed to capRatio × the mean after each pass and raking continues, so the margins may then not be met exactly.
 * Weights are returned scaled to mean 1 with Kish's efficiency, effective base and design effect.
 *
 * `categories[v][i]` is respondent i's category on `targets[v].variable`. Refused with a WeightingError listing every
 * problem: a respondent category with no target (naming the variable, value and the first respondents), a target above
 * 0 that no respondent can reach, respondents in a category whose target is 0, shares not summing to 1 or 100
 * (within 1 per cent; they are then scaled to exactly 1), a variable given twice, columns of different lengths.
 * Not converging within `maxIterations` is reported (`converged: false`, `maxDeviation`), not thrown.
 */
export function rake(
  categories: ReadonlyArray<ReadonlyArray<string>>,
  targets: readonly RimTarget[],
  opts: RakeOptions = {},
): RakeResult {
  const maxIterations = opts.maxIterations ?? 100;
  const tolerance = opts.tolerance ?? 1e-6;
  const capRatio = opts.capRatio;
  if (capRatio !== undefined && !(capRatio > 1))
    throw new WeightingError('rake: capRatio must be above 1', [
      { field: 'capRatio', message: 'must be above 1', value: String(capRatio) },
    ]);
  const p = prepare(categories, targets, opts.baseWeights);
  const n = categories[0]!.length;
  const w = opts.baseWeights ? Float64Array.from(opts.baseWeights) : new Float64Array(n).fill(1);
  const totals = p.share.map((s) => new Float64Array(s.length));
  const factors = p.share.map((s) => new Float64Array(s.length));
  let iterations = 0;
  let maxDeviation = deviation(w, p, totals);
  while (maxDeviation > tolerance && iterations < maxIterations) {
    iterations++;
    for (let v = 0; v < p.index.length; v++) {
      const idx = p.index[v]!;
      const t = totals[v]!.fill(0);
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const wi = w[i]!;
        t[idx[i]!]! += wi;
        sum += wi;
      }
      const share = p.share[v]!;
      const f = factors[v]!;
      for (let c = 0; c < f.length; c++) f[c] = t[c]! > 0 ? (share[c]! * sum) / t[c]! : 0;
      for (let i = 0; i < n; i++) w[i]! *= f[idx[i]!]!;
    }
    if (capRatio !== undefined) trim(w, capRatio);
    maxDeviation = deviation(w, p, totals);
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += w[i]!;
  const scale = n / sum;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const wi = (w[i]! *= scale);
    if (wi < min) min = wi;
    if (wi > max) max = wi;
  }
  return { weights: w, iterations, converged: maxDeviation <= tolerance, maxDeviation, ...kish(w), min, max };
}
