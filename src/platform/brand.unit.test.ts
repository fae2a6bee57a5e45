import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { contrastWithWhite, DEFAULT_BRAND, FONT_STACK, parseBrand } from './brand.ts';
import { ConfigError } from './config.ts';

describe('brand configuration', () => {
  it("the stylesheet's font stack is FONT_STACK, the one the self-contained documents use", () => {
    const scss = readFileSync(new URL('../styles/app.scss', import.meta.url), 'utf8');
    const list = /\$govuk-font-family: \(([^)]*)\)/.exec(scss)?.[1] ?? '';
    const fonts = list
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '');
    expect(fonts.join(', ')).toBe(FONT_STACK);
  });

  it('defaults to a neutral name, no logo and a colour with at least 4.5:1 contrast against white', () => {
    const b = parseBrand({});
    expect(b).toEqual(DEFAULT_BRAND);
    expect(b.name).toBe('Local government improvement platform');
    expect(b.logo).toBeNull();
    expect(contrastWithWhite(b.colour)).toBeGreaterThanOrEqual(4.5);
    expect(b.licence).not.toMatch(/Crown copyright/i);
  });

  it('contrast is computed as WCAG defines it', () => {
    expect(contrastWithWhite('#000000')).toBeCloseTo(21, 5);
    expect(contrastWithWhite('#ffffff')).toBeCloseTo(1, 5);
    expect(contrastWithWhite('#1d70b8')).toBeCloseTo(5.17, 1);
  });

  it('reads name, colour, footer links and licence from SLI_BRAND_* variables', () => {
    const b = parseBrand({
      SLI_BRAND_NAME: 'Borsetshire Improvement Partnership',
      SLI_BRAND_COLOUR: '#0B3D2E',
      SLI_BRAND_FOOTER_LINKS:
        '[{"text":"Accessibility","href":"/accessibility"},{"text":"Contact","href":"mailto:x@example.org"}]',
      SLI_BRAND_LICENCE: '© Borsetshire Improvement Partnership 2026',
    });
    expect(b).toMatchObject({
      name: 'Borsetshire Improvement Partnership',
      colour: '#0b3d2e',
      footerLinks: [
        { text: 'Accessibility', href: '/accessibility' },
        { text: 'Contact', href: 'mailto:x@example.org' },
      ],
      licence: '© Borsetshire Improvement Partnership 2026',
    });
  });

  it('reads a brand file, the variables winning, with the logo relative to the file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brand-'));
    writeFileSync(path.join(dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    const file = path.join(dir, 'brand.json');
    writeFileSync(file, JSON.stringify({ name: 'From file', colour: '#4c2c92', logo: 'logo.svg', footerLinks: [] }));
    const b = parseBrand({ SLI_BRAND_FILE: file, SLI_BRAND_NAME: 'From env' });
    expect(b.name).toBe('From env');
    expect(b.colour).toBe('#4c2c92');
    expect(b.logo).toEqual({ file: path.join(dir, 'logo.svg'), url: '/brand/logo.svg', type: 'image/svg+xml' });
  });

  it('refuses, saying how to fix it, a pale colour, a malformed one, bad links, a remote logo and unknown fields', () => {
    expect(() => parseBrand({ SLI_BRAND_COLOUR: '#ffdd00' })).toThrow(/contrast of 1\.\d\d:1 against white.*4\.5:1/);
    expect(() => parseBrand({ SLI_BRAND_COLOUR: 'blue' })).toThrow(/#rrggbb/);
    expect(() => parseBrand({ SLI_BRAND_FOOTER_LINKS: '{not json' })).toThrow(/JSON list of links/);
    expect(() => parseBrand({ SLI_BRAND_FOOTER_LINKS: '[{"text":"x","href":"javascript:alert(1)"}]' })).toThrow(
      /SLI_BRAND_FOOTER_LINKS\[0\]\.href must start with/,
    );
    expect(() => parseBrand({ SLI_BRAND_LOGO: 'https://example.org/logo.png' })).toThrow(/file on this machine/);
    expect(() => parseBrand({ SLI_BRAND_LOGO: '/nowhere/logo.png' })).toThrow(/no file at/);
    expect(() => parseBrand({ SLI_BRAND_NAME: 'Evil\u202eName' })).toThrow(/bidi/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brand-'));
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ name: 'x', colur: '#000000' }));
    expect(() => parseBrand({ SLI_BRAND_FILE: path.join(dir, 'b.json') })).toThrow(/unknown field colur/);
    expect(() => parseBrand({ SLI_BRAND_COLOUR: '#ffdd00' })).toThrow(ConfigError);
  });
});
