/**
 * The budget simulator's "Population for weighting" page in Chromium without JavaScript, checked with axe: an officer
 * enters the council's population as two margins (age; sex), is told which figure is wrong, corrects it and saves;
 * the dashboard then says the responses are weighted by age and sex. The figures are SYNTHETIC (made up for the test).
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, serveToChromium, type BrowserServer } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { librariesSimulator } from '../helpers/budget.ts';
import { seedAreas } from '../helpers/seed.ts';
import { servicesFor } from '../../src/app/services.ts';

const PASSWORD = 'correct horse battery staple';

describe('budget simulator population for weighting, in Chromium without JavaScript', () => {
  let db: TestDb;
  let server: BrowserServer;
  let id = 0;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedAreas(db);
    const services = servicesFor(db);
    await services.accounts.addUser({
      email: 'analyst@population.example',
      name: 'Population Analyst',
      role: 'analyst',
      password: PASSWORD,
    });
    const about = JSON.parse(await readFile('examples/surveys/resident-about-you.json', 'utf8')) as unknown;
    await services.surveys.surveys.loadDefinition(about, { name: 'Test' });
    const created = await services.budget.create(
      { ...librariesSimulator(), aboutYou: { survey: 'resident-about-you', version: 1, age: 'AGE', sex: 'SEX' } },
      'system',
    );
    id = created.id;
    server = await serveToChromium(db);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('enters two margins, sees the wrong figure named, corrects it, and the dashboard names it', async () => {
    const context = await server.browser.newContext({ javaScriptEnabled: false });
    const page = await server.open(`/budget/simulators/${id}/population`, context);
    await page.getByLabel('Email address').fill('analyst@population.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(new URL(page.url()).pathname).toBe(`/budget/simulators/${id}/population`);
    await expect(page.getByRole('heading', { name: 'Population for weighting' }).count()).resolves.toBe(1);
    await expectNoAxeViolations(page);

    await page.getByLabel('Source of the figures').fill('SYNTHETIC test figures (not ONS)');
    await page.getByLabel('Day').fill('30');
    await page.getByLabel('Month').fill('6');
    await page.getByLabel('Year', { exact: true }).fill('2023');
    await page.getByLabel('Percentages of the population').check();
    // SYNTHETIC shares: seven age bands adding to 100, and a sex margin mistyped (adding to 90).
    const ages = ['18 to 24', '25 to 34', '35 to 44', '45 to 54', '55 to 64', '65 to 74', '75 and over'];
    const shares = [11, 17, 17, 16, 16, 13, 10];
    for (const [i, band] of ages.entries()) await page.getByLabel(`Aged ${band}, all`).fill(String(shares[i]));
    await page.getByLabel('Female, all ages', { exact: true }).fill('41');
    await page.getByLabel('Male, all ages', { exact: true }).fill('49');
    await page.getByRole('button', { name: 'Save the population' }).click();
    await expect(page.getByText('There is a problem').count()).resolves.toBe(1);
    await expect(
      page.getByRole('link', { name: /Female, all ages: the percentages of the sex rows sum to 90, not 100/ }).count(),
    ).resolves.toBe(1);
    await expectNoAxeViolations(page, { asShown: true });

    await page.getByLabel('Female, all ages', { exact: true }).fill('51');
    await page.getByRole('button', { name: 'Save the population' }).click();
    expect(new URL(page.url()).pathname).toBe(`/budget/simulators/${id}`);
    await expect(page.getByText(/Change the council’s population by age and sex for weighting/).count()).resolves.toBe(
      1,
    );
    // No budgets yet: the dashboard names the population entered and why nothing is weighted.
    const note =
      /Not weighted by age and sex to the population entered \(SYNTHETIC test figures \(not ONS\) \(figures for 30 June 2023; age and sex entered separately/;
    await expect(page.getByText(note).count()).resolves.toBe(1);
    // Fourteen budgets (each sex in every age band): the dashboard shows the margins weighted to, and passes axe.
    const budget = servicesFor(db).budget;
    const open = await budget.get(id, 'system');
    for (let i = 0; i < 14; i++)
      await budget.submit(open, {
        posted: (c) => (c === 'libraries' ? 'cut-10' : undefined),
        comments: () => undefined,
        consent: true,
        client: `198.51.100.${i}`,
        about: { AGE: String((i % 7) + 1), SEX: i < 7 ? '1' : '2' },
      });
    await page.reload();
    await expect(
      page.getByText(/Weighted by age and sex to E08000009's population as an officer entered it/).count(),
    ).resolves.toBe(1);
    await expect(page.getByRole('table', { name: /Weighting by sex/ }).count()).resolves.toBe(1);
    await expectNoAxeViolations(page);
    const stored = (await servicesFor(db).budget.get(id, 'system')).definition.population!;
    expect(stored.measure).toBe('share');
    expect(stored.rows).toHaveLength(9);
    expect(stored.rows.find((r) => r.sex === '1')).toEqual({ age: null, sex: '1', value: 51 });
    await context.close();
  });
});
