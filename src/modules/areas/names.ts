/**
 * Councils by name: the one rule that turns what a person typed ("St Helens", "Hull", "Bristol", "E08000009") into an
 * area, used by every form and `area=` parameter that takes a council. Pure: the areas service hands it the areas and
 * the names it holds by date.
 */
import { GSS_CODE } from './types.ts';

export interface NamedArea {
  code: string;
  /** The name at the date asked for: shown to people. */
  name: string;
  type: string;
  /** Other names the area held (earlier or later), also matched. */
  otherNames?: readonly string[];
}

export type NameMatch<A extends NamedArea = NamedArea> =
  { kind: 'match'; area: A; by: 'code' | 'name' } | { kind: 'choices'; choices: A[] } | { kind: 'unknown' };

/** Words that end a name and say what the council is, not which: "Trafford Council", "Wealden District Council". */
const COUNCIL_SUFFIX =
  /\s(?:metropolitan borough council|royal borough council|borough council|district council|city council|county council|council)$/;

/**
 * A name reduced to what tells councils apart: no case, diacritics or punctuation; "&" is "and", "Saint" and "St." are
 * "st", an apostrophe joins ("King's Lynn" = "Kings Lynn"), hyphens and commas separate words.
 */
export function nameKey(text: string): string {
  return ` ${text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()} `
    .replace(/&/g, ' and ')
    .replace(/['’‘.]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/ saint /g, ' st ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The keys a held name answers to: itself, and "Bristol, City of" also as "Bristol" and "City of Bristol". */
export function nameKeys(name: string): string[] {
  const key = nameKey(name);
  const keys = new Set([key]);
  const inverted = /^(.*), ((?:city|county|royal borough) of)$/i.exec(name.trim());
  if (inverted) {
    keys.add(nameKey(inverted[1]!));
    keys.add(nameKey(`${inverted[2]!} ${inverted[1]!}`));
  }
  return [...keys];
}

/** What was typed, as keys to try: itself and without a trailing "Council", "Borough Council"… */
function queryKeys(text: string): string[] {
  const key = nameKey(text);
  const bare = ` ${key}`.replace(COUNCIL_SUFFIX, '').trim();
  return bare && bare !== key ? [key, bare] : [key];
}

const contains = (haystack: string, needle: string): boolean => ` ${haystack} `.includes(` ${needle} `);
const startsWords = (haystack: string, needle: string): boolean =>
  haystack.startsWith(needle) || haystack.includes(` ${needle}`);

/** The GSS code typed, alone or as a suggestion or a page shows a council ("Trafford (E08000009)"); else null. */
export function typedCode(text: string): string | null {
  const code = text
    .trim()
    .replace(/^.*\(\s*([A-Za-z]\d{8})\s*\)$/, '$1')
    .toUpperCase();
  return GSS_CODE.test(code) ? code : null;
}

/** An index of areas by their name keys, built once per geography and date. */
export class AreaNameIndex<A extends NamedArea = NamedArea> {
  private readonly entries: { area: A; current: string[]; other: string[] }[];
  private readonly byCode: Map<string, A>;

  constructor(areas: readonly A[]) {
    this.entries = areas.map((area) => {
      const current = nameKeys(area.name);
      const other = (area.otherNames ?? []).flatMap(nameKeys).filter((k) => !current.includes(k));
      return { area, current, other };
    });
    this.byCode = new Map(areas.map((a) => [a.code, a]));
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * A code, or a name: the same name first (as held at the date, then as held at another), then a name holding the
   * typed words ("Hull" in "Kingston upon Hull, City of"). One area is a match; several are choices; none is unknown.
   */
  match(text: string): NameMatch<A> {
    const trimmed = text.trim();
    const code = typedCode(trimmed);
    if (code) {
      const area = this.byCode.get(code);
      return area ? { kind: 'match', area, by: 'code' } : { kind: 'unknown' };
    }
    const keys = queryKeys(trimmed);
    if (keys[0] === '') return { kind: 'unknown' };
    const tiers: ((e: (typeof this.entries)[number]) => boolean)[] = [
      (e) => keys.some((k) => e.current.includes(k)),
      (e) => keys.some((k) => e.other.includes(k)),
      (e) => keys.some((k) => e.current.some((c) => contains(c, k))),
      (e) => keys.some((k) => e.other.some((c) => contains(c, k))),
    ];
    for (const tier of tiers) {
      const found = this.entries.filter(tier).map((e) => e.area);
      if (found.length === 1) return { kind: 'match', area: found[0]!, by: 'name' };
      if (found.length > 1) return { kind: 'choices', choices: sortByName(found) };
    }
    return { kind: 'unknown' };
  }

  /**
   * Suggestions as someone types: areas whose code starts with the text, or whose names have words starting with it,
   * the closest first (the same name, then names starting with it, then names holding it), at most `limit`.
   */
  suggest(text: string, limit = 10): A[] {
    const trimmed = text.trim();
    if (trimmed === '') return [];
    const code = trimmed.toUpperCase();
    if (/^[EWSN]\d{0,8}$/.test(code))
      return sortByName(this.entries.filter((e) => e.area.code.startsWith(code)).map((e) => e.area)).slice(0, limit);
    const keys = queryKeys(trimmed);
    if (keys[0] === '') return [];
    const score = (e: (typeof this.entries)[number]): number => {
      const all = [...e.current, ...e.other];
      if (keys.some((k) => all.includes(k))) return 0;
      if (keys.some((k) => all.some((c) => c.startsWith(k)))) return 1;
      if (keys.some((k) => all.some((c) => startsWords(c, k)))) return 2;
      return 3;
    };
    return this.entries
      .map((e) => ({ e, s: score(e) }))
      .filter((x) => x.s < 3)
      .sort((a, b) => a.s - b.s || a.e.area.name.localeCompare(b.e.area.name, 'en-GB'))
      .slice(0, limit)
      .map((x) => x.e.area);
  }
}

const sortByName = <A extends NamedArea>(areas: A[]): A[] =>
  [...areas].sort((a, b) => a.name.localeCompare(b.name, 'en-GB') || a.code.localeCompare(b.code));

/** "Kingston upon Hull, City of" reads in a sentence as "Kingston upon Hull, City of (E06000010)". */
export const nameWithCode = (a: { name: string; code: string }): string => `${a.name} (${a.code})`;

/** A form field that takes a council: what was typed, the council it found, or why not and the choices. */
export interface AreaField<A extends NamedArea = NamedArea> {
  /** What was typed, shown back in the field. */
  value: string;
  area: A | null;
  /** Why no council was taken (empty, unknown, several), in words for the error summary and the field. */
  error: string | null;
  /** The councils an ambiguous name could be, to choose from. */
  choices: A[];
}

/** The field for what was typed and how it matched: the council, or a message saying what is wrong with the value. */
export function areaField<A extends NamedArea>(text: string | undefined, m: NameMatch<A> | null): AreaField<A> {
  const value = (text ?? '').trim();
  if (value === '' || m === null)
    return {
      value,
      area: null,
      error: 'Enter a council’s name or its code, such as Trafford or E08000009',
      choices: [],
    };
  if (m.kind === 'match') return { value, area: m.area, error: null, choices: [] };
  if (m.kind === 'choices')
    return { value, area: null, error: `More than one council is called “${value}”: choose one`, choices: m.choices };
  const code = typedCode(value);
  return {
    value,
    area: null,
    error: code
      ? `No council has the code ${code}: check it, or enter the council’s name, such as Trafford`
      : `No council is called “${value}”: check the spelling, or enter the council’s code, such as E08000009`,
    choices: [],
  };
}
