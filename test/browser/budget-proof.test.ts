/**
 * The budget simulator's proof-of-work in a real browser (public/budget-proof.js): with JavaScript, the check page's
 * script solves the server's challenge before the budget is sent, and the budget is stored as solved (held to the
 * normal rate limit, not the stricter one for budgets without a solution).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveToChromium, type BrowserServer } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { seedAreas } from '../helpers/seed.ts';
import { librariesSimulator } from '../helpers/budget.ts';
import { servicesFor } from '../../src/app/services.ts';

describe('budget simulator proof-of-work, in Chromium with JavaScript', () => {
  let db: TestDb;
  let server: BrowserServer;
  let key = '';
  let id = 0;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedAreas(db);
    const created = await servicesFor(db).budget.create(librariesSimulator(), 'system');
    key = created.openKey;
    id = created.id;
    server = await serveToChromium(db);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('the check page solves the challenge and the budget is stored as solved', async () => {
    const context = await server.browser.newContext();
    const page = await server.open(`/budget/${key}/section/1`, context);
    await page.getByLabel(/Close two branch libraries/).check();
    // On through the sections to "Check your budget".
    for (let i = 0; i < 5 && !(await page.getByRole('heading', { name: 'Check your budget' }).count()); i++) {
      for (const group of await page.locator('.govuk-radios').all()) {
        if (!(await group.locator('input:checked').count())) await group.locator('input').first().check();
      }
      await page
        .getByRole('button', { name: /Continue|Next/ })
        .first()
        .click();
    }
    await expect(page.getByRole('heading', { name: 'Check your budget' }).count()).resolves.toBe(1);
    // The script fills the nonce in the background; it must satisfy the server's check.
    const nonce = page.locator('input[name="proof-nonce"]');
    await expect.poll(() => nonce.inputValue(), { timeout: 20_000 }).not.toBe('');
    await page
      .getByLabel(/agree|consent/i)
      .first()
      .check();
    await page.locator('button[value="send"]').click();
    await page.waitForURL(/\/done/);
    const stored = await db.kysely
      .selectFrom('budget_responses')
      .select(['proof'])
      .where('simulator_id', '=', id)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.proof).not.toBeNull();
    await context.close();
  });
});
