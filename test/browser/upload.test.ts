/// <reference lib="dom" />
/**
 * An analyst uploads a long CSV in Chromium with JavaScript switched off: a file with one bad line is refused with
 * "file:line" in the validation report; the fixed file becomes a draft, previewed (new, changed, withdrawn) and
 * published with the button; the figure then appears on the metric's page. Each page passes axe-core's WCAG 2.2 AA
 * rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, serveToChromium, type BrowserServer } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { seedFixtureAreas } from '../helpers/fixtures.ts';
import { servicesFor } from '../../src/app/services.ts';

const METRICS = `code,title,short_title,unit,unit_type,decimal_places,polarity,topic,period_type,applicable_area_types,publisher,licence,source_url,description,caveats
mycouncil.missed-bins,"Missed bin collections per 100,000 collections",Missed bins,"per 100,000 collections",rate-per-100000,1,lower-is-better,environment-housing,financial-year,E06 E07 E08 E09,Example Council,OGL-UK-3.0,https://www.example.gov.uk/data,Household bin collections reported missed.,Councils count reports differently.
`;
const HEADER = 'metric,area,period,value,status,lci,uci,numerator,denominator,note';
const BAD = `${HEADER}\nmycouncil.missed-bins,E08000009,2023/24,41.5,,,,,,\nmycouncil.missed-bins,E08000003,2023/24,forty,,,,,,\n`;
const GOOD = `${HEADER}\nmycouncil.missed-bins,E08000009,2023/24,41.5,,,,,,\nmycouncil.missed-bins,E08000003,2023/24,38.25,,,,,,\n`;

const csv = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

describe('an analyst uploads a long CSV in Chromium', () => {
  let db: TestDb;
  let server: BrowserServer;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedFixtureAreas(db);
    await servicesFor(db).accounts.addUser({
      email: 'analyst@upload.example',
      name: 'Upload Analyst',
      role: 'analyst',
      password: 'correct horse battery staple',
    });
    server = await serveToChromium(db);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('sees file:line for a bad line, fixes it, previews the draft, publishes, and finds the figure on the metric page', async () => {
    const context = await server.browser.newContext({ javaScriptEnabled: false });
    const page = await server.open('/imports/upload', context);
    expect(page.url()).toContain('/sign-in?next=');
    await page.getByLabel('Email address').fill('analyst@upload.example');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(new URL(page.url()).pathname).toBe('/imports/upload');
    await expectNoAxeViolations(page);

    await page.getByLabel('long-csv').check();
    await page.getByLabel('Files').setInputFiles([csv('metrics.csv', METRICS), csv('data.csv', BAD)]);
    await page.getByRole('button', { name: 'Upload and check' }).click();
    const report = page.locator('.app-validation-report');
    expect(await report.textContent()).toContain('data.csv:3');
    expect(await report.textContent()).toContain('forty');
    await expectNoAxeViolations(page, { asShown: true });

    await page.getByLabel('long-csv').check();
    await page.getByLabel('Files').setInputFiles([csv('metrics.csv', METRICS), csv('data.csv', GOOD)]);
    await page.getByRole('button', { name: 'Upload and check' }).click();
    expect(new URL(page.url()).pathname).toMatch(/^\/imports\/\d+$/);
    expect(await page.locator('h1').textContent()).toMatch(/^Draft import \d+$/);
    const counts = page.locator('dl.govuk-summary-list');
    expect(await counts.getByRole('definition').allTextContents()).toEqual(['2', '0', '0', '0']);
    expect(await page.getByRole('link', { name: 'Missed bin collections per 100,000 collections' }).count()).toBe(1);
    await expectNoAxeViolations(page);

    await page.getByRole('button', { name: 'Publish' }).click();
    expect(await page.locator('h1').textContent()).toMatch(/^Import \d+$/);
    await page.getByRole('link', { name: 'Missed bin collections per 100,000 collections' }).click();
    expect(new URL(page.url()).pathname).toMatch(/^\/metrics\//);
    const body = await page.locator('main').textContent();
    expect(body).toContain('Trafford');
    expect(body).toContain('41.5');
    await context.close();
  });
});
