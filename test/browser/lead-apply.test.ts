/// <reference lib="dom" />
/**
 * Putting someone forward for a leadership cohort in Debian's Chromium without JavaScript, over a real server and the
 * real geography (the programme, cohort and people are SYNTHETIC): a council's member services officer fills in the
 * form, reads "Check your answers", changes an answer through its Change button (the form again at that question),
 * comes back to the check page with the new answer, and puts the person forward; the application is stored as
 * changed. axe-core's WCAG 2.2 AA rules pass on the form and on the check page.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesFor } from '../../src/app/services.ts';
import { expectNoAxeViolations, serveToChromium, type BrowserServer } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { seedAreas } from '../helpers/seed.ts';

const PASSWORD = 'correct horse battery staple';
const OFFICE = { id: 0, email: '', name: 'Office', role: 'programme_office' as const, council: null, csrfToken: '' };

describe('the leadership application’s check your answers page in Chromium', () => {
  let db: TestDb;
  let server: BrowserServer;
  let officer: BrowserContext;
  let cohort: number;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedAreas(db);
    const s = servicesFor(db);
    await s.accounts.addUser({
      email: 'members@trafford.example',
      name: 'Member Services',
      role: 'council',
      council: 'E08000009',
      password: PASSWORD,
    });
    const programme = await s.lead.createProgramme(OFFICE, {
      code: 'essentials',
      name: 'Leadership Essentials',
      kind: 'leadership-essentials',
      crossParty: false,
      completionMinModules: 1,
      rules: [{ validFrom: '2020-01-01', roles: ['leader', 'cabinet-member', 'councillor'], councilTypes: null }],
      windows: [{ startsOn: '2023-04-01', endsOn: '2026-03-31' }],
      charges: [],
    });
    cohort = await s.lead.createCohort(OFFICE, programme, {
      number: 3,
      capacity: 4,
      startsOn: '2024-10-01',
      endsOn: '2024-12-01',
      venue: 'Warwick',
    });
    server = await serveToChromium(db);
    officer = await server.browser.newContext({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('apply → check → Change → check again → Put forward stores the changed answers; axe passes', async () => {
    const page = await server.open(`/leadership/cohorts/${cohort}/apply`, officer);
    expect(page.url()).toContain('/sign-in?next=');
    await page.getByLabel('Email address').fill('members@trafford.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(new URL(page.url()).pathname).toBe(`/leadership/cohorts/${cohort}/apply`);
    await expectNoAxeViolations(page);

    // The council is the officer's own (filled in); name, address, role and party typed.
    expect(await page.locator('input#council').inputValue()).toBe('Trafford (E08000009)');
    await page.getByLabel('Full name').fill('Cllr Ada First');
    await page.getByLabel('Email address').fill('ada@trafford.example');
    await page.getByLabel('Councillor', { exact: true }).check();
    await page.getByLabel('Party').fill('Independent');
    await page.getByRole('button', { name: 'Continue' }).click();

    const answers = async () =>
      Object.fromEntries(
        await page
          .locator('.govuk-summary-list__row')
          .evaluateAll((rows) =>
            rows.map((r) => [
              r.querySelector('.govuk-summary-list__key')!.textContent!.trim(),
              r.querySelector('.govuk-summary-list__value')!.textContent!.trim(),
            ]),
          ),
      );
    expect(await page.locator('h1').textContent()).toContain('Check your answers');
    expect(await answers()).toEqual({
      Council: 'Trafford (E08000009)',
      'Full name': 'Cllr Ada First',
      'Email address': 'ada@trafford.example',
      Role: 'Councillor',
      Party: 'Independent',
      'Kind of place': 'Full fee',
    });
    // Nothing is stored yet.
    expect((await servicesFor(db).lead.cohortList(OFFICE, cohort)).participants).toEqual([]);
    await expectNoAxeViolations(page, { asShown: true });

    // Change the name: the form again, at the question, with every answer kept.
    await page.getByRole('button', { name: 'Change full name' }).click();
    expect(new URL(page.url()).hash).toBe('#name');
    expect(await page.locator('h1').textContent()).toContain('Put someone forward');
    expect(await page.getByLabel('Full name').inputValue()).toBe('Cllr Ada First');
    expect(await page.getByLabel('Email address').inputValue()).toBe('ada@trafford.example');
    expect(await page.getByLabel('Councillor', { exact: true }).isChecked()).toBe(true);
    await page.getByLabel('Full name').fill('Cllr Ada Second');
    await page.getByLabel('Cabinet member').check();
    await page.getByRole('button', { name: 'Continue' }).click();

    expect(await page.locator('h1').textContent()).toContain('Check your answers');
    expect(await answers()).toMatchObject({ 'Full name': 'Cllr Ada Second', Role: 'Cabinet member' });
    await page.getByRole('button', { name: 'Put forward' }).click();
    expect(new URL(page.url()).pathname).toBe(`/leadership/cohorts/${cohort}`);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('The application is made.');

    const stored = (await servicesFor(db).lead.cohortList(OFFICE, cohort)).participants;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      name: 'Cllr Ada Second',
      email: 'ada@trafford.example',
      role: 'cabinet-member',
      party: 'Independent',
      council: 'E08000009',
      status: 'applied',
    });
  });
});
