/**
 * Significance tests for survey comparisons (issue 5): between groups or waves, two-tailed, with the test named in the
 * result.
 *
 * Continuous tails come from `@stdlib/math-base-special-erfc` (the FreeBSD msun / Cephes complementary error function,
 * accurate to a few ulps far into the tail, so p-values as small as 1e-300 keep their relative precision):
 * a two-tailed normal p-value is erfc(|z| / √2) and the chi-square upper tail with one degree of freedom is erfc(√(x /
 * 2)).
 * The discrete tests (Fisher, exact McNemar) sum exact probabilities with ratio recurrences, so no gamma functions are
 * involved. Every function agrees with SciPy / statsmodels to a relative 1e-9 (checked by scipy.unit.test.ts).
 *
 * Edge cases never give NaN: a comparison with an empty sample (n = 0) has statistic null and p-value 1; two samples
 * with
 * no variance (both proportions 0, or both 1) have statistic 0 and p-value 1; McNemar with no discordant pairs
 * (b + c = 0) has statistic 0 and p-value 1. Invalid input (negative or fractional counts, a count above its base,
 * a proportion outside [0, 1]) is refused with a 400 AppError naming the argument.
 */
import erfc from '@stdlib/math-base-special-erfc';
import { invalidParameter } from '../../../platform/errors.ts';

export const TEST_NAMES = [
  'two-proportion z-test',
  'two-proportion z-test with continuity correction',
  'two-proportion z-test on effective bases (Kish)',
  "Fisher's exact test",
  'McNemar exact (binomial)',
  'McNemar chi-square with continuity correction',
] as const;
export type TestName = (typeof TEST_NAMES)[number];

export interface TestResult {
  test: TestName;
  /**
   * z for the z-tests (signed: positive when the first proportion is higher), χ² for McNemar's chi-square, min(b, c)
   * for exact McNemar; null where there is none (Fisher's exact test, or an empty sample).
   */
  statistic: number | null;
  /** Two-tailed. */
  pValue: number;
}

/** b + c below this uses the exact binomial McNemar test. */
export const MCNEMAR_EXACT_BELOW = 25;
/** compareIndependent uses Fisher's exact test when any expected cell count is below this. */
export const FISHER_EXPECTED_BELOW = 5;

/** Two-tailed normal p-value: P(|Z| ≥ |z|) = erfc(|z| / √2). */
const normalTwoTailed = (z: number): number => Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
/** Upper tail of chi-square with one degree of freedom: P(χ²₁ ≥ x) = erfc(√(x / 2)). */
const chiSquare1Upper = (x: number): number => Math.min(1, erfc(Math.sqrt(x / 2)));

function count(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw invalidParameter(name, 'must be a whole number, 0 or more', String(v));
}
function countPair(x: number, n: number, xName: string, nName: string): void {
  count(xName, x);
  count(nName, n);
  if (x > n) throw invalidParameter(xName, `must not exceed ${nName} (${n})`, String(x));
}
function proportion(name: string, p: number): void {
  if (!Number.isFinite(p) || p < 0 || p > 1)
    throw invalidParameter(name, 'must be a proportion between 0 and 1', String(p));
}
function base(name: string, n: number): void {
  if (!Number.isFinite(n) || n < 0) throw invalidParameter(name, 'must be a base of 0 or more', String(n));
}

/**
 * z = (p₁ − p₂) / √(p̄(1 − p̄)(1/n₁ + 1/n₂)) with the pooled p̄ = (p₁n₁ + p₂n₂)/(n₁ + n₂); `diff` is p₁ − p₂ (already
 * shrunk by a continuity correction where one applies). Null for an empty sample, 0 when p̄ is 0 or 1.
 */
function pooledZ(diff: number, pooled: number, n1: number, n2: number): number | null {
  if (n1 === 0 || n2 === 0) return null;
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (!(variance > 0)) return 0; // both 0 or both 1: no difference and no variance
  return diff / Math.sqrt(variance) + 0; // + 0 turns -0 into 0
}

/**
 * Two-proportion z-test for independent samples, x₁ of n₁ against x₂ of n₂, pooled standard error, two-tailed.
 * Without correction it agrees with statsmodels `proportions_ztest([x1, x2], [n1, n2])` (and with
 * `scipy.stats.chi2_contingency(table, correction=False)`, z² = χ²); with `continuityCorrection` it agrees with
 * `scipy.stats.chi2_contingency(table, correction=True)` (Yates, which never overshoots: a difference smaller than the
 * correction gives z = 0, p = 1). n₁ or n₂ = 0: statistic null, p 1. Both proportions 0 or both 1: statistic 0, p 1.
 */
export function twoProportionZ(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  opts: { continuityCorrection?: boolean } = {},
): TestResult {
  countPair(x1, n1, 'x1', 'n1');
  countPair(x2, n2, 'x2', 'n2');
  const correction = opts.continuityCorrection ?? false;
  const test: TestName = correction ? 'two-proportion z-test with continuity correction' : 'two-proportion z-test';
  if (n1 === 0 || n2 === 0) return { test, statistic: null, pValue: 1 };
  // p₁ − p₂ = e / (n₁n₂) with the integer e = x₁n₂ − x₂n₁; Yates' correction ½(1/n₁ + 1/n₂) = N / (2n₁n₂) shrinks |e|
  // by
  // N/2, in integers so that a difference of exactly the correction gives exactly 0 (as scipy's min(0.5, |O − E|)).
  const e = x1 * n2 - x2 * n1;
  const diff = correction
    ? (Math.sign(e) * Math.max(0, 2 * Math.abs(e) - (n1 + n2))) / (2 * n1 * n2)
    : x1 / n1 - x2 / n2;
  const z = pooledZ(diff, (x1 + x2) / (n1 + n2), n1, n2);
  return { test, statistic: z, pValue: z === null ? 1 : normalTwoTailed(z) };
}

/**
 * Two-proportion z-test for weighted data on Kish effective bases: the weighted proportions p₁, p₂ with the effective
 * bases n_eff = (Σw)²/Σw² in place of the sample sizes, pooled as in twoProportionZ (fractional bases allowed).
 * Agrees with statsmodels `proportions_ztest([p1*neff1, p2*neff2], [neff1, neff2])`. A zero base: statistic null, p 1;
 * both proportions 0 or both 1: statistic 0, p 1.
 */
export function effectiveBaseZ(p1: number, neff1: number, p2: number, neff2: number): TestResult {
  proportion('p1', p1);
  proportion('p2', p2);
  base('neff1', neff1);
  base('neff2', neff2);
  const z = pooledZ(p1 - p2, (p1 * neff1 + p2 * neff2) / (neff1 + neff2), neff1, neff2);
  return {
    test: 'two-proportion z-test on effective bases (Kish)',
    statistic: z,
    pValue: z === null ? 1 : normalTwoTailed(z),
  };
}

/**
 * Fisher's exact test on the 2×2 table [[x₁, n₁ − x₁], [x₂, n₂ − x₂]], two-sided: the probability, under the
 * hypergeometric distribution of the top-left cell given the margins, of every table no more likely than the one
 * observed
 * (within a relative 1e-7, as R's fisher.test, so exact ties count). Agrees with `scipy.stats.fisher_exact(table)`.
 * The probabilities are built by the ratio recurrence P(k+1)/P(k) = (K − k)(m − k) / ((k + 1)(N − K − m + k + 1)) from
 * the mode, so no factorials are evaluated. A zero margin (n = 0, or no successes or no failures at all): p 1. No test
 * statistic is reported (null).
 */
export function fisherExact(x1: number, n1: number, x2: number, n2: number): TestResult {
  countPair(x1, n1, 'x1', 'n1');
  countPair(x2, n2, 'x2', 'n2');
  const test: TestName = "Fisher's exact test";
  const N = n1 + n2;
  const K = x1 + x2; // successes: first column total
  if (n1 === 0 || n2 === 0 || K === 0 || K === N) return { test, statistic: null, pValue: 1 };
  // Top-left cell k ~ Hypergeometric(N, K successes, n1 draws).
  const lo = Math.max(0, n1 - (N - K));
  const hi = Math.min(n1, K);
  const mode = Math.min(hi, Math.max(lo, Math.floor(((n1 + 1) * (K + 1)) / (N + 2))));
  const w = new Float64Array(hi - lo + 1);
  w[mode - lo] = 1;
  for (let k = mode; k < hi; k++) w[k + 1 - lo] = (w[k - lo]! * (K - k) * (n1 - k)) / ((k + 1) * (N - K - n1 + k + 1));
  for (let k = mode; k > lo; k--) w[k - 1 - lo] = (w[k - lo]! * k * (N - K - n1 + k)) / ((K - k + 1) * (n1 - k + 1));
  let total = 0;
  for (const v of w) total += v;
  const limit = w[x1 - lo]! * (1 + 1e-7);
  let tail = 0;
  for (const v of w) if (v <= limit) tail += v;
  return { test, statistic: null, pValue: Math.min(1, tail / total) };
}

/**
 * McNemar's test for the same respondents in two waves, from the discordant pairs b (yes → no) and c (no → yes).
 * When b + c < 25 it is exact: p = min(1, 2 · P(X ≤ min(b, c))), X ~ Binomial(b + c, ½), statistic min(b, c), as
 * statsmodels `mcnemar(table, exact=True)`. Otherwise χ² = (|b − c| − 1)² / (b + c) on one degree of freedom, as
 * `mcnemar(table, exact=False, correction=True)`, except that the correction never overshoots: when b = c, χ² = 0 and
 * p = 1 (statsmodels gives (0 − 1)²/(b + c) there). b + c = 0: statistic 0, p 1.
 */
export function mcnemar(b: number, c: number): TestResult {
  count('b', b);
  count('c', c);
  const n = b + c;
  if (n < MCNEMAR_EXACT_BELOW) {
    const m = Math.min(b, c);
    // Binomial(n, ½) probabilities C(n, k) / 2ⁿ, exact in doubles for n < 25.
    let term = 2 ** -n;
    let cdf = term;
    for (let k = 0; k < m; k++) {
      term = (term * (n - k)) / (k + 1);
      cdf += term;
    }
    return { test: 'McNemar exact (binomial)', statistic: m, pValue: Math.min(1, 2 * cdf) };
  }
  const chi2 = Math.max(0, Math.abs(b - c) - 1) ** 2 / n;
  return { test: 'McNemar chi-square with continuity correction', statistic: chi2, pValue: chiSquare1Upper(chi2) };
}

/**
 * Chooses the test for two independent proportions: Fisher's exact test when any expected cell count of the 2×2 table
 * (row total × column total / N) is below 5 (including an empty sample), otherwise the two-proportion z-test (with a
 * continuity correction if asked). The result names the test used.
 */
export function compareIndependent(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  opts: { continuityCorrection?: boolean } = {},
): TestResult {
  countPair(x1, n1, 'x1', 'n1');
  countPair(x2, n2, 'x2', 'n2');
  const N = n1 + n2;
  const successes = x1 + x2;
  const smallest = N === 0 ? 0 : (Math.min(n1, n2) * Math.min(successes, N - successes)) / N;
  return smallest < FISHER_EXPECTED_BELOW ? fisherExact(x1, n1, x2, n2) : twoProportionZ(x1, n1, x2, n2, opts);
}

/**
 * Holm's step-down adjustment for many comparisons: with the m p-values sorted ascending, p̃₍ᵢ₎ = max over j ≤ i of
 * min(1, (m − j + 1) p₍ⱼ₎), returned in the input order. Agrees with statsmodels `multipletests(p, method='holm')[1]`.
 * Compare the adjusted values with the significance level as usual. An empty list gives an empty list.
 */
export function holm(pValues: readonly number[]): number[] {
  pValues.forEach((p, i) => proportion(`pValues[${i}]`, p));
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a]! - pValues[b]! || a - b);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[idx]!));
    out[idx] = running;
  });
  return out;
}
