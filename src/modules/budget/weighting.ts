/**
 * Weighting responses to the council's population with the surveys module's raking (rim weighting, Kish's effective
 * base). Where an officer has entered the council's population by age and sex for the simulator (population.ts),
 * responses are raked on both margins (weighByMargins): the age and sex answers are the categories, the margins'
 * shares the targets. Otherwise the targets come from the population figures the platform holds (the `population`
 * import: ONS mid-year estimates by broad age band, the latest year held for the council), which have no split by
 * sex, so only age is weighted, and every output says so (weightByAge): a resident's age answer is mapped onto the
 * population's bands by the numbers in the answer's label ("25 to 34", "75 and over", "Under 18"). Either way a
 * response with no answer to a weighted question, or an answer with no population ("Prefer not to say"), keeps weight
 * 1 and is left out of the raking; the notes say how many.
 */
import { AppError } from '../../platform/errors.ts';
import { kish, rake } from '../surveys/index.ts';
import type { AboutAnswers, AboutQuestion, AboutYou } from './about.ts';
import { marginsOf, populationSource, type PopulationDef } from './population.ts';

/** The population bands the platform holds (metric codes of the population import). */
export const POPULATION_BANDS = [
  { code: '0-17', label: '0 to 17', from: 0, to: 17, metric: 'population.aged-0-17' },
  { code: '18-64', label: '18 to 64', from: 18, to: 64, metric: 'population.aged-18-64' },
  { code: '65+', label: '65 and over', from: 65, to: Infinity, metric: 'population.aged-65-plus' },
] as const;

/**
 * Checked against shared/data (SOURCES.md, performance/population): the only population file is the ONS mid-year
 * estimate for mid-2019 and mid-2020 in three age bands, with no split by sex, so there are no targets to rake sex to.
 */
export const SEX_NOT_WEIGHTED =
  'Weighted by age only: no population by sex is loaded. Sex is not weighted: the population figures the platform holds (ONS mid-year estimates, mid-2019 and mid-2020, in three age bands) have no split by sex, even where residents were asked their sex; an officer can enter the council\'s population by age and sex on the simulator\'s "Population for weighting" page to weight by both.';

/** The ages an answer covers, from its label (or code): undefined when it names no ages. */
export function agesOf(text: string): { from: number; to: number } | undefined {
  const t = text.toLowerCase();
  const under = /(?:under|younger than|less than)\s*(\d+)/.exec(t);
  if (under) return { from: 0, to: Number(under[1]) - 1 };
  const range = /(\d+)\s*(?:-|–|to)\s*(\d+)/.exec(t);
  if (range) return { from: Number(range[1]), to: Number(range[2]) };
  const over = /(\d+)\s*(?:\+|(?:and|or) (?:over|older|above))/.exec(t);
  if (over) return { from: Number(over[1]), to: Infinity };
  return undefined;
}

/**
 * Each answer code of the age question → its population band; answers naming no ages are left out. An answer whose
 * ages cross two bands ("16 to 24") is a problem: it cannot be weighted.
 */
export function ageBandMap(q: AboutQuestion): { map: Map<string, string>; problems: string[] } {
  const map = new Map<string, string>();
  const problems: string[] = [];
  for (const c of q.choices) {
    const ages = agesOf(c.label) ?? agesOf(c.code);
    if (!ages) continue;
    const band = POPULATION_BANDS.find((b) => ages.from >= b.from && ages.to <= b.to);
    if (band) map.set(c.code, band.code);
    else
      problems.push(
        `"${c.label}" crosses the population's age bands (${POPULATION_BANDS.map((b) => b.label).join(', ')}), so it cannot be weighted`,
      );
  }
  return { map, problems };
}

/** The population of each band for the council, from the latest mid-year estimate held. */
export interface PopulationTargets {
  /** e.g. "mid-2020": the estimate's date is 30 June of that year. */
  year: string;
  period: string;
  counts: Map<string, number>;
  /** Where the figure came from when not the council's own (a predecessor's, an aggregate). */
  note: string | null;
}

export interface Weighting {
  /** One per response (in the order given); 1 where the response could not be weighted. */
  weights: Float64Array;
  weighted: boolean;
  /** Kish's effective base over every response. */
  effectiveBase: number;
  efficiency: number;
  /** Responses weighted by age (the rest kept at 1). */
  byAge: number;
  /** Responses weighted by sex (0 unless the officer's population gives sex). */
  bySex: number;
  /** The population weighted to: entered for the simulator by an officer, the ONS file by age, or none. */
  basis: 'entered' | 'ons' | 'none';
  /** The population's source and date in words (entered, or the ONS estimate by age); null when not weighted. */
  source: string | null;
  /**
   * Each margin weighted to: per category its share of the population and the weighted and unweighted shares of the
   * responses raked (which the weighted shares meet).
   */
  margins: {
    variable: 'age' | 'sex';
    question: string;
    categories: { code: string; label: string; population: number; responses: number; weighted: number }[];
  }[];
  /** What was weighted to what, and why anything was not, in plain English. */
  notes: string[];
}

/**
 * Weights for responses by their age answers: the responses whose answer maps to a band are raked to the council's
 * population shares of the bands the question covers (their mean weight stays 1); the rest keep weight 1.
 */
export function weightByAge(
  about: AboutYou | null,
  answers: readonly (AboutAnswers | null)[],
  population: PopulationTargets | null,
  council: string,
): Weighting {
  const n = answers.length;
  const weights = new Float64Array(n).fill(1);
  const notes: string[] = [];
  const done = (byAge: number): Weighting => {
    notes.push(SEX_NOT_WEIGHTED);
    const { effectiveBase, efficiency } = kish(weights);
    const basis = byAge > 0 ? 'ons' : 'none';
    return {
      weights,
      weighted: byAge > 0,
      effectiveBase,
      efficiency,
      byAge,
      bySex: 0,
      basis,
      source: byAge > 0 && population ? `ONS mid-year estimate, ${population.year} (the population import)` : null,
      margins: [],
      notes,
    };
  };
  const q = about?.age ? about.questions.find((x) => x.code === about.age) : undefined;
  if (!q) {
    notes.push('Not weighted: this simulator asks no age question named for weighting.');
    return done(0);
  }
  if (!population) {
    notes.push(
      `Not weighted: the platform holds no population estimates by age for ${council} (import the population file).`,
    );
    return done(0);
  }
  const { map, problems } = ageBandMap(q);
  if (problems.length) {
    notes.push(`Not weighted by age: ${problems.join('; ')}.`);
    return done(0);
  }
  const rows: number[] = [];
  const bands: string[] = [];
  answers.forEach((a, i) => {
    const v = a?.[q.code];
    const band = typeof v === 'string' ? map.get(v) : undefined;
    if (band) {
      rows.push(i);
      bands.push(band);
    }
  });
  const covered = POPULATION_BANDS.filter((b) => [...map.values()].includes(b.code));
  const people = covered.reduce((sum, b) => sum + (population.counts.get(b.code) ?? 0), 0);
  const shares = new Map(covered.map((b) => [b.code, (population.counts.get(b.code) ?? 0) / people]));
  const missing = covered.filter((b) => !bands.includes(b.code));
  if (rows.length === 0 || missing.length) {
    notes.push(
      `Not weighted by age: ${rows.length === 0 ? 'no response gives an age' : `no response is aged ${missing.map((b) => b.label).join(' or ')}`}, so the population's shares cannot be reached.`,
    );
    return done(0);
  }
  let r: ReturnType<typeof rake>;
  try {
    r = rake([bands], [{ variable: 'age', shares }]);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    notes.push(`Not weighted by age: ${e.errors.map((x) => x.message).join('; ') || e.message}.`);
    return done(0);
  }
  rows.forEach((row, j) => (weights[row] = r.weights[j]!));
  notes.push(
    `Weighted by age to ${council}'s population (ONS mid-year estimate, ${population.year}${population.note ? `; ${population.note}` : ''}): ${covered
      .map((b) => `${b.label} ${Math.round((shares.get(b.code) ?? 0) * 100)}%`)
      .join(', ')}, by raking (the surveys module's rim weighting). ${n - rows.length} response${
      n - rows.length === 1 ? '' : 's'
    } giving no age, or an answer with no ages, keep weight 1.`,
  );
  return done(rows.length);
}

const pctText = (x: number) => `${Math.round(x * 100)}%`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Weights raking responses on the margins of the population an officer entered (age and sex, or either): the responses
 * answering every weighted question with an answer the population gives are raked to its shares (their mean weight
 * stays 1); the rest keep weight 1, outside the raking.
 */
export function weightByMargins(
  about: AboutYou | null,
  answers: readonly (AboutAnswers | null)[],
  population: PopulationDef,
  council: string,
): Weighting {
  const n = answers.length;
  const weights = new Float64Array(n).fill(1);
  const notes: string[] = [];
  const source = populationSource(population);
  const margins = about ? marginsOf(population, about) : [];
  const result = (raked: number, shown: Weighting['margins'] = []): Weighting => {
    const { effectiveBase, efficiency } = kish(weights);
    const by = (v: 'age' | 'sex') => (margins.some((m) => m.variable === v) ? raked : 0);
    return {
      weights,
      weighted: raked > 0,
      effectiveBase,
      efficiency,
      byAge: by('age'),
      bySex: by('sex'),
      basis: 'entered',
      source,
      margins: shown,
      notes,
    };
  };
  const names = margins.map((m) => m.variable).join(' and ');
  if (margins.length === 0) {
    notes.push(
      `Not weighted: the population entered (${source}) gives no figures for the "about you" questions this simulator asks.`,
    );
    return result(0);
  }
  const rows: number[] = [];
  const columns: string[][] = margins.map(() => []);
  answers.forEach((a, i) => {
    const values = margins.map((m) => a?.[m.question.code]);
    if (!values.every((v, j) => typeof v === 'string' && margins[j]!.shares.has(v))) return;
    rows.push(i);
    values.forEach((v, j) => columns[j]!.push(v as string));
  });
  const left = n - rows.length;
  const leftOut = `${plural(left, 'response')} giving no ${margins.map((m) => m.variable).join(' or no ')}, or an answer the population has no figure for (such as "Prefer not to say"), ${left === 1 ? 'keeps' : 'keep'} weight 1, outside the raking.`;
  if (rows.length === 0) {
    const wanted = margins.length > 1 ? 'both an age and a sex' : `an answer to ${names}`;
    notes.push(
      `Not weighted by ${names} to the population entered (${source}): no response gives ${wanted} it has a figure for. ${leftOut}`,
    );
    return result(0);
  }
  let r: ReturnType<typeof rake>;
  try {
    r = rake(
      columns,
      margins.map((m) => ({ variable: m.variable, shares: m.shares })),
    );
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    const labels = (m: (typeof margins)[number], code: string) =>
      m.question.choices.find((c) => c.code === code)?.label ?? code;
    const why = e.errors.map((x) => {
      const m = margins.find((y) => y.variable === x.field);
      return m && x.value !== undefined && /no respondent/.test(x.message)
        ? `no response is in ${labels(m, x.value)} (${m.variable}), so its share cannot be reached`
        : x.message;
    });
    notes.push(
      `Not weighted by ${names} to the population entered (${source}): ${why.join('; ') || e.message}. ${leftOut}`,
    );
    return result(0);
  }
  rows.forEach((row, j) => (weights[row] = r.weights[j]!));
  const shown = margins.map((m, j) => {
    const unweighted = new Map<string, number>();
    const weighted = new Map<string, number>();
    columns[j]!.forEach((v, k) => {
      unweighted.set(v, (unweighted.get(v) ?? 0) + 1);
      weighted.set(v, (weighted.get(v) ?? 0) + r.weights[k]!);
    });
    return {
      variable: m.variable,
      question: m.question.code,
      categories: [...m.shares].map(([code, share]) => ({
        code,
        label: m.question.choices.find((c) => c.code === code)?.label ?? code,
        population: share,
        responses: (unweighted.get(code) ?? 0) / rows.length,
        weighted: (weighted.get(code) ?? 0) / rows.length,
      })),
    };
  });
  const targets = shown
    .map((m) => `${m.variable} ${m.categories.map((c) => `${c.label} ${pctText(c.population)}`).join(', ')}`)
    .join('; ');
  notes.push(
    `Weighted by ${names} to ${council}'s population as an officer entered it: ${source}: ${targets}; by raking on ${margins.length === 1 ? 'that margin' : 'both margins'} (the surveys module's rim weighting)${r.converged ? '' : `, which had not converged after ${r.iterations} passes (largest difference ${(r.maxDeviation * 100).toFixed(2)} points)`}. ${leftOut}`,
  );
  return result(rows.length, shown);
}

/**
 * The weights of a simulator's responses: raked on the margins an officer entered when there are any, else by age to
 * the ONS mid-year estimate the platform holds.
 */
export function weigh(
  about: AboutYou | null,
  answers: readonly (AboutAnswers | null)[],
  entered: PopulationDef | null | undefined,
  ons: PopulationTargets | null,
  council: string,
): Weighting {
  return entered ? weightByMargins(about, answers, entered, council) : weightByAge(about, answers, ons, council);
}
