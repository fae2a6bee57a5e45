/// <reference lib="dom" />
/**
 * An analyst signs in and previews a draft import in Chromium with JavaScript switched off: the imports list and the
 * draft's page (new metrics, changed definitions field by field) pass axe-core's WCAG 2.2 AA rules and reflow at
 * 320 CSS px without sideways scrolling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, serveToChromium, type BrowserServer } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { fixtureAdapter, seedFixtureAreas, testMetric } from '../helpers/fixtures.ts';
import { runImport } from '../../src/modules/imports/index.ts';
import { servicesFor } from '../../src/app/services.ts';

describe('draft import preview in Chromium', () => {
  let db: TestDb;
  let server: BrowserServer;
  let draftId = 0;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedFixtureAreas(db);
    const old = testMetric('t.bins', { title: 'Missed bins', caveats: 'Old caveat' });
    await runImport(db, {
      adapter: fixtureAdapter([old], [['t.bins', 'E06000001', 2022, 1]]),
      files: [],
      publish: true,
    });
    const changed = testMetric('t.bins', {
      title: 'Missed bins',
      caveats: 'A much longer caveat that explains the new collection method, which a narrow screen must wrap.',
      applicableAreaTypes: ['E06', 'E07', 'E08', 'E09', 'E10', 'E11'],
    });
    const fresh = testMetric('t.fresh', { title: 'A brand new measure' });
    const draft = await runImport(db, {
      adapter: fixtureAdapter([changed, fresh], [['t.fresh', 'E08000009', 2022, 2]]),
      files: [],
    });
    draftId = draft.importId!;
    await servicesFor(db).accounts.addUser({
      email: 'analyst@imports.example',
      name: 'Imports Analyst',
      role: 'analyst',
      password: 'correct horse battery staple',
    });
    server = await serveToChromium(db);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('the analyst reaches the draft from the imports list; both pages pass axe and reflow at 320 px', async () => {
    const context = await server.browser.newContext({ javaScriptEnabled: false });
    const page = await server.open('/imports', context);
    expect(page.url()).toContain('/sign-in?next=');
    await page.getByLabel('Email address').fill('analyst@imports.example');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(new URL(page.url()).pathname).toBe('/imports');
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: `Draft import ${draftId}` }).click();
    expect(new URL(page.url()).pathname).toBe(`/imports/${draftId}`);
    expect(await page.locator('h1').textContent()).toBe(`Draft import ${draftId}`);
    expect(await page.getByRole('link', { name: 'A brand new measure' }).getAttribute('href')).toBe(
      `/api/v1/metrics/t.fresh?draft=${draftId}`,
    );
    const caveats = page.getByRole('row', { name: /^caveats/ });
    expect(await caveats.locator('td').allTextContents()).toEqual([
      'Old caveat',
      'A much longer caveat that explains the new collection method, which a narrow screen must wrap.',
    ]);
    await expectNoAxeViolations(page);
    for (const path of ['/imports', `/imports/${draftId}`]) {
      await page.setViewportSize({ width: 320, height: 640 });
      await page.goto(`${server.base}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await context.close();
  });
});
