import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { csvWithMetadata } from '../../../test/helpers/csvw.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { FONT_STACK } from '../../platform/brand.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, syntheticJudgement, testMetric, type FixtureRow } from '../../../test/helpers/fixtures.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import type { App } from '../../platform/app-types.ts';
import { defraRecyclingAdapter, oflogAscAdapter } from '../imports/index.ts';
import { publishImport, runImport } from '../imports/index.ts';
import { coverageOf } from '../metrics/index.ts';
import { DefinitionError } from './index.ts';
import { servicesFor } from '../../app/services.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT = JSON.parse(readFileSync(path.join(here, 'baskets', 'sector-key.json'), 'utf8')) as {
  metrics: { metric: string }[];
};

/** Fixture series for England and two councils, built to exercise each rule. */
const METRICS = [
  testMetric('t.rate', {
    title: 'Rate with intervals',
    unitType: 'percentage',
    applicableAreaTypes: ['E06', 'E08', 'E09', 'E10'],
  }),
  testMetric('t.lower', {
    title: 'Lower is better',
    polarity: 'lower-is-better',
    applicableAreaTypes: ['E06', 'E08', 'E09', 'E10'],
  }),
  testMetric('t.nopol', {
    title: 'No polarity',
    polarity: 'not-applicable',
    applicableAreaTypes: ['E06', 'E08', 'E09', 'E10'],
  }),
  testMetric('t.break', {
    title: 'Break in series',
    applicableAreaTypes: ['E06', 'E08', 'E09', 'E10'],
    caveats: 'The definition changed in 2020.',
  }),
  testMetric('t.ratio', {
    title: 'Aggregated from numerators',
    unitType: 'percentage',
    applicableAreaTypes: ['E06', 'E08', 'E09', 'E10'],
  }),
  testMetric('t.gap', { title: 'Missing baseline year', applicableAreaTypes: ['E06', 'E08', 'E09', 'E10'] }),
  // A categorical measure (SYNTHETIC judgements, Ofsted's order: the first is the best).
  syntheticJudgement(),
];
/** Judgements (1 Outstanding … 4 Inadequate) by council, oldest first. */
const JUDGEMENTS: [string, [number, number][]][] = [
  [
    'E08000009',
    [
      [2019, 3],
      [2023, 2],
    ],
  ], // Requires improvement → Good: better
  [
    'E08000003',
    [
      [2019, 2],
      [2023, 4],
    ],
  ], // Good → Inadequate: worse
  [
    'E06000001',
    [
      [2019, 1],
      [2023, 1],
    ],
  ], // the same
  ['E09000001', [[2023, 2]]], // only one
  [
    'E10000003',
    [
      [2019, 3],
      [2021, 4],
      [2023, 2],
    ],
  ], // the two latest: Inadequate → Good, better
];
const E = 'E92000001';

describe('sector: direction of travel', () => {
  let db: TestDb;
  let app: App;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const oflog = await runImport(db, {
      adapter: oflogAscAdapter,
      files: [sharedFile('performance/oflog_adult_social_care_2015_2023.csv')],
      publish: true,
    });
    if (oflog.state !== 'published') throw new Error(oflog.message);
    const upper = (
      await db.kysely
        .selectFrom('areas')
        .select('code')
        .where('type', 'in', ['E06', 'E08', 'E09', 'E10'])
        .where('valid_to', 'is', null)
        .where('valid_from', '<=', '2019-04-01')
        .execute()
    ).map((r) => r.code);
    const rows: FixtureRow[] = [
      ['t.rate', E, 2019, 50, { lci: 48, uci: 52 }],
      ['t.rate', E, 2023, 51, { lci: 49, uci: 53 }],
      ['t.rate', 'E08000009', 2019, 40, { lci: 38, uci: 42 }],
      ['t.rate', 'E08000009', 2023, 48, { lci: 46, uci: 50 }],
      ['t.lower', E, 2019, 10],
      ['t.lower', E, 2023, 11],
      ['t.nopol', E, 2019, 100],
      ['t.nopol', E, 2023, 90],
      ['t.break', E, 2019, 30],
      ['t.break', E, 2021, 40, { status: ['b'] }],
      ['t.break', E, 2023, 45],
      ['t.gap', E, 2017, 20],
      ['t.gap', E, 2023, 30],
    ];
    // Every upper-tier council of 2019 that still exists, with numerator and denominator, so England can be aggregated.
    upper.forEach((code, i) => {
      rows.push(['t.ratio', code, 2019, 50 + (i % 10), { numerator: 50 + (i % 10), denominator: 100 }]);
      rows.push(['t.ratio', code, 2023, 60, { numerator: 60, denominator: 100 }]);
    });
    for (const [area, js] of JUDGEMENTS) for (const [year, v] of js) rows.push(['t.judgement', area, year, v]);
    const fixture = await runImport(db, { adapter: fixtureAdapter(METRICS, rows), files: [], publish: true });
    if (fixture.state !== 'published')
      throw new Error(
        `${fixture.message} ${fixture.errors
          .slice(0, 3)
          .map((e) => e.message)
          .join('; ')}`,
      );
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const basket = (over: Record<string, unknown> = {}) => ({
    id: 'test-basket',
    version: '1',
    name: 'Test basket',
    description: 'fixture',
    baseline: '2019-10-01',
    latest: 'latest',
    tolerance: 0.02,
    metrics: ['t.rate', 't.lower', 't.nopol', 't.break', 't.ratio', 't.gap', 'oflog.asc5'].map((metric) => ({
      metric,
      why: 'test',
    })),
    ...over,
  });

  it('refuses a basket naming unknown metrics, context measures, duplicates or a baseline after the comparison, naming the JSON path', async () => {
    const s = servicesFor(db).sector;
    const bad = basket({
      metrics: [
        { metric: 'no.such', why: 'x' },
        { metric: 't.rate', why: 'x' },
        { metric: 't.rate', why: 'y', baseline: '2030-01-01', latest: '2020-01-01' },
        { metric: 't.lower', why: 'z', theme: 'nonsense' },
      ],
      tolerance: 2,
    });
    await expect(s.loadBasket(bad)).rejects.toBeInstanceOf(DefinitionError);
    const err = (await s.loadBasket(bad).catch((e: unknown) => e)) as DefinitionError;
    expect(err.problems.map((p) => p.field)).toEqual(['tolerance']);
    const err2 = (await s.loadBasket({ ...bad, tolerance: 0.02 }).catch((e: unknown) => e)) as DefinitionError;
    expect(err2.problems.map((p) => `${p.field} ${p.value}`)).toEqual([
      'metrics[0].metric no.such',
      'metrics[2].metric t.rate',
      'metrics[2].baseline 2030-01-01',
      'metrics[3].theme nonsense',
    ]);
  });

  it('stores a basket once per version and refuses a changed basket under the same version', async () => {
    const s = servicesFor(db).sector;
    expect(await s.loadBasket(basket())).toMatchObject({ state: 'loaded' });
    expect(await s.loadBasket(basket())).toMatchObject({ state: 'unchanged' });
    await expect(s.loadBasket(basket({ tolerance: 0.05 }))).rejects.toThrow(/already loaded with different content/);
    expect((await app.inject('/api/v1/sector/baskets')).json().baskets.map((b: { id: string }) => b.id)).toContain(
      'test-basket@1',
    );
  });

  it('GET /api/v1/sector/direction-of-travel.json classifies England by polarity, intervals, tolerance and breaks, with reasons', async () => {
    const res = await app.inject('/api/v1/sector/direction-of-travel.json?basket=test-basket');
    expect(res.statusCode).toBe(200);
    const r = res.json();
    const by = Object.fromEntries(r.metrics.map((m: { metric: { id: string } }) => [m.metric.id, m]));
    expect(by['t.rate']).toMatchObject({
      classification: 'no-change',
      reason: 'confidence intervals overlap',
      baseline: { label: '2019/20', value: 50, source: 'publisher' },
      latest: { label: '2023/24', value: 51 },
    });
    expect(by['t.lower']).toMatchObject({
      classification: 'worsened',
      change: 1,
      reason: 'beyond tolerance (10% ≥ 2%)',
    });
    expect(by['t.nopol']).toMatchObject({ classification: 'decreased', reason: expect.stringMatching(/no polarity/) });
    expect(by['t.break']).toMatchObject({
      classification: 'not-comparable',
      reason: expect.stringMatching(/break in series at 2021\/22/),
    });
    expect(by['t.gap'].baseline).toMatchObject({
      label: '2017/18',
      note: expect.stringMatching(/no figure for the period including 2019-10-01; the nearest available, 2017\/18/),
    });
    expect(by['t.ratio']).toMatchObject({
      classification: 'improved',
      baseline: {
        source: 'aggregate',
        method: expect.stringMatching(/sum of numerators ÷ sum of denominators over \d+ of \d+ councils/),
      },
    });
    // Oflog gives no England figure and a percentage without numerators cannot be added up: the median of councils
    // stands in, labelled as such, never as England's figure.
    expect(by['oflog.asc5']).toMatchObject({
      classification: 'no-change',
      baseline: {
        source: 'median',
        method: expect.stringMatching(
          /^median of councils: the middle of \d+ of \d+ councils' figures; not an England figure/,
        ),
      },
      latest: { source: 'median' },
    });
    expect(r.summary.overall).toMatchObject({
      metrics: 7,
      classified: 5,
      improved: 2,
      worsened: 1,
      noChange: 2,
      noPolarity: 1,
      notComparable: 1,
      noData: 0,
    });
    expect(r.methodology.join(' ')).toMatch(/median of councils/);
    expect(r.methodology.join(' ')).toMatch(/never a mean of rates/);
  });

  it("a council is compared with its own baseline, taking a single predecessor's figure and saying so, and with a group", async () => {
    const r = (
      await app.inject('/api/v1/sector/direction-of-travel.json?basket=test-basket&area=E06000065&group=type:E06')
    ).json();
    const asc5 = r.metrics.find((m: { metric: { id: string } }) => m.metric.id === 'oflog.asc5');
    expect(asc5.baseline).toMatchObject({
      source: 'predecessor',
      label: '2019/20',
      note: expect.stringMatching(/North Yorkshire \(E10000023\)/),
    });
    expect(asc5.group).toMatchObject({ id: 'type:E06', compared: expect.any(Number) });
    const t = (await app.inject('/api/v1/sector/direction-of-travel.json?basket=test-basket&area=E08000009')).json();
    expect(t.metrics.find((m: { metric: { id: string } }) => m.metric.id === 't.rate')).toMatchObject({
      classification: 'improved',
      reason: 'confidence intervals do not overlap',
    });
  });

  it('GET /api/v1/sector/direction-of-travel.csv gives one row per metric; bad parameters name the field', async () => {
    const res = await app.inject('/api/v1/sector/direction-of-travel.csv?basket=test-basket');
    expect(res.statusCode).toBe(200);
    expect(parse(res.body, { columns: true })).toHaveLength(7);
    for (const [q, field] of [
      ['basket=nope', 'basket'],
      ['basket=test-basket&area=Trafford', 'area'],
      ['basket=test-basket&baseline=2019/21', 'baseline'],
      ['basket=test-basket&colour=red', 'colour'],
    ]) {
      const bad = await app.inject(`/api/v1/sector/direction-of-travel.json?${q}`);
      expect(bad.statusCode, q).toBe(400);
      expect(bad.json().errors[0].field, q).toBe(field);
    }
  });

  it('both direction-of-travel CSVs link CSVW metadata with their columns, licence, methodology and caveats', async () => {
    for (const url of [
      '/api/v1/sector/direction-of-travel.csv?basket=test-basket&area=E08000009',
      '/api/v1/sector/direction-of-travel/councils.csv?basket=test-basket',
    ]) {
      const { meta } = await csvWithMetadata(app, url);
      expect(meta.url, url).toMatch(new RegExp(`${url.replace(/[.?]/g, (x) => `\\${x}`)}$`));
      expect(meta['dc:rights'], url).toEqual(['OGL-UK-3.0']);
      expect(meta['dc:publisher'], url).toContain('Test publisher');
      expect(meta['rdfs:comment'], url).toContain('Break in series (t.break): The definition changed in 2020.');
    }
    const json = (await app.inject('/api/v1/sector/direction-of-travel.json?basket=test-basket')).json();
    const { meta } = await csvWithMetadata(app, '/api/v1/sector/direction-of-travel.csv?basket=test-basket');
    expect(meta['rdfs:comment'].slice(-json.methodology.length)).toEqual(json.methodology);
    const bad = await app.inject('/api/v1/sector/direction-of-travel.csv-metadata.json?basket=nope');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('basket');
  });

  it("the same analysis for every council agrees with each council's own run, and counts councils per measure", async () => {
    const s = servicesFor(db).sector;
    const all = await s.directionForEveryCouncil({ basket: 'test-basket' }, { detail: true, chunk: 2 });
    // Read in a worker thread on its own connection (as large baskets are on SQLite): the same results.
    expect(
      await s.directionForEveryCouncil({ basket: 'test-basket' }, { detail: true, chunk: 2, readerThread: true }),
    ).toEqual(all);
    for (const code of ['E06000065', 'E08000009', 'E07000223']) {
      const own = await s.directionOfTravel({ basket: 'test-basket', area: code });
      const mine = all.councils.find((c) => c.code === code)!;
      expect(mine.summary, code).toEqual(own.summary);
      expect(
        all.detail!.filter((d) => d.area.code === code).map((d) => [d.metric.id, d.classification, d.reason]),
        code,
      ).toEqual(own.metrics.map((m) => [m.metric.id, m.classification, m.reason]));
    }
    const live = await db.kysely
      .selectFrom('areas')
      .select('code')
      .where('type', 'in', ['E06', 'E07', 'E08', 'E09', 'E10'])
      .where('valid_to', 'is', null)
      .execute();
    expect(all.councils).toHaveLength(live.length);
    // t.ratio: every upper-tier council of 2019 went from 50 + (i mod 10) to 60; 59 → 60 is within the 2% tolerance.
    const upper = (
      await db.kysely
        .selectFrom('areas')
        .select('code')
        .where('type', 'in', ['E06', 'E08', 'E09', 'E10'])
        .where('valid_to', 'is', null)
        .where('valid_from', '<=', '2019-04-01')
        .execute()
    ).map((r) => r.code);
    const ratio = all.metrics.find((m) => m.id === 't.ratio')!;
    expect(ratio.councils).toMatchObject({
      improved: upper.filter((_, i) => i % 10 !== 9).length,
      noChange: upper.filter((_, i) => i % 10 === 9).length,
      worsened: 0,
    });
    const applicable = live.filter((c) => !c.code.startsWith('E07')).length;
    expect(ratio.councils.metrics).toBe(applicable);

    const csv = await app.inject('/api/v1/sector/direction-of-travel/councils.csv?basket=test-basket');
    expect(csv.statusCode).toBe(200);
    const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(live.length);
    expect(rows.find((r) => r.area === 'E08000009')).toMatchObject({
      improved: String(all.councils.find((c) => c.code === 'E08000009')!.summary.overall.improved),
    });
    expect(
      (await app.inject('/api/v1/sector/direction-of-travel/councils.json?basket=test-basket&area=E08000009'))
        .statusCode,
    ).toBe(400);
  });

  it('the report downloads as one self-contained HTML document with every measure, the methodology and how to reproduce it', async () => {
    const res = await app.inject('/sector/report.html?basket=test-basket&area=E08000009');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="direction-of-travel-E08000009-test-basket-1.html"',
    );
    const html = res.body;
    for (const title of [
      'Rate with intervals',
      'Lower is better',
      'No polarity',
      'Break in series',
      'Aggregated from numerators',
      'Missing baseline year',
    ])
      expect(html).toContain(title);
    expect(html).toContain('<h2>Methodology</h2>');
    expect(html).toMatch(/Scope: Trafford \(E08000009\) against its own baseline/);
    expect(html).toContain('npx sli analyse direction-of-travel --basket test-basket@1 --area E08000009 --format json');
    expect(html).toMatch(/<svg[^>]*role="img"/);
    expect(html).not.toMatch(/<link |<script/); // nothing to fetch: it reads offline and prints as it is
    expect(html).toContain(`font-family: ${FONT_STACK};`); // the brand's type, as the pages have
    expect(html).not.toContain('font-family: Arial');
    expect((await app.inject('/sector/report.html?basket=nope')).statusCode).toBe(400);
  });

  it("England's figures kept with the coverage equal its observations and follow a revision published from a draft", async () => {
    const england = await db.kysely.selectFrom('areas').select('id').where('code', '=', E).executeTakeFirstOrThrow();
    const observed = async () =>
      (
        await db.kysely
          .selectFrom('observations')
          .select(['metric_id', 'period_id', 'value', 'lci', 'uci', 'status', 'note'])
          .where('area_id', '=', england.id)
          .orderBy('metric_id')
          .orderBy('period_id')
          .execute()
      ).map((o) => [
        o.metric_id,
        o.period_id,
        england.id,
        o.value,
        o.lci,
        o.uci,
        o.status === '' ? null : o.status,
        o.note,
      ]);
    const ids = (await db.kysely.selectFrom('metrics').select('id').execute()).map((m) => m.id);
    const kept = async () => {
      const rows: unknown[][] = [];
      await coverageOf(db, ids, (m, p, v, l, u, status, note) =>
        rows.push([m, p, england.id, v, l, u, status === '' ? null : status, note]),
      );
      return rows.sort((a, b) => Number(a[0]) - Number(b[0]) || Number(a[1]) - Number(b[1]));
    };
    expect((await observed()).length).toBeGreaterThan(10);
    expect(await kept()).toEqual(await observed());

    // t.lower for England revised from 11 to 10.1: within the 2% tolerance of 10, so no longer worsened.
    const draft = await runImport(db, {
      adapter: fixtureAdapter(METRICS, [['t.lower', E, 2023, 10.1]]),
      files: [],
      publish: false,
    });
    expect(draft.state).toBe('draft');
    const before = (await servicesFor(db).sector.directionOfTravel({ basket: 'test-basket' })).metrics.find(
      (m) => m.metric.id === 't.lower',
    );
    expect(before).toMatchObject({ classification: 'worsened', latest: { value: 11 } });
    await publishImport(db, draft.importId!);
    const after = (await servicesFor(db).sector.directionOfTravel({ basket: 'test-basket' })).metrics.find(
      (m) => m.metric.id === 't.lower',
    );
    expect(after).toMatchObject({
      classification: 'no-change',
      latest: { value: 10.1 },
      reason: expect.stringMatching(/within tolerance/),
    });
    expect(await kept()).toEqual(await observed());
  });

  it('a categorical measure in a basket: moves between judgements counted by label order and polarity, never averaged', async () => {
    const s = servicesFor(db).sector;
    const judged = basket({
      id: 'judgement-basket',
      metrics: [
        { metric: 't.judgement', why: 'Inspection judgements' },
        { metric: 't.rate', why: 'test' },
      ],
    });
    expect(await s.loadBasket(judged)).toMatchObject({ state: 'loaded' });

    // England: how many councils moved to a better, the same or a worse judgement, by council type.
    const r = (await app.inject('/api/v1/sector/direction-of-travel.json?basket=judgement-basket')).json();
    const j = r.metrics[0];
    expect(j).toMatchObject({
      metric: { id: 't.judgement' },
      classification: 'improved',
      rule: 'categories',
      baseline: null,
      latest: null,
      change: null,
      reason: expect.stringMatching(
        /^of 4 councils with two judgements, 2 moved to a better judgement, 1 kept the same and 1 moved to a worse; Good or better: 2 of 4 before, 3 now/,
      ),
    });
    expect(j.judgements.betterLabel).toBe('Good or better');
    expect(j.judgements.total).toEqual({
      compared: 4,
      up: 2,
      same: 1,
      down: 1,
      one: 1,
      betterBefore: 2,
      betterNow: 3,
    });
    expect(
      j.judgements.rows.map((t: Record<string, unknown>) => [t.type, t.compared, t.up, t.same, t.down, t.one]),
    ).toEqual([
      ['E06', 1, 0, 1, 0, 0],
      ['E08', 2, 1, 0, 1, 0],
      ['E09', 0, 0, 0, 0, 1],
      ['E10', 1, 1, 0, 0, 0],
    ]);
    expect(r.summary.overall).toMatchObject({ metrics: 2, improved: 1, classified: 2 });

    // A council: its latest judgement against the one before it, by label; and a group's members counted the same way.
    const c = (
      await app.inject('/api/v1/sector/direction-of-travel.json?basket=judgement-basket&area=E10000003&group=type:E08')
    ).json().metrics[0];
    expect(c).toMatchObject({
      classification: 'improved',
      baseline: { label: '2021/22', value: 4, category: 'Inadequate' },
      latest: { label: '2023/24', value: 2, category: 'Good' },
      reason: expect.stringMatching(/^Inadequate \(2021\/22\) to Good \(2023\/24\): a better judgement/),
      group: { id: 'type:E08', improved: 1, worsened: 1, noChange: 0, medianRelativeChange: null },
    });
    const worse = (await s.directionOfTravel({ basket: 'judgement-basket', area: 'E08000003' })).metrics[0];
    expect([worse!.classification, worse!.latest?.category]).toEqual(['worsened', 'Inadequate']);
    const one = (await s.directionOfTravel({ basket: 'judgement-basket', area: 'E09000001' })).metrics[0];
    expect([one!.classification, one!.reason]).toEqual([
      'not-comparable',
      'movement cannot be shown: only one judgement held (Good, 2023/24), nothing to compare with',
    ]);
    // Up to the basket's latest anchor: Cambridgeshire's judgements up to 2021 moved from Requires improvement down.
    const earlier = (await s.directionOfTravel({ basket: 'judgement-basket', area: 'E10000003', latest: '2022-01-01' }))
      .metrics[0];
    expect([earlier!.classification, earlier!.baseline?.category, earlier!.latest?.category]).toEqual([
      'worsened',
      'Requires improvement',
      'Inadequate',
    ]);

    // Every council: the same per-council classification.
    const all = await s.directionForEveryCouncil({ basket: 'judgement-basket' });
    expect(all.metrics[0]!.councils).toMatchObject({ improved: 2, worsened: 1, noChange: 1, notComparable: 1 });

    // The CSV: the judgements by label and England's counts.
    const csv = await app.inject('/api/v1/sector/direction-of-travel.csv?basket=judgement-basket');
    const row = (parse(csv.body, { columns: true }) as Record<string, string>[])[0]!;
    expect(row).toMatchObject({
      metric: 't.judgement',
      classification: 'improved',
      councils_compared: '4',
      councils_better: '2',
      councils_same: '1',
      councils_worse: '1',
      better_half: 'Good or better',
      better_half_before: '2',
      better_half_now: '3',
      baseline_value: '',
    });
    const council = await app.inject('/api/v1/sector/direction-of-travel.csv?basket=judgement-basket&area=E10000003');
    expect((parse(council.body, { columns: true }) as Record<string, string>[])[0]).toMatchObject({
      baseline_category: 'Inadequate',
      latest_category: 'Good',
      councils_compared: '',
    });

    // The page: the measure by its labels and counts, and the movement table by council type.
    const page = await app.inject('/sector?basket=judgement-basket');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('A synthetic judgement: movement between judgements');
    expect(page.body).toContain('Good or better: 2 of 4 councils');
    expect(page.body).toContain('Good or better: 3 of 4 councils');
    expect(page.body).toMatch(
      /2 of 4 councils with two judgements moved to a better one, 1 to a worse one and 1 kept the same; 3 are Good or better now against 2 before/,
    );
    expect(page.body).toMatch(/<th scope="row" class="govuk-table__header">All councils<\/th>(<td[^>]*>\d+<\/td>){7}/);
    // The downloadable report: the same movement table by council type (categoryMovement's counts), in its own style.
    const report = await app.inject('/sector/report.html?basket=judgement-basket');
    expect(report.statusCode).toBe(200);
    expect(report.body).toContain('A synthetic judgement: movement between judgements</h2>');
    expect(report.body).toMatch(
      /2 of 4 councils with two judgements moved to a better one, 1 to a worse one and 1 kept the same; 3 are Good or better now against 2 before/,
    );
    const typeRow = (name: string, cells: number[]) =>
      `<tr><th scope="row">${name}</th>${cells.map((n) => `<td class="num">${n}</td>`).join('')}</tr>`;
    // With two judgements, better, the same, worse, Good or better before and now, only one judgement.
    expect(report.body).toContain(typeRow('Metropolitan district', [2, 1, 0, 1, 1, 1, 0]));
    expect(report.body).toContain(typeRow('London borough', [0, 0, 0, 0, 0, 0, 1]));
    expect(report.body).toContain(typeRow('All councils', [4, 2, 1, 1, 2, 3, 1]));
    expect(report.body).not.toContain('govuk-'); // self-contained: no class of a stylesheet it does not carry
    const councilPage = await app.inject('/sector?basket=judgement-basket&area=E10000003');
    expect(councilPage.body).toContain('Inadequate (2021/22)');
    expect(councilPage.body).toContain('Good (2023/24)');
  });

  it("England's waste measure, which DEFRA publishes for councils only, is the median of councils, never 'no data'", async () => {
    const defra = await runImport(db, {
      adapter: defraRecyclingAdapter,
      files: [sharedFile('performance/defra_household_recycling_rate_2015_2024.csv')],
      publish: true,
    });
    expect(defra.state).toBe('published');
    const s = servicesFor(db).sector;
    const waste = basket({
      id: 'waste-basket',
      metrics: [{ metric: 'defra.household-recycling-rate', why: 'A service every council runs' }],
    });
    expect(await s.loadBasket(waste)).toMatchObject({ state: 'loaded' });
    const [m] = (await s.directionOfTravel({ basket: 'waste-basket' })).metrics;
    expect(m!.classification).not.toBe('no-data');
    expect(m!.theme).toBe('environment-housing');
    expect(m!.latest).toMatchObject({
      source: 'median',
      method: expect.stringMatching(/^median of councils: .*; not an England figure/),
    });
  });

  it("the shipped default basket names only metrics the publishers' files define", () => {
    expect(DEFAULT.metrics.length).toBeGreaterThanOrEqual(15);
    expect(new Set(DEFAULT.metrics.map((m) => m.metric)).size).toBe(DEFAULT.metrics.length);
  });
});
