import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/helpers/app.ts';
import { cookiesOf, signIn, type Signed } from '../../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { apiPost, formPost, isoIn, linksOf, PERCEPTION_V1, revisionOf } from '../../../../test/helpers/surveys.ts';
import type { App } from '../../../platform/app-types.ts';
import { servicesFor } from '../../../app/services.ts';

describe('surveys: the respondent journey through a link', () => {
  let db: TestDb;
  let app: App;
  let analyst: Signed;
  let links: { area: string; path: string; key: string; token: string }[] = [];
  let other: { path: string; key: string; token: string }[] = [];

  const wave = async (
    name: string,
    opensAt: string,
    closesAt: string,
    mode: 'frame' | 'open' = 'frame',
    areas = ['E08000009', 'E08000003', 'E06000001'],
  ) => {
    const w = (
      await apiPost(app, analyst, '/api/v1/surveys/waves', {
        survey: 'council-perception',
        version: 1,
        name,
        mode,
        opensAt,
        closesAt,
      })
    ).json();
    if (mode === 'open') return { wave: w, links: [] };
    await apiPost(app, analyst, `/api/v1/surveys/waves/${w.id}/frame`, {
      members: areas.map((area) => ({ area, role: 'Chief Executive' })),
    });
    return { wave: w, links: linksOf((await apiPost(app, analyst, `/api/v1/surveys/waves/${w.id}/links`, {})).body) };
  };
  const get = (url: string, cookie?: string) =>
    app.inject({ url, headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } });
  const history = async (path: string) => {
    const token = path.split('/')[3]!;
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(token).digest('hex');
    return db.kysely
      .selectFrom('survey_response_history as h')
      .innerJoin('survey_responses as s', 's.id', 'h.response_id')
      .innerJoin('survey_respondents as r', 'r.id', 's.respondent_id')
      .select(['h.revision', 'h.event', 'h.page', 'h.posted', 'h.answers', 'h.note'])
      .where('r.token_hash', '=', hash)
      .orderBy('h.id')
      .execute();
  };

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    await servicesFor(db).accounts.addUser({
      email: 'analyst@surveys.example',
      name: 'Analyst',
      role: 'analyst',
      password: 'correct horse battery staple',
    });
    app = await createTestApp(db);
    analyst = await signIn(app, 'analyst@surveys.example', 'correct horse battery staple');
    await apiPost(app, analyst, '/api/v1/surveys/definitions', PERCEPTION_V1);
    links = (await wave('Main', isoIn(-1), isoIn(30))).links;
    other = (await wave('Other', isoIn(-1), isoIn(30))).links;
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it("a link opens the start page; unknown, malformed and other waves' tokens all get the same 404", async () => {
    const ok = await get(links[0]!.path);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Council perception survey');
    expect(ok.headers['referrer-policy']).toBe('no-referrer');
    expect(ok.headers['cache-control']).toBe('no-store');
    const unknown = await get(`/s/${links[0]!.key}/${'A'.repeat(43)}`);
    const malformed = await get(`/s/${links[0]!.key}/short`);
    const foreign = await get(`/s/${links[0]!.key}/${other[0]!.token}`);
    const wrongKey = await get(`/s/nokey/${links[0]!.token}`);
    for (const r of [unknown, malformed, foreign, wrongKey]) {
      expect(r.statusCode).toBe(404);
      expect(r.body).toContain('We do not recognise this survey link');
    }
    // The answer to a foreign token is byte-for-byte the one for a random token (no oracle), apart from the request id.
    const strip = (s: string) => s.replace(/[\w-]{20,}/g, '');
    expect(strip(foreign.body)).toBe(strip(unknown.body));
    // Replayed on another wave's address, a POST saves nothing either.
    const replay = await formPost(app, `/s/${other[0]!.key}/${links[1]!.token}/q/Q1`, { answer: '1', revision: 0 });
    expect(replay.statusCode).toBe(404);
    expect(await history(links[1]!.path)).toHaveLength(0);
  });

  it('a wave not yet open says when it opens (403); after closing, 410, and a late post is kept in the history, not applied', async () => {
    const soon = await wave('Soon', isoIn(2), isoIn(30), 'frame', ['E08000009']);
    const r = await get(soon.links[0]!.path);
    expect(r.statusCode).toBe(403);
    expect(r.body).toContain('This survey is not open yet');
    const closing = await wave('Closing', isoIn(-1), new Date(Date.now() + 2500).toISOString(), 'frame', ['E08000009']);
    const path = closing.links[0]!.path;
    expect((await formPost(app, `${path}/q/Q1`, { answer: '1', revision: 0 })).statusCode).toBe(303);
    await new Promise((res) => setTimeout(res, 3000));
    const closed = await get(path);
    expect(closed.statusCode).toBe(410);
    expect(closed.body).toContain('This survey has closed');
    const late = await formPost(app, `${path}/q/Q1`, { answer: '3', revision: 1 });
    expect(late.statusCode).toBe(410);
    const h = await history(path);
    expect(h.map((x) => x.event)).toEqual(['save', 'late']);
    expect(JSON.parse(h[1]!.answers)).toEqual({ Q1: '1' });
    expect(h[1]!.posted).toBe('"3"');
  });

  it('one question per page: errors, exclusive "none", routing and piping, a grid one row per page, check, submit, resume', async () => {
    const path = links[0]!.path;
    const q1 = await get(`${path}/q/Q1`);
    expect(q1.body).toContain('govuk-back-link');
    expect(revisionOf(q1.body)).toBe(0);
    const empty = await formPost(app, `${path}/q/Q1`, { revision: 0 });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('govuk-error-summary');
    expect(empty.body).toContain('href="#answer"');
    let r = await formPost(app, `${path}/q/Q1`, { answer: '2', revision: 0 });
    expect(r.headers.location).toBe(`${path}/q/Q2`);
    // Resume: the start page offers to continue where they left off.
    expect((await get(path)).body).toContain('Continue where you left off');
    const q2 = await get(`${path}/q/Q2`);
    expect(q2.body).toContain('data-behaviour="exclusive"');
    const both = await formPost(app, `${path}/q/Q2`, { answer: ['peer', 'none'], revision: 1 });
    expect(both.statusCode).toBe(400);
    expect(both.body).toContain('on its own');
    const bogus = await formPost(app, `${path}/q/Q2`, { answer: ['peer', 'bribery'], revision: 1 });
    expect(bogus.statusCode).toBe(400);
    r = await formPost(app, `${path}/q/Q2`, { answer: ['mentor', 'peer'], revision: 1 });
    expect(r.headers.location).toBe(`${path}/q/Q3`);
    expect((await get(`${path}/q/Q3`)).body).toContain('What made peer challenge, Mentoring useful?');
    r = await formPost(app, `${path}/q/Q3`, { answer: 'Practical advice', revision: 2 });
    expect(r.headers.location).toBe(`${path}/q/Q4.a`);
    const row = await get(`${path}/q/Q4.a`);
    expect(row.body).toContain('Support is easy to find');
    expect(row.body).toContain('How far do you agree with each statement?');
    r = await formPost(app, `${path}/q/Q4.a`, { answer: '1', revision: 3 });
    expect(r.headers.location).toBe(`${path}/q/Q4.b`);
    r = await formPost(app, `${path}/q/Q4.b`, { answer: '3', revision: 4 });
    expect(r.headers.location).toBe(`${path}/q/Q5`);
    const big = await formPost(app, `${path}/q/Q5`, { answer: '600', revision: 5 });
    expect(big.body).toContain('Enter a number between 0 and 500');
    r = await formPost(app, `${path}/q/Q5`, { answer: '12', revision: 5 });
    expect(r.headers.location).toBe(`${path}/check`);
    const check = await get(`${path}/check`);
    expect(check.body).toContain('govuk-summary-list');
    expect(check.body).toContain('Support is good value');
    expect(revisionOf(check.body)).toBe(6);
    r = await formPost(app, `${path}/check`, { revision: 6 });
    expect(r.headers.location).toBe(`${path}/done`);
    expect((await get(`${path}/done`)).body).toContain('Answers sent');
    const stored = await db.kysely
      .selectFrom('survey_responses')
      .select(['answers', 'status', 'revision'])
      .where('status', '=', 'submitted')
      .execute();
    expect(stored.map((s) => JSON.parse(s.answers))).toContainEqual({
      Q1: '2',
      Q2: ['peer', 'mentor'],
      Q3: 'Practical advice',
      Q4: { a: '1', b: '3' },
      Q5: 12,
    });
  });

  it('submitting again through the same link replaces the answers and keeps the earlier version in the history', async () => {
    const path = links[0]!.path;
    const r = await formPost(app, `${path}/q/Q1?return=check`, { answer: '1', revision: 7 });
    expect(r.headers.location).toBe(`${path}/check`);
    expect((await formPost(app, `${path}/check`, { revision: 8 })).headers.location).toBe(`${path}/done`);
    const h = await history(path);
    const submits = h.filter((x) => x.event === 'submit');
    expect(submits.map((x) => JSON.parse(x.answers).Q1)).toEqual(['2', '1']);
    const rows = (
      await app.inject({
        url: `/api/v1/surveys/waves/${(await db.kysely.selectFrom('survey_waves').select('id').where('name', '=', 'Main').executeTakeFirstOrThrow()).id}/responses.json`,
        headers: { cookie: analyst.cookie },
      })
    ).json().rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ Q1: '1', revision: 9, Q2_peer: 1, Q2_none: 0, Q4_a: '1' });
  });

  it('routing: answering "none" removes the answer to the question it now skips (kept in the history)', async () => {
    const path = links[0]!.path;
    const r = await formPost(app, `${path}/q/Q2`, { answer: 'none', revision: 9 });
    expect(r.headers.location).toBe(`${path}/q/Q4.a`);
    const h = await history(path);
    const last = h.at(-1)!;
    expect(JSON.parse(last.answers)).not.toHaveProperty('Q3');
    expect(JSON.parse(last.note!)).toEqual({ removed: ['Q3'] });
    expect(JSON.parse(h.at(-2)!.answers).Q3).toBe('Practical advice');
    expect((await get(`${path}/check`)).body).not.toContain('What made');
  });

  it('a stale tab: an older revision is applied when the page did not change since, and otherwise shown back with the current answer; both kept', async () => {
    const path = links[1]!.path;
    await formPost(app, `${path}/q/Q1`, { answer: '1', revision: 0 });
    const tabA = revisionOf((await get(`${path}/q/Q1`)).body); // 1
    const tabAQ5 = revisionOf((await get(`${path}/q/Q5`)).body); // 1
    // tab B → revision 2
    expect((await formPost(app, `${path}/q/Q1`, { answer: '2', revision: tabA })).statusCode).toBe(303);
    const conflict = await formPost(app, `${path}/q/Q1`, { answer: '3', revision: tabA });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.body).toContain('changed in another tab or window');
    expect(conflict.body).toContain('Fairly well informed');
    expect(conflict.body).toContain('Not well informed');
    expect(revisionOf(conflict.body)).toBe(2);
    expect(conflict.body).toMatch(/value="2" checked/);
    const applied = await formPost(app, `${path}/q/Q5`, { answer: '7', revision: tabAQ5 });
    expect(applied.statusCode).toBe(303);
    const h = await history(path);
    expect(h.map((x) => x.event)).toEqual(['save', 'save', 'stale-conflict', 'stale-applied']);
    expect(h[2]!.posted).toBe('"3"');
    expect(JSON.parse(h[3]!.answers)).toEqual({ Q1: '2', Q5: 7 });
    // The check page from an older revision does not submit: it is shown again as it now stands.
    const staleSubmit = await formPost(app, `${path}/check`, { revision: 2 });
    expect(staleSubmit.statusCode).toBe(409);
    const missing = await formPost(app, `${path}/check`, { revision: 3 });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Some questions need an answer');
  });

  it('two tabs posting at the same moment from the same revision: both answers are kept, neither lost', async () => {
    const path = links[2]!.path;
    await formPost(app, `${path}/q/Q1`, { answer: '1', revision: 0 });
    const [a, b] = await Promise.all([
      formPost(app, `${path}/q/Q4.a`, { answer: '2', revision: 1 }),
      formPost(app, `${path}/q/Q5`, { answer: '40', revision: 1 }),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([303, 303]);
    const h = await history(path);
    expect(h.map((x) => x.event).sort()).toEqual(['save', 'save', 'stale-applied']);
    expect(JSON.parse(h.at(-1)!.answers)).toEqual({ Q1: '1', Q4: { a: '2' }, Q5: 40 });
  });

  it('an open wave: each start makes a new anonymous respondent with their own resumable address', async () => {
    const open = (await wave('Consultation', isoIn(-1), isoIn(30), 'open')).wave;
    const landing = await get(open.openLink);
    expect(landing.statusCode).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(landing.body)![1]!;
    const cookie = cookiesOf(landing);
    const start = await formPost(app, `${open.openLink}/start`, { _csrf: csrf }, cookie);
    expect(start.statusCode).toBe(303);
    const first = start.headers.location as string;
    expect(first).toMatch(new RegExp(`^${open.openLink}/[\\w-]{43}$`));
    expect((await formPost(app, `${first}/q/Q1`, { answer: '1', revision: 0 })).statusCode).toBe(303);
    const again = await get(open.openLink, `${cookie}; ${cookiesOf(start)}`);
    expect(again.body).toContain(first);
    const second = (await formPost(app, `${open.openLink}/start`, { _csrf: csrf }, cookie)).headers.location;
    expect(second).not.toBe(first);
    expect((await formPost(app, `${open.openLink}/start`, {}, cookie)).statusCode).toBe(403);
    // A frame wave's key is not an open link.
    expect((await get(`/s/${links[0]!.key}`)).statusCode).toBe(404);
    const rates = (
      await app.inject({
        url: `/api/v1/surveys/waves/${open.id}/response-rates.json`,
        headers: { cookie: analyst.cookie },
      })
    ).json();
    expect(rates.overall).toMatchObject({ frame: null, submitted: 0, inProgress: 1, rate: null });
  });
});
