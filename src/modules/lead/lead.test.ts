import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { signIn, signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { expectCouncilFieldSaysWhy } from '../../../test/helpers/council-field.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { parseMessage, startSmtp, type TestSmtp } from '../../../test/helpers/smtp.ts';
import { answerAndSubmit, formPost } from '../../../test/helpers/surveys.ts';
import { servicesFor } from '../../app/services.ts';
import type { App } from '../../platform/app-types.ts';

const BASE = '/api/v1/leadership';
const TRAFFORD = 'E08000009';
const ALLERDALE = 'E07000026'; // merged into Cumberland (E06000063) on 2023-04-01
const CUMBERLAND = 'E06000063';

/**
 * Leadership programmes end to end through the API on both dialects, with real concurrent HTTP requests for the last
 * places. The programmes, cohorts and people are SYNTHETIC; the councils are the real geography.
 */
describe('leadership programmes', () => {
  let db: TestDb;
  let app: App;
  let smtp: TestSmtp;
  let base: string;
  let owner: Signed; // council user of Trafford
  let other: Signed; // council user of Manchester
  let analyst: Signed;
  let office: Signed;
  let programme: number;
  let officeId: number;
  const cohorts = { one: 0, two: 0 };

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    smtp = await startSmtp();
    app = await createTestApp(db, { SLI_PUBLIC_URL: 'https://sli.example' });
    ({ owner, other, analyst } = await signInEveryRole(db, app));
    const password = 'correct horse battery';
    officeId = await servicesFor(db).accounts.addUser({
      email: 'po@example.org',
      name: 'Office',
      password,
      role: 'programme_office',
    });
    office = await signIn(app, 'po@example.org', password);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await db?.drop();
  });

  const post = (who: Signed | null, url: string, payload: object) =>
    app.inject({
      method: 'POST',
      url: `${BASE}${url}`,
      headers: who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {},
      payload,
    });
  const form = (who: Signed, url: string, fields: Record<string, string>) =>
    formPost(app, url, { ...fields, _csrf: who.csrf }, who.cookie);
  const page = (who: Signed, url: string) => app.inject({ url, headers: { cookie: who.cookie } });
  /** The programme office as the services see it. */
  const asOffice = () => ({
    id: officeId,
    email: '',
    name: 'Office',
    role: 'programme_office' as const,
    council: null,
    csrfToken: '',
  });
  const get = (who: Signed | null, url: string) =>
    app.inject({ url: `${BASE}${url}`, headers: who ? { cookie: who.cookie } : {} });
  const person = (council: string, n: number, extra: object = {}) => ({
    council,
    name: `Councillor ${n}`,
    email: `c${n}@example.org`,
    role: 'councillor',
    party: 'Independent',
    ...extra,
  });
  const approved = async (cohort: number, body: object) => {
    const a = await post(office, `/cohorts/${cohort}/applications`, body);
    expect(a.statusCode, a.body).toBe(201);
    expect((await post(office, `/applications/${a.json().id}/decision`, { decision: 'approved' })).statusCode).toBe(
      200,
    );
    return a.json().id as number;
  };
  const cohort = async (number: number, capacity: number, startsOn: string, endsOn: string) => {
    const r = await post(office, `/programmes/${programme}/cohorts`, {
      number,
      capacity,
      startsOn,
      endsOn,
      venue: 'Warwick',
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as number;
  };

  it('POST /programmes is for the programme office and administrators; GET /programmes is public', async () => {
    const body = {
      code: 'academy',
      name: 'Leadership Academy',
      kind: 'leadership-academy',
      crossParty: true,
      completionMinModules: 2,
      rules: [{ validFrom: '2011-01-01', roles: ['leader', 'cabinet-member', 'councillor'], councilTypes: null }],
      windows: [{ startsOn: '2021-04-01', endsOn: '2024-03-31' }],
      charges: [
        { placeKind: 'subsidised', financialYear: '2022-23', amountPence: 50_000 },
        { placeKind: 'full-fee', financialYear: '2022-23', amountPence: 250_000 },
      ],
    };
    expect((await post(null, '/programmes', body)).statusCode).toBe(401);
    expect((await post(owner, '/programmes', body)).statusCode).toBe(403);
    expect((await post(analyst, '/programmes', body)).statusCode).toBe(403);
    const r = await post(office, '/programmes', body);
    expect(r.statusCode, r.body).toBe(201);
    programme = r.json().id;
    cohorts.one = await cohort(1, 2, '2022-09-01', '2022-12-15');
    cohorts.two = await cohort(2, 1, '2023-09-01', '2023-12-15');
    const list = (await get(null, '/programmes')).json();
    expect(list[0].cohorts.map((c: { number: number; free: number }) => [c.number, c.free])).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });

  it('refuses a module dated outside its cohort, saying the dates', async () => {
    const bad = await post(office, `/cohorts/${cohorts.one}/modules`, {
      number: 1,
      title: 'Leading',
      heldOn: '2023-01-10',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: 'heldOn', value: '2023-01-10' });
    expect(bad.json().errors[0].message).toContain('2022-09-01 to 2022-12-15');
    for (const [number, heldOn] of [
      [1, '2022-09-10'],
      [2, '2022-10-10'],
      [3, '2022-11-10'],
    ] as const)
      expect(
        (await post(office, `/cohorts/${cohorts.one}/modules`, { number, title: `Module ${number}`, heldOn }))
          .statusCode,
      ).toBe(201);
  });

  it('refuses an ineligible applicant and a council user putting forward another council', async () => {
    const officer = await post(
      office,
      `/cohorts/${cohorts.one}/applications`,
      person(TRAFFORD, 1, { role: 'officer' }),
    );
    expect(officer.statusCode).toBe(400);
    expect(officer.json().errors[0]).toMatchObject({ field: 'role', value: 'officer' });
    const noParty = await post(office, `/cohorts/${cohorts.one}/applications`, person(TRAFFORD, 1, { party: null }));
    expect(noParty.json().errors[0].field).toBe('party');
    expect((await post(other, `/cohorts/${cohorts.one}/applications`, person(TRAFFORD, 1))).statusCode).toBe(403);
    expect((await post(owner, `/cohorts/${cohorts.one}/applications`, person(TRAFFORD, 1))).statusCode).toBe(201);
  });

  it("a council's subsidised place is one per window, and a predecessor's place counts for the council it merged into", async () => {
    const allerdale = await approved(cohorts.one, person(ALLERDALE, 2, { placeKind: 'subsidised' }));
    expect((await post(office, `/applications/${allerdale}/book`, {})).json()).toEqual({
      status: 'booked',
      position: null,
    });
    const second = await post(
      office,
      `/cohorts/${cohorts.one}/applications`,
      person(ALLERDALE, 3, { placeKind: 'subsidised' }),
    );
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('subsidised-place-used');
    const cumberland = await post(
      office,
      `/cohorts/${cohorts.two}/applications`,
      person(CUMBERLAND, 4, { placeKind: 'subsidised' }),
    );
    expect(cumberland.statusCode).toBe(409);
    expect(cumberland.json().detail).toContain('Allerdale');
    // A full-fee place is not limited.
    expect((await post(office, `/cohorts/${cohorts.two}/applications`, person(CUMBERLAND, 4))).statusCode).toBe(201);
  });

  let waiting: number;
  let booked: number;
  it('past capacity a booking is refused, or joins the list; a freed place is offered to the first on the list', async () => {
    booked = await approved(cohorts.one, person(TRAFFORD, 5));
    expect((await post(office, `/applications/${booked}/book`, {})).json().status).toBe('booked');
    const late = await approved(cohorts.one, person(TRAFFORD, 6));
    const full = await post(office, `/applications/${late}/book`, {});
    expect(full.statusCode).toBe(409);
    expect(full.json().code).toBe('cohort-full');
    expect((await post(owner, `/applications/${late}/book`, { waitlist: true })).json()).toEqual({
      status: 'waiting',
      position: 1,
    });
    waiting = late;
    expect((await post(owner, `/applications/${booked}/withdraw`, { reason: 'ill' })).statusCode).toBe(200);
    const list = (await get(owner, `/cohorts/${cohorts.one}/participants`)).json();
    const offered = list.participants.find((p: { id: number }) => p.id === waiting);
    expect(offered.status).toBe('offered');
    expect(offered.offerExpiresAt).not.toBeNull();
    expect(offered.moves.map((m: { to: string }) => m.to)).toEqual(['applied', 'approved', 'waiting', 'offered']);
    expect(offered.moves[3].reason).toContain('first eligible on the list');
    // A council sees its own only; the public nothing.
    expect(list.participants.every((p: { council: string }) => p.council === TRAFFORD)).toBe(true);
    expect((await get(null, `/cohorts/${cohorts.one}/participants`)).statusCode).toBe(401);
    expect((await post(other, `/applications/${waiting}/accept`, {})).statusCode).toBe(404);
    expect((await post(owner, `/applications/${waiting}/accept`, {})).statusCode).toBe(200);
  });

  it('attendance completes by the rule, and survey contacts fall due from each person’s dates', async () => {
    expect((await post(office, `/applications/${waiting}/attendance`, { module: 9 })).statusCode).toBe(400);
    expect((await post(office, `/applications/${waiting}/attendance`, { module: 1 })).json().completed).toBe(false);
    expect((await post(office, `/applications/${waiting}/attendance`, { module: 3 })).json()).toEqual({
      completed: true,
      attended: 2,
      modules: 3,
    });
    const due = (await get(office, '/surveys-due.json?from=2022-09-01&to=2023-12-31')).json();
    const mine = due.filter((d: { participant: number }) => d.participant === waiting);
    expect(mine.map((d: { kind: string; from: string; until: string }) => [d.kind, d.from, d.until])).toEqual([
      ['module-feedback', '2022-09-11', '2022-09-24'],
      ['module-feedback', '2022-11-11', '2022-11-24'],
      ['end-feedback', '2022-12-16', '2022-12-29'],
      ['impact', '2023-05-10', '2023-11-10'],
    ]);
    expect((await get(owner, '/surveys-due.json?from=2022-09-01&to=2023-12-31')).statusCode).toBe(403);
  });

  it('take-up lists every current council against its subsidised place, by type and region, as JSON and CSV', async () => {
    expect((await get(owner, '/take-up.json?programme=academy')).statusCode).toBe(403);
    const t = (await get(office, '/take-up.json?programme=academy&window=2021-04-01')).json();
    const row = (code: string) => t.councils.find((c: { code: string }) => c.code === code);
    expect(row(CUMBERLAND).status).toBe('used');
    expect(row(TRAFFORD).status).toBe('not-used');
    expect(t.notUsed.length).toBe(t.councils.length - 1);
    expect(t.byType.find((x: { group: string }) => x.group === 'E06').used).toBe(1);
    expect(t.participants.byRole).toEqual([{ group: 'councillor', participants: 2 }]);
    expect(t.charges).toEqual([
      { council: ALLERDALE, financialYear: '2022-23', places: 1, pence: 50_000 },
      { council: TRAFFORD, financialYear: '2022-23', places: 1, pence: 250_000 },
    ]);
    const csv = await get(office, '/take-up.csv?programme=academy&window=2021-04-01');
    expect(csv.body.split('\n')[0]).toBe('area,area_name,area_type,region,status,participant');
    expect(csv.body).toContain(`${CUMBERLAND},Cumberland,E06,`);
    const page = await app.inject({ url: '/leadership/take-up?programme=academy', headers: { cookie: office.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Councils that have not used their place');
  });

  it('an offer not taken up in time lapses, with its reason, and the next on the list is offered the place', async () => {
    const c = await cohort(5, 1, '2023-10-01', '2023-12-01');
    const [a, b, d] = [
      await approved(c, person(TRAFFORD, 20)),
      await approved(c, person(TRAFFORD, 21)),
      await approved(c, person(TRAFFORD, 22)),
    ];
    for (const id of [a, b, d]) await post(office, `/applications/${id}/book`, { waitlist: true });
    await post(office, `/applications/${a}/withdraw`, {});
    await db.kysely
      .updateTable('lead_participants')
      .set({ offer_expires_at: '2020-01-01T00:00:00.000Z' })
      .where('id', '=', b)
      .execute();
    expect((await post(office, `/cohorts/${c}/settle`, {})).statusCode).toBe(200);
    const list = (await get(office, `/cohorts/${c}/participants`)).json().participants as {
      id: number;
      status: string;
      moves: { reason: string }[];
    }[];
    const of = (id: number) => list.find((p) => p.id === id)!;
    expect([of(a).status, of(b).status, of(d).status]).toEqual(['withdrawn', 'lapsed', 'offered']);
    expect(of(b).moves.at(-1)!.reason).toBe('offer expired at 2020-01-01T00:00:00.000Z');
  });

  it('over real concurrent HTTP requests, two booking the last place: exactly one gets it', async () => {
    const last = await cohort(3, 1, '2023-10-01', '2023-12-01');
    const ids = [await approved(last, person(TRAFFORD, 10)), await approved(last, person(TRAFFORD, 11))];
    const answers = await Promise.all(
      ids.map((id) =>
        fetch(`${base}${BASE}/applications/${id}/book`, {
          method: 'POST',
          headers: { cookie: office.cookie, 'x-csrf-token': office.csrf, 'content-type': 'application/json' },
          body: '{}',
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code?: string } })),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)!.body.code).toBe('cohort-full');
  });

  it('over real concurrent HTTP requests, 100 booking 10 places: exactly 10 booked, the rest waiting in order', async () => {
    const ten = await cohort(4, 10, '2023-10-01', '2023-12-01');
    const lead = servicesFor(db).lead;
    const po = asOffice();
    const ever = ['2000-01-01', '2100-01-01'] as const;
    const takenBefore = (await lead.places(...ever)).taken;
    const ids: number[] = [];
    for (let i = 0; i < 100; i++) {
      const id = await lead.apply(po, ten, person(TRAFFORD, 100 + i));
      await lead.decide(po, id, 'approved');
      ids.push(id);
    }
    const answers = await Promise.all(
      ids.map((id) =>
        fetch(`${base}${BASE}/applications/${id}/book`, {
          method: 'POST',
          headers: { cookie: office.cookie, 'x-csrf-token': office.csrf, 'content-type': 'application/json' },
          body: '{"waitlist":true}',
        }).then((r) => r.json() as Promise<{ status: string; position: number | null }>),
      ),
    );
    expect(answers.filter((a) => a.status === 'booked')).toHaveLength(10);
    expect(
      answers
        .filter((a) => a.status === 'waiting')
        .map((a) => a.position)
        .sort((a, b) => (a ?? 0) - (b ?? 0)),
    ).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
    const list = (await get(office, `/cohorts/${ten}/participants`)).json().participants as {
      status: string;
      arrival: number;
      position: number | null;
    }[];
    const byArrival = [...list].sort((a, b) => a.arrival - b.arrival);
    expect(byArrival.map((p) => p.status)).toEqual([...Array(10).fill('booked'), ...Array(90).fill('waiting')]);
    expect(byArrival.slice(10).map((p) => p.position)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
    // Programme monitoring counts the places taken from the list's moves: these ten, no one waiting.
    expect((await lead.places(...ever)).taken).toBe(takenBefore + 10);
  });
  it('the booking pages: a council puts someone forward, errors say which field and why, the office books and records attendance', async () => {
    const c = await cohort(6, 1, '2023-10-01', '2023-12-01');
    expect(
      (await post(office, `/cohorts/${c}/modules`, { number: 1, title: 'Leading', heldOn: '2023-10-10' })).statusCode,
    ).toBe(201);
    const apply = `/leadership/cohorts/${c}/apply`;
    const filled = {
      council: 'Trafford',
      name: 'Cllr Page',
      email: 'page@example.org',
      role: 'councillor',
      party: 'Green',
      placeKind: 'full-fee',
    };
    expect((await page(owner, apply)).body).toContain('Put someone forward');
    expect((await page(analyst, apply)).statusCode).toBe(403);
    await expectCouncilFieldSaysWhy((typed) => form(office, apply, { ...filled, council: typed }), 'council');
    const officer = await form(owner, apply, { ...filled, role: 'officer' });
    expect(officer.statusCode).toBe(400);
    expect(officer.body).toMatch(
      /<a href="#role">Role is not eligible \(the rule from 2011-01-01 admits leader, cabinet-member, councillor\)/,
    );
    expect(officer.body).toContain('value="Cllr Page"');
    const second = await form(office, apply, { ...filled, council: 'Cumberland', placeKind: 'subsidised' });
    expect(second.statusCode).toBe(409);
    expect(second.body).toMatch(
      /<a href="#placeKind">Kind of place the council&#39;s subsidised place for 2021-04-01 to 2024-03-31 is already booked/,
    );
    // The form goes to "Check your answers" first: nothing is stored until "Put forward".
    const check = await form(owner, apply, filled);
    expect(check.statusCode, check.body).toBe(200);
    expect(check.body).toContain('Check your answers before putting this person forward');
    expect(check.body).toMatch(/Council<\/dt>\s*<dd class="govuk-summary-list__value">Trafford \(E08000009\)/);
    expect(check.body).toMatch(/Party<\/dt>\s*<dd class="govuk-summary-list__value">Green/);
    expect(check.body).not.toContain('Officer grade</dt>');
    expect(check.body).toContain(`formaction="/leadership/cohorts/${c}/apply#role"`);
    expect(check.body).toContain('<input type="hidden" name="email" value="page@example.org">');
    expect((await get(office, `/cohorts/${c}/participants`)).json().participants).toHaveLength(0);
    // "Change" posts the answers back to the form at the question, with every answer kept.
    const hidden = Object.fromEntries(
      [...check.body.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)]
        .filter((m) => m[1] !== '_csrf')
        .map((m) => [m[1]!, m[2]!]),
    );
    const change = await form(owner, apply, { ...hidden, change: 'role' });
    expect(change.statusCode).toBe(200);
    expect(change.body).toContain('<h1 class="govuk-heading-l">Put someone forward</h1>');
    expect(change.body).toContain('value="page@example.org"');
    expect(change.body).toMatch(/id="role-\d*" name="role" type="radio" value="councillor" checked/);
    const mine = await form(owner, apply, { ...hidden, confirm: 'yes' });
    expect(mine.statusCode, mine.body).toBe(303);
    expect(mine.headers.location).toBe(`/leadership/cohorts/${c}?done=applied`);
    const ids = (await get(office, `/cohorts/${c}/participants`)).json().participants.map((p: { id: number }) => p.id);
    expect(ids).toHaveLength(1);
    const [first] = ids as number[];
    const second2 = await approved(c, person(TRAFFORD, 30));
    const act = (id: number, action: string, fields: Record<string, string> = {}) =>
      form(office, `/leadership/applications/${id}/${action}`, { cohort: String(c), ...fields });
    expect((await act(first!, 'decision', { decision: 'approved' })).statusCode).toBe(303);
    expect((await act(first!, 'book')).statusCode).toBe(303);
    const full = await act(second2, 'book');
    expect(full.statusCode).toBe(409);
    expect(full.body).toContain(`<a href="#p${second2}-actions">Cohort 6 is full: 1 of 1 places are taken.`);
    expect((await act(second2, 'book', { waitlist: 'yes' })).statusCode).toBe(303);
    const badModule = await act(first!, 'attendance', { module: '7' });
    expect(badModule.statusCode).toBe(400);
    expect(badModule.body).toContain(`<a href="#p${first}-module">Module is not a module of the cohort (1)`);
    expect((await act(first!, 'attendance', { module: '1', attended: 'yes' })).statusCode).toBe(303);
    const html = (await page(office, `/leadership/cohorts/${c}`)).body;
    expect(html).toMatch(
      /Waiting list[\s\S]*Councillor 30[\s\S]*cohort full \(1 places\): joined the list at position 1/,
    );
    expect(html).toContain('attended 1 of 1 modules (the rule asks 2)');
    expect(html).toContain('Completed');
    // The council sees its own people; another council none of them.
    expect((await page(other, `/leadership/cohorts/${c}`)).body).toContain('People put forward (0)');
    expect((await page(owner, '/leadership')).body).toContain(`href="/leadership/cohorts/${c}"`);
  });

  it('surveys: frames from a programme’s people by their own dates, links by email, rates and the "speak about it" table', async () => {
    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    for (const survey of ['feedback', 'impact'])
      expect((await form(office, '/leadership/evaluation/questionnaires', { survey })).statusCode).toBe(303);
    const noDates = await form(office, '/leadership/evaluation/waves', {
      survey: 'feedback',
      name: 'End of course',
      opensAt: '',
      closesAt: '',
    });
    expect(noDates.statusCode).toBe(400);
    expect(noDates.body).toContain('href="#waves-');
    for (const survey of ['feedback', 'impact'])
      expect(
        (
          await form(office, '/leadership/evaluation/waves', {
            survey,
            name: `Academy ${survey}`,
            opensAt: day(-1),
            closesAt: day(30),
          })
        ).statusCode,
      ).toBe(303);
    const po = asOffice();
    const waves = await servicesFor(db).lead.leadWaves(po);
    const wave = (kind: string) => String(waves.find((w) => w.kind === kind)!.id);
    const reversed = await form(office, '/leadership/evaluation/frame', {
      wave: wave('feedback'),
      programme: 'academy',
      from: '2022-12-31',
      to: '2022-12-01',
    });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.body).toContain('<a href="#frame-to">To is before from (2022-12-31): dates out of order</a>');
    // The end-of-course feedback falls due on the day after cohort 1 ended (2022-12-16); the impact survey 6–12 months
    // after completion (2022-11-10), so a range in August 2023 takes it, and no feedback.
    const built = await form(office, '/leadership/evaluation/frame', {
      wave: wave('feedback'),
      programme: 'academy',
      from: '2022-12-16',
      to: '2022-12-20',
    });
    expect(built.headers.location).toBe('/leadership/evaluation?done=frame&n=1');
    const impact = await form(office, '/leadership/evaluation/frame', {
      wave: wave('impact'),
      programme: 'academy',
      from: '2023-08-01',
      to: '2023-08-31',
    });
    expect(impact.headers.location).toBe('/leadership/evaluation?done=frame&n=1');
    expect((await page(office, '/leadership/evaluation')).body).toContain('Academy feedback');
    expect((await page(owner, '/leadership/evaluation')).statusCode).toBe(403);
    const invited = await form(office, `/leadership/evaluation/waves/${wave('feedback')}/invitations`, {});
    expect(invited.headers.location).toBe('/leadership/evaluation?done=invited&n=1');
    await servicesFor(db, smtp.env).email.sendQueued();
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual(['c6@example.org']);
    const text = parseMessage(mail!.raw).text ?? '';
    expect(text).toContain('Leadership programme: feedback');
    await answerAndSubmit(db, /https:\/\/sli\.example(\/s\/[\w-]+\/[\w-]+)/.exec(text)![1]!, [
      ['USEFUL', '1'],
      ['SPEAK', '2'],
    ]);
    const t = (await page(office, '/leadership/take-up?programme=academy&window=2021-04-01')).body;
    expect(t).toMatch(
      /Feedback \(after each module and at the end\)<\/th><td[^>]*>1<\/td><td[^>]*>1<\/td><td[^>]*>1<\/td><td[^>]*>100</,
    );
    expect(t).toMatch(
      /Impact \(6 to 12 months after completion\)<\/th><td[^>]*>1<\/td><td[^>]*>1<\/td><td[^>]*>0<\/td><td[^>]*>0</,
    );
    expect(t).toMatch(/I speak positively about the programme if I am asked about it<\/th><td[^>]*>100 \(1\)</);
    expect(t).toMatch(/I speak negatively about the programme without being asked<\/th><td[^>]*>0</);
    expect(t).toContain('Base: 1 (all respondents; 1 asked)');
    expect(t).toContain('not against the number of councillors');
    const json = (await get(office, '/take-up.json?programme=academy&window=2021-04-01')).json();
    expect(json.surveys.rates).toEqual([
      { survey: 'feedback', waves: 1, asked: 1, answered: 1 },
      { survey: 'impact', waves: 1, asked: 1, answered: 0 },
    ]);
    expect(json.surveys.speak).toMatchObject({ asked: 1, answered: 1 });
  });
  it('a group office puts forward members of its own group from any council, and sees and acts on those only', async () => {
    const accounts = servicesFor(db).accounts;
    const password = 'correct horse battery';
    const user = { name: 'Labour group office', password, role: 'group_office' };
    await expect(accounts.addUser({ ...user, email: 'g0@example.org' })).rejects.toMatchObject({
      status: 400,
      errors: [expect.objectContaining({ field: 'politicalGroup' })],
    });
    await expect(
      accounts.addUser({ ...user, email: 'g1@example.org', role: 'analyst', politicalGroup: 'Labour' }),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ field: 'politicalGroup' })] });
    await accounts.addUser({ ...user, email: 'labour@example.org', politicalGroup: 'Labour' });
    const group = await signIn(app, 'labour@example.org', password);
    const c = await cohort(7, 5, '2023-05-01', '2023-07-01');
    // Any council; the party defaults to the group's, and is matched whatever its case.
    const manchester = await post(group, `/cohorts/${c}/applications`, person('E08000003', 40, { party: undefined }));
    expect(manchester.statusCode, manchester.body).toBe(201);
    const trafford = await post(group, `/cohorts/${c}/applications`, person(TRAFFORD, 41, { party: ' labour' }));
    expect(trafford.statusCode, trafford.body).toBe(201);
    const green = await post(group, `/cohorts/${c}/applications`, person(TRAFFORD, 42, { party: 'Green' }));
    expect(green.statusCode).toBe(403);
    expect(green.json().errors[0]).toMatchObject({ field: 'party', value: 'Green' });
    expect(green.json().detail).toContain('its own group (Labour) only');
    const officer = await post(group, `/cohorts/${c}/applications`, person(TRAFFORD, 43, { role: 'officer' }));
    expect(officer.statusCode).toBe(403);
    expect(officer.json().errors[0].field).toBe('role');
    const independent = (await post(office, `/cohorts/${c}/applications`, person(TRAFFORD, 44))).json().id as number;
    // The group office sees its group's people only, with the reason it nominated them; a council its own council's.
    const seen = (await get(group, `/cohorts/${c}/participants`)).json().participants as {
      id: number;
      council: string;
      party: string;
      moves: { reason: string }[];
    }[];
    expect(seen.map((p) => [p.council, p.party])).toEqual([
      ['E08000003', 'Labour'],
      [TRAFFORD, 'labour'],
    ]);
    expect(seen[0]!.moves[0]!.reason).toBe('nominated by the Labour group office');
    const councilSees = (await get(owner, `/cohorts/${c}/participants`)).json().participants as { id: number }[];
    expect(councilSees.map((p) => p.id)).toEqual([trafford.json().id, independent]);
    // It acts on its own nominees only, and does not decide.
    expect((await post(group, `/applications/${independent}/withdraw`, {})).statusCode).toBe(404);
    expect(
      (await post(group, `/applications/${manchester.json().id}/decision`, { decision: 'approved' })).statusCode,
    ).toBe(403);
    expect(
      (await post(group, `/applications/${trafford.json().id}/withdraw`, { reason: 'stood down' })).statusCode,
    ).toBe(200);
    expect((await get(group, '/take-up.json?programme=academy&window=2021-04-01')).statusCode).toBe(403);
    // The pages: the form says whom it may put forward, and the check page comes before anything is stored.
    const formPage = await page(group, `/leadership/cohorts/${c}/apply`);
    expect(formPage.body).toContain('You can put forward members of the Labour group, from any council.');
    expect(formPage.body).toContain('value="Labour"');
    const fields = { council: 'Manchester', name: 'Cllr Form', email: 'form@example.org', role: 'councillor' };
    const wrong = await form(group, `/leadership/cohorts/${c}/apply`, {
      ...fields,
      party: 'Green',
      placeKind: 'full-fee',
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).toContain('<a href="#party">Party must be Labour (your group)</a>');
    const check = await form(group, `/leadership/cohorts/${c}/apply`, {
      ...fields,
      party: 'Labour',
      placeKind: 'full-fee',
    });
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain('Manchester (E08000003)');
    const before = (await get(group, `/cohorts/${c}/participants`)).json().participants.length;
    const sent = await form(group, `/leadership/cohorts/${c}/apply`, {
      ...fields,
      council: 'E08000003',
      party: 'Labour',
      placeKind: 'full-fee',
      confirm: 'yes',
    });
    expect(sent.statusCode, sent.body).toBe(303);
    expect((await get(group, `/cohorts/${c}/participants`)).json().participants.length).toBe(before + 1);
  });
  it('each participant gets their own survey link by email; the frame ties a response to the cohort, not the person', async () => {
    const c = await cohort(8, 5, '2023-06-01', '2023-06-30');
    const mod = await post(office, `/cohorts/${c}/modules`, { number: 1, title: 'Leading', heldOn: '2023-06-10' });
    expect(mod.statusCode).toBe(201);
    const ids: number[] = [];
    for (const n of [50, 51]) {
      const id = await approved(c, person(TRAFFORD, n));
      expect((await post(office, `/applications/${id}/book`, {})).json().status).toBe('booked');
      expect((await post(office, `/applications/${id}/attendance`, { module: 1, attended: true })).statusCode).toBe(
        200,
      );
      ids.push(id);
    }
    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    const made = await form(office, '/leadership/evaluation/waves', {
      survey: 'feedback',
      name: 'Cohort 8 module 1',
      opensAt: day(-1),
      closesAt: day(30),
    });
    expect(made.statusCode).toBe(303);
    const wave = (await servicesFor(db).lead.leadWaves(asOffice())).find((w) => w.name === 'Cohort 8 module 1')!;
    const build = () =>
      form(office, '/leadership/evaluation/frame', {
        wave: String(wave.id),
        programme: 'academy',
        from: '2023-06-11',
        to: '2023-06-12',
      });
    expect((await build()).headers.location).toBe('/leadership/evaluation?done=frame&n=2');
    const members = await servicesFor(db).surveys.frames.members(wave.id);
    // Two people of one council in one cohort: distinct members, named by cohort and survey point, not by person.
    expect(members.map((m) => [m.area?.code, m.role])).toEqual([
      [TRAFFORD, 'Councillor, academy cohort 8, module 1'],
      [TRAFFORD, 'Councillor, academy cohort 8, module 1 (person 2 from the council)'],
    ]);
    // Building again adds no one twice.
    expect((await build()).headers.location).toBe('/leadership/evaluation?done=frame&n=0');
    smtp.reset();
    const invited = await form(office, `/leadership/evaluation/waves/${wave.id}/invitations`, {});
    expect(invited.headers.location).toBe('/leadership/evaluation?done=invited&n=2');
    await servicesFor(db, smtp.env).email.sendQueued();
    const mails = await smtp.waitFor(2);
    const linkOf = (to: string) => {
      const m = mails.find((x) => x.to.includes(to))!;
      return /https:\/\/sli\.example(\/s\/[\w-]+\/[\w-]+)/.exec(parseMessage(m.raw).text ?? '')![1]!;
    };
    const [first, second] = [linkOf('c50@example.org'), linkOf('c51@example.org')];
    expect(first).not.toBe(second);
    await answerAndSubmit(db, second, [
      ['USEFUL', '1'],
      ['SPEAK', '1'],
    ]);
    const after = await servicesFor(db).surveys.frames.members(wave.id);
    expect(after.map((m) => m.status)).toEqual(['not-started', 'submitted']);
    // The responses download names the cohort in its role column, and no participant.
    const csv = await app.inject({
      url: `/api/v1/surveys/waves/${wave.id}/responses.csv`,
      headers: { cookie: analyst.cookie },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('Councillor, academy cohort 8, module 1 (person 2 from the council)');
    expect(csv.body).not.toMatch(/participant|Councillor 51|c51@/);
  });
});
