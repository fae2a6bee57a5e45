import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import type { ImportAdapter, ImportIssue, ObservationRecord } from '../adapter.ts';
import type { MetricDefinition } from '../../metrics/index.ts';
import { ImportFileError } from '../csv.ts';
import { defraRecyclingAdapter } from './defra-recycling.ts';
import { longCsvAdapter } from './long-csv.ts';

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
const where = (errors: ImportIssue[]) => errors.map((e) => `${path.basename(e.at.file)}:${e.at.line} ${e.field}`);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'long-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, content: string | Buffer) => {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
};
const DATA_HEADER = 'metric,area,period,value,status,lci,uci,numerator,denominator';
const METRICS_HEADER =
  'code,title,unit,unit_type,decimal_places,polarity,topic,period_type,applicable_area_types,publisher,licence,source_url,description,caveats';
const GOOD_METRIC =
  't.rate,A rate,%,percentage,1,higher-is-better,environment-housing,financial-year,E06 E08,Someone,OGL-UK-3.0,,,';

describe('long-csv: the example in docs/long-csv.md', () => {
  const doc = readFileSync(
    path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../docs/long-csv.md'),
    'utf8',
  );
  const example = (name: string) =>
    write(
      name,
      /<!-- example: (\S+) -->\n```csv\n([\s\S]*?)```/g.exec(doc.slice(doc.indexOf(`<!-- example: ${name} -->`)))![2]!,
    );

  it('imports as the document says', async () => {
    const r = await run(longCsvAdapter, [example('data.csv'), example('metrics.csv')]);
    expect(r.errors).toEqual([]);
    expect(r.metricsFirst).toBe(true);
    expect(r.metrics).toMatchObject([
      {
        code: 'mycouncil.missed-bins',
        unit: 'per 100,000 collections',
        unitType: 'rate-per-100000',
        polarity: 'lower-is-better',
        statisticsStatus: 'management-information',
        applicableAreaTypes: ['E06', 'E07', 'E08', 'E09'],
      },
    ]);
    expect(r.observations.map((o) => [o.area, o.period.label, o.value, o.status, o.note])).toEqual([
      ['E08000009', '2022/23', 41.5, [], null],
      ['E08000009', '2023/24', 39.2, ['p'], 'Provisional until the annual return is signed off'],
      ['E08000003', '2023/24', null, ['c'], 'Fewer than 10 reports'],
    ]);
    expect(r.observations[0]).toMatchObject({
      numerator: 830,
      denominator: 2000000,
      period: { iso: '2022-04-01/P1Y' },
    });
  });
});

describe('long-csv over real data', () => {
  it('reads the DEFRA recycling rows rewritten in the long format exactly as the DEFRA adapter does', async () => {
    const source = sharedFile('performance/defra_household_recycling_rate_2015_2024.csv');
    const rows = (parse(readFileSync(source), { columns: true }) as Record<string, string>[]).filter((r) =>
      r.area_code!.startsWith('E'),
    );
    const data = write(
      'defra-long.csv',
      stringify(
        rows.map((r) => ({
          metric: 'defra.household-recycling-rate',
          area: r.area_code,
          period: r.period,
          value: r.value,
          status: '',
          lci: '',
          uci: '',
          numerator: '',
          denominator: '',
        })),
        { header: true },
      ),
    );
    const metrics = write(
      'defra-metrics.csv',
      `${METRICS_HEADER}\ndefra.household-recycling-rate,Household recycling rate,%,percentage,1,higher-is-better,environment-housing,financial-year,E06 E07 E08 E09,DEFRA,OGL-UK-3.0,https://www.gov.uk/,,\n`,
    );
    const long = await run(longCsvAdapter, [data, metrics]);
    const defra = await run(defraRecyclingAdapter, [source]);
    expect(long.errors).toEqual([]);
    expect(long.observations).toHaveLength(2707);
    const key = (o: ObservationRecord) => `${o.area} ${o.period.iso} ${o.value} ${o.status.join()}`;
    expect(long.observations.map(key)).toEqual(defra.observations.map(key));
  });

  it('reads the 230,968 ONS Explore Local Statistics observations, refusing the 44 whose status cell holds a note', async () => {
    const source = sharedFile('performance/ons_explore_local_statistics/els_observations_england.csv');
    const rows = parse(readFileSync(source), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(230968); // SOURCES.md
    const data = write(
      'els-long.csv',
      stringify(
        rows.map((r) => ({
          metric: `els.${r.indicator_id}`,
          area: r.areacd,
          period: r.period,
          value: r.observation,
          status: r.status,
          lci: r.lci_95,
          uci: r.uci_95,
          numerator: '',
          denominator: '',
          note: r.notes,
        })),
        { header: true },
      ),
    );
    const r = await run(longCsvAdapter, [data]);
    const badStatus = rows
      .map((row, i) => ({ status: row.status!, line: i + 2 }))
      .filter((x) => x.status !== '' && !/^[xcuz]$/.test(x.status));
    expect(badStatus).toHaveLength(44);
    expect(r.errors.map((e) => [e.at.line, e.field])).toEqual(badStatus.map((b) => [b.line, 'status']));
    expect(r.errors[0]!.message).toMatch(/"Value" is not a status code/);
    expect(r.observations).toHaveLength(230968 - 44);
    const byStatus = (s: string) => r.observations.filter((o) => o.status.join() === s).length;
    expect(byStatus('x')).toBe(
      rows.filter((x) => x.status === 'x' || (x.status === '' && x.observation === '')).length,
    );
    expect(byStatus('c')).toBe(22);
    expect(r.observations.filter((o) => o.value === null)).toHaveLength(
      rows.filter((x) => x.observation === '').length,
    );
    // Line 2 of the source: indicator 1, England, 2015-11-16/P1Y, 22.6262 (22.42869 to 22.82922).
    expect(r.observations[0]).toMatchObject({
      metric: 'els.1',
      area: 'E92000001',
      period: { iso: '2015-11-16/P1Y', type: 'interval' },
      value: 22.6262,
      lci: 22.42869,
      uci: 22.82922,
      at: { line: 2 },
    });
  });
});

describe('long-csv refuses bad input', () => {
  it('refuses another adapter’s file, naming the missing columns', async () => {
    const err = await run(longCsvAdapter, [
      sharedFile('performance/defra_household_recycling_rate_2015_2024.csv'),
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFileError);
    expect(err).toMatchObject({ at: { line: 1 }, wrongHeader: true });
    expect((err as Error).message).toMatch(/not a long-csv file: the header lacks "metric"/);
  });

  it('refuses a column the format does not have', async () => {
    await expect(
      run(longCsvAdapter, [write('typo.csv', `${DATA_HEADER},lower_ci\nt.rate,E08000009,2023,1,,,,,,\n`)]),
    ).rejects.toThrow(/unknown column "lower_ci"/);
  });

  it('reports every bad cell with file, line and field, and reads on', async () => {
    const f = write(
      'bad.csv',
      [
        `${DATA_HEADER},ci_level,note`,
        'Bad Code,E08000009,2023,1,,,,,,,',
        't.other,Trafford,2023,1,,,,,,,',
        't.other,E08000009,2023-02-30,1,,,,,,,',
        't.other,E08000009,2023/24,1,,,,,,,',
        't.rate,E08000009,2023,1,,,,,,,',
        't.other,E08000009,2023,abc,,,,,,,',
        't.other,E08000009,2023,12,c,,,,,,',
        't.other,E08000009,2023,12,q,,,,,,',
        't.other,E08000009,2023,12,,low-ish,14,,,,',
        't.other,E08000009,2023,12,,11,14,,,150,',
        't.rate,E08000009,2023/24,..,,,,,,,',
        't.other,E08000009,2024-01-01/P3M,12.5,p,11,14,5,40,90,ok',
      ].join('\n'),
    );
    const r = await run(longCsvAdapter, [f, write('m.csv', `${METRICS_HEADER}\n${GOOD_METRIC}\n`)]);
    expect(where(r.errors)).toEqual([
      'bad.csv:2 metric',
      'bad.csv:3 area',
      'bad.csv:4 period',
      'bad.csv:5 period',
      'bad.csv:6 period',
      'bad.csv:7 value',
      'bad.csv:8 status',
      'bad.csv:9 status',
      'bad.csv:10 lci',
      'bad.csv:11 ci_level',
    ]);
    const msg = r.errors.map((e) => e.message);
    expect(msg[2]).toMatch(/not a real date/);
    expect(msg[3]).toMatch(/financial or an academic year/);
    expect(msg[4]).toMatch(/calendar-year period, but t.rate is defined with period_type financial-year/);
    expect(msg[5]).toMatch(/"abc" is not a number/);
    expect(msg[6]).toMatch(/says there is no value, but value is 12/);
    expect(msg[7]).toMatch(/"q" is not a status code/);
    expect(r.observations.map((o) => [o.metric, o.period.label, o.value, o.status])).toEqual([
      ['t.rate', '2023/24', null, ['x']],
      ['t.other', 'Q1 2024 (Jan to Mar)', 12.5, ['p']],
    ]);
    expect(r.observations[1]).toMatchObject({
      lci: 11,
      uci: 14,
      ciLevel: 90,
      numerator: 5,
      denominator: 40,
      note: 'ok',
    });
  });

  it('checks every field of the metrics file, names the line and column, and drops the data of refused metrics', async () => {
    const m = write(
      'metrics.csv',
      [
        `${METRICS_HEADER},statistics_status`,
        `${GOOD_METRIC},`,
        'BAD,,,percent,7,up,housing,fiscal-year,E6,,,ftp://x,,,secret',
        `${GOOD_METRIC},`,
      ].join('\n'),
    );
    const d = write('d.csv', `${DATA_HEADER}\nBAD,E08000009,2023,1,,,,,\nt.rate,E08000009,2023/24,50,,,,,\n`);
    const r = await run(longCsvAdapter, [m, d]);
    expect(where(r.errors)).toEqual([
      'metrics.csv:3 code',
      'metrics.csv:3 title',
      'metrics.csv:3 unit',
      'metrics.csv:3 unit_type',
      'metrics.csv:3 decimal_places',
      'metrics.csv:3 polarity',
      'metrics.csv:3 topic',
      'metrics.csv:3 period_type',
      'metrics.csv:3 applicable_area_types',
      'metrics.csv:3 publisher',
      'metrics.csv:3 licence',
      'metrics.csv:3 source_url',
      'metrics.csv:3 statistics_status',
      'metrics.csv:4 code',
      'd.csv:2 metric',
    ]);
    expect(r.errors.find((e) => e.field === 'unit_type')!.message).toMatch(/"percent" is not one of count, percentage/);
    expect(r.errors.find((e) => e.at.line === 4)!.message).toMatch(/already defined on line 2/);
    expect(r.metrics.map((x) => x.code)).toEqual(['t.rate']);
    expect(r.observations).toMatchObject([{ metric: 't.rate', value: 50 }]);
  });

  it('refuses two data files, a metrics file alone, and an empty file; reads a BOM; refuses invalid UTF-8 naming the line', async () => {
    const a = write('a.csv', `${DATA_HEADER}\nt.rate,E08000009,2023,1,,,,,\n`);
    await expect(run(longCsvAdapter, [a, a])).rejects.toThrow(/two data files/);
    await expect(
      run(longCsvAdapter, [write('only-metrics.csv', `${METRICS_HEADER}\n${GOOD_METRIC}\n`)]),
    ).rejects.toThrow(/without a data file/);
    await expect(run(longCsvAdapter, [write('empty.csv', '')])).rejects.toThrow(/empty/);
    const bom = await run(longCsvAdapter, [write('bom.csv', `\uFEFF${DATA_HEADER}\nt.rate,E08000009,2023,1,,,,,\n`)]);
    expect(bom.observations).toMatchObject([{ metric: 't.rate', value: 1 }]);
    const err = await run(longCsvAdapter, [
      write(
        'latin1.csv',
        Buffer.concat([
          Buffer.from(`${DATA_HEADER}\nt.rate,E08000009,2023,1,,,,,\nt.rate,E08000003,2023,1,,,,,caf`),
          Buffer.from([0xe9]),
          Buffer.from('\n'),
        ]),
      ),
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as ImportFileError).at.line).toBe(3);
  });
});

describe('long-csv: a categorical measure', () => {
  it('stores labels as positions, best first, and refuses an unknown label or a number with file:line', async () => {
    const m = write(
      'cat-metrics.csv',
      `${METRICS_HEADER},categories\nt.grade,A grade,grade,category,0,lower-is-better,environment-housing,calendar-year,E06 E08,Someone,OGL-UK-3.0,,,,Good; Fair; Poor\n`,
    );
    const d = write(
      'cat-data.csv',
      `${DATA_HEADER}\nt.grade,E08000009,2023,fair,,,,,\nt.grade,E08000003,2023,Excellent,,,,,\nt.grade,E06000001,2023,2,,,,,\nt.grade,E06000002,2023,,c,,,,\n`,
    );
    const r = await run(longCsvAdapter, [d, m]);
    expect(r.metrics[0]).toMatchObject({
      unitType: 'category',
      categories: [
        { code: 'good', label: 'Good' },
        { code: 'fair', label: 'Fair' },
        { code: 'poor', label: 'Poor' },
      ],
    });
    expect(where(r.errors)).toEqual(['cat-data.csv:3 value', 'cat-data.csv:4 value']);
    expect(r.errors[0]).toMatchObject({ value: 'Excellent' });
    expect(r.errors[1]!.message).toMatch(/categorical.*not a number/);
    expect(r.observations.map((o) => [o.area, o.value, o.status])).toEqual([
      ['E08000009', 2, []],
      ['E06000002', null, ['c']],
    ]);
  });
});
