import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { realAreas } from '../../../../test/helpers/seed.ts';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import { validateMetricDefinition } from '../../metrics/index.ts';
import type { ImportIssue, KnownArea, ObservationRecord } from '../adapter.ts';
import type { MetricDefinition } from '../../metrics/index.ts';
import { ImportFileError } from '../csv.ts';
import { excelDate, laitAdapter, laitMetricCode, parseLaitPeriod, unitFromAxis } from './lait.ts';

type Lookup = (code: string) => KnownArea | undefined;
const DIR = 'performance/dfe_lait';
const [OBS, DICT, XWALK] = [
  'lait_indicators_long.csv',
  'lait_data_dictionary.csv',
  'lait_la_number_to_gss_crosswalk.csv',
].map((f) => sharedFile(`${DIR}/${f}`)) as [string, string, string];

async function run(files: string[], area?: Lookup) {
  const metrics: MetricDefinition[] = [];
  const observations: ObservationRecord[] = [];
  const errors: ImportIssue[] = [];
  const skipped: Record<string, number> = {};
  const ctx = {
    error: (i: ImportIssue) => void errors.push(i),
    progress: () => {},
    skipped: (_at: unknown, r: string) => void (skipped[r] = (skipped[r] ?? 0) + 1),
    ...(area ? { area } : {}),
  };
  for await (const item of laitAdapter.read(files, ctx)) {
    if (item.kind === 'metric') metrics.push(item.metric);
    else if (item.kind === 'observation') observations.push(item.observation);
  }
  return { metrics, observations, errors, skipped };
}

describe('LAIT periods', () => {
  const p = (raw: string, t: Parameters<typeof parseLaitPeriod>[1]) => {
    const r = parseLaitPeriod(raw, t);
    return typeof r === 'string' ? r : { iso: r.period.iso, label: r.period.label, status: r.status, note: r.note };
  };
  it('reads a bare year as the year the period ends, by Year_Type', () => {
    expect(p('2019', 'academic')).toMatchObject({ iso: '2018-09-01/P1Y', label: '2018/19' });
    expect(p('2019', 'financial')).toMatchObject({ iso: '2018-04-01/P1Y', label: '2018/19' });
    expect(p('2019', 'calendar')).toMatchObject({ iso: '2019-01-01/P1Y', label: '2019' });
    expect(p('2019', 'as-at-31-march')).toMatchObject({ iso: '2019-03-31/P1D', label: '31 Mar 2019' });
    expect(p('2019', 'as-at-30-september')).toMatchObject({ iso: '2019-09-30/P1D' });
    expect(p('2019', 'january-census')).toMatchObject({ iso: '2019-01-01/P1M', label: 'Jan 2019' });
  });
  it('reads one-year and multi-year spans and the Rev, prov, Final and OT markers', () => {
    expect(p('2015/16', 'academic')).toMatchObject({ iso: '2015-09-01/P1Y', status: [] });
    expect(p('2015-16', 'academic')).toMatchObject({ iso: '2015-09-01/P1Y' });
    expect(p('2019-20 (OT)', 'financial')).toMatchObject({ iso: '2019-04-01/P1Y', note: 'outturn' });
    expect(p('2016-18', 'calendar')).toMatchObject({ iso: '2016-01-01/P3Y', label: '2016 to 2018' });
    expect(p('2013/14-15/16', 'financial')).toMatchObject({ iso: '2013-04-01/P3Y', label: '2013/14 to 2015/16' });
    expect(p('1999/00', 'financial')).toMatchObject({ iso: '1999-04-01/P1Y' });
    expect(p('2018 (Rev)', 'academic')).toMatchObject({ iso: '2017-09-01/P1Y', status: ['r'] });
    expect(p('2025 (prov)', 'academic')).toMatchObject({ status: ['p'] });
    expect(p('2020 (Final)', 'academic')).toMatchObject({ status: [], note: 'final figure' });
  });
  it('says why a period cannot be read', () => {
    expect(p('2019/21', 'academic')).toMatch(/does not fit the measure's Year_Type/);
    expect(p('2016-18', 'financial')).toMatch(/does not fit the measure's Year_Type \(financial-year\)/);
    expect(p('2019-20', 'as-at-31-march')).toMatch(
      /is a financial or academic year but the measure's Year_Type is as at 31 March/,
    );
    expect(p('2013/14-15/17', 'financial')).toMatch(/consecutive years/);
    expect(p('19/20', 'financial')).toMatch(/is not a LAIT period/);
    expect(p('2019 (draft)', 'financial')).toMatch(/is not a LAIT period/);
  });
  it('makes codes, units and dates from the dictionary', () => {
    expect(laitMetricCode('KS2_NEW_RWM')).toBe('dfe-lait.ks2-new-rwm');
    expect(laitMetricCode('%_3&4yr_olds')).toBe('dfe-lait.pct-3-and-4yr-olds');
    expect(laitMetricCode('Hosp_Adm_Alc_<18yrs')).toBe('dfe-lait.hosp-adm-alc-lt-18yrs');
    expect(unitFromAxis('Rate per 10,000')).toMatchObject({ unitType: 'rate-per-10000' });
    expect(unitFromAxis('% achieving expected level')).toMatchObject({ unit: '%', unitType: 'percentage' });
    expect(unitFromAxis('Number of Children Looked After')).toMatchObject({ unitType: 'count', decimals: 0 });
    expect(unitFromAxis('Unit Cost')).toMatchObject({ unitType: 'currency' });
    expect(excelDate('45962')).toBe('2025-11-01');
    expect(excelDate('TBC')).toBeUndefined();
  });
});

describe('lait adapter over the real files', async () => {
  const lookup = await realAreas();
  const r = await run([XWALK, OBS, DICT], lookup); // any order: told apart by header
  const rows = parse(readFileSync(OBS), { columns: true }) as Record<string, string>[];
  const at = (line: number) => r.observations.find((o) => o.at.line === line);
  const lineOf = (measure: string, period: string, la: string) =>
    rows.findIndex((x) => x.measure_short === measure && x.period === period && x.dfe_la_number === la) + 2;

  it('defines all 434 measures with valid, unique definitions and reads every row without an error', () => {
    expect(r.errors).toEqual([]);
    expect(r.metrics).toHaveLength(434);
    expect(new Set(r.metrics.map((m) => m.code)).size).toBe(434);
    for (const m of r.metrics) expect(validateMetricDefinition(m), m.code).toEqual([]);
    const skippedRows = Object.entries(r.skipped)
      .filter(([k]) => !k.includes('listed again'))
      .reduce((s, [, n]) => s + n, 0);
    expect(r.observations.length + skippedRows).toBe(rows.length);
    expect(rows.length).toBe(547187);
  });

  it('takes polarity, decimals, period type and source from the data dictionary', () => {
    const ks2 = r.metrics.find((m) => m.publisherCode === 'KS2RWM_Expected_STD');
    expect(ks2).toMatchObject({
      polarity: 'higher-is-better',
      unit: '%',
      periodType: 'academic-year',
      topic: 'children-young-people',
      subtopic: 'Key Stage 2',
      applicableAreaTypes: ['E06', 'E08', 'E09', 'E10'],
    });
    expect(r.metrics.find((m) => m.publisherCode === 'InfMort')).toMatchObject({
      polarity: 'lower-is-better',
      unitType: 'rate-per-1000',
      source: { licence: 'OGL-UK-3.0' },
    });
    expect(r.metrics.find((m) => m.publisherCode === 'LACnum')).toMatchObject({
      periodType: 'as at 31 March',
      unitType: 'count',
    });
  });

  it('reads values as published: England KS2 2019 is academic year 2018/19', () => {
    const line = lineOf('KS2RWM_Expected_STD', '2019', '970');
    expect(at(line)).toMatchObject({
      area: 'E92000001',
      period: { iso: '2018-09-01/P1Y' },
      value: Number(rows[line - 2]!.value),
    });
  });

  it('files a unitary that kept its DfE number under the county for periods before it existed, and Barnsley after 2025 under its new code', () => {
    const bucks2019 = at(lineOf('LACnum', '2019', '825'))!;
    expect(bucks2019).toMatchObject({
      area: 'E10000002',
      period: { iso: '2019-03-31/P1D' },
      note: expect.stringMatching(/filed under E10000002/),
    });
    expect(at(lineOf('LACnum', '2020', '825'))).toMatchObject({ area: 'E10000002' }); // 31 March 2020: still the county
    expect(at(lineOf('LACnum', '2021', '825'))).toMatchObject({ area: 'E06000060', note: null });
    expect(at(lineOf('LACnum', '2025', '370'))).toMatchObject({ area: 'E08000016' }); // 31 March 2025: the old code's last day
    expect(at(lineOf('Work_Force_TO_Rate', '2025', '370'))).toMatchObject({
      area: 'E08000038',
      note: expect.stringMatching(/re-coded it to E08000038/),
    });
  });

  it('leaves out, and counts, figures for councils after they were merged or split', () => {
    const after = (la: string, end: string) =>
      rows.filter(
        (x) =>
          x.dfe_la_number === la &&
          (parseLaitPeriod(x.period!, 'academic') as { period: { start: string } }).period.start > end,
      );
    expect(
      Object.entries(r.skipped).filter(([k]) => k.startsWith('a figure for Dorset (E10000009)'))[0]?.[1],
    ).toBeGreaterThan(0);
    expect(r.observations.some((o) => o.area === 'E10000021' && o.period.start > '2021-03-31')).toBe(false);
    expect(r.observations.some((o) => o.area === 'E06000029' && o.period.start > '2019-03-31')).toBe(false);
    expect(after('928', '2022-12-31').length).toBeGreaterThan(0); // the publisher does give them
  });
});

describe('lait adapter refuses bad input, naming file, line and field', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lait-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const dict = readFileSync(DICT, 'utf8');
  const xwalk = readFileSync(XWALK, 'utf8');
  const write = (name: string, text: string) => {
    const f = path.join(tmp, name);
    writeFileSync(f, text);
    return f;
  };

  it('lists every bad row: unknown measure, unknown LA number, code not matching the crosswalk, bad period, bad value', async () => {
    const obs = write(
      'obs.csv',
      [
        'measure_short,period,dfe_la_number,gss_code,value',
        'KS2RWM_Expected_STD,2019,202,E09000007,66',
        'NO_SUCH,2019,202,E09000007,1',
        'KS2RWM_Expected_STD,2019,999,E09000007,1',
        'KS2RWM_Expected_STD,2019,202,E09000008,1',
        'KS2RWM_Expected_STD,2019-2020,202,E09000007,1',
        'KS2RWM_Expected_STD,2018,202,E09000007,sixty',
        '',
      ].join('\n'),
    );
    const r = await run([obs, write('d.csv', dict), write('x.csv', xwalk)]);
    expect(r.errors.map((e) => [e.at.line, e.field, e.value])).toEqual([
      [3, 'measure_short', 'NO_SUCH'],
      [4, 'dfe_la_number', '999'],
      [5, 'gss_code', 'E09000008'],
      [6, 'period', '2019-2020'],
      [7, 'value', 'sixty'],
    ]);
    expect(r.errors[2]!.message).toBe('the crosswalk maps DfE LA number 202 to E09000007, not E09000008');
    expect(r.observations).toHaveLength(1);
  });

  it('refuses a bad dictionary row with its field and a wrong set of files', async () => {
    const badDict = dict.replace(/,Academic Year,/, ',School Year,');
    const obs = write('o.csv', 'measure_short,period,dfe_la_number,gss_code,value\n');
    const r = await run([
      write('o2.csv', 'measure_short,period,dfe_la_number,gss_code,value\nInfMort,2019,202,E09000007,1\n'),
      write('bad-dict.csv', badDict),
      write('x2.csv', xwalk),
    ]);
    expect(r.errors[0]).toMatchObject({
      field: 'Year_Type',
      value: 'School Year',
      message: expect.stringMatching(/unknown Year_Type "School Year"/),
    });
    const e = await run([obs, write('d2.csv', dict)]).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ImportFileError);
    expect((e as Error).message).toMatch(/lait takes three files/);
    const wrong = await run([obs, write('d3.csv', dict), write('w.csv', 'a,b\n1,2\n')]).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect((wrong as ImportFileError).wrongHeader).toBe(true);
  });
});
