/// <reference lib="dom" />
/**
 * An evaluation officer runs a survey in Debian's Chromium with JavaScript switched off, without a terminal: imports a
 * questionnaire file, opens a wave, uploads a frame of three contacts, sends invitations (the three messages read from
 * a real SMTP server in the test process, sent by the app's own mail worker), one contact follows their link and
 * answers, reminders go to the other two only, and the wave is closed (the reminder's link then says so). Every
 * officer page passes axe-core's WCAG 2.2 AA rules.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, serveToChromium, type BrowserServer } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { seedAreas } from '../helpers/seed.ts';
import { parseMessage, startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { FRAME_CONTACTS } from '../helpers/surveys.ts';
import { servicesFor } from '../../src/app/services.ts';

const OFFICER = { email: 'officer@sector.example', password: 'correct horse battery staple' };
const QUESTIONNAIRE = {
  code: 'support-check',
  version: 1,
  title: 'Support check-in',
  pages: [
    {
      elements: [
        {
          type: 'radiogroup',
          name: 'Q1',
          title: 'How useful was the support you had this year?',
          isRequired: true,
          choices: [
            { value: '1', text: 'Very useful' },
            { value: '2', text: 'Not useful' },
          ],
        },
      ],
    },
  ],
};

/** A date `days` from today as the GOV.UK date input's three fields. */
const dayFields = (days: number) => {
  const d = new Date(Date.now() + days * 86_400_000);
  return { day: String(d.getUTCDate()), month: String(d.getUTCMonth() + 1), year: String(d.getUTCFullYear()) };
};

describe('an evaluation officer fields a survey in Chromium, without a terminal', () => {
  let db: TestDb;
  let smtp: TestSmtp;
  let server: BrowserServer;
  let officer: BrowserContext;
  let files: string;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedAreas(db);
    await servicesFor(db).accounts.addUser({ ...OFFICER, name: 'Eve Evaluator', role: 'analyst' });
    smtp = await startSmtp();
    server = await serveToChromium(db, { ...smtp.env, SLI_MAIL_POLL_MS: '100', SLI_COOKIE_SECURE: 'false' });
    officer = await server.browser.newContext({ javaScriptEnabled: false });
    files = mkdtempSync(path.join(tmpdir(), 'sli-fielding-'));
    writeFileSync(path.join(files, 'support-check.json'), JSON.stringify(QUESTIONNAIRE));
    writeFileSync(path.join(files, 'contacts.csv'), FRAME_CONTACTS);
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
    await db?.drop();
  });

  const pathOf = (page: Page) => new URL(page.url()).pathname;
  const banner = async (page: Page) => (await page.locator('.govuk-notification-banner').textContent()) ?? '';
  /** The survey link in a message, as a path on the server. */
  const linkIn = (raw: string) =>
    new URL(/https?:\/\/\S+\/s\/[\w-]+\/[\w-]+/.exec(parseMessage(raw).text!)![0]).pathname;

  it('imports, opens, frames, invites, takes an answer, reminds the other two and closes', async () => {
    const page = await server.open('/surveys', officer);
    expect(pathOf(page)).toBe('/sign-in');
    await page.getByLabel('Email address').fill(OFFICER.email);
    await page.getByLabel('Password').fill(OFFICER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(pathOf(page)).toBe('/surveys');

    // Import the questionnaire from a file.
    await page.getByRole('button', { name: 'Import a questionnaire' }).click();
    expect(pathOf(page)).toBe('/surveys/questionnaires/new');
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Import the questionnaire' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Choose a questionnaire file');
    await expectNoAxeViolations(page, { asShown: true });
    await page.getByLabel('Questionnaire file').setInputFiles(path.join(files, 'support-check.json'));
    await page.getByRole('button', { name: 'Import the questionnaire' }).click();
    expect(pathOf(page)).toBe('/surveys');
    expect(await banner(page)).toContain('Questionnaire support-check version 1 imported.');
    await expectNoAxeViolations(page);

    // Open a wave: from yesterday to the end of a day a month away (UK time).
    await page.getByRole('button', { name: 'Open a wave' }).click();
    await expectNoAxeViolations(page);
    await page.getByLabel('Questionnaire and version').selectOption('support-check:1');
    await page.getByLabel('Name of the wave').fill('Winter check-in');
    await page.getByLabel('Named people in a sample frame').check();
    const opens = dayFields(-1);
    const closes = dayFields(30);
    for (const [prefix, d] of [
      ['opens', opens],
      ['closes', closes],
    ] as const) {
      await page.locator(`#${prefix}-day`).fill(d.day);
      await page.locator(`#${prefix}-month`).fill(d.month);
      await page.locator(`#${prefix}-year`).fill(d.year);
    }
    await page.getByRole('button', { name: 'Open the wave' }).click();
    expect(pathOf(page)).toMatch(/^\/surveys\/support-check\/waves\/\d+\/fielding$/);
    expect(await page.locator('main').textContent()).toContain('The frame is empty.');
    await expectNoAxeViolations(page);

    // A council by name: one that fits several is offered as choices, said in the summary (nothing added yet).
    await page.getByLabel('Council', { exact: true }).fill('Kingston');
    await page.locator('#one-role').fill('Leader');
    await page.getByRole('button', { name: 'Add this council' }).click();
    expect(await page.locator('.govuk-error-summary a[href="#frame-area"]').textContent()).toMatch(
      /More than one council is called “Kingston”/,
    );
    expect(await page.getByLabel('Kingston upon Thames (E09000021), london borough').count()).toBe(1);
    await expectNoAxeViolations(page, { asShown: true });

    // Upload a frame of three contacts.
    await page.getByLabel('CSV file of contacts').setInputFiles(path.join(files, 'contacts.csv'));
    await page.getByRole('button', { name: 'Add the contacts' }).click();
    expect(await banner(page)).toContain('3 members added to the frame.');
    await expectNoAxeViolations(page);

    // Invitations: three messages, one each, with a personal link.
    await page.getByRole('button', { name: 'Send 3 invitations' }).click();
    expect(await banner(page)).toContain('3 invitations queued to send.');
    const invitations = await smtp.waitFor(3);
    expect(invitations.flatMap((m) => m.to).sort()).toEqual([
      'bo@bolton.example',
      'manny@manchester.example',
      'tess@trafford.example',
    ]);
    const byAddress = new Map(invitations.map((m) => [m.to[0]!, m.raw]));
    for (const raw of byAddress.values()) {
      expect(parseMessage(raw).header('subject')).toBe('Support check-in: your invitation to take part');
      expect(parseMessage(raw).text).toContain('The survey closes at the end of');
    }
    smtp.reset();

    // Tess follows her link and answers.
    const tess = await server.browser.newContext({ javaScriptEnabled: false });
    const answer = await server.open(linkIn(byAddress.get('tess@trafford.example')!), tess);
    expect(await answer.locator('h1').textContent()).toBe('Support check-in');
    await answer.getByRole('button', { name: 'Start now' }).click();
    await answer.getByLabel('Very useful').check();
    await answer.getByRole('button', { name: 'Continue' }).click();
    await answer.getByRole('button', { name: 'Send your answers' }).click();
    expect(pathOf(answer)).toMatch(/\/done$/);

    // Reminders: the two who have not answered, exactly.
    await page.reload();
    await page.getByRole('button', { name: 'Send reminder 1 to 2 who have not answered' }).click();
    expect(await banner(page)).toContain('2 reminders queued to send.');
    const reminders = await smtp.waitFor(2);
    await new Promise((r) => setTimeout(r, 500)); // the worker polls every 100 ms: nothing more arrives
    expect(smtp.received).toHaveLength(2);
    expect(reminders.flatMap((m) => m.to).sort()).toEqual(['bo@bolton.example', 'manny@manchester.example']);
    expect(parseMessage(reminders[0]!.raw).header('subject')).toMatch(/^Reminder: Support check-in closes/);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Reminder 1:');
    expect(main).toContain('Submitted');
    await expectNoAxeViolations(page);

    // Close the wave: the reminder's link now says the survey has closed.
    await page.getByRole('button', { name: 'Close the wave now' }).click();
    expect(await banner(page)).toContain('The wave is closed');
    await expectNoAxeViolations(page);
    const bo = await server.browser.newContext({ javaScriptEnabled: false });
    const late = await server.open(linkIn(reminders.find((m) => m.to[0] === 'bo@bolton.example')!.raw), bo);
    expect(await late.locator('h1').textContent()).toBe('This survey has closed');
  });
});
