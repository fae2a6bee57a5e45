import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import type { App } from '../../platform/app-types.ts';

describe('areas API', () => {
  let db: TestDb;
  let app: App;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });

  it('GET /api/v1/areas/:code returns the area with its parents, type, tier, licence and attribution', async () => {
    const res = await get('/api/v1/areas/E08000009?at=2024-06-01');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      code: 'E08000009',
      name: 'Trafford',
      type: 'E08',
      tier: 'unitary',
      status: 'current',
      at: '2024-06-01',
      licence: 'OGL-UK-3.0',
    });
    expect(body.parents.combinedAuthority).toEqual({ code: 'E47000001', name: 'Greater Manchester' });
    expect(body.parents.fireRescueAuthority).toEqual({ code: 'E31000040', name: 'Greater Manchester' });
    expect(body.attribution).toMatch(/Office for National Statistics.*mySociety.*CC BY 4\.0/);
    expect(res.headers['last-modified']).toBeTruthy();
  });

  it('GET /api/v1/areas/:code returns a retired code with status retired and its successors, not 404', async () => {
    const res = await get('/api/v1/areas/E08000016');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'retired',
      validTo: '2025-03-31',
      successors: [{ code: 'E08000038', changeType: 'new-code', effectiveDate: '2025-04-01' }],
    });
  });

  it('GET /api/v1/areas/:code returns 404 as problem+json when the code is not one we hold', async () => {
    const res = await get('/api/v1/areas/E09999999');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 404, code: 'not-found', detail: 'Area "E09999999" does not exist.' });
  });

  it('GET /api/v1/areas/:code returns 400 naming the field when the code is not a GSS code or the date is impossible', async () => {
    const bad = await get('/api/v1/areas/Trafford');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: 'code', value: 'Trafford' });
    const date = await get('/api/v1/areas/E08000009?at=2023-02-30');
    expect(date.statusCode).toBe(400);
    expect(date.json()).toMatchObject({ code: 'invalid-parameter', errors: [{ field: 'at', value: '2023-02-30' }] });
    const extra = await get('/api/v1/areas/E08000009?date=2023-01-01');
    expect(extra.statusCode).toBe(400);
    expect(extra.json().errors[0]).toMatchObject({ field: 'date', message: 'is not a known parameter' });
  });

  it('GET /api/v1/areas lists areas live at a date with paging, and filters by type, region and name', async () => {
    const counties = (await get('/api/v1/areas?type=county&at=2022-04-01&limit=5')).json();
    expect([counties.total, counties.areas.length, counties.at, counties.licence]).toEqual([
      24,
      5,
      '2022-04-01',
      'OGL-UK-3.0',
    ]);
    const nw = (await get('/api/v1/areas?region=E12000002&type=shire-district&at=2024-04-01&limit=100')).json();
    expect(nw.total).toBe(12);
    const tewkesbury = (await get('/api/v1/areas?q=tewkes&at=2020-01-01')).json();
    expect(tewkesbury.areas).toEqual([
      expect.objectContaining({
        code: 'E07000083',
        name: 'Tewkesbury',
        region: { code: 'E12000009', name: 'South West' },
      }),
    ]);
    const retired = (await get('/api/v1/areas?q=aylesbury&include=all')).json();
    expect(retired.areas.map((a: { code: string; status: string }) => `${a.code} ${a.status}`)).toEqual([
      'E07000004 retired',
    ]);
  });

  it('GET /api/v1/areas returns 400 naming the field for an impossible date, an unknown type, region or parameter', async () => {
    const cases: [string, string][] = [
      ['at=2023-02-30', 'at'],
      ['at=2023-2-3', 'at'],
      ['type=borough', 'type'],
      ['region=E12000099', 'region'],
      ['limit=0', 'limit'],
      ['colour=red', 'colour'],
    ];
    for (const [query, field] of cases) {
      const res = await get(`/api/v1/areas?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(
        res.json().errors.map((e: { field: string }) => e.field),
        query,
      ).toContain(field);
    }
  });

  it('GET /api/v1/areas answers 304 when the client already has the latest geography', async () => {
    const first = await get('/api/v1/areas?type=region');
    const lastModified = first.headers['last-modified'] as string;
    expect(new Date(lastModified).getTime()).toBeGreaterThan(0);
    const again = await get('/api/v1/areas?type=region', { 'if-modified-since': lastModified });
    expect(again.statusCode).toBe(304);
  });

  it('GET /api/v1/openapi.json describes both areas endpoints with their parameters', async () => {
    const doc = (await get('/api/v1/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/areas', '/api/v1/areas/{code}']));
    expect(doc.paths['/api/v1/areas'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['q', 'type', 'region', 'at', 'limit', 'offset']),
    );
  });

  it('GET /api/v1/areas/search suggests councils by the start of their name, however it is written', async () => {
    const res = await get('/api/v1/areas/search?q=saint%20hel&at=2025-06-01');
    expect(res.statusCode).toBe(200);
    expect(res.json().areas).toEqual([
      { code: 'E08000013', name: 'St. Helens', type: 'E08', typeName: 'Metropolitan district' },
    ]);
    expect(res.json().licence).toBe('OGL-UK-3.0');
    const hull = (await get('/api/v1/areas/search?q=hull&limit=3')).json();
    expect(hull.areas[0].code).toBe('E06000010');
    expect(hull.areas.length).toBeLessThanOrEqual(3);
  });

  it('GET /api/v1/areas/search returns 400 without q and an empty list for a name nobody holds', async () => {
    expect((await get('/api/v1/areas/search')).statusCode).toBe(400);
    expect((await get('/api/v1/areas/search?q=atlantis')).json().areas).toEqual([]);
  });
});
