/// <reference lib="dom" />
/**
 * The public pages in Debian's Chromium over a real server and a real database seeded with the publishers' files:
 * journeys work with JavaScript switched off, by keyboard, and every page passes axe-core's WCAG 2.2 AA rules.
 */
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/app.ts';
import { expectNoAxeViolations, launchChromium } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { ELS_FILES, importPublished, seedAreas } from '../helpers/seed.ts';
import type { App } from '../../src/platform/app-types.ts';
import { servicesFor } from '../../src/app/services.ts';

describe('public pages in Chromium', () => {
  let db: TestDb;
  let app: App;
  let browser: Browser;
  let noJs: BrowserContext;
  let base: string;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedAreas(db);
    await importPublished(db, [
      [
        'boundaries',
        [
          'boundaries/england_ltla_2025.geojson',
          'boundaries/england_utla_2025.geojson',
          'boundaries/england_ltla_2019.geojson',
          'boundaries/england_utla_2019.geojson',
        ],
      ],
      ['oflog-asc', ['performance/oflog_adult_social_care_2015_2023.csv']],
      ['defra-recycling', ['performance/defra_household_recycling_rate_2015_2024.csv']],
      // The inputs of our neighbours model, so the council page shows its similar councils.
      ['population', ['performance/population/ons_mid_year_population_2019_2020_la.csv']],
      ['imd', ['performance/deprivation/imd2025_england_lad24.csv']],
      ['els', ELS_FILES],
    ]);
    const nn = await servicesFor(db).neighbours.build({ version: '1' });
    if (nn.summary.state !== 'published') throw new Error(`neighbours: ${nn.summary.message}`);
    await servicesFor(db).sector.loadBasket({
      id: 'sector-key',
      version: 'browser',
      name: 'Key measures',
      description: 'For the browser tests',
      baseline: '2018-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [
        { metric: 'oflog.asc5', why: 'Reablement outcomes.' },
        { metric: 'oflog.asc2', why: 'Quality of life of people who use services.' },
        { metric: 'defra.household-recycling-rate', why: 'A service every council runs.' },
      ],
    });
    const ew = servicesFor(db).earlyWarning;
    await ew.load({
      id: 'sector-early-warning',
      version: 'browser',
      name: 'Browser rules',
      description: 'For the browser tests',
      rules: [
        {
          id: 'bottom-quartile',
          type: 'bottom-quartile',
          statement: 'In the bottom quarter of councils of its type on at least 2 key measures.',
          params: { basket: 'sector-key', k: 2, group: 'same-type' },
        },
      ],
    });
    await ew.screen();
    await servicesFor(db).accounts.addUser({
      email: 'analyst@sector.example',
      name: 'Sector Analyst',
      role: 'analyst',
      password: 'correct horse battery staple',
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

  const open = async (path: string, context?: BrowserContext): Promise<Page> => {
    const page = await (context ?? noJs).newPage();
    const res = await page.goto(`${base}${path}`);
    expect(res?.status(), path).toBeLessThan(500);
    return page;
  };

  it('finds a council by name without JavaScript and reaches its page', async () => {
    const page = await open('/');
    await expectNoAxeViolations(page);
    await page.getByLabel('Find a council').fill('Traff');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.url()).toContain('q=Traff');
    expect(await page.locator('#results').textContent()).toMatch(/1 council found for ‘Traff’/);
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'Trafford' }).click();
    expect(await page.locator('h1').textContent()).toBe('Trafford');
    await page.close();
  });

  it('shows a council with its geography and its key measures against a group it can change', async () => {
    const page = await open('/areas/E08000009');
    expect(await page.locator('.govuk-summary-list').first().textContent()).toMatch(/Greater Manchester/);
    expect(await page.locator('#headline').textContent()).toBe('Key measures compared');
    expect(await page.locator('.app-measure').count()).toBe(3);
    // One trend chart per measure (the wide drawing; the narrow one is for phones), behind its details.
    expect(await page.locator('.app-measure .app-chart__wide svg[role="img"]').count()).toBe(3);
    expect(await page.locator('#similar + p + [role="region"] table tbody tr').count()).toBe(15);
    await expectNoAxeViolations(page);
    await page.getByLabel('Compare with').selectOption('region:E12000002');
    await page.getByRole('button', { name: 'Update' }).click();
    expect(await page.locator('#headline ~ p').first().textContent()).toMatch(
      /Trafford compared with Councils in North West/,
    );
    await page.close();
  });

  it("a district's page lists county services it does not run, with the county that runs them", async () => {
    const page = await open('/areas/E07000117');
    expect(await page.locator('body').textContent()).toMatch(
      /Services Burnley does not run[\s\S]*Lancashire \(E10000017\) runs this service for Burnley/,
    );
    await expectNoAxeViolations(page);
    await page.close();
  });

  it("a retired council's page says so and links its successor, never redirecting", async () => {
    const page = await open('/areas/E07000150');
    expect(page.url()).toBe(`${base}/areas/E07000150`);
    expect(await page.locator('.govuk-warning-text').textContent()).toMatch(
      /no longer exists[\s\S]*North Northamptonshire/,
    );
    await expectNoAxeViolations(page);
    await page.close();
  });

  it('opens a measure from the catalogue and changes the period: table, bar chart and map', async () => {
    const page = await open('/metrics');
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'Outcome of short-term services: sequel to service' }).click();
    expect(await page.locator('h1').textContent()).toBe('Outcome of short-term services: sequel to service');
    await page.getByLabel('Period').selectOption({ label: '2019/20' });
    // The page for the period loaded, its stylesheet applied (which charts show depends on it).
    await Promise.all([
      page.waitForURL((u) => u.searchParams.has('period')),
      page.getByRole('button', { name: 'Show' }).click(),
    ]);
    expect(await page.locator('#figures caption').textContent()).toMatch(/2019\/20, every council/);
    expect(await page.locator('#figures tbody tr').count()).toBeGreaterThan(140);
    expect(await page.locator('figure svg[role="img"]:visible').count()).toBe(2); // bar chart and map
    // 2019/20 is drawn on the 2019 boundaries: Northamptonshire was still a county.
    expect(await page.locator('figure').nth(1).textContent()).toMatch(/Northamptonshire/);
    await expectNoAxeViolations(page);
    await page.close();
  });

  it('a measure highlighted for a council shows its trend, and the comparison page ranks it', async () => {
    const page = await open('/metrics/oflog.asc5?area=E08000009');
    expect(await page.locator('figure svg[role="img"]:visible').count()).toBe(3);
    expect(await page.locator('tr.app-highlight').textContent()).toMatch(/Trafford/);
    await expectNoAxeViolations(page);
    const compare = await open('/compare?metric=oflog.asc5&area=E08000009&group=type:E08');
    expect(await compare.locator('.govuk-body-l').textContent()).toMatch(
      /^Trafford is .* of the 36 metropolitan districts/,
    );
    expect(await compare.locator('table tbody tr').count()).toBe(36);
    await expectNoAxeViolations(compare);
    await page.close();
    await compare.close();
  });

  it('a council puts a comparison on its own website: the embed carries the chart, the table, caveats, licence and a link to the data', async () => {
    const compare = await open('/compare?metric=oflog.asc5&area=E08000009&group=type:E08');
    const code = await compare.locator('#embed-code').inputValue();
    const src = /src="([^"]+)"/.exec(code)![1]!;
    expect(src).toBe(`${base}/embed/compare?metric=oflog.asc5&area=E08000009&group=type%3AE08`);
    await compare.close();
    const page = await noJs.newPage();
    const res = await page.goto(src);
    expect(res!.headers()['content-security-policy']).toMatch(/(^|; )frame-ancestors \*$/);
    expect(await page.locator('h1').textContent()).toMatch(/Trafford and Metropolitan districts/i);
    expect(await page.locator('figure svg[role="img"]:visible').count()).toBe(1);
    // Trafford and the councils nearest it in rank; the rest behind the link to the full comparison.
    expect(await page.locator('table tbody tr').count()).toBe(7);
    expect(await page.locator('tr.focus th').textContent()).toBe('Trafford');
    expect(await page.locator('a', { hasText: 'Download the data (CSV)' }).getAttribute('href')).toMatch(
      /\/api\/v1\/compare\.csv\?/,
    );
    expect(await page.locator('body').textContent()).toMatch(/Licence: OGL-UK-3\.0/);
    await expectNoAxeViolations(page);
    await page.close();
    // Every other page refuses to be framed by another site.
    const home = await noJs.newPage();
    const h = await home.goto(`${base}/`);
    expect(h!.headers()['x-frame-options']).toBe('SAMEORIGIN');
    await home.close();
  });

  it('the comparison form shows an error summary when the measure does not apply to the council', async () => {
    const page = await open('/compare?metric=oflog.asc5&area=E07000117&group=england');
    expect(await page.locator('.govuk-error-summary').textContent()).toMatch(/does not apply to Burnley/);
    await expectNoAxeViolations(page);
    await page.close();
  });

  it('the sector overview shows the direction of travel by service area with the method', async () => {
    const page = await open('/sector?area=E08000009');
    expect(await page.locator('h1').textContent()).toMatch(/Direction of travel: Trafford/);
    expect(await page.locator('table').nth(1).locator('tbody tr').count()).toBe(3);
    await expectNoAxeViolations(page);
    await page.close();
  });

  it('the footer leads to the recent changes in plain English, paged back and forth, passing axe', async () => {
    const page = await open('/');
    await page.getByRole('link', { name: 'Recent changes' }).click();
    expect(new URL(page.url()).pathname).toBe('/changes');
    expect(await page.locator('h1').textContent()).toBe('Recent changes');
    expect(await page.locator('main li').count()).toBe(50);
    expect(await page.locator('main li').first().textContent()).toMatch(/^Import #\d+ \(.+\) was published on /);
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'Older changes' }).click();
    expect(page.url()).toMatch(/\/changes\?before=/);
    expect(await page.locator('main li').count()).toBe(50);
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'Newer changes' }).click();
    expect(page.url()).toMatch(/\/changes\?after=/);
    await page.close();
  });

  it('the not-found page is a GOV.UK page that passes axe', async () => {
    const page = await noJs.newPage();
    const res = await page.goto(`${base}/areas/E09999999`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Not found');
    await expectNoAxeViolations(page);
    await page.close();
  });

  it('with JavaScript, GOV.UK Frontend starts under the Content Security Policy, which blocks nothing of ours', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') blocked.push(m.text());
    });
    await page.exposeFunction('reportViolation', (v: string) => blocked.push(v));
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { reportViolation(v: string): void }).reportViolation(
          `${e.violatedDirective} ${e.blockedURI}`,
        ),
      ),
    );
    await page.goto(`${base}/compare?metric=oflog.asc5&area=E08000009&group=type%3AE08`);
    // The template's hashed inline script marks the body; /static/init.js starts the components.
    expect(await page.evaluate(() => document.body.className)).toContain('govuk-frontend-supported');
    await page.waitForSelector('[data-module="govuk-button"][data-govuk-button-init]');
    expect(blocked).toEqual([]);
    await context.close();
  });

  it('a keyboard user reaches the skip link first and then the search box', async () => {
    const context = await browser.newContext();
    const page = await open('/', context);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to main content');
    let reached = false;
    for (let i = 0; i < 15 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.id === 'q');
    }
    expect(reached).toBe(true);
    await context.close();
  });

  it('an analyst signs in, sees the early-warning flags with their evidence and adds a note, without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await open('/sector/early-warning', context);
    expect(page.url()).toContain('/sign-in?next=');
    await expectNoAxeViolations(page);
    await page.getByLabel('Email address').fill('analyst@sector.example');
    await page.getByLabel('Password').fill('wrong password entirely');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toMatch(
      /Enter a correct email address and password/,
    );
    await expectNoAxeViolations(page);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(new URL(page.url()).pathname).toBe('/sector/early-warning');
    expect(await page.locator('h1').textContent()).toBe('Early-warning screening');
    const flags = page.locator('.app-flag');
    expect(await flags.count()).toBeGreaterThan(0);
    await expectNoAxeViolations(page);
    const first = flags.first();
    await first.getByLabel('Add a note to this flag').fill('Peer support offered');
    await first.getByRole('button', { name: 'Add note' }).click();
    expect(await page.locator('.app-flag .govuk-inset-text').first().textContent()).toMatch(
      /Peer support offered[\s\S]*Sector Analyst/,
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect((await page.goto(`${base}/sector/early-warning`))?.url()).toContain('/sign-in');
    await context.close();
  });
});
