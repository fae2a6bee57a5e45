import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { signIn, signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import { importFiles } from '../imports/index.ts';
import { servicesFor } from '../../app/services.ts';
import type { App } from '../../platform/app-types.ts';

const BASE = '/api/v1/peer-challenge';
const TRAFFORD = 'E08000009';
const MANCHESTER = 'E08000003';
const LEEDS = 'E08000035';
const CHESHIRE_EAST = 'E06000049';

/**
 * The peer challenge module end to end through the API, on both dialects. Every engagement, peer and history row here
 * is SYNTHETIC (there is no public register of past challenges); the councils are the real geography.
 */
describe('peer challenge', () => {
  let db: TestDb;
  let app: App;
  let owner: Signed; // council user of Trafford
  let other: Signed; // council user of Manchester
  let analyst: Signed;
  let admin: Signed;
  let manager: Signed;
  let peerUser: Signed;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    // DfE's 2025 statistical neighbours: Trafford's include Bromley (E09000006) and Cheshire East (E06000049).
    const dfe = await importFiles(
      db,
      'dfe-statistical-neighbours',
      [sharedFile('similar_councils/dfe_childrens_services_statistical_neighbours_2025.csv')],
      { publish: true },
    );
    if (dfe.state !== 'published') throw new Error(dfe.message);
    app = await createTestApp(db);
    ({ owner, other, analyst, admin } = await signInEveryRole(db, app));
    const accounts = servicesFor(db).accounts;
    const password = 'correct horse battery';
    await accounts.addUser({ email: 'pcm@example.org', name: 'A Manager', password, role: 'peer_challenge_manager' });
    await accounts.addUser({ email: 'peer@example.org', name: 'A Peer', password, role: 'council', council: LEEDS });
    manager = await signIn(app, 'pcm@example.org', password);
    peerUser = await signIn(app, 'peer@example.org', password);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const post = (who: Signed | null, url: string, payload: object, csrf = true) =>
    app.inject({
      method: 'POST',
      url: `${BASE}${url}`,
      headers: who ? { cookie: who.cookie, ...(csrf ? { 'x-csrf-token': who.csrf } : {}) } : {},
      payload,
    });
  const get = (who: Signed | null, url: string) =>
    app.inject({ url: `${BASE}${url}`, headers: who ? { cookie: who.cookie } : {} });
  const steps = async (id: number) =>
    (await db.kysely.selectFrom('peer_engagement_steps').selectAll().where('engagement_id', '=', id).execute()).length;
  const walk = async (id: number, moves: [string, string][]) => {
    for (const [state, date] of moves) {
      const r = await post(manager, `/engagements/${id}/steps`, { state, date });
      expect(r.statusCode, `${state}: ${r.body}`).toBe(201);
    }
  };
  let trafford: number;
  let leeds: number;
  const peers: Record<string, number> = {};

  it('GET /frameworks ships the three generations of the framework, the kinds, the deadlines and the conflict rules', async () => {
    const r = (await get(null, '/frameworks')).json();
    expect(r.frameworks.map((f: { version: string }) => f.version)).toEqual(['2011', '2017', '2023']);
    expect(r.frameworks[0].components.map((c: { title: string }) => c.title)).toEqual([
      'Understanding of local context and priority setting',
      'Financial planning and viability',
      'Political and managerial leadership',
      'Governance and decision-making',
      'Organisational capacity',
    ]);
    expect(r.frameworks[2].components[4].title).toBe('Capacity for improvement');
    expect(r.frameworks[2].validTo).toBeNull();
    expect(r.deadlines.map((d: { code: string; months: number }) => [d.code, d.months])).toEqual([
      ['report', 3],
      ['action-plan', 5],
      ['progress-review-report', 12],
    ]);
    expect(r.conflictRules.map((c: { code: string }) => c.code).sort()).toEqual([
      'own-council',
      'recent-employment',
      'same-combined-authority',
      'shared-partner',
      'similar-council',
    ]);
  });

  it('POST /engagements is for managers and administrators only, with CSRF', async () => {
    const body = { council: TRAFFORD, kind: 'corporate', requestedOn: '2024-01-10', focusAreas: ['Town centres'] };
    expect((await post(null, '/engagements', body)).statusCode).toBe(401);
    expect((await post(owner, '/engagements', body)).statusCode).toBe(403);
    expect((await post(analyst, '/engagements', body)).statusCode).toBe(403);
    expect((await post(manager, '/engagements', body, false)).statusCode).toBe(403);
    const r = await post(manager, '/engagements', body);
    expect(r.statusCode).toBe(201);
    trafford = r.json().id;
    const l = await post(admin, '/engagements', { council: LEEDS, kind: 'corporate', requestedOn: '2024-01-05' });
    expect(l.statusCode).toBe(201);
    leeds = l.json().id;
  });

  it('POST /engagements refuses an unknown council, a code not in use at the date, and dates out of order', async () => {
    const r = await post(manager, '/engagements', {
      council: 'E08000019',
      kind: 'nonsense',
      requestedOn: '2026-01-10',
      onsiteStart: '2026-03-10',
      onsiteEnd: '2026-03-01',
    });
    expect(r.statusCode).toBe(400);
    const fields = r.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['council', 'kind', 'onsiteEnd']));
    expect(r.json().errors.find((e: { field: string }) => e.field === 'council').message).toMatch(
      /was not a council on 2026-01-10/,
    );
    expect(r.json().errors.find((e: { field: string }) => e.field === 'onsiteEnd').message).toMatch(
      /dates out of order/,
    );
    expect(await db.kysely.selectFrom('peer_engagements').select('id').execute()).toHaveLength(2);
  });

  it('an engagement is seen by managers, its council (a draft too) and nobody else until published', async () => {
    expect((await get(null, `/engagements/${trafford}`)).statusCode).toBe(404);
    expect((await get(other, `/engagements/${trafford}`)).statusCode).toBe(404);
    expect((await get(analyst, `/engagements/${trafford}`)).statusCode).toBe(404);
    expect((await get(owner, `/engagements/${trafford}`)).json()).toMatchObject({
      standing: 'council',
      state: 'requested',
    });
    expect((await get(manager, `/engagements/${trafford}`)).json()).toMatchObject({
      standing: 'manager',
      council: { code: TRAFFORD, name: 'Trafford' },
      framework: { version: '2023' },
      focusAreas: ['Town centres'],
    });
    const mine = (await get(owner, '/engagements')).json().engagements.map((e: { id: number }) => e.id);
    expect(mine).toEqual([trafford]);
    expect((await get(null, '/engagements')).json().engagements).toEqual([]);
  });

  it('the state machine refuses a skipped step, a missing visit, dates out of order, and writes nothing', async () => {
    let r = await post(manager, `/engagements/${trafford}/steps`, { state: 'scheduled', date: '2024-01-20' });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({
      field: 'state',
      message: 'skips a step: after requested comes scoping',
    });
    r = await post(manager, `/engagements/${trafford}/steps`, { state: 'scoping', date: '2024-01-01' });
    expect(r.json().errors[0]).toMatchObject({ field: 'date' });
    expect(r.json().errors[0].message).toMatch(/dates out of order/);
    await walk(trafford, [['scoping', '2024-01-20']]);
    r = await post(manager, `/engagements/${trafford}/steps`, { state: 'scheduled', date: '2024-02-01' });
    expect(r.json().errors[0]).toMatchObject({ field: 'onsiteStart' });
    r = await post(manager, `/engagements/${trafford}/steps`, {
      state: 'scheduled',
      date: '2024-02-01',
      onsiteStart: '2024-03-12',
      onsiteEnd: '2024-03-08',
    });
    expect(r.json().errors[0]).toMatchObject({ field: 'onsiteEnd' });
    expect(await steps(trafford)).toBe(2);
    r = await post(manager, `/engagements/${trafford}/steps`, {
      state: 'scheduled',
      date: '2024-02-01',
      onsiteStart: '2024-03-12',
      onsiteEnd: '2024-03-15',
    });
    expect(r.statusCode).toBe(201);
    r = await post(manager, `/engagements/${leeds}/steps`, { state: 'withdrawn', date: '2024-02-01' });
    expect(r.json().errors[0]).toMatchObject({ field: 'reason' });
  });

  it('POST /peers builds the pool; the team builder refuses conflicted peers naming the rule', async () => {
    const add = async (key: string, body: object) => {
      const r = await post(manager, '/peers', body);
      expect(r.statusCode, r.body).toBe(201);
      peers[key] = r.json().id;
    };
    expect((await post(owner, '/peers', { name: 'X', role: 'other' })).statusCode).toBe(403);
    await add('own', { name: 'Own Officer', role: 'director', homeCouncil: TRAFFORD });
    await add('ca', { name: 'Neighbour Chief', role: 'chief-executive', homeCouncil: MANCHESTER });
    await add('employed', {
      name: 'Former Employee',
      role: 'director',
      homeCouncil: LEEDS,
      formerEmployers: [{ council: TRAFFORD, until: '2022-06-30' }],
    });
    await add('partner', { name: 'Partner Chief', role: 'chief-executive', homeCouncil: CHESHIRE_EAST });
    await add('similar', { name: 'Similar Director', role: 'director', homeCouncil: 'E09000006' });
    await add('lead', {
      name: 'Lead Chief',
      role: 'chief-executive',
      homeCouncil: 'E06000001',
      userEmail: 'peer@example.org',
    });
    await add('m1', { name: 'Member One', role: 'leader', homeCouncil: 'E07000026', politicalGroup: 'Labour' });
    await add('m2', { name: 'Member Two', role: 'councillor', homeCouncil: 'E07000027', politicalGroup: 'Labour' });
    expect(
      (
        await post(manager, '/partnerships', {
          a: TRAFFORD,
          b: CHESHIRE_EAST,
          kind: 'shared-chief-executive',
          validFrom: '2020-01-01',
        })
      ).statusCode,
    ).toBe(201);

    const team = (peer: string, teamRole = 'officer-peer') =>
      post(manager, `/engagements/${trafford}/team`, { peerId: peers[peer], teamRole, daysCommitted: 4 });
    for (const [peer, rule] of [
      ['own', 'own-council'],
      ['ca', 'same-combined-authority'],
      ['employed', 'recent-employment'],
      ['partner', 'shared-partner'],
      ['similar', 'similar-council'],
    ] as const) {
      const r = await team(peer);
      expect(r.statusCode, peer).toBe(409);
      expect(r.json().code).toBe('conflict-of-interest');
      expect(r.json().errors.map((e: { value: string }) => e.value)).toContain(rule);
      expect(r.json().errors.every((e: { field: string }) => e.field === 'peerId')).toBe(true);
    }
    const similar = (await team('similar')).json().errors[0].message;
    expect(similar).toMatch(
      /Bromley \(E09000006\) is one of Trafford's similar councils in .*dfe-statistical-neighbours@2025/,
    );
    expect(await db.kysely.selectFrom('peer_team_members').selectAll().execute()).toHaveLength(0);

    const lead = await team('lead', 'lead-officer-peer');
    expect(lead.statusCode).toBe(201);
    expect(lead.json().warnings).toEqual([]);
    expect((await team('m1', 'lead-member-peer')).json().warnings).toEqual([]);
    const m2 = await team('m2', 'member-peer');
    expect(m2.statusCode).toBe(201);
    expect(m2.json().warnings).toEqual(['One-party member team: all 2 member peers are Labour.']);
    expect((await team('lead')).json().code).toBe('already-on-team');
  });

  it('a peer cannot be on two on-site visits at once', async () => {
    await walk(leeds, [['scoping', '2024-01-10']]);
    const r = await post(manager, `/engagements/${leeds}/steps`, {
      state: 'scheduled',
      date: '2024-02-02',
      onsiteStart: '2024-03-14',
      onsiteEnd: '2024-03-17',
    });
    expect(r.statusCode).toBe(201);
    const clash = await post(manager, `/engagements/${leeds}/team`, {
      peerId: peers.m1,
      teamRole: 'member-peer',
      daysCommitted: 4,
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ code: 'peer-double-booked', errors: [{ field: 'peerId' }] });
    expect(clash.json().detail).toMatch(new RegExp(`engagement ${trafford}`));
  });

  it('peers see the engagements they are on and enter findings; recommendations need a framework component', async () => {
    expect((await get(peerUser, `/engagements/${trafford}`)).json().standing).toBe('peer');
    expect((await get(peerUser, `/engagements/${leeds}`)).json().standing).toBe('council');
    await walk(trafford, [
      ['position-statement-received', '2024-02-20'],
      ['on-site', '2024-03-12'],
      ['feedback-presented', '2024-03-15'],
    ]);
    let r = await post(peerUser, `/engagements/${trafford}/findings`, {
      component: 'governance-culture',
      kind: 'strength',
      text: 'Scrutiny is well used.',
    });
    expect(r.statusCode).toBe(201);
    expect(
      (
        await post(owner, `/engagements/${trafford}/findings`, {
          component: 'governance-culture',
          kind: 'strength',
          text: 'x',
        })
      ).statusCode,
    ).toBe(403);
    r = await post(peerUser, `/engagements/${trafford}/recommendations`, {
      component: 'organisational-capacity',
      text: 'Plan.',
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ field: 'component', value: 'organisational-capacity' });
    r = await post(peerUser, `/engagements/${trafford}/recommendations`, {
      component: 'financial-planning-management',
      text: 'Close the budget gap.',
    });
    expect(r.json().id).toBe(`PC${trafford}-R1`);
    r = await post(manager, `/engagements/${trafford}/recommendations`, {
      component: 'focus:Town centres',
      text: '=Revive the town centre',
    });
    expect(r.json().id).toBe(`PC${trafford}-R2`);
  });

  it('the action plan: the council adds actions to its own recommendations only, with dated updates', async () => {
    const elsewhere = await post(manager, `/engagements/${leeds}/recommendations`, {
      component: 'governance-culture',
      text: 'Leeds only.',
    });
    expect(elsewhere.statusCode).toBe(201);
    let r = await post(owner, `/engagements/${trafford}/actions`, {
      recommendation: elsewhere.json().id,
      text: 'Borrowed',
      ownerRole: 'Chief executive',
      dueDate: '2024-09-01',
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ field: 'recommendation' });
    expect(r.json().errors[0].message).toMatch(/another engagement/);
    r = await post(owner, `/engagements/${trafford}/actions`, {
      recommendation: `PC${trafford}-R1`,
      text: 'Set a three-year budget',
      ownerRole: 'Director of finance',
      dueDate: '2024-09-01',
      evidence: ['https://example.org/budget'],
    });
    expect(r.statusCode).toBe(201);
    const action = r.json().id;
    await post(owner, `/engagements/${trafford}/actions`, {
      recommendation: `PC${trafford}-R2`,
      text: '@SUM(1)',
      ownerRole: 'Leader',
      dueDate: '2025-03-01',
    });
    const body = { recommendation: `PC${trafford}-R1`, text: 'x', ownerRole: 'x', dueDate: '2024-09-01' };
    expect((await post(null, `/engagements/${trafford}/actions`, body)).statusCode).toBe(401);
    expect((await post(other, `/engagements/${trafford}/actions`, body)).statusCode).toBe(404);
    expect((await post(peerUser, `/engagements/${trafford}/actions`, body)).statusCode).toBe(403);
    r = await post(owner, `/engagements/${trafford}/actions/${action}/updates`, {
      date: '2024-06-01',
      status: 'on-track',
      note: 'Drafted',
    });
    expect(r.statusCode).toBe(201);
    r = await post(owner, `/engagements/${trafford}/actions/${action}/updates`, {
      date: '2024-05-01',
      status: 'complete',
    });
    expect(r.json().errors[0].message).toMatch(/dates out of order/);
  });

  it('publishing: a report before the visit is refused; once published the public sees report, recommendations and progress', async () => {
    let r = await post(manager, `/engagements/${trafford}/steps`, { state: 'draft-report', date: '2024-03-01' });
    expect(r.json().errors[0].message).toMatch(/dates out of order/);
    await walk(trafford, [
      ['draft-report', '2024-04-10'],
      ['factual-accuracy-check', '2024-04-20'],
    ]);
    await post(manager, `/engagements/${trafford}/documents`, {
      kind: 'position-statement',
      title: 'Position statement',
      url: 'https://example.org/ps',
      public: false,
    });
    r = await post(manager, `/engagements/${trafford}/documents`, {
      kind: 'report',
      title: 'Report',
      url: 'https://example.org/report',
      public: true,
    });
    expect(r.json().errors[0]).toMatchObject({ field: 'publishedAt' });
    await post(manager, `/engagements/${trafford}/documents`, {
      kind: 'report',
      title: 'Corporate peer challenge report',
      url: 'https://example.org/report',
      publishedAt: '2024-05-20',
      public: true,
    });
    expect((await get(null, `/engagements/${trafford}`)).statusCode).toBe(404);
    await walk(trafford, [['report-published', '2024-05-20']]);
    const v = (await get(null, `/engagements/${trafford}`)).json();
    expect(v.standing).toBe('public');
    expect(v.team).toEqual([]);
    expect(v.scope).toBeNull();
    expect(v.documents.map((d: { title: string }) => d.title)).toEqual(['Corporate peer challenge report']);
    expect(v.recommendations[0].actions[0]).toMatchObject({
      status: 'on-track',
      updates: [{ date: '2024-06-01', note: 'Drafted' }],
    });
    expect(v.deadlines.find((d: { code: string }) => d.code === 'report')).toMatchObject({
      dueBy: '2024-06-15',
      metOn: '2024-05-20',
      overdue: false,
    });
    expect(v.deadlines.find((d: { code: string }) => d.code === 'action-plan')).toMatchObject({
      dueBy: '2024-08-15',
      overdue: true,
    });
    const page = (await get(null, `/councils/${TRAFFORD}`)).json();
    expect(page.engagements.map((e: { id: number }) => e.id)).toEqual([trafford]);
    expect((await get(null, '/engagements')).json().engagements.map((e: { id: number }) => e.id)).toEqual([trafford]);
  });

  it('GET /engagements/:id/action-plan.csv has one row per action, formulas neutralised, with its metadata', async () => {
    const r = await get(null, `/engagements/${trafford}/action-plan.csv`);
    expect(r.statusCode).toBe(200);
    const lines = r.body.trim().split('\n');
    expect(lines[0]).toBe(
      'engagement,area,recommendation,component,recommendation_text,action,action_text,owner_role,due_date,status,last_update,last_update_note,evidence',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`PC${trafford}-R1`);
    expect(lines[2]).toContain("'=Revive the town centre");
    expect(lines[2]).toContain("'@SUM(1)");
    expect(r.headers.link).toContain('action-plan.csv-metadata.json');
    const m = await get(null, `/engagements/${trafford}/action-plan.csv-metadata.json`);
    expect(m.json().tableSchema.columns).toHaveLength(13);
    expect((await get(null, `/engagements/${leeds}/action-plan.csv`)).statusCode).toBe(404);
  });

  it('sli peer import loads a SYNTHETIC history all or nothing, naming file:line; coverage follows re-codings', async () => {
    const peer = servicesFor(db).peer;
    const bad = [
      'council,kind,requested_on,onsite_start,onsite_end,report_published_on',
      'E08000019,corporate,2020-09-01,2020-11-03,2020-11-06,2021-01-20',
      'E09000001,corporate,2019-01-01,2019-03-05,2019-03-08,2019-03-01',
    ].join('\n');
    await expect(peer.importHistory('synthetic.csv', bad)).rejects.toMatchObject({
      errors: [{ field: 'synthetic.csv:3 report_published_on' }],
    });
    expect(await db.kysely.selectFrom('peer_engagements').select('id').execute()).toHaveLength(2);
    const good = bad.replace('2019-03-08,2019-03-01', '2019-03-08,2019-05-01');
    expect(await peer.importHistory('synthetic.csv', good)).toEqual({ engagements: 2 });

    expect((await get(null, '/coverage.json')).statusCode).toBe(401);
    expect((await get(owner, '/coverage.json')).statusCode).toBe(403);
    const cov = (await get(manager, '/coverage.json')).json();
    const row = (code: string) => cov.councils.find((c: { code: string }) => c.code === code);
    expect(row('E08000039')).toMatchObject({
      lastOnsite: '2020-11-03',
      state: 'report-published',
      dueBy: '2025-11-03',
    });
    expect(row('E08000039').status).toBe(cov.at > '2025-11-03' ? 'overdue' : 'due');
    expect(row('E08000019')).toBeUndefined();
    expect(row(TRAFFORD)).toMatchObject({ lastOnsite: '2024-03-12', status: 'not-due', state: 'report-published' });
    expect(row(LEEDS)).toMatchObject({ lastOnsite: null, status: 'none', state: 'scheduled' });
    expect(row('E09000001')).toMatchObject({ status: 'overdue', dueBy: '2024-03-05' });
    expect(cov.councils.length).toBeGreaterThan(290);
    const london = (await get(manager, '/coverage.json?region=E12000007&status=overdue')).json().councils;
    expect(london.map((c: { code: string }) => c.code)).toEqual(['E09000001']);
    expect((await get(manager, '/coverage.json?type=nonsense')).statusCode).toBe(400);

    const csv = await get(manager, '/coverage.csv?type=E09');
    expect(csv.body.split('\n')[0]).toMatch(/^area,area_name,area_type,region,last_onsite/);
    expect(csv.body).toContain('E09000001,City of London');
    const counts = (await get(null, '/coverage/counts.json')).json();
    expect(counts.councils).toBe(cov.councils.length);
    expect(counts.overdue + counts.due + counts.notDue + counts.none).toBe(counts.councils);
    expect(counts.notDue).toBeGreaterThanOrEqual(1);
  });

  it('GET /pipeline lists open engagements by state with overdue deadlines (managers only)', async () => {
    expect((await get(analyst, '/pipeline')).statusCode).toBe(403);
    const p = (await get(manager, '/pipeline')).json();
    const published = p.states.find((s: { state: string }) => s.state === 'report-published');
    const t = published.engagements.find((e: { id: number }) => e.id === trafford);
    expect(t.overdue.map((d: { code: string }) => d.code)).toEqual(
      ['action-plan', 'progress-review-report'].filter((c) => c !== 'progress-review-report' || p.at > '2025-03-15'),
    );
    expect(
      p.states.find((s: { state: string }) => s.state === 'scheduled').engagements.map((e: { id: number }) => e.id),
    ).toEqual([leeds]);
  });

  it('postponed resumes where it stopped; withdrawn needs a reason and ends the engagement', async () => {
    await walk(leeds, []);
    let r = await post(manager, `/engagements/${leeds}/steps`, {
      state: 'postponed',
      date: '2024-02-10',
      reason: 'Elections',
    });
    expect(r.statusCode).toBe(201);
    r = await post(manager, `/engagements/${leeds}/steps`, { state: 'scoping', date: '2024-02-11' });
    expect(r.json().errors[0].message).toMatch(/resumes at scheduled/);
    await walk(leeds, [['scheduled', '2024-05-01']]);
    r = await post(manager, `/engagements/${leeds}/steps`, {
      state: 'withdrawn',
      date: '2024-05-02',
      reason: 'The council asked',
    });
    expect(r.statusCode).toBe(201);
    r = await post(manager, `/engagements/${leeds}/steps`, {
      state: 'position-statement-received',
      date: '2024-05-03',
    });
    expect(r.json().errors[0].message).toMatch(/withdrawn; nothing follows/);
    const v = (await get(manager, `/engagements/${leeds}`)).json();
    expect(v.steps.map((s: { state: string }) => s.state)).toEqual([
      'requested',
      'scoping',
      'scheduled',
      'postponed',
      'scheduled',
      'withdrawn',
    ]);
    expect(v.steps.at(-1).reason).toBe('The council asked');
  });

  it('pages: coverage in full for managers, counts for others; the pipeline for managers; engagements as the API', async () => {
    const page = (who: Signed | null, url: string) => app.inject({ url, headers: who ? { cookie: who.cookie } : {} });
    for (const who of [null, owner, analyst]) {
      const r = await page(who, '/peer-challenge');
      expect(r.statusCode).toBe(200);
      expect(r.body).toContain('Current councils');
      expect(r.body).not.toContain('id="coverage"');
    }
    for (const who of [manager, admin])
      expect((await page(who, '/peer-challenge?status=overdue')).body).toContain('id="coverage"');
    // The region filter is chosen by name, not typed as a code.
    const byRegion = await page(manager, '/peer-challenge?region=E12000002');
    expect(byRegion.body).toContain('<option value="E12000002" selected>North West</option>');
    expect(byRegion.body).not.toMatch(/Region code|GSS prefix/);
    expect((await page(null, '/peer-challenge/pipeline')).statusCode).toBe(303);
    expect((await page(owner, '/peer-challenge/pipeline')).statusCode).toBe(403);
    expect((await page(manager, '/peer-challenge/pipeline')).statusCode).toBe(200);
    expect((await page(null, `/peer-challenge/engagements/${leeds}`)).statusCode).toBe(404);
    expect((await page(owner, `/peer-challenge/engagements/${leeds}`)).statusCode).toBe(404);
    expect((await page(peerUser, `/peer-challenge/engagements/${leeds}`)).statusCode).toBe(200);
    expect((await page(null, `/peer-challenge/engagements/${trafford}`)).body).toContain('Close the budget gap.');
    expect((await page(null, `/peer-challenge/councils/${TRAFFORD}`)).body).toContain('Recommendations and progress');
    expect((await page(null, '/peer-challenge/councils/E99999999')).statusCode).toBe(404);
    const form = (who: Signed, payload: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `/peer-challenge/engagements/${trafford}/findings`,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(payload).toString(),
      });
    const finding = { component: 'governance-culture', kind: 'strength', text: 'Open culture.' };
    expect((await form(manager, finding)).statusCode).toBe(403);
    expect((await form(owner, { ...finding, _csrf: owner.csrf })).statusCode).toBe(403);
    const bad = await form(manager, { ...finding, component: 'nope', _csrf: manager.csrf });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('href="#findings-component"');
    const ok = await form(manager, { ...finding, _csrf: manager.csrf });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/peer-challenge/engagements/${trafford}#findings`);
  });

  it('GET /engagements/:id.ics and /peers/:id.ics give the on-site weeks as iCalendar, with the same access', async () => {
    const e = await get(null, `/engagements/${trafford}.ics`);
    expect(e.statusCode).toBe(200);
    expect(e.headers['content-type']).toMatch(/^text\/calendar/);
    expect(e.body).toContain('BEGIN:VEVENT');
    expect(e.body).toContain('DTSTART;VALUE=DATE:20240312');
    expect(e.body).toContain('DTEND;VALUE=DATE:20240316');
    expect(e.body).toContain('SUMMARY:Corporate peer challenge: Trafford (E08000009)');
    expect((await get(null, `/engagements/${leeds}.ics`)).statusCode).toBe(404);
    const lead = `/peers/${peers.lead}.ics`;
    expect((await get(null, lead)).statusCode).toBe(401);
    expect((await get(owner, lead)).statusCode).toBe(403);
    for (const who of [peerUser, manager]) {
      const r = await get(who, lead);
      expect(r.statusCode).toBe(200);
      expect(r.body.match(/BEGIN:VEVENT/g)).toHaveLength(1);
      expect(r.body).toContain('Trafford');
    }
  });

  it("GET /calendar and the page: a year's on-site weeks with the team and calendar files (managers only)", async () => {
    expect((await get(null, '/calendar?year=2024')).statusCode).toBe(401);
    for (const who of [owner, peerUser, analyst]) expect((await get(who, '/calendar?year=2024')).statusCode).toBe(403);
    const c = (await get(manager, '/calendar?year=2024')).json();
    // Trafford's visit (Tuesday 12 March) in the week of Monday 11 March; Leeds's was withdrawn.
    expect(c).toMatchObject({ year: 2024, visits: 1 });
    expect(c.weeks).toEqual([
      {
        week: '2024-03-11',
        visits: [
          expect.objectContaining({
            id: trafford,
            council: { code: TRAFFORD, name: 'Trafford' },
            onsite: { start: '2024-03-12', end: '2024-03-15' },
            team: expect.arrayContaining([{ peerId: peers.lead, name: 'Lead Chief', teamRole: 'lead-officer-peer' }]),
          }),
        ],
      },
    ]);
    expect((await get(manager, '/calendar?year=2019')).json().weeks.map((w: { week: string }) => w.week)).toEqual([
      '2019-03-04',
    ]);
    expect((await get(manager, '/calendar?year=nope')).statusCode).toBe(400);
    const ics = await get(manager, '/calendar.ics?year=2024');
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.body.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect((await get(owner, '/calendar.ics?year=2024')).statusCode).toBe(403);
    const page = (who: Signed | null) =>
      app.inject({ url: '/peer-challenge/calendar?year=2024', headers: who ? { cookie: who.cookie } : {} });
    expect((await page(null)).statusCode).toBe(303);
    expect((await page(owner)).statusCode).toBe(403);
    const html = (await page(admin)).body;
    expect(html).toContain('On-site weeks 2024');
    expect(html).toContain(`href="/api/v1/peer-challenge/engagements/${trafford}.ics"`);
    expect(html).toContain(`href="/api/v1/peer-challenge/peers/${peers.lead}.ics"`);
  });
});
