import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, testMetric, type FixtureRow } from '../../../test/helpers/fixtures.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { csvWithMetadata } from '../../../test/helpers/csvw.ts';
import type { App } from '../../platform/app-types.ts';
import { runImport } from '../imports/index.ts';
import { pearson } from './correlation.ts';

/** The ten Greater Manchester districts (the combined authority's members). */
const GM = [
  'E08000001',
  'E08000002',
  'E08000003',
  'E08000004',
  'E08000005',
  'E08000006',
  'E08000007',
  'E08000008',
  'E08000009',
  'E08000010',
];
const SPEND = 'test.spend-per-head';
const OUTCOME = 'test.outcome';
const spendOf = (i: number, year: number) => 100 + i * 7 + (year - 2020) * 3;
const outcomeOf = (i: number, year: number) => 50 + ((i * 13) % 10) + (year - 2020);

function rows(years: number[]): FixtureRow[] {
  return years.flatMap((y) =>
    GM.flatMap(
      (code, i) =>
        [
          [SPEND, code, y, spendOf(i, y)],
          [OUTCOME, code, y, outcomeOf(i, y)],
        ] as FixtureRow[],
    ),
  );
}
const METRICS = [
  testMetric(SPEND, {
    title: 'Spend per head on services',
    unit: '£ per head',
    unitType: 'currency-per-head',
    decimalPlaces: 0,
    polarity: 'not-applicable',
    caveats: 'Net current expenditure.',
  }),
  testMetric(OUTCOME, { title: 'Residents satisfied', caveats: 'Survey based: small samples in small councils.' }),
];

describe('saved reports', () => {
  let db: TestDb;
  let app: App;
  let owner: Signed;
  let other: Signed;
  let analyst: Signed;
  let admin: Signed;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const r = await runImport(db, {
      adapter: fixtureAdapter(METRICS, rows([2020, 2021, 2022])),
      files: [],
      publish: true,
    });
    if (r.state !== 'published') throw new Error(r.message);
    app = await createTestApp(db);
    ({ owner, other, analyst, admin } = await signInEveryRole(db, app));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const headers = (who: Signed | null, csrf = true) =>
    who ? { cookie: who.cookie, ...(csrf ? { 'x-csrf-token': who.csrf } : {}) } : {};
  const save = (who: Signed | null, body: object, csrf = true) =>
    app.inject({ method: 'POST', url: '/api/v1/reports', headers: headers(who, csrf), payload: body });
  const get = (url: string, who: Signed | null = null, extra: Record<string, string> = {}) =>
    app.inject({ url, headers: { ...headers(who, false), ...extra } });
  const bar = {
    title: 'Satisfaction in Greater Manchester',
    definition: { metrics: [OUTCOME], areas: ['E08000009'], group: 'combined-authority:E47000001', chart: 'bar' },
  };

  it('POST /api/v1/reports saves a definition (not figures) and GET /api/v1/reports/:slug re-computes it', async () => {
    const res = await save(owner, { ...bar, visibility: 'public' });
    expect(res.statusCode).toBe(201);
    const r = res.json();
    expect(r.slug).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(res.headers.location).toBe(`/api/v1/reports/${r.slug}`);
    expect(r.definition).toEqual({
      metrics: [OUTCOME],
      areas: ['E08000009'],
      group: 'combined-authority:E47000001',
      periods: 'latest',
      chart: 'bar',
    });
    const stored = await db.kysely
      .selectFrom('saved_reports')
      .selectAll()
      .where('slug', '=', r.slug)
      .executeTakeFirstOrThrow();
    expect(Object.keys(JSON.parse(stored.definition) as object).sort()).toEqual([
      'areas',
      'chart',
      'group',
      'metrics',
      'periods',
    ]);

    const v = (await get(`/api/v1/reports/${r.slug}`)).json();
    expect(v.gaps).toEqual([]);
    expect(v.group).toMatchObject({ id: 'combined-authority:E47000001', members: 10 });
    expect(v.metrics[0]).toMatchObject({
      id: OUTCOME,
      caveats: 'Survey based: small samples in small councils.',
      periods: [{ label: '2022/23' }],
    });
    expect(v.figures).toHaveLength(10);
    const trafford = v.figures.find((f: { area: string }) => f.area === 'E08000009');
    expect(trafford).toMatchObject({ chosen: true, inGroup: true, value: outcomeOf(8, 2022), periodLabel: '2022/23' });
    const values = GM.map((_c, i) => outcomeOf(i, 2022)).sort((a, b) => a - b);
    expect(v.summaries[0]).toMatchObject({ n: 10, countWithData: 10, median: (values[4]! + values[5]!) / 2 });
    expect(v.licence).toBe('OGL-UK-3.0');
  });

  it('refuses a definition field by field, naming the field and the value, and saves nothing', async () => {
    const before = (await db.kysely.selectFrom('saved_reports').select('id').execute()).length;
    const res = await save(owner, {
      title: ' ',
      definition: {
        metrics: [OUTCOME, 'test.no-such-metric', OUTCOME],
        areas: ['E08000009', 'E99999999', 'E07000150'],
        group: 'custom-999',
        periods: '2022/99',
        chart: 'trend',
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const errors = res
      .json()
      .errors.map((e: { field: string; value?: string; message: string }) => `${e.field} ${e.value}: ${e.message}`);
    expect(errors).toEqual(
      expect.arrayContaining([
        'title  : is required, up to 200 characters',
        'definition.metrics[1] test.no-such-metric: is not a metric in the catalogue (see /api/v1/metrics)',
        'definition.metrics[2] test.outcome: is listed twice (also at metrics[0])',
        'definition.areas[1] E99999999: is not an area code we know',
        expect.stringMatching(/^definition\.areas\[2\] E07000150: .*North Northamptonshire.*use the current code$/),
        expect.stringMatching(/^definition\.group custom-999: is not a group you can use/),
        expect.stringMatching(/^definition\.periods 2022\/99: /),
      ]),
    );
    const scatter3 = await save(owner, {
      title: 'x',
      definition: {
        metrics: [SPEND, OUTCOME, 'test.no-such-metric'],
        group: 'combined-authority:E47000001',
        chart: 'scatter',
      },
    });
    expect(scatter3.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['definition.metrics', 'definition.metrics[2]']),
    );
    const nothing = await save(owner, { title: 'x', definition: { metrics: [OUTCOME], chart: 'bar' } });
    expect(nothing.json().errors).toEqual([
      { field: 'definition.areas', value: '', message: 'choose at least one council, or a group, or both' },
    ]);
    const unknownKey = await save(owner, {
      title: 'x',
      definition: { metrics: [OUTCOME], chart: 'pie', areas: ['E08000009'] },
    });
    expect(unknownKey.statusCode).toBe(400);
    expect((await db.kysely.selectFrom('saved_reports').select('id').execute()).length).toBe(before);
    for (const [field, body] of [
      ['title', { title: 'Spend \u202Ednaps', description: 'ok' }],
      ['title', { title: 'Spend\u0000', description: 'ok' }],
      ['description', { title: 'Spend', description: 'Hidden \u2067order\u2069' }],
    ] as const) {
      const res = await save(owner, {
        ...body,
        definition: { metrics: [OUTCOME], areas: ['E08000009'], chart: 'bar' },
      });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().errors).toContainEqual(
        expect.objectContaining({ field, message: expect.stringMatching(/control character \(U\+/) }),
      );
    }
    expect((await db.kysely.selectFrom('saved_reports').select('id').execute()).length).toBe(before);
  });

  it('a visitor cannot save (401) and a post without the CSRF token is refused (403)', async () => {
    expect((await save(null, bar)).statusCode).toBe(401);
    const forged = await save(owner, bar, false);
    expect(forged.statusCode).toBe(403);
    expect(forged.json().code).toBe('csrf');
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { cookie: owner.cookie, 'x-csrf-token': other.csrf },
      payload: bar,
    });
    expect(wrong.statusCode).toBe(403);
  });

  it('re-computes from current data: a new publication changes the figures, the period and the ETag', async () => {
    const r = (
      await save(owner, {
        title: 'Trend',
        definition: {
          metrics: [SPEND, OUTCOME],
          areas: ['E08000009', 'E08000003'],
          group: 'combined-authority:E47000001',
          periods: 'latest:3',
          chart: 'trend',
        },
        visibility: 'public',
      })
    ).json();
    const first = await get(`/api/v1/reports/${r.slug}`);
    expect(first.headers['cache-control']).toBe('public, max-age=60');
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    expect((await get(`/api/v1/reports/${r.slug}`, null, { 'if-none-match': etag })).statusCode).toBe(304);
    expect(first.json().metrics.map((m: { periods: { label: string }[] }) => m.periods.map((p) => p.label))).toEqual([
      ['2020/21', '2021/22', '2022/23'],
      ['2020/21', '2021/22', '2022/23'],
    ]);

    const pub = await runImport(db, { adapter: fixtureAdapter(METRICS, rows([2023])), files: [], publish: true });
    expect(pub.state).toBe('published');
    const second = await get(`/api/v1/reports/${r.slug}`, null, { 'if-none-match': etag });
    expect(second.statusCode).toBe(200);
    expect(second.headers.etag).not.toBe(etag);
    const v = second.json();
    expect(v.metrics[0].periods.map((p: { label: string }) => p.label)).toEqual(['2021/22', '2022/23', '2023/24']);
    expect(
      v.figures.find(
        (f: { metric: string; area: string; periodLabel: string }) =>
          f.metric === SPEND && f.area === 'E08000009' && f.periodLabel === '2023/24',
      ).value,
    ).toBe(spendOf(8, 2023));
    // Only the chosen councils and the group are in the figures: 10 councils × 3 periods × 2 metrics.
    expect(v.figures).toHaveLength(60);
  });

  it('a scatter of spend against outcome states the correlation plainly and never implies a cause; CSV carries the figures', async () => {
    const r = (
      await save(owner, {
        title: 'Value for money',
        definition: {
          metrics: [SPEND, OUTCOME],
          areas: ['E08000009'],
          group: 'combined-authority:E47000001',
          chart: 'scatter',
        },
        visibility: 'shared',
      })
    ).json();
    const v = (await get(`/api/v1/reports/${r.slug}`)).json();
    const xs = GM.map((_c, i) => spendOf(i, 2023));
    const ys = GM.map((_c, i) => outcomeOf(i, 2023));
    expect(v.scatter).toMatchObject({
      x: { metric: SPEND, periodLabel: '2023/24' },
      y: { metric: OUTCOME, periodLabel: '2023/24' },
      n: 10,
    });
    expect(v.scatter.pearson).toBeCloseTo(pearson(xs, ys)!, 12);
    expect(v.scatter.sentence).toMatch(/Pearson's r = .* does not show that one causes the other/);
    const csv = await get(`/api/v1/reports/${r.slug}.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe(
      'report,metric,metric_title,period,period_label,area,area_name,chosen,in_group,applicable,value,status,median_of_councils_compared,councils_compared,unit,caveats,licence,source',
    );
    expect(lines).toHaveLength(21);
    const { meta } = await csvWithMetadata(app, `/api/v1/reports/${r.slug}.csv`);
    expect(meta.url).toMatch(new RegExp(`/api/v1/reports/${r.slug}\\.csv$`));
    expect(meta['dc:title']).toBe(v.report.title);
    expect(meta['dc:rights']).toEqual([
      ...new Set(v.metrics.map((m: { source: { licence: string } }) => m.source.licence)),
    ]);
    expect(meta['dc:publisher'].length).toBeGreaterThan(0);
    expect(lines.find((l) => l.includes(`${SPEND},`) && l.includes('E08000009'))).toContain(`,${spendOf(8, 2023)},`);
    const page = await get(`/reports/${r.slug}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('app-chart--scatter');
    expect(page.body).toMatch(/does not show that one causes the other/);
  });

  it('a metric removed from the catalogue later leaves a marked gap; the report still opens and nothing else is lost', async () => {
    const r = (
      await save(owner, {
        title: 'Both measures',
        definition: {
          metrics: [SPEND, OUTCOME],
          areas: ['E08000009'],
          group: 'combined-authority:E47000001',
          chart: 'bar',
        },
        visibility: 'public',
      })
    ).json();
    const before = (await get(`/api/v1/reports/${r.slug}`)).json();
    await db.kysely
      .updateTable('metrics')
      .set({ code: 'test.outcome-2027', slug: 'test.outcome-2027', updated_at: new Date().toISOString() })
      .where('code', '=', OUTCOME)
      .execute();
    try {
      const res = await get(`/api/v1/reports/${r.slug}`);
      expect(res.statusCode).toBe(200);
      const v = res.json();
      expect(v.gaps).toEqual([
        {
          kind: 'metric',
          value: OUTCOME,
          message: expect.stringMatching(
            /^This report asked for metric "test\.outcome", which is no longer in the catalogue\./,
          ),
        },
      ]);
      expect(v.metrics.map((m: { id: string }) => m.id)).toEqual([SPEND]);
      expect(v.figures).toEqual(before.figures.filter((f: { metric: string }) => f.metric === SPEND));
      expect(v.report.definition.metrics).toEqual([SPEND, OUTCOME]);
      const page = await get(`/reports/${r.slug}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(
        'This report asked for metric &quot;test.outcome&quot;, which is no longer in the catalogue',
      );
      expect(page.body).toContain('Spend per head on services');
      expect((await get(`/embed/reports/${r.slug}`)).body).toContain('which is no longer in the catalogue');
      expect((await get(`/api/v1/reports/${r.slug}.csv`)).statusCode).toBe(200);
      // Saving a new report with the old id is refused at once.
      expect(
        (
          await save(owner, { title: 'x', definition: { metrics: [OUTCOME], areas: ['E08000009'], chart: 'bar' } })
        ).json().errors[0],
      ).toMatchObject({ field: 'definition.metrics[0]', value: OUTCOME });
    } finally {
      await db.kysely
        .updateTable('metrics')
        .set({ code: OUTCOME, slug: OUTCOME })
        .where('code', '=', 'test.outcome-2027')
        .execute();
    }
  });

  it('a deleted group leaves a marked gap and the chosen councils are still shown', async () => {
    const g = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/groups',
        headers: headers(owner),
        payload: { name: 'Mine', members: GM.slice(0, 5), visibility: 'shared' },
      })
    ).json();
    const r = (
      await save(owner, {
        title: 'With my group',
        definition: { metrics: [OUTCOME], areas: ['E08000009'], group: g.id, chart: 'bar' },
        visibility: 'public',
      })
    ).json();
    // The owner's shared group is shown in the report the owner published.
    expect((await get(`/api/v1/reports/${r.slug}`)).json().group).toMatchObject({ id: g.id, members: 5 });
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/v1/groups/${g.id}`, headers: headers(owner) })).statusCode,
    ).toBe(204);
    const v = (await get(`/api/v1/reports/${r.slug}`)).json();
    expect(v.gaps).toEqual([expect.objectContaining({ kind: 'group', value: g.id })]);
    expect(v.figures.map((f: { area: string }) => f.area)).toEqual(['E08000009']);
  });

  it('a private group never travels in a shared or public report: refused on saving and on sharing, naming the field', async () => {
    const g = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/groups',
        headers: headers(owner),
        payload: { name: 'Only mine', members: GM.slice(0, 4) },
      })
    ).json();
    const def = { metrics: [OUTCOME], areas: ['E08000009'], group: g.id, chart: 'bar' };
    const refused = await save(owner, { title: 'Public with a private group', definition: def, visibility: 'public' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0]).toMatchObject({
      field: 'visibility',
      value: 'public',
      message: expect.stringContaining(`private group "${g.id}"`),
    });
    const mine = await save(owner, { title: 'Private with a private group', definition: def });
    expect(mine.statusCode, mine.body).toBe(201);
    expect((await get(`/api/v1/reports/${mine.json().slug}`, owner)).json().group).toMatchObject({
      id: g.id,
      members: 4,
    });
    const share = await app.inject({
      method: 'PATCH',
      url: `/api/v1/reports/${mine.json().slug}`,
      headers: headers(owner),
      payload: { visibility: 'shared' },
    });
    expect(share.statusCode).toBe(400);
    expect(share.json().errors[0].field).toBe('visibility');
    expect((await get(`/api/v1/reports/${mine.json().slug}`, owner)).json().report.visibility).toBe('private');
  });

  describe('access by visibility and role', () => {
    const who = () => ({ visitor: null, council: other, analyst, admin, owner }) as Record<string, Signed | null>;
    const expected: Record<string, Record<string, number>> = {
      private: { visitor: 404, council: 404, analyst: 200, admin: 200, owner: 200 },
      shared: { visitor: 200, council: 200, analyst: 200, admin: 200, owner: 200 },
      public: { visitor: 200, council: 200, analyst: 200, admin: 200, owner: 200 },
    };
    for (const visibility of ['private', 'shared', 'public'] as const) {
      it(`a ${visibility} report: GET (JSON, CSV, CSV metadata, page, embed), PATCH and DELETE for each role`, async () => {
        const r = (await save(owner, { ...bar, title: `${visibility} report`, visibility })).json();
        for (const [role, user] of Object.entries(who())) {
          for (const url of [
            `/api/v1/reports/${r.slug}`,
            `/api/v1/reports/${r.slug}.csv`,
            `/api/v1/reports/${r.slug}.csv-metadata.json`,
            `/reports/${r.slug}`,
            `/embed/reports/${r.slug}`,
          ]) {
            const res = await get(url, user);
            expect(res.statusCode, `${role} GET ${url}`).toBe(expected[visibility]![role]);
            if (visibility === 'private' && res.statusCode === 200)
              expect(res.headers['cache-control'], `${role} ${url}`).toBe('private, no-store');
          }
          const patch = await app.inject({
            method: 'PATCH',
            url: `/api/v1/reports/${r.slug}`,
            headers: headers(user),
            payload: { title: `${visibility} report, edited by ${role}` },
          });
          const canSee = expected[visibility]![role] === 200;
          expect(patch.statusCode, `${role} PATCH`).toBe(
            role === 'owner' ? 200 : user === null ? 401 : canSee ? 403 : 404,
          );
        }
        const del = (user: Signed | null) =>
          app.inject({ method: 'DELETE', url: `/api/v1/reports/${r.slug}`, headers: headers(user) });
        expect((await del(null)).statusCode).toBe(401);
        expect((await del(other)).statusCode).toBe(visibility === 'private' ? 404 : 403);
        expect((await del(analyst)).statusCode).toBe(403);
        expect(
          (await app.inject({ method: 'DELETE', url: `/api/v1/reports/${r.slug}`, headers: headers(owner, false) }))
            .statusCode,
        ).toBe(403);
        expect((await del(visibility === 'public' ? admin : owner)).statusCode).toBe(204);
        expect((await get(`/api/v1/reports/${r.slug}`, owner)).statusCode).toBe(404);
      });
    }

    it('the owner changes visibility (PUT or PATCH, with the CSRF token); /reports and /api/v1/me/reports follow', async () => {
      const r = (await save(owner, { ...bar, title: 'Becomes public' })).json();
      expect(r.visibility).toBe('private');
      expect((await get('/reports')).body).not.toContain('Becomes public');
      expect(
        (
          await app.inject({
            method: 'PUT',
            url: `/api/v1/reports/${r.slug}`,
            headers: headers(owner, false),
            payload: { visibility: 'public' },
          })
        ).statusCode,
      ).toBe(403);
      const put = await app.inject({
        method: 'PUT',
        url: `/api/v1/reports/${r.slug}`,
        headers: headers(owner),
        payload: { visibility: 'public' },
      });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toMatchObject({ slug: r.slug, visibility: 'public' });
      expect((await get('/reports')).body).toContain('Becomes public');
      expect((await get('/api/v1/reports')).json().reports.map((x: { slug: string }) => x.slug)).toContain(r.slug);
      const mine = await get('/api/v1/me/reports', owner);
      expect(mine.headers['cache-control']).toBe('private, no-store');
      expect(mine.json().reports.map((x: { slug: string }) => x.slug)).toContain(r.slug);
      expect(
        (await get('/api/v1/me/reports', other)).json().reports.map((x: { slug: string }) => x.slug),
      ).not.toContain(r.slug);
      expect((await get('/api/v1/me/reports')).statusCode).toBe(401);
      const bad = await app.inject({
        method: 'PATCH',
        url: `/api/v1/reports/${r.slug}`,
        headers: headers(owner),
        payload: { definition: { metrics: ['nope'], areas: ['E08000009'], chart: 'bar' } },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0]).toMatchObject({ field: 'definition.metrics[0]', value: 'nope' });
    });
  });

  it('every other route by role: saving, your reports, the builder, and the page forms for visibility and deletion (with CSRF)', async () => {
    const roles: [string, Signed | null][] = [
      ['visitor', null],
      ['council', other],
      ['analyst', analyst],
      ['admin', admin],
      ['owner', owner],
    ];
    for (const [role, user] of roles) {
      expect((await save(user, bar)).statusCode, `${role} POST /api/v1/reports`).toBe(user ? 201 : 401);
      expect((await get('/api/v1/me/reports', user)).statusCode, `${role} GET /api/v1/me/reports`).toBe(
        user ? 200 : 401,
      );
      expect((await get('/reports/new', user)).statusCode, `${role} GET /reports/new`).toBe(user ? 200 : 303);
      expect((await get('/reports', user)).statusCode, `${role} GET /reports`).toBe(200);
    }
    const form = (url: string, user: Signed | null, fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url,
        headers: {
          ...(user ? { cookie: user.cookie } : {}),
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'text/html',
        },
        payload: new URLSearchParams({ ...(user ? { _csrf: user.csrf } : {}), ...fields }).toString(),
      });
    const r = (await save(owner, { ...bar, visibility: 'shared' })).json();
    const expectedVisibility: Record<string, number> = {
      visitor: 401,
      council: 403,
      analyst: 403,
      admin: 403,
      owner: 303,
    };
    for (const [role, user] of roles) {
      expect(
        (await form(`/reports/${r.slug}/visibility`, user, { visibility: 'public' })).statusCode,
        `${role} POST visibility`,
      ).toBe(expectedVisibility[role]);
    }
    expect((await get(`/api/v1/reports/${r.slug}`)).json().report.visibility).toBe('public');
    const noToken = await app.inject({
      method: 'POST',
      url: `/reports/${r.slug}/visibility`,
      headers: { cookie: owner.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'visibility=private',
    });
    expect(noToken.statusCode).toBe(403);
    const expectedDelete: Record<string, number> = { visitor: 401, council: 403, analyst: 403 };
    for (const [role, user] of roles.slice(0, 3))
      expect((await form(`/reports/${r.slug}/delete`, user, {})).statusCode, `${role} POST delete`).toBe(
        expectedDelete[role],
      );
    const byAdmin = await form(`/reports/${r.slug}/delete`, admin, {});
    expect(byAdmin.statusCode).toBe(303);
    expect(byAdmin.headers.location).toBe('/reports');
    const mine = (await save(owner, bar)).json();
    expect((await form(`/reports/${mine.slug}/delete`, owner, {})).statusCode).toBe(303);
    expect((await get(`/api/v1/reports/${r.slug}`, admin)).statusCode).toBe(404);
    expect((await get(`/api/v1/reports/${mine.slug}`, owner)).statusCode).toBe(404);
  });

  it('embeds: shared and public reports may be framed by any site; private ones by this service only, never cached', async () => {
    for (const visibility of ['shared', 'public'] as const) {
      const r = (await save(owner, { ...bar, visibility })).json();
      const res = await get(`/embed/reports/${r.slug}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-security-policy']).toMatch(/(^|; )frame-ancestors \*$/);
      expect(res.headers['x-frame-options']).toBeUndefined();
      expect(res.body).not.toContain('govuk-header');
      expect(res.body).toMatch(/<svg[^>]+role="img"/);
      expect(res.body).toContain('<table>');
      expect(res.body).toContain('Caveats for Residents satisfied');
      expect(res.body).toContain('Licence: OGL-UK-3.0');
      expect(res.body).toContain(`/api/v1/reports/${r.slug}.csv`);
    }
    const p = (await save(owner, { ...bar, visibility: 'private' })).json();
    const mine = await get(`/embed/reports/${p.slug}`, owner);
    expect(mine.headers['content-security-policy']).toMatch(/(^|; )frame-ancestors 'self'$/);
    expect(mine.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(mine.headers['cache-control']).toBe('private, no-store');
    // Other pages keep their own policy.
    expect((await get(`/reports/${p.slug}`, owner)).headers['content-security-policy']).toMatch(
      /(^|; )frame-ancestors 'self'$/,
    );
  });

  it('the builder: visitors are sent to sign in; a form post with problems comes back with an error summary linking to the fields; a good one saves', async () => {
    const visitor = await get('/reports/new');
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe('/sign-in?next=%2Freports%2Fnew');
    const form = await get('/reports/new', owner);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`value="${owner.csrf}"`);
    const post = (fields: Record<string, string>, csrf = owner.csrf) =>
      app.inject({
        method: 'POST',
        url: '/reports/new',
        headers: { cookie: owner.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
      });
    const bad = await post({
      title: '',
      chart: 'scatter',
      metric1: SPEND,
      metric2: '',
      metric3: '',
      metric4: '',
      area1: 'Trafford',
      area2: 'Trafforf',
      area3: 'Kingston',
      area4: 'E99999999',
      group: '',
      groupId: '',
      periods: '',
      visibility: 'public',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    expect(bad.body).toMatch(/<a href="#area2">No council is called “Trafforf”: check the spelling/);
    expect(bad.body).toMatch(/<a href="#area3">More than one council is called “Kingston”: choose one/);
    expect(bad.body).toMatch(/<a href="#area4">No council has the code E99999999: check it/);
    expect(bad.body).toContain('id="area1" name="area1" type="text" value="Trafford (E08000009)"');
    expect(bad.body).toContain('id="area3" name="area3" type="radio" value="E06000010"');
    expect(bad.body).toContain('value="Trafforf"');
    expect(bad.body).not.toMatch(/GSS code/);
    const noMeasure = await post({ title: 'x', chart: 'bar', area1: 'Trafford' });
    expect(noMeasure.body).toMatch(/<a href="#metric1">Choose at least one measure/);
    const apiRefusal = await post({ title: '', chart: 'bar', metric1: OUTCOME, area1: 'Trafford' });
    expect(apiRefusal.body).toMatch(/<a href="#title">title/);
    expect((await post({ title: 'x', chart: 'bar', metric1: OUTCOME, area1: 'E08000009' }, 'forged')).statusCode).toBe(
      403,
    );
    const good = await post({
      title: 'From the form',
      chart: 'bar',
      metric1: OUTCOME,
      metric2: '',
      area1: 'trafford council',
      area2: 'E08000003',
      group: 'combined-authority:E47000001',
      groupId: '',
      periods: '',
      visibility: 'public',
    });
    expect(good.statusCode).toBe(303);
    const slug = good.headers.location!.replace('/reports/', '');
    const v = (await get(`/api/v1/reports/${slug}`)).json();
    expect(v.report.definition).toEqual({
      metrics: [OUTCOME],
      areas: ['E08000009', 'E08000003'],
      group: 'combined-authority:E47000001',
      periods: 'latest',
      chart: 'bar',
    });
    const page = await get(`/reports/${slug}`, owner);
    expect(page.body).toContain('Permalink');
    expect(page.body).toContain(`/reports/${slug}/visibility`);
    const visitorPage = await get(`/reports/${slug}`);
    expect(visitorPage.body).not.toContain('Permalink');
    expect(visitorPage.headers['cache-control']).toBe('public, max-age=60');
    expect(visitorPage.headers.etag).toBeTruthy();
  });

  it('the OpenAPI document describes the report endpoints', async () => {
    const doc = (await get('/api/v1/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/reports', '/api/v1/me/reports', '/api/v1/reports/{slug}']),
    );
    expect(
      doc.paths['/api/v1/reports'].post.requestBody.content['application/json'].schema.properties.definition.properties
        .chart,
    ).toBeDefined();
  });
});
