/**
 * The brand of whoever runs the service: its name, logo, colour, footer links and licence line. GOV.UK Frontend's
 * patterns are for everyone, its brand (the crown, the GDS Transport font, "Crown copyright") is for GOV.UK only, so
 * the pages carry this instead. Read from a JSON file (SLI_BRAND_FILE) and environment variables (SLI_BRAND_*), the
 * variables winning; parsed once at start, failing with a message that says how to fix it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config.ts';

export interface BrandLink {
  text: string;
  href: string;
}

export interface Brand {
  /** The organisation's name, shown in the header and the page titles (SLI_BRAND_NAME). */
  name: string;
  /**
   * A logo file on this machine (SLI_BRAND_LOGO: an .svg, .png, .jpg or .webp), served at `/brand/logo.<ext>` and shown
   * in the header with the name as its text alternative; null: the name as text. A file rather than another site's
   * address, since the Content Security Policy lets pages load images from this service only.
   */
  logo: { file: string; url: string; type: string } | null;
  /**
   * The brand colour (SLI_BRAND_COLOUR, `#rrggbb`): the header, the service navigation's border and unvisited links.
   * It must have a contrast of at least 4.5:1 against white (WCAG 2.2 AA for text), or the service refuses to start.
   */
  colour: string;
  /** Links in the footer (SLI_BRAND_FOOTER_LINKS: a JSON list of {"text", "href"}). */
  footerLinks: BrandLink[];
  /** The licence and copyright line in the footer (SLI_BRAND_LICENCE). */
  licence: string;
}

/**
 * The brand's type: a system font stack, never GOV.UK's GDS Transport. The compiled stylesheet (src/styles/app.scss,
 * $govuk-font-family) and the self-contained documents (embeds, the sector report: partials/brand-inline.njk) use
 * this one list; brand.unit.test.ts checks the stylesheet's is the same.
 */
export const FONT_STACK = `system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif`;

export const DEFAULT_BRAND: Brand = {
  name: 'Local government improvement platform',
  logo: null,
  // 7.0:1 against white.
  colour: '#1f4e79',
  footerLinks: [],
  licence:
    'Figures are published by the organisations named on each page, under the licences stated with them (most under the Open Government Licence v3.0). The software is open source (MIT licence).',
};

const LOGO_TYPES: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

/** WCAG relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** Contrast ratio of a colour against white (1 to 21). */
export function contrastWithWhite(hex: string): number {
  return 1.05 / (luminance(hex) + 0.05);
}

function text(name: string, raw: unknown, max: number): string {
  if (typeof raw !== 'string' || raw.trim() === '' || raw.length > max)
    throw new ConfigError(`${name} must be text of 1 to ${max} characters; it is ${JSON.stringify(raw)}.`);
  if (/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(raw))
    throw new ConfigError(`${name} must not hold control characters or bidi overrides; it is ${JSON.stringify(raw)}.`);
  return raw.trim().normalize('NFC');
}

function colour(name: string, raw: unknown): string {
  if (typeof raw !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(raw.trim()))
    throw new ConfigError(`${name} must be a colour written #rrggbb, such as #1f4e79; it is ${JSON.stringify(raw)}.`);
  const c = raw.trim().toLowerCase();
  const ratio = contrastWithWhite(c);
  if (ratio < 4.5)
    throw new ConfigError(
      `${name} ${c} has a contrast of ${ratio.toFixed(2)}:1 against white; white text and links need at least 4.5:1. Choose a darker colour.`,
    );
  return c;
}

function footerLinks(name: string, raw: unknown): BrandLink[] {
  const why = `${name} must be a JSON list of links such as [{"text": "Accessibility", "href": "/accessibility"}]`;
  let list = raw;
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw) as unknown;
    } catch {
      throw new ConfigError(`${why}; it is not JSON: ${JSON.stringify(raw)}.`);
    }
  }
  if (!Array.isArray(list) || list.length > 20) throw new ConfigError(`${why} (at most 20).`);
  return list.map((item: unknown, i) => {
    const o = (item ?? {}) as Record<string, unknown>;
    const href = text(`${name}[${i}].href`, o.href, 500);
    if (!/^(\/(?!\/)|https?:\/\/|mailto:)/i.test(href))
      throw new ConfigError(`${name}[${i}].href must start with /, http://, https:// or mailto:; it is "${href}".`);
    return { text: text(`${name}[${i}].text`, o.text, 100), href };
  });
}

function logo(name: string, raw: unknown, base: string): Brand['logo'] {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string')
    throw new ConfigError(`${name} must be the path of a logo file; it is ${JSON.stringify(raw)}.`);
  if (/^[a-z]+:\/\//i.test(raw))
    throw new ConfigError(
      `${name} must be a file on this machine (pages load images from this service only); it is the address ${raw}. Download the logo and give its path.`,
    );
  const file = path.resolve(base, raw);
  const ext = path.extname(file).toLowerCase();
  const type = LOGO_TYPES[ext];
  if (!type) throw new ConfigError(`${name} must be an .svg, .png, .jpg or .webp file; it is "${raw}".`);
  if (!existsSync(file) || !statSync(file).isFile())
    throw new ConfigError(`${name}: there is no file at ${file}. Fix the path or unset it.`);
  return { file, url: `/brand/logo${ext === '.jpeg' ? '.jpg' : ext}`, type };
}

/** The brand from SLI_BRAND_FILE (JSON: name, logo, colour, footerLinks, licence) and SLI_BRAND_* variables. */
export function parseBrand(env: NodeJS.ProcessEnv): Brand {
  let fromFile: Record<string, unknown> = {};
  let base = process.cwd();
  if (env.SLI_BRAND_FILE) {
    const file = path.resolve(env.SLI_BRAND_FILE);
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`SLI_BRAND_FILE ${file} could not be read as JSON: ${(e as Error).message}`);
    }
    if (!fromFile || typeof fromFile !== 'object' || Array.isArray(fromFile))
      throw new ConfigError(
        `SLI_BRAND_FILE ${file} must hold a JSON object with name, logo, colour, footerLinks, licence.`,
      );
    const unknown = Object.keys(fromFile).filter(
      (k) => !['name', 'logo', 'colour', 'footerLinks', 'licence'].includes(k),
    );
    if (unknown.length)
      throw new ConfigError(
        `SLI_BRAND_FILE ${file}: unknown field ${unknown.join(', ')} (known: name, logo, colour, footerLinks, licence).`,
      );
    base = path.dirname(file);
  }
  const pick = (envName: string, field: string): { name: string; raw: unknown } =>
    env[envName] !== undefined
      ? { name: envName, raw: env[envName] }
      : { name: `SLI_BRAND_FILE ${field}`, raw: fromFile[field] };
  const n = pick('SLI_BRAND_NAME', 'name');
  const l = pick('SLI_BRAND_LOGO', 'logo');
  const c = pick('SLI_BRAND_COLOUR', 'colour');
  const f = pick('SLI_BRAND_FOOTER_LINKS', 'footerLinks');
  const lic = pick('SLI_BRAND_LICENCE', 'licence');
  return {
    name: n.raw === undefined ? DEFAULT_BRAND.name : text(n.name, n.raw, 120),
    logo: logo(l.name, l.raw, env.SLI_BRAND_LOGO !== undefined ? process.cwd() : base),
    colour: c.raw === undefined ? DEFAULT_BRAND.colour : colour(c.name, c.raw),
    footerLinks: f.raw === undefined ? DEFAULT_BRAND.footerLinks : footerLinks(f.name, f.raw),
    licence: lic.raw === undefined ? DEFAULT_BRAND.licence : text(lic.name, lic.raw, 500),
  };
}
