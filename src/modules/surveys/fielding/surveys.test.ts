import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/helpers/app.ts';
import { signIn, type Signed } from '../../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { apiPost, formPost, isoIn, linksOf, PERCEPTION_V1 } from '../../../../test/helpers/surveys.ts';
import type { App } from '../../../platform/app-types.ts';
import { definitionFromJson } from '../definition/index.ts';
import { loadResponses } from '../reporting/responses.ts';
import { servicesFor } from '../../../app/services.ts';

describe('surveys: definitions, waves, frames, links, response rates and access', () => {
  let db: TestDb;
  let app: App;
  const as: Record<'analyst' | 'admin' | 'council', Signed> = {} as never;
  let waveId = 0;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const accounts = servicesFor(db).accounts;
    for (const role of ['analyst', 'admin', 'council'] as const) {
      await accounts.addUser({
        email: `${role}@surveys.example`,
        name: `Test ${role}`,
        role,
        password: 'correct horse battery staple',
        ...(role === 'council' ? { council: 'E08000009' } : {}),
      });
    }
    app = await createTestApp(db);
    for (const role of ['analyst', 'admin', 'council'] as const)
      as[role] = await signIn(app, `${role}@surveys.example`, 'correct horse battery staple');
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('POST /api/v1/surveys/definitions loads a version once; the same again changes nothing; a changed or lower version is refused', async () => {
    const r = await apiPost(app, as.analyst, '/api/v1/surveys/definitions', PERCEPTION_V1);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().definition).toMatchObject({
      code: 'council-perception',
      version: 1,
      questions: 5,
      loadedBy: 'Test analyst',
    });
    expect((await apiPost(app, as.analyst, '/api/v1/surveys/definitions', PERCEPTION_V1)).json()).toMatchObject({
      created: false,
    });
    const changed = await apiPost(app, as.analyst, '/api/v1/surveys/definitions', {
      ...PERCEPTION_V1,
      title: 'Changed',
    });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().code).toBe('version-exists');
    expect(
      (await apiPost(app, as.analyst, '/api/v1/surveys/definitions', { ...PERCEPTION_V1, version: 2 })).statusCode,
    ).toBe(201);
    const lower = await apiPost(app, as.analyst, '/api/v1/surveys/definitions', {
      ...PERCEPTION_V1,
      version: 1,
      title: 'Lower',
    });
    expect(lower.statusCode).toBe(409);
    const bad = await apiPost(app, as.analyst, '/api/v1/surveys/definitions', {
      code: 'bad',
      version: 1,
      pages: [{ elements: [{ type: 'radiogroup', name: 'Q1', title: 'x' }] }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toContain('$.pages[0].elements[0]');
    const list = await app.inject({ url: '/api/v1/surveys/definitions', headers: { cookie: as.analyst.cookie } });
    expect(list.json().definitions.map((d: { version: number }) => d.version)).toEqual([1, 2]);
    const one = await app.inject({
      url: '/api/v1/surveys/definitions/council-perception/versions/1',
      headers: { cookie: as.analyst.cookie },
    });
    expect(one.json().definition.questions[3]).toMatchObject({ code: 'Q4', kind: 'grid' });
  });

  it('POST /api/v1/surveys/waves opens a wave on one version, checks dates, and refuses an unknown version', async () => {
    const r = await apiPost(app, as.analyst, '/api/v1/surveys/waves', {
      survey: 'council-perception',
      version: 1,
      name: 'Autumn',
      mode: 'frame',
      opensAt: isoIn(-1),
      closesAt: isoIn(30),
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ survey: 'council-perception', version: 1, state: 'open', openLink: null });
    waveId = r.json().id;
    const dates = await apiPost(app, as.analyst, '/api/v1/surveys/waves', {
      survey: 'council-perception',
      version: 1,
      name: 'Backwards',
      mode: 'frame',
      opensAt: '2026-12-10',
      closesAt: '2026-12-01',
    });
    expect(dates.statusCode).toBe(400);
    expect(dates.json().errors[0].field).toBe('closesAt');
    const oneDay = await apiPost(app, as.analyst, '/api/v1/surveys/waves', {
      survey: 'council-perception',
      version: 1,
      name: 'One day',
      mode: 'open',
      opensAt: '2026-12-10',
      closesAt: '2026-12-10',
    });
    expect(oneDay.json()).toMatchObject({ opensAt: '2026-12-10T00:00:00.000Z', closesAt: '2026-12-11T00:00:00.000Z' });
    expect(oneDay.json().openLink).toMatch(/^\/s\/[\w-]{16}$/);
    // A date alone is a day in London: a summer wave closes at the end of 30 June BST (23:00 UTC) and reads so.
    const summer = await apiPost(app, as.analyst, '/api/v1/surveys/waves', {
      survey: 'council-perception',
      version: 1,
      name: 'Summer',
      mode: 'open',
      opensAt: '2026-06-01',
      closesAt: '2026-06-30',
    });
    expect(summer.json()).toMatchObject({ opensAt: '2026-05-31T23:00:00.000Z', closesAt: '2026-06-30T23:00:00.000Z' });
    const yearEnd = await apiPost(app, as.analyst, '/api/v1/surveys/waves', {
      survey: 'council-perception',
      version: 1,
      name: 'Year end',
      mode: 'open',
      opensAt: '2026-12-01',
      closesAt: '2026-12-31',
    });
    expect(yearEnd.json().closesAt).toBe('2027-01-01T00:00:00.000Z');
    const page = await app.inject({
      url: `/surveys/council-perception/waves/${yearEnd.json().id}`,
      headers: { cookie: as.analyst.cookie },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('open from 1 December 2026, midnight to 31 December 2026, 11:59pm');
    const open = await app.inject({ url: yearEnd.json().openLink });
    expect(open.body).not.toContain('1 January 2027');
    expect(
      (
        await apiPost(app, as.analyst, '/api/v1/surveys/waves', {
          survey: 'council-perception',
          version: 9,
          name: 'X',
          mode: 'frame',
          opensAt: '2026-12-10',
          closesAt: '2026-12-11',
        })
      ).statusCode,
    ).toBe(400);
  });

  it('POST /api/v1/surveys/waves/:id/frame builds a frame from a rule with type and region from the areas module', async () => {
    const r = await apiPost(app, as.analyst, `/api/v1/surveys/waves/${waveId}/frame`, {
      rule: { types: ['county'], role: "Director of Children's Services" },
    });
    expect(r.statusCode, r.body).toBe(201);
    const frame = (
      await app.inject({ url: `/api/v1/surveys/waves/${waveId}/frame`, headers: { cookie: as.analyst.cookie } })
    ).json();
    expect(frame.members.length).toBe(r.json().added);
    expect(frame.members.length).toBeGreaterThan(15);
    for (const m of frame.members) {
      expect(m.authorityType).toBe('E10');
      expect(m.region?.code).toMatch(/^E12/);
      expect(m).not.toHaveProperty('token');
    }
    const again = await apiPost(app, as.analyst, `/api/v1/surveys/waves/${waveId}/frame`, {
      rule: { types: ['county'], role: "Director of Children's Services" },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().detail).toContain('already in the frame');
  });

  it('a CSV frame names each bad line: an unknown code, and a retired code with its successor; nothing is added', async () => {
    const csv =
      'area,role,contact\nE08000009,Chief Executive,Sara Todd\nE99999999,Chief Executive,\nE07000150,Chief Executive,\n';
    const r = await apiPost(app, as.analyst, `/api/v1/surveys/waves/${waveId}/frame`, { csv });
    expect(r.statusCode).toBe(400);
    const errors = r.json().errors as { field: string; message: string }[];
    expect(errors.map((e) => e.field)).toEqual(['csv:3', 'csv:4']);
    expect(errors[1]!.message).toContain('E06000061');
    const ok = await apiPost(app, as.analyst, `/api/v1/surveys/waves/${waveId}/frame`, {
      csv: 'area,role,contact\nE08000009,Chief Executive,Sara Todd\n',
    });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('POST /api/v1/surveys/waves/:id/links returns each link once (256-bit tokens); only a SHA-256 is stored', async () => {
    const r = await apiPost(app, as.analyst, `/api/v1/surveys/waves/${waveId}/links`, {});
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toContain('text/csv');
    expect(r.headers['cache-control']).toBe('private, no-store');
    const links = linksOf(r.body);
    const members = (
      await app.inject({ url: `/api/v1/surveys/waves/${waveId}/frame`, headers: { cookie: as.analyst.cookie } })
    ).json().members;
    expect(links).toHaveLength(members.length);
    for (const l of links) expect(Buffer.from(l.token, 'base64url')).toHaveLength(32);
    expect(new Set(links.map((l) => l.token)).size).toBe(links.length);
    const stored = await db.kysely
      .selectFrom('survey_respondents')
      .select(['token_hash'])
      .where('wave_id', '=', waveId)
      .execute();
    const dump = JSON.stringify(stored);
    for (const l of links.slice(0, 5)) expect(dump).not.toContain(l.token);
    for (const s of stored) expect(s.token_hash).toMatch(/^[0-9a-f]{64}$/);
    // Issued once: asking again gives no new links.
    expect(linksOf((await apiPost(app, as.analyst, `/api/v1/surveys/waves/${waveId}/links`, {})).body)).toHaveLength(0);
  });

  it('GET response rates by authority type, by region and overall, live from the tables (JSON and CSV)', async () => {
    const w = (
      await apiPost(app, as.analyst, '/api/v1/surveys/waves', {
        survey: 'council-perception',
        version: 1,
        name: 'Rates',
        mode: 'frame',
        opensAt: isoIn(-1),
        closesAt: isoIn(30),
      })
    ).json();
    // Trafford and Manchester (metropolitan, North West), Hartlepool (unitary, North East), Hampshire (county, South
    // East).
    await apiPost(app, as.analyst, `/api/v1/surveys/waves/${w.id}/frame`, {
      members: ['E08000009', 'E08000003', 'E06000001', 'E10000014'].map((area) => ({ area, role: 'Chief Executive' })),
    });
    const links = linksOf((await apiPost(app, as.analyst, `/api/v1/surveys/waves/${w.id}/links`, {})).body);
    const answer = async (path: string, page: string, fields: Record<string, string | string[]>, revision: number) =>
      formPost(app, `${path}/q/${page}`, { ...fields, revision });
    const trafford = links.find((l) => l.area === 'E08000009')!;
    await answer(trafford.path, 'Q1', { answer: '1' }, 0);
    await answer(trafford.path, 'Q2', { answer: 'none' }, 1);
    await answer(trafford.path, 'Q4.a', { answer: '1' }, 2);
    await answer(trafford.path, 'Q4.b', { answer: '2' }, 3);
    expect((await formPost(app, `${trafford.path}/check`, { revision: 4 })).statusCode).toBe(303);
    await answer(links.find((l) => l.area === 'E06000001')!.path, 'Q1', { answer: '2' }, 0);

    const r = (
      await app.inject({
        url: `/api/v1/surveys/waves/${w.id}/response-rates.json`,
        headers: { cookie: as.analyst.cookie },
      })
    ).json();
    expect(r.overall).toMatchObject({ frame: 4, submitted: 1, inProgress: 1, notStarted: 2, rate: 0.25 });
    expect(r.byAuthorityType.find((l: { code: string }) => l.code === 'E08')).toMatchObject({
      label: 'Metropolitan district',
      frame: 2,
      submitted: 1,
      rate: 0.5,
    });
    expect(r.byAuthorityType.find((l: { code: string }) => l.code === 'E06')).toMatchObject({
      frame: 1,
      submitted: 0,
      inProgress: 1,
      rate: 0,
    });
    expect(r.byRegion.find((l: { label: string }) => l.label === 'North West')).toMatchObject({
      frame: 2,
      submitted: 1,
    });
    const csv = await app.inject({
      url: `/api/v1/surveys/waves/${w.id}/response-rates.csv`,
      headers: { cookie: as.admin.cookie },
    });
    expect(csv.body.split('\n')[0]).toBe('breakdown,code,label,frame,submitted,in_progress,not_started,rate_percent');
    expect(csv.body).toContain('overall,all,All councils in the frame,4,1,1,2,25');

    const responses = await app.inject({
      url: `/api/v1/surveys/waves/${w.id}/responses.csv`,
      headers: { cookie: as.analyst.cookie },
    });
    const [header, row] = responses.body.trim().split('\n');
    expect(header).toBe(
      'wave,respondent_id,submitted_at,authority_type,region,role,Q1,Q2_peer,Q2_mentor,Q2_none,Q3,Q4_a,Q4_b,Q5',
    );
    expect(row).toMatch(
      /^Rates,E08000009\/Chief Executive,20\d\d-[\d:T.-]+Z,Metropolitan district,North West,Chief Executive,1,0,0,1,,1,2,$/,
    );
    // The lead's reader takes the file without unknown columns.
    const def = definitionFromJson(PERCEPTION_V1);
    const lines = responses.body.trim().split('\n');
    const data = loadResponses(
      def,
      lines[0]!.split(','),
      lines.slice(1).map((l, i) => ({ line: i + 2, cells: l.split(',') })),
      { source: 'responses.csv' },
    );
    expect(data.n).toBe(1);
    expect(data.problems).toEqual([]);
    const page = await app.inject({
      url: `/surveys/council-perception/waves/${w.id}`,
      headers: { cookie: as.analyst.cookie },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Metropolitan district');
    expect(page.body).toContain('25%');
  });

  describe('who may do what', () => {
    const routes: { method: 'GET' | 'POST'; url: () => string; analyst: number; admin: number; body?: object }[] = [
      { method: 'GET', url: () => '/api/v1/surveys/definitions', analyst: 200, admin: 200 },
      {
        method: 'GET',
        url: () => '/api/v1/surveys/definitions/council-perception/versions/1',
        analyst: 200,
        admin: 200,
      },
      { method: 'GET', url: () => '/api/v1/surveys/waves', analyst: 200, admin: 200 },
      { method: 'GET', url: () => `/api/v1/surveys/waves/${waveId}`, analyst: 200, admin: 200 },
      { method: 'GET', url: () => `/api/v1/surveys/waves/${waveId}/frame`, analyst: 200, admin: 200 },
      { method: 'GET', url: () => `/api/v1/surveys/waves/${waveId}/response-rates.json`, analyst: 200, admin: 200 },
      { method: 'GET', url: () => `/api/v1/surveys/waves/${waveId}/response-rates.csv`, analyst: 200, admin: 200 },
      // Raw responses: analysts only.
      { method: 'GET', url: () => `/api/v1/surveys/waves/${waveId}/responses.json`, analyst: 200, admin: 403 },
      { method: 'GET', url: () => `/api/v1/surveys/waves/${waveId}/responses.csv`, analyst: 200, admin: 403 },
      { method: 'POST', url: () => '/api/v1/surveys/definitions', analyst: 200, admin: 200, body: PERCEPTION_V1 },
      {
        method: 'POST',
        url: () => '/api/v1/surveys/waves',
        analyst: 201,
        admin: 201,
        body: {
          survey: 'council-perception',
          version: 1,
          name: 'Access',
          mode: 'open',
          opensAt: '2026-12-01',
          closesAt: '2026-12-31',
        },
      },
      {
        method: 'POST',
        url: () => `/api/v1/surveys/waves/${waveId}/frame`,
        analyst: 400,
        admin: 400,
        body: { members: [], csv: '' },
      },
      { method: 'POST', url: () => `/api/v1/surveys/waves/${waveId}/links`, analyst: 200, admin: 200, body: {} },
    ];
    for (const r of routes) {
      it(`${r.method} ${r.url().replace(/\d+/, ':id')}: visitor 401, council user 403, analyst ${r.analyst}, admin ${r.admin}`, async () => {
        const call = (who: Signed | null) =>
          r.method === 'GET'
            ? app.inject({ url: r.url(), headers: who ? { cookie: who.cookie } : {} })
            : apiPost(app, who, r.url(), r.body ?? {});
        expect((await call(null)).statusCode).toBe(401);
        expect((await call(as.council)).statusCode).toBe(403);
        expect((await call(as.analyst)).statusCode).toBe(r.analyst);
        expect((await call(as.admin)).statusCode).toBe(r.admin);
      });
    }
    it('a POST without the CSRF header is refused and writes nothing', async () => {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/surveys/waves',
        headers: { cookie: as.analyst.cookie },
        payload: {
          survey: 'council-perception',
          version: 1,
          name: 'No CSRF',
          mode: 'open',
          opensAt: '2026-12-01',
          closesAt: '2026-12-31',
        },
      });
      expect(r.statusCode).toBe(403);
      expect(
        (await db.kysely.selectFrom('survey_waves').select('id').where('name', '=', 'No CSRF').execute()).length,
      ).toBe(0);
    });
    it("POST /surveys/:code/waves/:id/links (the wave page's button) needs the form's CSRF token and gives the CSV", async () => {
      const w = (
        await apiPost(app, as.analyst, '/api/v1/surveys/waves', {
          survey: 'council-perception',
          version: 1,
          name: 'Page links',
          mode: 'frame',
          opensAt: isoIn(-1),
          closesAt: isoIn(30),
        })
      ).json();
      await apiPost(app, as.analyst, `/api/v1/surveys/waves/${w.id}/frame`, {
        members: [{ area: 'E08000003', role: 'Leader' }],
      });
      const page = await app.inject({
        url: `/surveys/council-perception/waves/${w.id}`,
        headers: { cookie: as.analyst.cookie },
      });
      expect(page.body).toContain('Issue 1 link (download CSV)');
      const url = `/surveys/council-perception/waves/${w.id}/links`;
      expect((await formPost(app, url, {}, as.analyst.cookie)).statusCode).toBe(403);
      expect((await formPost(app, url, { _csrf: as.council.csrf }, as.council.cookie)).statusCode).toBe(403);
      const r = await formPost(app, url, { _csrf: as.analyst.csrf }, as.analyst.cookie);
      expect(r.statusCode).toBe(200);
      expect(linksOf(r.body).map((l) => l.area)).toEqual(['E08000003']);
    });
    it('GET /surveys: a visitor is sent to sign in, a council user refused, analysts and admins see the waves', async () => {
      expect((await app.inject({ url: '/surveys' })).statusCode).toBe(303);
      expect((await app.inject({ url: '/surveys', headers: { cookie: as.council.cookie } })).statusCode).toBe(403);
      const page = await app.inject({ url: '/surveys', headers: { cookie: as.analyst.cookie } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Autumn');
      expect((await app.inject({ url: '/surveys', headers: { cookie: as.admin.cookie } })).statusCode).toBe(200);
      expect((await app.inject({ url: `/surveys/council-perception/waves/${waveId}` })).statusCode).toBe(303);
      expect(
        (
          await app.inject({
            url: `/surveys/council-perception/waves/${waveId}`,
            headers: { cookie: as.council.cookie },
          })
        ).statusCode,
      ).toBe(403);
      expect(
        (await app.inject({ url: `/surveys/other/waves/${waveId}`, headers: { cookie: as.analyst.cookie } }))
          .statusCode,
      ).toBe(404);
    });
  });
});
