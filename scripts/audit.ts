/**
 * `npm run audit`: checks the packages package-lock.json installs against the advisories in scripts/advisories.json,
 * without the registry's advisory endpoint (which `npm audit` needs and which does not answer everywhere). By default
 * the runtime tree only (what `npm install --omit=dev` installs); `--dev` adds the development tree. Exits 1 when an
 * installed version is inside an advisory's vulnerable range. It also lists the advisories of the last twelve months
 * for packages in the tree (installed versions already patched), so a reviewer sees what has been moving.
 * The list is only as complete as its last review (README.md, "Dependencies and advisories").
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Advisory {
  id: string;
  cve?: string;
  package: string;
  /** npm semver ranges: comparators (<, <=, >, >=, =) joined by spaces, alternatives by ||. */
  vulnerable: string;
  patched: string;
  severity: string;
  /** YYYY-MM-DD or YYYY-MM. */
  published: string;
  title: string;
  source?: string;
  note?: string;
}

export interface Installed {
  name: string;
  version: string;
  /** Where it is installed, e.g. node_modules/a/node_modules/b. */
  at: string;
  dev: boolean;
}

type Version = [number, number, number];

function parseVersion(v: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** True when the version satisfies the range (pre-release tags are ignored: 1.2.3-beta counts as 1.2.3). */
export function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  if (!v) return false;
  return range.split('||').some((alternative) => {
    const comparators = alternative.trim().split(/\s+/).filter(Boolean);
    if (comparators.length === 0) return false;
    return comparators.every((c) => {
      const m = /^(<=|>=|<|>|=)?\s*(.+)$/.exec(c);
      const bound = m && parseVersion(m[2]!);
      if (!m || !bound) throw new Error(`"${c}" in "${range}" is not a comparator such as <1.2.3`);
      const d = compare(v, bound);
      switch (m[1] ?? '=') {
        case '<':
          return d < 0;
        case '<=':
          return d <= 0;
        case '>':
          return d > 0;
        case '>=':
          return d >= 0;
        default:
          return d === 0;
      }
    });
  });
}

/** Every package the lock file installs (lockfileVersion 2 or 3), with whether it is development-only. */
export function installedPackages(lock: {
  packages?: Record<string, { version?: string; dev?: boolean; name?: string }>;
}): Installed[] {
  const out: Installed[] = [];
  for (const [at, p] of Object.entries(lock.packages ?? {})) {
    if (!at || !p.version) continue; // the project itself
    const name = at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length);
    out.push({ name, version: p.version, at, dev: p.dev === true });
  }
  return out;
}

export interface Finding {
  installed: Installed;
  advisory: Advisory;
}

/** The installed packages inside an advisory's vulnerable range. */
export function findVulnerable(installed: Installed[], advisories: Advisory[]): Finding[] {
  const byName = new Map<string, Advisory[]>();
  for (const a of advisories) byName.set(a.package, [...(byName.get(a.package) ?? []), a]);
  const found: Finding[] = [];
  for (const i of installed)
    for (const a of byName.get(i.name) ?? [])
      if (satisfies(i.version, a.vulnerable)) found.push({ installed: i, advisory: a });
  return found;
}

/** Advisories published on or after `since` (YYYY-MM-DD) for packages in the tree. */
export function recentAdvisories(installed: Installed[], advisories: Advisory[], since: string): Advisory[] {
  const names = new Set(installed.map((i) => i.name));
  return advisories
    .filter((a) => names.has(a.package) && a.published >= since.slice(0, a.published.length))
    .sort((a, b) => a.package.localeCompare(b.package) || a.published.localeCompare(b.published));
}

function main(): void {
  const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
  const dev = process.argv.includes('--dev');
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as Parameters<
    typeof installedPackages
  >[0];
  const list = JSON.parse(readFileSync(path.join(root, 'scripts', 'advisories.json'), 'utf8')) as {
    reviewed: string;
    advisories: Advisory[];
  };
  const installed = installedPackages(lock).filter((i) => dev || !i.dev);
  const found = findVulnerable(installed, list.advisories);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    `${installed.length} ${dev ? '' : 'runtime '}packages in package-lock.json checked against ${list.advisories.length} advisories (scripts/advisories.json, reviewed ${list.reviewed}).`,
  );
  const yearAgo = new Date(Date.parse(list.reviewed) - 365 * 86_400_000).toISOString().slice(0, 10);
  const recent = recentAdvisories(installed, list.advisories, yearAgo);
  if (recent.length > 0) {
    out(`\nAdvisories published since ${yearAgo} for packages in the tree:`);
    for (const a of recent) {
      const versions = [...new Set(installed.filter((i) => i.name === a.package).map((i) => i.version))].join(', ');
      const state = found.some((f) => f.advisory === a) ? 'VULNERABLE' : 'patched';
      out(`  ${a.published}  ${a.package} ${versions} (${state}): ${a.id} ${a.title}; fixed in ${a.patched}`);
    }
  }
  if (found.length === 0) {
    out('\nNo installed version is inside a listed vulnerable range.');
    out(
      'The list cannot see advisories published since its review: where the registry answers, run npm audit --omit=dev.',
    );
    return;
  }
  process.stderr.write(`\n${found.length} vulnerable package version(s):\n`);
  for (const { installed: i, advisory: a } of found) {
    process.stderr.write(
      `  ${i.name}@${i.version} (${i.at}): ${a.id}${a.cve ? ` (${a.cve})` : ''}, ${a.severity}: ${a.title}; fixed in ${a.patched}${a.source ? ` <${a.source}>` : ''}\n`,
    );
  }
  process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
