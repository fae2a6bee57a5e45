import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/helpers/app.ts';
import { signIn, type Signed } from '../../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { apiPost, isoIn, linksOf, PERCEPTION_V1, surveysFor } from '../../../../test/helpers/surveys.ts';
import type { App } from '../../../platform/app-types.ts';
import { servicesFor } from '../../../app/services.ts';

// Five North West metropolitan districts, three in Yorkshire, one London borough and one North East unitary.
const NORTH_WEST = ['E08000001', 'E08000002', 'E08000003', 'E08000004', 'E08000009'];
const YORKSHIRE = ['E08000032', 'E08000033', 'E08000034'];
const WESTMINSTER = 'E09000033';
const HARTLEPOOL = 'E06000001';

interface TextsBody {
  answers: { text: string; authorityType: string | null; region: string | null }[];
  minBase: number;
  labelsWithheld: number;
}

describe('surveys: free-text answers are labelled only where enough councils share the label', () => {
  let db: TestDb;
  let app: App;
  let analyst: Signed;

  /** A frame wave of these councils; each in `answers` answers Q3 with its text and submits. */
  async function wave(name: string, frame: string[], answers: Record<string, string>): Promise<number> {
    const w = (
      await apiPost(app, analyst, '/api/v1/surveys/waves', {
        survey: 'council-perception',
        version: 1,
        name,
        mode: 'frame',
        opensAt: isoIn(-1),
        closesAt: isoIn(30),
      })
    ).json();
    const members = frame.map((area) => ({ area, role: 'Chief Executive' }));
    expect((await apiPost(app, analyst, `/api/v1/surveys/waves/${w.id}/frame`, { members })).statusCode).toBe(201);
    const links = linksOf((await apiPost(app, analyst, `/api/v1/surveys/waves/${w.id}/links`, {})).body);
    const { respond } = surveysFor(db);
    for (const [area, text] of Object.entries(answers)) {
      const link = links.find((l) => l.area === area)!;
      let a = await respond.resolve(link.key, link.token);
      for (const [page, value] of [
        ['Q1', '1'],
        ['Q2', ['peer']],
        ['Q3', text],
        ['Q4.a', '1'],
        ['Q4.b', '1'],
        ['Q5', '3'],
      ] as const) {
        const r = await respond.save(a, page, a.revision, value as string | string[]);
        expect(r.kind, `${page}: ${JSON.stringify(r)}`).toBe('saved');
        a = await respond.resolve(link.key, link.token);
      }
      expect((await respond.submit(a, a.revision)).kind).toBe('submitted');
    }
    return w.id as number;
  }

  const texts = async (id: number): Promise<TextsBody> => {
    const r = await app.inject({
      url: `/api/v1/surveys/texts.json?waves=${id}&question=Q3`,
      headers: { accept: 'application/json', cookie: analyst.cookie },
    });
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };
  const byText = (t: TextsBody) => new Map(t.answers.map((a) => [a.text, a]));

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    await servicesFor(db).accounts.addUser({
      email: 'analyst@labels.example',
      name: 'Test analyst',
      role: 'analyst',
      password: 'correct horse battery staple',
    });
    app = await createTestApp(db);
    analyst = await signIn(app, 'analyst@labels.example', 'correct horse battery staple');
    expect((await apiPost(app, analyst, '/api/v1/surveys/definitions', PERCEPTION_V1)).statusCode).toBe(201);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('GET /api/v1/surveys/texts.json withholds "London borough / London" and "Unitary / North East" when one council in the frame has each', async () => {
    const id = await wave('Summer', [...NORTH_WEST, ...YORKSHIRE, WESTMINSTER, HARTLEPOOL], {
      [WESTMINSTER]: 'Answer from Westminster',
      [HARTLEPOOL]: 'Answer from Hartlepool',
      E08000009: 'Answer from Trafford',
      E08000032: 'Answer from Bradford',
    });
    const t = await texts(id);
    const a = byText(t);
    expect(t.minBase).toBe(5);
    for (const text of ['Answer from Westminster', 'Answer from Hartlepool', 'Answer from Bradford']) {
      expect(a.get(text), text).toMatchObject({ authorityType: null, region: null });
    }
    // Five councils share the North West districts' label, and the withheld together are five (1 + 1 + 3).
    expect(a.get('Answer from Trafford')).toMatchObject({ region: 'North West' });
    expect(a.get('Answer from Trafford')!.authorityType).not.toBeNull();
    expect(t.labelsWithheld).toBe(3);
    const page = await app.inject({
      url: `/surveys/texts?waves=${id}&question=Q3`,
      headers: { accept: 'text/html', cookie: analyst.cookie },
    });
    expect(page.body).toContain('The type and region of 3 answers are not shown');
    expect(page.body).not.toMatch(/London|North East|Yorkshire/);
  });

  it('withholds a label the others would give away by elimination: five North West districts and one unitary', async () => {
    const id = await wave('Autumn', [...NORTH_WEST, HARTLEPOOL], {
      [HARTLEPOOL]: 'Unitary answer',
      E08000001: 'District answer',
    });
    const t = await texts(id);
    // Showing the districts' label would leave the one unlabelled answer to Hartlepool.
    for (const a of t.answers) expect(a).toMatchObject({ authorityType: null, region: null });
    expect(t.labelsWithheld).toBe(2);
  });
});
