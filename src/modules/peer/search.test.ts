import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { PASSWORD, signIn, signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { servicesFor } from '../../app/services.ts';
import type { App } from '../../platform/app-types.ts';

const BASE = '/api/v1/peer-challenge';

/**
 * Search of findings and recommendations (full text on both dialects), and the peer pool's days donated. Every
 * engagement, peer, finding and recommendation here is SYNTHETIC; the councils are the real geography.
 */
describe('peer challenge: recommendation and finding search, the pool', () => {
  let db: TestDb;
  let app: App;
  let owner: Signed; // council user of Trafford
  let analyst: Signed;
  let manager: Signed;
  let published: number; // Trafford (E08), report published 2024
  let draft: number; // Cheshire East (E06), feedback presented, never published

  const post = async (url: string, payload: object) => {
    const r = await app.inject({
      method: 'POST',
      url: `${BASE}${url}`,
      headers: { cookie: manager.cookie, 'x-csrf-token': manager.csrf },
      payload,
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as number | string;
  };
  const walk = async (id: number, until: string, onsite: [string, string], after?: string) => {
    const moves: [string, string][] = [
      ['scoping', `${onsite[0].slice(0, 4)}-01-20`],
      ['scheduled', `${onsite[0].slice(0, 4)}-02-01`],
      ['position-statement-received', `${onsite[0].slice(0, 4)}-02-20`],
      ['on-site', onsite[0]],
      ['feedback-presented', onsite[1]],
      ['draft-report', `${onsite[0].slice(0, 4)}-04-10`],
      ['factual-accuracy-check', `${onsite[0].slice(0, 4)}-04-20`],
      ['report-published', `${onsite[0].slice(0, 4)}-05-20`],
    ];
    for (const [state, date] of moves.slice(after ? moves.findIndex((m) => m[0] === after) + 1 : 0)) {
      await post(`/engagements/${id}/steps`, {
        state,
        date,
        ...(state === 'scheduled' ? { onsiteStart: onsite[0], onsiteEnd: onsite[1] } : {}),
      });
      if (state === until) return;
    }
  };
  const search = (who: Signed | null, query: string) =>
    app.inject({ url: `${BASE}/recommendations?${query}`, headers: who ? { cookie: who.cookie } : {} });
  const ids = async (who: Signed | null, query: string) => {
    const r = await search(who, query);
    expect(r.statusCode, r.body).toBe(200);
    return (r.json().results as { id: string }[]).map((x) => x.id).sort();
  };

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    app = await createTestApp(db);
    ({ owner, analyst } = await signInEveryRole(db, app));
    const password = 'correct horse battery';
    await servicesFor(db).accounts.addUser({
      email: 'pcm@example.org',
      name: 'A Manager',
      password,
      role: 'peer_challenge_manager',
    });
    manager = await signIn(app, 'pcm@example.org', password);

    published = (await post('/engagements', {
      council: 'E08000009',
      kind: 'corporate',
      requestedOn: '2024-01-10',
    })) as number;
    await walk(published, 'feedback-presented', ['2024-03-12', '2024-03-15']);
    await post(`/engagements/${published}/recommendations`, {
      component: 'financial-planning-management',
      text: 'Strengthen the scrutiny of budget savings plans.',
    });
    await post(`/engagements/${published}/recommendations`, {
      component: 'local-priorities-outcomes',
      text: "Refresh the council's housing strategy with its partners.",
    });
    await post(`/engagements/${published}/findings`, {
      component: 'governance-culture',
      kind: 'strength',
      text: 'Scrutiny committees are well chaired and challenge budgets.',
    });
    await walk(published, 'report-published', ['2024-03-12', '2024-03-15'], 'feedback-presented');

    draft = (await post('/engagements', {
      council: 'E06000049',
      kind: 'corporate',
      requestedOn: '2025-01-10',
    })) as number;
    await walk(draft, 'feedback-presented', ['2025-03-11', '2025-03-14']);
    await post(`/engagements/${draft}/recommendations`, {
      component: 'financial-planning-management',
      text: 'Strengthen scrutiny of the unpublished budget.',
    });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('finds recommendations and findings by stemmed words, all of them required', async () => {
    expect(await ids(null, 'q=scrutiny')).toEqual([`PC${published}-R1`, expect.stringMatching(/^finding-\d+$/)].sort());
    // "budgets" finds "budget" and "budgets"; "savings plan" finds "savings plans" (stemming on both databases).
    expect(await ids(null, 'q=budgets%20scrutiny')).toHaveLength(2);
    expect(await ids(null, 'q=savings%20plan')).toEqual([`PC${published}-R1`]);
    expect(await ids(null, 'q=housing%20scrutiny')).toEqual([]);
    const r = (await search(null, 'q=housing')).json();
    expect(r).toMatchObject({ q: 'housing', scope: 'published', total: 1 });
    expect(r.results[0]).toMatchObject({
      kind: 'recommendation',
      id: `PC${published}-R2`,
      engagement: published,
      council: { code: 'E08000009', name: 'Trafford' },
      councilType: 'E08',
      year: '2024',
      component: 'local-priorities-outcomes',
      componentTitle: 'Local priorities and outcomes',
    });
  });

  it("drafts never reach the public, other councils' users or analysts; managers search every engagement", async () => {
    for (const who of [null, owner, analyst]) {
      const all = (await search(who, 'q=scrutiny')).json();
      expect(all.total).toBe(2);
      expect(JSON.stringify(all)).not.toContain('unpublished');
      expect(await ids(who, 'q=unpublished')).toEqual([]);
      expect(await ids(who, '')).toHaveLength(3);
    }
    const m = (await search(manager, 'q=unpublished')).json();
    expect(m).toMatchObject({ scope: 'all', total: 1 });
    expect(m.results[0]).toMatchObject({ id: `PC${draft}-R1`, council: { code: 'E06000049' }, year: '2025' });
    expect(await ids(manager, '')).toHaveLength(4);
  });

  it('filters by component and council type; counts by component per year cover every match', async () => {
    expect(await ids(null, 'component=financial-planning-management')).toEqual([`PC${published}-R1`]);
    expect(await ids(manager, 'q=scrutiny&component=financial-planning-management')).toEqual(
      [`PC${published}-R1`, `PC${draft}-R1`].sort(),
    );
    expect(await ids(manager, 'q=scrutiny&type=E06')).toEqual([`PC${draft}-R1`]);
    expect(await ids(manager, 'q=scrutiny&type=district')).toEqual([]);
    const r = (await search(manager, 'q=scrutiny&limit=1')).json();
    expect(r.results).toHaveLength(1);
    expect(r.total).toBe(3);
    expect(r.counts).toEqual([
      {
        component: 'financial-planning-management',
        title: 'Financial planning and management',
        year: '2024',
        recommendations: 1,
        findings: 0,
      },
      {
        component: 'governance-culture',
        title: 'Governance and culture',
        year: '2024',
        recommendations: 0,
        findings: 1,
      },
      {
        component: 'financial-planning-management',
        title: 'Financial planning and management',
        year: '2025',
        recommendations: 1,
        findings: 0,
      },
    ]);
    let bad = await search(null, 'component=nope');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: 'component', value: 'nope' });
    bad = await search(null, 'type=E99');
    expect(bad.json().errors[0]).toMatchObject({ field: 'type' });
  });

  it('hostile search input is inert: query syntax, quotes, SQL and control or bidi characters are only separators', async () => {
    for (const q of [
      '"scrutiny',
      'scrutiny*',
      'scrutiny OR housing',
      "scrutiny') or 1=1 --",
      'NEAR(scrutiny budget)',
      'text:scrutiny',
      '\u202escrutiny\u0000',
      '-housing scrutiny',
      '(((',
      '"',
      '* ^ : -',
    ]) {
      const r = await search(null, new URLSearchParams({ q }).toString());
      expect(r.statusCode, `${q}: ${r.body}`).toBe(200);
      expect(JSON.stringify(r.json().results)).not.toContain('unpublished');
    }
    // Operators are words like any other: "or" is a common word, so "scrutiny OR housing" needs both words.
    expect(await ids(null, new URLSearchParams({ q: 'scrutiny OR housing' }).toString())).toEqual([]);
    expect(await ids(null, new URLSearchParams({ q: "scrutiny') or 1=1 --" }).toString())).toEqual([]);
    expect(await ids(null, new URLSearchParams({ q: '\u202escrutiny\u0000' }).toString())).toHaveLength(2);
    expect((await search(null, `q=${'x'.repeat(201)}`)).statusCode).toBe(400);
  });

  it('the page: a GET form, results and counts, the same visibility, errors named', async () => {
    const page = (who: Signed | null, query: string) =>
      app.inject({ url: `/peer-challenge/recommendations?${query}`, headers: who ? { cookie: who.cookie } : {} });
    let r = await page(null, 'q=scrutiny');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('2 matches');
    expect(r.body).toContain('Strengthen the scrutiny of budget savings plans.');
    expect(r.body).not.toContain('unpublished');
    r = await page(manager, 'q=scrutiny');
    expect(r.body).toContain('Strengthen scrutiny of the unpublished budget.');
    r = await page(null, 'component=nope');
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('There is a problem');
    expect(r.body).toContain('href="#search-component"');
    r = await page(null, '');
    expect(r.statusCode).toBe(200);
    expect(r.body).toMatch(/href="\/peer-challenge"[^>]*>\s*(<strong[^>]*>)?\s*Peer challenge/);
  });

  it('the pool: days donated per peer and per home council, and the councils giving peers never challenged', async () => {
    const leedsPeer = await post('/peers', { name: 'Leeds Director', role: 'director', homeCouncil: 'E08000035' });
    const cornwallPeer = await post('/peers', {
      name: 'Cornwall Chief',
      role: 'chief-executive',
      homeCouncil: 'E06000052',
    });
    const traffordPeer = await post('/peers', {
      name: 'Trafford Director',
      role: 'director',
      homeCouncil: 'E08000009',
    });
    const idle = await post('/peers', { name: 'Idle Peer', role: 'other', homeCouncil: 'E08000035' });
    await post(`/engagements/${published}/team`, {
      peerId: leedsPeer,
      teamRole: 'officer-peer',
      daysCommitted: 4,
      daysDelivered: 4,
    });
    await post(`/engagements/${published}/team`, {
      peerId: cornwallPeer,
      teamRole: 'lead-officer-peer',
      daysCommitted: 4,
      daysDelivered: 3.5,
    });
    await post(`/engagements/${draft}/team`, { peerId: leedsPeer, teamRole: 'officer-peer', daysCommitted: 3 });
    await post(`/engagements/${draft}/team`, { peerId: traffordPeer, teamRole: 'officer-peer', daysCommitted: 5 });
    const get = (who: Signed | null, url: string) =>
      app.inject({ url: `${BASE}${url}`, headers: who ? { cookie: who.cookie } : {} });
    expect((await get(null, '/pool')).statusCode).toBe(401);
    expect((await get(owner, '/pool')).statusCode).toBe(403);
    expect((await get(analyst, '/pool.csv')).statusCode).toBe(403);
    const p = (await get(manager, '/pool')).json();
    // Days donated: delivered where recorded, else committed (Leeds's peer: 4 delivered + 3 committed on the draft).
    expect(p.totals).toEqual({ peers: 4, activePeers: 4, daysCommitted: 16, daysDelivered: 7.5, daysDonated: 15.5 });
    expect(
      p.peers.map(
        (x: { id: number; engagements: number; daysCommitted: number; daysDelivered: number; daysDonated: number }) => [
          x.id,
          x.engagements,
          x.daysCommitted,
          x.daysDelivered,
          x.daysDonated,
        ],
      ),
    ).toEqual([
      [leedsPeer, 2, 7, 4, 7],
      [traffordPeer, 1, 5, 0, 5],
      [cornwallPeer, 1, 4, 3.5, 3.5],
      [idle, 0, 0, 0, 0],
    ]);
    expect(p.councils).toEqual([
      expect.objectContaining({
        code: 'E08000035',
        name: 'Leeds',
        peers: 2,
        engagements: 2,
        daysCommitted: 7,
        daysDelivered: 4,
        daysDonated: 7,
        coverage: 'none',
        neverChallenged: true,
      }),
      expect.objectContaining({
        code: 'E08000009',
        peers: 1,
        daysCommitted: 5,
        coverage: 'not-due',
        neverChallenged: false,
      }),
      expect.objectContaining({
        code: 'E06000052',
        peers: 1,
        daysDelivered: 3.5,
        coverage: 'none',
        neverChallenged: true,
      }),
    ]);
    expect(p.neverChallenged.map((c: { code: string }) => c.code)).toEqual(['E08000035', 'E06000052']);
    const csv = await get(manager, '/pool.csv');
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.trim().split(/\r?\n/);
    expect(lines[0]).toBe(
      'area,area_name,area_type,peers,active_peers,engagements,days_committed,days_delivered,days_donated,coverage,never_challenged',
    );
    expect(lines[1]).toBe('E08000035,Leeds,E08,2,2,2,7,4,7,none,true');
    expect(lines).toHaveLength(4);
    expect((await get(manager, '/pool.csv-metadata.json')).statusCode).toBe(200);
    const page = (who: Signed | null) =>
      app.inject({ url: '/peer-challenge/pool', headers: who ? { cookie: who.cookie } : {} });
    expect((await page(null)).statusCode).toBe(303);
    expect((await page(owner)).statusCode).toBe(403);
    const html = (await page(manager)).body;
    expect(html).toContain('Councils that give peers but have never had a corporate peer challenge (2)');
    expect(html).toContain('Cornwall Chief (chief-executive)');
  });

  it("a council user searches its own council's engagements, drafts included; a peer those they are on", async () => {
    const accounts = servicesFor(db).accounts;
    await accounts.addUser({
      email: 'cheshire@example.org',
      name: 'Cheshire Officer',
      password: PASSWORD,
      role: 'council',
      council: 'E06000049',
    });
    await accounts.addUser({ email: 'onteam@example.org', name: 'On Team', password: PASSWORD, role: 'analyst' });
    const cheshire = await signIn(app, 'cheshire@example.org', PASSWORD);
    const onTeam = await signIn(app, 'onteam@example.org', PASSWORD);
    // Before joining the team, the analyst searches only the published challenges.
    expect(await ids(onTeam, 'q=unpublished')).toEqual([]);
    const peer = await post('/peers', {
      name: 'On Team',
      role: 'director',
      homeCouncil: 'E06000052',
      userEmail: 'onteam@example.org',
    });
    await post(`/engagements/${draft}/team`, { peerId: peer, teamRole: 'officer-peer', daysCommitted: 4 });
    for (const who of [cheshire, onTeam]) {
      const r = (await search(who, 'q=scrutiny')).json();
      expect(r).toMatchObject({ scope: 'published-and-own', total: 3 });
      expect(r.results.find((x: { id: string }) => x.id === `PC${draft}-R1`)).toMatchObject({
        published: false,
        council: { code: 'E06000049' },
      });
      expect(r.results.find((x: { id: string }) => x.id === `PC${published}-R1`)).toMatchObject({ published: true });
      expect(await ids(who, 'q=unpublished')).toEqual([`PC${draft}-R1`]);
      expect(await ids(who, '')).toHaveLength(4);
      const page = await app.inject({
        url: '/peer-challenge/recommendations?q=unpublished',
        headers: { cookie: who.cookie },
      });
      expect(page.body).toContain('Strengthen scrutiny of the unpublished budget.');
      expect(page.body).toContain('Draft</strong>');
    }
    // Trafford's user still sees no other council's draft.
    expect((await search(owner, 'q=scrutiny')).json()).toMatchObject({ scope: 'published-and-own', total: 2 });
    expect(await ids(owner, 'q=unpublished')).toEqual([]);
  });
});
