import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { csvWithMetadata, records } from '../../../test/helpers/csvw.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, seedFixtureAreas, testMetric } from '../../../test/helpers/fixtures.ts';
import type { App } from '../../platform/app-types.ts';
import { runImport } from '../imports/index.ts';

const EVIL = '=HYPERLINK("http://evil.example","Click")';
const OGL = 'http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/';

describe('data downloads: CSVW metadata, XLSX, formula neutralisation', () => {
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
      testMetric('t.change', {
        title: 'Change in missed collections',
        unit: 'count',
        unitType: 'count',
        decimalPlaces: 0,
        polarity: 'lower-is-better',
        caveats: 'Councils count a missed collection differently.',
        valueRange: { min: null }, // a change: it can fall
        source: { publisher: 'Another publisher', licence: 'OGL-UK-3.0', attribution: 'Contains data from X' },
      }),
    ];
    await runImport(db, {
      adapter: fixtureAdapter(metrics, [
        ['t.recycling', 'E06000001', 2022, 41.5],
        ['t.recycling', 'E08000009', 2022, 45.2],
        ['t.change', 'E08000009', 2022, -5, { note: EVIL }],
        ['t.change', 'E08000003', 2022, 3, { note: '@SUM(A1:A2)' }],
        ['t.change', 'E06000001', 2022, 0, { note: '-2+3' }],
      ]),
      files: [],
      publish: true,
    });
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it("the metadata's address of the CSV comes from the service's public origin, never a forged Host header", async () => {
    const url = '/api/v1/data.csv?metric=t.recycling&period=latest';
    const { meta } = await csvWithMetadata(app, url, { host: 'evil.example', 'x-forwarded-host': 'evil.example' });
    expect(meta.url).not.toMatch(/evil/);
  });

  it("GET /api/v1/data.csv links its CSVW metadata, which lists the header's columns, licence, attribution and each metric's caveats", async () => {
    const url = '/api/v1/data.csv?metric=t.recycling,t.change&period=latest';
    const { header, rows, meta } = await csvWithMetadata(app, url);
    expect(meta.url).toMatch(/\/api\/v1\/data\.csv\?metric=t\.recycling,t\.change&period=latest$/);
    expect(meta['dc:license']).toEqual([OGL]);
    expect(meta['dc:rights']).toEqual(['OGL-UK-3.0']);
    expect(meta['dc:publisher']).toEqual(['Test publisher', 'Contains data from X']);
    expect(meta['rdfs:comment']).toEqual([
      'Household waste recycled (t.recycling): Joint waste services report together.',
      'Change in missed collections (t.change): Councils count a missed collection differently.',
    ]);
    const value = meta.tableSchema.columns.find((c) => c.name === 'value')!;
    expect(value).toMatchObject({ datatype: 'decimal', titles: 'Value', null: '' });
    // The rows carry their metric's caveats too.
    const byArea = records(header, rows).filter((r) => r.metric === 't.change');
    expect(byArea.map((r) => r.caveats)).toEqual(Array(3).fill('Councils count a missed collection differently.'));
  });

  it('GET /api/v1/data.csv neutralises notes that a spreadsheet would run as formulas; numbers stay numbers', async () => {
    const { header, rows } = await csvWithMetadata(app, '/api/v1/data.csv?metric=t.change');
    const r = Object.fromEntries(records(header, rows).map((x) => [x.area, x]));
    expect(r.E08000009).toMatchObject({ note: `'${EVIL}`, value: '-5' });
    expect(r.E08000003).toMatchObject({ note: "'@SUM(A1:A2)", value: '3' });
    expect(r.E06000001).toMatchObject({ note: "'-2+3", value: '0' });
  });

  it('GET /api/v1/data with Accept: text/csv points to the metadata of /api/v1/data.csv for the same query', async () => {
    const { meta } = await csvWithMetadata(app, '/api/v1/data?metric=t.recycling', { accept: 'text/csv' });
    expect(meta.url).toMatch(/\/api\/v1\/data\.csv\?metric=t\.recycling$/);
  });

  it('GET /api/v1/metrics/:id/observations.csv has metadata of its own; a metadata request answers as the CSV would', async () => {
    const { meta, rows } = await csvWithMetadata(app, '/api/v1/metrics/t.change/observations.csv');
    expect(rows).toHaveLength(3);
    expect(meta['rdfs:comment']).toEqual([
      'Change in missed collections (t.change): Councils count a missed collection differently.',
    ]);
    const bad = await app.inject('/api/v1/data.csv-metadata.json?metric=t.nope');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'unknown-metric' });
  });

  it("the metric page links the figures' CSV, its metadata and the spreadsheet, each answering", async () => {
    const page = await app.inject('/metrics/t.change');
    expect(page.statusCode).toBe(200);
    const hrefs = [...page.body.matchAll(/href="(\/api\/v1\/[^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
    const csv = hrefs.find((h) => h.startsWith('/api/v1/data.csv?'))!;
    expect(hrefs).toContain(csv.replace('data.csv?', 'data.csv-metadata.json?'));
    expect(hrefs).toContain(csv.replace('data.csv?', 'data.xlsx?'));
    expect(hrefs).toContain('/api/v1/metrics/t.change/observations.csv-metadata.json');
    for (const h of hrefs.filter((x) => /metadata|xlsx/.test(x))) expect((await app.inject(h)).statusCode, h).toBe(200);
  });

  it('GET /api/v1/data.xlsx gives the same figures in the government layout, caveats in the notes, formulas neutralised', async () => {
    const res = await app.inject('/api/v1/data.xlsx?metric=t.recycling,t.change');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const sheets = await readXlsxFile(res.rawPayload);
    expect(sheets.map((s) => s.sheet)).toEqual([
      'Cover',
      'Contents',
      'Notes',
      'Household waste recycled',
      'Change in missed collections',
    ]);
    const cover = sheets[0]!.data.flat().map(String);
    expect(cover).toContain('Licence');
    expect(cover).toContain('OGL-UK-3.0');
    expect(cover.join(' ')).toMatch(/Contains data from X/);
    const notes = sheets[2]!.data.map((r) => r.map(String));
    expect(notes).toContainEqual([
      expect.any(String),
      expect.stringMatching(/^Household waste recycled .*Joint waste/),
    ]);
    const change = sheets[4]!.data;
    const headerAt = change.findIndex((r) => r[0] === 'Area code');
    const body = change.slice(headerAt + 1);
    expect(body).toHaveLength(3);
    const trafford = body.find((r) => r[0] === 'E08000009')!;
    expect(trafford[4]).toBe(-5);
    expect(trafford[10]).toBe(`'${EVIL}`);
  });
});
