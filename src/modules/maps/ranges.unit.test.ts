import { describe, expect, it } from 'vitest';
import { alreadyHas, overlapsAny, putRange, type ShapeRange } from './ranges.ts';

const r = (from: number, to: number, geometry: string, name = 'Shire'): ShapeRange<string> => ({
  from,
  to,
  name,
  geometry,
  meta: `${geometry}@${from}`,
});
const show = (list: ShapeRange<string>[]) => list.map((s) => `${s.from}-${s.to}:${s.name}/${s.geometry}`);

describe('shape ranges of a code', () => {
  it('a shape put inside a range splits it; the parts keep what was stored with them', () => {
    const list = putRange([r(2014, 2025, 'a')], r(2019, 2019, 'b'));
    expect(show(list)).toEqual(['2014-2018:Shire/a', '2019-2019:Shire/b', '2020-2025:Shire/a']);
    expect(list.map((s) => s.meta)).toEqual(['a@2014', 'b@2019', 'a@2014']);
  });

  it('a shape equal to its neighbours joins them into one range, carrying what was put', () => {
    const split = [r(2014, 2018, 'a'), r(2019, 2019, 'b'), r(2020, 2025, 'a')];
    const joined = putRange(split, r(2019, 2019, 'a'));
    expect(show(joined)).toEqual(['2014-2025:Shire/a']);
    expect(joined[0]!.meta).toBe('a@2019');
    expect(show(putRange([r(2014, 2018, 'a')], r(2019, 2020, 'a')))).toEqual(['2014-2020:Shire/a']);
  });

  it('a different name is a different range; a range over several stored ones replaces them', () => {
    expect(show(putRange([r(2014, 2025, 'a')], r(2025, 2025, 'a', 'Shire Council')))).toEqual([
      '2014-2024:Shire/a',
      '2025-2025:Shire Council/a',
    ]);
    expect(show(putRange([r(2014, 2016, 'a'), r(2017, 2019, 'b'), r(2020, 2021, 'c')], r(2015, 2020, 'd')))).toEqual([
      '2014-2014:Shire/a',
      '2015-2020:Shire/d',
      '2021-2021:Shire/c',
    ]);
  });

  it('tells whether the ranges already give a shape for all its years, and whether they touch its years', () => {
    const list = [r(2014, 2018, 'a'), r(2019, 2019, 'b'), r(2020, 2025, 'a')];
    expect(alreadyHas(list, r(2015, 2017, 'a'))).toBe(true);
    expect(alreadyHas(list, r(2018, 2020, 'a'))).toBe(false);
    expect(alreadyHas(list, r(2025, 2026, 'a'))).toBe(false);
    expect(overlapsAny(list, { from: 2025, to: 2026 })).toBe(true);
    expect(overlapsAny(list, { from: 2026, to: 2030 })).toBe(false);
  });
});
