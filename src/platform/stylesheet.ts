/**
 * The stylesheet build: GOV.UK Frontend compiled from its Sass with a system font stack, plus our own styles
 * (src/styles/app.scss), written to build/css/app.css (git-ignored, never committed). `npm install` builds it (the
 * `prepare` script runs scripts/build-css.ts); the server builds it at start when it is missing or older than its
 * sources, so a fresh checkout or an edited style never serves a stale or absent stylesheet.
 */
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sass from 'sass';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const STYLES_DIR = path.join(root, 'src', 'styles');
export const CSS_DIR = path.join(root, 'build', 'css');
export const CSS_FILE = path.join(CSS_DIR, 'app.css');

/** Compiles the stylesheet and refuses output that would load GOV.UK's font. Returns the CSS. */
export function compileStylesheet(): string {
  const result = sass.compile(path.join(STYLES_DIR, 'app.scss'), {
    loadPaths: [path.join(root, 'node_modules')],
    style: 'compressed',
    quietDeps: true,
  });
  if (/@font-face/i.test(result.css) || /GDS Transport/i.test(result.css))
    throw new Error(
      'The compiled stylesheet would load the GDS Transport font (GOV.UK only); keep $govuk-font-family a system stack.',
    );
  // GOV.UK's footer draws its crest from an image (GOV.UK's alone; our footer has none and /assets is not served):
  // those declarations are left out rather than pointing at a file that is not there.
  const css = result.css.replace(/[\w-]+:[^;{}]*govuk-crest\.svg[^;{}]*;?/g, '');
  if (/govuk-crest/.test(css)) throw new Error("The compiled stylesheet still refers to GOV.UK's crest.");
  return css;
}

/** Writes build/css/app.css (through a temporary file, so a reader never sees half of it). */
export function buildStylesheet(): { file: string; bytes: number } {
  const css = compileStylesheet();
  mkdirSync(CSS_DIR, { recursive: true });
  const tmp = `${CSS_FILE}.${process.pid}.tmp`;
  writeFileSync(tmp, css);
  renameSync(tmp, CSS_FILE);
  return { file: CSS_FILE, bytes: Buffer.byteLength(css) };
}

const mtime = (file: string): number => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};

/** Builds the stylesheet when it is missing or older than a file of src/styles; true when it built. */
export function ensureStylesheet(): boolean {
  const built = mtime(CSS_FILE);
  const newest = Math.max(...readdirSync(STYLES_DIR).map((f) => mtime(path.join(STYLES_DIR, f))));
  if (built >= newest) return false;
  buildStylesheet();
  return true;
}
