import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findVulnerable, installedPackages, recentAdvisories, satisfies, type Advisory } from '../scripts/audit.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const advisory = (over: Partial<Advisory>): Advisory => ({
  id: 'GHSA-test',
  package: 'pkg',
  vulnerable: '<1.0.0',
  patched: '1.0.0',
  severity: 'high',
  published: '2026-06-01',
  title: 'test',
  ...over,
});

describe('scripts/audit.ts (npm run audit)', () => {
  it('matches npm semver ranges: comparators joined by spaces, alternatives by ||', () => {
    const range = '<1.1.12 || >=2.0.0 <2.0.2 || =4.29.0';
    expect(satisfies('1.1.11', range)).toBe(true);
    expect(satisfies('1.1.12', range)).toBe(false);
    expect(satisfies('2.0.1', range)).toBe(true);
    expect(satisfies('2.0.2', range)).toBe(false);
    expect(satisfies('4.29.0', range)).toBe(true);
    expect(satisfies('4.29.1', range)).toBe(false);
    expect(satisfies('5.8.4', '>=5.3.2 <=5.8.4')).toBe(true);
    expect(satisfies('5.8.5-beta.1', '<5.8.5')).toBe(false);
    expect(() => satisfies('1.0.0', '<banana')).toThrow(/not a comparator/);
  });

  it('finds a vulnerable version in the lock file, nested or not, and tells runtime from development', () => {
    const lock = {
      packages: {
        '': { name: 'app' },
        'node_modules/fastify': { version: '5.8.4' },
        'node_modules/a/node_modules/fastify': { version: '5.8.5' },
        'node_modules/vitest': { version: '1.0.0', dev: true },
      },
    };
    const installed = installedPackages(lock);
    expect(installed.map((i) => `${i.name}@${i.version}${i.dev ? ' dev' : ''}`)).toEqual([
      'fastify@5.8.4',
      'fastify@5.8.5',
      'vitest@1.0.0 dev',
    ]);
    const found = findVulnerable(installed, [advisory({ package: 'fastify', vulnerable: '>=5.3.2 <5.8.5' })]);
    expect(found.map((f) => f.installed.at)).toEqual(['node_modules/fastify']);
  });

  it('lists the last year of advisories for packages in the tree, patched or not', () => {
    const installed = installedPackages({ packages: { 'node_modules/pkg': { version: '2.0.0' } } });
    const list = [
      advisory({ id: 'old', published: '2024-01-01' }),
      advisory({ id: 'month', published: '2026-03' }),
      advisory({ id: 'other', package: 'unused' }),
    ];
    expect(recentAdvisories(installed, list, '2025-12-06').map((a) => a.id)).toEqual(['month']);
  });

  it('the vendored list parses, names a range for every advisory, and the lock file passes it', () => {
    const list = JSON.parse(readFileSync(path.join(repo, 'scripts/advisories.json'), 'utf8')) as {
      advisories: Advisory[];
    };
    expect(list.advisories.length).toBeGreaterThan(10);
    for (const a of list.advisories) {
      expect(a.published, a.id).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
      expect(() => satisfies('1.0.0', a.vulnerable), a.id).not.toThrow();
    }
    const lock = JSON.parse(readFileSync(path.join(repo, 'package-lock.json'), 'utf8')) as Parameters<
      typeof installedPackages
    >[0];
    const runtime = installedPackages(lock).filter((i) => !i.dev);
    expect(findVulnerable(runtime, list.advisories).map((f) => `${f.installed.name}@${f.installed.version}`)).toEqual(
      [],
    );
  });
});
