import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { signIn, signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, testMetric, type FixtureRow } from '../../../test/helpers/fixtures.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import { answerAndSubmit, apiPost, formPost, isoIn, linksOf, PERCEPTION_V1 } from '../../../test/helpers/surveys.ts';
import { servicesFor } from '../../app/services.ts';
import type { App } from '../../platform/app-types.ts';
import { importFiles, runImport } from '../imports/index.ts';

const BASE = '/api/v1/peer-challenge';
const TRAFFORD = 'E08000009';
const MANCHESTER = 'E08000003';
const METRICS = [testMetric('pack.a', { title: 'Pack measure A' }), testMetric('pack.b', { title: 'Pack measure B' })];

/**
 * The position-statement evidence pack, on both dialects: who may generate and read it (route × role), its sections
 * from the real modules (headline against the council's DfE statistical neighbours, early-warning flags, the perception
 * survey), and that it stays frozen when data are published after it. Engagements, peers, figures and survey answers
 * are SYNTHETIC; the councils and the DfE neighbour sets are real.
 */
describe('peer challenge: evidence pack', () => {
  let db: TestDb;
  let app: App;
  let owner: Signed; // council user of Trafford
  let other: Signed; // council user of Manchester
  let analyst: Signed;
  let admin: Signed;
  let manager: Signed;
  let peerUser: Signed; // on Trafford's team
  let engagement: number;
  let councils: string[];

  /** Every current E06, E08 and E09 council gets figures; Trafford is the worst of all and worsens each year. */
  async function publish(version: number, traffordLatest: number) {
    const rows: FixtureRow[] = [];
    councils.forEach((code, i) => {
      for (const year of [2020, 2021, 2022, 2023]) {
        const v = code === TRAFFORD ? (year === 2023 ? traffordLatest : 40 - (year - 2020) * 5) : 50 + (i % 40);
        rows.push(['pack.a', code, year, v], ['pack.b', code, year, v]);
      }
    });
    const r = await runImport(db, {
      adapter: fixtureAdapter(METRICS, rows),
      files: [],
      publish: true,
      now: new Date(Date.UTC(2026, 0, version)),
    });
    if (r.state !== 'published') throw new Error(r.message);
  }

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const dfe = await importFiles(
      db,
      'dfe-statistical-neighbours',
      [sharedFile('similar_councils/dfe_childrens_services_statistical_neighbours_2025.csv')],
      { publish: true },
    );
    if (dfe.state !== 'published') throw new Error(dfe.message);
    councils = (
      await db.kysely
        .selectFrom('areas')
        .select('code')
        .where('type', 'in', ['E06', 'E08', 'E09'])
        .where('valid_to', 'is', null)
        .orderBy('code')
        .execute()
    ).map((r) => r.code);
    await publish(1, 20);
    const s = servicesFor(db);
    await s.sector.loadBasket({
      id: 'sector-key',
      version: 't1',
      name: 'Key measures',
      description: 'test',
      baseline: '2020-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [
        { metric: 'pack.a', why: 'a' },
        { metric: 'pack.b', why: 'b' },
      ],
    });
    await s.earlyWarning.load({
      id: 'sector-early-warning',
      version: '1',
      name: 'Pack rules',
      description: 'fixture',
      rules: [
        {
          id: 'bottom',
          type: 'bottom-quartile',
          statement: 'Bottom quarter of its type on both measures.',
          params: { basket: 'sector-key', k: 2, group: 'same-type' },
        },
      ],
    });
    await s.earlyWarning.screen('sector-early-warning');

    app = await createTestApp(db);
    ({ owner, other, analyst, admin } = await signInEveryRole(db, app));
    const password = 'correct horse battery';
    await s.accounts.addUser({ email: 'pcm@example.org', name: 'A Manager', password, role: 'peer_challenge_manager' });
    await s.accounts.addUser({
      email: 'peer@example.org',
      name: 'A Peer',
      password,
      role: 'council',
      council: 'E08000035',
    });
    manager = await signIn(app, 'pcm@example.org', password);
    peerUser = await signIn(app, 'peer@example.org', password);

    const post = (url: string, body: object) => apiPost(app, manager, `${BASE}${url}`, body);
    engagement = (
      await post('/engagements', { council: TRAFFORD, kind: 'corporate', requestedOn: '2026-01-10' })
    ).json().id;
    const p = await post('/peers', {
      name: 'Lead Chief',
      role: 'chief-executive',
      homeCouncil: 'E06000001',
      userEmail: 'peer@example.org',
    });
    expect(p.statusCode, p.body).toBe(201);
    const t = await post(`/engagements/${engagement}/team`, {
      peerId: p.json().id,
      teamRole: 'lead-officer-peer',
      daysCommitted: 4,
    });
    expect(t.statusCode, t.body).toBe(201);

    // A perception survey wave answered by Trafford's and Manchester's chief executives.
    expect((await apiPost(app, analyst, '/api/v1/surveys/definitions', PERCEPTION_V1)).statusCode).toBe(201);
    const w = (
      await apiPost(app, analyst, '/api/v1/surveys/waves', {
        survey: 'council-perception',
        version: 1,
        name: 'Autumn',
        mode: 'frame',
        opensAt: isoIn(-1),
        closesAt: isoIn(30),
      })
    ).json();
    await apiPost(app, analyst, `/api/v1/surveys/waves/${w.id}/frame`, {
      members: [TRAFFORD, MANCHESTER].map((area) => ({ area, role: 'Chief Executive' })),
    });
    const links = linksOf((await apiPost(app, analyst, `/api/v1/surveys/waves/${w.id}/links`, {})).body);
    for (const [i, link] of links.entries())
      await answerAndSubmit(db, link.path, [
        ['Q1', i === 0 ? '1' : '2'],
        ['Q2', ['none']],
        ['Q4.a', '1'],
        ['Q4.b', '2'],
        ['Q5', '12'],
      ]);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const get = (who: Signed | null, url: string) =>
    app.inject({ url: `${BASE}${url}`, headers: who ? { cookie: who.cookie } : {} });
  const generate = (who: Signed | null) => apiPost(app, who, `${BASE}/engagements/${engagement}/evidence-pack`, {});
  let first: Record<string, unknown> & { id: number };

  it('GET /engagements/:id/evidence-pack.json is 404 before a pack is generated', async () => {
    const r = await get(manager, `/engagements/${engagement}/evidence-pack.json`);
    expect(r.statusCode).toBe(404);
    expect(r.json().detail).toMatch(/No evidence pack has been generated/);
  });

  it('POST /engagements/:id/evidence-pack is for the council, managers and administrators, with CSRF', async () => {
    expect((await generate(null)).statusCode).toBe(401);
    expect((await generate(other)).statusCode).toBe(404); // another council's unpublished engagement is not told
    expect((await generate(analyst)).statusCode).toBe(404);
    expect((await generate(peerUser)).statusCode).toBe(403);
    const noCsrf = await app.inject({
      method: 'POST',
      url: `${BASE}/engagements/${engagement}/evidence-pack`,
      headers: { cookie: owner.cookie },
      payload: {},
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(await db.kysely.selectFrom('peer_evidence_packs').selectAll().execute()).toHaveLength(0);
    const r = await generate(owner);
    expect(r.statusCode, r.body).toBe(201);
    expect((await generate(admin)).statusCode).toBe(201);
    const m = await generate(manager);
    expect(m.statusCode).toBe(201);
    first = (await get(manager, `/engagements/${engagement}/evidence-pack.json`)).json();
    expect(first.id).toBe(m.json().id);
  });

  it('the pack holds the headline against the similar councils, the flags with evidence and the perception survey', () => {
    const p = first as unknown as {
      council: { code: string };
      asAt: string;
      generatedBy: string;
      sections: { key: string; unavailable: string | null; about: string[]; columns: string[]; rows: unknown[][] }[];
      packs: unknown[];
    };
    expect(p.council.code).toBe(TRAFFORD);
    expect(p.asAt).toBe(new Date().toISOString().slice(0, 10));
    expect(p.generatedBy).toBe('A Manager');
    expect(p.packs).toHaveLength(3);
    const [headline, value, flags, survey] = p.sections;
    expect(headline!.unavailable).toBeNull();
    expect(headline!.about[0]).toMatch(/similar councils in .*dfe-statistical-neighbours@2025/);
    expect(headline!.rows.map((r) => [r[1], r[3]])).toEqual([
      ['Pack measure A', 20],
      ['Pack measure B', 20],
    ]);
    expect(value!.unavailable).toMatch(/value-for-money/i);
    expect(flags!.unavailable).toBeNull();
    expect(flags!.rows[0]![0]).toBe('bottom');
    expect(String(flags!.rows[0]![2])).toMatch(/bottom quarter/i);
    expect(survey!.unavailable).toBeNull();
    expect(survey!.about[0]).toMatch(/wave "Autumn".*1 response from Trafford/);
    const q1 = survey!.rows.filter((r) => String(r[0]).startsWith('Q1'));
    expect(q1.length).toBeGreaterThan(0);
    expect(q1.every((r) => r[3] === 2)).toBe(true); // the base: both councils' answers, never Trafford's alone
  });

  it('GET /engagements/:id/evidence-pack.json: managers, administrators, the council and the team; nobody else', async () => {
    const url = `/engagements/${engagement}/evidence-pack.json`;
    for (const who of [manager, admin, owner, peerUser]) expect((await get(who, url)).statusCode).toBe(200);
    expect((await get(null, url)).statusCode).toBe(401);
    expect((await get(other, url)).statusCode).toBe(404);
    expect((await get(analyst, url)).statusCode).toBe(404);
    expect((await get(manager, `${url}?pack=999999`)).statusCode).toBe(404);
    expect((await get(manager, `${url}?nonsense=1`)).statusCode).toBe(400);
  });

  it('the pack stays as it was when data are published after it; a new pack shows the new figures', async () => {
    await publish(2, 75); // Trafford's latest figures recover, and a new screening clears its flag
    await servicesFor(db).earlyWarning.screen('sector-early-warning');
    const again = (await get(manager, `/engagements/${engagement}/evidence-pack.json?pack=${first.id}`)).json();
    expect(again).toEqual(first);
    const r = await generate(owner);
    const fresh = (await get(owner, `/engagements/${engagement}/evidence-pack.json`)).json();
    expect(fresh.id).toBe(r.json().id);
    expect(fresh.sections[0].rows.map((x: unknown[]) => x[3])).toEqual([75, 75]);
    expect(fresh.sections[2].unavailable).toMatch(/no open early-warning flag/);
    expect(fresh.packs).toHaveLength(4);
  });

  it('GET /engagements/:id/evidence-pack.xlsx opens, with the cover, contents, notes and a sheet per section', async () => {
    const url = `/engagements/${engagement}/evidence-pack.xlsx?pack=${first.id}`;
    expect((await get(null, url)).statusCode).toBe(401);
    expect((await get(other, url)).statusCode).toBe(404);
    const r = await get(peerUser, url);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-disposition']).toMatch(/evidence-pack-E08000009-\d+-\d{4}-\d{2}-\d{2}\.xlsx/);
    const sheets = await readXlsxFile(r.rawPayload);
    const sheet = (name: string) => sheets.find((x) => x.sheet === name)!.data;
    expect(sheets.map((x) => x.sheet)).toEqual([
      'Cover',
      'Contents',
      'Notes',
      'Headline report against similar',
      'Early-warning flags',
      'Perception survey',
    ]);
    expect(sheet('Cover').flat().join(' ')).toMatch(/Value for money: not in this pack/);
    const headline = sheet('Headline report against similar');
    expect(headline[0]![0]).toMatch(/as at \d{4}-\d{2}-\d{2}/);
    const rows = headline.filter((row) => row[1] === 'Pack measure A');
    expect(rows[0]![3]).toBe(20); // frozen: the pack's figure, not the one published since
  });

  it('the page shows the pack "as at" its date; the council generates one from it, peers only read', async () => {
    const url = `/peer-challenge/engagements/${engagement}/evidence-pack`;
    expect((await app.inject(url)).statusCode).toBe(303);
    const page = await app.inject({ url: `${url}?pack=${first.id}`, headers: { cookie: peerUser.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/As at \d{4}-\d{2}-\d{2}/);
    expect(page.body).toContain('Early-warning flags');
    expect(page.body).not.toContain('Generate a new evidence pack');
    expect((await app.inject({ url, headers: { cookie: other.cookie } })).statusCode).toBe(404);
    const mine = await app.inject({ url, headers: { cookie: owner.cookie } });
    expect(mine.body).toContain('Generate a new evidence pack');
    const before = (await db.kysely.selectFrom('peer_evidence_packs').select('id').execute()).length;
    const made = await formPost(app, url, { _csrf: owner.csrf }, owner.cookie);
    expect(made.statusCode).toBe(303);
    expect(made.headers.location).toMatch(new RegExp(`${url}\\?pack=\\d+$`));
    expect(await db.kysely.selectFrom('peer_evidence_packs').select('id').execute()).toHaveLength(before + 1);
    expect((await formPost(app, url, { _csrf: peerUser.csrf }, peerUser.cookie)).statusCode).toBe(403);
  });

  it("coverage lists flagged councils that are overdue or have none on record first, with the flags' evidence", async () => {
    type Row = { code: string; status: string; flags: { rule: string; since: string; evidence: string }[] };
    const rowsOf = async (query = '') => (await get(manager, `/coverage.json${query}`)).json().councils as Row[];
    let rows = await rowsOf();
    const flagged = rows.filter((r) => r.flags.length > 0);
    expect(flagged.length).toBeGreaterThan(1);
    // A flagged council given a recent visit (SYNTHETIC history) is not-due, so no longer listed first.
    const recent = flagged[1]!;
    const peer = servicesFor(db).peer;
    expect(
      await peer.importHistory(
        'synthetic.csv',
        `council,kind,requested_on,onsite_start,onsite_end\n${recent.code},corporate,2025-01-06,2025-03-04,2025-03-07\n`,
      ),
    ).toEqual({ engagements: 1 });
    // An unflagged council overdue (a visit over five years ago) comes after every flagged overdue-or-none council.
    const unflagged = rows.find((r) => r.flags.length === 0)!;
    await peer.importHistory(
      'synthetic.csv',
      `council,kind,requested_on,onsite_start,onsite_end\n${unflagged.code},corporate,2018-01-06,2018-03-06,2018-03-09\n`,
    );
    rows = await rowsOf();
    const urgent = (r: Row) => r.flags.length > 0 && (r.status === 'overdue' || r.status === 'none');
    const firstOther = rows.findIndex((r) => !urgent(r));
    expect(firstOther).toBeGreaterThan(0);
    expect(rows.slice(firstOther).some(urgent)).toBe(false);
    expect(rows.find((r) => r.code === recent.code)).toMatchObject({ status: 'not-due' });
    expect(rows.findIndex((r) => r.code === recent.code)).toBeGreaterThan(firstOther);
    // After the urgent ones, overdue before none.
    expect(rows[firstOther]).toMatchObject({ code: unflagged.code, status: 'overdue', flags: [] });
    const top = rows.find((r) => r.code === flagged[0]!.code)!;
    expect(rows.indexOf(top)).toBeLessThan(firstOther);
    expect(top.flags[0]).toMatchObject({ rule: 'bottom', since: expect.stringMatching(/^\d{4}-\d{2}-\d{2}/) });
    expect(top.flags[0]!.evidence).toMatch(
      /bottom quarter of type:E0\d on 2 of the 2 measures compared: Pack measure A/,
    );

    // The flags filter, and the page and CSV carry the same order and evidence.
    const only = await rowsOf('?flagged=true');
    expect(only.map((r) => r.code)).toEqual(rows.filter((r) => r.flags.length > 0).map((r) => r.code));
    expect(only).toHaveLength(flagged.length);
    expect((await rowsOf('?flagged=false')).every((r) => r.flags.length === 0)).toBe(true);
    const page = await app.inject({ url: '/peer-challenge?flagged=true', headers: { cookie: manager.cookie } });
    expect(page.body).toContain('checked');
    const firstRow = /<tbody class="govuk-table__body">\s*<tr class="govuk-table__row">([\s\S]*?)<\/tr>/.exec(
      page.body,
    )![1]!;
    expect(firstRow).toContain(only[0]!.code);
    expect(firstRow).toContain('<strong>bottom</strong>');
    const csv = await get(manager, '/coverage.csv?flagged=true');
    expect(csv.body.split('\n')[1]).toContain(`${only[0]!.code},`);
    expect(csv.body.split('\n')[1]).toMatch(/bottom: .*Pack measure A/);
  });
});
