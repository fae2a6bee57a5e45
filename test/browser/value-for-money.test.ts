/// <reference lib="dom" />
/**
 * The value-for-money page in Debian's Chromium without JavaScript, over a real server: reached from the council page,
 * the group changed with the GET form, the scatter's table opened; axe-core's WCAG 2.2 AA rules pass on the page and
 * the embed. Outcomes are the publishers' files (Oflog, DEFRA); spend per head is published by the test itself as
 * SYNTHETIC figures (derived spend per head is not on main yet), labelled so in its title and caveats.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, serveToChromium, type BrowserServer } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { loadSyntheticDeflator } from '../helpers/deflator.ts';
import { fixtureAdapter, testMetric, type FixtureRow } from '../helpers/fixtures.ts';
import { seedAreas } from '../helpers/seed.ts';
import { sharedFile } from '../helpers/shared-data.ts';
import { importFiles, runImport } from '../../src/modules/imports/index.ts';

const ASC = 'mhclg-rsx.adult-social-care.net-current-expenditure.per-head';
// Fifteen metropolitan districts E08000001 … E08000015, with made-up spend (SYNTHETIC).
const E08 = Array.from({ length: 15 }, (_, i) => `E08${String(i + 1).padStart(6, '0')}`);

describe('value-for-money page in Chromium', () => {
  let db: TestDb;
  let server: BrowserServer;
  let visitor: BrowserContext;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    await seedAreas(db);
    const oflog = await importFiles(
      db,
      'oflog-asc',
      [sharedFile('performance/oflog_adult_social_care_2015_2023.csv')],
      {
        publish: true,
      },
    );
    if (oflog.state !== 'published') throw new Error(`oflog-asc: ${oflog.message}`);
    const rows: FixtureRow[] = E08.flatMap((c, i): FixtureRow[] => [
      [ASC, c, 2022, 380 + ((i * 37) % 150)],
      [ASC, c, 2021, 370 + ((i * 37) % 150)],
    ]);
    const r = await runImport(db, {
      adapter: fixtureAdapter(
        [
          testMetric(ASC, {
            title: 'Spend per head on adult social care (SYNTHETIC test figures)',
            caveats: 'SYNTHETIC test figures, not real data',
            unit: '£ per person',
            unitType: 'currency-per-head',
            decimalPlaces: 0,
            polarity: 'not-applicable',
          }),
        ],
        rows,
      ),
      files: [],
      publish: true,
    });
    if (r.state !== 'published') throw new Error(`fixture: ${r.message}`);
    server = await serveToChromium(db);
    visitor = await server.browser.newContext({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('a visitor goes from the council page to the profile, changes the group and reads the scatter as a table', async () => {
    const page = await server.open('/areas/E08000009', visitor);
    await page.getByRole('link', { name: /^Value for money/ }).click();
    expect(new URL(page.url()).pathname).toBe('/councils/E08000009/value-for-money');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Spend and outcomes by service');
    await expect(page.getByRole('heading', { name: 'Adult social care', level: 2 }).count()).resolves.toBe(1);
    // The scatter is an image with a title and description, and its figures are in a table.
    const chart = page.locator('#service-adult-social-care ~ figure svg').first();
    await expect(chart.getAttribute('role')).resolves.toBe('img');
    await expect(
      page.getByText(/^Councils in this group that spend more per head tend to have/).count(),
    ).resolves.toBeGreaterThan(0);
    await page.getByText('The figures as a table').first().click();
    const table = page.getByRole('table').filter({ hasText: 'Carer-reported' }).first();
    await expect(table.getByRole('row').filter({ hasText: 'Trafford' }).count()).resolves.toBe(1);
    await expectNoAxeViolations(page);
    // The group form works without JavaScript.
    await page.getByLabel('Compare with').selectOption('combined-authority:E47000001');
    await page.getByRole('button', { name: 'Update' }).click();
    expect(new URL(page.url()).searchParams.get('group')).toBe('combined-authority:E47000001');
    await expect(page.getByText(/hollow points other councils of the same type/).count()).resolves.toBeGreaterThan(0);
    await expectNoAxeViolations(page);
    // Reflow: at 320 CSS pixels nothing scrolls sideways (tables scroll inside their own region).
    await page.setViewportSize({ width: 320, height: 800 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('a district sees the services it does not run named with the county, and the embed passes axe', async () => {
    const page = await server.open('/councils/E07000117/value-for-money', visitor);
    await expect(page.getByText(/Lancashire \(E10000017\) runs it for Burnley/).count()).resolves.toBeGreaterThan(0);
    await expectNoAxeViolations(page);
    const embed = await server.open('/embed/value-for-money/E08000009', visitor);
    await expect(embed.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(
      /^Spend and outcomes by service: Trafford/,
    );
    await expectNoAxeViolations(embed);
  });

  // Last: it loads a deflator (SYNTHETIC) through the long CSV importer, which every page then offers.
  it('once a deflator is loaded, a visitor switches to real terms with the GET form; the control and its error pass axe', async () => {
    const before = await server.open('/councils/E08000009/value-for-money', visitor);
    await expect(before.getByRole('radio').count()).resolves.toBe(0);
    await expect(before.getByText(/once an administrator loads a deflator series/).count()).resolves.toBe(1);
    await loadSyntheticDeflator(db, { '2021/22': 92.5, '2022/23': 97.0, '2023/24': 100.0 });
    // (The pages' stamp is read at most once a second: wait for it to follow the import.)
    await new Promise((r) => setTimeout(r, 1100));
    const page = await server.open('/councils/E08000009/value-for-money', visitor);
    await expect(page.getByRole('radio', { name: /^Cash terms/ }).isChecked()).resolves.toBe(true);
    await page.getByRole('radio', { name: 'Real terms' }).check();
    await page.getByLabel('Real terms at the prices of').selectOption('2021-22');
    await page.getByRole('button', { name: 'Update' }).click();
    const at = new URL(page.url()).searchParams;
    expect([at.get('prices'), at.get('base')]).toEqual(['real', '2021-22']);
    await expect(page.locator('.govuk-caption-l').textContent()).resolves.toMatch(
      /£ figures in real terms at 2021\/22 prices/,
    );
    await expect(page.getByRole('radio', { name: 'Real terms' }).isChecked()).resolves.toBe(true);
    await expectNoAxeViolations(page);
    // A base year the deflator has no index for: the error summary links to the control.
    const bad = await server.open('/councils/E08000009/value-for-money?prices=real&base=2010-11', visitor);
    await expect(bad.getByRole('alert').textContent()).resolves.toMatch(/not a year the deflator/);
    await expectNoAxeViolations(bad);
  });
});
