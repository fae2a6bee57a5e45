import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, seedFixtureAreas, testMetric } from '../../../test/helpers/fixtures.ts';
import type { App } from '../../platform/app-types.ts';
import { runImport } from '../imports/index.ts';

const publish = (db: TestDb, code: string) =>
  runImport(db, {
    adapter: fixtureAdapter([testMetric(code, { title: `Measure ${code}` })], [[code, 'E06000001', 2022, 40]]),
    files: [],
    publish: true,
    keepMissing: true,
  });

describe('the catalogue kept per publication', () => {
  let db: TestDb;
  let app: App;
  beforeAll(async () => {
    db = await createTestDb();
    await seedFixtureAreas(db);
    expect((await publish(db, 't.first')).state).toBe('published');
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const codes = (body: string) => (JSON.parse(body) as { metrics: { id: string }[] }).metrics.map((m) => m.id);

  it('answers the same bytes and ETag until a publication, then the new catalogue within a second', async () => {
    const first = await app.inject('/api/v1/metrics?limit=50');
    const again = await app.inject('/api/v1/metrics?limit=50');
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(again.body).toBe(first.body);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(codes(first.body)).toEqual(['t.first']);
    const notModified = await app.inject({
      url: '/api/v1/metrics?limit=50',
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    expect(notModified.statusCode).toBe(304);
    expect((await publish(db, 't.second')).state).toBe('published');
    await new Promise((r) => setTimeout(r, 1100)); // the data stamp is looked up at most once a second
    const after = await app.inject('/api/v1/metrics?limit=50');
    expect(codes(after.body).sort()).toEqual(['t.first', 't.second']);
    expect(after.headers.etag).not.toBe(first.headers.etag);
  });

  it('never keeps a search, or a query it does not know, and answers them fresh', async () => {
    expect((await publish(db, 't.third')).state).toBe('published');
    // at once, within the second the stamp is kept: a search reads the catalogue as it is
    const search = await app.inject('/api/v1/metrics?q=third');
    expect(codes(search.body)).toEqual(['t.third']);
  });
});
