/// <reference lib="dom" />
/**
 * Councils by name and embeds that fit, in Debian's Chromium over a real server and real data: the compare form
 * reached by typing "St Helens" with the accessible autocomplete (chosen by keyboard) and without JavaScript; the
 * compare embed of Wealden among the districts at 640 px, with and without the height it reports to its host.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chooseCouncilSuggestion,
  expectNoAxeViolations,
  serveToChromium,
  type BrowserServer,
} from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { seedAreas } from '../helpers/seed.ts';
import { sharedFile } from '../helpers/shared-data.ts';
import { importFiles } from '../../src/modules/imports/index.ts';

const WEALDEN = '/compare?metric=defra.household-recycling-rate&area=Wealden&group=type%3AE07';

describe('councils by name and embeds that fit, in Chromium', () => {
  let db: TestDb;
  let server: BrowserServer;
  let js: BrowserContext;
  let noJs: BrowserContext;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedAreas(db);
    for (const [adapter, file] of [
      ['oflog-asc', 'performance/oflog_adult_social_care_2015_2023.csv'],
      ['defra-recycling', 'performance/defra_household_recycling_rate_2015_2024.csv'],
    ] as const) {
      const r = await importFiles(db, adapter, [sharedFile(file)], { publish: true });
      if (r.state !== 'published') throw new Error(`${adapter}: ${r.message}`);
    }
    server = await serveToChromium(db);
    js = await server.browser.newContext();
    noJs = await server.browser.newContext({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  /** Once the council is found, the form asks for the group; metropolitan districts chosen, the comparison shows. */
  async function chooseGroupAndCompare(page: Page) {
    expect(await page.locator('.govuk-error-summary').textContent()).toMatch(
      /Choose the councils to compare St\. Helens with/,
    );
    await expectNoAxeViolations(page);
    await page.locator('#group').selectOption('type:E08');
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.waitForURL(/group=type%3AE08/);
    expect(await page.locator('main h2').first().textContent()).toMatch(/^St\. Helens: /);
    expect(await page.locator('tr.app-highlight th').textContent()).toMatch(/St\. Helens/);
  }

  it('without JavaScript: "St Helens" typed in the compare form reaches the comparison', async () => {
    const page = await server.open('/compare', noJs);
    await expectNoAxeViolations(page);
    await page.getByLabel('Service area').selectOption('community-wellbeing');
    await page.getByRole('button', { name: 'Show its measures' }).click();
    await page.getByLabel('Measure').selectOption('oflog.asc5');
    await page.getByLabel('Council').fill('St Helens');
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.waitForURL(/area=St\+Helens/);
    expect(await page.getByLabel('Council').inputValue()).toBe('St. Helens (E08000013)');
    await chooseGroupAndCompare(page);
    await page.close();
  });

  it('with JavaScript: the autocomplete suggests St. Helens as "St Helens" is typed, chosen with the keyboard', async () => {
    const page = await server.open('/compare?topic=community-wellbeing&step=measures', js);
    await page.locator('#metric').waitFor({ state: 'attached' });
    // The measure select is enhanced too; its hidden select keeps the value sent.
    await page
      .locator('select#metric-select, select[name="metric"]')
      .first()
      .selectOption('oflog.asc5', { force: true });
    expect(await chooseCouncilSuggestion(page, 'area', 'St Helens', /St\. Helens/)).toBe('St. Helens (E08000013)');
    await Promise.all([
      page.waitForURL(/area=St\.\+Helens\+%28E08000013%29/),
      page.getByRole('button', { name: 'Compare', exact: true }).click(),
    ]);
    await chooseGroupAndCompare(page);
    await page.close();
  });

  it('an ambiguous name offers its councils to choose from, passing axe', async () => {
    const page = await server.open('/compare?metric=oflog.asc5&area=Kingston&group=', noJs);
    expect(await page.locator('.govuk-error-summary').textContent()).toMatch(/More than one council is called/);
    await page.getByLabel('Kingston upon Thames (E09000021), london borough').check();
    await expectNoAxeViolations(page);
    await page.close();
  });

  it('at 640 px without JavaScript the compare embed of Wealden among the districts shows Wealden in the suggested height', async () => {
    const compare = await server.open(WEALDEN, noJs);
    const code = await compare.locator('#embed-code').inputValue();
    await compare.close();
    const src = /src="([^"]+)"/.exec(code)![1]!;
    const height = Number(/ height="(\d+)"/.exec(code)![1]);
    const context = await server.browser.newContext({ javaScriptEnabled: false, viewport: { width: 640, height } });
    const page = await context.newPage();
    await page.goto(src);
    const of = await page.locator('figcaption').textContent();
    expect(of).toMatch(/ranks \d+ to \d+ of 16\d/);
    // The council compared, in the chart and the table's summary, is inside the frame; so is all the content.
    const label = page.locator('svg text:visible', { hasText: '▶ Wealden' });
    const box = (await label.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(height);
    const content = await page.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
    expect(content).toBeLessThanOrEqual(height);
    // …and not far less: the suggestion fits the content rather than guessing high.
    expect(content).toBeGreaterThan(height - 200);
    await expectNoAxeViolations(page);
    await context.close();
  });

  it('with JavaScript the embed reports its height to the host page, whose snippet resizes the frame', async () => {
    const compare = await server.open(WEALDEN, noJs);
    const code = await compare.locator('#embed-code').inputValue();
    await compare.close();
    const context = await server.browser.newContext({ viewport: { width: 640, height: 900 } });
    const host = await context.newPage();
    // A council's page on another site (another origin: its own server), holding the embed code as offered.
    const site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><html lang="en"><head><title>Host</title></head><body>${code}</body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    await host.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
    const frame = host.locator('iframe[data-sli-embed]');
    const embedded = (await frame.elementHandle())!;
    const inner = (await embedded.contentFrame())!;
    await inner.waitForSelector('figcaption');
    await inner.waitForLoadState('load');
    const reported = await inner.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
    await expect.poll(() => frame.evaluate((f) => (f as HTMLIFrameElement).style.height)).toBe(`${reported}px`);
    // Opening the table makes the widget taller: the frame follows.
    await inner.locator('summary').click();
    const taller = await inner.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
    expect(taller).toBeGreaterThan(reported);
    await expect.poll(() => frame.evaluate((f) => (f as HTMLIFrameElement).style.height)).toBe(`${taller}px`);
    await context.close();
    await new Promise((resolve) => site.close(resolve));
  });
});
