import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import type { ImportAdapter, ImportIssue, ObservationRecord } from '../adapter.ts';
import type { MetricDefinition } from '../../metrics/index.ts';
import type { SourceLocation } from '../../../platform/source.ts';
import { ImportFileError } from '../csv.ts';
import { populationAdapter } from './population.ts';

async function run(adapter: ImportAdapter, files: string[]) {
  const metrics: MetricDefinition[] = [];
  const observations: ObservationRecord[] = [];
  const errors: ImportIssue[] = [];
  const skipped = new Map<string, SourceLocation[]>();
  const order: string[] = [];
  const ctx = {
    error: (i: ImportIssue) => void errors.push(i),
    progress: () => {},
    skipped: (at: SourceLocation, reason: string) => void skipped.set(reason, [...(skipped.get(reason) ?? []), at]),
  };
  for await (const item of adapter.read(files, ctx)) {
    order.push(item.kind);
    if (item.kind === 'metric') metrics.push(item.metric);
    else if (item.kind === 'observation') observations.push(item.observation);
  }
  return {
    metrics,
    observations,
    errors,
    skipped,
    metricsFirst: observations.length === 0 || order.lastIndexOf('metric') < order.indexOf('observation'),
  };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'population-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, content: string | Buffer) => {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
};
const MYE = sharedFile('performance/population/ons_mid_year_population_2019_2020_la.csv');
const HH = sharedFile('performance/population/ons_census2021_households_lad23.csv');
const HEADER = 'mid_year,geography,area_code,area_name,total_population,aged_0_17,aged_18_64,aged_65_plus';
const NATION = 'not an English area (Wales, Scotland or Northern Ireland)';
const TIER = 'listed again as an upper tier with the same values';

describe('population adapter over the real files', async () => {
  const r = await run(populationAdapter, [MYE, HH]);
  // Counted without the CSV parser: year, geography and code are the first three (unquoted) columns.
  const myeLines = readFileSync(MYE, 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => /^(\d{4}),(\w+),(\w\d{8}),/.exec(l)!);
  const english = myeLines.filter((m) => m[3]!.startsWith('E'));
  const distinct = new Set(english.map((m) => `${m[1]}|${m[3]}`));
  const hhLines = readFileSync(HH, 'utf8').trimEnd().split('\n').slice(1);
  const hhEnglish = hhLines.filter((l) => l.startsWith('E'));

  it('yields five metrics first, four observations per English area and year, and one per English council for households', () => {
    expect(r.errors).toEqual([]);
    expect(r.metricsFirst).toBe(true);
    expect(r.metrics.map((m) => m.code)).toEqual([
      'population.total',
      'population.aged-0-17',
      'population.aged-18-64',
      'population.aged-65-plus',
      'census2021.households',
    ]);
    expect([myeLines.length, hhLines.length]).toEqual([1020, 318]); // SOURCES.md
    expect([english.length, distinct.size, hhEnglish.length]).toEqual([932, 681, 296]);
    expect(r.observations.filter((o) => o.metric.startsWith('population.'))).toHaveLength(distinct.size * 4);
    for (const m of ['population.total', 'population.aged-0-17', 'population.aged-18-64', 'population.aged-65-plus']) {
      expect(r.observations.filter((o) => o.metric === m)).toHaveLength(distinct.size);
    }
    expect(r.observations.filter((o) => o.metric === 'census2021.households')).toHaveLength(296);
  });

  it('skips Welsh rows and the repeat of a unitary as an upper tier, counting them', () => {
    expect(r.skipped.get(NATION)).toHaveLength(1020 - 932 + (318 - 296));
    expect(r.skipped.get(TIER)).toHaveLength(932 - 681);
    // Hartlepool mid-2020 is on line 516 (ltla20) and line 852 (utla20): the second is the skipped one.
    expect(r.skipped.get(TIER)!.some((at) => at.line === 852)).toBe(true);
  });

  it('dates mid-year estimates 30 June and Census counts 21 March 2021', () => {
    const isos = new Set(r.observations.map((o) => `${o.metric.split('.')[0]} ${o.period.iso} ${o.period.type}`));
    expect(isos).toEqual(
      new Set(['population 2019-06-30/P1D day', 'population 2020-06-30/P1D day', 'census2021 2021-03-21/P1D day']),
    );
    expect(r.observations.find((o) => o.period.iso === '2019-06-30/P1D')?.period.label).toBe('30 Jun 2019');
    expect(
      r.metrics.every((m) => m.topic === 'context' && m.polarity === 'not-applicable' && m.periodType === 'day'),
    ).toBe(true);
  });

  it('reads values as published (spot checks read off the files with grep)', () => {
    const v = (metric: string, area: string, iso: string) =>
      r.observations.find((o) => o.metric === metric && o.area === area && o.period.iso === iso);
    // Line 34: 2019,ltla19,E08000009,Trafford,237354,56511,139660,41183
    expect(v('population.total', 'E08000009', '2019-06-30/P1D')).toMatchObject({ value: 237354, at: { line: 34 } });
    expect(v('population.aged-65-plus', 'E08000009', '2019-06-30/P1D')?.value).toBe(41183);
    // Hampshire (county)
    expect(v('population.total', 'E10000014', '2019-06-30/P1D')).toMatchObject({ value: 1382542, at: { line: 472 } });
    expect(v('population.aged-0-17', 'E06000001', '2020-06-30/P1D')).toMatchObject({ value: 20108, at: { line: 516 } });
    // Households: line 42 Trafford 96269.0, line 20 Cumberland 125425.0.
    expect(v('census2021.households', 'E08000009', '2021-03-21/P1D')).toMatchObject({ value: 96269, at: { line: 42 } });
    expect(v('census2021.households', 'E06000063', '2021-03-21/P1D')?.value).toBe(125425);
    expect(r.observations.every((o) => o.area.startsWith('E') && o.value !== null)).toBe(true);
  });
});

describe('population adapter refuses bad input', () => {
  it('refuses another adapter’s file at line 1', async () => {
    const err = await run(populationAdapter, [sharedFile('performance/deprivation/imd2019_england_lad19.csv')]).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ImportFileError);
    expect(err).toMatchObject({ at: { line: 1 }, wrongHeader: true });
    expect((err as Error).message).toMatch(/not a population file/);
  });

  it('reports bad values, years, sums and conflicting tiers with file, line and field, and reads on', async () => {
    const f = write(
      'bad.csv',
      [
        HEADER,
        '2019,ltla19,E08000009,Trafford,lots,1,1,1',
        '20x9,ltla19,E08000003,Manchester,3,1,1,1',
        '2019,ltla19,E08000001,Bolton,10,1,1,1',
        '2019,ltla19,E06000001,Hartlepool,3,1,1,1',
        '2019,utla19,E06000001,Hartlepool,4,2,1,1',
        '2019,ltla19,E08000002,Bury,-3,-1,-1,-1',
        '2019,ltla19,E08000004,Oldham,6,1,2,3',
      ].join('\n'),
    );
    const r = await run(populationAdapter, [f]);
    expect(r.errors.map((e) => `${path.basename(e.at.file)}:${e.at.line} ${e.field}`)).toEqual([
      'bad.csv:2 total_population',
      'bad.csv:3 mid_year',
      'bad.csv:4 total_population',
      'bad.csv:6 total_population',
      'bad.csv:7 total_population',
      'bad.csv:7 aged_0_17',
      'bad.csv:7 aged_18_64',
      'bad.csv:7 aged_65_plus',
    ]);
    expect(r.errors[0]!.message).toMatch(/"lots" is not a number/);
    expect(r.errors[2]!.message).toMatch(/add up to 3, not 10/);
    expect(r.errors[3]!.message).toMatch(/differs from line 5/);
    expect(new Set(r.observations.map((o) => o.area))).toEqual(new Set(['E06000001', 'E08000004']));
  });

  it('turns publisher markers into status codes, and refuses a fractional household count', async () => {
    const r = await run(populationAdapter, [
      write('markers.csv', `${HEADER}\n2019,ltla19,E08000009,Trafford,..,[c],1,1\n`),
      write('hh.csv', 'ltla23_code,households\nE08000009,96269.5\nE08000003,:\n'),
    ]);
    expect(r.metrics).toHaveLength(5);
    expect(r.observations.filter((o) => o.area === 'E08000009').map((o) => [o.value, o.status])).toEqual([
      [null, ['x']],
      [null, ['c']],
      [1, []],
      [1, []],
    ]);
    expect(r.errors).toMatchObject([{ at: { line: 2 }, field: 'households', value: '96269.5' }]);
    expect(r.observations.find((o) => o.metric === 'census2021.households')).toMatchObject({
      area: 'E08000003',
      value: null,
      status: ['x'],
    });
  });

  it('refuses an empty file, reads one with a BOM, refuses invalid UTF-8 naming the line', async () => {
    await expect(run(populationAdapter, [write('empty.csv', '')])).rejects.toThrow(/empty/);
    const bom = await run(populationAdapter, [write('bom.csv', '\uFEFFltla23_code,households\nE08000009,96269\n')]);
    expect(bom.observations).toMatchObject([{ metric: 'census2021.households', value: 96269 }]);
    const err = await run(populationAdapter, [
      write(
        'latin1.csv',
        Buffer.concat([
          Buffer.from(`${HEADER}\n2019,ltla19,E08000009,Trafford,3,1,1,1\n2019,ltla19,E06000001,H`),
          Buffer.from([0xe4]),
          Buffer.from('rtlepool,3,1,1,1\n'),
        ]),
      ),
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as ImportFileError).at.line).toBe(3);
  });
});
