/** Area types by GSS prefix, with the readable names the API accepts, and the date rules every query shares. */

export type Tier = 'unitary' | 'upper' | 'lower' | 'combined-authority' | 'fire-rescue-authority' | 'none';

export interface AreaType {
  prefix: string;
  /** The readable name accepted by `?type=`, e.g. `shire-district`. */
  slug: string;
  name: string;
  /**
   * unitary: single tier (unitaries, metropolitan districts, London boroughs); upper: counties; lower: shire districts.
   */
  tier: Tier;
  /** The plural for prose: "published for metropolitan districts and London boroughs". */
  plural: string;
}

export const AREA_TYPES: readonly AreaType[] = [
  { prefix: 'E06', slug: 'unitary', name: 'Unitary authority', tier: 'unitary', plural: 'unitary authorities' },
  {
    prefix: 'E07',
    slug: 'shire-district',
    name: 'Non-metropolitan (shire) district',
    tier: 'lower',
    plural: 'shire districts',
  },
  {
    prefix: 'E08',
    slug: 'metropolitan-district',
    name: 'Metropolitan district',
    tier: 'unitary',
    plural: 'metropolitan districts',
  },
  { prefix: 'E09', slug: 'london-borough', name: 'London borough', tier: 'unitary', plural: 'London boroughs' },
  { prefix: 'E10', slug: 'county', name: 'County', tier: 'upper', plural: 'counties' },
  {
    prefix: 'E11',
    slug: 'metropolitan-county',
    name: 'Metropolitan county (no council since 1986)',
    tier: 'none',
    plural: 'metropolitan counties',
  },
  { prefix: 'E12', slug: 'region', name: 'Region', tier: 'none', plural: 'regions' },
  {
    prefix: 'E13',
    slug: 'inner-outer-london',
    name: 'Inner or Outer London',
    tier: 'none',
    plural: 'Inner and Outer London',
  },
  {
    prefix: 'E31',
    slug: 'fire-rescue-authority',
    name: 'Fire and rescue authority',
    tier: 'fire-rescue-authority',
    plural: 'fire and rescue authorities',
  },
  {
    prefix: 'E47',
    slug: 'combined-authority',
    name: 'Combined authority',
    tier: 'combined-authority',
    plural: 'combined authorities',
  },
  { prefix: 'E92', slug: 'country', name: 'Country', tier: 'none', plural: 'England' },
];

/** The GSS types of English councils: unitary, district, metropolitan district, London borough, county. */
export const COUNCIL_TYPES: readonly string[] = ['E06', 'E07', 'E08', 'E09', 'E10'];

/** Readable names for groups of types. */
const TYPE_GROUPS: Record<string, string[]> = {
  council: [...COUNCIL_TYPES],
  'upper-tier': ['E06', 'E08', 'E09', 'E10'],
  'lower-tier': ['E06', 'E07', 'E08', 'E09'],
  district: ['E07'],
};

export const typeInfo = (prefix: string): AreaType =>
  AREA_TYPES.find((t) => t.prefix === prefix) ?? {
    prefix,
    slug: prefix.toLowerCase(),
    name: `GSS ${prefix}`,
    tier: 'none',
    plural: `areas of type ${prefix}`,
  };

/** Words joined as a list: "a", "a and b", "a, b and c". */
export const listWords = (words: readonly string[]): string =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`;

/**
 * Area types in prose, never as GSS prefixes: ['E12', 'E92'] → "regions and England"; every council type → "every
 * type of council"; the upper tier → "upper-tier councils (…)".
 */
export function typesInWords(prefixes: readonly string[]): string {
  const set = new Set(prefixes);
  const councils = COUNCIL_TYPES.filter((t) => set.has(t));
  const others = [...set].filter((t) => !COUNCIL_TYPES.includes(t));
  const councilWords =
    councils.length === COUNCIL_TYPES.length ? ['every type of council'] : councils.map((t) => typeInfo(t).plural);
  return listWords([...councilWords, ...others.sort().map((t) => typeInfo(t).plural)]);
}

/** Whether a measure published for these area types is one councils run at all (some council type is among them). */
export const isCouncilService = (prefixes: readonly string[]): boolean =>
  prefixes.some((t) => COUNCIL_TYPES.includes(t));

/** `E06`, `unitary` or a group such as `upper-tier` → GSS prefixes; undefined when the word is not a type. */
export function typePrefixes(word: string): string[] | undefined {
  const w = word.trim();
  const byPrefix = AREA_TYPES.find((t) => t.prefix === w.toUpperCase());
  if (byPrefix) return [byPrefix.prefix];
  const bySlug = AREA_TYPES.find((t) => t.slug === w.toLowerCase());
  if (bySlug) return [bySlug.prefix];
  // An own key only: `__proto__` or `constructor` is not a group of types (it would be Object's prototype).
  const key = w.toLowerCase();
  return Object.hasOwn(TYPE_GROUPS, key) ? TYPE_GROUPS[key] : undefined;
}

export const TYPE_WORDS = [...AREA_TYPES.flatMap((t) => [t.prefix, t.slug]), ...Object.keys(TYPE_GROUPS)];

/** The relation that makes an area of this type a parent (the children listed under it). */
export function childRelation(parentPrefix: string): string | undefined {
  switch (parentPrefix) {
    case 'E10':
      return 'county';
    case 'E11':
      return 'metropolitan-county';
    case 'E12':
      return 'region';
    case 'E31':
      return 'fire-rescue-authority';
    case 'E47':
      return 'combined-authority';
    default:
      return undefined;
  }
}

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export const today = (): string => new Date().toISOString().slice(0, 10);

export const GSS_CODE = /^[EWSN]\d{8}$/;

export interface Validity {
  validFrom: string | null;
  validTo: string | null;
}

export type Status = 'current' | 'retired' | 'not-yet-created';

/** Status as at a date: retired once its last day has passed, not yet created before its first. */
export const statusAt = (v: Validity, at: string): Status =>
  v.validTo !== null && v.validTo < at
    ? 'retired'
    : v.validFrom !== null && v.validFrom > at
      ? 'not-yet-created'
      : 'current';

/**
 * The date to describe an area at: `at`, moved into the area's lifetime (a retired area is described as on its last
 * day).
 */
export const describeDate = (v: Validity, at: string): string =>
  v.validTo !== null && v.validTo < at ? v.validTo : v.validFrom !== null && v.validFrom > at ? v.validFrom : at;
