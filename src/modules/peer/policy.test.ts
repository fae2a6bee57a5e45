import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { PASSWORD, signIn, signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { addPeerManager, PEER_MANAGER_EMAIL, peerWriter } from '../../../test/helpers/peer.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import type { App } from '../../platform/app-types.ts';

const BASE = '/api/v1/peer-challenge';

/**
 * Policy as data, changed through the API: engagement kinds, dated deadline policy (visits before the change keep the
 * old deadline) and a council's local focus areas. Engagements are SYNTHETIC; the councils are the real geography.
 */
describe('peer challenge policy: kinds, dated deadlines, local focus areas, the pool kept current', () => {
  let db: TestDb;
  let app: App;
  let owner: Signed; // Trafford
  let other: Signed; // Manchester
  let admin: Signed;
  let manager: Signed;

  const post = (who: Signed, url: string, payload: object) => peerWriter(app)(who, url, payload);
  const get = (who: Signed | null, url: string) =>
    app.inject({ url: `${BASE}${url}`, headers: who ? { cookie: who.cookie } : {} });
  /** A corporate engagement of Trafford walked to `until`, its visit on the days given. */
  const engagement = async (onsite: [string, string], until: string, kind = 'corporate') => {
    const y = onsite[0].slice(0, 4);
    const r = await post(manager, '/engagements', { council: 'E08000009', kind, requestedOn: `${y}-01-10` });
    expect(r.statusCode, r.body).toBe(201);
    const id = r.json().id as number;
    for (const [state, date, extra] of [
      ['scoping', `${y}-01-20`, {}],
      ['scheduled', `${y}-02-01`, { onsiteStart: onsite[0], onsiteEnd: onsite[1] }],
      ['position-statement-received', `${y}-02-20`, {}],
      ['on-site', onsite[0], {}],
      ['feedback-presented', onsite[1], {}],
    ] as const) {
      if (state === until) break;
      const s = await post(manager, `/engagements/${id}/steps`, { state, date, ...extra });
      expect(s.statusCode, s.body).toBe(201);
    }
    return id;
  };

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    app = await createTestApp(db);
    ({ owner, other, admin } = await signInEveryRole(db, app));
    await addPeerManager(db, PASSWORD);
    manager = await signIn(app, PEER_MANAGER_EMAIL, PASSWORD);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('POST /kinds adds an engagement kind (managers and administrators); a bad or taken code is refused', async () => {
    const body = { code: 'planning', name: 'Planning peer review' };
    expect((await post(owner, '/kinds', body)).statusCode).toBe(403);
    expect(
      (
        await post(manager, '/engagements', { council: 'E08000009', kind: 'planning', requestedOn: '2024-01-10' })
      ).json().errors[0],
    ).toMatchObject({ field: 'kind' });
    let r = await post(manager, '/kinds', { code: 'Planning Review', name: 'x' });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ field: 'code' });
    r = await post(admin, '/kinds', body);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().id).toBe('planning');
    r = await post(manager, '/kinds', body);
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ code: 'kind-exists', errors: [{ field: 'code' }] });
    const kinds = (await get(null, '/frameworks')).json().kinds;
    expect(kinds).toContainEqual({ code: 'planning', name: 'Planning peer review', corporate: false });
    const e = await post(manager, '/engagements', {
      council: 'E08000009',
      kind: 'planning',
      requestedOn: '2024-01-10',
    });
    expect(e.statusCode).toBe(201);
    expect((await get(manager, `/engagements/${e.json().id}`)).json().kind).toEqual({
      code: 'planning',
      name: 'Planning peer review',
    });
  });

  it('POST /deadlines sets a dated policy: visits ending before it keep the old deadline, later ones get the new', async () => {
    const before = await engagement(['2024-03-12', '2024-03-15'], 'feedback-presented');
    const after = await engagement(['2025-03-11', '2025-03-14'], 'feedback-presented');
    const report = async (id: number) =>
      (await get(manager, `/engagements/${id}`)).json().deadlines.find((d: { code: string }) => d.code === 'report');
    expect(await report(after)).toMatchObject({ dueBy: '2025-06-14' });
    const change = { code: 'report', dueState: 'report-published', months: 2, validFrom: '2025-01-01' };
    expect((await post(owner, '/deadlines', change)).statusCode).toBe(403);
    let r = await post(manager, '/deadlines', { ...change, dueState: 'requested', months: 0 });
    expect(r.statusCode).toBe(400);
    expect(
      r
        .json()
        .errors.map((x: { field: string }) => x.field)
        .sort(),
    ).toEqual(['dueState', 'months']);
    r = await post(manager, '/deadlines', { ...change, validFrom: '2011-04-01' });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ field: 'validFrom' });
    expect(r.json().errors[0].message).toMatch(/dates out of order/);
    r = await post(manager, '/deadlines', change);
    expect(r.statusCode, r.body).toBe(201);
    expect(await report(before)).toMatchObject({ dueBy: '2024-06-15' });
    expect(await report(after)).toMatchObject({ dueBy: '2025-05-14' });
    const policy = (await get(null, '/frameworks'))
      .json()
      .deadlines.filter((d: { code: string }) => d.code === 'report');
    expect(policy).toEqual([
      { code: 'report', dueState: 'report-published', months: 3, validFrom: '2011-04-01', validTo: '2024-12-31' },
      { code: 'report', dueState: 'report-published', months: 2, validFrom: '2025-01-01', validTo: null },
    ]);
    // The refused changes wrote nothing: two report policies, no more.
    expect(
      await db.kysely.selectFrom('peer_deadlines').select('id').where('code', '=', 'report').execute(),
    ).toHaveLength(2);
  });

  it('POST /engagements/:id/focus-areas: the council adds its own focus areas until the feedback is presented', async () => {
    const id = await engagement(['2026-03-10', '2026-03-13'], 'on-site');
    expect((await post(other, `/engagements/${id}/focus-areas`, { name: 'Town centres' })).statusCode).toBe(404);
    let r = await post(owner, `/engagements/${id}/focus-areas`, { name: 'Town centres' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().id).toBe('focus:Town centres');
    r = await post(owner, `/engagements/${id}/focus-areas`, { name: 'town centres' });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ field: 'name', message: 'is already a local focus area' });
    // The page's form.
    const form = await app.inject({
      method: 'POST',
      url: `/peer-challenge/engagements/${id}/focus`,
      headers: { cookie: owner.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ name: 'Housing delivery', _csrf: owner.csrf }).toString(),
    });
    expect(form.statusCode).toBe(303);
    expect((await get(owner, `/engagements/${id}`)).json().focusAreas).toEqual(['Town centres', 'Housing delivery']);
    // Findings and recommendations may name them.
    r = await post(manager, `/engagements/${id}/steps`, { state: 'on-site', date: '2026-03-10' });
    expect(r.statusCode).toBe(201);
    r = await post(manager, `/engagements/${id}/recommendations`, {
      component: 'focus:Housing delivery',
      text: 'Agree a housing delivery plan with partners.',
    });
    expect(r.statusCode, r.body).toBe(201);
    r = await post(manager, `/engagements/${id}/steps`, { state: 'feedback-presented', date: '2026-03-13' });
    expect(r.statusCode).toBe(201);
    r = await post(owner, `/engagements/${id}/focus-areas`, { name: 'Late' });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ code: 'too-late', errors: [{ field: 'name' }] });
    expect((await get(owner, `/engagements/${id}`)).json().focusAreas).toHaveLength(2);
    const page = await app.inject({ url: `/peer-challenge/engagements/${id}`, headers: { cookie: owner.cookie } });
    expect(page.body).not.toContain('Add a local focus area');
  });

  it('PATCH /peers/:id keeps the pool current; an inactive peer is refused by the team builder', async () => {
    const id = (
      await post(manager, '/peers', { name: 'Pool Director', role: 'director', homeCouncil: 'E06000002' })
    ).json().id as number;
    const patch = (who: Signed, body: object) => peerWriter(app)(who, `/peers/${id}`, body, 'PATCH');
    expect((await patch(owner, { active: false })).statusCode).toBe(403);
    let r = await patch(manager, { accreditedAt: '2025-02-30', region: 'North', skills: ['Finance'] });
    expect(r.statusCode).toBe(400);
    expect(
      r
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['accreditedAt', 'region']);
    expect((await patch(manager, {})).json().errors[0]).toMatchObject({ message: 'name at least one field to change' });
    r = await patch(manager, {
      availability: 'Spring 2027',
      accreditation: 'Accredited peer; trained 2025',
      accreditedAt: '2025-02-14',
      skills: ['Finance', 'Scrutiny'],
      region: 'e12000001',
    });
    expect(r.statusCode, r.body).toBe(200);
    const listed = async () => (await get(manager, '/peers')).json().peers.find((p: { id: number }) => p.id === id);
    expect(await listed()).toMatchObject({
      availability: 'Spring 2027',
      accreditation: 'Accredited peer; trained 2025',
      accreditedAt: '2025-02-14',
      skills: ['Finance', 'Scrutiny'],
      region: 'E12000001',
      active: true,
    });
    r = await patch(manager, { availability: null, active: false });
    expect(r.statusCode, r.body).toBe(200);
    expect(await listed()).toMatchObject({ availability: null, active: false, accreditedAt: '2025-02-14' });
    const e = (
      await post(manager, '/engagements', { council: 'E08000009', kind: 'corporate', requestedOn: '2026-06-01' })
    ).json().id;
    r = await post(manager, `/engagements/${e}/team`, { peerId: id, teamRole: 'officer-peer', daysCommitted: 4 });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ code: 'peer-inactive', errors: [{ field: 'peerId' }] });
    expect((await patch(manager, { active: true })).statusCode).toBe(200);
    r = await post(manager, `/engagements/${e}/team`, { peerId: id, teamRole: 'officer-peer', daysCommitted: 4 });
    expect(r.statusCode, r.body).toBe(201);
  });
});
