/// <reference lib="dom" />
/**
 * Comparison groups in Debian's Chromium without JavaScript, over a real server, the real geography and DfE's 2025
 * statistical neighbours: a visitor lists the groups, finds a council's and opens its neighbour set and a built-in
 * group as at a date; a council officer is sent to sign in, creates a group after correcting the form's errors, finds
 * it
 * under "Your groups" and deletes it. axe-core's WCAG 2.2 AA rules pass on every page, the form with its errors too.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, serveToChromium, type BrowserServer } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { seedAreas } from '../helpers/seed.ts';
import { sharedFile } from '../helpers/shared-data.ts';
import { importFiles } from '../../src/modules/imports/index.ts';
import { servicesFor } from '../../src/app/services.ts';

const DFE_TRAFFORD = '/groups/dfe-statistical-neighbours@2025:E08000009';

describe('comparison groups in Chromium', () => {
  let db: TestDb;
  let server: BrowserServer;
  let officer: BrowserContext;
  let visitor: BrowserContext;
  let base: string;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedAreas(db);
    const r = await importFiles(
      db,
      'dfe-statistical-neighbours',
      [sharedFile('similar_councils/dfe_childrens_services_statistical_neighbours_2025.csv')],
      { publish: true },
    );
    if (r.state !== 'published') throw new Error(`dfe-statistical-neighbours: ${r.message}`);
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
  const path = (page: Page) => decodeURIComponent(new URL(page.url()).pathname);

  it("a visitor lists the groups, finds a council's groups and opens its neighbour set", async () => {
    const page = await open('/', visitor);
    await page.getByRole('link', { name: 'Groups', exact: true }).click();
    expect(path(page)).toBe('/groups');
    expect(await page.locator('h1').textContent()).toBe('Comparison groups');
    expect(await page.locator('#families ~ h3').first().textContent()).toMatch(/statistical neighbours/i);
    await expectNoAxeViolations(page);

    await page.getByLabel('Show the groups one council can be compared with').fill('Trafford');
    await page.getByRole('button', { name: 'Show groups' }).click();
    expect(await page.locator('#council').textContent()).toBe('Groups Trafford can be compared with');
    await expectNoAxeViolations(page);

    await page.locator(`a[href="${DFE_TRAFFORD}"]`).click();
    expect(path(page)).toBe(DFE_TRAFFORD);
    expect(await page.locator('#members tbody tr').count()).toBe(10);
    expect(await page.locator('#members tbody tr').first().textContent()).toMatch(
      /1\s*Hertfordshire\s*E10000015\s*County\s*Very close/,
    );
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'Hertfordshire' }).click();
    expect(path(page)).toBe('/areas/E10000015');
    expect(new URL(page.url()).searchParams.get('group')).toBe('dfe-statistical-neighbours@2025:E08000009');
    await page.close();
  });

  it('a built-in group follows the geography as at the date asked for', async () => {
    const page = await open('/groups/type:E08', visitor);
    expect(await page.locator('#members tbody tr').count()).toBe(36);
    expect(await page.locator('#members').textContent()).toContain('E08000038');
    await page.getByLabel('Show as at a date').fill('2024-06-01');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    expect(new URL(page.url()).searchParams.get('at')).toBe('2024-06-01');
    expect(await page.locator('#members').textContent()).toContain('E08000016');
    await expectNoAxeViolations(page);
    await page.close();
  });

  it('a council officer signs in, creates a group after correcting errors, finds it under Your groups and deletes it', async () => {
    const page = await open('/groups/new', officer);
    expect(page.url()).toContain('/sign-in?next=');
    await page.getByLabel('Email address').fill('officer@trafford.example');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(path(page)).toBe('/groups/new');
    expect(await page.getByLabel('Member councils').inputValue()).toBe('E08000009');
    await expectNoAxeViolations(page);

    await page.getByLabel('Member councils').fill('E08000009\nE07000150, E08000009');
    await page.getByRole('button', { name: 'Save group' }).click();
    const summary = page.locator('.govuk-error-summary');
    expect(await summary.textContent()).toMatch(/Name: is required/);
    expect(await summary.textContent()).toMatch(
      /Council 2 in the list, “E07000150”: .*its successor is E06000061 \(North Northamptonshire\)/,
    );
    expect(await summary.textContent()).toMatch(/Council 3 in the list, “E08000009”: is listed twice/);
    expect(await page.locator('.govuk-error-summary a').nth(1).getAttribute('href')).toBe('#members');
    expect(await page.getByLabel('Member councils').inputValue()).toBe('E08000009\nE07000150, E08000009');
    await expectNoAxeViolations(page, { asShown: true });

    await page.getByLabel('Name', { exact: true }).fill('Trafford and its neighbours');
    await page.getByLabel('Member councils').fill('E08000009\nE06000061, E08000003');
    await page.getByLabel('Anyone with the link').check();
    await page.getByRole('button', { name: 'Save group' }).click();
    const groupPath = path(page);
    expect(groupPath).toMatch(/^\/groups\/custom-\d+$/);
    expect(await page.locator('h1').textContent()).toBe('Trafford and its neighbours');
    expect(await page.locator('#members tbody tr').count()).toBe(3);
    expect(await page.locator('#about').textContent()).toMatch(/Shared: anyone with the link/);
    await expectNoAxeViolations(page);
    expect((await (await visitor.newPage()).goto(`${base}${groupPath}`))?.status()).toBe(200);

    await page.getByRole('link', { name: 'Back to comparison groups' }).click();
    expect(await page.locator('#yours + [role="region"] table').textContent()).toContain('Trafford and its neighbours');
    await expectNoAxeViolations(page);

    await page.goto(`${base}${groupPath}`);
    await page.getByRole('button', { name: 'Delete this group' }).click();
    expect(path(page)).toBe('/groups');
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
      `Group ${groupPath.split('/').pop()} has been deleted.`,
    );
    expect(await page.locator('#yours + p').textContent()).toBe('You have not saved a group yet.');
    await expectNoAxeViolations(page);
    expect((await (await visitor.newPage()).goto(`${base}${groupPath}`))?.status()).toBe(404);
    await page.close();
  });
});
