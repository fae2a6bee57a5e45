/**
 * England's and the regions' figures on the metric page where the publisher gives none: a rate with numerators and
 * denominators is combined from the councils' (Σ numerators ÷ Σ denominators), said so; a score without them (Oflog's
 * adult social care, the real file) has no England or regional figure, only the median of councils, labelled as such
 * and never called England's; a publisher's own England figure is shown as it is. The expected figures are worked out
 * here from the database's rows with SQL of the test's own, not through the service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../platform/app-types.ts';
import { createTestApp } from '../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, testMetric, type FixtureRow } from '../../../test/helpers/fixtures.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import { oflogAscAdapter, runImport } from '../imports/index.ts';

const UPPER = ['E06', 'E08', 'E09', 'E10'];
const NORTH_EAST = 'E12000001';
const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
};

describe("the metric page's England and regional figures where the publisher gives none", () => {
  let db: TestDb;
  let app: App;
  /** The upper-tier councils live on 31 March 2024, with their region then. */
  let councils: { id: number; code: string; region: string | null }[] = [];

  /** Councils live on `end` of the upper tier, each with its region on that day (the test's own SQL). */
  async function liveOn(end: string) {
    const rows = await db.kysely
      .selectFrom('areas as a')
      .leftJoin('area_parents as p', (j) =>
        j
          .onRef('p.area_id', '=', 'a.id')
          .on('p.relation', '=', 'region')
          .on('p.valid_from', '<=', end)
          .on((e) => e.or([e('p.valid_to', 'is', null), e('p.valid_to', '>=', end)])),
      )
      .leftJoin('areas as r', 'r.id', 'p.parent_id')
      .select(['a.id', 'a.code', 'r.code as region'])
      .where('a.type', 'in', UPPER)
      .where((e) => e.or([e('a.valid_from', 'is', null), e('a.valid_from', '<=', end)]))
      .where((e) => e.or([e('a.valid_to', 'is', null), e('a.valid_to', '>=', end)]))
      .execute();
    return rows.map((r) => ({ id: Number(r.id), code: r.code, region: r.region }));
  }

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const asc = await runImport(db, {
      adapter: oflogAscAdapter,
      files: [sharedFile('performance/oflog_adult_social_care_2015_2023.csv')],
      publish: true,
    });
    if (asc.state !== 'published') throw new Error(asc.message);
    councils = await liveOn('2024-03-31');
    // SYNTHETIC: a rate with numerators and denominators for every upper-tier council, and a measure whose publisher
    // gives England's own figure.
    const rows: FixtureRow[] = councils.map((c, i) => [
      't.rate',
      c.code,
      2023,
      ((10 + (i % 7)) / (100 + i)) * 100,
      { numerator: 10 + (i % 7), denominator: 100 + i },
    ]);
    rows.push(
      ['t.published', 'E92000001', 2023, 42],
      ...councils.map((c): FixtureRow => ['t.published', c.code, 2023, 40]),
      ...councils.map((c): FixtureRow => ['t.published', c.code, 2022, 39]),
      ['t.published', 'E92000001', 2022, 41],
    );
    // SYNTHETIC: a count whose publisher gives England's total, hundreds of times any council's.
    for (const year of [2022, 2023]) {
      rows.push(['t.total', 'E92000001', year, 250_000 + year]);
      rows.push(...councils.map((c, i): FixtureRow => ['t.total', c.code, year, 1_000 + i + year]));
    }
    const r = await runImport(db, {
      adapter: fixtureAdapter(
        [
          testMetric('t.rate', { title: 'A synthetic rate', applicableAreaTypes: UPPER }),
          testMetric('t.published', { title: 'A synthetic published rate', applicableAreaTypes: UPPER }),
          testMetric('t.total', {
            title: 'A synthetic count',
            unit: 'people',
            unitType: 'count',
            decimalPlaces: 0,
            applicableAreaTypes: UPPER,
          }),
        ],
        rows,
      ),
      files: [],
      publish: true,
    });
    if (r.state !== 'published') throw new Error(r.message);
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const page = async (metric: string) => {
    const res = await app.inject(`/metrics/${metric}`);
    expect(res.statusCode).toBe(200);
    return res.body;
  };

  it('a rate with numerators and denominators: England and each region summed from their councils, and said so', async () => {
    const all = await db.kysely
      .selectFrom('observations as o')
      .innerJoin('metrics as m', 'm.id', 'o.metric_id')
      .select(['o.area_id', 'o.numerator', 'o.denominator'])
      .where('m.code', '=', 't.rate')
      .execute();
    const rate = (ids: Set<number>) => {
      const mine = all.filter((o) => ids.has(Number(o.area_id)));
      return (mine.reduce((s, o) => s + o.numerator!, 0) / mine.reduce((s, o) => s + o.denominator!, 0)) * 100;
    };
    const body = await page('t.rate');
    const england = rate(new Set(councils.map((c) => c.id)));
    expect(body).toContain(`England (computed from councils): <strong>${england.toFixed(1)}%</strong>.`);
    expect(body).toContain(
      `England aggregate: sum of numerators ÷ sum of denominators over ${councils.length} of ${councils.length} councils`,
    );
    const ne = councils.filter((c) => c.region === NORTH_EAST);
    expect(ne.length).toBeGreaterThan(5);
    expect(body).toMatch(
      new RegExp(
        `<th scope="row" class="govuk-table__header">North East</th><td[^>]*>${rate(new Set(ne.map((c) => c.id))).toFixed(1)}%</td><td[^>]*>Computed by this platform from the councils, not published: North East aggregate: sum of numerators ÷ sum of denominators over ${ne.length} of ${ne.length} councils`,
      ),
    );
  });

  it('a score without numerators (Oflog adult social care): no England figure, the median of councils named as such', async () => {
    // Every figure of ASC2, and the latest period's councils.
    const asc2 = await db.kysely
      .selectFrom('observations as o')
      .innerJoin('metrics as m', 'm.id', 'o.metric_id')
      .innerJoin('periods as p', 'p.id', 'o.period_id')
      .select(['p.end_date', 'o.area_id', 'o.value'])
      .where('m.code', '=', 'oflog.asc2')
      .where('o.value', 'is not', null)
      .execute();
    const end = asc2
      .map((o) => o.end_date)
      .sort()
      .at(-1)!;
    const live = await liveOn(end);
    const values = asc2.filter((o) => o.end_date === end);
    const of = (ids: Set<number>) => median(values.filter((o) => ids.has(Number(o.area_id))).map((o) => o.value!));
    const body = await page('oflog.asc2');
    const all = of(new Set(live.map((c) => c.id)));
    expect(body).toContain(`Median of councils (not an England figure): <strong>${all.toFixed(3)} score</strong>.`);
    expect(body).not.toMatch(/>England: </);
    expect(body).not.toMatch(/England \(computed from councils\)/);
    const ne = new Set(live.filter((c) => c.region === NORTH_EAST).map((c) => c.id));
    expect(body).toMatch(
      new RegExp(
        `<th scope="row" class="govuk-table__header">North East \\(median of councils\\)</th><td[^>]*>${of(ne).toFixed(3)} score</td><td[^>]*>Median of councils, not the region’s figure: median of councils: the middle of \\d+ of ${ne.size} councils&#39; figures; no North East figure is published`,
      ),
    );
  });

  it("a publisher's own England figure is shown as England's, with no method", async () => {
    const body = await page('t.published');
    expect(body).toContain('<p class="govuk-body">England: <strong>42.0%</strong>.</p>');
  });

  it("England's total is left off the charts beside councils' figures, and the caption says why; a rate's is drawn", async () => {
    const council = councils[0]!.code;
    const res = await app.inject(`/metrics/t.total?area=${council}`);
    expect(res.statusCode).toBe(200);
    const body = res.body;
    const why = `England&#39;s figure (252,023 people) is not drawn: more than 10 times any figure on the chart`;
    // Once in the trend's caption and once in the bar chart's (and in each chart's description).
    expect(body.split(why).length - 1).toBeGreaterThanOrEqual(2);
    expect(body).not.toContain('and England over time');
    // The table still has England's figure.
    expect(body).toContain('252,023');
    const rate = await app.inject(`/metrics/t.published?area=${council}`);
    expect(rate.body).toContain('and England over time');
    expect(rate.body).not.toContain('is not drawn');
  });
});
