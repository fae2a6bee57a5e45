/**
 * The pages carry the brand of whoever runs the service, from config, and none of GOV.UK's: no crown, no GOV.UK
 * logotype, no "Crown copyright", no GDS Transport font, no GOV.UK icons or manifest.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from './helpers/app.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { seedAreas } from './helpers/seed.ts';
import { GOVUK_BRAND } from './helpers/brand.ts';
import type { App } from '../src/platform/app-types.ts';

describe('brand', () => {
  let db: TestDb;
  let plain: App;
  let branded: App;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brand-'));
    const logo = path.join(dir, 'logo.svg');
    writeFileSync(
      logo,
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>',
    );
    plain = await createTestApp(db);
    branded = await createTestApp(db, {
      SLI_BRAND_NAME: 'Borsetshire Improvement Partnership',
      SLI_BRAND_COLOUR: '#0b3d2e',
      SLI_BRAND_LOGO: logo,
      SLI_BRAND_FOOTER_LINKS: JSON.stringify([{ text: 'Accessibility statement', href: '/accessibility' }]),
      SLI_BRAND_LICENCE: '© Borsetshire Improvement Partnership',
    });
  });
  afterAll(async () => {
    await plain?.close();
    await branded?.close();
    await db?.drop();
  });

  it('GET / with no brand configured names the neutral default and carries nothing of GOV.UK', async () => {
    const res = await plain.inject('/');
    expect(res.statusCode).toBe(200);
    for (const re of GOVUK_BRAND) expect(res.body.match(re)?.[0]).toBeUndefined();
    expect(res.body).toMatch(/<a href="\/" class="app-header__link">Local government improvement platform<\/a>/);
    expect(res.body).toContain('<title>Find a council – Council performance – Local government improvement platform');
    expect(res.body).toContain('--app-brand: #1f4e79;');
    expect(res.body).toContain('<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">');
    expect(res.body).not.toMatch(/rel="(manifest|apple-touch-icon|mask-icon)"/);
    expect(res.body).toContain('<link rel="stylesheet" href="/css/app.css">');
  });

  it('the stylesheet, the favicon, the sign-in page and an error page carry nothing of GOV.UK either', async () => {
    const css = await plain.inject('/css/app.css');
    expect(css.statusCode).toBe(200);
    // The stylesheet keeps GOV.UK Frontend's class names (its patterns), never its font or crest.
    for (const re of [/Crown copyright/i, /GDS Transport/i, /@font-face/i, /govuk-crest/, /\/assets\//])
      expect(css.body.match(re)?.[0], 'in /css/app.css').toBeUndefined();
    for (const url of ['/static/favicon.svg', '/sign-in', '/areas/E09999999', '/metrics']) {
      const res = await plain.inject(url);
      expect(res.statusCode, url).toBeLessThan(500);
      for (const re of GOVUK_BRAND) expect(res.body.match(re)?.[0], url).toBeUndefined();
    }
  });

  it('a configured brand shows its name, logo, colour, footer links and licence line', async () => {
    const res = await branded.inject('/sign-in');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(
      '<img class="app-header__logo" src="/brand/logo.svg" alt="Borsetshire Improvement Partnership">',
    );
    expect(res.body).toContain('--app-brand: #0b3d2e;');
    expect(res.body).toContain('<meta name="theme-color" content="#0b3d2e">');
    expect(res.body).toContain('<a class="govuk-footer__link" href="/accessibility">Accessibility statement</a>');
    expect(res.body).toContain('© Borsetshire Improvement Partnership');
    expect(res.body).toContain('– Borsetshire Improvement Partnership</title>');
    for (const re of GOVUK_BRAND) expect(res.body.match(re)?.[0]).toBeUndefined();
    const logo = await branded.inject('/brand/logo.svg');
    expect(logo.statusCode).toBe(200);
    expect(logo.headers['content-type']).toContain('image/svg+xml');
    expect((await plain.inject('/brand/logo.svg')).statusCode).toBe(404);
  });
});
