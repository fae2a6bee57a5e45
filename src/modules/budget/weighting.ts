/**
 * Weighting responses to the council's population with the surveys module's raking (rim weighting, Kish's effective
 * base). The targets come from the population figures the platform holds (the `population` import: ONS mid-year
 * estimates by broad age band, the latest year held for the council). Those figures have no split by sex, so sex is
 * never weighted, and every output says so. A resident's age answer is mapped onto the population's bands by the
 * numbers in the answer's label ("25 to 34", "75 and over", "Under 18"); an answer without numbers ("Prefer not to
 * say") or no answer leaves that response at weight 1.
 */
import { AppError } from '../../platform/errors.ts';
import { kish, rake } from '../surveys/index.ts';
import type { AboutAnswers, AboutQuestion, AboutYou } from './about.ts';

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
  'Weighted by age only: no population by sex is loaded. Sex is not weighted: the population figures the platform holds (ONS mid-year estimates, mid-2019 and mid-2020, in three age bands) have no split by sex, even where residents were asked their sex.';

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
    return { weights, weighted: byAge > 0, effectiveBase, efficiency, byAge, notes };
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
