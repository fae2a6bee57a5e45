import { readFile } from 'node:fs/promises';
import readXlsxFile from 'read-excel-file/node';
import writeXlsxFile from 'write-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { residentPoster } from '../../../test/helpers/budget.ts';
import { signIn, signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { runSli } from '../../../test/helpers/cli.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import { servicesFor } from '../../app/services.ts';
import type { App } from '../../platform/app-types.ts';
import { importFiles, runImport } from '../imports/index.ts';
import { fixtureAdapter, testMetric } from '../../../test/helpers/fixtures.ts';
import { parseAbout } from './about.ts';
import { MIN_CELL, protect } from './analysis.ts';
import { definitionFromXlsx, definitionXlsx } from './exchange.ts';
import { computeBudget, flatItems, validateDefinition, type Definition } from './model.ts';
import { PROOF_TTL_MS, solves } from './proof.ts';
import { OPEN_LIMIT, OPEN_LIMIT_UNSOLVED, OPEN_WINDOW_MS } from './protection.ts';
import { ageBandMap } from './weighting.ts';

const BASE = '/api/v1/budget';
const TRAFFORD = 'E08000009';

/** A small synthetic definition: two spending items (one with a statutory floor), income, council tax, a constraint. */
const small = (): Definition => ({
  council: TRAFFORD,
  year: '2024-25',
  title: 'Balance the budget',
  gap: { kind: 'one-year', years: [{ year: '2024-25', amount: 1_000_000 }] },
  statedTotal: 30_000_000,
  councilTax: { bandD: 1500, taxBase: 10_000, capPct: 4.99, capValidFrom: '2024-02-07' },
  sections: [
    {
      kind: 'spending',
      title: 'Spending',
      items: [
        {
          code: 'libraries',
          title: 'Libraries',
          baseline: 10_000_000,
          levels: [
            { code: 'cut-10', pctChange: -10, consequence: 'Close two branch libraries' },
            { code: 'same', pctChange: 0, consequence: 'Keep every library open' },
          ],
        },
        {
          code: 'care',
          title: 'Adult social care',
          baseline: 20_000_000,
          floor: 19_000_000,
          floorReason: 'Care Act 2014 duties',
          levels: [
            { code: 'cut-5', pctChange: -5, consequence: 'Fewer day centres' },
            { code: 'same', pctChange: 0, consequence: 'As now' },
          ],
        },
      ],
    },
    {
      kind: 'council-tax',
      title: 'Council tax',
      items: [
        {
          code: 'council-tax',
          title: 'Council tax',
          baseline: 15_000_000,
          levels: [
            { code: 'same', pctChange: 0, consequence: 'No rise' },
            { code: 'raise-4', pctChange: 4, consequence: 'Band D up £60 a year' },
          ],
        },
      ],
    },
  ],
  constraints: [{ kind: 'requires', item: 'libraries', level: 'cut-10', otherItem: 'care', otherLevel: 'same' }],
});

describe('budget simulator: the rules', () => {
  it('a valid definition has no problems, and the arithmetic closes the gap', () => {
    const d = small();
    expect(validateDefinition(d)).toEqual([]);
    // libraries −10% closes £1m: balanced; care −5% closes another £1m
    expect(computeBudget(d, [0, 1, 0])).toMatchObject({
      closed: 1_000_000,
      target: 1_000_000,
      balanced: true,
      taxChangePct: 0,
    });
    expect(computeBudget(d, [1, 1, 0]).balanced).toBe(false);
    expect(computeBudget(d, [1, 1, 1])).toMatchObject({ closed: 600_000, taxChangePct: 4 });
    // the constraint: cutting libraries needs care kept as it is
    expect(computeBudget(d, [0, 0, 0]).problems[0]!.message).toContain('needs Adult social care');
  });

  it('refuses items not adding to the total, a level below a floor, a cap outside 0–100 and contradictory constraints, saying where', () => {
    const d = small();
    d.statedTotal = 40_000_000;
    d.sections[0]!.items[1]!.levels[0]!.pctChange = -10; // £18m < £19m floor
    d.councilTax.capPct = 120;
    d.constraints.push({ kind: 'excludes', item: 'libraries', level: 'cut-10', otherItem: 'care', otherLevel: 'same' });
    d.constraints.push({
      kind: 'requires',
      item: 'libraries',
      level: 'cut-10',
      otherItem: 'care',
      otherLevel: 'cut-5',
    });
    const errors = validateDefinition(d);
    const by = (f: string) => errors.find((e) => e.field === f)?.message;
    expect(by('statedTotal')).toMatch(/add up to £30,000,000, not the stated total £40,000,000/);
    expect(by('sections[0].items[1].levels[0].pctChange')).toMatch(
      /below its floor of £19,000,000 \(Care Act 2014 duties\)/,
    );
    expect(by('councilTax.capPct')).toBe('must be a percentage from 0 to 100');
    expect(by('constraints[1]')).toMatch(/both requires and excludes/);
    expect(by('constraints[2]')).toMatch(/cannot require two levels of care/);
  });
});

describe('budget simulator: a multi-year gap', () => {
  const plan = (rule: 'each-year' | 'cumulative'): Definition => ({
    ...small(),
    gap: {
      kind: 'multi-year',
      rule,
      years: [
        { year: '2024-25', amount: 1_000_000 },
        { year: '2025-26', amount: 1_500_000 },
        { year: '2026-27', amount: 2_000_000 },
      ],
    },
  });

  it("is balanced by the definition's rule: each year's gap met, or the plan's by its end; never the whole plan in one year", () => {
    // Libraries −10% (£1m a year) and council tax +4% (£0.6m a year): £1.6m a year, recurring.
    const each = computeBudget(plan('each-year'), [0, 1, 1]);
    expect(each.closed).toBeCloseTo(1_600_000);
    expect(each.years.map((y) => [y.year, y.gap, y.met])).toEqual([
      ['2024-25', 1_000_000, true],
      ['2025-26', 1_500_000, true],
      ['2026-27', 2_000_000, false],
    ]);
    expect(each).toMatchObject({ target: 2_000_000, balanced: false, rule: 'each-year' });
    // Cumulative: £4.8m over three years against £4.5m; the years read to date.
    const cum = computeBudget(plan('cumulative'), [0, 1, 1]);
    expect(cum).toMatchObject({ target: 1_500_000, balanced: true, rule: 'cumulative' });
    expect(cum.years.map((y) => [y.gap, Math.round(y.closed), y.met])).toEqual([
      [1_000_000, 1_600_000, true],
      [2_500_000, 3_200_000, true],
      [4_500_000, 4_800_000, true],
    ]);
    // Neither asks for the plan's £4.5m within one year's budget.
    expect(cum.target).toBeLessThan(4_500_000);
    expect(each.target).toBeLessThan(4_500_000);
    // A multi-year gap of one year, a year out of order and an unknown rule are refused, saying where.
    const bad = plan('each-year');
    bad.gap.years[2]!.year = '2029-30';
    bad.gap.rule = 'sometimes' as never;
    const fields = validateDefinition(bad).map((e) => [e.field, e.message]);
    expect(fields).toEqual([
      ['gap.rule', 'must be one of each-year, cumulative'],
      ['gap.years[2].year', 'must be the year after 2025-26'],
    ]);
    expect(
      validateDefinition({
        ...plan('cumulative'),
        gap: { kind: 'multi-year', years: [plan('cumulative').gap.years[0]!] },
      })[0],
    ).toMatchObject({
      field: 'gap.years',
      message: 'a multi-year gap needs two years or more',
    });
  });
});

describe('budget simulator: about you, weighting and suppression rules', () => {
  it("maps age answers onto the population's bands by their numbers; a band across two is a problem", () => {
    const q = (labels: string[]) => ({
      code: 'AGE',
      kind: 'single' as const,
      text: 'Age',
      hint: null,
      choices: labels.map((label, i) => ({ code: String(i + 1), label })),
    });
    const ok = ageBandMap(q(['Under 18', '18 to 24', '55-64', '65 to 74', '75 and over', 'Prefer not to say']));
    expect([...ok.map]).toEqual([
      ['1', '0-17'],
      ['2', '18-64'],
      ['3', '18-64'],
      ['4', '65+'],
      ['5', '65+'],
    ]);
    expect(ok.problems).toEqual([]);
    expect(ageBandMap(q(['16 to 24', '60+'])).problems).toHaveLength(2);
    // An answer not offered, or a text too long, is refused naming the question; blanks are left out.
    const about = { survey: 's', version: 1, title: 't', questions: [q(['18 to 24'])], age: 'AGE', sex: null };
    expect(parseAbout(about, () => '7').errors[0]).toMatchObject({ field: 'about-AGE', value: '7' });
    expect(parseAbout(about, () => ' ').answers).toEqual({});
  });

  it('secondary suppression leaves no row or column with a single hidden cell, preferring non-zero cells', () => {
    const counts = [
      [12, 3, 0, 20],
      [15, 11, 0, 25],
      [30, 14, 0, 2],
    ];
    const hidden = counts.map((r) => r.map((n) => n > 0 && n < MIN_CELL));
    protect(counts, hidden);
    const lines = [...hidden, ...hidden[0]!.map((_, c) => hidden.map((r) => r[c]!))];
    for (const line of lines) expect(line.filter(Boolean).length).not.toBe(1);
    expect(hidden.flat().filter(Boolean).length).toBeGreaterThan(2);
    expect(hidden.every((r) => r[2] === false)).toBe(true); // the zero column is never used to hide
  });
});

describe('budget simulator', () => {
  let db: TestDb;
  let app: App;
  let owner: Signed; // council user of Trafford
  let other: Signed; // council user of Manchester
  let analyst: Signed;
  let id: number;
  let key: string;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    // The real finance files (small ones): spending by service (wide) and council tax.
    for (const [adapter, file] of [
      ['mhclg-service-spend', 'finance/service_net_current_expenditure_wide_2015-16_to_2023-24.csv'],
      ['council-tax', 'finance/ctr_band_d_by_authority_2014-15_to_2023-24.csv'],
      ['population', 'performance/population/ons_mid_year_population_2019_2020_la.csv'],
    ] as const) {
      const r = await importFiles(db, adapter, [sharedFile(file)], { publish: true });
      if (r.state !== 'published') throw new Error(r.message);
    }
    app = await createTestApp(db);
    ({ owner, other, analyst } = await signInEveryRole(db, app));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const post = (who: Signed | null, url: string, payload: object) =>
    app.inject({
      method: 'POST',
      url: `${BASE}${url}`,
      headers: who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {},
      payload,
    });
  const get = (who: Signed | null, url: string) =>
    app.inject({ url: `${BASE}${url}`, headers: who ? { cookie: who.cookie } : {} });
  const poster = (first: Awaited<ReturnType<App['inject']>>) => residentPoster(app, first);

  it("prefills Trafford 2023-24 from the real finance file: each service's net spend with its source line, Band D and tax base", async () => {
    const d = await servicesFor(db).budget.prefill(TRAFFORD, '2023-24');
    const items = flatItems(d);
    const asc = items.find((i) => i.code === 'adult-social-care')!;
    expect(asc.baseline).toBe(92_359_000);
    expect(asc.source).toBe(
      'mhclg-rsx.adult-social-care.net-current-expenditure, E08000009, 2023-24 (£ thousand × 1,000)',
    );
    expect(asc.floor).toBe(Math.round(92_359_000 * 0.9));
    expect(d.statedTotal).toBe(405_471_000);
    expect(d.councilTax.bandD).toBeGreaterThan(1000);
    expect(d.councilTax.taxBase).toBeGreaterThan(50_000);
    expect(d.councilTax.capPct).toBe(4.99); // 2.99% core + 2% social care precept, 2023-24
    expect(items.find((i) => i.kind === 'council-tax')!.source).toContain('mhclg-ctr.band-d.own');
    expect(validateDefinition(d)).toEqual([]);
  });

  it('prefills by sub-service where RA budget lines are loaded (a synthetic fixture), totals left out', async () => {
    const ra = (line: number, title: string) =>
      testMetric(`mhclg-ra.line-${line}.net-current-expenditure`, {
        title: `${title}: budgeted net current expenditure`,
        unit: '£ thousand',
        unitType: 'currency',
        multiplier: 1000,
        polarity: 'not-applicable',
        applicableAreaTypes: ['E06', 'E07', 'E08', 'E09', 'E10'],
      });
    const r = await runImport(db, {
      adapter: fixtureAdapter(
        [
          ra(110, 'Libraries (Cultural and related services)'),
          ra(120, 'Waste collection (Environmental and regulatory services)'),
          ra(130, 'TOTAL CULTURAL AND RELATED SERVICES'),
          ra(190, 'Total service expenditure'),
        ],
        [
          ['mhclg-ra.line-110.net-current-expenditure', 'E08000003', 2023, 4000],
          ['mhclg-ra.line-120.net-current-expenditure', 'E08000003', 2023, 6000],
          ['mhclg-ra.line-130.net-current-expenditure', 'E08000003', 2023, 4000],
          ['mhclg-ra.line-190.net-current-expenditure', 'E08000003', 2023, 10000],
        ],
      ),
      files: [],
      publish: true,
    });
    expect(r.state, r.message).toBe('published');
    const d = await servicesFor(db).budget.prefill('E08000003', '2023-24');
    expect(d.sections[0]!.items.map((i) => [i.code, i.baseline, i.source])).toEqual([
      ['ra-110', 4_000_000, 'mhclg-ra.line-110.net-current-expenditure, E08000003, 2023-24 (£ thousand × 1,000)'],
      ['ra-120', 6_000_000, 'mhclg-ra.line-120.net-current-expenditure, E08000003, 2023-24 (£ thousand × 1,000)'],
    ]);
    expect(d.statedTotal).toBe(10_000_000);
  });

  it('sli budget prefill prints the draft as JSON; an unknown council is refused with the reason', async () => {
    const r = await runSli(db, ['budget', 'prefill', '--area', TRAFFORD, '--year', '2023-24', '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Definition).sections[0]!.items.length).toBeGreaterThan(5);
    await expect(servicesFor(db).budget.prefill('E99999999', '2023-24')).rejects.toMatchObject({
      errors: [{ field: 'area', value: 'E99999999', message: 'is not a council code we know' }],
    });
  });

  it('setting up needs the consultation permission for the own council; analysts may for any', async () => {
    expect((await post(owner, '/simulators', { area: TRAFFORD, year: '2023-24' })).statusCode).toBe(403);
    await servicesFor(db).accounts.setPermission('owner@example.org', 'consultation', true);
    owner = await signIn(app, 'owner@example.org', 'correct horse battery');
    const r = await post(owner, '/simulators', { area: TRAFFORD, year: '2023-24' });
    expect(r.statusCode, r.body).toBe(201);
    id = r.json().id;
    key = r.json().openLink.split('/').pop();
    expect(key).toMatch(/^[\w-]{16}$/);
    expect((await post(owner, '/simulators', { area: 'E08000003', year: '2023-24' })).statusCode).toBe(403);
    expect((await post(analyst, '/simulators', { area: 'E08000003', year: '2023-24' })).statusCode).toBe(201);
    expect((await get(other, `/simulators/${id}.json`)).statusCode).toBe(404);
    const mine = (await get(owner, '/simulators')).json().simulators;
    expect(mine.map((s: { council: string }) => s.council)).toEqual([TRAFFORD]);
  });

  it('the definition goes out and back in as JSON and as XLSX; a bad cell is named by sheet, row and column', async () => {
    const json = (await get(owner, `/simulators/${id}.json`)).json();
    const again = await post(owner, '/simulators/import', json);
    expect(again.statusCode, again.body).toBe(201);
    const x = await get(owner, `/simulators/${id}.xlsx`);
    expect(x.statusCode).toBe(200);
    const { definition } = await definitionFromXlsx('t.xlsx', x.rawPayload);
    const { format: _f, status: _s, ...want } = json;
    expect({ ...definition, sections: definition.sections.map((s) => ({ ...s, intro: null })) }).toEqual({
      ...want,
      sections: want.sections.map((s: object) => ({ ...s, intro: null })),
    });
    // A level below the floor, typed into the Levels sheet.
    const d = small();
    d.sections[0]!.items[1]!.levels[0]!.pctChange = -10;
    const bytes = await definitionXlsx(d);
    const book = await readXlsxFile(bytes);
    const rows = (await definitionFromXlsx('officer.xlsx', bytes)).locate('sections[0].items[1].levels[0].pctChange');
    expect(rows).toBe('officer.xlsx: sheet Levels, row 4, column pct_change');
    const bad = book.map((s) => ({
      sheet: s.sheet,
      data: s.data.map((r, i) => (s.sheet === 'Items' && i === 1 ? r.map((c, j) => (j === 4 ? 'lots' : c)) : r)),
    }));
    const badBytes = await writeXlsxFile(bad as never).toBuffer();
    await expect(definitionFromXlsx('officer.xlsx', badBytes)).rejects.toMatchObject({
      errors: [
        { field: 'officer.xlsx: sheet Items, row 2, column baseline', value: 'lots', message: 'is not a number' },
      ],
    });
  });

  it("clones a simulator into another year as a draft; refresh takes that year's baselines where the data has it", async () => {
    expect((await post(other, `/simulators/${id}/clone`, { year: '2022-23' })).statusCode).toBe(404);
    const orig = (await get(owner, `/simulators/${id}.json`)).json();
    // 2022-23's cap (2.99%) is below an option of the 2023-24 simulator: refused, naming the option.
    const capped = await post(owner, `/simulators/${id}/clone`, { year: '2022-23', refresh: true });
    expect(capped.json().errors).toEqual([
      expect.objectContaining({ field: 'sections[1].items[0].levels[3].pctChange' }),
    ]);
    const r = await post(owner, `/simulators/${id}/clone`, { year: '2021-22', refresh: true });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().refreshed).toBeGreaterThan(0);
    const copy = (await get(owner, `/simulators/${r.json().id}.json`)).json();
    expect(copy).toMatchObject({ year: '2021-22', status: 'draft', constraints: orig.constraints });
    const shape = (d: typeof orig) =>
      d.sections.map((s: { items: { code: string; levels: unknown[] }[] }) => s.items.map((i) => [i.code, i.levels]));
    expect(shape(copy)).toEqual(shape(orig));
    const base = (d: typeof orig) =>
      d.sections.flatMap((s: { items: { baseline: number }[] }) => s.items.map((i) => i.baseline));
    expect(base(copy)).not.toEqual(base(orig));
    // A year the data service does not have: the baselines are kept as they were.
    const later = await post(owner, `/simulators/${id}/clone`, { year: '2031-32', refresh: true });
    expect(later.statusCode, later.body).toBe(201);
    expect(later.json().refreshed).toBe(0);
    expect(base((await get(owner, `/simulators/${later.json().id}.json`)).json())).toEqual(base(orig));
    expect((await post(owner, `/simulators/${id}/clone`, { year: 'next' })).json().errors[0].field).toBe('year');
    const page = await app.inject({ url: `/budget/simulators/${id}`, headers: { cookie: owner.cookie } });
    expect(page.body).toContain(`action="/budget/simulators/${id}/clone"`);
  });

  it('submissions: recomputed here; unbalanced, tampered, replayed and closed refused; honeypot and duplicates kept and flagged', async () => {
    const budget = servicesFor(db).budget;
    const created = await budget.create({ ...small(), status: 'open' }, 'system');
    const s = await budget.byKey(created.openKey);
    const form = (levels: Record<string, string>, comments: Record<string, string> = {}) => ({
      posted: (c: string) => levels[c],
      comments: (c: string) => comments[c],
      consent: true,
      client: '192.0.2.1',
    });
    await expect(budget.submit(s, form({ libraries: 'same' }))).rejects.toMatchObject({ code: 'invalid-budget' });
    await expect(budget.submit(s, form({ libraries: 'cut-50' }))).rejects.toMatchObject({
      code: 'tampered-submission',
      errors: [{ field: 'level-libraries', value: 'cut-50' }],
    });
    const ok = await budget.submit(
      s,
      form({ libraries: 'cut-10' }, { libraries: '=HYPERLINK("x") keep the mobile library' }),
    );
    expect(ok.flag).toBe('ok');
    expect(
      (await budget.submit(s, form({ libraries: 'cut-10' }, { libraries: '=HYPERLINK("x") keep the mobile library' })))
        .flag,
    ).toBe('duplicate');
    expect((await budget.submit(s, { ...form({ libraries: 'cut-10' }), honeypot: 'http://spam' })).flag).toBe(
      'honeypot',
    );
    const [link] = await budget.issueLinks(created.id, 1, 'system');
    const token = new URL(link!, 'http://x').searchParams.get('t')!;
    expect(
      (await budget.submit(s, { ...form({ libraries: 'same', 'council-tax': 'raise-4', care: 'cut-5' }), token })).flag,
    ).toBe('ok');
    await expect(budget.submit(s, { ...form({ libraries: 'cut-10' }), token })).rejects.toMatchObject({
      code: 'link-used',
    });
    await expect(budget.submit(s, { ...form({ libraries: 'cut-10' }), token: 'never-issued' })).rejects.toMatchObject({
      status: 404,
      code: 'unknown-link',
    });
    const dash = await budget.dashboard(s);
    expect(dash.responses).toBe(2);
    expect(dash.flagged).toEqual(
      expect.arrayContaining([
        { flag: 'duplicate', n: 1 },
        { flag: 'honeypot', n: 1 },
      ]),
    );
    expect(dash.meanTaxChangePct).toBe(2);
    expect(dash.items[0]!.levels.map((l) => l.n)).toEqual([1, 1]);
    expect(dash.items[0]!.meanChange).toBe(-500_000);
    expect(dash.items[0]!.comments).toBe(1);
    let csv = '';
    for await (const c of await budget.longCsv(s)) csv += c;
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(
      'response,submitted_at,channel,assisted,flag,section,item,item_title,level,pct_change,change_gbp,closes_gbp,comment,proof',
    );
    // Flagged responses are in the download, named in the flag column.
    expect(lines).toHaveLength(1 + 4 * 3);
    expect(lines.filter((l) => l.includes(',open,false,duplicate,spending,libraries,'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes(',open,false,honeypot,spending,libraries,'))).toHaveLength(1);
    expect(lines[1]).toContain(
      `spending,libraries,Libraries,cut-10,-10,-1000000,1000000,"'=HYPERLINK(""x"") keep the mobile library"`,
    );
    await budget.setStatus(created.id, 'closed', 'system');
    await expect(
      budget.submit(await budget.byKeyFresh(created.openKey), form({ libraries: 'cut-10' })),
    ).rejects.toMatchObject({
      code: 'consultation-closed',
    });
  });

  it('a resident balances the budget on the pages without JavaScript; answers survive a refusal; the officer sees the dashboard', async () => {
    const created = await servicesFor(db).budget.create({ ...small(), status: 'open' }, 'system');
    const k = created.openKey;
    const start = await app.inject(`/budget/${k}`);
    expect(start.statusCode).toBe(200);
    expect(start.body).toContain('£1,000,000');
    const first = await app.inject(`/budget/${k}/section/1`);
    expect(first.body).toContain('aria-live="polite"');
    const send = poster(first);
    const p1 = { 'level-libraries': 'cut-10', 'level-care': 'same', 'comment-libraries': 'Keep the mobile library' };
    const second = await send(`/budget/${k}/section/1`, { ...p1, go: 'next' });
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('Your budget balances');
    expect(second.body).toContain('name="comment-libraries" value="Keep the mobile library"');
    const check = await send(`/budget/${k}/section/2`, { ...p1, 'level-council-tax': 'same', go: 'next' });
    expect(check.body).toContain('Check your budget');
    // The page's proof-of-work, for its script; this resident has no JavaScript and sends none.
    expect(check.body).toMatch(/name="proof-challenge" value="[\w.-]+"/);
    expect(check.body).toContain('src="/static/budget-proof.js"');
    // No consent: refused, every answer still in the form.
    const refused = await send(`/budget/${k}/submit`, { ...p1, 'level-council-tax': 'same', go: 'send' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('govuk-error-summary');
    expect(refused.body).toContain('name="level-libraries" value="cut-10"');
    // A level the page never offered: refused, naming the item.
    const tampered = await send(`/budget/${k}/submit`, {
      ...p1,
      'level-libraries': 'cut-90',
      consent: 'yes',
      go: 'send',
    });
    expect(tampered.statusCode).toBe(400);
    expect(tampered.body).toContain('Libraries: that choice is not one this consultation offers');
    const sent = await send(`/budget/${k}/submit`, { ...p1, 'level-council-tax': 'same', consent: 'yes', go: 'send' });
    expect(sent.statusCode, sent.body.slice(0, 300)).toBe(303);
    const done = await app.inject({ url: sent.headers.location as string });
    expect(done.body).toContain('1 budget so far');
    const dash = await app.inject({ url: `/budget/simulators/${created.id}`, headers: { cookie: analyst.cookie } });
    expect(dash.statusCode).toBe(200);
    expect(dash.body).toContain('1 budget counted');
    expect(dash.body).toContain("1 open-link budget came without the page's proof-of-work");
    expect(
      (await app.inject({ url: `/budget/simulators/${created.id}`, headers: { cookie: other.cookie } })).statusCode,
    ).toBe(404);
  });
  it('open links: the rate limit and the duplicate check hold across instances, no address is stored; assisted entry is exempt', async () => {
    // Two instances: each its own memory (salt cache, windows cleared), the same database.
    const [a, b] = [servicesFor(db).budget, servicesFor(db).budget];
    const created = await a.create({ ...small(), status: 'open' }, 'system');
    const s = await a.byKeyFresh(created.openKey);
    const at = (day: number, h: number, m: number, sec = 0) => new Date(Date.UTC(2026, 0, day, h, m, sec));
    const sub = (client: string, comment: string, extra: object = {}) => ({
      posted: (c: string) => ({ libraries: 'cut-10' })[c],
      comments: (c: string) => (c === 'libraries' ? comment : undefined),
      consent: true,
      client,
      userAgent: 'Firefox',
      ...extra,
    });
    // Without a solved proof-of-work (no JavaScript), the stricter limit.
    for (let i = 0; i < OPEN_LIMIT_UNSOLVED; i++)
      expect((await (i % 2 ? a : b).submit(s, sub('198.51.100.7', `idea ${i}`), at(1, 9, 0, i))).flag).toBe('ok');
    await expect(b.submit(s, sub('198.51.100.7', 'one more'), at(1, 9, 5))).rejects.toMatchObject({
      status: 429,
      code: 'too-many-submissions',
    });
    // Another address, and staff entering at an outreach session from the limited one, still pass.
    expect((await a.submit(s, sub('198.51.100.8', 'keep it'), at(1, 9, 6))).flag).toBe('ok');
    expect((await a.submit(s, sub('198.51.100.7', 'assisted', { assisted: true }), at(1, 9, 7))).flag).toBe('ok');
    // The next window: the limited address may send again; the same budget and comment from the same source, sent
    // to the other instance, is kept and flagged; from another browser at that address it is not a duplicate.
    const next = new Date(at(1, 9, 0).getTime() + OPEN_WINDOW_MS);
    expect((await b.submit(s, sub('198.51.100.7', 'after the wait'), next)).flag).toBe('ok');
    expect((await b.submit(s, sub('198.51.100.8', 'keep it'), next)).flag).toBe('duplicate');
    expect((await b.submit(s, sub('198.51.100.8', 'keep it', { userAgent: 'Safari' }), next)).flag).toBe('ok');
    // After midnight (the day's salt changed) within a day: still a duplicate; more than a day after the last: not.
    expect((await a.submit(s, sub('198.51.100.8', 'keep it'), at(2, 8, 0))).flag).toBe('duplicate');
    expect((await a.submit(s, sub('198.51.100.8', 'keep it'), at(3, 9, 0))).flag).toBe('ok');
    const counts = await db.kysely.selectFrom('budget_open_counts').selectAll().execute();
    expect(Math.min(...counts.map((c) => c.slot))).toBeGreaterThanOrEqual(at(3, 9, 0).getTime() / OPEN_WINDOW_MS - 1);
    const stored = await db.kysely
      .selectFrom('budget_responses')
      .selectAll()
      .where('simulator_id', '=', s.id)
      .execute();
    expect(JSON.stringify([counts, stored])).not.toContain('198.51.100');
    expect(stored.filter((r) => r.assisted === 1)).toHaveLength(1);
    expect((await a.dashboard(s)).flagged).toEqual([{ flag: 'duplicate', n: 2 }]);
  });

  it('open links: a proof-of-work solved on the page passes the normal limit; without one the budget is taken, reported and held to the stricter limit; a replayed solution is refused', async () => {
    const budget = servicesFor(db).budget;
    const created = await budget.create({ ...small(), status: 'open' }, 'system');
    const other = await budget.create({ ...small(), status: 'open' }, 'system');
    const s = await budget.byKeyFresh(created.openKey);
    const solve = (challenge: string) => {
      for (let n = 0; ; n++) if (solves(challenge, String(n))) return String(n);
    };
    const solved = async (id = s.id, when?: Date) => {
      const challenge = await budget.proofChallenge(id, when);
      return { challenge, nonce: solve(challenge) };
    };
    const sub = (client: string, comment: string, proof?: { challenge: string; nonce: string }) => ({
      posted: (c: string) => ({ libraries: 'cut-10' })[c],
      comments: (c: string) => (c === 'libraries' ? comment : undefined),
      consent: true,
      client,
      userAgent: 'Firefox',
      ...(proof ? { proof } : {}),
    });
    // Solved: more than the stricter limit pass (up to OPEN_LIMIT).
    const first = await solved();
    expect((await budget.submit(s, sub('203.0.113.9', 'solved 0', first))).flag).toBe('ok');
    for (let i = 1; i <= OPEN_LIMIT_UNSOLVED; i++)
      expect((await budget.submit(s, sub('203.0.113.9', `solved ${i}`, await solved()))).flag).toBe('ok');
    expect(OPEN_LIMIT).toBeGreaterThan(OPEN_LIMIT_UNSOLVED + 2);
    // The same solution again, with another budget: refused, nothing stored.
    await expect(budget.submit(s, sub('203.0.113.9', 'replayed', first))).rejects.toMatchObject({
      status: 409,
      code: 'proof-replayed',
    });
    // This source has now sent more than the stricter limit: one without a solution is refused, one with passes.
    await expect(budget.submit(s, sub('203.0.113.9', 'no script'))).rejects.toMatchObject({ status: 429 });
    expect((await budget.submit(s, sub('203.0.113.9', 'solved again', await solved()))).flag).toBe('ok');
    // From another source: no solution, a wrong nonce, a forged signature, another simulator's challenge and an
    // expired one are all taken as unsolved (the form works without JavaScript), never refused for it.
    const wrong = await budget.proofChallenge(s.id);
    let bad = 0;
    while (solves(wrong, String(bad))) bad++;
    const forged = await solved();
    const tries = [
      undefined,
      { challenge: wrong, nonce: String(bad) },
      {
        challenge: `${forged.challenge.slice(0, -2)}${forged.challenge.endsWith('AA') ? 'BB' : 'AA'}`,
        nonce: forged.nonce,
      },
      await solved(other.id),
      await solved(s.id, new Date(Date.now() - PROOF_TTL_MS - 60_000)),
    ];
    for (const [i, p] of tries.entries())
      expect((await budget.submit(s, sub('203.0.113.10', `unsolved ${i}`, p))).flag).toBe('ok');
    const stored = await db.kysely
      .selectFrom('budget_responses')
      .select(['proof'])
      .where('simulator_id', '=', s.id)
      .orderBy('id')
      .execute();
    expect(stored.map((r) => r.proof !== null)).toEqual([...Array(7).fill(true), ...Array(5).fill(false)]);
    expect(stored[0]!.proof).toBe(first.challenge.split('.')[2]);
    const dash = await budget.dashboard(s);
    expect(dash.responses).toBe(12);
    expect(dash.unsolved).toBe(5);
    let csv = '';
    for await (const c of await budget.longCsv(s)) csv += c;
    const lines = csv.trim().split('\n');
    expect(lines.filter((l) => l.endsWith(',solved'))).toHaveLength(7 * 3);
    expect(lines.filter((l) => l.endsWith(',unsolved'))).toHaveLength(5 * 3);
  });

  it('staff enter an assisted budget and tag comment themes; the budget set is published beside residents’ choices', async () => {
    const budget = servicesFor(db).budget;
    const created = await budget.create({ ...small(), status: 'open' }, 'system');
    const k = created.openKey;
    const page = (who: Signed | null, url: string) => app.inject({ url, headers: who ? { cookie: who.cookie } : {} });
    const form = (who: Signed, url: string, fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
      });
    expect((await page(owner, `/budget/simulators/${created.id}/assisted`)).statusCode).toBe(200);
    expect((await page(other, `/budget/simulators/${created.id}/assisted`)).statusCode).toBe(404);
    const started = await form(owner, `/budget/${k}/section/1`, { assisted: 'yes', go: '1' });
    expect(started.body).toContain('name="assisted" value="yes"');
    expect(started.body).toContain('Assisted entry: you are entering a resident’s budget as staff');
    const answers = {
      'level-libraries': 'cut-10',
      'level-care': 'same',
      'level-council-tax': 'same',
      'comment-libraries': 'Keep the mobile library',
      consent: 'yes',
      go: 'send',
      assisted: 'yes',
    };
    // Someone without the consultation permission cannot flag a budget as assisted: refused, answers kept.
    const refused = await form(other, `/budget/${k}/submit`, answers);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('name="comment-libraries" value="Keep the mobile library"');
    const sent = await form(owner, `/budget/${k}/submit`, answers);
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toMatch(new RegExp(`/budget/simulators/${created.id}/assisted\\?sent=\\d+$`));
    const responseId = Number(/sent=(\d+)/.exec(sent.headers.location as string)![1]);

    // Themes: tagged on the comments page by the evaluation module's rule, counted per item on the dashboard.
    const comments = await page(analyst, `/budget/simulators/${created.id}/comments/libraries`);
    expect(comments.body).toContain('Keep the mobile library');
    expect(comments.body).toContain('(assisted)');
    const tag = (themes: string) =>
      form(analyst, `/budget/simulators/${created.id}/comments/libraries/themes`, {
        responseId: String(responseId),
        themes,
      });
    expect((await tag('Mobile  Library, opening hours, mobile library')).statusCode).toBe(303);
    expect((await tag('x'.repeat(61))).statusCode).toBe(400);
    const dash = await page(analyst, `/budget/simulators/${created.id}`);
    expect(dash.body).toContain('(1 entered with staff at outreach sessions)');
    expect(dash.body).toContain('Themes: mobile library (1), opening hours (1); 0 not tagged yet.');
    let csv = '';
    for await (const c of await budget.longCsv(await budget.byKeyFresh(k))) csv += c;
    expect(csv).toContain(`${responseId},`);
    expect(csv).toMatch(/,open,true,ok,spending,libraries,/);

    // The budget the council set: a bad figure is refused naming the item; nothing published until one is entered.
    const you = `/budget/${k}/you-said-we-did`;
    expect((await page(null, you)).statusCode).toBe(404);
    const bad = await form(owner, `/budget/simulators/${created.id}/outcome`, { 'amount-libraries': 'lots' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Libraries: enter the budget set in pounds');
    expect(
      (await form(other, `/budget/simulators/${created.id}/outcome`, { 'amount-libraries': '1' })).statusCode,
    ).toBe(404);
    const set = { 'amount-libraries': '£9,500,000', 'amount-care': '20000000', 'amount-council-tax': '' };
    expect((await form(owner, `/budget/simulators/${created.id}/outcome`, set)).statusCode).toBe(303);
    // One budget so far: too few to publish residents' figures; the set budget is shown.
    const few = await page(null, you);
    expect(few.statusCode).toBe(200);
    expect(few.body).toContain('Fewer than 10 residents');
    expect(few.body).not.toContain('Residents choosing');
    const s = await budget.byKeyFresh(k);
    for (let i = 0; i < 9; i++)
      await budget.submit(s, {
        posted: (c) => (i < 3 ? { care: 'cut-5' } : ({ libraries: 'cut-10' } as Record<string, string>))[c],
        comments: () => undefined,
        consent: true,
        client: `203.0.113.${i}`,
      });
    const shown = (await page(null, you)).body;
    expect(shown).toContain('10 residents sent a balanced budget');
    // 7 of 10 cut libraries by £1m: 70%, mean −£700,000; the council cut £500,000 (−5%); care kept as it was.
    expect(shown).toMatch(/Residents choosing: Close two branch libraries \(−10%\)<\/th><td[^>]*>70%/);
    expect(shown).toContain('−£700,000');
    expect(shown).toContain('−£500,000 (−5%)');
    expect(shown).toContain('Not given');
    expect(shown).not.toContain('mobile library');
  });

  /** A page form posted by a signed-in officer (urlencoded). */
  const form = (who: Signed, url: string, fields: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url,
      headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
    });
  /** A file posted through the upload form (multipart/form-data). */
  const upload = (who: Signed, url: string, filename: string, data: Buffer) => {
    const b = 'sliBoundary42';
    const body = Buffer.concat([
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${who.csrf}\r\n`),
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n`),
      Buffer.from('Content-Type: application/octet-stream\r\n\r\n'),
      data,
      Buffer.from(`\r\n--${b}--\r\n`),
    ]);
    return app.inject({
      method: 'POST',
      url,
      headers: { cookie: who.cookie, 'content-type': `multipart/form-data; boundary=${b}` },
      payload: body,
    });
  };

  it('officers set up from the pre-fill choosing the council by name; upload the XLSX template (errors by sheet, row and column) or JSON', async () => {
    const list = await app.inject({ url: '/budget', headers: { cookie: owner.cookie } });
    expect(list.body).toContain('data-autocomplete="areas"');
    const made = await form(owner, '/budget', { area: 'Trafford', year: '2023-24' });
    expect(made.statusCode, made.body.slice(0, 500)).toBe(303);
    expect(made.headers.location).toMatch(/^\/budget\/simulators\/\d+$/);
    // Last year's cloned from the list into a new year; a year that is not one named.
    const cloned = await form(owner, '/budget/clone', { from: String(id), year: '2024-25' });
    expect(cloned.statusCode, cloned.body.slice(0, 500)).toBe(303);
    const copy = (await get(owner, `${String(cloned.headers.location).replace('/budget', '')}.json`)).json();
    expect(copy).toMatchObject({ year: '2024-25', status: 'draft' });
    const badYear = await form(owner, '/budget/clone', { from: String(id), year: 'next' });
    expect(badYear.statusCode).toBe(400);
    expect(badYear.body).toContain('href="#clone-year"');
    const unknown = await form(owner, '/budget', { area: 'Nowhereshire', year: 'soon' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('No council is called “Nowhereshire”');
    expect(unknown.body).toContain('href="#year"');
    // The XLSX template uploaded: a new draft.
    const sent = await upload(owner, '/budget/upload', 'plan.xlsx', await definitionXlsx(small()));
    expect(sent.statusCode, sent.body.slice(0, 500)).toBe(303);
    const newId = Number(String(sent.headers.location).split('/').pop());
    expect((await get(owner, `/simulators/${newId}.json`)).json()).toMatchObject({
      status: 'draft',
      title: small().title,
    });
    // A level below its floor: the error summary names the sheet, row and column; nothing is stored.
    const bad = small();
    bad.sections[0]!.items[1]!.levels[0]!.pctChange = -10;
    const before = (await get(owner, '/simulators')).json().simulators.length;
    const refused = await upload(owner, '/budget/upload', 'officer.xlsx', await definitionXlsx(bad));
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('officer.xlsx: sheet Levels, row 4, column pct_change: takes Adult social care');
    expect((await get(owner, '/simulators')).json().simulators.length).toBe(before);
    // JSON replaces a draft's definition; another council's file is refused.
    const json = { ...small(), title: 'Replaced from JSON' };
    const replaced = await upload(
      owner,
      `/budget/simulators/${newId}/upload`,
      'd.json',
      Buffer.from(JSON.stringify(json)),
    );
    expect(replaced.statusCode, replaced.body.slice(0, 500)).toBe(303);
    expect((await get(owner, `/simulators/${newId}.json`)).json().title).toBe('Replaced from JSON');
    const elsewhere = await upload(
      owner,
      `/budget/simulators/${newId}/upload`,
      'd.json',
      Buffer.from(JSON.stringify({ ...json, council: 'E08000003' })),
    );
    expect(elsewhere.body).toContain('d.json:council: is not this simulator&#39;s council, E08000009');
  });

  it('officers change a draft item by item; errors name the item and field; an open simulator cannot be changed', async () => {
    const budget = servicesFor(db).budget;
    const s = await budget.create(small(), 'system');
    const page = await app.inject({ url: `/budget/simulators/${s.id}/edit`, headers: { cookie: owner.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`href="/budget/simulators/${s.id}/items/care"`);
    expect(
      (await app.inject({ url: `/budget/simulators/${s.id}/edit`, headers: { cookie: other.cookie } })).statusCode,
    ).toBe(404);
    // The gap becomes a two-year plan balanced over the plan; the year typed wrong is named.
    const header = {
      title: 'Our budget 2024-27',
      year: '2024-25',
      gapKind: 'multi-year',
      gapRule: 'cumulative',
      'year-0': '2024-25',
      'amount-0': '1000000',
      'year-1': '2026-27',
      'amount-1': '£1,500,000',
      statedTotal: '30000000',
      bandD: '1500',
      taxBase: '10000',
      capPct: '4.99',
    };
    const wrong = await form(owner, `/budget/simulators/${s.id}/edit`, header);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('href="#year-1"');
    expect(wrong.body).toContain('Gap, year 2, year: must be the year after 2024-25');
    const saved = await form(owner, `/budget/simulators/${s.id}/edit`, { ...header, 'year-1': '2025-26' });
    expect(saved.statusCode, saved.body.slice(0, 800)).toBe(303);
    expect((await get(owner, `/simulators/${s.id}.json`)).json().gap).toEqual({
      kind: 'multi-year',
      rule: 'cumulative',
      years: [
        { year: '2024-25', amount: 1_000_000 },
        { year: '2025-26', amount: 1_500_000 },
      ],
    });
    // An item: a floor without its reason, an option below the floor, a figure that is not a number.
    const item = {
      title: 'Adult social care',
      baseline: '20000000',
      floor: '19000000',
      floorReason: '',
      'level-0-code': 'cut-10',
      'level-0-pctChange': '-10',
      'level-0-consequence': 'Fewer day centres',
      'level-1-code': 'same',
      'level-1-pctChange': '0',
      'level-1-consequence': 'As now',
    };
    const bad = await form(owner, `/budget/simulators/${s.id}/items/care`, item);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#floorReason"');
    expect(bad.body).toContain('Adult social care, reason for the floor: is required when there is a floor');
    expect(bad.body).toContain('href="#level-0-pctChange"');
    expect(bad.body).toContain(
      'Adult social care, option 1 (cut-10), change (%): takes Adult social care to £18,000,000',
    );
    const nan = await form(owner, `/budget/simulators/${s.id}/items/care`, { ...item, baseline: 'lots' });
    expect(nan.body).toContain('Adult social care, baseline: enter a number');
    // Fixed, with a third option added in a blank row.
    const ok = await form(owner, `/budget/simulators/${s.id}/items/care`, {
      ...item,
      floorReason: 'Care Act 2014 duties',
      'level-0-pctChange': '-5',
      'level-2-code': 'grow-5',
      'level-2-pctChange': '5',
      'level-2-consequence': 'More home care',
      ringFenced: '',
    });
    expect(ok.statusCode, ok.body.slice(0, 800)).toBe(303);
    const care = (await get(owner, `/simulators/${s.id}.json`)).json().sections[0].items[1];
    expect(care.levels.map((l: { code: string }) => l.code)).toEqual(['cut-10', 'same', 'grow-5']);
    expect(care.floorReason).toBe('Care Act 2014 duties');
    // An item added to a section not yet in the simulator; a bad code named in the summary.
    const added = { kind: 'income', code: 'parking', title: 'Parking charges', baseline: '2,000,000' };
    const badCode = await form(owner, `/budget/simulators/${s.id}/items`, { ...added, code: 'Car Parks' });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.body).toContain('href="#new-code"');
    const add = await form(owner, `/budget/simulators/${s.id}/items`, added);
    expect(add.headers.location).toBe(`/budget/simulators/${s.id}/items/parking`);
    const withParking = (await get(owner, `/simulators/${s.id}.json`)).json();
    expect(withParking.sections.map((x: { kind: string }) => x.kind)).toEqual(['spending', 'council-tax', 'income']);
    expect(withParking.sections[2].items[0]).toMatchObject({ code: 'parking', baseline: 2_000_000 });
    // Open: refused, saying why.
    await budget.setStatus(s.id, 'open', 'system');
    const open = await form(owner, `/budget/simulators/${s.id}/edit`, { ...header, 'year-1': '2025-26' });
    expect(open.statusCode).toBe(409);
    expect(open.body).toContain('only a draft can be changed');
  });

  it('preview walks a draft as a resident with nothing stored; the multi-year rule is checked on the server', async () => {
    const budget = servicesFor(db).budget;
    const d: Definition = {
      ...small(),
      gap: {
        kind: 'multi-year',
        rule: 'each-year',
        years: [
          { year: '2024-25', amount: 1_000_000 },
          { year: '2025-26', amount: 1_500_000 },
        ],
      },
    };
    const s = await budget.create(d, 'system');
    expect((await app.inject(`/budget/${s.openKey}`)).statusCode).toBe(404);
    const base = `/budget/simulators/${s.id}/preview`;
    const start = await app.inject({ url: base, headers: { cookie: owner.cookie } });
    expect(start.statusCode).toBe(200);
    expect(start.body).toContain('Preview - nothing you enter is saved');
    expect(start.body).toContain('each year’s gap must be met');
    expect(start.body).toContain(`action="${base}/section/1"`);
    const p1 = { 'level-libraries': 'cut-10', 'level-care': 'same' };
    const next = await form(owner, `${base}/section/1`, { ...p1, go: 'next' });
    expect(next.statusCode).toBe(200);
    expect(next.body).toContain('Preview - nothing you enter is saved');
    expect(next.body).toContain('£500,000 short'); // 2025-26 in the year-by-year table
    // £1m a year meets 2024-25 only: refused on the server, naming the year.
    const short = await form(owner, `${base}/submit`, {
      ...p1,
      'level-council-tax': 'same',
      consent: 'yes',
      go: 'send',
    });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('Your budget does not meet the gap in 2025-26 (£500,000 short)');
    const fine = await form(owner, `${base}/submit`, {
      ...p1,
      'level-care': 'cut-5',
      'level-libraries': 'same',
      'level-council-tax': 'raise-4',
      consent: 'yes',
      go: 'send',
    });
    expect(fine.statusCode, fine.body.slice(0, 500)).toBe(200);
    expect(fine.body).toContain('This budget would be accepted');
    expect((await budget.dashboard(s)).responses).toBe(0);
    // Opened, the same short budget is refused by the submission itself.
    await budget.setStatus(s.id, 'open', 'system');
    await expect(
      budget.submit(await budget.byKeyFresh(s.openKey), {
        posted: (c) => (p1 as Record<string, string>)[`level-${c}`],
        comments: () => undefined,
        consent: true,
        client: '192.0.2.9',
      }),
    ).rejects.toMatchObject({ code: 'invalid-budget', errors: [{ field: 'balance' }] });
  });

  it('about you: asked from a questionnaire, stored, weighted by age to the population held, broken down with small cells suppressed', async () => {
    const services = servicesFor(db);
    const budget = services.budget;
    const about = JSON.parse(await readFile('examples/surveys/resident-about-you.json', 'utf8'));
    await services.surveys.surveys.loadDefinition(about, { name: 'Test' });
    const ref = { survey: 'resident-about-you', version: 1, age: 'AGE', sex: 'SEX' };
    await expect(
      budget.create({ ...small(), aboutYou: { ...ref, questions: ['AGE', 'NOPE'] } }, 'system'),
    ).rejects.toMatchObject({
      errors: [
        { field: 'aboutYou.questions[1]', value: 'NOPE', message: 'is not a question of resident-about-you version 1' },
        { field: 'aboutYou.sex', value: 'SEX', message: 'is not one of the questions asked' },
      ],
    });
    const created = await budget.create({ ...small(), status: 'open', aboutYou: ref }, 'system');
    expect(created.aboutYou!.questions.map((q) => [q.code, q.kind])).toEqual([
      ['AGE', 'single'],
      ['SEX', 'single'],
      ['DISTRICT', 'text'],
    ]);
    // The XLSX template carries the reference too.
    const template = await get(analyst, `/simulators/${created.id}.xlsx`);
    const back = await definitionFromXlsx('t.xlsx', template.rawPayload);
    expect(back.definition.aboutYou).toEqual({ ...ref, questions: ['AGE', 'SEX', 'DISTRICT'] });
    const s = await budget.byKey(created.openKey);
    // 15 aged 25 to 34 (12 cut libraries), 3 aged 65 to 74, 2 not saying their age.
    const people: Record<string, string>[] = [
      ...Array.from({ length: 15 }, (_, i) => ({ AGE: '2', SEX: i % 2 ? '1' : '2', lib: i < 12 ? 'cut-10' : 'same' })),
      ...Array.from({ length: 3 }, () => ({ AGE: '6', SEX: '1', lib: 'cut-10' })),
      { SEX: '9', lib: 'cut-10', DISTRICT: '=cmd|M33' },
      { lib: 'cut-10' },
    ];
    for (const [i, p] of people.entries()) {
      const { lib, ...answers } = p;
      const levels: Record<string, string> = {
        libraries: lib!,
        ...(lib === 'same' ? { 'council-tax': 'raise-4', care: 'cut-5' } : {}),
      };
      await budget.submit(s, {
        posted: (c) => levels[c],
        comments: () => undefined,
        consent: true,
        client: `198.51.100.${i}`,
        about: answers,
      });
    }
    const pop = (await budget.population(s.areaId))!;
    expect(pop.year).toBe('mid-2020');
    const adults = pop.counts.get('18-64')! + pop.counts.get('65+')!;
    const w65 = ((pop.counts.get('65+')! / adults) * 18) / 3; // raked: 18 answering, 3 of them 65+
    const a = await budget.analyse(s);
    expect(a.weighting.byAge).toBe(18);
    expect(a.weighting.notes.join(' ')).toMatch(/ONS mid-year estimate, mid-2020.*Sex is not weighted/);
    let wide = '';
    for await (const c of await budget.wideCsv(s)) wide += c;
    const lines = wide.trim().split('\n');
    const header = lines[0]!.split(',');
    expect(header).toEqual(
      expect.arrayContaining(['weight', 'libraries.level', 'libraries.gbp', 'about.AGE', 'about.DISTRICT']),
    );
    const cellOf = (line: string, col: string) => line.split(',')[header.indexOf(col)];
    const old = lines.filter((l) => cellOf(l, 'about.AGE') === '6');
    expect(old).toHaveLength(3);
    expect(Number(cellOf(old[0]!, 'weight'))).toBeCloseTo(w65, 5);
    expect(lines.find((l) => l.includes('M33'))).toContain("'=cmd|M33");
    const w = [...a.weighting.weights];
    expect(a.weighting.effectiveBase).toBeCloseTo(w.reduce((x, y) => x + y) ** 2 / w.reduce((x, y) => x + y * y, 0), 9);
    // Breakdowns: nothing under MIN_CELL shown, and no row or column with one hidden cell.
    const byAge = budget.breakdowns(s, a).find((b) => b.question.code === 'AGE')!;
    expect(byAge.columns.find((c) => c.label === '25 to 34')!.base).toBe(15);
    expect(byAge.columns.find((c) => c.label === '65 to 74')!.base).toBeNull();
    for (const it of byAge.items)
      for (const l of it.levels)
        for (const c of l.cells) expect(c.n === null || c.n === 0 || c.n >= MIN_CELL).toBe(true);
    expect(budget.breakdowns(s, a).map((b) => b.question.code)).toEqual(['AGE', 'SEX']);
    // The pages: the about-you page before "check your budget"; the dashboard and the downloads for the council.
    const page = await app.inject({ url: `/budget/simulators/${s.id}?by=AGE`, headers: { cookie: analyst.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Effective base');
    expect(page.body).toContain('[c]');
    const codebook = await get(analyst, `/simulators/${s.id}/codebook.csv`);
    expect(codebook.body).toContain('about.AGE,About you: AGE,string');
    expect(codebook.body).toContain('6 = 65 to 74');
    const xlsx = await get(analyst, `/simulators/${s.id}/results.xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const sheets = (await readXlsxFile(xlsx.rawPayload)).map((x) => x.sheet);
    expect(sheets).toEqual(['Cover', 'Contents', 'Notes', 'Results', 'Summary', 'By AGE', 'By SEX', 'Codebook']);
    expect((await get(other, `/simulators/${s.id}/responses-wide.csv`)).statusCode).toBe(404);
    expect((await get(null, `/simulators/${s.id}/results.xlsx`)).statusCode).toBe(404);
  });

  it('a resident is asked about themselves before checking their budget; answers are optional and kept', async () => {
    const created = await servicesFor(db).budget.create(
      { ...small(), status: 'open', aboutYou: { survey: 'resident-about-you', version: 1, questions: ['AGE'] } },
      'system',
    );
    const k = created.openKey;
    const send = poster(await app.inject(`/budget/${k}/section/1`));
    const p = { 'level-libraries': 'cut-10', 'level-care': 'same', 'level-council-tax': 'same' };
    const aboutPage = await send(`/budget/${k}/section/2`, { ...p, go: 'next' });
    expect(aboutPage.body).toContain('About you');
    expect(aboutPage.body).toContain('What is your age? (optional)');
    const bad = await send(`/budget/${k}/about`, { ...p, 'about-AGE': '42', go: 'check' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('that answer is not one of the options');
    const check = await send(`/budget/${k}/about`, { ...p, 'about-AGE': '3', go: 'check' });
    expect(check.body).toContain('Check your budget');
    expect(check.body).toContain('35 to 44');
    expect(check.body).toContain('name="about-AGE" value="3"');
    const sent = await send(`/budget/${k}/submit`, { ...p, 'about-AGE': '3', consent: 'yes', go: 'send' });
    expect(sent.statusCode, sent.body.slice(0, 300)).toBe(303);
    const a = await servicesFor(db).budget.analyse(created);
    expect(a.answers).toEqual([{ AGE: '3' }]);
  });
});
