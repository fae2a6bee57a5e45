import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedFixtureAreas } from '../../../test/helpers/fixtures.ts';
import type { App } from '../../platform/app-types.ts';
import { applyGroupFamily } from '../groups/index.ts';
import type { ImportAdapter, ImportItem } from './adapter.ts';
import { longCsvAdapter } from './adapters/long-csv.ts';
import { discardImport, publishImport, runImport } from './service.ts';

const METRICS_HEADER =
  'code,title,unit,unit_type,decimal_places,polarity,topic,period_type,applicable_area_types,publisher,licence,source_url,description,caveats';
const DATA_HEADER = 'metric,area,period,value,status,lci,uci,numerator,denominator';
const OLD =
  't.old,Missed bins,%,percentage,1,higher-is-better,environment-housing,financial-year,E06 E08,Us,OGL-UK-3.0,,Bins missed,Old caveat';
const CHANGED =
  't.old,Missed bins,%,percentage,1,lower-is-better,environment-housing,financial-year,E06 E08,Us,OGL-UK-3.0,,Bins missed by the secret method,New caveat';
const NEW =
  't.new,Brand new secret measure,%,percentage,1,higher-is-better,environment-housing,financial-year,E06 E08,Us,OGL-UK-3.0,,,';
const GONE =
  't.gone,A measure never published,%,percentage,1,higher-is-better,environment-housing,financial-year,E06 E08,Us,OGL-UK-3.0,,,';
const DISCARDED =
  't.old,Missed bins,%,percentage,1,lower-is-better,environment-housing,financial-year,E06 E08,Us,OGL-UK-3.0,,Bins missed by the secret method,Discarded caveat';

type Who = 'anonymous' | 'council' | 'analyst';
type Metric = { id: string; caveats: string | null; polarity: string; description: string | null; title: string };

describe('a draft import stays private until it is published', () => {
  let db: TestDb;
  let app: App;
  let council: Signed;
  let analyst: Signed;
  let draftId: number;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'drafts-'));

  /** Imports long-csv files with these metric definitions and data rows. */
  const importLongCsv = async (name: string, metrics: string[], rows: string[], publish: boolean, now: string) => {
    const m = path.join(tmp, `${name}-metrics.csv`);
    const d = path.join(tmp, `${name}-data.csv`);
    writeFileSync(m, [METRICS_HEADER, ...metrics, ''].join('\n'));
    writeFileSync(d, [DATA_HEADER, ...rows, ''].join('\n'));
    const r = await runImport(db, { adapter: longCsvAdapter, files: [d, m], publish, now: new Date(now) });
    expect(r.errors).toEqual([]);
    return r;
  };

  const get = (url: string, who: Who) => {
    const cookie = who === 'council' ? council.cookie : who === 'analyst' ? analyst.cookie : undefined;
    return app.inject({ method: 'GET', url, ...(cookie ? { headers: { cookie } } : {}) });
  };
  const metric = async (id: string, who: Who) => {
    const res = await get(`/api/v1/metrics/${id}`, who);
    return { status: res.statusCode, body: res.json<Metric>() };
  };
  const catalogue = async (who: Who, q = '') =>
    (await get(`/api/v1/metrics${q}`, who)).json<{ total: number; metrics: Metric[] }>();
  /** The catalogue entries of the change feed (its `change` entries, with their time and import). */
  const feed = async (who: Who) => {
    type Entry = { at: string; importId: number | null; change?: { entity: string; action: string; key: string } };
    const { entries } = (await get('/api/v1/changes?limit=10000', who)).json<{ entries: Entry[] }>();
    return { catalogue: entries.flatMap((e) => (e.change ? [{ at: e.at, importId: e.importId, ...e.change }] : [])) };
  };
  const count = async (t: 'staged_metrics' | 'staged_observations' | 'metrics') =>
    Number(
      (
        await db.kysely
          .selectFrom(t)
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    db = await createTestDb();
    await seedFixtureAreas(db);
    app = await createTestApp(db);
    ({ owner: council, analyst } = await signInEveryRole(db, app));
    await importLongCsv('published', [OLD], ['t.old,E06000001,2021/22,10,,,,,'], true, '2026-11-01T10:00:00Z');
    const draft = await importLongCsv(
      'draft',
      [CHANGED, NEW],
      ['t.old,E06000001,2021/22,11,,,,,', 't.old,E08000009,2021/22,12,,,,,', 't.new,E08000009,2021/22,5,,,,,'],
      false,
      '2026-11-02T10:00:00Z',
    );
    expect(draft.state).toBe('draft');
    expect(draft.metrics).toMatchObject({ created: 1, updated: 1, unchanged: 0 });
    draftId = draft.importId!;
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  describe('while it is a draft', () => {
    for (const who of ['anonymous', 'council', 'analyst'] as const) {
      it(`GET /api/v1/metrics/:id is 404 for the draft's new metric and gives the old definition (${who})`, async () => {
        expect((await metric('t.new', who)).status).toBe(404);
        expect((await metric('brand-new-secret-measure', who)).status).toBe(404);
        const old = await metric('t.old', who);
        expect(old.status).toBe(200);
        expect(old.body).toMatchObject({
          caveats: 'Old caveat',
          polarity: 'higher-is-better',
          description: 'Bins missed',
        });
      });

      it(`the catalogue and its search leave the draft out (${who})`, async () => {
        const all = await catalogue(who);
        expect(all.metrics.map((m) => m.id)).toEqual(['t.old']);
        expect(all.metrics[0]).toMatchObject({ caveats: 'Old caveat', polarity: 'higher-is-better' });
        expect((await catalogue(who, '?q=secret')).total).toBe(0);
        const page = await get('/metrics?q=secret', who);
        expect(page.statusCode).toBe(200);
        expect(page.body).not.toContain('Brand new secret measure');
        expect((await get('/metrics', who)).body).not.toContain('Brand new secret measure');
        expect((await get('/metrics/t.new', who)).statusCode).toBe(404);
        const oldPage = await get('/metrics/t.old', who);
        expect(oldPage.body).toContain('Old caveat');
        expect(oldPage.body).not.toContain('New caveat');
      });

      it(`the data query and comparison know only published data (${who})`, async () => {
        expect((await get('/api/v1/data.json?metric=t.new', who)).statusCode).toBe(400);
        const data = (await get('/api/v1/data.json?metric=t.old', who)).json<{
          observations: { area: string; value: number }[];
          metrics: Metric[];
        }>();
        expect(data.observations.map((o) => [o.area, o.value])).toEqual([['E06000001', 10]]);
        expect(data.metrics[0]).toMatchObject({ caveats: 'Old caveat', polarity: 'higher-is-better' });
        const compare = await get('/api/v1/compare.json?metric=t.new&area=E08000009&group=type:E08', who);
        expect(compare.statusCode).toBe(400);
        expect(compare.json<{ code: string }>().code).toBe('unknown-metric');
      });

      it(`the change feed holds nothing of the draft (${who})`, async () => {
        const entries = (await feed(who)).catalogue;
        expect(entries.some((c) => c.importId === draftId)).toBe(false);
        expect(entries.map((c) => `${c.entity} ${c.action} ${c.key}`)).toEqual([
          'metric created t.old',
          'import published 1',
        ]);
      });
    }

    it('GET /api/v1/metrics/:id?draft=N and GET /api/v1/imports/N are for analysts only', async () => {
      for (const url of [`/api/v1/metrics/t.new?draft=${draftId}`, `/api/v1/imports/${draftId}`, '/api/v1/imports']) {
        expect((await get(url, 'anonymous')).statusCode, url).toBe(401);
        expect((await get(url, 'council')).statusCode, url).toBe(403);
        expect((await get(url, 'analyst')).statusCode, url).toBe(200);
      }
    });

    it("GET /api/v1/metrics/:id?draft=N shows an analyst the draft's new and changed definitions", async () => {
      const fresh = await get(`/api/v1/metrics/t.new?draft=${draftId}`, 'analyst');
      expect(fresh.headers['cache-control']).toBe('private, no-store');
      expect(fresh.json()).toMatchObject({
        id: 't.new',
        slug: 'brand-new-secret-measure',
        title: 'Brand new secret measure',
        periods: [],
        draft: { importId: draftId, status: 'new' },
      });
      const bySlug = await get(`/api/v1/metrics/brand-new-secret-measure?draft=${draftId}`, 'analyst');
      expect(bySlug.json<Metric>().id).toBe('t.new');
      const changed = (await get(`/api/v1/metrics/t.old?draft=${draftId}`, 'analyst')).json<Metric>();
      expect(changed).toMatchObject({
        caveats: 'New caveat',
        polarity: 'lower-is-better',
        periodCount: 1,
        draft: { importId: draftId, status: 'changed' },
      });
      expect((await get(`/api/v1/metrics/t.new?draft=${draftId + 100}`, 'analyst')).statusCode).toBe(404);
      expect((await get('/api/v1/metrics/t.new?draft=0', 'analyst')).statusCode).toBe(400);
    });

    it('GET /api/v1/imports/N previews what publishing the draft would change', async () => {
      const res = await get(`/api/v1/imports/${draftId}`, 'analyst');
      const body = res.json<{
        state: string;
        observations: Record<string, number>;
        metrics: { id: string; action: string; fields: { field: string; before: unknown; after: unknown }[] }[];
      }>();
      expect(body.state).toBe('draft');
      expect(body.observations).toEqual({ inserted: 2, updated: 1, unchanged: 0 });
      const [changed, fresh] = body.metrics;
      expect(changed).toMatchObject({ id: 't.old', action: 'changed' });
      expect(changed!.fields).toEqual([
        { field: 'description', before: 'Bins missed', after: 'Bins missed by the secret method' },
        { field: 'caveats', before: 'Old caveat', after: 'New caveat' },
        { field: 'polarity', before: 'higher-is-better', after: 'lower-is-better' },
      ]);
      expect(fresh).toMatchObject({ id: 't.new', action: 'new', slug: 'brand-new-secret-measure' });
      expect(fresh!.fields).toContainEqual({ field: 'title', before: null, after: 'Brand new secret measure' });
      const list = (await get('/api/v1/imports', 'analyst')).json<{ imports: { id: number; state: string }[] }>();
      expect(list.imports.map((i) => i.state)).toEqual(['draft', 'published']);
    });

    it('the pages /imports and /imports/N show an analyst the draft; visitors are sent to sign in, council users refused', async () => {
      for (const url of ['/imports', `/imports/${draftId}`]) {
        const visitor = await get(url, 'anonymous');
        expect(visitor.statusCode, url).toBe(303);
        expect(visitor.headers.location).toBe(`/sign-in?next=${encodeURIComponent(url)}`);
        expect((await get(url, 'council')).statusCode, url).toBe(403);
      }
      const list = await get('/imports', 'analyst');
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain(`href="/imports/${draftId}">Draft import ${draftId}</a>`);
      const page = await get(`/imports/${draftId}`, 'analyst');
      expect(page.statusCode).toBe(200);
      expect(page.headers['cache-control']).toBe('private, no-store');
      expect(page.body).toContain(`href="/api/v1/metrics/t.new?draft=${draftId}">Brand new secret measure</a>`);
      expect(page.body).toMatch(/caveats<\/th><td[^>]*>Old caveat<\/td><td[^>]*>New caveat<\/td>/);
      expect(page.body).toMatch(/polarity<\/th><td[^>]*>higher-is-better<\/td><td[^>]*>lower-is-better<\/td>/);
      expect((await get(`/imports/${draftId + 100}`, 'analyst')).statusCode).toBe(404);
    });
  });

  describe('once published', () => {
    beforeAll(async () => {
      await publishImport(db, draftId, { now: new Date('2026-11-03T10:00:00Z') });
    });

    for (const who of ['anonymous', 'council'] as const) {
      it(`everyone sees the new metric, the changed definition and the data (${who})`, async () => {
        const fresh = await metric('t.new', who);
        expect(fresh.status).toBe(200);
        expect(fresh.body).toMatchObject({ title: 'Brand new secret measure', periodCount: 1 });
        expect((await metric('t.old', who)).body).toMatchObject({ caveats: 'New caveat', polarity: 'lower-is-better' });
        expect((await catalogue(who, '?q=secret')).metrics.map((m) => m.id).sort()).toEqual(['t.new', 't.old']);
        expect((await get('/metrics/t.new', who)).statusCode).toBe(200);
        const data = (await get('/api/v1/data.json?metric=t.new,t.old', who)).json<{ observations: unknown[] }>();
        expect(data.observations).toHaveLength(3);
      });
    }

    it('the change feed gives the definitions as changed at publication', async () => {
      const entries = (await feed('anonymous')).catalogue.filter((c) => c.importId === draftId);
      expect(entries.map((c) => `${c.at} ${c.entity} ${c.action} ${c.key}`)).toEqual([
        '2026-11-03T10:00:00.000Z metric updated t.old',
        '2026-11-03T10:00:00.000Z metric created t.new',
        `2026-11-03T10:00:00.000Z import published ${draftId}`,
      ]);
      expect(await count('staged_metrics')).toBe(0);
      expect(await count('staged_observations')).toBe(0);
      const after = (await get(`/api/v1/imports/${draftId}`, 'analyst')).json<{ state: string; metrics: unknown[] }>();
      expect(after.state).toBe('published');
      expect(after.metrics).toEqual([
        {
          id: 't.old',
          slug: 'missed-bins',
          title: 'Missed bins',
          action: 'changed',
          fields: [
            { field: 'description', before: 'Bins missed', after: 'Bins missed by the secret method' },
            { field: 'caveats', before: 'Old caveat', after: 'New caveat' },
            { field: 'polarity', before: 'higher-is-better', after: 'lower-is-better' },
          ],
        },
        { id: 't.new', slug: 'brand-new-secret-measure', title: 'Brand new secret measure', action: 'new', fields: [] },
      ]);
    });
  });

  describe('once discarded', () => {
    let discarded: number;
    beforeAll(async () => {
      const r = await importLongCsv(
        'discarded',
        [DISCARDED, GONE],
        ['t.gone,E08000009,2021/22,7,,,,,'],
        false,
        '2026-11-04T10:00:00Z',
      );
      discarded = r.importId!;
      expect((await get(`/api/v1/metrics/t.gone?draft=${discarded}`, 'analyst')).statusCode).toBe(200);
      await discardImport(db, discarded, { now: new Date('2026-11-05T10:00:00Z') });
    });

    it('nothing of it remains', async () => {
      for (const who of ['anonymous', 'council', 'analyst'] as const) {
        expect((await metric('t.gone', who)).status).toBe(404);
        expect((await metric('t.old', who)).body.caveats).toBe('New caveat');
      }
      expect((await get(`/api/v1/metrics/t.gone?draft=${discarded}`, 'analyst')).statusCode).toBe(404);
      expect(await count('staged_metrics')).toBe(0);
      expect(await count('staged_observations')).toBe(0);
      expect(await count('metrics')).toBe(2);
      expect((await feed('anonymous')).catalogue.some((c) => c.importId === discarded)).toBe(false);
      const preview = (await get(`/api/v1/imports/${discarded}`, 'analyst')).json<{ state: string; metrics: [] }>();
      expect(preview).toMatchObject({ state: 'discarded', metrics: [] });
    });
  });

  describe("a draft's bundles in the change feed", () => {
    const family: ImportAdapter = {
      name: 'family-fixture',
      summary: '',
      files: '',
      signatures: [],
      async *read(): AsyncIterable<ImportItem> {
        yield {
          kind: 'groups',
          at: { file: 'family.csv', line: 1 },
          groups: {
            family: {
              code: 'draft-family',
              version: '1',
              kind: 'nearest-neighbours',
              name: 'Draft neighbours',
              areaTypes: ['E08'],
              source: { publisher: 'Test', licence: 'OGL-UK-3.0' },
            },
            groups: [
              {
                owner: 'E08000009',
                name: 'Trafford neighbours',
                members: [{ code: 'E08000003', rank: 1 }],
                at: { file: 'family.csv', line: 2 },
              },
            ],
          },
        };
      },
    };

    it('are left out of the feed until the draft is published, then dated at its publication', async () => {
      const at = (d: string) => new Date(`2026-11-${d}T10:00:00Z`);
      const r = await runImport(db, { adapter: family, files: [], applyGroups: applyGroupFamily, now: at('06') });
      expect(r.state).toBe('draft');
      const mine = async () => (await feed('anonymous')).catalogue.filter((c) => c.importId === r.importId);
      expect(await mine()).toEqual([]);
      await publishImport(db, r.importId!, { now: at('07') });
      expect((await mine()).map((c) => `${c.at} ${c.entity} ${c.action} ${c.key}`)).toEqual([
        '2026-11-07T10:00:00.000Z group-family created draft-family@1',
        `2026-11-07T10:00:00.000Z import published ${r.importId}`,
      ]);
    });
  });
});
