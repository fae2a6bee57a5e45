/// <reference lib="dom" />
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createTestApp } from './app.ts';
import type { TestDb } from './db.ts';
import type { App } from '../../src/platform/app-types.ts';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const CHROMIUM = process.env.SLI_CHROMIUM ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with the flags this machine's closed network needs. Never a downloaded browser. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM}. Install Debian's chromium package (apt-get install chromium; scripts/ensure-chromium.sh does it) or set SLI_CHROMIUM.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface BrowserServer {
  /** http://127.0.0.1:PORT */
  base: string;
  browser: Browser;
  /** The app being served (its routes, its decorations). */
  app: App;
  /** A new page in the context, opened at a path of the server; a 5xx answer fails the test. */
  open(path: string, context: BrowserContext): Promise<Page>;
  close(): Promise<void>;
}

/**
 * A real app over the test database, listening on a free port, and Debian's Chromium to drive it; `env` adds to its
 * configuration (e.g. a test SMTP server's).
 */
export async function serveToChromium(db: TestDb, env: Record<string, string> = {}): Promise<BrowserServer> {
  const app = await createTestApp(db, env);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await launchChromium().catch(async (e: unknown) => {
    await app.close();
    throw e;
  });
  return {
    base,
    browser,
    app,
    async open(path, context) {
      const page = await context.newPage();
      const res = await page.goto(`${base}${path}`);
      expect(res?.status(), path).toBeLessThan(500);
      return page;
    },
    async close() {
      await browser.close();
      await app.close();
    },
  };
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** One JavaScript-enabled page per checked context that only runs axe (see expectNoAxeViolations), kept for reuse. */
const axePages = new WeakMap<BrowserContext, Promise<Page>>();

async function axePageFor(source: BrowserContext, browser: Browser): Promise<Page> {
  let made = axePages.get(source);
  if (!made) {
    made = (async () => {
      // The pages' Content Security Policy allows no inline script but the GOV.UK template's: this context, which
      // only runs axe, bypasses it. axe is added to every document it opens (compiled once per renderer, not per page).
      const context = await browser.newContext({ bypassCSP: true });
      await context.addInitScript({ content: AXE });
      source.once('close', () => void context.close().catch(() => {}));
      const page = await context.newPage();
      // Each check fetches the page afresh, as a new context did: never an answer from the browser's cache.
      await (await context.newCDPSession(page)).send('Network.setCacheDisabled', { cacheDisabled: true });
      return page;
    })();
    axePages.set(source, made);
  }
  const page = await made;
  // Same cookies as the page checked, as they are now: signed-in pages too.
  await page.context().clearCookies();
  const cookies = await source.cookies();
  if (cookies.length) await page.context().addCookies(cookies);
  return page;
}

/**
 * Runs axe-core with the WCAG 2.2 AA rules on the page's current address and fails listing every violation. axe needs
 * timers, which do not run in a context with JavaScript switched off, so it runs in a JavaScript-enabled context on the
 * same address (our pages render the same markup either way: JavaScript only enhances); that context and its page are
 * kept for the next check from the same context. `asShown`: check the markup the page shows now rather than a fresh
 * GET of its address (a form re-shown with its errors after a POST).
 */
export async function expectNoAxeViolations(page: Page, opts: { asShown?: boolean } = {}): Promise<void> {
  const browser = page.context().browser();
  if (!browser) throw new Error('expectNoAxeViolations needs a page from a launched browser');
  const checked = await axePageFor(page.context(), browser);
  if (opts.asShown) {
    const html = await page.content();
    await checked.route(
      (url) => url.href === page.url(),
      (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }),
      { times: 1 },
    );
  }
  // From a blank page, so that an address differing only in its fragment is still fetched and checked afresh.
  await checked.goto('about:blank');
  await checked.goto(page.url());
  const violations = await checked.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  const text = violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`,
    )
    .join('\n');
  expect(violations, `axe found WCAG 2.2 AA violations on ${page.url()}:\n${text}`).toEqual([]);
}

/**
 * With JavaScript: types `typed` into the council field `id` (accessible-autocomplete), waits for the suggestions for
 * the whole of what was typed (not a late answer to a part of it, which would replace the list under the keyboard),
 * chooses the first matching `suggested` with the keyboard (down to it, enter), waits for the list to
 * close and returns the field's value. The page has not navigated: Enter chose a suggestion, not submitted the form.
 */
export async function chooseCouncilSuggestion(page: Page, id: string, typed: string, suggested: RegExp) {
  const input = page.locator(`input#${id}`);
  const url = page.url();
  const answered = page.waitForResponse(
    (r) => r.url().includes('/api/v1/areas/search') && new URL(r.url()).searchParams.get('q') === typed,
  );
  await input.click();
  await page.keyboard.type(typed, { delay: 20 });
  await answered;
  const option = page.locator(`#${id}__listbox li[role="option"]`, { hasText: suggested }).first();
  await option.waitFor();
  // The first suggestion starts highlighted (autoselect); down moves the highlight until it is on the one wanted.
  for (let i = 0; i < 10 && !/--focused/.test((await option.getAttribute('class')) ?? ''); i++) {
    await page.keyboard.press('ArrowDown');
  }
  expect(await option.getAttribute('class')).toMatch(/--focused/);
  await page.keyboard.press('Enter');
  await page.locator(`#${id}__listbox`).waitFor({ state: 'hidden' });
  expect(page.url()).toBe(url);
  return input.inputValue();
}
