/// <reference lib="dom" />
/**
 * Peer challenge pages in Debian's Chromium without JavaScript, over a real server and the real geography (the
 * engagements and peers are SYNTHETIC): a manager signs in, reads coverage and the pipeline, moves an engagement on
 * through the form (a skipped step shown back with an error summary), builds the team (a conflicted peer refused with
 * the rule, a one-party member team warned) and records a recommendation; a visitor reads the council's public page.
 * axe-core's WCAG 2.2 AA rules pass on every page, the forms with their errors too.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, serveToChromium, type BrowserServer } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { seedAreas } from '../helpers/seed.ts';
import { servicesFor } from '../../src/app/services.ts';

describe('peer challenge pages in Chromium', () => {
  let db: TestDb;
  let server: BrowserServer;
  let manager: BrowserContext;
  let visitor: BrowserContext;
  let id: number;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedAreas(db);
    const s = servicesFor(db);
    await s.accounts.addUser({
      email: 'pcm@example.org',
      name: 'A Manager',
      role: 'peer_challenge_manager',
      password: 'correct horse battery staple',
    });
    const admin = { id: 0, email: '', name: 'admin', role: 'admin' as const, council: null, csrfToken: '' };
    id = await s.peer.create(admin, { council: 'E08000009', kind: 'corporate', requestedOn: '2024-01-10' });
    await s.peer.addPeer(admin, { name: 'Neighbour Chief', role: 'chief-executive', homeCouncil: 'E08000003' });
    await s.peer.addPeer(admin, {
      name: 'Member One',
      role: 'leader',
      politicalGroup: 'Labour',
      homeCouncil: 'E07000026',
    });
    await s.peer.addPeer(admin, {
      name: 'Member Two',
      role: 'councillor',
      politicalGroup: 'Labour',
      homeCouncil: 'E07000027',
    });
    await s.peer.importHistory(
      'synthetic.csv',
      'council,kind,requested_on,onsite_start,onsite_end,report_published_on\nE08000035,corporate,2019-01-01,2019-03-05,2019-03-08,2019-05-01\n',
    );
    server = await serveToChromium(db);
    manager = await server.browser.newContext({ javaScriptEnabled: false });
    visitor = await server.browser.newContext({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });
  const open = (path: string, context: BrowserContext): Promise<Page> => server.open(path, context);

  it('a visitor sees the coverage counts and a council’s published challenge', async () => {
    let page = await open('/peer-challenge', visitor);
    expect(await page.locator('#counts').textContent()).toContain('Current councils');
    expect(await page.locator('#coverage').count()).toBe(0);
    await expectNoAxeViolations(page);
    page = await open('/peer-challenge/councils/E08000035', visitor);
    expect(await page.locator('h2').first().textContent()).toContain('Corporate peer challenge, on site 2019-03-05');
    await expectNoAxeViolations(page);
    const res = await page.goto(`${server.base}/peer-challenge/engagements/${id}`);
    expect(res?.status()).toBe(404);
  });

  it('a manager reads coverage and the pipeline, moves the engagement on and builds the team', async () => {
    let page = await open('/peer-challenge/pipeline', manager);
    expect(page.url()).toContain('/sign-in?next=');
    await page.getByLabel('Email address').fill('pcm@example.org');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(new URL(page.url()).pathname).toBe('/peer-challenge/pipeline');
    expect(await page.locator('#requested').textContent()).toContain('Requested (1)');
    await expectNoAxeViolations(page);

    page = await open('/peer-challenge?region=E12000003', manager);
    const leeds = page.locator('#coverage tr', { hasText: 'Leeds' });
    expect(await leeds.textContent()).toContain('2019-03-05');
    await expectNoAxeViolations(page);

    page = await open(`/peer-challenge/engagements/${id}`, manager);
    await expectNoAxeViolations(page);
    await page.getByLabel('Step', { exact: true }).selectOption('withdrawn');
    await page.locator('#steps-date').fill('2024-01-20');
    await page.getByRole('button', { name: 'Record step' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'reason: is required to mark an engagement withdrawn',
    );
    await expectNoAxeViolations(page, { asShown: true });
    await page.getByLabel('Step', { exact: true }).selectOption('scoping');
    await page.locator('#steps-date').fill('2024-01-20');
    await page.getByRole('button', { name: 'Record step' }).click();
    expect(await page.locator('h1 + dl strong').first().textContent()).toBe('Scoping');

    await page.getByLabel('Peer', { exact: true }).selectOption({ label: 'Neighbour Chief (chief-executive)' });
    await page.getByLabel('Days committed').fill('4');
    await page.getByRole('button', { name: 'Add to team' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('same-combined-authority');
    await expectNoAxeViolations(page, { asShown: true });
    for (const [name, role] of [
      ['Member One (leader, Labour)', 'lead-member-peer'],
      ['Member Two (councillor, Labour)', 'member-peer'],
    ]) {
      await page.getByLabel('Peer', { exact: true }).selectOption({ label: name! });
      await page.getByLabel('Team role').selectOption(role!);
      await page.getByLabel('Days committed').fill('4');
      await page.getByRole('button', { name: 'Add to team' }).click();
    }
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('One-party member team');
    await expectNoAxeViolations(page, { asShown: true });

    await page.locator('#recommendations-component').selectOption('governance-culture');
    await page.locator('#recommendations-text').fill('Strengthen scrutiny.');
    await page.getByRole('button', { name: 'Record recommendation' }).click();
    expect(await page.locator('#recommendations ~ h3').first().textContent()).toContain(
      `PC${id}-R1: Strengthen scrutiny.`,
    );
  });

  it('the evidence pack: generated from the engagement page, shown as at its date, axe-clean', async () => {
    let page = await open(`/peer-challenge/engagements/${id}`, manager);
    await page.getByRole('link', { name: 'Position-statement evidence pack' }).click();
    expect(await page.locator('main').textContent()).toContain('No evidence pack has been generated');
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Generate the evidence pack' }).click();
    expect(new URL(page.url()).searchParams.get('pack')).toMatch(/^\d+$/);
    expect(await page.locator('.govuk-inset-text').textContent()).toMatch(
      /As at \d{4}-\d{2}-\d{2}, generated by A Manager/,
    );
    expect(await page.locator('#flags ~ p').first().textContent()).toBeTruthy();
    await expectNoAxeViolations(page);
    page = await open(`/peer-challenge/engagements/${id}/evidence-pack`, visitor);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('the recommendation search (drafts for managers only, errors named) and the peer pool, axe-clean', async () => {
    let page = await open('/peer-challenge/recommendations', manager);
    await page.getByLabel('Words').fill('scrutiny');
    await page.getByLabel('Framework component').selectOption('governance-culture');
    await page.getByRole('button', { name: 'Search' }).click();
    expect(await page.locator('h2', { hasText: 'match' }).textContent()).toContain('1 match');
    expect(await page.locator('table').last().textContent()).toContain(`PC${id}-R1`);
    await expectNoAxeViolations(page);
    page = await open('/peer-challenge/pool', manager);
    expect(await page.locator('#by-peer').textContent()).toContain('Member One (leader)');
    await expectNoAxeViolations(page);
    page = await open('/peer-challenge/recommendations?q=scrutiny', visitor);
    expect(await page.locator('h2', { hasText: 'match' }).textContent()).toContain('0 matches');
    await expectNoAxeViolations(page);
    page = await open('/peer-challenge/recommendations?type=nonsense', visitor);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('type "nonsense"');
    await expectNoAxeViolations(page, { asShown: true });
  });

  it('a document file uploaded through the form without JavaScript, and the calendar of on-site weeks, axe-clean', async () => {
    let page = await open(`/peer-challenge/engagements/${id}`, manager);
    const fill = async (file: { name: string; mimeType: string; buffer: Buffer }) => {
      await page.locator('#documents-kind').selectOption('position-statement');
      await page.locator('#documents-title').fill('Position statement (SYNTHETIC)');
      await page.locator('#documents-file').setInputFiles(file);
      await page.getByRole('button', { name: 'Add document' }).click();
    };
    await fill({ name: 'statement.txt', mimeType: 'text/plain', buffer: Buffer.from('SYNTHETIC') });
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('must be one of these kinds of file');
    await expectNoAxeViolations(page, { asShown: true });
    const pdf = Buffer.from('%PDF-1.4\n% SYNTHETIC\ntrailer<<>>\n%%EOF\n');
    await fill({ name: 'statement.pdf', mimeType: 'application/pdf', buffer: pdf });
    expect(new URL(page.url()).hash).toBe('#documents');
    const link = page.getByRole('link', { name: 'Position statement (SYNTHETIC)' });
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(new RegExp(`^/api/v1/peer-challenge/engagements/${id}/documents/\\d+/file$`));
    const file = await page.request.get(`${server.base}${href}`);
    expect(file.headers()['content-type']).toBe('application/pdf');
    expect(Buffer.from(await file.body()).equals(pdf)).toBe(true);
    await expectNoAxeViolations(page);

    page = await open('/peer-challenge/calendar?year=2019', manager);
    expect(await page.locator('#calendar').textContent()).toContain('Leeds');
    await expectNoAxeViolations(page);
  });
});
