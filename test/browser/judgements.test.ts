/// <reference lib="dom" />
/**
 * Categorical measures (Ofsted's judgements, from the real file) on the pages in Debian's Chromium, without
 * JavaScript: the council page, the comparison page and the measure's page show labels and counts, never a rank,
 * median or a chart of the judgements as numbers; the sector overview, with the default basket's judgement, shows each
 * council's latest judgement by council type and says movement cannot be shown; each passes axe-core's WCAG 2.2 AA
 * rules.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/app.ts';
import { expectNoAxeViolations, launchChromium } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { seedAreas } from '../helpers/seed.ts';
import { sharedFile } from '../helpers/shared-data.ts';
import type { App } from '../../src/platform/app-types.ts';
import { importFiles } from '../../src/modules/imports/index.ts';
import { servicesFor } from '../../src/app/services.ts';

const OVERALL = 'ofsted-ilacs.overall-effectiveness';
/** The default basket's entry for the judgement, as shipped. */
const SHIPPED = (
  JSON.parse(readFileSync(new URL('../../src/modules/sector/baskets/sector-key.json', import.meta.url), 'utf8')) as {
    metrics: { metric: string; why: string }[];
  }
).metrics.find((m) => m.metric === OVERALL)!;

describe('judgements (categorical measures) in Chromium', () => {
  let db: TestDb;
  let app: App;
  let browser: Browser;
  let noJs: BrowserContext;
  let base: string;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedAreas(db);
    for (const [adapter, file] of [
      ['ofsted-ilacs', 'performance/ofsted/ofsted_ilacs_latest_judgement_by_la.csv'],
      ['defra-recycling', 'performance/defra_household_recycling_rate_2015_2024.csv'],
      ['boundaries', 'boundaries/england_utla_2025.geojson'],
    ] as const) {
      const r = await importFiles(db, adapter, [sharedFile(file)], { publish: true });
      if (r.state !== 'published') throw new Error(`${adapter}: ${r.message}`);
    }
    await servicesFor(db).sector.loadBasket({
      id: 'sector-key',
      version: 'browser',
      name: 'Key measures',
      description: 'For the browser tests',
      baseline: '2018-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [{ metric: 'defra.household-recycling-rate', why: 'A service every council runs.' }],
    });
    await servicesFor(db).sector.loadBasket({
      id: 'judged',
      version: 'browser',
      name: 'Key measures with the judgement',
      description: 'For the browser tests',
      baseline: '2018-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [SHIPPED, { metric: 'defra.household-recycling-rate', why: 'A service every council runs.' }],
    });
    app = await createTestApp(db);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    noJs = await browser.newContext({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  const open = async (path: string): Promise<Page> => {
    const page = await noJs.newPage();
    const res = await page.goto(`${base}${path}`);
    expect(res?.status(), path).toBe(200);
    return page;
  };

  it('the council page shows its judgements and the group’s counts beside the key measures', async () => {
    const page = await open('/areas/E08000025');
    // One key measure with its chart, and five judgements without one.
    expect(await page.locator('.app-measure').count()).toBe(6);
    expect(await page.locator('.app-measure .app-chart__wide svg[role="img"]').count()).toBe(1);
    const overall = page.locator('.app-measure', { hasText: 'overall effectiveness' });
    expect(await overall.locator('dd').first().textContent()).toBe('Good (published 18 Apr 2023)');
    expect(await overall.locator('table caption').first().textContent()).toMatch(/councils by judgement/);
    expect(await overall.locator('table tbody tr').count()).toBe(4);
    expect(await overall.textContent()).not.toMatch(/Group median|Rank/);
    await expectNoAxeViolations(page);
    await page.close();
  });

  it('the comparison page charts councils per judgement, and the measure’s page maps judgements by label', async () => {
    const compare = await open(`/compare?metric=${OVERALL}&area=E08000025&group=region:E12000005`);
    expect(await compare.locator('.govuk-body-l').textContent()).toMatch(
      /of the 14 councils in West Midlands are Good or better/,
    );
    expect(await compare.locator('figure svg[role="img"]:visible').count()).toBe(1);
    expect(await compare.locator('table tbody tr').count()).toBe(14);
    await expectNoAxeViolations(compare);
    // By default every council's latest judgement, whenever it was published, not only those of the latest day.
    const metric = await open(`/metrics/${OVERALL}`);
    // One map (no bar or line chart), coloured by judgement with a key of labels and counts best first.
    const map = metric.locator('figure svg.app-map:visible');
    expect(await map.count()).toBe(1);
    expect(await metric.locator('figure svg:visible').count()).toBe(1);
    const key = (await map.locator('text').allTextContents()).filter((t) => /\(\d+ areas?\)$/.test(t));
    expect(key.slice(0, 4).map((t) => t.replace(/ \(\d+ areas?\)$/, ''))).toEqual([
      'Outstanding',
      'Good',
      'Requires improvement',
      'Inadequate',
    ]);
    expect(await metric.locator('#by-judgement + table tbody tr').count()).toBe(4);
    expect(await metric.locator('[aria-label="Movement between judgements by council type"] table').count()).toBe(1);
    expect(await metric.locator('#figures tbody tr').count()).toBe(153);
    expect(await metric.locator('#figures tbody').textContent()).toMatch(/Birmingham\s*Good \(published 18 Apr 2023\)/);
    await expectNoAxeViolations(metric);
    await compare.close();
    await metric.close();
  });

  it("the sector overview shows each council's latest judgement by council type and that movement cannot be shown", async () => {
    const page = await open('/sector?basket=judged');
    const row = page.locator('tr', { hasText: 'overall effectiveness' }).first();
    expect(await row.locator('.govuk-tag').textContent()).toBe('Not comparable');
    expect(await row.textContent()).toMatch(/No earlier judgement held/);
    expect(await row.textContent()).toMatch(
      /Good or better: \d+ of \d+ councils \(each council's latest judgement, published 20\d\d to 20\d\d\)/,
    );
    const heading = page.getByRole('heading', { name: /overall effectiveness: each council's latest judgement/ });
    expect(await heading.count()).toBe(1);
    expect(await page.locator('.govuk-inset-text').textContent()).toMatch(
      /^Movement cannot be shown: one judgement per council in the published file/,
    );
    const table = page.locator('[aria-label$="latest judgements by council type"] table');
    expect(await table.locator('tbody tr').count()).toBe(5); // four council types and all councils
    expect(await table.locator('thead th').allTextContents()).toEqual([
      'Council type',
      'Councils',
      'With a judgement',
      'Outstanding',
      'Good',
      'Requires improvement',
      'Inadequate',
      'Good or better',
      'No judgement held',
    ]);
    expect(await page.getByRole('heading', { name: /movement between judgements/ }).count()).toBe(0);
    await expectNoAxeViolations(page);
    await page.close();
  });
});
