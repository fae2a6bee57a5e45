import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.ts';
import { compareIndependent, effectiveBaseZ, fisherExact, holm, mcnemar, twoProportionZ } from './significance.ts';

function refused(fn: () => unknown, field: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    const err = e as AppError;
    expect(err.status).toBe(400);
    expect(err.errors[0]?.field).toBe(field);
    return;
  }
  throw new Error(`expected a refusal naming ${field}`);
}

describe('twoProportionZ', () => {
  it('gives the pooled z and two-tailed p for 45% of 100 against 55% of 100', () => {
    const r = twoProportionZ(45, 100, 55, 100);
    expect(r.test).toBe('two-proportion z-test');
    expect(r.statistic).toBeCloseTo(-Math.SQRT2, 12);
    expect(r.pValue).toBeCloseTo(0.15729920705028513, 12);
  });

  it('signs z positive when the first proportion is higher', () => {
    expect(twoProportionZ(60, 100, 40, 100).statistic!).toBeGreaterThan(0);
  });

  it('with a continuity correction is less significant and names the test', () => {
    const plain = twoProportionZ(30, 100, 45, 100);
    const cc = twoProportionZ(30, 100, 45, 100, { continuityCorrection: true });
    expect(cc.test).toBe('two-proportion z-test with continuity correction');
    expect(cc.pValue).toBeGreaterThan(plain.pValue);
  });

  it('a difference smaller than the continuity correction gives z 0 and p 1, never an overshoot', () => {
    const r = twoProportionZ(50, 100, 51, 100, { continuityCorrection: true });
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBe(1);
  });

  it('an empty sample gives statistic null and p 1, not NaN', () => {
    expect(twoProportionZ(0, 0, 5, 10)).toEqual({ test: 'two-proportion z-test', statistic: null, pValue: 1 });
    expect(twoProportionZ(5, 10, 0, 0).pValue).toBe(1);
  });

  it('both proportions 0, or both 1, give statistic 0 and p 1', () => {
    expect(twoProportionZ(0, 40, 0, 60)).toEqual({ test: 'two-proportion z-test', statistic: 0, pValue: 1 });
    expect(twoProportionZ(40, 40, 60, 60, { continuityCorrection: true }).pValue).toBe(1);
  });

  it('refuses a count above its base, negative or fractional counts, naming the argument', () => {
    refused(() => twoProportionZ(11, 10, 1, 10), 'x1');
    refused(() => twoProportionZ(1, 10, -1, 10), 'x2');
    refused(() => twoProportionZ(1, 10.5, 1, 10), 'n1');
    refused(() => twoProportionZ(1, 10, 1, Number.NaN), 'n2');
  });
});

describe('effectiveBaseZ', () => {
  it('is the pooled z-test on the Kish effective bases and names the test', () => {
    const r = effectiveBaseZ(0.45, 100, 0.55, 100);
    expect(r.test).toBe('two-proportion z-test on effective bases (Kish)');
    expect(r.pValue).toBeCloseTo(twoProportionZ(45, 100, 55, 100).pValue, 12);
  });

  it('a smaller effective base makes the same difference less significant', () => {
    expect(effectiveBaseZ(0.4, 250.5, 0.5, 250.5).pValue).toBeGreaterThan(effectiveBaseZ(0.4, 1000, 0.5, 1000).pValue);
  });

  it('a zero base gives statistic null and p 1; equal proportions of 0 or 1 give 0 and 1', () => {
    expect(effectiveBaseZ(0.4, 0, 0.5, 10)).toMatchObject({ statistic: null, pValue: 1 });
    expect(effectiveBaseZ(1, 12.5, 1, 30.2)).toMatchObject({ statistic: 0, pValue: 1 });
  });

  it('refuses a proportion outside 0 to 1 and a negative base', () => {
    refused(() => effectiveBaseZ(1.2, 10, 0.5, 10), 'p1');
    refused(() => effectiveBaseZ(0.2, 10, 0.5, -3), 'neff2');
  });
});

describe('fisherExact', () => {
  it('gives the textbook two-sided p for the tea-tasting table (3 of 4 against 1 of 4)', () => {
    const r = fisherExact(3, 4, 1, 4);
    expect(r.test).toBe("Fisher's exact test");
    expect(r.statistic).toBeNull();
    expect(r.pValue).toBeCloseTo(34 / 70, 12);
  });

  it('counts tables exactly as likely as the observed one (a symmetric table gives p 1)', () => {
    expect(fisherExact(4, 8, 4, 8).pValue).toBe(1);
    expect(fisherExact(3, 8, 5, 8).pValue).toBeCloseTo(fisherExact(5, 8, 3, 8).pValue, 14);
  });

  it('a zero margin gives p 1', () => {
    expect(fisherExact(0, 0, 3, 5).pValue).toBe(1);
    expect(fisherExact(0, 5, 0, 7).pValue).toBe(1);
    expect(fisherExact(5, 5, 7, 7).pValue).toBe(1);
  });
});

describe('mcnemar', () => {
  it('is exact (binomial) below 25 discordant pairs: 1 against 9 gives 2 × 11/1024', () => {
    expect(mcnemar(1, 9)).toEqual({ test: 'McNemar exact (binomial)', statistic: 1, pValue: 22 / 1024 });
  });

  it('uses chi-square with continuity correction from 25 discordant pairs', () => {
    const r = mcnemar(10, 30);
    expect(r.test).toBe('McNemar chi-square with continuity correction');
    expect(r.statistic).toBeCloseTo(19 ** 2 / 40, 12);
  });

  it('no discordant pairs gives statistic 0 and p 1', () => {
    expect(mcnemar(0, 0)).toEqual({ test: 'McNemar exact (binomial)', statistic: 0, pValue: 1 });
  });

  it('equal discordant pairs from 25 give chi-square 0 and p 1 (the correction never overshoots)', () => {
    expect(mcnemar(15, 15)).toMatchObject({ statistic: 0, pValue: 1 });
  });

  it('refuses negative or fractional counts', () => {
    refused(() => mcnemar(-1, 3), 'b');
    refused(() => mcnemar(2, 2.5), 'c');
  });
});

describe('compareIndependent', () => {
  it("uses Fisher's exact test when an expected cell count is under 5", () => {
    expect(compareIndependent(1, 10, 4, 12).test).toBe("Fisher's exact test");
    expect(compareIndependent(0, 0, 4, 12).test).toBe("Fisher's exact test");
  });

  it('uses the z-test otherwise, with the continuity correction when asked', () => {
    expect(compareIndependent(30, 100, 45, 100).test).toBe('two-proportion z-test');
    expect(compareIndependent(30, 100, 45, 100, { continuityCorrection: true }).test).toBe(
      'two-proportion z-test with continuity correction',
    );
  });

  it('an expected count of exactly 5 is not small', () => {
    // 10 successes in 20 across two samples of 10: every expected count is 5.
    expect(compareIndependent(3, 10, 7, 10).test).toBe('two-proportion z-test');
  });
});

describe('holm', () => {
  it('multiplies the i-th smallest by (m − i + 1), keeps the order monotone and caps at 1, in input order', () => {
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((p, i) => expect(adjusted[i]).toBeCloseTo(p, 15));
    expect(holm([0.5, 0.9])).toEqual([1, 1]);
  });

  it('an empty list gives an empty list', () => {
    expect(holm([])).toEqual([]);
  });

  it('refuses a value that is not a p-value, naming its position', () => {
    refused(() => holm([0.2, 1.5]), 'pValues[1]');
    refused(() => holm([Number.NaN]), 'pValues[0]');
  });
});
