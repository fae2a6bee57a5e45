/**
 * The budget's analysis and set-up features: weighted figures in the results JSON, the questionnaire's routing on the
 * "about you" page, comment counts and themes per breakdown group, and the rules between choices on the edit pages.
 */
import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { radio, residentPoster } from '../../../test/helpers/budget.ts';
import { signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import { servicesFor } from '../../app/services.ts';
import type { App } from '../../platform/app-types.ts';
import { importFiles } from '../imports/index.ts';
import { MIN_CELL } from './analysis.ts';
import type { Definition } from './model.ts';

/** A questionnaire with routing: hours of care asked only of carers. */
const ROUTED = {
  code: 'budget-routed',
  version: 1,
  title: 'About you, with routing',
  pages: [
    {
      elements: [
        radio('AGE', 'What is your age?', ['1=18 to 64', '2=65 and over']),
        radio('CARER', 'Do you look after someone?', ['1=Yes', '2=No']),
        radio('HOURS', 'How many hours of care a week?', ['1=Under 20', '2=20 or more'], "{CARER} = '1'"),
      ],
    },
  ],
};

/** An item from its code, title, baseline and options ([code, % change, consequence], …). */
const item = (code: string, title: string, baseline: number, options: [string, number, string][]) => ({
  code,
  title,
  baseline,
  levels: options.map(([c, pctChange, consequence]) => ({ code: c, pctChange, consequence })),
});

/** Parks and roads, and council tax: trimming parks closes the gap, as do cutting roads and a tax rise together. */
const twoItems = (): Definition => ({
  council: 'E08000009',
  year: '2024-25',
  title: 'Routed budget',
  gap: { kind: 'one-year', years: [{ year: '2024-25', amount: 500_000 }] },
  statedTotal: null,
  councilTax: { bandD: 1500, taxBase: 10_000, capPct: 4.99, capValidFrom: null },
  sections: [
    {
      kind: 'spending',
      title: 'Spending',
      items: [
        item('parks', 'Parks', 5_000_000, [
          ['trim', -10, 'Mow less often'],
          ['keep', 0, 'As now'],
        ]),
        item('roads', 'Roads', 8_000_000, [
          ['cut', -5, 'Fewer repairs'],
          ['keep', 0, 'As now'],
        ]),
      ],
    },
    {
      kind: 'council-tax',
      title: 'Council tax',
      items: [
        item('tax', 'Council tax', 15_000_000, [
          ['same', 0, 'No rise'],
          ['up', 4, 'Band D up £60'],
        ]),
      ],
    },
  ],
  constraints: [],
});

describe('budget simulator: analysis and set-up', () => {
  let db: TestDb;
  let app: App;
  let analyst: Signed;
  let owner: Signed;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const r = await importFiles(
      db,
      'population',
      [sharedFile('performance/population/ons_mid_year_population_2019_2020_la.csv')],
      {
        publish: true,
      },
    );
    if (r.state !== 'published') throw new Error(r.message);
    app = await createTestApp(db);
    ({ analyst, owner } = await signInEveryRole(db, app));
    await servicesFor(db).accounts.setPermission('owner@example.org', 'consultation', true);
    await servicesFor(db).surveys.surveys.loadDefinition(ROUTED, { name: 'Test' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const poster = (first: Awaited<ReturnType<App['inject']>>) => residentPoster(app, first);

  it('replacing a draft takes the "about you" questions its definition names, keeps them when it names none, and refuses bad ones', async () => {
    const budget = servicesFor(db).budget;
    const draft = await budget.create(
      { ...twoItems(), aboutYou: { survey: 'budget-routed', version: 1, age: 'AGE' } },
      'system',
    );
    const codes = async () => (await budget.get(draft.id, 'system')).aboutYou?.questions.map((q) => q.code) ?? null;
    const asked = await codes();
    expect(asked).toContain('AGE');
    // A file naming other questions: they are the simulator's now (before, they were silently dropped).
    await budget.replace(
      draft.id,
      { ...twoItems(), aboutYou: { survey: 'budget-routed', version: 1, questions: ['AGE', 'CARER'], age: 'AGE' } },
      'system',
    );
    expect(await codes()).toEqual(['AGE', 'CARER']);
    // A definition that names none (the edit pages' own) keeps them.
    await budget.replace(draft.id, twoItems(), 'system');
    expect(await codes()).toEqual(['AGE', 'CARER']);
    // Bad questions are refused where they are, and nothing changes.
    await expect(
      budget.replace(
        draft.id,
        { ...twoItems(), aboutYou: { survey: 'budget-routed', version: 1, questions: ['HOURS', 'CARER'] } },
        'system',
      ),
    ).rejects.toMatchObject({ errors: [{ field: 'aboutYou.questions[0]', value: 'HOURS' }] });
    expect(await codes()).toEqual(['AGE', 'CARER']);
    // null: no "about you" questions.
    await budget.replace(draft.id, { ...twoItems(), aboutYou: null }, 'system');
    expect(await codes()).toBeNull();
  });

  it('routing: a question whose route is not met is not asked, and its answer is dropped and kept as not applicable', async () => {
    const budget = servicesFor(db).budget;
    // Routing may refer only to a question asked before it.
    await expect(
      budget.create(
        { ...twoItems(), aboutYou: { survey: 'budget-routed', version: 1, questions: ['HOURS', 'CARER'] } },
        'system',
      ),
    ).rejects.toMatchObject({
      errors: [
        {
          field: 'aboutYou.questions[0]',
          value: 'HOURS',
          message: "is asked only when {CARER} = '1', which refers to CARER: ask CARER before it",
        },
      ],
    });
    const created = await budget.create(
      { ...twoItems(), status: 'open', aboutYou: { survey: 'budget-routed', version: 1, age: 'AGE' } },
      'system',
    );
    expect(created.aboutYou!.questions.find((q) => q.code === 'HOURS')!.routing).toBe(
      'Asked only of those who answered CARER “Yes”',
    );
    const k = created.openKey;
    const send = poster(await app.inject(`/budget/${k}/section/1`));
    const p = { 'level-parks': 'trim', 'level-roads': 'keep', 'level-tax': 'same' };
    const first = await send(`/budget/${k}/section/2`, { ...p, go: 'next' });
    expect(first.body).toContain('Do you look after someone?');
    expect(first.body).not.toContain('How many hours of care');
    // Without JavaScript: answering "Yes" brings the routed question onto the page, answers kept.
    const shown = /name="shown-about" value="([^"]*)"/.exec(first.body)![1]!;
    expect(shown).toBe('AGE,CARER');
    const again = await send(`/budget/${k}/about`, { ...p, 'about-CARER': '1', 'shown-about': shown, go: 'check' });
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('How many hours of care a week?');
    expect(again.body).toContain('We have added a question');
    const check = await send(`/budget/${k}/about`, {
      ...p,
      'about-CARER': '1',
      'about-HOURS': '2',
      'shown-about': 'AGE,CARER,HOURS',
      go: 'check',
    });
    expect(check.body).toContain('Check your budget');
    expect(check.body).toContain('20 or more');
    const sent = await send(`/budget/${k}/submit`, { ...p, 'about-CARER': '1', 'about-HOURS': '2', consent: 'yes' });
    expect(sent.statusCode, sent.body.slice(0, 300)).toBe(303);
    // A non-carer's posted hours (a tampered or stale form) are dropped: not asked, recorded as not applicable.
    // (A different budget: the same one from the same connection would be kept as a duplicate, not counted.)
    const p2 = { 'level-parks': 'keep', 'level-roads': 'cut', 'level-tax': 'up' };
    const send2 = poster(await app.inject(`/budget/${k}/section/1`));
    const check2 = await send2(`/budget/${k}/about`, {
      ...p2,
      'about-CARER': '2',
      'about-HOURS': '1',
      'shown-about': 'AGE,CARER,HOURS',
      go: 'check',
    });
    expect(check2.body).toContain('Check your budget');
    expect(check2.body).not.toContain('name="about-HOURS"');
    expect(check2.body).not.toContain('How many hours of care');
    const sent2 = await send2(`/budget/${k}/submit`, { ...p2, 'about-CARER': '2', 'about-HOURS': '1', consent: 'yes' });
    expect(sent2.statusCode).toBe(303);
    const a = await budget.analyse(created);
    expect(a.answers).toEqual([
      { CARER: '1', HOURS: '2' },
      { CARER: '2', HOURS: null },
    ]);
    let wide = '';
    for await (const c of await budget.wideCsv(created)) wide += c;
    const [header, ...rows] = wide
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const hours = header!.indexOf('about.HOURS');
    expect(rows.map((r) => r[hours])).toEqual(['2', '-']);
    expect(budget.codebookCsv(created)).toContain('- when not asked: Asked only of those who answered CARER “Yes”');
    const byHours = budget.breakdowns(created, a).find((b) => b.question.code === 'HOURS')!;
    expect(byHours.columns.map((c) => c.label)).toEqual(['Under 20', '20 or more', 'Not answered', 'Not asked']);
  });

  it('results.json carries weighted shares and means beside the unweighted ones, with the effective base', async () => {
    const budget = servicesFor(db).budget;
    const created = await budget.create(
      { ...twoItems(), status: 'open', aboutYou: { survey: 'budget-routed', version: 1, age: 'AGE' } },
      'system',
    );
    const s = await budget.byKey(created.openKey);
    // 12 aged 18 to 64 (3 trim parks), 4 aged 65 and over (all trim parks and raise tax), 1 not saying.
    const people = [
      ...Array.from({ length: 12 }, (_, i) => ({ AGE: '1', parks: i < 3 ? 'trim' : 'keep' })),
      ...Array.from({ length: 4 }, () => ({ AGE: '2', parks: 'trim' })),
      { parks: 'trim' },
    ];
    for (const [i, { parks, ...about }] of people.entries()) {
      const levels: Record<string, string> = { parks, roads: 'cut', tax: parks === 'keep' || i >= 12 ? 'up' : 'same' };
      await budget.submit(s, {
        posted: (c) => levels[c],
        comments: () => undefined,
        consent: true,
        client: `198.51.100.${i}`,
        about,
      });
    }
    const res = await app.inject({
      url: `/api/v1/budget/simulators/${s.id}/results.json`,
      headers: { cookie: analyst.cookie },
    });
    expect(res.statusCode).toBe(200);
    const j = res.json();
    const a = await budget.analyse(s);
    const w = [...a.weighting.weights];
    expect(a.weighting.byAge).toBe(16);
    const sum = w.reduce((x, y) => x + y, 0);
    // The over-65s are a quarter of the 16 answering but fewer of the population: their weight differs from 1.
    expect(w[12]).not.toBeCloseTo(1, 3);
    expect(j.weighting.effectiveBase).toBeCloseTo(sum ** 2 / w.reduce((x, y) => x + y * y, 0), 9);
    expect(j.weighting.notes.join(' ')).toContain('Weighted by age only: no population by sex is loaded');
    expect(j.weighting).toMatchObject({ basis: 'ons', bySex: 0, margins: [] });
    expect(j.weighting.source).toBe('ONS mid-year estimate, mid-2020 (the population import)');
    const trim = j.items[0].levels[0];
    expect(trim.share).toBeCloseTo(8 / 17, 9);
    const trimmed = w.reduce((x, y, r) => x + (people[r]!.parks === 'trim' ? y : 0), 0) / sum;
    expect(trim.weightedShare).toBeCloseTo(trimmed, 9);
    expect(j.items[0].meanChange).toBeCloseTo((-500_000 * 8) / 17, 6);
    expect(j.items[0].weightedMeanChange).toBeCloseTo(-500_000 * trimmed, 6);
    const tax = a.rows.reduce((x, row, r) => x + w[r]! * row.taxChangePct, 0) / sum;
    expect(j.weightedMeanTaxChangePct).toBeCloseTo(tax, 9);
    expect(j.weightedMeanTaxChangePct).not.toBeCloseTo(j.meanTaxChangePct, 3);
    // The dashboard shows the same weighted figures.
    const page = await app.inject({ url: `/budget/simulators/${s.id}`, headers: { cookie: owner.cookie } });
    expect(page.body).toContain(
      `<td class="govuk-table__cell govuk-table__cell--numeric">${Math.round(trimmed * 100)}%</td>`,
    );
    expect(page.body).toMatch(/mean change [^<]+ \(weighted [^<)]+\)/);
    expect(page.body).toContain('Weighted by age only: no population by sex is loaded');
  });
  it('comments by each breakdown group: counts and themes per item, small cells suppressed', async () => {
    const budget = servicesFor(db).budget;
    const created = await budget.create(
      {
        ...twoItems(),
        status: 'open',
        aboutYou: { survey: 'budget-routed', version: 1, questions: ['AGE', 'CARER'], age: 'AGE' },
      },
      'system',
    );
    const s = await budget.byKey(created.openKey);
    // 12 aged 18 to 64 and 11 aged 65 and over, every one commenting on parks and roads.
    for (let i = 0; i < 23; i++) {
      const levels: Record<string, string> = { parks: 'trim', roads: 'keep', tax: 'same' };
      const r = await budget.submit(s, {
        posted: (c) => levels[c],
        comments: (c) => (c === 'parks' || c === 'roads' ? `${c} comment ${i}` : undefined),
        consent: true,
        client: `203.0.113.${i}`,
        about: { AGE: i < 12 ? '1' : '2' },
      });
      // Parks: "keep mowing" on 10 of the younger and all 11 older; roads: "potholes" on 2 of the younger only.
      if (i < 10 || i >= 12) await budget.tagComment(s, r.id, 'parks', 'Keep mowing', 'test');
      if (i < 2) await budget.tagComment(s, r.id, 'roads', 'potholes', 'test');
    }
    const a = await budget.analyse(s);
    const byAge = (await budget.commentBreakdowns(s, a)).find((b) => b.question.code === 'AGE')!;
    expect(byAge.columns.map((c) => [c.label, c.base])).toEqual([
      ['18 to 64', 12],
      ['65 and over', 11],
      ['Not answered', 0],
    ]);
    const parks = byAge.items.find((it) => it.code === 'parks')!;
    expect(parks.comments).toEqual([12, 11, 0]);
    expect(parks.themes).toEqual([{ theme: 'keep mowing', cells: [10, 11, 0] }]);
    const roads = byAge.items.find((it) => it.code === 'roads')!;
    expect(roads.themes.map((t) => t.theme)).toEqual(['potholes']);
    expect(roads.themes[0]!.cells[0]).toBeNull();
    // Nothing under MIN_CELL shown, and no row or column with a single hidden cell (it could be worked out).
    const grid = [roads.comments, ...roads.themes.map((t) => t.cells)];
    for (const row of grid) {
      for (const n of row) expect(n === null || n === 0 || n >= MIN_CELL).toBe(true);
      expect(row.filter((n) => n === null)).not.toHaveLength(1);
    }
    for (let c = 0; c < 3; c++) expect(grid.filter((row) => row[c] === null)).not.toHaveLength(1);
    // The dashboard and the XLSX show them.
    const page = await app.inject({ url: `/budget/simulators/${s.id}?by=AGE`, headers: { cookie: analyst.cookie } });
    expect(page.body).toContain('Comments on Parks, by What is your age?');
    expect(page.body).toContain('Theme: keep mowing');
    const xlsx = await app.inject({
      url: `/api/v1/budget/simulators/${s.id}/results.xlsx`,
      headers: { cookie: analyst.cookie },
    });
    const rows = (await readXlsxFile(xlsx.rawPayload)).find((x) => x.sheet === 'By AGE')!.data;
    expect(rows.find((r) => r[0] === 'Parks' && r[1] === 'Comments with the theme “keep mowing” (number)')).toEqual([
      'Parks',
      'Comments with the theme “keep mowing” (number)',
      10,
      11,
      0,
    ]);
  });
  it('officers add, change and remove rules between choices on the edit pages; contradictory rules are refused, named', async () => {
    const budget = servicesFor(db).budget;
    const s = await budget.create(twoItems(), 'system');
    const form = (url: string, fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url,
        headers: { cookie: owner.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: owner.csrf, ...fields }).toString(),
      });
    const rules = async () => (await budget.get(s.id, 'system')).definition.constraints;
    const edit = await app.inject({ url: `/budget/simulators/${s.id}/edit`, headers: { cookie: owner.cookie } });
    expect(edit.body).toContain(`href="/budget/simulators/${s.id}/rules/new"`);
    const blank = await app.inject({ url: `/budget/simulators/${s.id}/rules/new`, headers: { cookie: owner.cookie } });
    expect(blank.body).toContain('<option value="parks|trim">Parks: Mow less often (trim)</option>');
    // Nothing chosen: each field named.
    const empty = await form(`/budget/simulators/${s.id}/rules/new`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#when"');
    expect(empty.body).toContain('href="#kind"');
    expect(empty.body).toContain('href="#then"');
    // Added: trimming parks requires cutting roads.
    const added = await form(`/budget/simulators/${s.id}/rules/new`, {
      when: 'parks|trim',
      kind: 'requires',
      then: 'roads|cut',
    });
    expect(added.statusCode, added.body.slice(0, 600)).toBe(303);
    expect(await rules()).toEqual([
      { kind: 'requires', item: 'parks', level: 'trim', otherItem: 'roads', otherLevel: 'cut' },
    ]);
    expect(
      (await app.inject({ url: `/budget/simulators/${s.id}/edit`, headers: { cookie: owner.cookie } })).body,
    ).toContain('If a resident chooses Parks: Mow less often (trim), they must also choose Roads: Fewer repairs (cut)');
    // A contradiction through a chain: cutting roads excludes a tax rise, and trimming parks is made to require one.
    expect(
      (await form(`/budget/simulators/${s.id}/rules/new`, { when: 'roads|cut', kind: 'excludes', then: 'tax|up' }))
        .statusCode,
    ).toBe(303);
    const contradiction = await form(`/budget/simulators/${s.id}/rules/new`, {
      when: 'parks|trim',
      kind: 'requires',
      then: 'tax|up',
    });
    expect(contradiction.statusCode).toBe(400);
    expect(contradiction.body).toContain(
      'contradicts the other rules: parks “trim” could never be chosen, as it would need roads “cut” and tax “up”, which another rule excludes together',
    );
    // Rule 1 changed to require what rule 2 excludes: refused, naming rule 2; nothing changed.
    const both = await form(`/budget/simulators/${s.id}/rules/1`, {
      when: 'roads|cut',
      kind: 'requires',
      then: 'tax|up',
    });
    expect(both.statusCode).toBe(400);
    expect(both.body).toContain('Rule 2: contradicts another constraint: roads:cut both requires and excludes tax:up');
    expect((await rules())[0]).toEqual({
      kind: 'requires',
      item: 'parks',
      level: 'trim',
      otherItem: 'roads',
      otherLevel: 'cut',
    });
    // A tampered option is named with its value.
    const tampered = await form(`/budget/simulators/${s.id}/rules/2`, {
      when: 'roads|cut',
      kind: 'excludes',
      then: 'tax|double',
    });
    expect(tampered.statusCode).toBe(400);
    expect(tampered.body).toContain('is not a level of tax (“double”)');
    expect(tampered.body).toContain('href="#then"');
    // Removed.
    expect((await form(`/budget/simulators/${s.id}/rules/1`, { remove: 'yes' })).statusCode).toBe(303);
    expect(await rules()).toEqual([
      { kind: 'excludes', item: 'roads', level: 'cut', otherItem: 'tax', otherLevel: 'up' },
    ]);
    expect(
      (await app.inject({ url: `/budget/simulators/${s.id}/rules/2`, headers: { cookie: owner.cookie } })).statusCode,
    ).toBe(404);
  });
});
