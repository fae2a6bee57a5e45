import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSli } from '../../../test/helpers/cli.ts';
import { createTestApp } from '../../../test/helpers/app.ts';
import { signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { fixtureAdapter, testMetric } from '../../../test/helpers/fixtures.ts';
import { answeredOpenWave, formPost, isoIn } from '../../../test/helpers/surveys.ts';
import { runImport } from '../imports/index.ts';
import { servicesFor, type Services } from '../../app/services.ts';
import type { App } from '../../platform/app-types.ts';
import { createLogger } from '../../platform/logger.ts';
import { addDays } from './dates.ts';
import { evaluationDocx, evaluationHtml } from './evaluation-output.ts';
import { createRecorder, dayOf } from './recorder.ts';
import type { Evaluation } from './evaluation.ts';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0';
const today = dayOf(new Date());

/** Programme monitoring end to end on a real database: recording, rollup, the scorecard, the plan and its report. */
describe('monitor', () => {
  let db: TestDb;
  let app: App;
  let s: Services;
  let owner: Signed;
  let admin: Signed;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    s = servicesFor(db);
    app = await createTestApp(db, {}, s);
    ({ owner, admin } = await signInEveryRole(db, app));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers: { 'user-agent': BROWSER, accept: 'text/html', ...headers } });

  it('records page views, API requests and embeds by route pattern with a daily visitor hash, and drops bots', async () => {
    await s.monitor.recorder.flush();
    await db.kysely.deleteFrom('monitor_events').execute();
    expect((await get('/monitoring/privacy')).statusCode).toBe(200);
    await get('/monitoring/privacy', { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1)' });
    await get('/api/v1/areas/E08000009');
    await get('/monitoring/privacy', { cookie: owner.cookie });
    await s.monitor.recorder.flush();
    const rows = await db.kysely.selectFrom('monitor_events').selectAll().orderBy('kind').execute();
    expect(rows.map((r) => [r.kind, r.route, r.day])).toEqual([
      ['api', '/api/v1/areas/:code', today],
      ['page', '/monitoring/privacy', today],
      ['page', '/monitoring/privacy', today],
    ]);
    // The same address and browser on the same day: the same hash, which holds neither.
    expect(rows[1]!.visitor).toBe(rows[2]!.visitor);
    expect(rows[1]!.visitor).not.toContain('127.0.0.1');
    // The councils of the users who signed in (in beforeAll) used the service today; no user is recorded.
    const councils = await db.kysely.selectFrom('monitor_council_days').selectAll().orderBy('council_code').execute();
    expect(councils).toEqual([
      { day: today, council_code: 'E08000003' },
      { day: today, council_code: 'E08000009' },
    ]);
    expect((await db.kysely.selectFrom('monitor_salts').select('day').execute()).map((r) => r.day)).toEqual([today]);
  });

  it('keeps running counts at write time, so the scorecard counts today without reading raw events', async () => {
    const live = async (): Promise<Record<string, [number, number]>> =>
      Object.fromEntries(
        (await db.kysely.selectFrom('monitor_live').selectAll().where('day', '=', today).execute()).map((r) => [
          r.kind,
          [Number(r.events), Number(r.uniques)],
        ]),
      );
    const before = await live();
    const card = async () => (await get(`/api/v1/monitoring/scorecard.json?month=${today.slice(0, 7)}`)).json();
    const viewsBefore = (await card()).traffic.pageViews as number;
    await s.monitor.recorder.flush();
    const counted = await live();
    // Two page views by a new visitor (a browser not seen today) in one batch, then one more in another batch: three
    // events, one unique visitor.
    const fresh = { 'user-agent': `${BROWSER} counted-${Date.now()}` };
    await get('/monitoring/privacy', fresh);
    await get('/monitoring/privacy', fresh);
    await s.monitor.recorder.flush();
    await get('/monitoring/privacy', fresh);
    await s.monitor.recorder.flush();
    const after = await live();
    // The recorder counts its own time (what the bench reports as its cost per request).
    const own = s.monitor.recorder.stats();
    expect(own.recordMs).toBeGreaterThan(0);
    expect(own.writeMs).toBeGreaterThan(0);
    expect(after.page![0] - counted.page![0]).toBe(3);
    expect(after.page![1] - counted.page![1]).toBe(1);
    expect(before.page).toBeDefined();
    // Raw events gone (as if never read): the scorecard still counts them, from the running counts.
    await db.kysely.deleteFrom('monitor_events').where('day', '=', today).execute();
    expect((await card()).traffic.pageViews).toBe(viewsBefore + (after.page![0] - before.page![0]));
  });

  it('drops a batch with a counted warning when the database is down, and never throws', async () => {
    const gone = await createTestDb();
    await gone.close();
    const r = createRecorder(gone, createLogger('silent'));
    r.record({
      method: 'GET',
      url: '/',
      route: '/',
      status: 200,
      contentType: 'text/html',
      ip: '10.0.0.1',
      userAgent: BROWSER,
      councilCode: undefined,
    });
    await expect(r.flush()).resolves.toBeUndefined();
    expect(r.stats()).toMatchObject({ recorded: 1, written: 0, dropped: 1, failures: 1 });
    await gone.drop().catch(() => {});
  });

  it('rolls raw events into daily totals, keeps them 60 days and salts two days; uniques are averaged, not summed', async () => {
    const old = addDays(today, -70);
    const recent = addDays(today, -3);
    const ev = (day: string, visitor: string) => ({ day, kind: 'page', route: '/x', status: 200, visitor });
    const yesterday = addDays(today, -1);
    await db.kysely
      .insertInto('monitor_events')
      .values([ev(old, 'a'), ev(old, 'a'), ev(old, 'b'), ev(recent, 'a'), ev(yesterday, 'c')])
      .execute();
    await db.kysely
      .insertInto('monitor_salts')
      .values({ day: addDays(today, -3), salt: 'x', created_at: 'x' })
      .execute();
    await db.kysely.insertInto('monitor_live').values({ day: recent, kind: 'page', events: 1, uniques: 1 }).execute();
    const r = await s.monitor.rollup();
    expect(r.eventsDeleted).toBe(3);
    // Every day before today with raw events was totalled (old, recent, yesterday; today's are not).
    expect(r.daysTotalled).toBe(3);
    // Run again: only the last two days are totalled again (yesterday has raw events, the day before has none).
    expect((await s.monitor.rollup()).daysTotalled).toBe(1);
    // The running counts and visitor sets of the days totalled are gone; today's stay.
    const liveDays = await db.kysely.selectFrom('monitor_live').select('day').distinct().execute();
    const visitorDays = await db.kysely.selectFrom('monitor_visitors').select('day').distinct().execute();
    expect([...liveDays, ...visitorDays].every((d) => d.day === today)).toBe(true);
    expect(r.saltsDeleted).toBe(1);
    const totals = await db.kysely
      .selectFrom('monitor_daily')
      .select(['events', 'uniques'])
      .where('day', '=', old)
      .where('route', '=', '*')
      .executeTakeFirstOrThrow();
    expect([Number(totals.events), Number(totals.uniques)]).toEqual([3, 2]);
    const month = old.slice(0, 7);
    const card = (await get(`/api/v1/monitoring/scorecard.json?month=${month}`)).json();
    expect(card.traffic.days).toBeGreaterThanOrEqual(28);
    expect(card.traffic.pageViews).toBe(3);
    // Two visitors on one day of the month: the daily average, not 2.
    expect(card.traffic.averageDailyUniqueVisitors).toBe(Math.round(2 / card.traffic.days));
  });

  it('GET /api/v1/monitoring/scorecard.json counts registered councils against the current councils of each type', async () => {
    const month = today.slice(0, 7);
    const pub = (await get(`/api/v1/monitoring/scorecard.json?month=${month}`)).json();
    const met = pub.councils.byType.find((l: { type: string }) => l.type === 'E08');
    expect(met).toMatchObject({ users: 2, councils: 36, registered: 2, active30: 2, active60: 2 });
    expect(met.registeredShare).toBeCloseTo(2 / 36);
    expect(met.active30Share).toBe(1);
    const unitary = pub.councils.byType.find((l: { type: string }) => l.type === 'E06');
    expect(unitary).toMatchObject({ users: 0, registered: 0, registeredShare: 0, active30Share: null });
    expect(pub.users).toMatchObject({ total: 4, sectorBody: 2 });
    expect(pub.detail).toBeNull();
    const mine = (await get(`/api/v1/monitoring/scorecard.json?month=${month}`, { cookie: owner.cookie })).json();
    expect(mine.detail.map((d: { code: string }) => d.code)).toEqual(['E08000009']);
    const all = (await get(`/api/v1/monitoring/scorecard.json?month=${month}`, { cookie: admin.cookie })).json();
    expect(all.detail.map((d: { code: string }) => d.code).sort()).toEqual(['E08000003', 'E08000009']);
    const bad = await get('/api/v1/monitoring/scorecard.json?month=2026-13');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: 'month', value: '2026-13' });
    const csv = await get(`/api/v1/monitoring/scorecard.csv?month=${month}`);
    expect(csv.body.split('\n')[0]).toBe('month,measure,authority_type,value');
    expect((await get(`/monitoring?month=${month}`, { cookie: admin.cookie })).body).toContain('Councils in detail');
    // A council last active 45 days ago: active in the last 60 days, not in the last 30.
    await s.monitor.recorder.flush();
    const other = 'E08000003';
    await db.kysely.deleteFrom('monitor_council_days').where('council_code', '=', other).execute();
    await db.kysely
      .insertInto('monitor_council_days')
      .values({ day: addDays(today, -45), council_code: other })
      .execute();
    const lapsed = (await get(`/api/v1/monitoring/scorecard.json?month=${month}`, { cookie: admin.cookie })).json();
    expect(lapsed.councils.byType.find((l: { type: string }) => l.type === 'E08')).toMatchObject({
      registered: 2,
      active30: 1,
      active60: 2,
    });
    expect(lapsed.detail.find((d: { code: string }) => d.code === other)).toMatchObject({
      active30: false,
      active60: true,
    });
    await db.kysely.insertInto('monitor_council_days').values({ day: today, council_code: other }).execute();
  });

  it('imports a plan all or nothing, refusing a deliverable without a theme by line, and reports the quarter', async () => {
    const bad =
      'year,theme,deliverable,target,due_quarter,measure\n2026,Peer support,Challenges,40,Q2,peer-challenges-delivered\n2026,,Essentials cohorts,3,Q3,\n';
    await expect(s.monitor.plan.importPlan('plan.csv', bad)).rejects.toMatchObject({
      errors: [{ field: 'plan.csv:3 theme', message: expect.stringContaining('theme') }],
    });
    expect(await db.kysely.selectFrom('monitor_deliverables').selectAll().execute()).toEqual([]);
    const good = bad.replace('2026,,Essentials', '2026,Leadership,Essentials');
    expect(await s.monitor.plan.importPlan('plan.csv', good)).toEqual({ deliverables: 2 });
    const [, entered] = await db.kysely.selectFrom('monitor_deliverables').select('id').orderBy('id').execute();
    const put = (who: Signed, body: object) =>
      app.inject({
        method: 'PUT',
        url: `/api/v1/monitoring/deliverables/${entered!.id}/progress`,
        headers: { cookie: who.cookie, 'x-csrf-token': who.csrf },
        payload: body,
      });
    expect((await put(owner, { quarter: 'Q1', value: 1 })).statusCode).toBe(403);
    expect((await put(admin, { quarter: 'Q1', value: 1, note: 'First cohort' })).statusCode).toBe(204);
    const q = await get('/api/v1/monitoring/quarterly.json?year=2026&quarter=Q2', { cookie: admin.cookie });
    expect(q.statusCode).toBe(200);
    const rows = q.json().themes.flatMap((t: { deliverables: unknown[] }) => t.deliverables);
    expect(rows).toEqual([
      expect.objectContaining({ theme: 'Leadership', value: 1, note: 'First cohort', status: 'In progress' }),
      expect.objectContaining({ theme: 'Peer support', value: 0, measure: 'peer-challenges-delivered' }),
    ]);
    expect(q.json().delivery.leadership).toMatchObject({ available: true, taken: 0, completed: 0 });
    const x = await get('/api/v1/monitoring/quarterly.xlsx?year=2026&quarter=Q2', { cookie: admin.cookie });
    expect(x.headers['content-type']).toContain('spreadsheetml');
    expect((await get('/monitoring/quarterly?year=2026&quarter=Q2', { cookie: owner.cookie })).statusCode).toBe(403);
  });

  it('sli monitor plan refuses a deliverable without a theme, naming file:line, and exits 1', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'sli-monitor-')), 'plan.csv');
    writeFileSync(file, 'year,theme,deliverable,target,due_quarter\n2027,,Peer challenges,40,Q2\n');
    const r = await runSli(db, ['monitor', 'plan', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}:2 theme`);
  });

  it('writes the evaluation with "too little data" where a section is empty, and refuses a year with no evidence', async () => {
    const e = await s.monitor.evaluation(Number(today.slice(0, 4)));
    const status = Object.fromEntries(e.sections.map((x) => [x.id, x.status]));
    expect(status).toMatchObject({ usage: 'ok', peer: 'too-little-data', leadership: 'too-little-data' });
    expect(evaluationHtml(e, 'Test')).toContain('Too little data: no peer challenge delivered');
    expect((await evaluationDocx(e, 'Test')).subarray(0, 2).toString()).toBe('PK');
    await expect(s.monitor.evaluation(2001)).rejects.toMatchObject({ code: 'no-evidence' });
  });
  /** The parts of a section as plain text. */
  const said = (e: Evaluation, id: string) =>
    e.sections
      .find((x) => x.id === id)!
      .paragraphs.map((p) => p.map((x) => (typeof x === 'string' ? x : x.figure)).join(''))
      .join('\n');
  const example = (name: string) =>
    JSON.parse(readFileSync(new URL(`../../../examples/surveys/${name}.json`, import.meta.url), 'utf8')) as unknown;
  /** The lead module's shipped questionnaire (the one definition of its code). */
  const leadQuestionnaire = (name: string) =>
    JSON.parse(readFileSync(new URL(`../lead/questionnaires/${name}.json`, import.meta.url), 'utf8')) as unknown;
  const by = { name: 'Evaluation Officer' };

  /** An open wave answered by anonymous respondents (page, answer) through the fielding service, then closed. */
  const openWave = (survey: string, name: string, opensDaysAgo: number, answers: [string, string][][], version = 1) =>
    answeredOpenWave(s.surveys, { survey, version, name, opensDaysAgo }, answers, by);

  /** A frame wave of the perception survey: the same six councils answer Q1 (awareness) and Q7 (support). */
  async function perception(name: string, opensDaysAgo: number, answers: [q1: string, q7: string][]) {
    const { surveys, frames, respond, mailings } = s.surveys;
    const councils = ['E08000009', 'E08000003', 'E06000001', 'E08000001', 'E08000002', 'E08000004'];
    const w = await surveys.createWave(
      {
        survey: 'council-perception',
        version: 1,
        name,
        mode: 'frame',
        opensAt: isoIn(-opensDaysAgo),
        closesAt: isoIn(30),
      },
      by,
    );
    await frames.build(w.id, { members: councils.map((area) => ({ area, role: 'Leader' })) });
    const links = await frames.issueLinks(w.id, 'http://localhost', false);
    for (const [i, [q1, q7]] of answers.entries()) {
      const [, , key, token] = new URL(links.find((l) => l.area_code === councils[i])!.link).pathname.split('/');
      for (const [page, v] of [
        ['Q1', q1],
        ['Q7', q7],
      ] as const) {
        const a = await respond.resolve(key!, token!);
        expect((await respond.save(a, page, a.revision, v)).kind).toBe('saved');
      }
      const a = await respond.resolve(key!, token!);
      expect((await respond.submit(a, a.revision)).kind).toBe('submitted');
    }
    await mailings.close(w.id, by);
    return w.id;
  }

  it('the evaluation joins the basket, the polling series and the perception survey, each figure naming its table', async () => {
    const year = Number(isoIn(-3).slice(0, 4));
    // The key basket: England figures for three measures in two service areas; the sector module classifies them.
    const E = 'E92000001';
    const metrics = [
      testMetric('ev.up', { topic: 'children-young-people' }),
      testMetric('ev.down', { topic: 'children-young-people' }),
      testMetric('ev.waste', { topic: 'environment-housing' }),
    ];
    const fixture = await runImport(db, {
      adapter: fixtureAdapter(metrics, [
        ['ev.up', E, 2019, 50],
        ['ev.up', E, 2023, 60],
        ['ev.down', E, 2019, 50],
        ['ev.down', E, 2023, 40],
        ['ev.waste', E, 2019, 30],
        ['ev.waste', E, 2023, 36],
      ]),
      files: [],
      publish: true,
    });
    expect(fixture.state).toBe('published');
    await s.sector.loadBasket({
      id: 'sector-key',
      version: 'ev1',
      name: 'Evaluation basket',
      description: 'test',
      baseline: '2019-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: metrics.map((m) => ({ metric: m.code, why: 'test' })),
    });
    // Polling: trust rises from 9 to 24 of 30 (significant), satisfaction 15 to 16 of 30 (not).
    const answers = (trusting: number, satisfied: number) =>
      Array.from({ length: 30 }, (_, i): [string, string][] => [
        ['SAT', i < satisfied ? '2' : '4'],
        ['TRUST', i < trusting ? '2' : '3'],
      ]);
    await s.surveys.surveys.loadDefinition(example('resident-polling'), by);
    const spring = await openWave('resident-polling', 'Spring poll', 3, answers(9, 15));
    const autumn = await openWave('resident-polling', 'Autumn poll', 2, answers(24, 16));
    // Leadership impact: three of four participants helped to a great or moderate extent.
    await s.surveys.surveys.loadDefinition(leadQuestionnaire('leadership-impact'), by);
    const impact = (improved: string): [string, string][] => [
      ['IMPROVED', improved],
      ['NEW_ROLE', '2'],
    ];
    await openWave('leadership-impact', 'Essentials impact', 2, ['1', '2', '2', '3'].map(impact), 2);
    // Perception: two of six aware at the baseline, five at the follow-up (too few councils to be significant).
    await s.surveys.surveys.loadDefinition(example('council-perception'), by);
    const six = (aware: number): [string, string][] =>
      Array.from({ length: 6 }, (_, i) => [i < aware ? '2' : '4', i < 4 ? '1' : '3']);
    const base = await perception('Baseline', 3, six(2));
    const follow = await perception('Follow-up', 2, six(5));

    const e = await s.monitor.evaluation(year);
    const status = Object.fromEntries(e.sections.map((x) => [x.id, x.status]));
    expect(status).toMatchObject({ basket: 'ok', polling: 'ok', perception: 'ok', leadership: 'ok' });
    expect(said(e, 'leadership')).toMatch(
      /Of the participants who answered [^,]*, 75 per cent said the programme had helped/,
    );
    // The basket as the sector module counts it, not recomputed.
    const dot = await s.sector.directionOfTravel({ latest: 'latest' });
    expect(dot.summary.overall).toMatchObject({ classified: 3, improved: 2, worsened: 1 });
    const basket = e.sections.find((x) => x.id === 'basket')!;
    expect(said(e, 'basket')).toContain(
      `${dot.summary.overall.improved} of ${dot.summary.overall.classified} key measures`,
    );
    expect(basket.tables[0]!.rows.map((r) => r[0])).toEqual([
      'Children and young people',
      'Environment and housing',
      'All service areas',
    ]);
    const polling = said(e, 'polling');
    expect(polling).toMatch(/In the most recent wave \(Autumn poll\), 80 per cent of those who answered trusted/);
    expect(polling).toMatch(
      /statistically significant increase from 30 per cent in Spring poll \(the first wave\) \([^)]*test/,
    );
    expect(polling).toMatch(
      /53 per cent of those who answered were very or fairly satisfied[^\n]*is not statistically significant/,
    );
    // Not asked of anyone in these waves: said so, not left blank.
    expect(polling).toContain('Too little data for INFORMED. How well informed');
    const trust = e.sections.find((x) => x.id === 'polling')!.tables[0]!;
    expect(trust.source).toBe(`/surveys/series?waves=${spring},${autumn}&question=TRUST&answer=N_TRUST`);
    expect(trust.base).toBe('Base (those asked who answered): 30 in Spring poll, 30 in Autumn poll.');
    const aware = said(e, 'perception');
    expect(aware).toMatch(/In the follow-up \(Follow-up\), 83 per cent of those who answered knew/);
    expect(aware).toMatch(/from 33 per cent in Baseline \(the baseline\) is not statistically significant \(McNemar/);
    expect(e.sections.find((x) => x.id === 'perception')!.tables[0]!.source).toContain(`waves=${base},${follow}`);
    // Tables are numbered in order; HTML links each figure to its table's page, DOCX names the table.
    const numbers = e.sections.flatMap((x) => x.tables.map((t) => t.number));
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    const html = evaluationHtml(e, 'Test');
    expect(html).toContain(`<a class="govuk-link" href="/sector?basket=sector-key%40ev1">2</a>`);
    expect(html).toContain(
      `href="/surveys/series?waves=${spring},${autumn}&amp;question=TRUST&amp;answer=N_TRUST">80 per cent</a>`,
    );
    const docx = await evaluationDocx(e, 'Test');
    expect(docx.subarray(0, 2).toString()).toBe('PK');
    // The page and the download, for the programme office and administrators only.
    const page = await get(`/monitoring/evaluation?year=${year}`, { cookie: admin.cookie });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Evaluating the approach to sector-led improvement');
    expect(page.body).toContain(`/api/v1/monitoring/evaluation.docx?year=${year}`);
    expect((await get(`/monitoring/evaluation?year=${year}`, { cookie: owner.cookie })).statusCode).toBe(403);
    const dl = await get(`/api/v1/monitoring/evaluation.docx?year=${year}`, { cookie: admin.cookie });
    expect([dl.statusCode, dl.headers['content-type']]).toEqual([200, expect.stringContaining('wordprocessingml')]);
    const none = await get('/monitoring/evaluation?year=2001', { cookie: admin.cookie });
    expect(none.statusCode).toBe(404);
    expect(none.body).toContain('There is no evidence on this platform for 2001');
  });

  it('the deliverable form refuses a deliverable without a theme, naming the field, then records quarterly progress', async () => {
    const form = {
      _csrf: admin.csrf,
      year: '2027',
      theme: ' ',
      deliverable: 'Run three Essentials cohorts',
      target: '3',
      due_quarter: 'Q3',
      measure: '',
    };
    const bad = await formPost(app, '/monitoring/deliverables/new', form, admin.cookie);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#theme">Theme is required: every deliverable belongs to a theme');
    expect(await db.kysely.selectFrom('monitor_deliverables').select('id').where('year', '=', 2027).execute()).toEqual(
      [],
    );
    const ok = await formPost(app, '/monitoring/deliverables/new', { ...form, theme: 'Leadership' }, admin.cookie);
    expect([ok.statusCode, ok.headers.location]).toEqual([303, '/monitoring/quarterly?year=2027&quarter=Q3']);
    const { id } = await db.kysely
      .selectFrom('monitor_deliverables')
      .select('id')
      .where('year', '=', 2027)
      .executeTakeFirstOrThrow();
    expect((await get(`/monitoring/deliverables/${id}/progress`, { cookie: admin.cookie })).body).toContain(
      'Record progress',
    );
    const url = `/monitoring/deliverables/${id}/progress`;
    const wrong = await formPost(app, url, { _csrf: admin.csrf, quarter: 'Q9', value: '1' }, admin.cookie);
    expect(wrong.body).toContain('href="#quarter">Quarter must be Q1, Q2, Q3 or Q4');
    expect(
      (await formPost(app, url, { _csrf: admin.csrf, quarter: 'Q2', value: '2', note: 'Two cohorts' }, admin.cookie))
        .statusCode,
    ).toBe(303);
    const q = (await get('/api/v1/monitoring/quarterly.json?year=2027&quarter=Q2', { cookie: admin.cookie })).json();
    expect(q.themes[0].deliverables[0]).toMatchObject({
      theme: 'Leadership',
      value: 2,
      note: 'Two cohorts',
      target: 3,
    });
    expect((await formPost(app, '/monitoring/deliverables/new', form, owner.cookie)).statusCode).toBe(403);
  });
});
