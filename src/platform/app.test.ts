import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/helpers/db.ts';
import { createTestApp } from '../../test/helpers/app.ts';
import type { App } from './app.ts';

describe('the app platform', () => {
  let db: TestDb;
  let app: App;
  beforeAll(async () => {
    db = await createTestDb();
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('GET /healthz and /readyz report ok with the database dialect', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: db.dialect });
  });

  it('GET /api/v1/openapi.json serves an OpenAPI 3.1 document', async () => {
    const res = await app.inject('/api/v1/openapi.json');
    expect(res.statusCode).toBe(200);
    expect(res.json().openapi).toBe('3.1.0');
  });

  it('GET an unknown API path returns 404 as application/problem+json with the request id', async () => {
    const res = await app.inject({ url: '/api/v1/nothing-here', headers: { 'x-request-id': 'req-123' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 404, code: 'not-found', requestId: 'req-123' });
  });

  it("serves the stylesheet compiled from GOV.UK Frontend with a system font stack, and none of GOV.UK's assets", async () => {
    const res = await app.inject('/css/app.css');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/css');
    expect(res.body).toContain('.govuk-button');
    expect(res.body).toContain('system-ui');
    expect(res.body).not.toMatch(/@font-face|GDS Transport/i);
    for (const url of [
      '/govuk/govuk-frontend.min.css',
      '/assets/fonts/bold-b542beb274-v2.woff2',
      '/assets/images/favicon.ico',
      '/assets/images/govuk-crest.svg',
      '/assets/manifest.json',
    ])
      expect((await app.inject(url)).statusCode, url).toBe(404);
  });
});
