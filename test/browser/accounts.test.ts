/// <reference lib="dom" />
/**
 * Getting an account in Debian's Chromium without JavaScript, over a real server whose mail worker sends to a real
 * SMTP server in the test process: an administrator invites an analyst (correcting the form first), the invitee
 * follows the emailed link, chooses a password and signs in; a user who forgot their password asks for a reset,
 * follows the link and signs in with the new one. axe-core's WCAG 2.2 AA rules pass on every page on the way.
 */
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
import { parseMessage, startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { servicesFor } from '../../src/app/services.ts';

const ADMIN = { email: 'admin@sector.example', password: 'correct horse battery staple' };
const NEW_PASSWORD = 'seven purple owls at noon';

describe('invitations and password resets in Chromium', () => {
  let db: TestDb;
  let smtp: TestSmtp;
  let server: BrowserServer;
  let admin: BrowserContext;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedAreas(db);
    await servicesFor(db).accounts.addUser({ ...ADMIN, name: 'Ada Admin', role: 'admin' });
    smtp = await startSmtp();
    server = await serveToChromium(db, { ...smtp.env, SLI_MAIL_POLL_MS: '100', SLI_COOKIE_SECURE: 'false' });
    admin = await server.browser.newContext({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
    await db?.drop();
  });

  const path = (page: Page) => new URL(page.url()).pathname;
  /** The link in the next message to arrive, as a path on the server. */
  async function nextLink(): Promise<string> {
    const [got] = await smtp.waitFor(1);
    smtp.reset();
    const text = parseMessage(got!.raw).text!;
    return new URL(/https?:\/\/\S+\/password\/[\w-]+/.exec(text)![0]).pathname;
  }
  async function signIn(page: Page, email: string, password: string) {
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('an administrator invites an analyst, who accepts by the emailed link and signs in', async () => {
    const page = await server.open('/admin/users', admin);
    expect(path(page)).toBe('/sign-in');
    await signIn(page, ADMIN.email, ADMIN.password);
    expect(path(page)).toBe('/admin/users');
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Invite a user' }).click();
    expect(path(page)).toBe('/admin/users/invite');
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Send the invitation' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Enter their full name');
    await expectNoAxeViolations(page, { asShown: true });
    await page.getByLabel('Full name').fill('Ian Invitee');
    await page.getByLabel('Email address').fill('ian@sector.example');
    await page.getByLabel('Analyst').check();
    await page.getByRole('button', { name: 'Send the invitation' }).click();
    expect(path(page)).toBe('/admin/users');
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('The invitation is on its way.');
    expect(await page.locator('main').textContent()).toContain('Ian Invitee (ian@sector.example), analyst');

    const link = await nextLink();
    const invitee = await server.browser.newContext({ javaScriptEnabled: false });
    const accept = await server.open(link, invitee);
    expect(await accept.locator('h1').textContent()).toBe('Choose your password');
    await expectNoAxeViolations(accept);
    await accept.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await accept.getByLabel('Password again').fill(NEW_PASSWORD);
    await accept.getByRole('button', { name: 'Save password' }).click();
    expect(path(accept)).toBe('/sign-in');
    expect(await accept.locator('.govuk-notification-banner').textContent()).toContain('Your password is saved.');
    await expectNoAxeViolations(accept, { asShown: true });
    await signIn(accept, 'ian@sector.example', NEW_PASSWORD);
    expect(path(accept)).toBe('/account');
    expect(await accept.locator('main').textContent()).toContain('Ian Invitee');
    await invitee.close();
  });

  it('a user who forgot their password resets it by the emailed link', async () => {
    const visitor = await server.browser.newContext({ javaScriptEnabled: false });
    const page = await server.open('/sign-in', visitor);
    await page.getByRole('link', { name: 'Forgotten your password?' }).click();
    expect(path(page)).toBe('/forgot-password');
    await expectNoAxeViolations(page);
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    expect(await page.locator('h1').textContent()).toBe('Check your email');
    await expectNoAxeViolations(page, { asShown: true });
    const link = await nextLink();
    const reset = await server.open(link, visitor);
    expect(await reset.locator('h1').textContent()).toBe('Choose a new password');
    await reset.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await reset.getByLabel('Password again').fill(NEW_PASSWORD);
    await reset.getByRole('button', { name: 'Save password' }).click();
    await signIn(reset, ADMIN.email, NEW_PASSWORD);
    expect(path(reset)).toBe('/account');
    const again = await server.open(link, visitor);
    expect(await again.locator('h1').textContent()).toBe('This link has expired');
    await expectNoAxeViolations(again);
    await visitor.close();
  });

  it('the registration, council domains and email pages pass axe', async () => {
    const visitor = await server.browser.newContext({ javaScriptEnabled: false });
    await expectNoAxeViolations(await server.open('/register', visitor));
    await visitor.close();
    const signedIn = await server.browser.newContext({ javaScriptEnabled: false });
    const page = await server.open('/sign-in', signedIn);
    await signIn(page, ADMIN.email, NEW_PASSWORD);
    for (const p of ['/admin/council-domains', '/admin/email', '/account']) {
      const opened = await server.open(p, signedIn);
      expect(path(opened)).toBe(p);
      await expectNoAxeViolations(opened);
    }
    // A domain's council by name: a misspelt one is said in the summary, linked to the field; "St Helens" is found.
    const domains = await server.open('/admin/council-domains', signedIn);
    await domains.getByLabel('Email domain').fill('sthelens.gov.example');
    await domains.getByLabel('Council', { exact: true }).fill('St Hellens');
    await domains.getByRole('button', { name: 'Add the domain' }).click();
    const summary = domains.locator('.govuk-error-summary a');
    expect(await summary.textContent()).toMatch(/No council is called “St Hellens”/);
    expect(await summary.getAttribute('href')).toBe('#council');
    await expectNoAxeViolations(domains, { asShown: true });
    await domains.getByLabel('Council', { exact: true }).fill('St Helens');
    await domains.getByRole('button', { name: 'Add the domain' }).click();
    expect(await domains.locator('.govuk-notification-banner').textContent()).toContain('The domain is added.');
    expect(await domains.locator('table').textContent()).toContain('St. Helens (E08000013)');
    await signedIn.close();
  });

  it('with JavaScript, the invitation form suggests councils as their name is typed', async () => {
    const js = await server.browser.newContext();
    const page = await server.open('/sign-in', js);
    await signIn(page, ADMIN.email, NEW_PASSWORD);
    await page.goto(`${server.base}/admin/users/invite`);
    expect(await chooseCouncilSuggestion(page, 'council', 'Saint Hel', /St\. Helens/)).toBe('St. Helens (E08000013)');
    await expectNoAxeViolations(page);
    await js.close();
  });
});
