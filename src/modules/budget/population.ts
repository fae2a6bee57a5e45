/**
 * The council's population for weighting, as an officer enters or uploads it at set-up: age bands (the answers of the
 * "about you" age question) and sex categories (the answers of the sex question), each with a count of people or a
 * percentage, and the source the officer names with its date. Either two margins (rows giving an age band only, and
 * rows giving a sex only) or an age × sex table (every row gives both; both margins are its sums). The results rake
 * responses to these margins (weighting.ts); without them, they weight by age only to the ONS file. Pure: no
 * database. Every problem names its row and field.
 */
import type { FieldError } from '../../platform/errors.ts';
import { checkStoredText } from '../../platform/text.ts';
import type { AboutQuestion, AboutYou } from './about.ts';
import { agesOf } from './weighting.ts';

export const MEASURES = ['count', 'share'] as const;
export type Measure = (typeof MEASURES)[number];

export interface PopulationRow {
  /** The age question's answer code (null: a sex margin row). */
  age: string | null;
  /** The sex question's answer code (null: an age margin row). */
  sex: string | null;
  /** People (count) or per cent of the population (share). */
  value: number;
}
export interface PopulationDef {
  /** Where the figures come from, as the officer names it: "ONS mid-2023 estimates, Trafford". */
  source: string;
  /** The date the figures are for (YYYY-MM-DD), e.g. 2023-06-30 for a mid-2023 estimate. */
  date: string;
  measure: Measure;
  rows: PopulationRow[];
}

/** Percentages must sum to 100 within this (rounding in published tables). */
export const SHARE_TOLERANCE = 0.5;

/** One margin: each category's share of the population (summing to 1), in the question's order. */
export interface Margin {
  variable: 'age' | 'sex';
  question: AboutQuestion;
  shares: Map<string, number>;
}

/** A table (every row gives age and sex) or two margins. */
export const isTable = (p: PopulationDef) => p.rows.length > 0 && p.rows.every((r) => r.age !== null && r.sex !== null);

/** The age answers residents can give that name ages: the bands a population must cover. */
export const ageBands = (q: AboutQuestion) => q.choices.filter((c) => agesOf(c.label) ?? agesOf(c.code));
/** The sex answers a population may give figures for: all but "prefer not to say". */
export const sexCategories = (q: AboutQuestion) => q.choices.filter((c) => !/prefer not|rather not/i.test(c.label));

const questionOf = (about: AboutYou | null, role: 'age' | 'sex') => {
  const code = about?.[role];
  return code ? (about!.questions.find((q) => q.code === code) ?? null) : null;
};
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const validDate = (s: string) => {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};
const labelOf = (q: AboutQuestion | null, code: string) => q?.choices.find((c) => c.code === code)?.label ?? code;

/**
 * Every problem with a population, each naming its path (population.rows[3].value, through `locate`): the source and
 * date, counts or percentages, a negative or missing figure, percentages not summing to 100 ± 0.5, an age band or sex
 * the questionnaire does not have, a row twice, rows mixing margins and table cells, a table with a cell missing, an
 * age band residents can choose with no figure.
 */
export function validatePopulation(
  p: PopulationDef,
  about: AboutYou | null,
  locate: (path: string) => string = (x) => x,
): FieldError[] {
  const errors: FieldError[] = [];
  const err = (path: string, message: string, value?: unknown) =>
    errors.push({
      field: locate(`population.${path}`),
      message,
      ...(value !== undefined ? { value: String(value) } : {}),
    });
  if (!p.source?.trim()) err('source', 'is required: name where the figures come from, such as ONS mid-2023 estimates');
  else {
    const bad = checkStoredText(locate('population.source'), p.source);
    if (bad) errors.push(bad);
  }
  if (!validDate(p.date ?? '')) err('date', 'must be the date the figures are for, such as 2023-06-30', p.date);
  if (!MEASURES.includes(p.measure)) err('measure', `must be one of ${MEASURES.join(', ')}`, p.measure);
  const age = questionOf(about, 'age');
  const sex = questionOf(about, 'sex');
  if (p.rows.length === 0) err('rows', 'needs at least one row: an age band or a sex with its figure');
  const table = isTable(p);
  const seen = new Set<string>();
  p.rows.forEach((r, i) => {
    const at = `rows[${i}]`;
    if (r.age === null && r.sex === null) err(at, 'names neither an age band nor a sex');
    if (!table && r.age !== null && r.sex !== null && p.rows.some((x) => x.age === null || x.sex === null))
      err(at, 'gives both age and sex while other rows give one: enter two margins (age; sex) or an age × sex table');
    for (const [role, q, v] of [
      ['age', age, r.age],
      ['sex', sex, r.sex],
    ] as const) {
      if (v === null) continue;
      if (!q) err(`${at}.${role}`, `is given, but the "about you" questions name no ${role} question`, v);
      else if (!q.choices.some((c) => c.code === v))
        err(
          `${at}.${role}`,
          `is not an answer to ${q.code} (${q.choices.map((c) => `${c.code} = ${c.label}`).join('; ')})`,
          v,
        );
    }
    if (!Number.isFinite(r.value) || r.value < 0)
      err(`${at}.value`, `must be a number, 0 or more (${p.measure === 'share' ? 'per cent' : 'people'})`, r.value);
    const key = `${r.age ?? ''}|${r.sex ?? ''}`;
    if (seen.has(key))
      err(at, `repeats ${[r.age && labelOf(age, r.age), r.sex && labelOf(sex, r.sex)].filter(Boolean).join(', ')}`);
    seen.add(key);
  });
  if (errors.length) return errors;
  // Percentages sum to 100: the table's cells, or each margin.
  const groups = table
    ? [{ name: 'the table', rows: p.rows.map((r, i) => [r, i] as const) }]
    : (['age', 'sex'] as const).map((role) => ({
        name: `the ${role} rows`,
        rows: p.rows
          .map((r, i) => [r, i] as const)
          .filter(([r]) => r[role] !== null && r[role === 'age' ? 'sex' : 'age'] === null),
      }));
  for (const g of groups) {
    if (g.rows.length === 0) continue;
    const sum = g.rows.reduce((s, [r]) => s + r.value, 0);
    if (p.measure === 'share' && Math.abs(sum - 100) > SHARE_TOLERANCE)
      err(
        `rows[${g.rows[0]![1]}].value`,
        `the percentages of ${g.name} sum to ${Math.round(sum * 100) / 100}, not 100 (± ${SHARE_TOLERANCE})`,
        sum,
      );
    if (!(sum > 0)) err(`rows[${g.rows[0]![1]}].value`, `the figures of ${g.name} are all 0`);
  }
  if (table) {
    const ages = [...new Set(p.rows.map((r) => r.age!))];
    const sexes = [...new Set(p.rows.map((r) => r.sex!))];
    for (const a of ages)
      for (const s of sexes)
        if (!seen.has(`${a}|${s}`))
          err(
            'rows',
            `the table has no row for ${labelOf(age, a)} and ${labelOf(sex, s)}: give every age band for every sex`,
          );
  }
  // Every age band residents can choose has a figure (a response in a band with none could not be weighted).
  const givenAges = new Set(p.rows.map((r) => r.age).filter((a) => a !== null));
  if (age && givenAges.size)
    for (const band of ageBands(age))
      if (!givenAges.has(band.code))
        err(
          'rows',
          `has no figure for the age band ${band.label} (${band.code}): give every age band residents can choose`,
        );
  return errors;
}

/** The margins a valid population gives (a table's sums), each as shares of the categories given. */
export function marginsOf(p: PopulationDef, about: AboutYou): Margin[] {
  const out: Margin[] = [];
  for (const role of ['age', 'sex'] as const) {
    const code = about[role];
    const q = code ? about.questions.find((x) => x.code === code) : undefined;
    if (!q) continue;
    const other = role === 'age' ? 'sex' : 'age';
    const sums = new Map<string, number>();
    for (const r of p.rows) {
      const v = r[role];
      if (v === null || (!isTable(p) && r[other] !== null)) continue;
      sums.set(v, (sums.get(v) ?? 0) + r.value);
    }
    if (sums.size === 0) continue;
    const total = [...sums.values()].reduce((a, b) => a + b, 0);
    const shares = new Map<string, number>();
    for (const c of q.choices) if (sums.has(c.code)) shares.set(c.code, sums.get(c.code)! / total);
    out.push({ variable: role, question: q, shares });
  }
  return out;
}

/** The population in words for notes: "ONS mid-2023 estimates, Trafford (figures for 30 June 2023; …)". */
export function populationSource(p: PopulationDef): string {
  const [y, m, d] = p.date.split('-').map(Number);
  const when = new Date(Date.UTC(y!, m! - 1, d!)).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const shape = isTable(p) ? 'an age × sex table' : 'age and sex entered separately';
  return `${p.source.trim()} (figures for ${when}; ${shape} of ${p.measure === 'share' ? 'percentages' : 'counts'}, entered for this simulator)`;
}
