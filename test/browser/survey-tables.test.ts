/// <reference lib="dom" />
/**
 * An analyst reads a wave's report tables (a chart and a table per question) and themes free-text answers in Chromium
 * with JavaScript switched off; both pages pass axe-core's WCAG 2.2 AA rules.
 */
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/app.ts';
import { expectNoAxeViolations, launchChromium } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { seedAreas } from '../helpers/seed.ts';
import { answerAndSubmit, isoIn, PERCEPTION_V1, surveysFor } from '../helpers/surveys.ts';
import type { App } from '../../src/platform/app-types.ts';
import { servicesFor } from '../../src/app/services.ts';

describe('survey tables and free-text themes in Chromium', () => {
  let db: TestDb;
  let app: App;
  let browser: Browser;
  let noJs: BrowserContext;
  let base: string;
  let waveId = 0;
  let secondWave = 0;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedAreas(db);
    await servicesFor(db).accounts.addUser({
      email: 'analyst@tables.example',
      name: 'Tables Analyst',
      role: 'analyst',
      password: 'correct horse battery staple',
    });
    app = await createTestApp(db);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const s = surveysFor(db);
    const by = { name: 'Tables Analyst' };
    await s.surveys.loadDefinition(PERCEPTION_V1, by);
    for (const name of ['Tables wave', 'Second wave']) {
      const wave = await s.surveys.createWave(
        { survey: 'council-perception', version: 1, name, mode: 'frame', opensAt: isoIn(-1), closesAt: isoIn(30) },
        by,
      );
      if (waveId === 0) waveId = wave.id;
      else secondWave = wave.id;
      const councils = ['E08000009', 'E06000001'];
      await s.frames.build(wave.id, { members: councils.map((area) => ({ area, role: 'Leader' })) });
      const links = await s.frames.issueLinks(wave.id, base, false);
      for (const [i, area] of councils.entries()) {
        await answerAndSubmit(db, links.find((l) => l.area_code === area)!.link, [
          ['Q1', '1'],
          ['Q2', ['peer']],
          ['Q3', i === 0 ? 'Clear advice from peers' : 'Saved us time'],
          ['Q4.a', '1'],
          ['Q4.b', '2'],
        ]);
      }
    }
    browser = await launchChromium();
    noJs = await browser.newContext({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  it('the analyst reads the tables and tags a free-text answer with themes; both pages pass axe', async () => {
    const page = await noJs.newPage();
    await page.goto(`${base}/surveys/tables?waves=${waveId}`);
    expect(page.url()).toContain('/sign-in?next=');
    await page.getByLabel('Email address').fill('analyst@tables.example');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(page.url()).toContain(`/surveys/tables?waves=${waveId}`);
    expect(await page.locator('h1').innerText()).toBe('Council perception survey');
    expect(await page.locator('figure svg').count()).toBeGreaterThan(3);
    const q1 = page.locator('table', { has: page.locator('caption', { hasText: 'Q1: percentages' }) });
    expect(await q1.locator('tr', { hasText: 'Very well informed' }).innerText()).toContain('100 (2)');
    await expectNoAxeViolations(page);

    await page.getByRole('link', { name: 'Q3', exact: true }).click();
    expect(await page.locator('h1').innerText()).toContain('Q3.');
    await expectNoAxeViolations(page);
    const first = page.locator('.govuk-summary-card').first();
    expect(await first.innerText()).toContain('Clear advice from peers');
    await first.getByLabel('Themes for this answer').fill('Advice, peers');
    await first.getByRole('button', { name: 'Save themes' }).click();
    const counts = await page.locator('table').first().innerText();
    expect(counts).toContain('advice');
    expect(counts).toContain('peers');
    expect(counts).toMatch(/Not yet tagged\s+1/);
    await expectNoAxeViolations(page);

    // Two waves side by side, and one measure followed as a series with its chart.
    await page.goto(`${base}/surveys/tables?waves=${waveId},${secondWave}&by=wave`);
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'series of Very well informed at Q1' }).click();
    expect(await page.locator('h1').innerText()).toBe('Very well informed');
    expect(await page.locator('figure svg:visible').count()).toBe(1);
    await expectNoAxeViolations(page);
    await page.close();
  });
});
