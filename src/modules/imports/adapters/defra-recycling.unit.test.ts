import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import type { ImportAdapter, ImportIssue, ObservationRecord } from '../adapter.ts';
import type { MetricDefinition } from '../../metrics/index.ts';
import type { SourceLocation } from '../../../platform/source.ts';
import { ImportFileError } from '../csv.ts';
import { defraRecyclingAdapter } from './defra-recycling.ts';

const FILE = 'performance/defra_household_recycling_rate_2015_2024.csv';
const HEADER = 'area_code,area_name,period,indicator,unit,value,source_commit';
const IND = '"Percentage of household waste sent for reuse, recycling or composting"';

async function run(adapter: ImportAdapter, files: string[]) {
  const metrics: MetricDefinition[] = [];
  const observations: ObservationRecord[] = [];
  const errors: ImportIssue[] = [];
  const skipped: { at: SourceLocation; reason: string }[] = [];
  let sawObservation = false;
  let metricAfterObservation = false;
  const ctx = {
    error: (i: ImportIssue) => void errors.push(i),
    progress: () => {},
    skipped: (at: SourceLocation, reason: string) => void skipped.push({ at, reason }),
  };
  for await (const item of adapter.read(files, ctx)) {
    if (item.kind === 'metric') {
      metrics.push(item.metric);
      if (sawObservation) metricAfterObservation = true;
    } else if (item.kind === 'observation') {
      observations.push(item.observation);
      sawObservation = true;
    }
  }
  return { metrics, observations, errors, skipped, metricAfterObservation };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'defra-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, content: string | Buffer) => {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
};
const row = (code: string, period: string, value: string) => `${code},Somewhere,${period},${IND},percent,${value},abc`;

describe('defra-recycling adapter over the real file', async () => {
  const file = sharedFile(FILE);
  const r = await run(defraRecyclingAdapter, [file]);
  // Counted independently of the CSV parser: every data line starts with its area code.
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n').slice(1);
  const english = lines.filter((l) => l.startsWith('E'));

  it('yields one metric before 2,707 English observations and skips the 650 other UK rows', () => {
    expect(lines).toHaveLength(3357); // SOURCES.md
    expect(r.metrics.map((m) => m.code)).toEqual(['defra.household-recycling-rate']);
    expect(r.metricAfterObservation).toBe(false);
    expect(r.errors).toEqual([]);
    expect(r.observations).toHaveLength(english.length);
    expect(english).toHaveLength(2707);
    expect(r.skipped).toHaveLength(3357 - 2707);
    expect(r.skipped.every((s) => /Wales, Scotland/.test(s.reason))).toBe(true);
  });

  it('maps every period to a financial year from 2015/16 to 2023/24, with the per-year counts of the file', () => {
    const byPeriod = new Map<string, number>();
    for (const o of r.observations) {
      expect(o.period.type).toBe('financial-year');
      byPeriod.set(o.period.label, (byPeriod.get(o.period.label) ?? 0) + 1);
    }
    const expected = new Map<string, number>();
    for (const l of english) {
      const p = /,(\d{4}\/\d{2}),/.exec(l)![1]!;
      expected.set(p, (expected.get(p) ?? 0) + 1);
    }
    expect(byPeriod).toEqual(expected);
    expect([...byPeriod.keys()].sort()).toEqual([
      '2015/16',
      '2016/17',
      '2017/18',
      '2018/19',
      '2019/20',
      '2020/21',
      '2021/22',
      '2022/23',
      '2023/24',
    ]);
    expect(byPeriod.get('2015/16')).toBe(310);
  });

  it('reads values as published (spot checks read off the file with grep)', () => {
    const find = (area: string, label: string) =>
      r.observations.find((o) => o.area === area && o.period.label === label);
    // grep -n E08000009 …: line 283 is Trafford 2015/16 60.4; line 3200 is 2023/24 58.4.
    expect(find('E08000009', '2015/16')).toMatchObject({ value: 60.4, status: [], at: { line: 283 } });
    expect(find('E08000009', '2023/24')).toMatchObject({ value: 58.4, status: [], period: { iso: '2023-04-01/P1Y' } });
    expect(find('E07000008', '2015/16')?.value).toBe(42.7); // Cambridge, reported jointly afterwards
    expect(find('E07000008', '2016/17')).toBeUndefined();
    // Bristol 2023/24 is NA in the source: not available, never a value.
    expect(find('E06000023', '2023/24')).toMatchObject({ value: null, status: ['x'], at: { line: 2991 } });
    expect(r.observations.filter((o) => o.value === null)).toHaveLength(1);
    expect(r.observations.every((o) => /^E0[6-9]/.test(o.area))).toBe(true);
  });

  it('carries the caveats from SOURCES.md in the metric', () => {
    const m = r.metrics[0]!;
    expect(m).toMatchObject({
      polarity: 'higher-is-better',
      topic: 'environment-housing',
      periodType: 'financial-year',
      applicableAreaTypes: ['E06', 'E07', 'E08', 'E09'],
    });
    expect(m.caveats).toMatch(/joint/);
    expect(m.caveats).toMatch(/abolished/);
  });
});

describe('defra-recycling adapter refuses bad input', () => {
  it('refuses another adapter’s file at line 1, naming the missing columns', async () => {
    const err = await run(defraRecyclingAdapter, [
      sharedFile('performance/oflog_adult_social_care_2015_2023.csv'),
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as ImportFileError).at).toMatchObject({ line: 1 });
    expect((err as ImportFileError).at.file).toMatch(/oflog_adult_social_care_2015_2023\.csv$/);
    expect((err as Error).message).toMatch(/not a defra-recycling file: the header lacks "area_code"/);
  });

  it('refuses a Trafford Data Lab file with the same columns but another indicator', async () => {
    const f = write('other.csv', `${HEADER}\nE08000009,Trafford,2015/16,NEET,percent,3,abc\n`);
    await expect(run(defraRecyclingAdapter, [f])).rejects.toThrow(/indicator "NEET"/);
  });

  it('reports a non-numeric value and an impossible period with file, line and field, and reads on', async () => {
    const f = write(
      'bad.csv',
      [
        HEADER,
        row('E08000009', '2015/16', 'abc'),
        row('E08000009', '2015/17', '50'),
        row('E08000009', '2016/17', '101'),
        row('E08000003', '2016/17', '40.5'),
      ].join('\n'),
    );
    const r = await run(defraRecyclingAdapter, [f]);
    expect(r.errors.map((e) => `${path.basename(e.at.file)}:${e.at.line} ${e.field}`)).toEqual([
      'bad.csv:2 value',
      'bad.csv:3 period',
      'bad.csv:4 value',
    ]);
    expect(r.errors[0]!.message).toMatch(/"abc" is not a number/);
    expect(r.errors[1]!.message).toMatch(/"2015\/17" is not a financial year/);
    expect(r.errors[2]!.message).toMatch(/between 0 and 100/);
    expect(r.observations).toHaveLength(1);
    expect(r.observations[0]).toMatchObject({ area: 'E08000003', value: 40.5, at: { line: 5 } });
  });

  it('turns publisher markers into status codes and never into a value', async () => {
    const f = write(
      'markers.csv',
      [
        HEADER,
        row('E08000009', '2015/16', '..'),
        row('E08000003', '2015/16', '[c]'),
        row('E08000001', '2015/16', ''),
      ].join('\n'),
    );
    const r = await run(defraRecyclingAdapter, [f]);
    expect(r.errors).toEqual([]);
    expect(r.observations.map((o) => [o.value, o.status])).toEqual([
      [null, ['x']],
      [null, ['c']],
      [null, ['x']],
    ]);
  });

  it('reports a malformed area code but skips other UK nations silently', async () => {
    const f = write(
      'areas.csv',
      [HEADER, row('W06000001', '2015/16', '60'), row('Trafford', '2015/16', '60')].join('\n'),
    );
    const r = await run(defraRecyclingAdapter, [f]);
    expect(r.skipped.map((s) => s.at.line)).toEqual([2]);
    expect(r.errors).toMatchObject([{ at: { line: 3 }, field: 'area_code', value: 'Trafford' }]);
  });

  it('refuses an empty file', async () => {
    await expect(run(defraRecyclingAdapter, [write('empty.csv', '')])).rejects.toThrow(/the file is empty/);
  });

  it('reads a file that starts with a UTF-8 byte-order mark', async () => {
    const r = await run(defraRecyclingAdapter, [
      write('bom.csv', `\uFEFF${HEADER}\n${row('E08000009', '2015/16', '60.4')}\n`),
    ]);
    expect(r.errors).toEqual([]);
    expect(r.observations).toMatchObject([{ area: 'E08000009', value: 60.4 }]);
  });

  it('refuses bytes that are not UTF-8, naming the line', async () => {
    const body = Buffer.concat([
      Buffer.from(`${HEADER}\n${row('E08000009', '2015/16', '60')}\nE08000003,M`),
      Buffer.from([0xe9]),
      Buffer.from(`nchester,2015/16,${IND},percent,40,abc\n`),
    ]);
    const err = await run(defraRecyclingAdapter, [write('latin1.csv', body)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as ImportFileError).at).toMatchObject({ line: 3 });
    expect((err as Error).message).toMatch(/not valid UTF-8.*line 3/);
  });
});
