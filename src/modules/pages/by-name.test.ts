import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { DEFAULT_BRAND, FONT_STACK } from '../../platform/brand.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import type { App } from '../../platform/app-types.ts';
import { defraRecyclingAdapter, oflogAscAdapter, runImport } from '../imports/index.ts';
import { servicesFor } from '../../app/services.ts';
import { expectCouncilFieldSaysWhy } from '../../../test/helpers/council-field.ts';

/** The error summary's links, as "#field message". */
const summary = (html: string) =>
  [...html.matchAll(/<li><a href="(#[\w-]+)">([^<]+)<\/a><\/li>/g)].map((m) => `${m[1]} ${m[2]}`);

describe('pages that take a council by name', () => {
  let db: TestDb;
  let app: App;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    for (const [adapter, file] of [
      [oflogAscAdapter, 'performance/oflog_adult_social_care_2015_2023.csv'],
      [defraRecyclingAdapter, 'performance/defra_household_recycling_rate_2015_2024.csv'],
    ] as const) {
      const r = await runImport(db, { adapter, files: [sharedFile(file)], publish: true });
      if (r.state !== 'published') throw new Error(r.message);
    }
    await servicesFor(db).sector.loadBasket({
      id: 'sector-key',
      version: 'byname',
      name: 'Key measures',
      description: 'For the tests of councils by name',
      baseline: '2018-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [
        { metric: 'oflog.asc5', why: 'Reablement outcomes.' },
        { metric: 'oflog.asc2', why: 'Quality of life of people who use services.' },
      ],
    });
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });
  const get = (url: string) => app.inject({ url });

  it('GET /compare compares St Helens typed as "St Helens", "Saint Helens" or its code alike', async () => {
    for (const area of ['St%20Helens', 'Saint+Helens', 'st.%20helens', 'E08000013']) {
      const res = await get(`/compare?metric=oflog.asc5&area=${area}&group=type:E08&period=2022/23`);
      expect(res.statusCode, area).toBe(200);
      expect(res.body, area).toContain('St. Helens: ');
      expect(res.body).not.toContain('govuk-error-summary');
      // The field shows the council found, with its code.
      expect(res.body).toContain('value="St. Helens (E08000013)"');
    }
  });

  it('GET /compare?area=Trafford with no measure or group fills in Trafford and says what is missing', async () => {
    const res = await get('/compare?area=Trafford');
    expect(res.statusCode).toBe(200);
    expect(summary(res.body)).toEqual([
      '#topic Choose a service area, then a measure',
      '#group Choose the councils to compare Trafford with',
    ]);
    expect(res.body).toContain('value="Trafford (E08000009)"');
    expect(res.body).toMatch(/govuk-form-group--error">\s*<label class="govuk-label govuk-label--s" for="topic">/);
    expect(res.body).toContain('<p id="group-error" class="govuk-error-message">');
    // The groups Trafford belongs to are offered.
    expect(res.body).toMatch(/<option value="type:E08">/);
  });

  it('GET /compare says nothing is missing on the empty form, and offers measures by service area then measure', async () => {
    const empty = await get('/compare');
    expect(empty.body).not.toContain('govuk-error-summary');
    expect(empty.body).not.toContain('id="metric"');
    expect(empty.body).toMatch(/<option value="community-wellbeing">[^<]*\(\d+ measures\)<\/option>/);
    const step = await get('/compare?topic=community-wellbeing&step=measures&area=');
    expect(step.body).not.toContain('govuk-error-summary');
    const options = [...step.body.matchAll(/<option value="(oflog\.[^"]+)"/g)].map((m) => m[1]);
    expect(options).toContain('oflog.asc5');
    const chosen = await get('/compare?metric=oflog.asc5');
    expect(chosen.body).toMatch(/<option value="community-wellbeing" selected>/);
    expect(summary(chosen.body)).toEqual([
      '#area Enter a council’s name or its code, such as Trafford or E08000009',
      '#group Choose the councils to compare with, once the council is found',
    ]);
  });

  it('GET /compare offers the choices for an ambiguous name and says an unknown one is unknown', async () => {
    const res = await get('/compare?metric=oflog.asc5&area=Kingston&group=type:E08');
    expect(res.statusCode).toBe(200);
    expect(summary(res.body)).toEqual(['#area More than one council is called “Kingston”: choose one']);
    expect(res.body).toContain('type="radio" value="E06000010"');
    expect(res.body).toContain('type="radio" value="E09000021"');
    expect(res.body).toContain('Kingston upon Hull, City of (E06000010), unitary authority');
    const unknown = await get('/compare?metric=oflog.asc5&area=Atlantis&group=type:E08');
    expect(summary(unknown.body)).toEqual([
      '#area No council is called “Atlantis”: check the spelling, or enter the council’s code, such as E08000009',
    ]);
    expect(unknown.body).toContain('value="Atlantis"');
    expect(unknown.body).toContain('govuk-input--error');
  });

  it('GET /embed/compare takes a name too', async () => {
    const res = await get('/embed/compare?metric=oflog.asc5&area=Saint%20Helens&group=type:E08');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('St. Helens and');
    // The brand's type and colour, not GOV.UK's or Arial alone (the embed has no stylesheet link: its own <style>).
    expect(res.body).toContain(`font-family: ${FONT_STACK};`);
    expect(res.body).toContain(`--app-brand: ${DEFAULT_BRAND.colour};`);
    expect(res.body).not.toContain('font-family: Arial');
    const bad = await get('/embed/compare?metric=oflog.asc5&area=Atlantis&group=type:E08');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('No council is called “Atlantis”');
  });

  it('GET /metrics/:id?area= highlights a council given by name, and says why a name fits none or several', async () => {
    const res = await get('/metrics/oflog.asc5?area=St%20Helens');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/St\. Helens among councils of its type/);
    const many = await get('/metrics/oflog.asc5?area=Newcastle');
    expect(many.statusCode).toBe(400);
    expect(many.body).toContain('Newcastle upon Tyne (E08000021), Newcastle-under-Lyme (E07000195)');
  });

  it('GET /sector?area= takes a council by name', async () => {
    const res = await get('/sector?area=Hull');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Direction of travel: Kingston upon Hull, City of</h1>');
    expect(res.body).toContain('value="Kingston upon Hull, City of (E06000010)"');
    await expectCouncilFieldSaysWhy((typed) => get(`/sector?area=${encodeURIComponent(typed)}`));
  });

  it('GET /embed/compare shows the council compared with its neighbours in rank, the rest behind a link', async () => {
    const q = 'metric=defra.household-recycling-rate&area=E07000065&group=type:E07';
    const res = await get(`/embed/compare?${q}`);
    expect(res.statusCode).toBe(200);
    const rows = [
      ...res.body.matchAll(/<tr( class="focus")?><th scope="row">([^<]+)<\/th><td class="num">[^<]*<\/td><td>(\d+)/g),
    ];
    expect(rows).toHaveLength(7);
    const focus = rows.findIndex((r) => r[1]);
    expect(rows[focus]![2]).toBe('Wealden');
    const ranks = rows.map((r) => Number(r[3]));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const of = /ranks (\d+) to (\d+) of (\d+)/.exec(res.body)!;
    expect(Number(of[3])).toBeGreaterThan(150);
    expect(Number(of[2]) - Number(of[1])).toBe(6);
    expect(res.body).toMatch(/See all \d+ councils in the full comparison/);
    expect(res.body).toContain('Wealden and the councils nearest in rank in');
    expect(res.body).toContain('<script src="/static/embed-height.js" defer></script>');
  });

  it('GET /compare offers embed code whose frame height fits the widget and a snippet that resizes it', async () => {
    const page = await get('/compare?metric=defra.household-recycling-rate&area=Wealden&group=type:E07');
    const code = /<textarea [^>]*id="embed-code"[^>]*>([^]*?)<\/textarea>/
      .exec(page.body)![1]!
      .replaceAll('&quot;', '"');
    expect(code).toMatch(
      /^&lt;iframe src="[^"]+\/embed\/compare\?metric=defra\.household-recycling-rate&amp;area=E07000065/,
    );
    const height = Number(/ height="(\d+)"/.exec(code)?.[1]);
    expect(height).toBeGreaterThan(400);
    expect(height).toBeLessThan(1200);
    expect(code).toContain('data-sli-embed&gt;&lt;/iframe&gt;');
    expect(code).toContain('sli-embed-height');
    expect(code).toContain('&lt;script&gt;');
  });

  it('pages name the types of council in words, never as GSS prefixes', async () => {
    const metric = await get('/metrics/oflog.asc5');
    expect(metric.body).toContain(
      'Councils it applies to</dt><dd class="govuk-summary-list__value">Unitary authorities, metropolitan districts, London boroughs and counties</dd>',
    );
    const burnley = await get('/compare?metric=oflog.asc5&area=Burnley&group=england');
    expect(burnley.body).toContain(
      'it is published for unitary authorities, metropolitan districts, London boroughs and counties, so Burnley is not ranked on it.',
    );
    expect(burnley.body).not.toMatch(/published for E\d/);
  });
});
