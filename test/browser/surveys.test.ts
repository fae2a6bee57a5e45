/// <reference lib="dom" />
/**
 * A respondent fills a short survey end to end in Chromium with JavaScript switched off (keyboard and plain form
 * posts), through a grid answered one row per page, an error, the exclusive "none" and check your answers; every page
 * type passes axe-core's WCAG 2.2 AA rules, and the analyst sees the response rate go up.
 */
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/app.ts';
import { expectNoAxeViolations, launchChromium } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { seedAreas } from '../helpers/seed.ts';
import { isoIn, PERCEPTION_V1, surveysFor } from '../helpers/surveys.ts';
import type { App } from '../../src/platform/app-types.ts';
import { servicesFor } from '../../src/app/services.ts';

describe('survey pages in Chromium', () => {
  let db: TestDb;
  let app: App;
  let browser: Browser;
  let noJs: BrowserContext;
  let base: string;
  let link = '';
  let waveId = 0;
  let openLink = '';

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedAreas(db);
    await servicesFor(db).accounts.addUser({
      email: 'analyst@surveys.example',
      name: 'Survey Analyst',
      role: 'analyst',
      password: 'correct horse battery staple',
    });
    app = await createTestApp(db);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const s = surveysFor(db);
    const by = { name: 'Survey Analyst' };
    await s.surveys.loadDefinition(PERCEPTION_V1, by);
    const wave = await s.surveys.createWave(
      {
        survey: 'council-perception',
        version: 1,
        name: 'Browser wave',
        mode: 'frame',
        opensAt: isoIn(-1),
        closesAt: isoIn(30),
      },
      by,
    );
    waveId = wave.id;
    await s.frames.build(wave.id, {
      members: [
        { area: 'E08000009', role: 'Chief Executive' },
        { area: 'E06000001', role: 'Chief Executive' },
      ],
    });
    link = (await s.frames.issueLinks(wave.id, base, false)).find((l) => l.area_code === 'E08000009')!.link;
    openLink = (
      await s.surveys.createWave(
        {
          survey: 'council-perception',
          version: 1,
          name: 'Consultation',
          mode: 'open',
          opensAt: isoIn(-1),
          closesAt: isoIn(30),
        },
        by,
      )
    ).openLink!;
    browser = await launchChromium();
    noJs = await browser.newContext({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  const heading = (page: Page) => page.locator('h1').first().innerText();
  const next = (page: Page) => page.getByRole('button', { name: 'Continue' }).click();

  it('a respondent answers every page, including a grid one row per page, checks and sends; each page type passes axe', async () => {
    const page = await noJs.newPage();
    expect((await page.goto(link))?.status()).toBe(200);
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Start now' }).click();

    // Radios by keyboard: focus, space to choose, enter submits the form.
    expect(await heading(page)).toContain('How well informed');
    await expectNoAxeViolations(page);
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Continue' }).press('Enter')]);
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Select an answer');
    // The error summary's link leads to the first answer.
    expect(await page.locator('.govuk-error-summary a').getAttribute('href')).toBe('#answer');
    expect(await page.locator('#answer').getAttribute('type')).toBe('radio');
    await expectNoAxeViolations(page);
    await page.getByLabel('Fairly well informed').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Continue');
    await Promise.all([page.waitForURL(/\/q\/Q2$/), page.keyboard.press('Enter')]);

    // Checkboxes with the exclusive "None of these": the server refuses the combination without JavaScript.
    expect(await heading(page)).toContain('Which kinds of support');
    await expectNoAxeViolations(page);
    await page.getByLabel('Peer challenge').check();
    await page.getByLabel('None of these').check();
    await next(page);
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('on its own');
    await page.getByLabel('Peer challenge').uncheck();
    await next(page);

    // Routing: "none" skips the follow-up; the grid comes one row per page, with a back link.
    expect(await heading(page)).toContain('Support is easy to find');
    await expectNoAxeViolations(page);
    await page.getByLabel('Agree', { exact: true }).check();
    await next(page);
    expect(await heading(page)).toContain('Support is good value');
    await page.getByRole('link', { name: 'Back' }).click();
    expect(await page.getByLabel('Agree', { exact: true }).isChecked()).toBe(true);
    await next(page);
    await page.getByLabel('Disagree', { exact: true }).check();
    await next(page);

    expect(await heading(page)).toContain('How many staff');
    await expectNoAxeViolations(page);
    await page.getByLabel('How many staff').fill('twelve');
    await next(page);
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Enter a number');
    await expectNoAxeViolations(page);
    await page.getByLabel('How many staff').fill('12');
    await next(page);

    expect(await heading(page)).toBe('Check your answers before sending them');
    await expectNoAxeViolations(page);
    const summary = await page.locator('.govuk-summary-list').innerText();
    expect(summary).toContain('Fairly well informed');
    expect(summary).toContain('None of these');
    expect(summary).not.toContain('What made');
    // Change an answer from the check page and come back to it.
    await page.getByRole('link', { name: 'Change Support is good value' }).click();
    await page.getByLabel('Neither agree nor disagree').check();
    await page.getByRole('button', { name: 'Save and return to check your answers' }).click();
    expect(await page.locator('.govuk-summary-list').innerText()).toContain('Neither agree nor disagree');
    await page.getByRole('button', { name: 'Send your answers' }).click();
    expect(await page.locator('.govuk-panel__title').innerText()).toBe('Answers sent');
    await expectNoAxeViolations(page);
    await page.close();
  });

  it("a link that is not right, and an open consultation's start page, pass axe", async () => {
    const page = await noJs.newPage();
    const bad = link.replace(/[\w-]{43}$/, 'A'.repeat(43));
    expect((await page.goto(bad))?.status()).toBe(404);
    expect(await heading(page)).toBe('Survey link not recognised');
    await expectNoAxeViolations(page);
    expect((await page.goto(`${base}${openLink}`))?.status()).toBe(200);
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Start now' }).click();
    expect(await heading(page)).toBe('Council perception survey');
    await page.close();
  });

  it('the analyst signs in and sees the response rate by type and region; the pages pass axe', async () => {
    const page = await noJs.newPage();
    await page.goto(`${base}/surveys`);
    expect(page.url()).toContain('/sign-in?next=');
    await page.getByLabel('Email address').fill('analyst@surveys.example');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await heading(page)).toBe('Surveys');
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'Browser wave' }).click();
    expect(page.url()).toContain(`/surveys/council-perception/waves/${waveId}`);
    const text = await page.locator('main').innerText();
    expect(text).toContain('Metropolitan district');
    expect(text).toContain('North West');
    expect(text).toContain('50%');
    await expectNoAxeViolations(page);
    await page.close();
  });
});
