import { describe, expect, it } from 'vitest';
import { chooseVintage, periodVintages, vintageCandidates, vintageCaption, vintageOn } from './vintage.ts';

const fy = (y: number) => ({ start: `${y}-04-01`, end: `${y + 1}-03-31` });
const academic = (y: number) => ({ start: `${y}-09-01`, end: `${y + 1}-08-31` });
const calendar = (y: number) => ({ start: `${y}-01-01`, end: `${y}-12-31` });
const ALL = Array.from({ length: 12 }, (_, i) => 2014 + i);

describe('boundary vintage of a period', () => {
  it('a date is under the vintage of the last 1 April on or before it', () => {
    expect(vintageOn('2023-04-01')).toBe(2023);
    expect(vintageOn('2023-03-31')).toBe(2022);
    expect(vintageOn('2019-01-01')).toBe(2018);
    expect(vintageOn('2018-12-31')).toBe(2018);
  });

  it('a financial year lives under one vintage; an academic or calendar year under two', () => {
    expect(periodVintages(fy(2023))).toEqual([2023]);
    expect(periodVintages(academic(2018))).toEqual([2018, 2019]);
    expect(periodVintages(calendar(2023))).toEqual([2022, 2023]);
    expect(periodVintages({ start: '2021-04-01', end: '2024-03-31' })).toEqual([2021, 2022, 2023]);
    expect(periodVintages({ start: '2019-06-30', end: '2019-06-30' })).toEqual([2019]);
  });

  it('a financial year is drawn on its own vintage when it is stored, whatever the figures', () => {
    expect(vintageCandidates(fy(2023), ALL)).toEqual({ wanted: 2023, years: [2023] });
    expect(chooseVintage([2023], [0])).toBe(2023);
  });

  it('an academic year 2018/19 is drawn on April 2018 unless only the later councils have figures', () => {
    const c = vintageCandidates(academic(2018), ALL);
    expect(c).toEqual({ wanted: 2018, years: [2018, 2019] });
    // Equal counts (the figures are for councils of both): the first, the one in force when the period began.
    expect(chooseVintage(c.years, [300, 300])).toBe(2018);
    expect(chooseVintage(c.years, [290, 300])).toBe(2019);
    expect(chooseVintage(c.years, [])).toBe(2018);
  });

  it('a vintage not stored stands for the stored years either side, the earlier first', () => {
    expect(vintageCandidates(fy(2023), [2019, 2025])).toEqual({ wanted: 2023, years: [2019, 2025] });
    expect(vintageCandidates(fy(2016), [2019, 2025])).toEqual({ wanted: 2016, years: [2019] });
    expect(vintageCandidates(fy(2027), [2019, 2025])).toEqual({ wanted: 2027, years: [2025] });
    expect(vintageCandidates(calendar(2020), [2019, 2025])).toEqual({ wanted: 2019, years: [2019, 2025] });
    expect(vintageCandidates(fy(2023), [])).toEqual({ wanted: 2023, years: [] });
    expect(chooseVintage([], [])).toBeUndefined();
  });

  it('the key names the layer and the vintage', () => {
    expect(vintageCaption('ltla', 2023)).toBe('Boundaries: local authority districts as at April 2023');
    expect(vintageCaption('utla', 2018)).toBe('Boundaries: upper-tier local authorities as at April 2018');
  });
});
