import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { PASSWORD, signIn, signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { addPeerManager, ADMIN_ACTOR, PEER_MANAGER_EMAIL } from '../../../test/helpers/peer.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { servicesFor } from '../../app/services.ts';
import type { App } from '../../platform/app-types.ts';
import { STATES } from './states.ts';
import { API, CASES, ROLES, type Role, type Seeded } from '../../../test/helpers/peer-access.ts';

/** Every route of Fastify's route tree (printRoutes) as "METHOD /path", HEAD left out. */
function registered(tree: string): string[] {
  const stack: string[] = [];
  return tree.split('\n').flatMap((line) => {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?/.exec(line);
    if (!m) return [];
    const depth = m[1]!.length / 4;
    const path = `${depth > 0 ? stack[depth - 1] : ''}${m[2]}`.replace(/^\/\//, '/');
    stack[depth] = path;
    return (m[3] ?? '')
      .split(', ')
      .filter((v) => v && v !== 'HEAD')
      .map((v) => `${v} ${depth > 0 && !path.startsWith('/') ? `/${path}` : path}`);
  });
}

/**
 * Route × role, on both dialects: every peer challenge route (the API's from the OpenAPI document, the pages' from the
 * registered routes, so a new route missing here fails the test) asked by a visitor, an analyst, another council's
 * user, the council's own user, a peer on the team (a user of another council), a peer challenge manager and an
 * administrator, for a draft and a published engagement. Engagements, peers and files are SYNTHETIC.
 */
describe('peer challenge access: route × role', () => {
  let db: TestDb;
  let app: App;
  const who = {} as Record<Role, Signed | null>;
  const x = {} as Seeded;
  let sheffield: number;
  let sheffieldUser: Signed;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    app = await createTestApp(db);
    const s = servicesFor(db);
    const everyone = await signInEveryRole(db, app);
    await addPeerManager(db, PASSWORD);
    await s.accounts.addUser({
      email: 'peer@example.org',
      name: 'P',
      password: PASSWORD,
      role: 'council',
      council: 'E08000035',
    });
    Object.assign(who, {
      visitor: null,
      analyst: everyone.analyst,
      other: everyone.other,
      council: everyone.owner,
      peer: await signIn(app, 'peer@example.org', PASSWORD),
      manager: await signIn(app, PEER_MANAGER_EMAIL, PASSWORD),
      admin: everyone.admin,
    });
    const a = ADMIN_ACTOR;
    const p = s.peer;
    x.peerId = await p.addPeer(a, {
      name: 'Lead Chief',
      role: 'chief-executive',
      homeCouncil: 'E06000001',
      userEmail: 'peer@example.org',
    });
    x.spare = await p.addPeer(a, { name: 'Spare Director', role: 'director', homeCouncil: 'E06000002' });
    const walk = async (id: number, year: string, until: string) => {
      for (const [state, date, extra] of [
        ['scoping', `${year}-01-20`, {}],
        ['scheduled', `${year}-02-01`, { onsiteStart: `${year}-03-10`, onsiteEnd: `${year}-03-13` }],
        ['position-statement-received', `${year}-02-20`, {}],
        ['on-site', `${year}-03-10`, {}],
        ['feedback-presented', `${year}-03-13`, {}],
        ['draft-report', `${year}-04-10`, {}],
        ['factual-accuracy-check', `${year}-04-20`, {}],
        ['report-published', `${year}-05-20`, {}],
      ] as const) {
        const at = (await p.get(a, id)).state;
        if (STATES.indexOf(state) <= STATES.indexOf(at as (typeof STATES)[number])) continue;
        await p.step(a, id, { state, date, ...extra });
        if (state === until) return;
      }
    };
    x.published = await p.create(a, { council: 'E08000009', kind: 'corporate', requestedOn: '2024-01-10' });
    x.draft = await p.create(a, { council: 'E08000009', kind: 'corporate', requestedOn: '2026-01-10' });
    await walk(x.published, '2024', 'feedback-presented');
    await walk(x.draft, '2026', 'on-site');
    for (const id of [x.published, x.draft])
      await p.addTeamMember(a, id, { peerId: x.peerId, teamRole: 'lead-officer-peer', daysCommitted: 4 });
    x.publishedRec = await p.addRecommendation(a, x.published, {
      component: 'governance-culture',
      text: 'Strengthen scrutiny.',
    });
    x.draftRec = await p.addRecommendation(a, x.draft, {
      component: 'governance-culture',
      text: 'Strengthen draft scrutiny.',
    });
    const action = { text: 'SYNTHETIC', ownerRole: 'Chief executive', dueDate: '2027-03-31' };
    x.publishedAction = await p.addAction(a, x.published, { recommendation: x.publishedRec, ...action });
    x.draftAction = await p.addAction(a, x.draft, { recommendation: x.draftRec, ...action });
    const file = { filename: 'report.pdf', data: Buffer.from('%PDF-1.4\n% SYNTHETIC\n%%EOF\n') };
    x.publicFile = await p.addDocument(a, x.published, {
      kind: 'report',
      title: 'Report',
      file,
      publishedAt: '2024-05-20',
      public: true,
    });
    x.privateFile = await p.addDocument(a, x.published, {
      kind: 'position-statement',
      title: 'Statement',
      file,
      public: false,
    });
    x.draftFile = await p.addDocument(a, x.draft, {
      kind: 'position-statement',
      title: 'Draft statement',
      file,
      public: false,
    });
    await walk(x.published, '2024', 'report-published');
    for (const id of [x.published, x.draft]) await p.generatePack(a, id);
    // Sheffield, re-coded E08000019 → E08000039 in 2024: its draft of 2020 under the old code.
    sheffield = await p.create(a, { council: 'E08000019', kind: 'corporate', requestedOn: '2020-06-01' });
    await p.addRecommendation(a, sheffield, { component: 'leadership-of-place', text: 'Sheffield draft scrutiny.' });
    await s.accounts.addUser({
      email: 'sheffield@example.org',
      name: 'S',
      password: PASSWORD,
      role: 'council',
      council: 'E08000039',
    });
    sheffieldUser = await signIn(app, 'sheffield@example.org', PASSWORD);
    await p.loadQuestionnaire(a, 'feedback');
    x.wave = (
      await p.createEvaluationWave(a, {
        survey: 'feedback',
        name: 'Wave',
        opensAt: '2026-12-01',
        closesAt: '2026-12-31',
      })
    ).id;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('every peer challenge route is in the matrix (API from OpenAPI, pages from the registered routes)', async () => {
    const doc = (await app.inject('/api/v1/openapi.json')).json<{ paths: Record<string, Record<string, unknown>> }>();
    const api = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith(API))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const pages = registered(app.printRoutes({ commonPrefix: false })).filter((r) => / \/peer-challenge/.test(r));
    const covered = new Set(CASES.map((c) => `${c.method} ${c.route}`));
    expect([...api, ...pages].filter((r) => !covered.has(r)).sort()).toEqual([]);
    expect(pages.length).toBeGreaterThan(10);
    expect([...covered].filter((r) => !api.includes(r) && !pages.includes(r))).toEqual([]);
  });

  it('each role gets what the access rules say, on every route', async () => {
    const wrong: string[] = [];
    for (const c of CASES) {
      const expected = c.expect.split(' ');
      expect(expected, c.route).toHaveLength(ROLES.length);
      for (const [i, role] of ROLES.entries()) {
        const w = who[role];
        const url = c.url(x, role);
        const body = c.body?.(x, role);
        const res = c.form
          ? await app.inject({
              method: c.method,
              url,
              headers: { 'content-type': 'application/x-www-form-urlencoded', ...(w ? { cookie: w.cookie } : {}) },
              payload: new URLSearchParams({
                ...(body as Record<string, string>),
                ...(w ? { _csrf: w.csrf } : {}),
              }).toString(),
            })
          : await app.inject({
              method: c.method,
              url,
              headers: w ? { cookie: w.cookie, ...(c.method === 'GET' ? {} : { 'x-csrf-token': w.csrf }) } : {},
              ...(body ? { payload: body } : {}),
            });
        const want = expected[i]!;
        const got = res.statusCode;
        const fine = want === 'ok' ? ![401, 403, 404].includes(got) && got < 500 : String(got) === want;
        if (!fine) wrong.push(`${c.method} ${url} as ${role}: ${got}, expected ${want} (${res.body.slice(0, 120)})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('what each role sees: engagements listed and searched, drafts only for the council, the team and managers', async () => {
    for (const role of ROLES) {
      const w = who[role];
      const headers = w ? { cookie: w.cookie } : {};
      const listed = (await app.inject({ url: `${API}/engagements`, headers }))
        .json()
        .engagements.map((e: { id: number }) => e.id);
      const found = (await app.inject({ url: `${API}/recommendations?q=scrutiny`, headers }))
        .json()
        .results.map((r: { id: string }) => r.id);
      const inside = ['council', 'peer', 'manager', 'admin'].includes(role);
      expect(listed.includes(x.draft), role).toBe(inside);
      expect(listed.includes(x.published), role).toBe(true);
      expect(found.includes(x.draftRec), role).toBe(inside);
      expect(found.includes(x.publishedRec), role).toBe(true);
    }
  });

  it("a re-coded council's user sees the engagements under its earlier code, drafts included", async () => {
    const headers = { cookie: sheffieldUser.cookie };
    const e = await app.inject({ url: `${API}/engagements/${sheffield}`, headers });
    expect(e.statusCode).toBe(200);
    expect(e.json()).toMatchObject({ standing: 'council', council: { code: 'E08000019', currentCode: 'E08000039' } });
    const listed = (await app.inject({ url: `${API}/engagements`, headers })).json().engagements;
    expect(listed.map((v: { id: number }) => v.id)).toContain(sheffield);
    const found = (await app.inject({ url: `${API}/recommendations?q=sheffield`, headers })).json();
    expect(found).toMatchObject({ scope: 'published-and-own', total: 1 });
    expect(found.results[0]).toMatchObject({ published: false, council: { code: 'E08000019' } });
    // Another council's user does not.
    expect(
      (await app.inject({ url: `${API}/engagements/${sheffield}`, headers: { cookie: who.council!.cookie } }))
        .statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ url: `${API}/recommendations?q=sheffield`, headers: { cookie: who.council!.cookie } })).json()
        .total,
    ).toBe(0);
  });
});
