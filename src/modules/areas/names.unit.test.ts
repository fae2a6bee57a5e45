import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import { AreaNameIndex, nameKey, type NamedArea } from './names.ts';
import { isCouncilService, typesInWords } from './types.ts';

// The real councils of one year, as ONS names them (geography/england_ltla_vintages_2019_2025.csv): the lower-tier and
// unitary councils, and the counties above the districts; other years' names of the same codes are the other names.
function councils(vintage: string): NamedArea[] {
  const rows = parse(readFileSync(sharedFile('geography/england_ltla_vintages_2019_2025.csv')), {
    columns: true,
  }) as Record<string, string>[];
  const byCode = new Map<string, NamedArea & { otherNames: string[] }>();
  const add = (code: string, name: string, year: string) => {
    if (!code) return;
    const a = byCode.get(code);
    if (!a) byCode.set(code, { code, name, type: code.slice(0, 3), otherNames: [] });
    else if (year === vintage) {
      if (a.name !== name) a.otherNames.push(a.name);
      a.name = name;
    } else if (a.name !== name && !a.otherNames.includes(name)) a.otherNames.push(name);
  };
  const live = new Set<string>();
  for (const r of rows) {
    add(r.ltla_code!, r.ltla_name!, r.vintage!);
    add(r.county_code!, r.county_name!, r.vintage!);
    if (r.vintage === vintage) {
      live.add(r.ltla_code!);
      if (r.county_code) live.add(r.county_code);
    }
  }
  return [...byCode.values()].filter((a) => live.has(a.code));
}

const index = new AreaNameIndex(councils('2025'));
const matched = (text: string) => {
  const m = index.match(text);
  return m.kind === 'match' ? m.area.code : m.kind === 'choices' ? m.choices.map((c) => c.code) : null;
};

describe('nameKey', () => {
  it('drops case, diacritics and punctuation, and reads & as and and Saint as St', () => {
    expect(nameKey('St. Helens')).toBe('st helens');
    expect(nameKey('Saint Helens')).toBe('st helens');
    expect(nameKey('  st helens ')).toBe('st helens');
    expect(nameKey("King's Lynn & West Norfolk")).toBe('kings lynn and west norfolk');
    expect(nameKey('Newcastle-under-Lyme')).toBe('newcastle under lyme');
    expect(nameKey('Ménière')).toBe('meniere');
  });
});

describe('AreaNameIndex.match against the real council names of 2025', () => {
  it('holds every council of the year', () => {
    // 296 lower-tier and unitary councils and 21 counties.
    expect(index.size).toBe(296 + 21);
  });

  it('finds St Helens however it is written', () => {
    for (const t of ['St Helens', 'St. Helens', 'Saint Helens', 'st helens', 'ST. HELENS', 'St Helens Council'])
      expect(matched(t), t).toBe('E08000013');
  });

  it('finds Hull, Bristol and Herefordshire by their everyday names', () => {
    for (const t of ['Kingston upon Hull', 'Kingston upon Hull, City of', 'Hull', 'City of Kingston upon Hull'])
      expect(matched(t), t).toBe('E06000010');
    for (const t of ['Bristol', 'Bristol, City of', 'City of Bristol', 'Bristol City Council'])
      expect(matched(t), t).toBe('E06000023');
    expect(matched('Herefordshire')).toBe('E06000019');
  });

  it('reads & as and, and ignores hyphens and apostrophes', () => {
    expect(matched('Brighton & Hove')).toBe('E06000043');
    expect(matched('Kings Lynn and West Norfolk')).toBe('E07000146');
    expect(matched('Newcastle under Lyme')).toBe('E07000195');
    expect(matched('Stockton on Tees')).toBe('E06000004');
  });

  it('takes a code in any case, and says nothing matches for a code it does not hold', () => {
    expect(matched('e08000009')).toBe('E08000009');
    expect(matched('E08000016')).toBeNull(); // Barnsley's code before 2025
    expect(matched('Trafford (E08000009)')).toBe('E08000009');
    expect(matched('Anything (e08000013)')).toBe('E08000013');
  });

  it('matches a name the council held in another year (Tewkesbury, now North Gloucestershire)', () => {
    expect(matched('Tewkesbury')).toBe('E07000083');
    expect(matched('North Gloucestershire')).toBe('E07000083');
  });

  it('offers the choices when a name fits several councils', () => {
    expect(matched('Kingston')).toEqual(['E06000010', 'E09000021']);
    expect(matched('Newcastle')).toEqual(['E08000021', 'E07000195']); // upon Tyne, under-Lyme
  });

  it('prefers the council of exactly that name to those holding the name', () => {
    // Not Northumberland or North Yorkshire: York itself.
    expect(matched('York')).toBe('E06000014');
    expect(matched('Durham')).toBe('E06000047');
    expect(matched('Norfolk')).toBe('E10000020');
  });

  it('says a name is unknown', () => {
    expect(matched('Stockport Borough')).toBeNull();
    expect(matched('Atlantis')).toBeNull();
    expect(matched('  ')).toBeNull();
    expect(matched('...')).toBeNull();
  });
});

describe('AreaNameIndex.suggest', () => {
  it('suggests as someone types, the closest first', () => {
    expect(index.suggest('st hel').map((a) => a.name)).toEqual(['St. Helens']);
    expect(index.suggest('traf').map((a) => a.code)).toEqual(['E08000009']);
    expect(index.suggest('Hull')[0]?.code).toBe('E06000010');
    expect(index.suggest('E0800000', 3).map((a) => a.code)).toEqual(['E08000001', 'E08000002', 'E08000003']);
    expect(index.suggest('zzz')).toEqual([]);
  });
});

describe('typesInWords', () => {
  it('names area types in prose, never as GSS prefixes', () => {
    expect(typesInWords(['E12', 'E92'])).toBe('regions and England');
    expect(typesInWords(['E08'])).toBe('metropolitan districts');
    expect(typesInWords(['E06', 'E08', 'E09', 'E10'])).toBe(
      'unitary authorities, metropolitan districts, London boroughs and counties',
    );
    expect(typesInWords(['E06', 'E07', 'E08', 'E09', 'E10', 'E92'])).toBe('every type of council and England');
    expect(isCouncilService(['E12', 'E92'])).toBe(false);
    expect(isCouncilService(['E10', 'E12'])).toBe(true);
  });
});
