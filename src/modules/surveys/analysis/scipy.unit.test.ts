/**
 * The significance tests and the raking agree with an independent implementation: SciPy and statsmodels (Debian's
 * python3-scipy and python3-statsmodels) through reference.py, over a grid of cases. Tolerance: relative 1e-9 on
 * p-values
 * and statistics (absolute 1e-12 for tiny ones), 1e-6 on weights. Missing Python packages fail the test with the
 * command
 * that installs them; it never skips.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { effectiveBaseZ, fisherExact, holm, mcnemar, twoProportionZ } from './significance.ts';
import { rake } from './weighting.ts';

const PYTHON = process.env.SLI_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./reference.py', import.meta.url));
const INSTALL =
  'install them with: apt-get install python3-scipy python3-statsmodels (or set SLI_PYTHON to a Python that has scipy and statsmodels)';

type Quad = [number, number, number, number];

/** mulberry32, seeded: the same cases every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Two independent proportions: small and large n, near 0 and 1, equal proportions, unequal n, very small p-values.
const Z_FIXED: Quad[] = [
  [45, 100, 55, 100],
  [5, 50, 12, 60],
  [1, 1000, 9, 1000],
  [999, 1000, 990, 1000],
  [50, 100, 50, 100],
  [500, 1000, 450, 900],
  [3, 20, 17, 20],
  [120, 400, 80, 150],
  [2, 7, 5, 9],
  [1234, 5000, 1400, 5000],
  [30000, 100000, 30500, 100000],
  [1, 30, 0, 30],
  [10, 11, 1, 12],
  [4000, 5000, 1000, 5000],
  [0, 100, 5, 100],
  [100, 100, 95, 100],
  [7, 13, 7, 13],
  [60, 61, 1, 59],
  [3000, 10000, 2000, 10000],
  [700, 1000, 300, 1000],
  [600, 1000, 400, 1000],
];
const rand = prng(20250501);
const Z_RANDOM: Quad[] = Array.from({ length: 24 }, () => {
  const n1 = 20 + Math.floor(rand() * 3000);
  const n2 = 20 + Math.floor(rand() * 3000);
  const p = [0.01, 0.1, 0.5, 0.9, 0.99][Math.floor(rand() * 5)]!;
  const x1 = Math.min(n1 - 1, Math.max(1, Math.round(n1 * p)));
  const x2 = Math.min(n2 - 1, Math.max(1, Math.round(n2 * (p + (rand() - 0.5) * 0.1))));
  return [x1, n1, x2, n2];
});
const Z_CASES = [...Z_FIXED, ...Z_RANDOM];
const FISHER_CASES: Quad[] = [
  [0, 5, 3, 5],
  [1, 4, 4, 4],
  [2, 10, 8, 10],
  [3, 8, 5, 8],
  [5, 8, 3, 8],
  [0, 1, 1, 1],
  [1, 2, 1, 2],
  [7, 12, 2, 15],
  [10, 20, 10, 20],
  [0, 20, 5, 20],
  [50, 100, 30, 100],
  [1, 100, 10, 100],
  [3, 3, 0, 3],
  [12, 40, 2, 60],
  [100, 300, 140, 300],
  [0, 10, 10, 10],
  [0, 200, 200, 200],
  [4, 9, 4, 9],
  [2, 3, 1, 40],
  [6, 6, 1, 30],
];
// Discordant pairs b, c: below 25 (exact) and from 25 (chi-square); b = c is checked on its own below.
const MCNEMAR_CASES: [number, number][] = [
  [0, 0],
  [1, 0],
  [0, 5],
  [3, 7],
  [5, 5],
  [10, 14],
  [12, 12],
  [2, 22],
  [0, 24],
  [13, 12],
  [20, 30],
  [40, 10],
  [100, 120],
  [500, 450],
  [1000, 1200],
  [3, 40],
  [0, 25],
  [24, 1],
];
const HOLM_CASES: number[][] = [
  [0.01, 0.04, 0.03, 0.005],
  [0.5, 0.5, 0.5],
  [1e-10, 0.2, 0.01, 0.049, 0.8, 0.03],
  [0.9],
  [0.02, 0.02, 0.04],
  [0.3, 0.001, 0.25, 0.6, 0.01, 0.01, 0.2, 0.05],
  [0, 1, 0.5],
  Array.from({ length: 40 }, () => rand() ** 3),
];
const EBZ_CASES: Quad[] = [
  [0.42, 312.7, 0.35, 280.1],
  [0.1, 50.5, 0.2, 60.25],
  [0.5, 1000.3, 0.5, 999.9],
  [0.99, 120.4, 0.95, 88.8],
  [0.01, 900.9, 0.03, 700.2],
  [0.333, 45.6, 0.612, 33.3],
  [0, 100.5, 0.05, 80.5],
  [0.7, 5000.5, 0.72, 4800.3],
  [0.2, 12.3, 0.9, 8.7],
  [0.55, 2.5, 0.45, 3.25],
];

// Raking: 400 seeded respondents on three variables (4, 2 and 5 categories), skewed against the targets.
const RAKE_N = 400;
const RAKE_TARGETS = [
  [0.2, 0.3, 0.3, 0.2],
  [0.49, 0.51],
  [0.1, 0.15, 0.25, 0.3, 0.2],
];
const rakeRand = prng(7);
const pick = (cum: number[]) => {
  const u = rakeRand();
  const i = cum.findIndex((c) => u < c);
  return i < 0 ? cum.length - 1 : i;
};
const RAKE_CATEGORIES = [
  [0.4, 0.7, 0.9, 1],
  [0.6, 1],
  [0.3, 0.45, 0.6, 0.8, 1],
].map((cum) => Array.from({ length: RAKE_N }, () => pick(cum)));

interface Reference {
  z: { z: number; p: number; chi2p: number }[];
  zcc: { chi2: number; p: number }[];
  fisher: { p: number }[];
  mcnemar: { exactStatistic: number; exactP: number; chi2: number | null; chi2P: number | null }[];
  holm: number[][];
  ebz: { z: number; p: number }[];
  rake: number[];
}

function runReference(): Reference {
  const input = {
    z: Z_CASES,
    zcc: Z_CASES,
    fisher: FISHER_CASES,
    mcnemar: MCNEMAR_CASES,
    holm: HOLM_CASES,
    ebz: EBZ_CASES,
    rake: { categories: RAKE_CATEGORIES, targets: RAKE_TARGETS },
  };
  const run = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(input), encoding: 'utf8', timeout: 60_000 });
  if (run.error)
    throw new Error(
      `cannot run ${PYTHON} (${run.error.message}): the check against SciPy and statsmodels needs Debian's python3 with both; ${INSTALL}`,
    );
  if (run.status !== 0) {
    const missing = /No module named '?([\w.]+)/.exec(run.stderr)?.[1];
    throw new Error(
      missing
        ? `${PYTHON} lacks the Python module "${missing}": ${INSTALL}`
        : `reference.py failed (exit ${run.status}): ${run.stderr.slice(-2000)}`,
    );
  }
  return JSON.parse(run.stdout) as Reference;
}

/** Relative 1e-9, or absolute 1e-12 for values near 0. */
function close(actual: number | null, expected: number, what: string): void {
  if (actual === null) throw new Error(`${what}: got null, SciPy/statsmodels gave ${expected}`);
  const ok =
    Math.abs(actual - expected) <= 1e-9 * Math.max(Math.abs(actual), Math.abs(expected)) ||
    Math.abs(actual - expected) <= 1e-12;
  expect(ok, `${what}: ours ${actual}, reference ${expected}`).toBe(true);
}

let ref: Reference;
beforeAll(() => {
  ref = runReference();
}, 120_000);

describe('agreement with SciPy and statsmodels', () => {
  it(`two-proportion z-test agrees with proportions_ztest and chi2_contingency(correction=False) on ${Z_CASES.length} cases`, () => {
    Z_CASES.forEach((c, i) => {
      const r = twoProportionZ(...c);
      expect(r.test).toBe('two-proportion z-test');
      close(r.statistic, ref.z[i]!.z, `z ${c.join(',')}`);
      close(r.pValue, ref.z[i]!.p, `z p ${c.join(',')}`);
      close(r.pValue, ref.z[i]!.chi2p, `z p vs chi2_contingency ${c.join(',')}`);
    });
  });

  it(`z-test with continuity correction agrees with chi2_contingency(correction=True) on ${Z_CASES.length} cases`, () => {
    Z_CASES.forEach((c, i) => {
      const r = twoProportionZ(...c, { continuityCorrection: true });
      expect(r.test).toBe('two-proportion z-test with continuity correction');
      close(r.statistic! ** 2, ref.zcc[i]!.chi2, `z² (Yates) ${c.join(',')}`);
      close(r.pValue, ref.zcc[i]!.p, `z cc p ${c.join(',')}`);
    });
  });

  it(`Fisher's exact test agrees with scipy.stats.fisher_exact on ${FISHER_CASES.length} tables`, () => {
    FISHER_CASES.forEach((c, i) => close(fisherExact(...c).pValue, ref.fisher[i]!.p, `fisher ${c.join(',')}`));
  });

  it(`McNemar agrees with statsmodels mcnemar (exact below 25 discordant pairs, chi-square with correction from 25) on ${MCNEMAR_CASES.length} cases`, () => {
    MCNEMAR_CASES.forEach(([b, c], i) => {
      const r = mcnemar(b, c);
      const e = ref.mcnemar[i]!;
      if (b + c < 25) {
        expect(r.test).toBe('McNemar exact (binomial)');
        close(r.statistic, e.exactStatistic, `mcnemar exact statistic ${b},${c}`);
        close(r.pValue, e.exactP, `mcnemar exact p ${b},${c}`);
      } else {
        expect(r.test).toBe('McNemar chi-square with continuity correction');
        close(r.statistic, e.chi2!, `mcnemar chi2 ${b},${c}`);
        close(r.pValue, e.chi2P!, `mcnemar chi2 p ${b},${c}`);
      }
    });
  });

  it(`Holm agrees with multipletests(method='holm') on ${HOLM_CASES.length} vectors`, () => {
    HOLM_CASES.forEach((ps, i) => holm(ps).forEach((p, j) => close(p, ref.holm[i]![j]!, `holm vector ${i} item ${j}`)));
  });

  it(`z-test on effective bases agrees with proportions_ztest(p × neff, neff) on ${EBZ_CASES.length} cases with fractional bases`, () => {
    EBZ_CASES.forEach((c, i) => {
      const r = effectiveBaseZ(...c);
      close(r.statistic, ref.ebz[i]!.z, `ebz z ${c.join(',')}`);
      close(r.pValue, ref.ebz[i]!.p, `ebz p ${c.join(',')}`);
    });
  });

  it(`raking ${RAKE_N} respondents on three variables gives numpy IPF's weights to 1e-6`, () => {
    const categories = RAKE_CATEGORIES.map((col) => col.map(String));
    const targets = RAKE_TARGETS.map((shares, v) => ({
      variable: `v${v}`,
      shares: new Map(shares.map((s, c) => [String(c), s])),
    }));
    const r = rake(categories, targets, { tolerance: 1e-13, maxIterations: 10_000 });
    expect(r.converged).toBe(true);
    expect(ref.rake).toHaveLength(RAKE_N);
    let worst = 0;
    ref.rake.forEach((w, i) => (worst = Math.max(worst, Math.abs(w - r.weights[i]!))));
    expect(worst).toBeLessThan(1e-6);
  });
});
