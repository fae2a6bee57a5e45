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
import { suggestAdapter } from '../registry.ts';
import { ELS_DATASETS } from './els-catalogue.ts';
import { ELS_SKIPPED, elsAdapter, parseElsPeriod } from './els.ts';

type Lookup = (code: string) => KnownArea | undefined;

async function run(files: string[], area?: Lookup) {
  const metrics: MetricDefinition[] = [];
  const observations: ObservationRecord[] = [];
  const errors: ImportIssue[] = [];
  const skipped: Record<string, number> = {};
  const order: string[] = [];
  const ctx = {
    error: (i: ImportIssue) => void errors.push(i),
    progress: () => {},
    skipped: (_at: unknown, r: string) => void (skipped[r] = (skipped[r] ?? 0) + 1),
    ...(area ? { area } : {}),
  };
  for await (const item of elsAdapter.read(files, ctx)) {
    order.push(item.kind);
    if (item.kind === 'metric') metrics.push(item.metric);
    else if (item.kind === 'observation') observations.push(item.observation);
  }
  return {
    metrics,
    observations,
    errors,
    skipped,
    metricsFirst: order.lastIndexOf('metric') < order.indexOf('observation'),
  };
}
async function fileError(files: string[]): Promise<ImportFileError> {
  const e = await run(files).then(
    () => undefined,
    (x: unknown) => x,
  );
  if (e instanceof ImportFileError) return e;
  throw new Error(`expected the files to be refused, got ${String(e)}`);
}

const DIR = 'performance/ons_explore_local_statistics';
const REAL = ['els_observations_england.csv', 'els_indicators.csv', 'els_indicator_metadata.json', 'els_areas.csv'].map(
  (f) => sharedFile(`${DIR}/${f}`),
);

describe('els adapter over the real files', async () => {
  const lookup = await realAreas();
  const r = await run([...REAL].reverse(), lookup); // any order: told apart by header and extension
  // Counted independently of the adapter, with csv-parse.
  const rows = parse(readFileSync(REAL[0]!), { columns: true }) as Record<string, string>[];
  const line = (n: number) => r.observations.find((o) => o.at.line === n);
  const metric = (code: string) => r.metrics.find((m) => m.code === code)!;

  it('defines the 79 indicators first, each with a valid and unique definition, and reports no errors', () => {
    expect(r.errors).toEqual([]);
    expect(r.metricsFirst).toBe(true);
    expect(r.metrics).toHaveLength(79);
    expect(new Set(r.metrics.map((m) => m.code)).size).toBe(79);
    for (const m of r.metrics) expect(validateMetricDefinition(m)).toEqual([]);
    expect(new Set(r.metrics.map((m) => m.code.split('.')[1]))).toEqual(new Set(Object.keys(ELS_DATASETS)));
  });

  it('reads all 230,968 rows and leaves out 687, each for a stated reason', () => {
    expect(rows).toHaveLength(230968); // SOURCES.md
    const prefix = (p: string) => rows.filter((x) => x.areacd!.startsWith(p)).length;
    const legacy = rows.filter((x) => {
      const a = lookup(x.areacd!);
      return a?.validTo && x.period!.slice(0, 10) > a.validTo && /Obsolete code/.test(x.notes!);
    }).length;
    expect(r.skipped).toEqual({
      'police force areas (E23), not held as areas': prefix('E23'),
      'the Greater London Authority (E61), not a council type held': prefix('E61'),
      'combined statistical areas (E67: Hackney with the City of London, Cornwall with the Isles of Scilly), not held as areas':
        prefix('E67'),
      [ELS_SKIPPED.legacyCode]: legacy,
    });
    expect([prefix('E23'), prefix('E61'), prefix('E67'), legacy]).toEqual([351, 24, 54, 258]);
    expect(r.observations).toHaveLength(230968 - 687);
  });

  it('leaves the retired codes to the engine when it has no catalogue to ask', async () => {
    const bare = await run(REAL.slice(0, 3));
    expect(bare.errors).toEqual([]);
    expect(bare.observations).toHaveLength(230968 - 687 + 258);
    expect(bare.skipped[ELS_SKIPPED.legacyCode]).toBeUndefined();
  });

  it('keeps every period form as given: ISO intervals through fromIso, bare dates as one day', () => {
    const byRaw = new Map<string, ObservationRecord>();
    const changed: string[] = [];
    for (const o of r.observations) {
      const raw = rows[o.at.line - 2]!.period!;
      byRaw.set(raw, o);
      if (o.period.iso !== (raw.includes('/') ? raw : `${raw}/P1D`))
        changed.push(`${o.at.line}: ${raw} → ${o.period.iso}`);
    }
    expect(changed).toEqual([]);
    // The forms in the file: an interval of whole years or months, or a bare date.
    expect(new Set([...byRaw.keys()].map((p) => p.replace(/\d/g, '9')))).toEqual(
      new Set(['9999-99-99/P9Y', '9999-99-99', '9999-99-99/P9M']),
    );
    expect(new Set([...byRaw.keys()].map((p) => p.split('/')[1] ?? 'date'))).toEqual(
      new Set(['P1Y', 'P3Y', 'P5Y', 'P1M', 'date']),
    );
    const seen = (raw: string) => byRaw.get(raw) && `${byRaw.get(raw)!.period.type} "${byRaw.get(raw)!.period.label}"`;
    expect(seen('2015-11-16/P1Y')).toBe('interval "16 Nov 2015 to 15 Nov 2016"');
    expect(seen('2019-08-01/P1Y')).toBe('interval "Aug 2019 to Jul 2020"');
    expect(seen('2012-02-01/P1Y')).toBe('interval "Feb 2012 to Jan 2013"');
    expect(seen('2019-01-01/P1Y')).toBe('calendar-year "2019"');
    expect(seen('2021-04-01/P1Y')).toBe('financial-year "2021/22"');
    expect(seen('2021-09-01/P1Y')).toBe('academic-year "2021/22"');
    expect(seen('2011-01-01/P3Y')).toBe('multi-year "2011 to 2013"');
    expect(seen('2019-01-01/P5Y')).toBe('multi-year "2019 to 2023"');
    expect(seen('2014-04-01/P3Y')).toBe('financial-multi-year "2014/15 to 2016/17"');
    expect(seen('2023-07-01/P1M')).toBe('month "Jul 2023"');
    expect(seen('2021-09-30')).toBe('day "30 Sep 2021"');
    // Every indicator has one kind of period, and its metric says which.
    expect(r.observations.filter((o) => o.period.type !== metric(o.metric).periodType)).toEqual([]);
  });

  it('reads values, intervals, status and notes as in the file (spot checks read off by hand)', () => {
    // Line 2: 1,E92000001,2015-11-16/P1Y,22.6262,22.42869,22.82922,,
    expect(line(2)).toMatchObject({
      metric: 'ons-els.adult-obesity-prevalence',
      area: 'E92000001',
      value: 22.6262,
      lci: 22.42869,
      uci: 22.82922,
      ciLevel: 95,
      status: [],
      note: null,
    });
    // 92722: 36,E06000001,2018-03-15,2.004594313453537,,,,
    expect(line(92722)).toMatchObject({
      metric: 'ons-els.food-outlets',
      period: { iso: '2018-03-15/P1D', type: 'day', label: '15 Mar 2018' },
      value: 2.004594313453537,
    });
    expect(line(92722)!.lci).toBeUndefined();
    // 98316: 38,E47000012,2024-01-01/P1Y,,,,c,   (suppressed) and 49453: 22,E06000053,2024-05-15/P1Y,,,,z,
    expect(line(98316)).toMatchObject({
      metric: 'ons-els.foreign-direct-investment.outward-foreign-direct-investment',
      area: 'E47000012',
      value: null,
      status: ['c'],
    });
    expect(line(49453)).toMatchObject({
      metric: 'ons-els.domestic-gas-consumption',
      value: null,
      status: ['z'],
      period: { label: '15 May 2024 to 14 May 2025' },
    });
    // 7524: 3,E06000053,2020-08-01/P1Y,,,,u,Value suppressed due to a base value of fewer than 5
    expect(line(7524)).toMatchObject({
      value: null,
      status: ['u'],
      note: 'Value suppressed due to a base value of fewer than 5',
    });
    // 92338: 35,E06000053,2024-01-01/P1Y,,,,,  (empty, no status: not available)
    expect(line(92338)).toMatchObject({ value: null, status: ['x'] });
    // 208157: 71,E06000050,2023-01-01/P1Y,5.2,,,,Estimate and confidence interval unreliable … (3-9)
    expect(line(208157)).toMatchObject({
      value: 5.2,
      status: ['u'],
      note: 'Estimate and confidence interval unreliable since the group sample size is small (3-9)',
    });
    // 165902: 54,E10000009,2015-01-01/P1Y,2700,,,,Obsolete code since 2019 (…): the old Dorset county while it existed
    expect(line(165902)).toMatchObject({
      area: 'E10000009',
      value: 2700,
      note: 'Obsolete code since 2019 (replaced by E06000059 Dorset)',
    });
    // 141026: 48,E06000001,2020-01-01/P3Y,54.5,51.6,57.4,,   32426: 19,E92000001,2020-01-01/P5Y,11.5,11.4,11.7,,
    expect(line(141026)).toMatchObject({
      metric: 'ons-els.healthy-life-expectancy.male-healthy-life-expectancy',
      period: { iso: '2020-01-01/P3Y', label: '2020 to 2022' },
      value: 54.5,
      lci: 51.6,
      uci: 57.4,
    });
    expect(line(32426)).toMatchObject({
      metric: 'ons-els.cigarette-smokers',
      period: { iso: '2020-01-01/P5Y', label: '2020 to 2024' },
      value: 11.5,
    });
    // Left out: 123074 (Barnsley's old code for April 2025), 37 (the old North East combined authority, Nov 2024).
    expect(line(123074)).toBeUndefined();
    expect(line(37)).toBeUndefined();
    // A marker never becomes a value; every blank-by-status row is null.
    const blank = rows.filter((x) => /^[xcz]$/.test(x.status!)).length;
    expect(
      r.observations
        .filter((o) => o.status.some((s) => s === 'x' || s === 'c' || s === 'z'))
        .every((o) => o.value === null),
    ).toBe(true);
    expect(blank).toBe(1288 + 22 + 24);
  });

  it('sets polarity, topic, unit, decimals, status, source and applicable area types per indicator', () => {
    expect(metric('ons-els.claimant-count')).toMatchObject({
      title: 'Claimant Count',
      polarity: 'lower-is-better',
      topic: 'economy-transport',
      unit: '%',
      unitType: 'percentage',
      decimalPlaces: 1,
      statisticsStatus: 'experimental',
      releasedAt: '2026-01-20',
      periodType: 'calendar-year',
      applicableAreaTypes: ['E06', 'E07', 'E08', 'E09', 'E10', 'E47'],
      source: {
        publisher: 'Office for National Statistics',
        licence: 'OGL-UK-3.0',
        url: expect.stringMatching(/^https:\/\/www\.ons\.gov\.uk\//),
      },
    });
    expect(metric('ons-els.claimant-count').source.attribution).toMatch(
      /Office for National Statistics, via ONS Explore Local Statistics/,
    );
    expect(metric('ons-els.healthy-life-expectancy.female-healthy-life-expectancy')).toMatchObject({
      polarity: 'higher-is-better',
      unitType: 'years',
      periodType: 'multi-year',
      applicableAreaTypes: ['E06', 'E08', 'E09', 'E10', 'E47'],
    });
    expect(metric('ons-els.greenhouse-gas-emissions')).toMatchObject({
      polarity: 'lower-is-better',
      topic: 'environment-housing',
      unit: 'tonnes CO2e per person',
    });
    expect(metric('ons-els.housing-affordability-ratio')).toMatchObject({
      polarity: 'lower-is-better',
      unitType: 'ratio',
      periodType: 'day',
      statisticsStatus: 'official',
      releasedAt: '2026-03-26',
    });
    expect(metric('ons-els.personal-wellbeing-estimates.anxiety').polarity).toBe('lower-is-better');
    expect(metric('ons-els.personal-wellbeing-estimates.happiness')).toMatchObject({
      polarity: 'higher-is-better',
      unitType: 'score',
      applicableAreaTypes: ['E06', 'E07', 'E08', 'E09', 'E10', 'E11'],
    });
    expect(metric('ons-els.business-demography.active-businesses')).toMatchObject({
      polarity: 'not-applicable',
      unitType: 'count',
      decimalPlaces: 0,
    });
    // Only police force areas, regions and England: once the police force areas are left out, the comparators remain.
    expect(metric('ons-els.homicide-offences')).toMatchObject({
      unit: 'per million population',
      periodType: 'financial-multi-year',
      applicableAreaTypes: ['E12', 'E92'],
    });
    // Publishers of Northern Ireland's figures are not this England-only file's source.
    expect(metric('ons-els.gross-median-weekly-pay').source.publisher).toBe('Office for National Statistics');
    expect(metric('ons-els.gross-disposable-household-income-per-head')).toMatchObject({
      unitType: 'currency-per-head',
      shortTitle: 'Gross disposable household income',
    });
    // Markdown links in caveats read as plain text.
    expect(metric('ons-els.adult-obesity-prevalence').caveats).toMatch(
      /Active Lives Adult Survey \(ALAS\) \(https:\/\/www\.sportengland\.org/,
    );
    expect(r.metrics.every((m) => !/\]\(http/.test(m.caveats ?? ''))).toBe(true);
  });
});

describe('els adapter refuses bad input', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'els-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const write = (name: string, content: string | Buffer) => {
    const p = path.join(tmp, name);
    writeFileSync(p, content);
    return p;
  };
  const OBS = 'indicator_id,areacd,period,observation,lci_95,uci_95,status,notes';
  const IND =
    'indicator_id,dataset,indicator,measure,unit,n_observations\n1,claimant-count,Claimant Count,Percentage,%,1\n2,healthy-life-expectancy,Male healthy life expectancy,Years,yrs,1\n';
  const META = {
    'claimant-count': {
      'ess-beta-metadata': {
        label: 'Claimant Count',
        decimalPlaces: 1,
        experimentalStatistic: 'T',
        sourceDate: '20/01/2026',
        sourceURL: 'https://www.ons.gov.uk/x',
        sourceOrg: 'Office for National Statistics',
      },
    },
    'healthy-life-expectancy': {
      'ess-beta-metadata': {
        shared: {
          decimalPlaces: 1,
          experimentalStatistic: 'T',
          sourceDate: '19/02/2026',
          sourceURL: 'https://www.ons.gov.uk/y',
          sourceOrg: 'Office for National Statistics',
        },
        'Male healthy life expectancy': { label: 'Male healthy life expectancy', subtitle: 'Years in good health' },
      },
    },
  };
  const files = (obs: string, opts: { ind?: string; meta?: unknown; metaText?: string } = {}) => [
    write('obs.csv', `${OBS}\n${obs}`),
    write('ind.csv', opts.ind ?? IND),
    write('meta.json', opts.metaText ?? JSON.stringify(opts.meta ?? META, null, 1)),
  ];
  const GOOD = '1,E08000009,2024-01-01/P1Y,3.1,,,,\n2,E06000001,2020-01-01/P3Y,54.5,51.6,57.4,,\n';

  it('reads a small good set, with byte-order marks, into two metrics and two observations', async () => {
    const f = files(GOOD);
    writeFileSync(f[0]!, `\uFEFF${readFileSync(f[0]!, 'utf8')}`);
    writeFileSync(f[2]!, `\uFEFF${readFileSync(f[2]!, 'utf8')}`);
    const r = await run(f);
    expect(r.errors).toEqual([]);
    expect(r.metrics.map((m) => m.code)).toEqual([
      'ons-els.claimant-count',
      'ons-els.healthy-life-expectancy.male-healthy-life-expectancy',
    ]);
    expect(r.observations.map((o) => [o.area, o.period.iso, o.value, o.lci ?? null])).toEqual([
      ['E08000009', '2024-01-01/P1Y', 3.1, null],
      ['E06000001', '2020-01-01/P3Y', 54.5, 51.6],
    ]);
  });

  it('refuses a file of another adapter, and points an ELS file given to another adapter here', async () => {
    const e = await fileError([
      sharedFile('performance/defra_household_recycling_rate_2015_2024.csv'),
      ...files(GOOD).slice(1),
    ]);
    expect(e).toMatchObject({ wrongHeader: true, at: { line: 1 } });
    expect(e.message).toMatch(/not an els file: its header has none of the column sets \(indicator_id, areacd, period/);
    expect(suggestAdapter(OBS.split(','), 'defra-recycling')).toMatch(/"els" adapter: use "sli import els …"/);
    expect(suggestAdapter(['indicator_id', 'dataset', 'indicator', 'measure', 'unit'], 'long-csv')).toMatch(/"els"/);
  });

  it('refuses a missing or repeated kind of file', async () => {
    const [obs, ind] = files(GOOD);
    await expect(run([obs!])).rejects.toThrow(
      /els takes els_observations_england\.csv, els_indicators\.csv and els_indicator_metadata\.json, and optionally els_areas\.csv; 1 file\(s\) given/,
    );
    await expect(run([obs!, ind!, write('ind2.csv', IND)])).rejects.toThrow(/two indicators files given/);
    await expect(
      run([obs!, ind!, write('areas.csv', 'areacd,areanm,geography\nE08000009,Trafford,Local Authority District\n')]),
    ).rejects.toThrow(/missing the metadata file \(els_indicator_metadata\.json\)/);
  });

  it('refuses an empty file of each kind', async () => {
    const [obs, ind, meta] = files(GOOD);
    const empty = write('empty.csv', '');
    await expect(run([empty, ind!, meta!])).rejects.toThrow(/the file is empty/);
    expect((await fileError([obs!, ind!, write('empty.json', '')])).message).toBe('the file is empty');
  });

  it('names the line and column of malformed JSON', async () => {
    const e = await fileError(
      files(GOOD, { metaText: '{\n "claimant-count": {\n  "ess-beta-metadata": {"label": "x",, }\n }\n}\n' }),
    );
    expect(e.at).toMatchObject({ file: expect.stringMatching(/meta\.json$/), line: 3 });
    expect(e.message).toMatch(/not valid JSON \(ELS indicator metadata expected\): .* at line 3, column 38/);
  });

  it('reports an indicator missing from the metadata by JSON path, and bad metadata fields by path and value', async () => {
    const meta = structuredClone(META) as Record<string, Record<string, Record<string, unknown>>>;
    delete meta['claimant-count'];
    meta['healthy-life-expectancy']!['ess-beta-metadata']!.shared = {
      decimalPlaces: 'one',
      sourceDate: '2026-02-19',
      sourceOrg: 'ONS',
      sourceURL: 'www.ons.gov.uk',
    };
    const r = await run(files(GOOD, { meta }));
    expect(r.metrics).toEqual([]);
    expect(r.observations).toEqual([]);
    expect(
      r.errors.map((e) => [
        e.at.file.endsWith('ind.csv') ? `ind.csv:${e.at.line}` : `meta.json:${e.at.line}`,
        e.field,
        e.value,
      ]),
    ).toEqual([
      ['ind.csv:2', 'dataset', 'claimant-count'],
      ['meta.json:2', '$["healthy-life-expectancy"]["ess-beta-metadata"].shared.decimalPlaces', 'one'],
      ['meta.json:2', '$["healthy-life-expectancy"]["ess-beta-metadata"].shared.sourceURL', 'www.ons.gov.uk'],
      ['meta.json:2', '$["healthy-life-expectancy"]["ess-beta-metadata"].shared.sourceDate', '2026-02-19'],
    ]);
    expect(r.errors[0]!.message).toMatch(
      /dataset "claimant-count" is not in .*meta\.json \(no \$\["claimant-count"\]\)/,
    );
    // An indicator of a multi-indicator dataset without its own object.
    const r2 = await run(
      files(GOOD, { ind: `${IND}3,healthy-life-expectancy,Female healthy life expectancy,Years,yrs,1\n` }),
    );
    expect(r2.errors).toHaveLength(1);
    expect(r2.errors[0]).toMatchObject({
      field: '$["healthy-life-expectancy"]["ess-beta-metadata"]["Female healthy life expectancy"]',
    });
    expect(r2.errors[0]!.message).toMatch(
      /is missing: indicator 3 "Female healthy life expectancy" \(ind\.csv line 4\) has no metadata/,
    );
  });

  it('refuses a dataset or unit the catalogue has no decision for', async () => {
    const ind = `${IND}3,new-dataset,Something,Percentage,%,1\n4,claimant-count,Claimant rate,Percentage,furlongs,1\n`;
    const r = await run(files(`${GOOD}3,E08000009,2024-01-01/P1Y,1,,,,\n`, { ind }));
    expect(r.errors.map((e) => [e.at.line, e.field])).toEqual(
      expect.arrayContaining([
        [4, 'dataset'],
        [5, 'unit'],
      ]),
    );
    expect(r.errors.find((e) => e.field === 'dataset')!.message).toMatch(
      /no polarity and topic yet; decide them in .*els-catalogue\.ts/,
    );
  });

  it('reports every bad observation cell with file, line and field, and reads on', async () => {
    const r = await run(
      files(
        [
          '9,E08000009,2024-01-01/P1Y,1,,,,', // unknown indicator
          '1,E08000009,2024-01-01/P1Y,lots,,,,', // not a number
          '2,E06000001,2020-01-01/P3Y,54.5,57.4,51.6,,', // lci > uci
          '1,E08000009,2023-02-30/P1Y,1,,,,', // impossible date
          '1,E08000009,2023/24,1,,,,', // not an ELS period
          '1,E08000009,2023-04-01/P1Y,1,,,,', // a financial year among calendar years
          '1,E08000009,2022-01-01/P1Y,2,,,x,', // a value with status x
          '1,E08000009,2021-01-01/P1Y,1,,,??,', // an unreadable status
          '1,E08000009,2020-01-01/P1Y,101,,,,', // not a percentage
          '2,E06000001,2019-01-01/P3Y,54.5,51.6,,,', // one limit only
          '1,Trafford,2019-01-01/P1Y,1,,,,', // not a GSS code
          '1,E08000009,2018-01-01/P1Y,3.1,,,,',
        ].join('\n'),
      ),
    );
    expect(r.errors.map((e) => [e.at.line, e.field])).toEqual([
      [2, 'indicator_id'],
      [3, 'observation'],
      [4, 'lci_95'],
      [5, 'period'],
      [6, 'period'],
      [7, 'period'],
      [8, 'status'],
      [9, 'status'],
      [10, 'observation'],
      [11, 'lci_95'],
      [12, 'areacd'],
    ]);
    const msg = (l: number) => r.errors.find((e) => e.at.line === l)!.message;
    expect(msg(2)).toBe('indicator_id "9" is not in els_indicators.csv');
    expect(msg(4)).toBe('the lower confidence limit 57.4 is above the upper 51.6');
    expect(msg(5)).toMatch(/2023-02-30 is not a real date/);
    expect(msg(7)).toMatch(
      /2023\/24 is a financial-year period, but the other periods of ons-els.claimant-count are calendar-year/,
    );
    expect(msg(8)).toMatch(/status x says there is no value, but the observation is 2/);
    expect(msg(9)).toMatch(/"\?\?" is neither a status code/);
    expect(r.observations.map((o) => o.at.line)).toEqual([13]);
    expect(r.errors.every((e) => e.at.file.endsWith('obs.csv'))).toBe(true);
  });

  it('moves a note written in the status column to the note, and leaves out areas outside England', async () => {
    const r = await run(
      files(
        [
          '1,E08000009,2024-01-01/P1Y,3.1,,,Value for Hackney and City of London combined,Some note',
          '1,W06000001,2024-01-01/P1Y,3.1,,,,',
          '1,E23000001,2024-01-01/P1Y,3.1,,,,',
        ].join('\n'),
      ),
    );
    expect(r.errors).toEqual([]);
    expect(r.observations).toHaveLength(1);
    expect(r.observations[0]).toMatchObject({
      status: [],
      value: 3.1,
      note: 'Value for Hackney and City of London combined; Some note',
    });
    expect(r.skipped).toEqual({
      [ELS_SKIPPED.outsideEngland]: 1,
      'police force areas (E23), not held as areas': 1,
      [ELS_SKIPPED.noObservations]: 1,
    });
  });

  it('checks area codes against els_areas.csv when it is given', async () => {
    const areas = write(
      'areas.csv',
      'areacd,areanm,geography\nE08000009,Trafford,Local Authority District\nE99000001,Somewhere,ITL2\n',
    );
    const r = await run([
      ...files(
        '1,E08000009,2024-01-01/P1Y,3.1,,,,\n1,E08000010,2024-01-01/P1Y,3.1,,,,\n1,E99000001,2024-01-01/P1Y,3.1,,,,',
      ),
      areas,
    ]);
    expect(r.errors.map((e) => [e.at.line, e.message])).toEqual([[3, 'E08000010 is not in els_areas.csv']]);
    expect(r.skipped).toEqual({ 'ITL2 areas (E99), not held as areas': 1, [ELS_SKIPPED.noObservations]: 1 });
  });

  it('reads a bare date as a one-day period and refuses what is not a date', () => {
    expect(parseElsPeriod('2024-05-15')).toMatchObject({ iso: '2024-05-15/P1D', type: 'day', label: '15 May 2024' });
    expect(parseElsPeriod('2024-13-01')).toMatch(/not a real date/);
    expect(parseElsPeriod('2024')).toMatch(/not an ELS period/);
  });
});
