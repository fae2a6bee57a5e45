import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import type { ImportAdapter, ImportIssue, ObservationRecord } from '../adapter.ts';
import type { MetricDefinition } from '../../metrics/index.ts';
import { ImportFileError } from '../csv.ts';
import { imdAdapter } from './imd.ts';

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
    metricsFirst: observations.length === 0 || order.lastIndexOf('metric') < order.indexOf('observation'),
  };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'imd-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, content: string | Buffer) => {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
};
const D = 'performance/deprivation/';
const FILES = {
  lad19: sharedFile(`${D}imd2019_england_lad19.csv`),
  lad24: sharedFile(`${D}imd2025_england_lad24.csv`),
  lad23: sharedFile(`${D}imd2019_england_lad23_reaggregated.csv`),
  lad21: sharedFile(`${D}imd2004_2015_england_lad21_reaggregated.csv`),
};
const rows = (f: string) => readFileSync(f, 'utf8').trimEnd().split('\n').length - 1;
const HEADER19 = readFileSync(FILES.lad19, 'utf8').split('\n')[0]!;
const line19 = (code: string, score: string) => [code, score, ...Array<string>(16).fill('0.1')].join(',');

describe('imd adapter over the real files', async () => {
  const r = await run(imdAdapter, [FILES.lad19, FILES.lad24, FILES.lad23, FILES.lad21]);
  const of = (prefix: string) => r.observations.filter((o) => o.metric.startsWith(`${prefix}.`));
  const metricsOf = (prefix: string) => r.metrics.filter((m) => m.code.startsWith(`${prefix}.`));

  it('yields every metric first, then one observation per council and measure', () => {
    expect(r.errors).toEqual([]);
    expect(r.metricsFirst).toBe(true);
    // SOURCES.md
    expect([rows(FILES.lad19), rows(FILES.lad24), rows(FILES.lad23), rows(FILES.lad21)]).toEqual([317, 296, 296, 1236]);
    // IoD2019: score, proportion, extent + 7 domains × (score, proportion) = 17; IoD2025: 5 + 7 × 3 + 2 scales = 28.
    expect([metricsOf('imd2019'), metricsOf('imd2025'), metricsOf('imd2019-lad23-reagg')].map((m) => m.length)).toEqual(
      [17, 28, 17],
    );
    expect(r.metrics.filter((m) => /^imd(2004|2007|2010|2015)-lad21-reagg\./.test(m.code))).toHaveLength(12);
    expect(r.metrics).toHaveLength(74);
    expect(new Set(r.metrics.map((m) => m.code)).size).toBe(74);
    expect(of('imd2019')).toHaveLength(317 * 17);
    expect(of('imd2025')).toHaveLength(296 * 28);
    expect(of('imd2019-lad23-reagg')).toHaveLength(296 * 17);
    for (const ed of [2004, 2007, 2010, 2015]) expect(of(`imd${ed}-lad21-reagg`)).toHaveLength(309 * 3);
    expect(r.observations).toHaveLength(317 * 17 + 296 * 28 + 296 * 17 + 1236 * 3);
  });

  it('uses the edition year as a calendar-year period, and labels the re-aggregations as not official', () => {
    for (const o of r.observations) expect(o.period.type).toBe('calendar-year');
    expect(new Set(of('imd2019').map((o) => o.period.iso))).toEqual(new Set(['2019-01-01/P1Y']));
    expect(new Set(of('imd2025').map((o) => o.period.label))).toEqual(new Set(['2025']));
    expect(new Set(of('imd2010-lad21-reagg').map((o) => o.period.label))).toEqual(new Set(['2010']));
    for (const m of r.metrics) {
      expect(m).toMatchObject({ topic: 'context', polarity: 'not-applicable', periodType: 'calendar-year' });
      const official = /^imd20(19|25)\./.test(m.code);
      expect(m.statisticsStatus).toBe(official ? 'official' : 'derived');
      if (!official) expect(m.title).toMatch(/re-aggregated by a third party, not official/);
      else expect(m.title).not.toMatch(/re-aggregated/);
    }
  });

  it('reads values as published (spot checks read off the files with grep)', () => {
    const v = (metric: string, area: string) => r.observations.find((o) => o.metric === metric && o.area === area);
    // imd2019_england_lad19.csv line 258: Trafford 16.088, 0.0507, 0.1127, Income 0.107, Health -0.072.
    expect(v('imd2019.score', 'E08000009')).toMatchObject({ value: 16.088, at: { line: 258 } });
    expect(v('imd2019.proportion-most-deprived-10pc', 'E08000009')?.value).toBe(0.0507);
    expect(v('imd2019.extent', 'E08000009')?.value).toBe(0.1127);
    expect(v('imd2019.income.score', 'E08000009')?.value).toBe(0.107);
    expect(v('imd2019.health.score', 'E08000009')?.value).toBe(-0.072);
    // imd2025_england_lad24.csv line 237: Trafford.
    expect(v('imd2025.score', 'E08000009')).toMatchObject({ value: 14.972, at: { line: 237 } });
    expect(v('imd2025.average-rank', 'E08000009')?.value).toBe(11881.22);
    expect(v('imd2025.local-concentration', 'E08000009')?.value).toBe(29770.82);
    expect(v('imd2025.income.scale', 'E08000009')?.value).toBe(40418);
    expect(v('imd2025.living-environment.proportion-most-deprived-10pc', 'E08000009')?.value).toBe(0.0576);
    expect(v('imd2025.score', 'E06000001')?.value).toBe(37.58); // Hartlepool, line 2
    // imd2004_2015…csv lines 250 and 1177.
    expect(v('imd2004-lad21-reagg.score', 'E08000009')).toMatchObject({ value: 20.14424458719962, at: { line: 250 } });
    expect(v('imd2015-lad21-reagg.extent', 'E08000009')).toMatchObject({
      value: 0.10245284683612947,
      at: { line: 1177 },
    });
    expect(r.observations.every((o) => o.value !== null && o.status.length === 0)).toBe(true);
  });

  it('reads one file alone, yielding only its metrics', async () => {
    const one = await run(imdAdapter, [FILES.lad24]);
    expect(one.metrics).toHaveLength(28);
    expect(one.observations).toHaveLength(296 * 28);
  });
});

describe('imd adapter refuses bad input', () => {
  it('refuses another adapter’s file, naming the column sets it reads', async () => {
    const err = await run(imdAdapter, [sharedFile('performance/population/ons_census2021_households_lad23.csv')]).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ImportFileError);
    expect(err).toMatchObject({ at: { line: 1 }, wrongHeader: true });
    expect((err as ImportFileError).at.file).toMatch(/ons_census2021_households_lad23\.csv$/);
    expect((err as Error).message).toMatch(/not an imd file: .*ltla19_code/);
  });

  it('reports non-numeric and out-of-range values and bad codes with file, line and field, and reads on', async () => {
    const bad = [
      line19('E08000009', 'abc'),
      line19('Trafford', '20'),
      `E08000003,30,1.5,${Array<string>(15).fill('0.1').join(',')}`,
      line19('E06000001', '35'),
    ];
    const r = await run(imdAdapter, [write('bad.csv', [HEADER19, ...bad].join('\n'))]);
    expect(r.errors.map((e) => `${path.basename(e.at.file)}:${e.at.line} ${e.field}`)).toEqual([
      'bad.csv:2 Score',
      'bad.csv:3 ltla19_code',
      'bad.csv:4 Proportion',
    ]);
    expect(r.errors[0]!.message).toMatch(/"abc" is not a number/);
    expect(r.errors[2]!.message).toMatch(/out of range/);
    expect(r.observations.filter((o) => o.area === 'E08000009')).toHaveLength(16);
    expect(r.observations.filter((o) => o.area === 'E06000001')).toHaveLength(17);
  });

  it('turns publisher markers into status codes', async () => {
    const r = await run(imdAdapter, [
      write('markers.csv', [HEADER19, line19('E08000009', '..'), line19('E08000003', '[c]')].join('\n')),
    ]);
    expect(r.errors).toEqual([]);
    const score = r.observations.filter((o) => o.metric === 'imd2019.score');
    expect(score.map((o) => [o.value, o.status])).toEqual([
      [null, ['x']],
      [null, ['c']],
    ]);
  });

  it('refuses an unknown edition in the multi-edition file', async () => {
    const r = await run(imdAdapter, [
      write(
        'ed.csv',
        'imd_edition,ltla21_code,Score,Proportion,Extent\n2012,E08000009,1,0.1,0.1\n2015,E08000009,1,0.1,0.1\n',
      ),
    ]);
    expect(r.errors).toMatchObject([{ at: { line: 2 }, field: 'imd_edition', value: '2012' }]);
    expect(r.observations).toHaveLength(3);
  });

  it('refuses an empty file, reads one with a BOM, refuses invalid UTF-8 naming the line', async () => {
    await expect(run(imdAdapter, [write('empty.csv', '')])).rejects.toThrow(/empty/);
    const bom = await run(imdAdapter, [write('bom.csv', `\uFEFF${HEADER19}\n${line19('E08000009', '16.1')}\n`)]);
    expect(bom.errors).toEqual([]);
    expect(bom.observations.find((o) => o.metric === 'imd2019.score')?.value).toBe(16.1);
    const err = await run(imdAdapter, [
      write(
        'latin1.csv',
        Buffer.concat([Buffer.from(`${HEADER19}\n${line19('E08000009', '1')}\n`), Buffer.from([0xe9, 0x0a])]),
      ),
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as ImportFileError).at.line).toBe(3);
  });
});
