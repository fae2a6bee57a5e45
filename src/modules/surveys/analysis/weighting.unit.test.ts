import { describe, expect, it } from 'vitest';
import { kish, rake, WeightingError, type RimTarget } from './weighting.ts';

const target = (variable: string, shares: Record<string, number>): RimTarget => ({
  variable,
  shares: new Map(Object.entries(shares)),
});

/** Weighted share of each category. */
function shares(categories: readonly string[], weights: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  let sum = 0;
  categories.forEach((c, i) => {
    out[c] = (out[c] ?? 0) + weights[i]!;
    sum += weights[i]!;
  });
  for (const k of Object.keys(out)) out[k]! /= sum;
  return out;
}

function refusal(fn: () => unknown): WeightingError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WeightingError);
    return e as WeightingError;
  }
  throw new Error('expected a WeightingError');
}

// 8 respondents: too many women and too many young people.
const SEX = ['f', 'f', 'f', 'f', 'f', 'm', 'm', 'm'];
const AGE = ['young', 'young', 'young', 'old', 'old', 'young', 'old', 'old'];
const TARGETS = [target('sex', { f: 0.5, m: 0.5 }), target('age', { young: 0.4, old: 0.6 })];

describe('rake', () => {
  it('meets every margin, with weights of mean 1 and Kish statistics', () => {
    const r = rake([SEX, AGE], TARGETS);
    expect(r.converged).toBe(true);
    expect(r.maxDeviation).toBeLessThanOrEqual(1e-6);
    expect(shares(SEX, r.weights).f).toBeCloseTo(0.5, 6);
    expect(shares(AGE, r.weights).young).toBeCloseTo(0.4, 6);
    expect(r.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(SEX.length, 9);
    expect(r.min).toBe(Math.min(...r.weights));
    expect(r.max).toBe(Math.max(...r.weights));
    const k = kish(r.weights);
    expect(r.effectiveBase).toBeCloseTo(k.effectiveBase, 12);
    expect(r.efficiency).toBeLessThan(1);
    expect(r.designEffect).toBeCloseTo(1 / r.efficiency, 12);
  });

  it('with a sample already on target, needs no iteration and keeps weights of 1', () => {
    const r = rake([['a', 'b', 'a', 'b']], [target('x', { a: 0.5, b: 0.5 })]);
    expect(r.iterations).toBe(0);
    expect([...r.weights]).toEqual([1, 1, 1, 1]);
    expect(r.efficiency).toBe(1);
  });

  it('accepts percentages summing to 100', () => {
    const r = rake([SEX, AGE], [target('sex', { f: 50, m: 50 }), target('age', { young: 40, old: 60 })]);
    expect(shares(AGE, r.weights).old).toBeCloseTo(0.6, 6);
  });

  it('starts from base weights', () => {
    const base = Float64Array.from([2, 1, 1, 1, 1, 1, 1, 1]);
    const r = rake([SEX], [target('sex', { f: 0.5, m: 0.5 })], { baseWeights: base });
    // Within women, the first keeps twice the weight of the others.
    expect(r.weights[0]! / r.weights[1]!).toBeCloseTo(2, 9);
  });

  it('reports non-convergence in the result instead of throwing', () => {
    const r = rake([SEX, AGE], TARGETS, { maxIterations: 1, tolerance: 1e-12 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(1);
    expect(r.maxDeviation).toBeGreaterThan(1e-12);
  });

  it('trims weights to capRatio × the mean', () => {
    const sex = ['f', 'f', 'f', 'f', 'f', 'f', 'f', 'f', 'f', 'm'];
    const r = rake([sex], [target('sex', { f: 0.5, m: 0.5 })], { capRatio: 3, maxIterations: 50 });
    expect(r.max).toBeLessThanOrEqual(3 + 1e-9);
    expect(r.converged).toBe(false); // the cap keeps the man's weight below the 5 the margin needs
  });

  it('names the variable, value and first respondents of a category with no target', () => {
    const e = refusal(() => rake([['f', 'x', 'm', 'x']], [target('sex', { f: 0.5, m: 0.5 })]));
    expect(e.status).toBe(400);
    expect(e.errors).toHaveLength(1);
    expect(e.errors[0]).toMatchObject({ field: 'sex', value: 'x' });
    expect(e.errors[0]!.message).toContain('respondents 2, 4');
  });

  it('refuses a target category no respondent is in', () => {
    const e = refusal(() => rake([['f', 'f']], [target('sex', { f: 0.5, m: 0.5 })]));
    expect(e.errors[0]).toMatchObject({ field: 'sex', value: 'm' });
    expect(e.errors[0]!.message).toContain('cannot be reached');
  });

  it('refuses targets that sum to neither 1 nor 100, naming the variable', () => {
    const e = refusal(() =>
      rake([SEX, AGE], [target('sex', { f: 0.5, m: 0.5 }), target('age', { young: 0.4, old: 0.4 })]),
    );
    expect(e.errors[0]).toMatchObject({ field: 'age' });
    expect(e.errors[0]!.message).toContain('sum to 0.8');
  });

  it('refuses respondents in a category whose target is 0, and negative targets', () => {
    expect(refusal(() => rake([SEX], [target('sex', { f: 1, m: 0 })])).errors[0]!.message).toContain('target of 0');
    expect(refusal(() => rake([SEX], [target('sex', { f: 1.5, m: -0.5 })])).errors[0]!.message).toContain('0 or more');
  });

  it('refuses mismatched inputs: columns of different lengths, a variable twice, no respondents, a bad capRatio', () => {
    refusal(() => rake([SEX, AGE.slice(1)], TARGETS));
    refusal(() => rake([SEX, SEX], [TARGETS[0]!, TARGETS[0]!]));
    refusal(() => rake([[]], [TARGETS[0]!]));
    refusal(() => rake([SEX], TARGETS));
    refusal(() => rake([SEX], [TARGETS[0]!], { capRatio: 1 }));
  });
});

describe('kish', () => {
  it('gives (Σw)²/Σw², efficiency and design effect', () => {
    const k = kish([1, 1, 2, 4]);
    expect(k.effectiveBase).toBeCloseTo(64 / 22, 12);
    expect(k.efficiency).toBeCloseTo(64 / 22 / 4, 12);
    expect(k.designEffect).toBeCloseTo(88 / 64, 12);
  });

  it('equal weights are fully efficient; no weights give 0, 0 and 1 rather than NaN', () => {
    expect(kish([3, 3, 3])).toEqual({ effectiveBase: 3, efficiency: 1, designEffect: 1 });
    expect(kish([])).toEqual({ effectiveBase: 0, efficiency: 0, designEffect: 1 });
  });
});
