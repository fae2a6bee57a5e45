import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import type { ImportAdapter, ImportIssue, ObservationRecord } from '../adapter.ts';
import type { MetricDefinition } from '../../metrics/index.ts';
import { ImportFileError } from '../csv.ts';
import { oflogAscAdapter } from './oflog-asc.ts';

async function run(adapter: ImportAdapter, files: string[]) {
  const metrics: MetricDefinition[] = [];
  const observations: ObservationRecord[] = [];
  const errors: ImportIssue[] = [];
  const order: string[] = [];
  for await (const item of adapter.read(files, { error: (i) => void errors.push(i), progress: () => {} })) {
    order.push(item.kind);
    if (item.kind === 'metric') metrics.push(item.metric);
    else if (item.kind === 'observation') observations.push(item.observation);
  }
  return {
    metrics,
    observations,
    errors,
    metricsFirst: order.lastIndexOf('metric') < order.indexOf('observation') || observations.length === 0,
  };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'oflog-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, content: string | Buffer) => {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
};
const HEADER =
  'Financial year,Local authority code,Local authority name,Grouping,Entity_Name,Region,Measure,Code,Value,MEDIAN,MADs_from_median,rank_order';
const row = (year: string, area: string, code: string, value: string, order = 'desc') =>
  `${year},${area},Somewhere,LA_Raw,Unitary Authorities,North West,"Outcome, something",${code},${value},7.6,0,${order}`;

describe('oflog-asc adapter over the real file', async () => {
  const file = sharedFile('performance/oflog_adult_social_care_2015_2023.csv');
  const r = await run(oflogAscAdapter, [file]);
  // Counted without the CSV parser: the code, value and rank_order are the last columns of each line.
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n').slice(1);
  const parsed = lines.map((l) => /,(ASC\d),([^,]*),[^,]*,[^,]*,(\w*)$/.exec(l)!);
  const count = (pred: (m: RegExpExecArray) => boolean) => parsed.filter(pred).length;

  it('yields the seven metrics first, then one observation per row (6,376), with no errors', () => {
    expect(lines).toHaveLength(6376); // SOURCES.md
    expect(r.errors).toEqual([]);
    expect(r.metricsFirst).toBe(true);
    expect(r.metrics.map((m) => m.code)).toEqual([
      'oflog.asc1',
      'oflog.asc2',
      'oflog.asc3',
      'oflog.asc4',
      'oflog.asc5',
      'oflog.asc6',
      'oflog.asc7',
    ]);
    expect(r.observations).toHaveLength(6376);
    for (const code of ['ASC1', 'ASC2', 'ASC3', 'ASC4', 'ASC5', 'ASC6', 'ASC7']) {
      expect(r.observations.filter((o) => o.metric === `oflog.${code.toLowerCase()}`)).toHaveLength(
        count((m) => m[1] === code),
      );
    }
  });

  it('takes polarity from rank_order: desc is higher-is-better, None is not-applicable', () => {
    for (const m of r.metrics) {
      const orders = new Set(
        parsed.filter((p) => `oflog.${p[1]!.toLowerCase()}` === m.code && p[3] !== '').map((p) => p[3]!.toLowerCase()),
      );
      expect(orders.size).toBe(1);
      expect(m.polarity).toBe(orders.has('desc') ? 'higher-is-better' : 'not-applicable');
      expect(m).toMatchObject({
        topic: 'community-wellbeing',
        periodType: 'financial-year',
        applicableAreaTypes: ['E06', 'E08', 'E09', 'E10'],
      });
      expect(m.definition).toMatch(/median/);
    }
  });

  it('maps every period to a financial year 2015/16 to 2022/23', () => {
    const labels = new Set(r.observations.map((o) => o.period.label));
    expect([...labels].sort()).toEqual([
      '2015/16',
      '2016/17',
      '2017/18',
      '2018/19',
      '2019/20',
      '2020/21',
      '2021/22',
      '2022/23',
    ]);
    expect(r.observations.every((o) => o.period.type === 'financial-year' && /^E(06|08|09|10)/.test(o.area))).toBe(
      true,
    );
  });

  it('reads values as published, blanks as not available, and the impossible ASC2 zeros as not available', () => {
    const find = (code: string, area: string, label: string) =>
      r.observations.find((o) => o.metric === code && o.area === area && o.period.label === label);
    // grep -n "2022-23,E08000009": lines 1332 (ASC2 0.428) and 5271 (ASC6 2173.73…).
    expect(find('oflog.asc2', 'E08000009', '2022/23')).toMatchObject({ value: 0.428, status: [], at: { line: 1332 } });
    expect(find('oflog.asc6', 'E08000009', '2022/23')).toMatchObject({ value: 2173.732680660416, at: { line: 5271 } });
    expect(find('oflog.asc3', 'E06000053', '2015/16')).toMatchObject({
      value: null,
      status: ['x'],
      at: { line: 1451 },
    });
    // Line 1014: Trafford ASC2 2019-20 is 0 in the source.
    expect(find('oflog.asc2', 'E08000009', '2019/20')).toMatchObject({
      value: null,
      status: ['x'],
      at: { line: 1014 },
    });
    expect(find('oflog.asc2', 'E08000009', '2019/20')?.note).toMatch(/source gives 0/);
    const blanks = count((m) => m[2] === '');
    const asc2Zeros = count((m) => m[1] === 'ASC2' && Number(m[2]) === 0 && m[2] !== '');
    expect([blanks, asc2Zeros]).toEqual([298, 5]);
    expect(r.observations.filter((o) => o.value === null)).toHaveLength(blanks + asc2Zeros);
    expect(
      r.observations.find((o) => o.metric === 'oflog.asc5' && o.area === 'E06000053' && o.period.label === '2016/17')
        ?.value,
    ).toBe(0); // a real 0 %
  });
});

describe('oflog-asc adapter refuses bad input', () => {
  it('refuses another adapter’s file at line 1', async () => {
    const err = await run(oflogAscAdapter, [
      sharedFile('performance/defra_household_recycling_rate_2015_2024.csv'),
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as ImportFileError).at.line).toBe(1);
    expect((err as Error).message).toMatch(/not a oflog-asc file: the header lacks "Financial year"/);
  });

  it('reports bad codes, years, values and polarities with file, line and field, and reads on', async () => {
    const f = write(
      'bad.csv',
      [
        HEADER,
        row('2016-17', 'E08000009', 'ASC9', '7'),
        row('2016-17', 'E08000009', 'ASC1', 'seven'),
        row('2015-17', 'E08000009', 'ASC1', '7'),
        row('2016-17', 'E08000009', 'ASC1', '7', 'asc'),
        row('2016-17', 'E08000009', 'ASC3', '170', 'DESC'),
        row('2016-17', 'E08000003', 'ASC1', '7.4'),
      ].join('\n'),
    );
    const r = await run(oflogAscAdapter, [f]);
    expect(r.errors.map((e) => `${path.basename(e.at.file)}:${e.at.line} ${e.field}`)).toEqual([
      'bad.csv:2 Code',
      'bad.csv:3 Value',
      'bad.csv:4 Financial year',
      'bad.csv:5 rank_order',
      'bad.csv:6 Value',
    ]);
    expect(r.errors[1]!.message).toMatch(/"seven" is not a number/);
    expect(r.errors[2]!.message).toMatch(/"2015-17" is not a financial year/);
    expect(r.observations).toMatchObject([{ metric: 'oflog.asc1', area: 'E08000003', value: 7.4, at: { line: 7 } }]);
  });

  it('turns publisher markers into status codes', async () => {
    const r = await run(oflogAscAdapter, [
      write(
        'markers.csv',
        [HEADER, row('2016-17', 'E08000009', 'ASC1', '[c]'), row('2016-17', 'E08000003', 'ASC1', ':')].join('\n'),
      ),
    ]);
    expect(r.errors).toEqual([]);
    expect(r.observations.map((o) => [o.value, o.status])).toEqual([
      [null, ['c']],
      [null, ['x']],
    ]);
  });

  it('refuses an empty file, reads one with a BOM, refuses invalid UTF-8 naming the line', async () => {
    await expect(run(oflogAscAdapter, [write('empty.csv', '')])).rejects.toThrow(/empty/);
    const bom = await run(oflogAscAdapter, [
      write('bom.csv', `\uFEFF${HEADER}\n${row('2016-17', 'E08000009', 'ASC1', '7.6')}\n`),
    ]);
    expect(bom.observations).toMatchObject([{ value: 7.6 }]);
    const bad = Buffer.concat([
      Buffer.from(
        `${HEADER}\n${row('2016-17', 'E08000009', 'ASC1', '7')}\n${row('2016-17', 'E08000003', 'ASC1', '7')}\n2016-17,E06000001,Hartlepool`,
      ),
      Buffer.from([0xff]),
      Buffer.from(',LA_Raw\n'),
    ]);
    const err = await run(oflogAscAdapter, [write('bad-utf8.csv', bad)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as ImportFileError).at.line).toBe(4);
  });
});
