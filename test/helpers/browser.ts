/// <reference lib="dom" />
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const CHROMIUM = process.env.SLI_CHROMIUM ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with the flags this machine's closed network needs. Never a downloaded browser. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM}. Install Debian's chromium package (apt-get install chromium; scripts/ensure-chromium.sh does it) or set SLI_CHROMIUM.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Runs axe-core with the WCAG 2.2 AA rules on the page's current address and fails listing every violation. axe needs
 * timers, which do not run in a context with JavaScript switched off, so it runs in a fresh JavaScript-enabled context
 * on the same address (our pages render the same markup either way: JavaScript only enhances).
 */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const browser = page.context().browser();
  if (!browser) throw new Error('expectNoAxeViolations needs a page from a launched browser');
  const context = await browser.newContext({ storageState: await page.context().storageState() }); // same cookies: signed-in pages too
  try {
    const checked = await context.newPage();
    await checked.goto(page.url());
    await checked.addScriptTag({ content: AXE });
    const violations = await checked.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
      const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
    });
    const text = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`).join('\n');
    expect(violations, `axe found WCAG 2.2 AA violations on ${page.url()}:\n${text}`).toEqual([]);
  } finally {
    await context.close();
  }
}
