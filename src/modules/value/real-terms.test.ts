/**
 * The value-for-money profile in real terms (docs/REAL-TERMS.md): refused without a deflator exactly as the data query
 * is, then, with a deflator loaded through the long CSV importer, every £ figure (the council's, the group's median,
 * England's, the trend, the scatter) deflated to the base year while the outcome is left alone. Every figure here is
 * SYNTHETIC (made up for the test): the deflator, the spend per head and the outcome. The expected figures are worked
 * out here from the stored cash figures (read back through the data API) and the deflator's index.
 */
import { parse } from 'csv-parse/sync';
import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { loadSyntheticDeflator } from '../../../test/helpers/deflator.ts';
import { fixtureAdapter, type FixtureRow } from '../../../test/helpers/fixtures.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { ASC, ASC_OUTCOME, ascOutcomeMetric, ascSpendMetric } from '../../../test/helpers/value.ts';
import type { App } from '../../platform/app-types.ts';
import { runImport } from '../imports/index.ts';

// The eleven metropolitan districts E08000001 … E08000011 (Trafford is E08000009).
const E08 = Array.from({ length: 11 }, (_, i) => `E08${String(i + 1).padStart(6, '0')}`);
const TRAFFORD = 'E08000009';
// Cash spend per head, 2021/22, 2022/23, 2023/24. Trafford's rises 370 → 380 in cash (+2.7%) but falls in real terms.
const SPEND: Record<string, [number, number, number]> = Object.fromEntries(
  E08.map((c, i) => [c, c === TRAFFORD ? [350, 370, 380] : [340 + i * 9, 360 + i * 11, 372 + i * 13]]),
);
const ENGLAND_SPEND = [400, 415, 431];
// The SYNTHETIC deflator: no index for 2021/22, so that year's £ figures are not available in real terms.
const INDEX = { '2022/23': 96.0, '2023/24': 100.0 };
const YEARS = ['2021/22', '2022/23', '2023/24'];

function medianByHand(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface Fig {
  metric: { id: string };
  prices: string | null;
  value: number | null;
  rank: number | null;
  quartileBand: number | null;
  group: { median: number | null };
  england: { value: number; kind: string } | null;
  trend: {
    lastStep: string | null;
    points: { label: string; value: number | null; groupMedian: number | null; england: number | null }[];
  };
  sentence: string;
}
interface Profile {
  group: { id: string };
  prices: { basis: string; base: { label: string } | null; deflator: { id: string } | null; note: string };
  services: {
    id: string;
    spend: Fig[];
    outcomes: Fig[];
    scatters: { points: { code: string; spend: number; outcome: number }[]; group: { r: number | null } }[];
  }[];
  notes: string[];
  caveats: string[];
}
const asc = (p: Profile) => p.services.find((s) => s.id === 'adult-social-care')!;

describe('value-for-money profile in real terms (SYNTHETIC deflator and figures)', () => {
  let db: TestDb;
  let app: App;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const rows: FixtureRow[] = [
      ...E08.flatMap((c, i): FixtureRow[] => [
        ...SPEND[c]!.map((v, k): FixtureRow => [ASC, c, 2021 + k, v]),
        [ASC_OUTCOME, c, 2022, 18 + i * 0.2],
        [ASC_OUTCOME, c, 2023, 18.3 + i * 0.2],
      ]),
      ...ENGLAND_SPEND.map((v, k): FixtureRow => [ASC, 'E92000001', 2021 + k, v]),
      [ASC_OUTCOME, 'E92000001', 2023, 19.1],
    ];
    const r = await runImport(db, {
      adapter: fixtureAdapter([ascSpendMetric, ascOutcomeMetric], rows),
      files: [],
      publish: true,
    });
    expect(r.state).toBe('published');
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const url = (suffix: string, q = '') => `/api/v1/value-for-money/${TRAFFORD}.${suffix}${q}`;
  const REAL = '?prices=real&base=2022-23';

  it('without a deflator, real terms are refused as the data query refuses them, and the page says why', async () => {
    const res = await app.inject(url('json', REAL));
    expect(res.statusCode).toBe(400);
    const data = await app.inject(`/api/v1/data.json?metric=${ASC}&area=${TRAFFORD}&prices=real&base=2022-23`);
    expect(data.statusCode).toBe(400);
    const shape = (b: Record<string, unknown>) => ({
      code: b.code,
      status: b.status,
      detail: b.detail,
      errors: b.errors,
    });
    expect(shape(res.json())).toEqual(shape(data.json()));
    expect(res.json()).toMatchObject({ code: 'no-deflator' });
    for (const suffix of ['csv', 'xlsx']) expect((await app.inject(url(suffix, REAL))).statusCode).toBe(400);
    // The page: the reason in an error summary above the profile in cash terms, no control, and how to load one.
    const page = await app.inject(`/councils/${TRAFFORD}/value-for-money${REAL}`);
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('govuk-error-summary');
    expect(page.body).toMatch(/no index metric &quot;hmt.gdp-deflator&quot; is loaded/);
    expect(page.body).toContain('Spend and outcomes by service');
    expect(page.body).not.toContain('name="prices"');
    const cash = await app.inject(`/councils/${TRAFFORD}/value-for-money`);
    expect(cash.statusCode).toBe(200);
    expect(cash.body).not.toContain('name="prices"');
    expect(cash.body).toMatch(/£ figures are in cash terms[^<]*once an administrator loads a deflator series/);
    expect(cash.body).toContain('href="/imports/upload"');
    const embed = await app.inject(`/embed/value-for-money/${TRAFFORD}${REAL}`);
    expect(embed.statusCode).toBe(400);
    expect(embed.body).toMatch(/no index metric/);
  });

  it('with a deflator loaded, every £ figure is cash × index(base) ÷ index(year); the outcome, ranks and quarters are unchanged', async () => {
    await loadSyntheticDeflator(db, INDEX);
    // The stored cash figures, read back through the data API.
    const stored = (
      await app.inject(`/api/v1/data.json?metric=${ASC}&area=${[...E08, 'E92000001'].join(',')}&period=all`)
    ).json().observations as { area: string; periodLabel: string; value: number }[];
    const cashOf = (area: string, year: string) => stored.find((o) => o.area === area && o.periodLabel === year)!.value;
    const f = (year: string) => INDEX['2022/23'] / INDEX[year as keyof typeof INDEX];

    const cash = (await app.inject(url('json'))).json() as Profile;
    const res = await app.inject(url('json', REAL));
    expect(res.statusCode, res.body).toBe(200);
    const real = res.json() as Profile;
    expect(cash.prices).toMatchObject({ basis: 'cash', base: null, deflator: null });
    expect(real.prices).toMatchObject({
      basis: 'real',
      base: { label: '2022/23' },
      deflator: { id: 'hmt.gdp-deflator' },
    });
    expect(real.notes.join(' ')).toMatch(
      /Real terms: £ figures at 2022\/23 prices, deflated by GDP deflator \(SYNTHETIC\)/,
    );
    expect(real.notes.join(' ')).toMatch(/no index for 2021\/22/);
    expect(real.caveats.join(' ')).toMatch(/in real terms at 2022\/23 prices/);

    const [c, r] = [asc(cash).spend[0]!, asc(real).spend[0]!];
    expect([c.prices, r.prices]).toEqual(['cash', 'real']);
    // The council, the group's median and England for 2023/24, each deflated from its stored cash figure.
    expect(r.value).toBeCloseTo(cashOf(TRAFFORD, '2023/24') * f('2023/24'), 9);
    expect(r.group.median).toBeCloseTo(medianByHand(E08.map((a) => cashOf(a, '2023/24'))) * f('2023/24'), 9);
    expect(r.england).toMatchObject({ kind: 'england' });
    expect(r.england!.value).toBeCloseTo(cashOf('E92000001', '2023/24') * f('2023/24'), 9);
    // The trend: 2022/23 is the base year (unchanged), 2021/22 has no index (not available).
    const point = (x: Fig, year: string) => x.trend.points.find((p) => p.label === year)!;
    expect(point(r, '2021/22')).toMatchObject({ value: null, groupMedian: null, england: null });
    for (const year of YEARS.slice(1)) {
      expect(point(r, year).value).toBeCloseTo(cashOf(TRAFFORD, year) * f(year), 9);
      expect(point(r, year).groupMedian).toBeCloseTo(medianByHand(E08.map((a) => cashOf(a, year))) * f(year), 9);
      expect(point(r, year).england).toBeCloseTo(cashOf('E92000001', year) * f(year), 9);
    }
    // Trafford's spend rose in cash (370 → 380) but fell at 2022/23 prices (380 × 0.96 = 364.8): the words follow.
    expect(c.trend.lastStep).toBe('increasing');
    expect(r.trend.lastStep).toBe('decreasing');
    expect(c.sentence).toMatch(/increased since 2022\/23/);
    expect(r.sentence).toMatch(/decreased since 2022\/23/);
    // One year's figures all times the same factor: the same rank and quarter.
    expect([r.rank, r.quartileBand]).toEqual([c.rank, c.quartileBand]);
    expect(r.rank).not.toBeNull();
    // The outcome is not in £: as in cash terms.
    expect(asc(real).outcomes[0]).toEqual(asc(cash).outcomes[0]);
    expect(asc(real).outcomes[0]!.prices).toBeNull();
    // The scatter's spend deflated, the outcome not; the association (r) is the same.
    const [cx, rx] = [asc(cash).scatters[0]!, asc(real).scatters[0]!];
    for (const pt of rx.points) {
      const was = cx.points.find((p) => p.code === pt.code)!;
      expect(pt.spend).toBeCloseTo(cashOf(pt.code, '2023/24') * f('2023/24'), 9);
      expect(pt.outcome).toBe(was.outcome);
    }
    expect(rx.group.r).toBeCloseTo(cx.group.r!, 9);
    // A base year the deflator has no index for is refused, naming the years it has.
    const bad = await app.inject(url('json', '?prices=real&base=2019-20'));
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid-parameter', errors: [{ field: 'base' }] });
    expect(bad.json().detail).toMatch(/2022\/23, 2023\/24/);
  });

  it('the CSV and the spreadsheet say the price basis of each £ figure', async () => {
    const json = (await app.inject(url('json', REAL))).json() as Profile;
    const figures = json.services.flatMap((s) => [...s.spend, ...s.outcomes]);
    const csv = await app.inject(url('csv', REAL));
    expect(csv.statusCode).toBe(200);
    const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
    const basis = 'real terms at 2022/23 prices (deflator hmt.gdp-deflator)';
    expect(rows.map((r) => [r.metric, Number(r.value), r.price_basis])).toEqual(
      figures.map((f) => [f.metric.id, f.value, f.prices ? basis : '']),
    );
    expect(rows.find((r) => r.metric === ASC)!.price_basis).toBe(basis);
    const cashRows = parse((await app.inject(url('csv'))).body, { columns: true }) as Record<string, string>[];
    expect(cashRows.find((r) => r.metric === ASC)!.price_basis).toBe('cash');
    const meta = (await app.inject(url('csv-metadata.json', REAL))).json();
    expect(JSON.stringify(meta)).toMatch(/Real terms: £ figures at 2022\/23 prices/);
    const xlsx = await app.inject(url('xlsx', REAL));
    expect(xlsx.statusCode).toBe(200);
    const sheets = await readXlsxFile(xlsx.rawPayload);
    const data = sheets.find((s) => s.sheet === 'Figures')!.data;
    const header = data.findIndex((r) => r[0] === 'Area code');
    const col = (name: string) => data[header]!.indexOf(name);
    const spend = data.slice(header + 1).find((r) => r[col('Metric id')] === ASC)!;
    expect(spend[col('Price basis')]).toBe(basis);
    expect(spend[col('Value')]).toBeCloseTo(figures.find((f) => f.metric.id === ASC)!.value!, 9);
    const cover = sheets[0]!.data.flat().join(' ');
    expect(cover).toMatch(/£ figures are in real terms at 2022\/23 prices/);
    // The address of the same figures names the group, the prices and the deflator.
    expect(cover).toContain(
      `/api/v1/value-for-money/${TRAFFORD}.json?group=${json.group.id}&prices=real&base=2022-23&deflator=hmt.gdp-deflator.`,
    );
  });

  it('the page offers cash or real terms once a deflator is loaded, and says which it shows', async () => {
    // (Not the plain address: rendered before the deflator was loaded, that page may be kept for up to a second more,
    // the pages' stamp being read at most once a second.)
    const cash = await app.inject(`/councils/${TRAFFORD}/value-for-money?prices=cash`);
    expect(cash.statusCode).toBe(200);
    expect(cash.body).toMatch(
      /<input class="govuk-radios__input" id="prices" name="prices" type="radio" value="cash" checked>/,
    );
    expect(cash.body).toContain('<option value="2022-23">2022/23</option>');
    expect(cash.body).toContain('<option value="2023-24" selected>2023/24</option>');
    const page = await app.inject(`/councils/${TRAFFORD}/value-for-money${REAL}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('£ figures in real terms at 2022/23 prices');
    expect(page.body).toMatch(/value="real" checked/);
    expect(page.body).toContain('<option value="2022-23" selected>2022/23</option>');
    expect(page.body).toMatch(/deflated by GDP deflator \(SYNTHETIC\) \(hmt.gdp-deflator/);
    // The direction in real terms, since the year before as people write it.
    expect(page.body).toMatch(/Decreasing<br><span class="govuk-body-s app-secondary">since 2022\/23</);

    // The downloads and the embed keep the price basis.
    expect(page.body).toContain(`/api/v1/value-for-money/${TRAFFORD}.csv?prices=real&amp;base=2022-23`);
    const embed = await app.inject(`/embed/value-for-money/${TRAFFORD}${REAL}`);
    expect(embed.statusCode).toBe(200);
    expect(embed.body).toContain('£ figures in real terms at 2022/23 prices');
    // A base year the deflator has no index for: the reason beside the control.
    const bad = await app.inject(`/councils/${TRAFFORD}/value-for-money?prices=real&base=2019-20`);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#base"');
    expect(bad.body).toContain('id="base-error"');
    // The form sends a base year with cash terms too: ignored then.
    const cashWithBase = await app.inject(`/councils/${TRAFFORD}/value-for-money?prices=cash&base=2022-23`);
    expect(cashWithBase.statusCode).toBe(200);
    expect(cashWithBase.body).not.toContain('£ figures in real terms');
  });
});
