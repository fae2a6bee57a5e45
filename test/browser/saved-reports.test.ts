/// <reference lib="dom" />
/**
 * Saved reports in Debian's Chromium without JavaScript, over a real server and the publishers' files: a council user
 * signs in, builds a bar report and a scatter report (an error first, with its summary), saves them, makes the second
 * public from the report page; a visitor finds both at /reports and sees the embed. axe-core's WCAG 2.2 AA rules pass
 * on
 * the builder (with and without errors), the report pages and the embed.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, serveToChromium, type BrowserServer } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { seedAreas } from '../helpers/seed.ts';
import { sharedFile } from '../helpers/shared-data.ts';
import { importFiles } from '../../src/modules/imports/index.ts';
import { servicesFor } from '../../src/app/services.ts';

/** A saved report's address. */
const REPORT_PAGE = /^\/reports\/[A-Za-z0-9_-]{24}$/;

describe('saved reports in Chromium', () => {
  let db: TestDb;
  let server: BrowserServer;
  let officer: BrowserContext;
  let visitor: BrowserContext;
  let base: string;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedAreas(db);
    const r = await importFiles(db, 'oflog-asc', [sharedFile('performance/oflog_adult_social_care_2015_2023.csv')], {
      publish: true,
    });
    if (r.state !== 'published') throw new Error(`oflog-asc: ${r.message}`);
    await servicesFor(db).accounts.addUser({
      email: 'officer@trafford.example',
      name: 'Trafford Officer',
      role: 'council',
      council: 'E08000009',
      password: 'correct horse battery staple',
    });
    server = await serveToChromium(db);
    base = server.base;
    officer = await server.browser.newContext({ javaScriptEnabled: false });
    visitor = await server.browser.newContext({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const open = (path: string, context: BrowserContext): Promise<Page> => server.open(path, context);

  let barUrl = '';
  let scatterUrl = '';

  it('a council user signs in and builds a bar report without JavaScript, after correcting an error', async () => {
    const page = await open('/reports/new', officer);
    expect(page.url()).toContain('/sign-in?next=');
    await page.getByLabel('Email address').fill('officer@trafford.example');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(new URL(page.url()).pathname).toBe('/reports/new');
    expect(await page.locator('h1').textContent()).toBe('Build a report');
    expect(await page.getByLabel('Council to highlight 1').inputValue()).toBe('Trafford (E08000009)');
    await expectNoAxeViolations(page);

    // No measure and a misspelt council: the error summary links to the first measure and to the council's field.
    await page.getByLabel('Title').fill('Reablement in the metropolitan districts');
    await page.getByLabel('Council to highlight 2 (optional)').fill('Stockprot');
    await page.getByRole('button', { name: 'Save report' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toMatch(/Choose at least one measure/);
    expect(await page.locator('.govuk-error-summary a').first().getAttribute('href')).toBe('#metric1');
    expect(await page.locator('.govuk-error-summary a[href="#area2"]').textContent()).toMatch(
      /No council is called “Stockprot”/,
    );
    await expectNoAxeViolations(page);
    await page.getByLabel('Council to highlight 2 (optional)').fill('');

    await page.getByLabel('Bar chart').check();
    await page.getByLabel(/^Measure 1/).selectOption('oflog.asc5');
    await page.getByLabel('Compare with a group').selectOption('type:E08');
    await page.getByLabel('Everyone: list it on the saved reports page').check();
    // The report page loaded, its stylesheet applied (which of the chart's versions shows depends on it).
    await Promise.all([
      page.waitForURL((u) => REPORT_PAGE.test(u.pathname)),
      page.getByRole('button', { name: 'Save report' }).click(),
    ]);
    expect(new URL(page.url()).pathname).toMatch(REPORT_PAGE);
    barUrl = new URL(page.url()).pathname;
    expect(await page.locator('h1').textContent()).toBe('Reablement in the metropolitan districts');
    expect(await page.locator('section svg[role="img"]:visible').count()).toBe(1);
    expect(await page.locator('section table tbody tr').count()).toBe(37); // 36 districts and the median
    expect(await page.locator('tr.app-highlight th').textContent()).toMatch(/Trafford/);
    expect(await page.getByLabel('Permalink').inputValue()).toBe(`${base}${barUrl}`);
    expect(await page.getByRole('link', { name: 'CSV' }).getAttribute('href')).toMatch(/\.csv$/);
    await expectNoAxeViolations(page);
    await page.close();
  });

  it('builds a scatter report privately, then makes it public from the report page', async () => {
    const page = await open('/reports/new', officer);
    await page.getByLabel('Title').fill('Workforce turnover and quality of life');
    await page.getByLabel('Spend against outcome (value for money)').check();
    await page.getByLabel(/^Measure 1/).selectOption('oflog.asc7');
    await page.getByLabel(/^Measure 2/).selectOption('oflog.asc2');
    await page.getByLabel('Compare with a group').selectOption('region:E12000002');
    await page.getByLabel('Only me (and analysts and administrators)').check();
    await Promise.all([
      page.waitForURL((u) => REPORT_PAGE.test(u.pathname)),
      page.getByRole('button', { name: 'Save report' }).click(),
    ]);
    scatterUrl = new URL(page.url()).pathname;
    expect(scatterUrl).toMatch(REPORT_PAGE);
    expect(await page.locator('.app-sentence').textContent()).toMatch(
      /Pearson's r = .*does not show that one causes the other/,
    );
    expect(await page.locator('svg.app-chart--scatter:visible').count()).toBe(1);
    expect(await page.locator('details.govuk-details').count()).toBe(0); // no embed code while private
    await expectNoAxeViolations(page);

    expect((await (await visitor.newPage()).goto(`${base}${scatterUrl}`))?.status()).toBe(404);
    await page.getByLabel('Everyone: list it on the saved reports page').check();
    await page.getByRole('button', { name: 'Change who can see it' }).click();
    expect(new URL(page.url()).pathname).toBe(scatterUrl);
    expect(await page.getByLabel('Everyone: list it on the saved reports page').isChecked()).toBe(true);
    expect(await page.getByLabel('Embed code').inputValue()).toContain(`/embed${scatterUrl}`);
    await page.close();
  });

  it('a visitor finds both reports at /reports, opens one and sees the embed', async () => {
    const list = await open('/reports', visitor);
    await expectNoAxeViolations(list);
    await list.getByRole('link', { name: 'Workforce turnover and quality of life' }).click();
    expect(new URL(list.url()).pathname).toBe(scatterUrl);
    expect(await list.getByLabel('Permalink').count()).toBe(0);
    await expectNoAxeViolations(list);
    await list.goto(`${base}/reports`);
    expect(
      await list.getByRole('link', { name: 'Reablement in the metropolitan districts' }).getAttribute('href'),
    ).toBe(barUrl);

    for (const url of [`/embed${scatterUrl}`, `/embed${barUrl}`]) {
      const embed = await visitor.newPage();
      const res = await embed.goto(`${base}${url}`);
      expect(res?.status()).toBe(200);
      expect(res?.headers()['content-security-policy']).toMatch(/(^|; )frame-ancestors \*$/);
      expect(await embed.locator('header, nav').count()).toBe(0);
      expect(await embed.locator('svg[role="img"]:visible').count()).toBe(1);
      expect(await embed.locator('table').count()).toBe(1);
      expect(await embed.locator('body').textContent()).toMatch(/Licence: OGL-UK-3\.0/);
      expect(await embed.getByRole('link', { name: 'Download the data (CSV)' }).getAttribute('href')).toBe(
        `${base}/api/v1/reports/${url.split('/').pop()}.csv`,
      );
      await expectNoAxeViolations(embed);
      await embed.close();
    }
    await list.close();
  });
});
