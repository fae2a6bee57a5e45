import { describe, expect, it } from 'vitest';
import type { AdapterContext, KnownArea } from '../adapter.ts';
import { financialYear } from '../../observations/index.ts';
import { financeCell, parseFinancialYear, placeArea } from './mhclg-finance.ts';

const AREAS: KnownArea[] = [
  { code: 'E10000016', name: 'Kent', validFrom: null, validTo: null, successors: [] },
  { code: 'E10000023', name: 'North Yorkshire', validFrom: null, validTo: '2023-03-31', successors: ['E06000065'] },
  { code: 'E06000065', name: 'North Yorkshire', validFrom: '2023-04-01', validTo: null, successors: [] },
  { code: 'E06000060', name: 'Buckinghamshire', validFrom: '2020-04-01', validTo: null, successors: [] },
  { code: 'E07000205', name: 'Suffolk Coastal', validFrom: null, validTo: '2019-03-31', successors: ['E07000244'] },
  { code: 'E07000244', name: 'East Suffolk', validFrom: '2019-04-01', validTo: null, successors: [] },
  { code: 'E31000010', name: 'Devon and Somerset', validFrom: null, validTo: null, successors: [] },
];
const ctx = (withCatalogue = true): AdapterContext => ({
  error: () => {},
  progress: () => {},
  ...(withCatalogue ? { area: (c: string) => AREAS.find((a) => a.code === c) } : {}),
});

describe('MHCLG finance cells', () => {
  it('reads numbers, "1,234", "-0" and the markers, and refuses anything else', () => {
    expect(financeCell('1,234')).toEqual({ ok: true, value: 1234, status: [] });
    expect(financeCell('-60')).toEqual({ ok: true, value: -60, status: [] });
    expect(Object.is((financeCell('-0') as { value: number }).value, 0)).toBe(true);
    expect(financeCell('', '[x]')).toMatchObject({ ok: true, value: null, status: ['x'], note: 'MHCLG gives "[x]"' });
    expect(financeCell('', '...')).toMatchObject({ ok: true, value: null, status: ['x'] });
    expect(financeCell('', '…')).toMatchObject({ ok: true, value: null, status: ['x'] });
    expect(financeCell('')).toMatchObject({ ok: true, value: null, status: ['x'], note: 'blank in the source' });
    expect(financeCell('12', '[x]')).toMatchObject({ ok: false });
    expect(financeCell('', '?')).toMatchObject({ ok: false });
    expect(financeCell('12x4')).toMatchObject({ ok: false, message: expect.stringContaining('"12x4"') });
  });

  it('reads financial years written 2023-24 and nothing else', () => {
    expect(parseFinancialYear('2023-24')?.iso).toBe('2023-04-01/P1Y');
    expect(parseFinancialYear('1999-00')?.iso).toBe('1999-04-01/P1Y');
    expect(parseFinancialYear('2023-25')).toBeUndefined();
    expect(parseFinancialYear('2023/24')).toBeUndefined();
  });
});

describe('where a finance row is filed', () => {
  const fy = financialYear;
  it('under the code of its year, never a successor', () => {
    expect(placeArea('E10000016', 'E2221', fy(2021), ctx())).toEqual({ code: 'E10000016' });
    expect(placeArea('E07000205', 'E3537', fy(2017), ctx())).toEqual({ code: 'E07000205' });
    expect(placeArea('E31000010', 'E6131', fy(2021), ctx())).toEqual({ code: 'E31000010' });
  });

  it("corrects North Yorkshire's wrong code only for its E-code", () => {
    expect(placeArea('E10000022', 'E2721', fy(2015), ctx())).toMatchObject({ code: 'E10000023' });
    expect(placeArea('E10000022', 'E9999', fy(2015), ctx())).toEqual({ code: 'E10000022' });
  });

  it('leaves out, with a reason, what the geography does not hold and years outside an authority’s life', () => {
    const skip = (code: string, year: number) => {
      const p = placeArea(code, '', fy(year), ctx());
      return 'skip' in p ? p.skip : undefined;
    };
    expect(skip('E23000032', 2021)).toMatch(/police/);
    expect(skip('E26000001', 2021)).toMatch(/national park/);
    expect(skip('E50000005', 2021)).toMatch(/joint waste/);
    expect(skip('E31000017', 2016)).toMatch(/fire and rescue authority code/);
    expect(skip('E12000007', 2021)).toMatch(/Greater London Authority/);
    expect(skip('E6803', 2021)).toMatch(/no GSS code/);
    expect(skip('nan', 2021)).toMatch(/no GSS code/);
    expect(skip('E06000060', 2019)).toMatch(/before it was created/);
    expect(skip('E07000205', 2020)).toMatch(/after it was abolished/);
    // An unknown council code is not left out: the engine refuses it, naming the line.
    expect(placeArea('E06000999', '', fy(2021), ctx())).toEqual({ code: 'E06000999' });
  });

  it('re-files a figure given under an old code after a re-coding to the same council under its new code', () => {
    expect(placeArea('E10000023', 'E2721', fy(2023), ctx())).toMatchObject({ code: 'E06000065' });
  });

  it('without a catalogue, leaves out only what can never be filed', () => {
    expect(placeArea('E23000032', '', fy(2021), ctx(false))).toEqual({ code: 'E23000032' });
    expect(placeArea('E12000007', '', fy(2021), ctx(false))).toHaveProperty('skip');
  });
});
