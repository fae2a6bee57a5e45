/**
 * The population for weighting an officer enters for a simulator (issue 19: weighting by age and sex): stored, kept
 * in the JSON and XLSX exchange and in a clone, validated with each problem named by its row and field, entered on
 * its page without JavaScript, and the responses raked to both margins. Every population figure here is SYNTHETIC
 * (made up for the test; no public file gives a population by age and sex for these bands).
 */
import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { radio } from '../../../test/helpers/budget.ts';
import { signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { servicesFor } from '../../app/services.ts';
import type { App } from '../../platform/app-types.ts';
import { definitionFromJson, definitionFromXlsx, definitionJson, definitionXlsx } from './exchange.ts';
import type { Definition } from './model.ts';
import type { PopulationDef } from './population.ts';

const ABOUT = {
  code: 'budget-age-sex',
  version: 1,
  title: 'About you: age and sex',
  pages: [
    {
      elements: [
        radio('AGE', 'What is your age?', ['1=18 to 34', '2=35 to 64', '3=65 and over', '9=Prefer not to say']),
        radio('SEX', 'What is your sex?', ['F=Female', 'M=Male', '9=Prefer not to say']),
      ],
    },
  ],
};

/** SYNTHETIC: an age × sex table of counts (total 100,000: women 52%, men 48%; ages 30%, 50%, 20%). */
const TABLE: PopulationDef = {
  source: 'SYNTHETIC test figures (not ONS)',
  date: '2023-06-30',
  measure: 'count',
  rows: [
    { age: '1', sex: 'F', value: 15_000 },
    { age: '1', sex: 'M', value: 15_000 },
    { age: '2', sex: 'F', value: 25_000 },
    { age: '2', sex: 'M', value: 25_000 },
    { age: '3', sex: 'F', value: 12_000 },
    { age: '3', sex: 'M', value: 8_000 },
  ],
};

const definition = (population: PopulationDef | null = TABLE): Definition => ({
  council: 'E08000009',
  year: '2024-25',
  title: 'Weighted budget 2024-25',
  status: 'open',
  gap: { kind: 'one-year', years: [{ year: '2024-25', amount: 0 }] },
  statedTotal: null,
  councilTax: { bandD: 1500, taxBase: 10_000, capPct: 4.99, capValidFrom: null },
  sections: [
    {
      kind: 'spending',
      title: 'Spending',
      items: [
        {
          code: 'parks',
          title: 'Parks',
          baseline: 5_000_000,
          levels: [
            { code: 'trim', pctChange: -10, consequence: 'Mow less often' },
            { code: 'keep', pctChange: 0, consequence: 'As now' },
          ],
        },
      ],
    },
  ],
  constraints: [],
  aboutYou: { survey: 'budget-age-sex', version: 1, age: 'AGE', sex: 'SEX' },
  population,
});

describe('budget simulator: population for weighting by age and sex', () => {
  let db: TestDb;
  let app: App;
  let analyst: Signed;
  let owner: Signed;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    app = await createTestApp(db);
    ({ analyst, owner } = await signInEveryRole(db, app));
    await servicesFor(db).accounts.setPermission('owner@example.org', 'consultation', true);
    await servicesFor(db).surveys.surveys.loadDefinition(ABOUT, { name: 'Test' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('rakes responses skewed by sex to both margins of an entered age × sex table; the outputs name the margins and their source', async () => {
    const budget = servicesFor(db).budget;
    const s = await budget.create(definition(), 'system');
    expect(s.definition.population).toEqual(TABLE);
    // 40 women and 10 men (the population is 52% women), ages skewed old; 3 giving no sex or "prefer not to say".
    const people: { AGE?: string; SEX?: string; parks: string }[] = [];
    for (let i = 0; i < 40; i++)
      people.push({ AGE: ['1', '2', '3', '3'][i % 4], SEX: 'F', parks: i < 30 ? 'trim' : 'keep' });
    for (let i = 0; i < 10; i++) people.push({ AGE: ['1', '2'][i % 2], SEX: 'M', parks: 'keep' });
    people.push({ AGE: '1', parks: 'trim' }, { AGE: '2', SEX: '9', parks: 'trim' }, { SEX: 'M', parks: 'keep' });
    for (const [i, { parks, ...about }] of people.entries())
      await budget.submit(s, {
        posted: (c) => (c === 'parks' ? parks : undefined),
        comments: () => undefined,
        consent: true,
        client: `198.51.100.${i}`,
        about,
      });
    const a = await budget.analyse(s);
    const w = [...a.weighting.weights];
    expect(a.weighting.basis).toBe('entered');
    expect(a.weighting.byAge).toBe(50);
    expect(a.weighting.bySex).toBe(50);
    // The three with no usable age or sex keep weight 1.
    expect(w.slice(50)).toEqual([1, 1, 1]);
    const share = (pick: (p: (typeof people)[number]) => boolean) =>
      w.slice(0, 50).reduce((x, y, r) => x + (pick(people[r]!) ? y : 0), 0) / 50;
    expect(share((p) => p.SEX === 'F')).toBeCloseTo(0.52, 4);
    expect(share((p) => p.SEX === 'M')).toBeCloseTo(0.48, 4);
    expect(share((p) => p.AGE === '1')).toBeCloseTo(0.3, 4);
    expect(share((p) => p.AGE === '2')).toBeCloseTo(0.5, 4);
    expect(share((p) => p.AGE === '3')).toBeCloseTo(0.2, 4);
    // Men are under-represented: each man weighs more than each woman of the same age.
    expect(w[40]).toBeGreaterThan(w[0]!);
    const sum = w.reduce((x, y) => x + y, 0);
    expect(a.weighting.effectiveBase).toBeCloseTo(sum ** 2 / w.reduce((x, y) => x + y * y, 0), 9);
    const notes = a.weighting.notes.join(' ');
    expect(notes).toContain('Weighted by age and sex');
    expect(notes).toContain('SYNTHETIC test figures (not ONS) (figures for 30 June 2023; an age × sex table of counts');
    expect(notes).toContain('sex Female 52%, Male 48%');
    expect(notes).toContain('3 responses giving no age or no sex');
    expect(notes).not.toContain('Weighted by age only');

    // results.json (its response schema passes every field through), the dashboard, the codebook and the XLSX.
    const j = (
      await app.inject({ url: `/api/v1/budget/simulators/${s.id}/results.json`, headers: { cookie: analyst.cookie } })
    ).json();
    expect(j.weighting.basis).toBe('entered');
    expect(j.weighting.source).toContain('SYNTHETIC test figures');
    const sex = j.weighting.margins.find((m: { variable: string }) => m.variable === 'sex');
    expect(sex.categories.map((c: { label: string; population: number }) => [c.label, c.population])).toEqual([
      ['Female', 0.52],
      ['Male', 0.48],
    ]);
    expect(sex.categories[0].responses).toBeCloseTo(0.8, 9);
    expect(sex.categories[0].weighted).toBeCloseTo(0.52, 4);
    const trimmed = w.reduce((x, y, r) => x + (people[r]!.parks === 'trim' ? y : 0), 0) / sum;
    expect(j.items[0].levels[0].weightedShare).toBeCloseTo(trimmed, 9);
    const page = await app.inject({ url: `/budget/simulators/${s.id}`, headers: { cookie: owner.cookie } });
    expect(page.body).toContain('Weighting by sex: the population and the responses weighted');
    expect(page.body).toContain(`href="/budget/simulators/${s.id}/population"`);
    expect(budget.codebookCsv(s)).toContain('by age and sex as entered for this simulator (SYNTHETIC test figures');
    const xlsx = await app.inject({
      url: `/api/v1/budget/simulators/${s.id}/results.xlsx`,
      headers: { cookie: analyst.cookie },
    });
    const book = await readXlsxFile(xlsx.rawPayload);
    const summary = book.find((x) => x.sheet === 'Summary')!.data;
    expect(summary.find((r) => r[0] === 'Responses weighted by sex')?.[1]).toBe(50);
    expect(JSON.stringify(book.find((x) => x.sheet === 'Notes')?.data)).toContain('Weighted by age and sex');
  });

  it('two margins as percentages give the same weights as the table they come from', async () => {
    const budget = servicesFor(db).budget;
    const margins: PopulationDef = {
      source: 'SYNTHETIC margins',
      date: '2023-06-30',
      measure: 'share',
      rows: [
        { age: '1', sex: null, value: 30 },
        { age: '2', sex: null, value: 50 },
        { age: '3', sex: null, value: 20 },
        { age: null, sex: 'F', value: 52 },
        { age: null, sex: 'M', value: 48 },
      ],
    };
    const one = await budget.create(definition(margins), 'system');
    const two = await budget.create(definition(), 'system');
    const answers = [
      ...Array.from({ length: 12 }, (_, i) => ({ AGE: String((i % 3) + 1), SEX: 'F' })),
      ...Array.from({ length: 6 }, (_, i) => ({ AGE: String((i % 3) + 1), SEX: 'M' })),
    ];
    for (const [i, about] of answers.entries())
      for (const s of [one, two])
        await budget.submit(s, {
          posted: () => undefined,
          comments: () => undefined,
          consent: true,
          client: `203.0.113.${i}`,
          about,
        });
    const [a1, a2] = [await budget.analyse(one), await budget.analyse(two)];
    expect(a1.weighting.notes.join(' ')).toContain('age and sex entered separately');
    [...a1.weighting.weights].forEach((x, r) => expect(x).toBeCloseTo(a2.weighting.weights[r]!, 6));
    // Without an entered population: by age only, to the ONS file (none loaded here), and said so.
    await budget.setPopulation(one.id, null, 'system');
    const none = await budget.analyse(await budget.get(one.id, 'system'));
    expect(none.weighting.basis).toBe('none');
    expect(none.weighting.notes.join(' ')).toContain('Weighted by age only: no population by sex is loaded');
  });

  it('refuses a population with each problem named by its row and field (JSON path, XLSX sheet, row and column)', async () => {
    const budget = servicesFor(db).budget;
    const bad: PopulationDef = {
      source: ' ',
      date: '2023-02-30',
      measure: 'share',
      rows: [
        { age: '1', sex: null, value: 30 },
        { age: '2', sex: null, value: 50 },
        { age: '4', sex: null, value: 20 },
        { age: null, sex: 'F', value: -52 },
        { age: null, sex: 'M', value: 48 },
      ],
    };
    const refused = await budget.create(definition(bad), 'system').catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 400, code: 'invalid-definition' });
    const fields = (refused as { errors: { field: string; message: string }[] }).errors.map((e) => [
      e.field,
      e.message,
    ]);
    expect(fields).toEqual([
      ['population.source', 'is required: name where the figures come from, such as ONS mid-2023 estimates'],
      ['population.date', 'must be the date the figures are for, such as 2023-06-30'],
      [
        'population.rows[2].age',
        'is not an answer to AGE (1 = 18 to 34; 2 = 35 to 64; 3 = 65 and over; 9 = Prefer not to say)',
      ],
      ['population.rows[3].value', 'must be a number, 0 or more (per cent)'],
    ]);
    // Percentages that do not add up, and an age band residents can choose with no figure.
    const sums = { ...TABLE, measure: 'share' as const, rows: TABLE.rows.filter((r) => r.age !== '3') };
    const e2 = await budget.create(definition(sums), 'system').catch((e: unknown) => e);
    expect((e2 as { errors: { field: string; message: string }[] }).errors).toEqual([
      {
        field: 'population.rows[0].value',
        value: '80000',
        message: 'the percentages of the table sum to 80000, not 100 (± 0.5)',
      },
      {
        field: 'population.rows',
        message: 'has no figure for the age band 65 and over (3): give every age band residents can choose',
      },
    ]);
    // From a JSON file: the path; from the XLSX template: its sheet, row and column.
    const json = definitionFromJson('budget.json', JSON.stringify(definitionJson(definition(bad))));
    const e3 = await budget.create(json.definition, 'system', { locate: json.locate }).catch((e: unknown) => e);
    expect((e3 as { errors: { field: string }[] }).errors[2]!.field).toBe('budget.json:population.rows[2].age');
    const xlsx = await definitionFromXlsx('budget.xlsx', await definitionXlsx(definition(bad)));
    const e4 = await budget.create(xlsx.definition, 'system', { locate: xlsx.locate }).catch((e: unknown) => e);
    expect((e4 as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
      'budget.xlsx: sheet Simulator, row 17, column value (population_source)',
      'budget.xlsx: sheet Simulator, row 18, column value (population_date)',
      'budget.xlsx: sheet Population, row 4, column age',
      'budget.xlsx: sheet Population, row 5, column value',
    ]);
  });

  it('keeps the population through the JSON and XLSX round trip and in a clone of last year’s', async () => {
    const budget = servicesFor(db).budget;
    const s = await budget.create(definition(), 'system');
    const fromJson = definitionFromJson('x.json', JSON.stringify(definitionJson(s.definition))).definition;
    expect(fromJson.population).toEqual(TABLE);
    const fromXlsx = (await definitionFromXlsx('x.xlsx', await definitionXlsx(s.definition))).definition;
    expect(fromXlsx.population).toEqual(TABLE);
    const exported = await app.inject({
      url: `/api/v1/budget/simulators/${s.id}.json`,
      headers: { cookie: analyst.cookie },
    });
    expect(exported.json().population).toEqual(TABLE);
    const { simulator } = await budget.clone(s.id, '2025-26', false, 'system');
    expect(simulator.definition.population).toEqual(TABLE);
  });

  it('the population page without JavaScript: a table saved, a bad figure named by its cell, removed', async () => {
    const budget = servicesFor(db).budget;
    const s = await budget.create(definition(null), 'system');
    const form = (fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `/budget/simulators/${s.id}/population`,
        headers: { cookie: owner.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: owner.csrf, ...fields }).toString(),
      });
    const blank = await app.inject({ url: `/budget/simulators/${s.id}/population`, headers: { cookie: owner.cookie } });
    expect(blank.statusCode).toBe(200);
    expect(blank.body).toContain(
      '<label class="govuk-label govuk-visually-hidden" for="pop-a0-s1">Male, aged 18 to 34</label>',
    );
    expect(blank.body).not.toContain('Prefer not to say');
    const head = {
      source: 'SYNTHETIC test figures (not ONS)',
      'date-day': '30',
      'date-month': '6',
      'date-year': '2023',
    };
    const cells = {
      'pop-a0-s0': '15,000',
      'pop-a0-s1': '15000',
      'pop-a1-s0': '25000',
      'pop-a1-s1': '25000',
      'pop-a2-s0': '12000',
    };
    // A blank cell of the table and a total that disagrees: each named by its cell.
    const wrong = await form({ ...head, measure: 'count', ...cells, 'pop-a0-all': '31000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('href="#pop-a2-s1"');
    expect(wrong.body).toContain('Male, aged 65 and over: enter a figure (0 if there is none)');
    expect(wrong.body).toContain('Aged 18 to 34, all: is 31000, but the figures it totals add up to 30000');
    expect(wrong.body).toContain('value="15,000"');
    // Percentages of two margins not adding up: named at the first figure of that margin.
    const margins = await form({
      ...head,
      measure: 'share',
      'pop-a0-all': '30',
      'pop-a1-all': '50',
      'pop-a2-all': '20',
      'pop-all-s0': '50',
      'pop-all-s1': '40',
    });
    expect(margins.statusCode).toBe(400);
    expect(margins.body).toContain('Female, all ages: the percentages of the sex rows sum to 90, not 100');
    expect(margins.body).toContain('href="#pop-all-s0"');
    expect((await budget.get(s.id, 'system')).definition.population).toBeUndefined();
    const saved = await form({ ...head, measure: 'count', ...cells, 'pop-a2-s1': '8000', 'pop-a0-all': '30000' });
    expect(saved.statusCode, saved.body.slice(0, 800)).toBe(303);
    expect((await budget.get(s.id, 'system')).definition.population).toEqual(TABLE);
    const again = await app.inject({ url: `/budget/simulators/${s.id}/population`, headers: { cookie: owner.cookie } });
    expect(again.body).toContain(
      'id="pop-a2-s1" name="pop-a2-s1" type="text" inputmode="decimal" spellcheck="false" value="8000"',
    );
    expect((await form({ remove: 'yes' })).statusCode).toBe(303);
    expect((await budget.get(s.id, 'system')).definition.population).toBeUndefined();
  });

  it('a CSV of band,sex,population fills the form in (not saved); a band the questionnaire does not have is named by line', async () => {
    const budget = servicesFor(db).budget;
    const s = await budget.create(definition(null), 'system');
    const upload = (filename: string, text: string) => {
      const b = 'sliBoundary42';
      return app.inject({
        method: 'POST',
        url: `/budget/simulators/${s.id}/population/upload`,
        headers: { cookie: owner.cookie, 'content-type': `multipart/form-data; boundary=${b}` },
        payload: Buffer.from(
          `--${b}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${owner.csrf}\r\n` +
            `--${b}\r\nContent-Disposition: form-data; name="csv"; filename="${filename}"\r\n` +
            `Content-Type: text/csv\r\n\r\n${text}\r\n--${b}--\r\n`,
        ),
      });
    };
    // SYNTHETIC percentages: two margins, bands and sexes by their labels or codes.
    const filled = await upload(
      'pop.csv',
      'band,sex,population\n18 to 34,,30\n35 to 64,,50\n3,,20\n,Female,52\n,M,48\n',
    );
    expect(filled.statusCode).toBe(200);
    expect(filled.body).toContain('Filled in from pop.csv: nothing is saved yet');
    expect(filled.body).toContain(
      'id="pop-a1-all" name="pop-a1-all" type="text" inputmode="decimal" spellcheck="false" value="50"',
    );
    expect(filled.body).toContain(
      'id="pop-all-s1" name="pop-all-s1" type="text" inputmode="decimal" spellcheck="false" value="48"',
    );
    expect(filled.body).toMatch(/value="share" checked/);
    expect((await budget.get(s.id, 'system')).definition.population).toBeUndefined();
    const wrong = await upload('pop.csv', 'band,sex,population\n16 to 17,Female,100\n18 to 34,Other,x\n');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain(
      'pop.csv, line 2, column band: is not an age band residents can choose (18 to 34, 35 to 64, 65 and over)',
    );
    expect(wrong.body).toContain('pop.csv, line 3, column sex: is not a sex residents can give (Female, Male)');
    expect(wrong.body).toContain('pop.csv, line 3, column population: enter a number, such as 12500');
    expect(wrong.body).toContain('href="#csv"');
  });

  it('the OpenAPI document describes results.json with its response schema: the weighting, its margins and the items', async () => {
    const doc = (await app.inject('/api/v1/openapi.json')).json();
    const schema =
      doc.paths['/api/v1/budget/simulators/{id}/results.json'].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['responses', 'items', 'weighting', 'weightedMeanTaxChangePct']),
    );
    expect(Object.keys(schema.properties.weighting.properties)).toEqual(
      expect.arrayContaining(['effectiveBase', 'basis', 'source', 'margins', 'notes']),
    );
  });
});
