import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import readExcelFile from 'read-excel-file/node';
import { createTestApp } from '../../../../test/helpers/app.ts';
import { signIn, type Signed } from '../../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { apiPost, formPost, isoIn, linksOf, PERCEPTION_V1, surveysFor } from '../../../../test/helpers/surveys.ts';
import type { App } from '../../../platform/app-types.ts';
import { servicesFor } from '../../../app/services.ts';

const COUNCILS = ['E08000009', 'E08000003', 'E06000001', 'E08000001', 'E08000002', 'E08000004'];

describe('surveys: report tables, series and free-text themes from fielded waves', () => {
  let db: TestDb;
  let app: App;
  const as: Record<'analyst' | 'admin' | 'council', Signed> = {} as never;
  const waves: number[] = [];

  /** Answers every question for each council through the respondents' service, then submits. */
  async function field(
    name: string,
    answers: Array<{ Q1: string; Q2: string[]; Q3?: string; grid: [string, string] }>,
  ) {
    const w = (
      await apiPost(app, as.analyst, '/api/v1/surveys/waves', {
        survey: 'council-perception',
        version: 1,
        name,
        mode: 'frame',
        opensAt: isoIn(-1),
        closesAt: isoIn(30),
      })
    ).json();
    await apiPost(app, as.analyst, `/api/v1/surveys/waves/${w.id}/frame`, {
      members: COUNCILS.map((area) => ({ area, role: 'Chief Executive' })),
    });
    const links = linksOf((await apiPost(app, as.analyst, `/api/v1/surveys/waves/${w.id}/links`, {})).body);
    const { respond } = surveysFor(db);
    for (const [i, ans] of answers.entries()) {
      const link = links.find((l) => l.area === COUNCILS[i])!;
      let a = await respond.resolve(link.key, link.token);
      const pages: Array<[string, string | string[]]> = [
        ['Q1', ans.Q1],
        ['Q2', ans.Q2],
        ...(ans.Q3 ? [['Q3', ans.Q3] as [string, string]] : []),
        ['Q4.a', ans.grid[0]],
        ['Q4.b', ans.grid[1]],
        ['Q5', '12'],
      ];
      for (const [page, value] of pages) {
        const r = await respond.save(a, page, a.revision, value);
        expect(r.kind, `${page}: ${JSON.stringify(r)}`).toBe('saved');
        a = await respond.resolve(link.key, link.token);
      }
      expect((await respond.submit(a, a.revision)).kind).toBe('submitted');
    }
    waves.push(w.id);
  }

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const accounts = servicesFor(db).accounts;
    for (const role of ['analyst', 'admin', 'council'] as const) {
      await accounts.addUser({
        email: `${role}@tables.example`,
        name: `Test ${role}`,
        role,
        password: 'correct horse battery staple',
        ...(role === 'council' ? { council: 'E08000009' } : {}),
      });
    }
    app = await createTestApp(db);
    for (const role of ['analyst', 'admin', 'council'] as const)
      as[role] = await signIn(app, `${role}@tables.example`, 'correct horse battery staple');
    expect((await apiPost(app, as.analyst, '/api/v1/surveys/definitions', PERCEPTION_V1)).statusCode).toBe(201);
    // Spring: two of six "very well informed" (1); autumn: five of the same six, none moving the other way.
    await field('Spring', [
      { Q1: '1', Q2: ['peer'], Q3: 'The peer team listened', grid: ['1', '2'] },
      { Q1: '2', Q2: ['none'], grid: ['2', '2'] },
      { Q1: '3', Q2: ['peer', 'mentor'], Q3: 'Mentoring was practical', grid: ['3', '3'] },
      { Q1: '1', Q2: ['none'], grid: ['1', '1'] },
      { Q1: '2', Q2: ['none'], grid: ['2', '1'] },
      { Q1: '3', Q2: ['none'], grid: ['2', '2'] },
    ]);
    await field('Autumn', [
      { Q1: '1', Q2: ['peer'], Q3: 'Quick and useful', grid: ['1', '1'] },
      { Q1: '1', Q2: ['mentor'], Q3: 'Good mentor', grid: ['1', '2'] },
      { Q1: '2', Q2: ['none'], grid: ['2', '3'] },
      { Q1: '1', Q2: ['none'], grid: ['1', '1'] },
      { Q1: '1', Q2: ['none'], grid: ['1', '1'] },
      { Q1: '1', Q2: ['none'], grid: ['1', '1'] },
    ]);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });
  const get = (url: string, who?: Signed, accept = 'application/json') =>
    app.inject({ url, headers: { accept, ...(who ? { cookie: who.cookie } : {}) } });

  it('GET /api/v1/surveys/tables.json tabulates a wave: routing-aware bases and counts beside small bases', async () => {
    const r = await get(`/api/v1/surveys/tables.json?waves=${waves[0]}`, as.analyst);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['cache-control']).toBe('private, no-store');
    const tab = r.json();
    const q1 = tab.tables.find((t: { code: string }) => t.code === 'Q1');
    expect(q1.bases[0]).toMatchObject({ asked: 6, answered: 6 });
    expect(q1.rows.find((x: { code: string }) => x.code === '1').cells[0]).toMatchObject({
      count: 2,
      display: '33 (2)',
    });
    const q3 = tab.tables.find((t: { code: string }) => t.code === 'Q3');
    expect(q3.bases[0]).toMatchObject({ asked: 2, answered: 2 }); // "none" at Q2 skips Q3
    // Routing in words, piping never left as a code.
    expect(q3.notes).toContain('Asked only of those who did not choose “None of these” at Q2');
    expect(q3.title).toBe('Q3. What made [answer to Q2] useful?');
    for (const t of tab.tables as { title: string; notes: string[] }[]) {
      expect(t.title).not.toMatch(/\{\w+\}/);
      expect(t.notes.join(' ')).not.toMatch(/anyof|notempty|\{Q/);
    }
    expect(
      tab.tables.find((t: { code: string }) => t.code === 'Q4_b').rows.find((x: { code: string }) => x.code === '2')
        .cells[0].count,
    ).toBe(3);
    expect(tab.problemCounts).toEqual({});
  });

  it('compares two waves of the same councils with McNemar (a panel) and follows a series', async () => {
    const r = await get(`/api/v1/surveys/tables.json?waves=${waves.join(',')}&by=wave`, as.analyst);
    expect(r.statusCode, r.body).toBe(200);
    const tab = r.json();
    // in the order they opened
    expect(tab.columns.map((c: { label: string }) => c.label)).toEqual(['All respondents', 'Spring', 'Autumn']);
    const q1 = tab.tables.find((t: { code: string }) => t.code === 'Q1');
    expect(q1.bases.slice(1).map((b: { answered: number }) => b.answered)).toEqual([6, 6]);
    const c = q1.comparisons.find((x: { row: string }) => x.row === '1');
    // The same six councils (respondent = council and role): McNemar on 0 moving down and 3 moving up, exact p = 0.25.
    expect(c).toMatchObject({ test: 'McNemar exact (binomial)', pairs: 6, direction: 'higher', significant: false });
    expect(c.pValue).toBeCloseTo(0.25, 12);
    const s = await get(`/api/v1/surveys/series.json?waves=${waves.join(',')}&question=Q1&answer=1`, as.analyst);
    expect(s.statusCode, s.body).toBe(200);
    expect(s.json().points.map((p: { wave: string; display: string }) => `${p.wave}:${p.display}`)).toEqual([
      'Spring:33 (2)',
      'Autumn:83 (5)',
    ]);
    expect(s.json().points[1].vsFirst.test).toBe('McNemar exact (binomial)');
    const page = await get(`/surveys/series?waves=${waves.join(',')}&question=Q1&answer=1`, as.analyst, 'text/html');
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).toContain('<svg');
    expect(page.body).toContain('No significant difference');
    const tablesPage = await get(`/surveys/tables?waves=${waves.join(',')}&by=wave`, as.analyst, 'text/html');
    expect(tablesPage.body).toContain(`/surveys/series?waves=${waves.join(',')}&amp;question=Q1&amp;answer=1`);

    // Breakdowns of fewer than 5 answering are suppressed: one unitary authority among five metropolitan districts.
    const byType = (await get(`/api/v1/surveys/tables.json?waves=${waves[0]}&by=authority_type`, as.analyst)).json();
    const q1t = byType.tables.find((t: { code: string }) => t.code === 'Q1');
    expect(
      q1t.bases
        .slice(1)
        .map((b: { answered: number; suppressed: boolean }) => `${b.answered}:${b.suppressed}`)
        .sort(),
    ).toEqual(['1:true', '5:false']);
    const hidden = q1t.bases.findIndex((b: { suppressed: boolean }) => b.suppressed);
    expect(
      q1t.rows.every(
        (r: { cells: Array<{ display: string; count: number | null }> }) =>
          r.cells[hidden]!.display === '[c]' && r.cells[hidden]!.count === null,
      ),
    ).toBe(true);
    expect(q1t.comparisons).toEqual([]);
  });

  it('serves CSV, XLSX and the page with a chart and a table per question', async () => {
    const csv = await get(`/api/v1/surveys/tables.csv?waves=${waves[0]}`, as.admin);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toContain('table,title,row_code');
    const xlsx = await app.inject({
      url: `/api/v1/surveys/tables.xlsx?waves=${waves[0]}`,
      headers: { cookie: as.analyst.cookie },
    });
    expect(xlsx.statusCode).toBe(200);
    const sheets = await readExcelFile(xlsx.rawPayload);
    expect(sheets.map((x) => x.sheet)).toEqual(expect.arrayContaining(['Cover', 'Q1', 'Q4_a']));
    const page = await get(`/surveys/tables?waves=${waves[0]}`, as.analyst, 'text/html');
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).toContain('<svg');
    expect(page.body).toContain('Base: asked');
    expect(page.body).toContain('/surveys/texts?waves=');
  });

  it('free-text answers list type and region only; analysts tag themes and see counts', async () => {
    const r = await get(`/api/v1/surveys/texts.json?waves=${waves[0]}&question=Q3`, as.analyst);
    expect(r.statusCode, r.body).toBe(200);
    const t = r.json();
    expect(t.answers.map((a: { text: string }) => a.text)).toEqual([
      'Mentoring was practical',
      'The peer team listened',
    ]);
    expect(Object.keys(t.answers[0]).sort()).toEqual([
      'authorityType',
      'region',
      'responseId',
      'text',
      'themes',
      'wave',
    ]);
    expect(JSON.stringify(t)).not.toMatch(/E08000009|Trafford|Chief Executive/);
    const tag = await apiPost(app, as.analyst, '/api/v1/surveys/texts/themes', {
      responseId: t.answers[0].responseId,
      question: 'Q3',
      themes: ['Practical help', ' practical help', 'Mentoring'],
    });
    expect(tag.statusCode, tag.body).toBe(200);
    expect(tag.json().themes).toEqual(['practical help', 'mentoring']);
    const form = await formPost(
      app,
      '/surveys/texts/themes',
      {
        _csrf: as.analyst.csrf,
        responseId: t.answers[1].responseId,
        question: 'Q3',
        themes: 'listening, mentoring',
        waves: String(waves[0]),
      },
      as.analyst.cookie,
    );
    expect(form.statusCode, form.body).toBe(303);
    const after = (await get(`/api/v1/surveys/texts.json?waves=${waves[0]}&question=Q3`, as.analyst)).json();
    expect(after.themeCounts).toEqual([
      { theme: 'mentoring', answers: 2 },
      { theme: 'listening', answers: 1 },
      { theme: 'practical help', answers: 1 },
    ]);
    const page = await get(`/surveys/texts?waves=${waves[0]}&question=Q3`, as.analyst, 'text/html');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Not yet tagged');
  });

  it('access: tables for analysts and administrators; free text for analysts only; visitors sent to sign in', async () => {
    for (const url of [
      `/api/v1/surveys/tables.json?waves=${waves[0]}`,
      `/api/v1/surveys/series.json?waves=${waves.join(',')}&question=Q1&answer=1`,
    ]) {
      expect((await get(url)).statusCode).toBe(401);
      expect((await get(url, as.council)).statusCode).toBe(403);
      expect((await get(url, as.admin)).statusCode).toBe(200);
      expect((await get(url, as.analyst)).statusCode).toBe(200);
    }
    const texts = `/api/v1/surveys/texts.json?waves=${waves[0]}&question=Q3`;
    expect((await get(texts)).statusCode).toBe(401);
    expect((await get(texts, as.council)).statusCode).toBe(403);
    expect((await get(texts, as.admin)).statusCode).toBe(403);
    expect(
      (await apiPost(app, as.admin, '/api/v1/surveys/texts/themes', { responseId: 1, question: 'Q3', themes: ['x'] }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/surveys/texts/themes',
          headers: { cookie: as.analyst.cookie },
          payload: { responseId: 1, question: 'Q3', themes: ['x'] },
        })
      ).statusCode,
    ).toBe(403); // no CSRF token
    const page = await get(`/surveys/tables?waves=${waves[0]}`, undefined, 'text/html');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toContain('/sign-in');
    expect((await get(`/surveys/texts?waves=${waves[0]}&question=Q3`, as.admin, 'text/html')).statusCode).toBe(403);
  });

  it('bad requests say what is wrong: unknown wave, one wave compared with itself, a question that is not free text, malformed ids', async () => {
    expect((await get('/api/v1/surveys/tables.json?waves=9999', as.analyst)).statusCode).toBe(404);
    const one = await get(`/api/v1/surveys/tables.json?waves=${waves[0]}&by=wave`, as.analyst);
    expect(one.statusCode).toBe(400);
    expect(one.json().detail).toContain('at least two waves');
    const notText = await get(`/api/v1/surveys/texts.json?waves=${waves[0]}&question=Q1`, as.analyst);
    expect(notText.statusCode).toBe(400);
    expect(notText.json().detail).toContain('"Q1" is not a free-text question');
    expect((await get('/api/v1/surveys/tables.json?waves=1;DROP', as.analyst)).statusCode).toBe(400);
    const unknownAnswer = await get(
      `/api/v1/surveys/series.json?waves=${waves.join(',')}&question=Q1&answer=9`,
      as.analyst,
    );
    expect(unknownAnswer.statusCode).toBe(400);
    const theme = await apiPost(app, as.analyst, '/api/v1/surveys/texts/themes', {
      responseId: 999999,
      question: 'Q3',
      themes: ['x'],
    });
    expect(theme.statusCode).toBe(404);
  });
});
