import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { signIn, signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { capturedLogger } from '../../../test/helpers/log.ts';
import { ADMIN_ACTOR, addPeerManager, PEER_MANAGER_EMAIL } from '../../../test/helpers/peer.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { parseMessage, startSmtp, type TestSmtp } from '../../../test/helpers/smtp.ts';
import { answerAndSubmit, formPost } from '../../../test/helpers/surveys.ts';
import { servicesFor } from '../../app/services.ts';
import type { App } from '../../platform/app-types.ts';
import { loadConfig } from '../../platform/config.ts';
import { createSurveys } from '../surveys/index.ts';
import { createPeerService } from './index.ts';

const BASE = '/api/v1/peer-challenge';
const TRAFFORD = 'E08000009';
const LEEDS = 'E08000035';

/**
 * Peer challenge evaluation (the leader and chief executive on each engagement; the feedback and impact surveys
 * fielded through the surveys module, a frame built from the engagements, invitations by email) and days delivered,
 * through the API and the pages on both dialects. Engagements and people here are SYNTHETIC.
 */
describe('peer challenge evaluation and days delivered', () => {
  let db: TestDb;
  let app: App;
  let smtp: TestSmtp;
  let manager: Signed;
  let analyst: Signed;
  let trafford: number;
  let leeds: number;
  const peers: number[] = [];

  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', who: Signed | null, url: string, payload?: object) =>
    app.inject({
      method,
      url: `${BASE}${url}`,
      headers: who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {},
      ...(payload ? { payload } : {}),
    });
  const page = (who: Signed, url: string) => app.inject({ url, headers: { cookie: who.cookie } });
  const form = (who: Signed, url: string, fields: Record<string, string>) =>
    formPost(app, url, { ...fields, _csrf: who.csrf }, who.cookie);
  const walk = async (id: number, moves: [string, string, object?][]) => {
    for (const [state, date, more] of moves) {
      const r = await call('POST', manager, `/engagements/${id}/steps`, { state, date, ...more });
      expect(r.statusCode, `${state}: ${r.body}`).toBe(201);
    }
  };

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    smtp = await startSmtp();
    app = await createTestApp(db, { SLI_PUBLIC_URL: 'https://sli.example' });
    ({ analyst } = await signInEveryRole(db, app));
    await addPeerManager(db, 'correct horse battery');
    manager = await signIn(app, PEER_MANAGER_EMAIL, 'correct horse battery');
    for (const [name, home] of [
      ['Officer Peer', 'E06000049'],
      ['Member Peer', 'E09000006'],
    ] as const) {
      const r = await call('POST', manager, '/peers', { name, role: 'director', homeCouncil: home });
      expect(r.statusCode, r.body).toBe(201);
      peers.push(r.json().id);
    }
    // Trafford: feedback presented 2025-11-13 (the impact survey a year on); Leeds: 2026-11-05 (the feedback survey).
    trafford = (
      await call('POST', manager, '/engagements', { council: TRAFFORD, kind: 'corporate', requestedOn: '2025-06-02' })
    ).json().id;
    leeds = (
      await call('POST', manager, '/engagements', { council: LEEDS, kind: 'corporate', requestedOn: '2026-06-01' })
    ).json().id;
    await walk(trafford, [
      ['scoping', '2025-07-01'],
      ['scheduled', '2025-08-01', { onsiteStart: '2025-11-10', onsiteEnd: '2025-11-13' }],
    ]);
    for (const [i, peerId] of peers.entries()) {
      const r = await call('POST', manager, `/engagements/${trafford}/team`, {
        peerId,
        teamRole: i === 0 ? 'lead-officer-peer' : 'officer-peer',
        daysCommitted: 5,
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    await walk(leeds, [
      ['scoping', '2026-07-01'],
      ['scheduled', '2026-08-01', { onsiteStart: '2026-11-02', onsiteEnd: '2026-11-05' }],
      ['position-statement-received', '2026-10-01'],
      ['on-site', '2026-11-02'],
      ['feedback-presented', '2026-11-05'],
    ]);
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await db?.drop();
  });

  it('PATCH …/team/{peer} refuses days delivered before the visit, out of range, or for a peer not on the team', async () => {
    const before = await call('PATCH', manager, `/engagements/${trafford}/team/${peers[0]}`, { daysDelivered: 4 });
    expect(before.statusCode).toBe(409);
    expect(before.json().errors[0]).toMatchObject({ field: 'daysDelivered', message: 'only after the on-site visit' });
    await walk(trafford, [
      ['position-statement-received', '2025-10-01'],
      ['on-site', '2025-11-10'],
      ['feedback-presented', '2025-11-13'],
    ]);
    for (const [days, message] of [
      [-1, /cannot be negative/],
      [31, /more than 30 days/],
      [2.3, /whole or half days/],
    ] as const) {
      const r = await call('PATCH', manager, `/engagements/${trafford}/team/${peers[0]}`, { daysDelivered: days });
      expect(r.statusCode).toBe(400);
      expect(r.json().errors[0].message).toMatch(message);
    }
    expect(
      (await call('PATCH', manager, `/engagements/${leeds}/team/${peers[0]}`, { daysDelivered: 3 })).statusCode,
    ).toBe(404);
    expect(
      (await call('PATCH', analyst, `/engagements/${trafford}/team/${peers[0]}`, { daysDelivered: 3 })).statusCode,
    ).toBe(403);
    const row = await db.kysely
      .selectFrom('peer_team_members')
      .select('days_delivered')
      .where('peer_id', '=', peers[0]!)
      .executeTakeFirstOrThrow();
    expect(row.days_delivered).toBeNull();
  });

  it('days delivered recorded by the API and the page form count as days donated in the pool', async () => {
    const r = await call('PATCH', manager, `/engagements/${trafford}/team/${peers[0]}`, { daysDelivered: 6.5 });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ peerId: peers[0], name: 'Officer Peer', daysCommitted: 5, daysDelivered: 6.5 });
    // The second peer has no days delivered recorded: the pool counts the 5 committed.
    let pool = (await call('GET', manager, '/pool')).json();
    expect(pool.totals).toMatchObject({ daysCommitted: 10, daysDelivered: 6.5, daysDonated: 11.5 });
    const bad = await form(manager, `/peer-challenge/engagements/${trafford}/days`, {
      peerId: String(peers[1]),
      daysDelivered: 'lots',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('href="#days-daysDelivered"');
    const ok = await form(manager, `/peer-challenge/engagements/${trafford}/days`, {
      peerId: String(peers[1]),
      daysDelivered: '3',
    });
    expect(ok.statusCode, ok.body).toBe(303);
    pool = (await call('GET', manager, '/pool')).json();
    expect(pool.totals).toMatchObject({ daysCommitted: 10, daysDelivered: 9.5, daysDonated: 9.5 });
    expect(pool.peers.map((p: { name: string; daysDonated: number }) => [p.name, p.daysDonated])).toEqual([
      ['Officer Peer', 6.5],
      ['Member Peer', 3],
    ]);
    const html = (await page(manager, '/peer-challenge/pool')).body;
    expect(html).toContain('have donated 9.5 days');
    expect((await page(manager, `/peer-challenge/engagements/${trafford}`)).body).toContain('Record days delivered');
  });

  it('PUT …/contacts records the leader and chief executive; a bad address is refused without repeating it', async () => {
    const bad = await call('PUT', manager, `/engagements/${trafford}/contacts`, {
      leaderName: 'Cllr A Leader',
      leaderEmail: 'not-an-address@',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([
      { field: 'leaderEmail', message: expect.stringContaining('not an email address') },
    ]);
    expect(bad.body).not.toContain('not-an-address');
    expect((await call('PUT', analyst, `/engagements/${trafford}/contacts`, { leaderName: 'X' })).statusCode).toBe(403);
    expect((await call('GET', null, `/engagements/${trafford}/contacts`)).statusCode).toBe(401);
    const ok = await call('PUT', manager, `/engagements/${trafford}/contacts`, {
      leaderName: 'Cllr A Leader',
      leaderEmail: 'Leader@Trafford.example',
      chiefExecutiveName: 'B Chief',
      chiefExecutiveEmail: 'chief@trafford.example',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({
      leader: { name: 'Cllr A Leader', email: 'leader@trafford.example' },
      chiefExecutive: { name: 'B Chief', email: 'chief@trafford.example' },
    });
    // The page form: Leeds's chief executive only (no leader recorded yet).
    const r = await form(manager, `/peer-challenge/engagements/${leeds}/contacts`, {
      leaderName: '',
      leaderEmail: '',
      chiefExecutiveName: 'C Chief',
      chiefExecutiveEmail: 'chief@leeds.example',
    });
    expect(r.statusCode, r.body).toBe(303);
    expect((await call('GET', manager, `/engagements/${leeds}/contacts`)).json()).toEqual({
      leader: { name: null, email: null },
      chiefExecutive: { name: 'C Chief', email: 'chief@leeds.example' },
    });
  });

  let impactWave: number;
  it('the impact survey: a wave of the standard questionnaire, its frame from the engagements a year back', async () => {
    expect(
      (await call('GET', manager, '/evaluation/questionnaires')).json().map((q: { versions: number[] }) => q.versions),
    ).toEqual([[], []]);
    const noWave = await call('POST', manager, '/evaluation/waves', {
      survey: 'impact',
      name: 'Impact',
      opensAt: '2026-12-01',
      closesAt: '2027-01-31',
    });
    expect(noWave.statusCode).toBe(409);
    for (const survey of ['feedback', 'impact'])
      expect((await call('POST', manager, '/evaluation/questionnaires', { survey })).json().created).toBe(true);
    expect((await call('POST', manager, '/evaluation/questionnaires', { survey: 'impact' })).json().created).toBe(
      false,
    );
    const w = await call('POST', manager, '/evaluation/waves', {
      survey: 'impact',
      name: 'Impact, winter 2026',
      opensAt: '2026-12-01',
      closesAt: '2027-01-31',
    });
    expect(w.statusCode, w.body).toBe(201);
    impactWave = w.json().id;
    expect(w.json()).toMatchObject({ survey: 'peer-challenge-impact', version: 1, mode: 'frame' });

    const badRange = await call('POST', manager, '/evaluation/frames', {
      wave: impactWave,
      from: '2026-11-30',
      to: '2026-11-01',
    });
    expect(badRange.statusCode).toBe(400);
    expect(badRange.json().errors[0]).toMatchObject({
      field: 'to',
      message: expect.stringContaining('dates out of order'),
    });

    const body = { wave: impactWave, from: '2026-11-01', to: '2026-11-30' };
    const dry = (await call('POST', manager, '/evaluation/frames', { ...body, dryRun: true })).json();
    expect(dry).toMatchObject({
      survey: 'impact',
      monthsAfter: 12,
      feedbackFrom: '2025-11-01',
      feedbackTo: '2025-11-30',
      toAdd: 2,
      withEmail: 2,
      built: false,
      added: 0,
      frame: 0,
    });
    expect(dry.candidates).toEqual([
      {
        engagement: trafford,
        council: { code: TRAFFORD, name: 'Trafford' },
        kind: 'corporate',
        feedbackPresented: '2025-11-13',
        leader: { name: 'Cllr A Leader', email: true },
        chiefExecutive: { name: 'B Chief', email: true },
        outcome: 'included',
      },
    ]);
    expect(JSON.stringify(dry)).not.toContain('@');
    const built = (await call('POST', manager, '/evaluation/frames', body)).json();
    expect(built).toMatchObject({ built: true, added: 2, frame: 2 });
    const again = (await call('POST', manager, '/evaluation/frames', body)).json();
    expect(again).toMatchObject({ added: 0, frame: 2 });
    expect(again.candidates[0].outcome).toBe('already-in-frame');
    const members = await db.kysely
      .selectFrom('survey_respondents')
      .select(['area_code', 'role', 'contact_name'])
      .where('wave_id', '=', impactWave)
      .orderBy('role')
      .execute();
    expect(members).toEqual([
      { area_code: TRAFFORD, role: 'Chief executive', contact_name: 'B Chief' },
      { area_code: TRAFFORD, role: 'Leader', contact_name: 'Cllr A Leader' },
    ]);
  });

  it('invitations reach the leader and chief executive by email, and the answers report the net with its base', async () => {
    expect((await call('POST', analyst, `/evaluation/waves/${impactWave}/invitations`)).statusCode).toBe(403);
    const r = await call('POST', manager, `/evaluation/waves/${impactWave}/invitations`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ queued: 2 });
    await servicesFor(db, smtp.env).email.sendQueued();
    const got = await smtp.waitFor(2);
    expect(got.flatMap((m) => m.to).sort()).toEqual(['chief@trafford.example', 'leader@trafford.example']);
    const links = got.map((m) => {
      const text = parseMessage(m.raw).text ?? '';
      expect(text).toContain('Corporate peer challenge: impact a year on');
      return /https:\/\/sli\.example(\/s\/[\w-]+\/[\w-]+)/.exec(text)![1]!;
    });
    const linkTo = (who: string) => links[got.findIndex((m) => m.to.includes(who))]!;
    const [leader, chief] = [linkTo('leader@trafford.example'), linkTo('chief@trafford.example')];
    // The leader says a great positive impact; the chief executive a little impact, after a reminder that carries
    // the link of their invitation (both open the survey).
    await answerAndSubmit(db, leader, [
      ['IMPACT_PRIORITIES', '1'],
      ['IMPACT_REPUTATION', '2'],
    ]);
    smtp.reset();
    const { mailings } = servicesFor(db).surveys;
    const by = { name: 'Evaluation Officer' };
    expect(await mailings.remind(impactWave, 1, 'https://sli.example', by)).toEqual({ queued: 1 });
    await servicesFor(db, smtp.env).email.sendQueued();
    const [reminder] = await smtp.waitFor(1);
    expect(reminder!.to).toEqual(['chief@trafford.example']);
    const reminded = /https:\/\/sli\.example(\/s\/[\w-]+\/[\w-]+)/.exec(parseMessage(reminder!.raw).text ?? '')![1]!;
    expect(reminded).toBe(chief);
    for (const url of [chief, reminded]) expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
    await answerAndSubmit(db, reminded, [
      ['IMPACT_PRIORITIES', '3'],
      ['IMPACT_REPUTATION', '2'],
    ]);
    const t = await servicesFor(db).surveys.tables.tables({ waves: [impactWave] });
    const table = t.tabulation.tables.find((x) => x.code === 'IMPACT_PRIORITIES')!;
    expect(table.bases[0]).toMatchObject({ asked: 2, answered: 2 });
    const net = table.rows.find((x) => x.net)!;
    expect(net).toMatchObject({ label: 'A great or moderate positive impact' });
    expect(net.cells[0]).toMatchObject({ count: 1, percent: 50 });
  });

  it('the feedback survey from the page: a wave, the preview of its frame and the frame built', async () => {
    const w = await form(manager, '/peer-challenge/evaluation/waves', {
      survey: 'feedback',
      name: 'Feedback, November 2026',
      opensAt: '2026-12-01',
      closesAt: '2026-12-31',
    });
    expect(w.statusCode, w.body).toBe(303);
    const id = Number(/wave=(\d+)/.exec(w.headers.location as string)![1]);
    const preview = await page(manager, `/peer-challenge/evaluation?wave=${id}&from=2026-11-01&to=2026-11-30`);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('1 engagement with feedback presented from 2026-11-01 to 2026-11-30');
    expect(preview.body).toContain('Leeds');
    expect(preview.body).toContain('No name (no email address)');
    expect(preview.body).not.toContain('chief@leeds.example');
    const bad = await page(manager, `/peer-challenge/evaluation?wave=${id}&from=2026-13-01&to=2026-11-30`);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#frame-from"');
    const built = await form(manager, '/peer-challenge/evaluation/frame', {
      wave: String(id),
      from: '2026-11-01',
      to: '2026-11-30',
    });
    expect(built.statusCode, built.body).toBe(303);
    expect(built.headers.location).toContain('done=frame&n=2');
    const after = (await page(manager, built.headers.location as string)).body;
    expect(after).toContain('The frame is built: 2 members added.');
    expect((await page(analyst, '/peer-challenge/evaluation')).statusCode).toBe(403);
    // An impact frame cannot be built on a wave of another survey.
    const other = await call('POST', manager, '/evaluation/frames', {
      wave: 999999,
      from: '2026-11-01',
      to: '2026-11-30',
    });
    expect(other.statusCode).toBe(404);
  });

  it('logs contacts, frames and invitations by counts and ids, never a name or an address', async () => {
    const { logger, lines } = capturedLogger();
    const s = servicesFor(db);
    const surveys = createSurveys(db, { areas: s.areas, mailer: s.email, config: loadConfig({}).surveys, logger });
    const peer = createPeerService(db, { ...s, surveys, logger });
    await peer.setContacts(ADMIN_ACTOR, leeds, {
      leaderName: 'D Leader',
      leaderEmail: 'leader@leeds.example',
      chiefExecutiveName: 'C Chief',
      chiefExecutiveEmail: 'chief@leeds.example',
    });
    const wave = await peer.createEvaluationWave(ADMIN_ACTOR, {
      survey: 'feedback',
      name: 'Feedback, logged',
      opensAt: '2026-12-01',
      closesAt: '2026-12-31',
    });
    const r = await peer.evaluationFrame(ADMIN_ACTOR, { wave: wave.id, from: '2026-11-01', to: '2026-11-30' }, true);
    expect(r.added).toBe(2);
    expect(await peer.inviteEvaluation(ADMIN_ACTOR, wave.id, 'https://sli.example')).toEqual({ queued: 2 });
    const text = JSON.stringify(lines);
    expect(lines.map((l) => l.event ?? l.msg)).toEqual(
      expect.arrayContaining(['evaluation-contacts-set', 'evaluation-frame-built', 'survey invitations queued']),
    );
    for (const secret of ['leeds.example', 'D Leader', 'C Chief', '/s/']) expect(text).not.toContain(secret);
  });
});
