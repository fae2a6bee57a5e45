/**
 * Survey weighting at scale (issue 5): rim weighting (raking) 10,000 SYNTHETIC respondents to population targets on age
 * (6 bands), sex (2) and region (9), repeated, reporting the median time. The goal is under 1 second. The respondents
 * come from the seeded generator, skewed against the targets (older, more women, unevenly spread by region, with age
 * depending on region) so the raking has real work to do.
 */
import { rake, type RimTarget } from '../src/modules/surveys/index.ts';
import { pct, round, time } from './measure.ts';
import { prng, SYNTHETIC_LABEL } from './synthetic.ts';

const AGE = { '16-24': 0.14, '25-34': 0.17, '35-44': 0.16, '45-54': 0.17, '55-64': 0.15, '65+': 0.21 };
const SEX = { female: 0.51, male: 0.49 };
const REGION = {
  'North East': 0.047,
  'North West': 0.131,
  'Yorkshire and The Humber': 0.097,
  'East Midlands': 0.086,
  'West Midlands': 0.105,
  East: 0.111,
  London: 0.155,
  'South East': 0.165,
  'South West': 0.103,
};

const targetsOf = (variable: string, shares: Record<string, number>): RimTarget => ({
  variable,
  shares: new Map(Object.entries(shares)),
});

/** Draws from a list of categories with the given weights (need not sum to 1). */
function picker(rand: () => number, categories: string[], weights: number[]): () => string {
  const total = weights.reduce((a, b) => a + b, 0);
  const cum = weights.map(
    (
      (s) => (w: number) =>
        (s += w / total)
    )(0),
  );
  return () => {
    const u = rand();
    const i = cum.findIndex((c) => u < c);
    return categories[i < 0 ? categories.length - 1 : i]!;
  };
}

/** SYNTHETIC respondents: per variable, each respondent's category. */
export function syntheticRespondents(n: number, seed: number): { categories: string[][]; targets: RimTarget[] } {
  const rand = prng(seed);
  const ages = Object.keys(AGE);
  const regions = Object.keys(REGION);
  // Regions over- and under-represented; in the first half of the regions the sample is older still.
  const region = picker(
    rand,
    regions,
    regions.map((_, i) => 1 + (i % 3)),
  );
  const youngish = picker(rand, ages, [0.5, 0.8, 1, 1.2, 1.4, 1.8]);
  const older = picker(rand, ages, [0.3, 0.5, 0.8, 1.2, 1.6, 2.4]);
  const sex = picker(rand, Object.keys(SEX), [0.58, 0.42]);
  const age: string[] = [];
  const sexes: string[] = [];
  const regionOf: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = region();
    regionOf.push(r);
    age.push(regions.indexOf(r) < 4 ? older() : youngish());
    sexes.push(sex());
  }
  return {
    categories: [age, sexes, regionOf],
    targets: [targetsOf('age', AGE), targetsOf('sex', SEX), targetsOf('region', REGION)],
  };
}

export interface RakingBench {
  label: string;
  respondents: number;
  variables: number;
  /** Median of the runs. */
  seconds: number;
  runs: number;
  iterations: number;
  efficiency: number;
}

/** Rakes 10,000 synthetic respondents on three variables `repeats` times (default 7); the median time in seconds. */
export async function benchRaking(
  opts: { respondents?: number; repeats?: number; seed?: number } = {},
): Promise<RakingBench> {
  const respondents = opts.respondents ?? 10_000;
  const repeats = opts.repeats ?? 7;
  const { categories, targets } = syntheticRespondents(respondents, opts.seed ?? 2025);
  const times: number[] = [];
  let last: ReturnType<typeof rake> | undefined;
  for (let i = 0; i < repeats; i++) {
    const [result, seconds] = await time(async () => rake(categories, targets));
    times.push(seconds);
    last = result;
  }
  if (!last?.converged) throw new Error('bench: the synthetic raking did not converge');
  return {
    label: `${SYNTHETIC_LABEL}: survey respondents`,
    respondents,
    variables: targets.length,
    seconds: round(pct(times, 50), 4),
    runs: repeats,
    iterations: last.iterations,
    efficiency: round(last.efficiency, 4),
  };
}
