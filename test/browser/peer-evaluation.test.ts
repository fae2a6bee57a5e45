/// <reference lib="dom" />
/**
 * Peer challenge evaluation and days delivered in Debian's Chromium without JavaScript (the engagement and people are
 * SYNTHETIC): a manager records a team member's days delivered (a bad figure shown back with an error summary), the
 * council's leader and chief executive, then previews and builds an impact survey's frame on the evaluation page.
 * axe-core's WCAG 2.2 AA rules pass on every page, the forms with their errors too.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, serveToChromium, type BrowserServer } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { ADMIN_ACTOR, addPeerManager, PEER_MANAGER_EMAIL } from '../helpers/peer.ts';
import { seedAreas } from '../helpers/seed.ts';
import { servicesFor } from '../../src/app/services.ts';

describe('peer challenge evaluation pages in Chromium', () => {
  let db: TestDb;
  let server: BrowserServer;
  let manager: BrowserContext;
  let id: number;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedAreas(db);
    const s = servicesFor(db);
    await addPeerManager(db, 'correct horse battery staple');
    const admin = ADMIN_ACTOR;
    id = await s.peer.create(admin, { council: 'E08000009', kind: 'corporate', requestedOn: '2025-06-02' });
    const peer = await s.peer.addPeer(admin, {
      name: 'Distant Chief',
      role: 'chief-executive',
      homeCouncil: 'E06000049',
    });
    await s.peer.step(admin, id, { state: 'scoping', date: '2025-07-01' });
    await s.peer.step(admin, id, {
      state: 'scheduled',
      date: '2025-08-01',
      onsiteStart: '2025-11-10',
      onsiteEnd: '2025-11-13',
    });
    await s.peer.addTeamMember(admin, id, { peerId: peer, teamRole: 'lead-officer-peer', daysCommitted: 5 });
    for (const [state, date] of [
      ['position-statement-received', '2025-10-01'],
      ['on-site', '2025-11-10'],
      ['feedback-presented', '2025-11-13'],
    ] as const)
      await s.peer.step(admin, id, { state, date });
    await s.peer.loadQuestionnaire(admin, 'impact');
    await s.peer.createEvaluationWave(admin, {
      survey: 'impact',
      name: 'Impact, winter 2026',
      opensAt: '2026-12-01',
      closesAt: '2027-01-31',
    });
    server = await serveToChromium(db);
    manager = await server.browser.newContext({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('a manager records days delivered and the contacts, then builds the impact survey frame', async () => {
    let page = await server.open('/peer-challenge/evaluation', manager);
    await page.getByLabel('Email address').fill(PEER_MANAGER_EMAIL);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(new URL(page.url()).pathname).toBe('/peer-challenge/evaluation');
    page = await server.open(`/peer-challenge/engagements/${id}`, manager);
    await page.locator('#days-daysDelivered').fill('-2');
    await page.getByRole('button', { name: 'Record days delivered' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('cannot be negative');
    await expectNoAxeViolations(page, { asShown: true });
    await page.locator('#days-daysDelivered').fill('4.5');
    await page.getByRole('button', { name: 'Record days delivered' }).click();
    expect(await page.locator('#team + * table, #team ~ div table').first().textContent()).toContain('4.5');
    await page.locator('#contacts-leaderName').fill('Cllr A Leader');
    await page.locator('#contacts-leaderEmail').fill('leader@trafford.example');
    await page.locator('#contacts-chiefExecutiveName').fill('B Chief');
    await page.getByRole('button', { name: 'Save the contacts' }).click();
    expect(await page.locator('#contacts-leaderEmail').inputValue()).toBe('leader@trafford.example');
    await expectNoAxeViolations(page);

    page = await server.open('/peer-challenge/evaluation', manager);
    await expectNoAxeViolations(page);
    await page.locator('#frame-from').fill('2026-11-01');
    await page.locator('#frame-to').fill('2026-11-30');
    await page.getByRole('button', { name: 'Show the engagements' }).click();
    expect(await page.locator('#preview').textContent()).toContain('feedback presented from 2025-11-01 to 2025-11-30');
    expect(await page.locator('table').last().textContent()).toContain('B Chief (no email address)');
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Build the frame' }).click();
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('2 members added');
    await expectNoAxeViolations(page);
  });
});
