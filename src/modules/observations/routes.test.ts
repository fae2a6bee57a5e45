import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { createTestApp } from '../../../test/helpers/app.ts';
import { fixtureAdapter, seedFixtureAreas, testMetric } from '../../../test/helpers/fixtures.ts';
import type { App } from '../../platform/app-types.ts';
import { runImport } from '../imports/index.ts';

describe('data API', () => {
  let db: TestDb;
  let app: App;
  beforeAll(async () => {
    db = await createTestDb();
    await seedFixtureAreas(db);
    const metrics = [
      testMetric('t.recycling', {
        title: 'Household waste recycled',
        caveats: 'Joint waste services report together.',
      }),
      testMetric('t.rate', {
        title: 'A rate with intervals',
        polarity: 'lower-is-better',
        topic: 'community-wellbeing',
      }),
    ];
    await runImport(db, {
      adapter: fixtureAdapter(metrics, [
        ['t.recycling', 'E06000001', 2021, 40.1],
        ['t.recycling', 'E08000009', 2021, 45.2],
        ['t.recycling', 'E06000001', 2022, 41.5],
        ['t.recycling', 'E08000009', 2022, null, { status: ['c'] }],
        ['t.recycling', 'E08000003', 2022, 38],
        ['t.recycling', 'E07000150', 2020, 50],
        ['t.rate', 'E08000009', 2022, 12.5, { lci: 10.1, uci: 14.9, numerator: 125, denominator: 1000 }],
      ]),
      files: [],
      publish: true,
      now: new Date('2026-11-01T10:00:00Z'),
    });
    app = await createTestApp(db, { SLI_MAX_DATA_ROWS: '5' });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('GET /api/v1/data.json returns the latest period for every area by default', async () => {
    const res = await app.inject('/api/v1/data.json?metric=t.recycling');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.observations.map((o: { area: string }) => o.area)).toEqual(['E06000001', 'E08000003', 'E08000009']);
    expect(body.observations[0]).toMatchObject({
      period: '2022-04-01/P1Y',
      periodLabel: '2022/23',
      value: 41.5,
      status: [],
    });
    expect(body.observations[2]).toMatchObject({ value: null, status: ['c'] });
    expect(body.licence).toBe('OGL-UK-3.0');
    expect(body.metrics[0].caveats).toBe('Joint waste services report together.');
  });

  it('GET /api/v1/data.json selects areas and periods by label, ISO period, latest:N and range', async () => {
    const q = async (s: string) =>
      (await app.inject(`/api/v1/data.json?${s}`))
        .json()
        .observations.map((o: { area: string; periodLabel: string }) => `${o.area} ${o.periodLabel}`);
    expect(await q('metric=t.recycling&area=E06000001&period=latest:2')).toEqual([
      'E06000001 2021/22',
      'E06000001 2022/23',
    ]);
    expect(await q('metric=t.recycling&area=E06000001&period=2021/22')).toEqual(['E06000001 2021/22']);
    expect(await q('metric=t.recycling&area=E06000001&period=2021-04-01/P1Y')).toEqual(['E06000001 2021/22']);
    expect(await q('metric=t.recycling&area=E06000001,E08000009&period=2021/22..2022/23')).toEqual([
      'E06000001 2021/22',
      'E08000009 2021/22',
      'E06000001 2022/23',
      'E08000009 2022/23',
    ]);
  });

  it('GET /api/v1/data.json carries intervals, numerators and denominators', async () => {
    const o = (await app.inject('/api/v1/data.json?metric=t.rate')).json().observations[0];
    expect(o).toMatchObject({ value: 12.5, lci: 10.1, uci: 14.9, ciLevel: 95, numerator: 125, denominator: 1000 });
  });

  it('GET /api/v1/data.json shows a retired council as its own series with a note naming the successor', async () => {
    const body = (await app.inject('/api/v1/data.json?metric=t.recycling&area=E07000150&period=all')).json();
    expect(body.observations).toHaveLength(1);
    expect(body.observations[0]).toMatchObject({ area: 'E07000150', areaName: 'Corby', value: 50 });
    expect(body.notes.join(' ')).toMatch(/successor is E06000061 \(North Northamptonshire\)/);
  });

  it('GET /api/v1/data.csv streams tidy CSV with licence and source on every row', async () => {
    const res = await app.inject('/api/v1/data.csv?metric=t.recycling&area=E06000001&period=all');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toBe(
      'metric,metric_title,area,area_name,period,period_label,value,category,status,lci,uci,ci_level,numerator,denominator,note,figure_source,unit,revision,updated_at,caveats,licence,source',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('t.recycling,Household waste recycled,E06000001,Hartlepool,2021-04-01/P1Y,2021/22,40.1');
    expect(lines[1]).toMatch(/,Joint waste services report together\.,OGL-UK-3\.0,Test publisher$/);
  });

  it('GET /api/v1/data chooses CSV from the Accept header', async () => {
    const res = await app.inject({ url: '/api/v1/data?metric=t.rate', headers: { accept: 'text/csv' } });
    expect(res.headers['content-type']).toContain('text/csv');
  });

  it.each([
    ['metric=t.recycling&colour=blue', 'colour', 'invalid-parameter'],
    ['metric=t.recycling&metric=t.rate', 'metric', 'repeated-parameter'],
    ['metric=t.nope', 'metric', 'unknown-metric'],
    ['metric=t.recycling&area=E99', 'area', 'invalid-parameter'],
    ['metric=t.recycling&area=E06999999', 'area', 'unknown-area'],
    ['metric=t.recycling&period=2023-02-30/P1Y', 'period', 'invalid-parameter'],
    ['metric=t.recycling&period=latest:0', 'period', 'invalid-parameter'],
    ['area=E06000001', 'metric', 'invalid-parameter'],
  ])('GET /api/v1/data.json?%s returns 400 naming %s', async (qs, field, code) => {
    const res = await app.inject(`/api/v1/data.json?${qs}`);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const p = res.json();
    expect(p.code).toBe(code);
    expect(p.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('GET /api/v1/data.json returns 413 pointing to the bulk download when the request is too large', async () => {
    const res = await app.inject('/api/v1/data.json?metric=t.recycling&period=all');
    expect(res.statusCode).toBe(413);
    expect(res.json().detail).toMatch(/\/api\/v1\/metrics\/\{id\}\/observations\.csv/);
    const bulk = await app.inject('/api/v1/metrics/t.recycling/observations.csv');
    expect(bulk.statusCode).toBe(200);
    expect(bulk.body.trim().split('\n')).toHaveLength(7);
  });

  it('GET /api/v1/data.json sends ETag and Last-Modified and answers 304 to a matching If-None-Match', async () => {
    const res = await app.inject('/api/v1/data.json?metric=t.rate');
    expect(res.headers['last-modified']).toBe('Sun, 01 Nov 2026 10:00:00 GMT');
    const etag = res.headers.etag as string;
    expect(etag).toBeTruthy();
    const again = await app.inject({ url: '/api/v1/data.json?metric=t.rate', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    const since = await app.inject({
      url: '/api/v1/data.json?metric=t.rate',
      headers: { 'if-modified-since': 'Sun, 01 Nov 2026 10:00:00 GMT' },
    });
    expect(since.statusCode).toBe(304);
  });

  it('GET /api/v1/metrics lists the catalogue with coverage and GET /api/v1/metrics/:id returns 404 when the metric does not exist', async () => {
    const list = (await app.inject('/api/v1/metrics?topic=environment-housing')).json();
    expect(list.total).toBe(1);
    expect(list.metrics[0]).toMatchObject({
      id: 't.recycling',
      earliestPeriod: { label: '2020/21' },
      latestPeriod: { label: '2022/23' },
      periodCount: 3,
    });
    const one = (await app.inject('/api/v1/metrics/t.recycling')).json();
    expect(one.periods.map((p: { label: string; areas: number }) => `${p.label}:${p.areas}`)).toEqual([
      '2020/21:1',
      '2021/22:2',
      '2022/23:3',
    ]);
    const bySlug = await app.inject(`/api/v1/metrics/${one.slug}`);
    expect(bySlug.json().id).toBe('t.recycling');
    const missing = await app.inject('/api/v1/metrics/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('not-found');
    expect((await app.inject('/api/v1/metrics?topic=gardening')).statusCode).toBe(400);
  });

  it('GET /api/v1/changes lists publications and revised values with their previous value', async () => {
    await runImport(db, {
      adapter: fixtureAdapter(
        [
          testMetric('t.recycling', {
            title: 'Household waste recycled',
            caveats: 'Joint waste services report together.',
          }),
        ],
        [['t.recycling', 'E06000001', 2022, 42]],
      ),
      files: [],
      publish: true,
      keepMissing: true, // a one-row correction: the other councils' 2022/23 figures stay
      now: new Date('2026-11-10T10:00:00Z'),
    });
    const feed = (await app.inject('/api/v1/changes?since=2026-11-05')).json();
    const revised = feed.entries.filter((e: { kind: string }) => e.kind === 'observation');
    expect(revised.map((e: { observation: unknown }) => e.observation)).toEqual([
      expect.objectContaining({
        action: 'revised',
        metric: 't.recycling',
        area: 'E06000001',
        periodLabel: '2022/23',
        previous: { value: 41.5, status: [], revision: 1 },
        current: { value: 42, status: [], revision: 2 },
      }),
    ]);
    const published = feed.entries.filter((e: { kind: string }) => e.kind === 'publication');
    expect(published.map((e: { publication: unknown }) => e.publication)).toEqual([
      expect.objectContaining({ metric: 't.recycling', updated: 1, inserted: 0 }),
    ]);
    const all = (await app.inject('/api/v1/changes?since=2026-01-01')).json();
    const metrics = all.entries.filter((e: { change?: { entity: string } }) => e.change?.entity === 'metric');
    expect(metrics).toHaveLength(2);
    expect((await app.inject('/api/v1/changes?since=2026-13-01')).statusCode).toBe(400);
  });
});
