/**
 * Real terms in the data query: refused without a deflator, then £ figures deflated to a base year by a loaded
 * deflator series. Every figure here is SYNTHETIC (made up for the test): the deflator and a council's spending.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../platform/app-types.ts';
import { createTestApp } from '../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { findAdapter, runImport } from '../imports/index.ts';

const METRIC_HEADER =
  'code,title,unit,unit_type,decimal_places,polarity,topic,period_type,applicable_area_types,publisher,licence,source_url,description,caveats';
const DATA_HEADER = 'metric,area,period,value,status,lci,uci,numerator,denominator';
const SPEND = 'synthetic.spend';
const SHARE = 'synthetic.share';
const longCsvAdapter = findAdapter('long-csv')!;

describe('the data query in real terms (synthetic deflator and figures)', () => {
  let db: TestDb;
  let app: App;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'real-terms-'));
  const file = (name: string, lines: string[]) => {
    const f = path.join(tmp, name);
    writeFileSync(f, `${lines.join('\n')}\n`);
    return f;
  };
  const load = async (files: string[]) => {
    const s = await runImport(db, { adapter: longCsvAdapter, files, publish: true });
    expect(s.errors, s.message).toEqual([]);
  };

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    await load([
      file('metrics.csv', [
        METRIC_HEADER,
        `${SPEND},Synthetic spending,£,currency,0,not-applicable,workforce-finance,financial-year,E06 E07 E08 E09 E10,Synthetic,OGL-UK-3.0,,SYNTHETIC test figures.,`,
        `${SHARE},Synthetic share,%,percentage,1,not-applicable,workforce-finance,financial-year,E06 E07 E08 E09 E10,Synthetic,OGL-UK-3.0,,SYNTHETIC test figures.,`,
      ]),
      file('data.csv', [
        DATA_HEADER,
        `${SPEND},E06000001,2022/23,1000,,,,,`,
        `${SPEND},E06000001,2023/24,1100,,,,,`,
        `${SPEND},E06000001,2024/25,1200,,,,,`,
        `${SHARE},E06000001,2022/23,40,,,,,`,
      ]),
    ]);
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const query = (extra: string) =>
    app.inject(`/api/v1/data.json?metric=${SPEND},${SHARE}&area=E06000001&period=all${extra}`);

  it('GET /api/v1/data.json?prices=real is refused with the reason when no deflator is loaded', async () => {
    const res = await query('&prices=real&base=2023-24');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'no-deflator' });
    expect(res.json().detail).toMatch(/no index metric "hmt.gdp-deflator" is loaded.*docs\/REAL-TERMS.md/);
    expect((await query('&base=2023-24')).statusCode).toBe(400); // a base year without real terms
    const page = await app.inject(`/metrics/${SPEND}?prices=real&base=2023-24`);
    expect(page.statusCode).toBe(400);
    expect(page.body).toMatch(/no index metric/);
    // The metric page offers no choice it cannot make: it says the figures are cash and how a deflator is loaded.
    const cashPage = await app.inject(`/metrics/${SPEND}`);
    expect(cashPage.statusCode).toBe(200);
    expect(cashPage.body).not.toContain('name="prices"');
    expect(cashPage.body).toContain('real terms can be chosen here once an administrator loads a deflator series');
  });

  it('deflates £ figures to the base year, states the deflator, and leaves other units alone', async () => {
    await load([
      file('deflator-metric.csv', [
        METRIC_HEADER,
        'hmt.gdp-deflator,GDP deflator (SYNTHETIC),index,index,3,not-applicable,context,financial-year,E92,Synthetic test deflator,OGL-UK-3.0,,SYNTHETIC: made up for a test.,',
      ]),
      file('deflator.csv', [
        DATA_HEADER,
        'hmt.gdp-deflator,E92000001,2022/23,95,,,,,',
        'hmt.gdp-deflator,E92000001,2023/24,100,,,,,',
      ]),
    ]);
    const cash = (await query('')).json();
    const res = await query('&prices=real&base=2023-24');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const of = (b: typeof body, metric: string, period: string) =>
      b.observations.find((o: { metric: string; period: string }) => o.metric === metric && o.period === period);
    expect(of(body, SPEND, '2022-04-01/P1Y').value).toBeCloseTo((1000 * 100) / 95, 9);
    expect(of(body, SPEND, '2023-04-01/P1Y').value).toBe(1100);
    // No index for 2024/25: not available, and why.
    expect(of(body, SPEND, '2024-04-01/P1Y')).toMatchObject({ value: null, status: ['x'] });
    expect(of(body, SPEND, '2024-04-01/P1Y').note).toMatch(/no index for 2024\/25/);
    expect(of(body, SHARE, '2022-04-01/P1Y').value).toBe(of(cash, SHARE, '2022-04-01/P1Y').value);
    expect(body.notes.join(' ')).toMatch(/Real terms: £ figures at 2023\/24 prices, deflated by GDP deflator/);
    // A base year the deflator has no index for is refused, naming the years it has.
    const bad = await query('&prices=real&base=2019-20');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/2022\/23, 2023\/24/);
    // The metric page offers the choice for £ measures and states the deflator and base year.
    const page = await app.inject(`/metrics/${SPEND}?period=2022-04-01/P1Y&prices=real&base=2023-24`);
    expect(page.statusCode, page.body.slice(0, 300)).toBe(200);
    expect(page.body).toMatch(/Real terms: £ figures at 2023\/24 prices/);
    expect(page.body).toContain('name="prices"');
    // (Not the plain address, rendered before the deflator was loaded: the pages' stamp is read at most once a second.)
    const offered = await app.inject(`/metrics/${SPEND}?prices=cash`);
    expect(offered.body).toContain('name="prices"');
    expect(offered.body).not.toContain('once an administrator loads a deflator series');
    // The CSV is deflated the same way.
    const csv = await app.inject(
      `/api/v1/data.csv?metric=${SPEND}&area=E06000001&period=2022/23&prices=real&base=2023/24`,
    );
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain(String((1000 * 100) / 95).slice(0, 8));
  });
});
