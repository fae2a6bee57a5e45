import { parse } from 'csv-parse/sync';
import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { signInEveryRole } from '../../../test/helpers/auth.ts';
import { fixtureAdapter, testMetric, type FixtureRow } from '../../../test/helpers/fixtures.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import type { App } from '../../platform/app-types.ts';
import { defraRecyclingAdapter } from '../imports/index.ts';
import { oflogAscAdapter } from '../imports/index.ts';
import { runImport } from '../imports/index.ts';
import { servicesFor } from '../../app/services.ts';
import { csvWithMetadata } from '../../../test/helpers/csvw.ts';

describe('headline report', () => {
  let db: TestDb;
  let app: App;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('GET /api/v1/areas/:code/headline.json says how to load a basket when none is loaded', async () => {
    const res = await app.inject('/api/v1/areas/E08000009/headline.json');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'no-basket', detail: expect.stringMatching(/sli sector load-basket/) });
  });

  it('GET /api/v1/areas/:code/headline.json gives the key measures by service area against the group, and updates itself when data are published', async () => {
    const oflog = await runImport(db, {
      adapter: oflogAscAdapter,
      files: [sharedFile('performance/oflog_adult_social_care_2015_2023.csv')],
      publish: true,
    });
    expect(oflog.state).toBe('published');
    await servicesFor(db).sector.loadBasket({
      id: 'sector-key',
      version: 't1',
      name: 'Key measures',
      description: 'test',
      baseline: '2019-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [
        { metric: 'oflog.asc1', why: 'carers' },
        { metric: 'oflog.asc5', why: 'reablement' },
      ],
    });
    const firstPage = await app.inject('/areas/E08000009');
    expect(firstPage.body).toContain('Carer-reported quality of life');
    expect(firstPage.body).not.toContain('Household waste sent for reuse');
    const first = (await app.inject('/api/v1/areas/E08000009/headline.json')).json();
    expect(first).toMatchObject({
      area: { code: 'E08000009', name: 'Trafford' },
      group: { id: 'type:E08' },
      basket: { id: 'sector-key', version: 't1' },
    });
    expect(first.themes.map((t: { theme: string }) => t.theme)).toEqual(['community-wellbeing']);
    const asc5 = first.themes[0].items.find((i: { metric: { id: string } }) => i.metric.id === 'oflog.asc5');
    expect(asc5).toMatchObject({ period: { label: '2022/23' }, focus: { value: 48.3 }, why: 'reablement' });
    // Barnsley and Sheffield were re-coded in 2025: their 2022/23 figures, published under the old codes, stand for
    // them (the same areas), so every metropolitan district has a figure.
    expect(asc5.statistics).toMatchObject({ n: 36, noData: 0, countWithData: 36 });
    expect(asc5.statistics.methods.membership).toMatch(/members as at 2023-03-31/);
    // One membership rule: the single comparison ranks Trafford among the same councils, of the same number.
    const single = (
      await app.inject('/api/v1/compare.json?metric=oflog.asc5&area=E08000009&group=type:E08&period=2022/23')
    ).json();
    expect(single.focus).toMatchObject({ rank: asc5.focus.rank, rankOf: asc5.focus.rankOf, value: 48.3 });
    expect(single.group.compared).toBe(36);
    const sheffield = single.members.find((m: { code: string }) => m.code === 'E08000039');
    expect(sheffield.source).toMatchObject({
      kind: 'same-area',
      areas: [{ code: 'E08000019' }],
      note: 'figure for Sheffield (E08000019): same area, code changed in 2025',
    });
    expect(single.members.some((m: { code: string }) => m.code === 'E08000019')).toBe(false);
    expect(asc5.sentence).toMatch(/^Trafford is .* of the 36 metropolitan districts on this measure for 2022\/23/);
    expect(asc5.trend.map((t: { label: string }) => t.label)).toEqual([
      '2018/19',
      '2019/20',
      '2020/21',
      '2021/22',
      '2022/23',
    ]);
    expect(asc5.trend.at(-1)).toMatchObject({ value: 48.3, groupMedian: asc5.statistics.median });

    // Publishing recycling data and a basket version that includes it changes the report with no other step.
    const defra = await runImport(db, {
      adapter: defraRecyclingAdapter,
      files: [sharedFile('performance/defra_household_recycling_rate_2015_2024.csv')],
      publish: true,
    });
    expect(defra.state).toBe('published');
    await servicesFor(db).sector.loadBasket({
      id: 'sector-key',
      version: 't2',
      name: 'Key measures',
      description: 'test',
      baseline: '2019-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [
        { metric: 'oflog.asc5', why: 'reablement' },
        { metric: 'defra.household-recycling-rate', why: 'waste' },
      ],
    });
    const second = (await app.inject('/api/v1/areas/E08000009/headline.json')).json();
    expect(second.basket.version).toBe('t2');
    // The council page, kept in memory for visitors, follows within a second (its data stamp is looked up once a
    // second).
    await new Promise((r) => setTimeout(r, 1100));
    const secondPage = await app.inject('/areas/E08000009');
    expect(secondPage.body).toContain('Household waste sent for reuse');
    expect(secondPage.headers.etag).not.toBe(firstPage.headers.etag);
    expect(second.themes.map((t: { theme: string }) => t.theme)).toEqual([
      'community-wellbeing',
      'environment-housing',
    ]);
  });

  it("a publication shows in the very next report: the basket's definitions are remembered only until an import", async () => {
    const asc5 = (h: { themes: { items: { metric: { id: string } }[] }[] }) =>
      h.themes.flatMap((t) => t.items).find((i) => i.metric.id === 'oflog.asc5');
    const before = (await app.inject('/api/v1/areas/E08000009/headline.json')).json();
    expect(asc5(before)).toMatchObject({ period: { label: '2022/23' } });
    const r = await runImport(db, {
      adapter: fixtureAdapter([], [['oflog.asc5', 'E08000009', 2023, 51.5]]),
      files: [],
      publish: true,
    });
    expect(r.state).toBe('published');
    const after = (await app.inject('/api/v1/areas/E08000009/headline.json')).json();
    expect(asc5(after)).toMatchObject({ period: { label: '2023/24' }, focus: { value: 51.5 } });
  });

  it('a custom group is never remembered between reports: once deleted, it is gone from the next one', async () => {
    const { owner } = await signInEveryRole(db, app);
    const saved = await app.inject({
      method: 'POST',
      url: '/api/v1/groups',
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf },
      payload: { name: 'Trafford and two', members: ['E08000009', 'E08000003', 'E08000008'], visibility: 'shared' },
    });
    expect(saved.statusCode).toBe(201);
    const id = (saved.json() as { id: string }).id;
    const first = await app.inject(`/api/v1/areas/E08000009/headline.json?group=${id}`);
    expect(first.statusCode).toBe(200);
    expect(first.json().group).toMatchObject({ id, name: 'Trafford and two' });
    expect(
      (
        await app.inject({
          method: 'DELETE',
          url: `/api/v1/groups/${id}`,
          headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf },
        })
      ).statusCode,
    ).toBe(204);
    const after = await app.inject(`/api/v1/areas/E08000009/headline.json?group=${id}`);
    expect(after.statusCode).toBe(400);
    expect(after.json().errors[0]).toMatchObject({ field: 'group', value: id });
  });

  it('a district is not scored on county services: they are listed with the council that runs them', async () => {
    const h = (await app.inject('/api/v1/areas/E07000117/headline.json')).json();
    expect(h.themes.map((t: { theme: string }) => t.theme)).toEqual(['environment-housing']);
    expect(h.notApplicable).toEqual([
      {
        metric: 'oflog.asc5',
        title: expect.any(String),
        reason: expect.stringMatching(/Lancashire \(E10000017\) runs this service for Burnley/),
      },
    ]);
  });

  it('GET /api/v1/areas/:code/headline.csv has one row per measure; unknown groups and areas name the field', async () => {
    const res = await app.inject('/api/v1/areas/E08000009/headline.csv?group=region:E12000002');
    expect(res.statusCode).toBe(200);
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.metric)).toEqual(['oflog.asc5', 'defra.household-recycling-rate']);
    expect(rows[0]).toMatchObject({ area: 'E08000009', group: 'region:E12000002', licence: 'OGL-UK-3.0' });
    const bad = await app.inject('/api/v1/areas/E08000009/headline.json?group=nope');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: 'group', value: 'nope' });
    expect((await app.inject('/api/v1/areas/E92000001/headline.json')).statusCode).toBe(400);
  });

  it("GET /api/v1/areas/:code/headline.csv links CSVW metadata with its columns, licence, attribution and each measure's caveats", async () => {
    const url = '/api/v1/areas/E08000009/headline.csv?group=region:E12000002';
    const { meta, rows, header } = await csvWithMetadata(app, url);
    const json = (await app.inject('/api/v1/areas/E08000009/headline.json?group=region:E12000002')).json();
    expect(meta.url).toMatch(/\/api\/v1\/areas\/E08000009\/headline\.csv\?group=region:E12000002$/);
    expect(meta['dc:rights']).toEqual(json.licences);
    expect(meta['dc:publisher']).toEqual(json.attribution);
    const items = json.themes.flatMap((t: { items: unknown[] }) => t.items) as {
      metric: { id: string; title: string; caveats: string | null };
    }[];
    const withCaveats = items.filter((i) => i.metric.caveats);
    expect(withCaveats.length).toBeGreaterThan(0);
    for (const i of withCaveats)
      expect(meta['rdfs:comment']).toContain(`${i.metric.title} (${i.metric.id}): ${i.metric.caveats}`);
    expect(rows).toHaveLength(items.length);
    expect(header.at(-3)).toBe('caveats');
  });

  it('GET /api/v1/areas/:code/headline.xlsx follows the government spreadsheet layout with the same figures as the JSON', async () => {
    const res = await app.inject('/api/v1/areas/E08000009/headline.xlsx?group=region:E12000002');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const json = (await app.inject('/api/v1/areas/E08000009/headline.json?group=region:E12000002')).json();
    const sheets = await readXlsxFile(res.rawPayload);
    expect(sheets.map((s) => s.sheet)).toEqual([
      'Cover',
      'Contents',
      'Notes',
      ...json.themes.map((t: { title: string }) => t.title),
    ]);
    expect(String(sheets[0]!.data[0]![0])).toBe('Headline report: Trafford (E08000009) against ' + json.group.name);
    expect(sheets[1]!.data.slice(3).map((r) => r[0])).toEqual(json.themes.map((t: { title: string }) => t.title));
    for (const [i, theme] of json.themes.entries()) {
      const data = sheets[3 + i]!.data;
      const headerRow = data.findIndex((r) => r[0] === 'Measure');
      expect(headerRow).toBeGreaterThan(0);
      const rows = data.slice(headerRow + 1);
      expect(rows).toHaveLength(theme.items.length);
      for (const [j, item] of theme.items.entries()) {
        expect(rows[j]![0]).toBe(item.metric.title);
        expect(rows[j]![2]).toBe(item.focus.value ?? '[x]'); // numbers stay numbers
        expect(rows[j]![4]).toBe(item.focus.rank ?? '[x]');
      }
    }
    const notes = sheets[2]!.data.slice(3).map((r) => String(r[1]));
    expect(notes.some((n) => n.startsWith(json.themes[0].items[0].metric.title))).toBe(true);
  });

  it('England beside the council: the published England figure for the period and over the trend, from a basket of its own', async () => {
    const metric = testMetric('t.with-england', { title: 'A measure England publishes', applicableAreaTypes: ['E08'] });
    const rows: FixtureRow[] = [];
    for (const [i, year] of [2019, 2020, 2021, 2022, 2023].entries()) {
      if (year !== 2021) rows.push(['t.with-england', 'E92000001', year, 50 + i]); // no England figure for 2021/22
      for (const [k, code] of ['E08000009', 'E08000003', 'E08000008'].entries())
        rows.push(['t.with-england', code, year, 40 + i + k]);
    }
    expect((await runImport(db, { adapter: fixtureAdapter([metric], rows), files: [], publish: true })).state).toBe(
      'published',
    );
    await servicesFor(db).sector.loadBasket({
      id: 't-england',
      version: '1',
      name: 'England check',
      description: 'test',
      baseline: '2019-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [{ metric: 't.with-england', why: 'England' }],
    });
    const h = (await app.inject('/api/v1/areas/E08000009/headline.json?basket=t-england')).json();
    const item = h.themes[0].items[0];
    expect(item.england).toMatchObject({ value: 54, status: [] });
    expect(item.trend.map((t: { label: string; england: number | null }) => [t.label, t.england])).toEqual([
      ['2019/20', 50],
      ['2020/21', 51],
      ['2021/22', null],
      ['2022/23', 53],
      ['2023/24', 54],
    ]);
  });

  it('a measure published only for regions and England is not listed as a service the council does not run', async () => {
    // Synthetic figures, in the shape of a regional measure such as homicide (not a council service).
    const regional = testMetric('t.regional-only', {
      title: 'A regional measure (synthetic)',
      topic: 'safer-stronger-communities',
      applicableAreaTypes: ['E12', 'E92'],
    });
    const county = testMetric('t.county-only', { title: 'A county service (synthetic)', applicableAreaTypes: ['E10'] });
    const rows: FixtureRow[] = [
      ['t.regional-only', 'E12000002', 2023, 1.1],
      ['t.regional-only', 'E92000001', 2023, 1.2],
      ['t.county-only', 'E10000017', 2023, 60],
    ];
    const imported = await runImport(db, {
      adapter: fixtureAdapter([regional, county], rows),
      files: [],
      publish: true,
    });
    expect(imported.state).toBe('published');
    await servicesFor(db).sector.loadBasket({
      id: 't-tiers',
      version: '1',
      name: 'Tiers check',
      description: 'test',
      baseline: '2019-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [
        { metric: 'oflog.asc5', why: 'reablement' },
        { metric: 't.regional-only', why: 'regional' },
        { metric: 't.county-only', why: 'county' },
      ],
    });
    const h = (await app.inject('/api/v1/areas/E08000009/headline.json?basket=t-tiers')).json();
    expect(h.notApplicable).toEqual([
      {
        metric: 't.county-only',
        title: 'A county service (synthetic)',
        reason: 'published for counties, not metropolitan districts',
      },
    ]);
    expect(h.noData).toContainEqual({
      metric: 't.regional-only',
      title: 'A regional measure (synthetic)',
      reason: 'published for regions and England only, not for councils',
    });
  });
});
