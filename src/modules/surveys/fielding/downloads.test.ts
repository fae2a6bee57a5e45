import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/helpers/app.ts';
import { signIn, type Signed } from '../../../../test/helpers/auth.ts';
import { csvWithMetadata, records } from '../../../../test/helpers/csvw.ts';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { apiPost, formPost, isoIn, PERCEPTION_V1 } from '../../../../test/helpers/surveys.ts';
import type { App } from '../../../platform/app-types.ts';
import { servicesFor } from '../../../app/services.ts';

const EVIL = '=HYPERLINK("http://evil.example","Click")';

describe('survey downloads: CSVW metadata and formula neutralisation', () => {
  let db: TestDb;
  let app: App;
  let analyst: Signed;
  let admin: Signed;
  let waveId = 0;
  let linksCsv: { header: string[]; rows: string[][]; meta: { url: string; tableSchema: { columns: unknown[] } } };

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const accounts = servicesFor(db).accounts;
    for (const role of ['analyst', 'admin'] as const)
      await accounts.addUser({
        email: `${role}@downloads.example`,
        name: `Test ${role}`,
        role,
        password: 'correct horse battery staple',
      });
    app = await createTestApp(db);
    analyst = await signIn(app, 'analyst@downloads.example', 'correct horse battery staple');
    admin = await signIn(app, 'admin@downloads.example', 'correct horse battery staple');
    expect((await apiPost(app, analyst, '/api/v1/surveys/definitions', PERCEPTION_V1)).statusCode).toBe(201);
    const w = await apiPost(app, analyst, '/api/v1/surveys/waves', {
      survey: 'council-perception',
      version: 1,
      name: 'Formulas',
      mode: 'frame',
      opensAt: isoIn(-1),
      closesAt: isoIn(30),
    });
    waveId = w.json().id;
    await apiPost(app, analyst, `/api/v1/surveys/waves/${waveId}/frame`, {
      members: [
        { area: 'E08000009', role: 'Chief Executive', contact: EVIL },
        { area: 'E08000003', role: '+Leader', contact: '@Jo Bloggs' },
      ],
    });
    linksCsv = await csvWithMetadata(
      app,
      {
        url: `/api/v1/surveys/waves/${waveId}/links`,
        method: 'POST',
        headers: { cookie: analyst.cookie, 'x-csrf-token': analyst.csrf, 'content-type': 'application/json' },
        payload: {},
      },
      { cookie: analyst.cookie },
    );
    const links = records(linksCsv.header, linksCsv.rows);
    const answer = (path: string, page: string, fields: Record<string, string | string[]>, revision: number) =>
      formPost(app, `${path}/q/${page}`, { ...fields, revision });
    for (const [i, [area, text]] of [
      ['E08000009', EVIL],
      ['E08000003', '@SUM(1+1)'],
    ].entries()) {
      const path = new URL(links.find((l) => l.area_code === area)!.link!).pathname;
      await answer(path, 'Q1', { answer: String(i + 1) }, 0);
      await answer(path, 'Q2', { answer: 'peer' }, 1);
      await answer(path, 'Q3', { answer: text! }, 2);
      await answer(path, 'Q4.a', { answer: '1' }, 3);
      await answer(path, 'Q4.b', { answer: '2' }, 4);
      await answer(path, 'Q5', { answer: String(10 * (i + 1)) }, 5);
      expect((await formPost(app, `${path}/check`, { revision: 6 })).statusCode).toBe(303);
    }
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('the links CSV neutralises frame contacts and roles, and names its metadata at …/links-metadata.json', () => {
    const links = records(linksCsv.header, linksCsv.rows);
    expect(Object.fromEntries(links.map((l) => [l.area_code, [l.role, l.contact_name]]))).toEqual({
      E08000009: ['Chief Executive', `'${EVIL}`],
      E08000003: ["'+Leader", "'@Jo Bloggs"],
    });
    expect(linksCsv.meta.url).toMatch(new RegExp(`/api/v1/surveys/waves/${waveId}/links$`));
  });

  it("responses.csv neutralises respondents' free text; numbers stay numbers; its metadata describes every question", async () => {
    const { header, rows, meta } = await csvWithMetadata(app, `/api/v1/surveys/waves/${waveId}/responses.csv`, {
      cookie: analyst.cookie,
    });
    const json = (
      await app.inject({ url: `/api/v1/surveys/waves/${waveId}/responses.json`, headers: { cookie: analyst.cookie } })
    ).json();
    expect(header).toEqual(json.columns);
    const byArea = Object.fromEntries(records(header, rows).map((r) => [r.respondent_id!.split('/')[0], r]));
    expect(byArea.E08000009).toMatchObject({ Q3: `'${EVIL}`, Q1: '1', Q5: '10', Q2_peer: '1' });
    expect(byArea.E08000003).toMatchObject({ Q3: "'@SUM(1+1)", Q1: '2', Q5: '20', role: "'+Leader" });
    const col = (name: string) => meta.tableSchema.columns.find((c) => c.name === name)!;
    expect(col('Q1')).toMatchObject({ datatype: 'decimal', titles: 'Q1' });
    expect(col('Q2_peer')).toMatchObject({ datatype: 'integer', titles: 'Q2: Peer challenge' });
    expect(col('Q3')).toMatchObject({ datatype: 'string' });
    expect(col('Q4_a')).toMatchObject({ titles: 'Q4: Support is easy to find' });
    expect(col('submitted_at')).toMatchObject({ datatype: 'dateTime' });
    expect(meta['dc:rights'][0]).toMatch(/^Confidential/);
    // Raw responses stay for analysts only, metadata included.
    const asAdmin = await app.inject({
      url: `/api/v1/surveys/waves/${waveId}/responses.csv-metadata.json`,
      headers: { cookie: admin.cookie },
    });
    expect(asAdmin.statusCode).toBe(403);
    expect((await app.inject(`/api/v1/surveys/waves/${waveId}/links-metadata.json`)).statusCode).toBe(401);
  });

  it('the wave page links the metadata of the links, response rates and responses CSVs, each answering', async () => {
    const page = await app.inject({
      url: `/surveys/council-perception/waves/${waveId}`,
      headers: { cookie: analyst.cookie },
    });
    expect(page.statusCode).toBe(200);
    const hrefs = [...page.body.matchAll(/href="([^"]+-metadata\.json)"/g)].map((m) => m[1]!);
    expect(hrefs.sort()).toEqual(
      ['links', 'response-rates.csv', 'responses.csv'].map((f) => `/api/v1/surveys/waves/${waveId}/${f}-metadata.json`),
    );
    for (const h of hrefs)
      expect((await app.inject({ url: h, headers: { cookie: analyst.cookie } })).statusCode, h).toBe(200);
  });

  it('the response rates and tables CSVs link metadata listing their columns', async () => {
    const rates = await csvWithMetadata(app, `/api/v1/surveys/waves/${waveId}/response-rates.csv`, {
      cookie: admin.cookie,
    });
    expect(rates.header[0]).toBe('breakdown');
    const tables = await csvWithMetadata(app, `/api/v1/surveys/tables.csv?waves=${waveId}`, { cookie: analyst.cookie });
    expect(tables.meta['dc:title']).toBe('Council perception survey: tables');
    expect(records(tables.header, tables.rows).some((r) => r.table === 'Q1' && r.count === '1')).toBe(true);
  });
});
