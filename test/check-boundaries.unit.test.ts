import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBoundaries } from '../scripts/check-boundaries.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let dir: string | undefined;

/** A throwaway tree: `files` maps a path under src/ to its text. */
function tree(files: Record<string, string>): string {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sli-boundaries-'));
  for (const [p, text] of Object.entries(files)) {
    const full = path.join(dir, 'src', p);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return dir;
}

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the module boundary rule', () => {
  it('holds for this repository', () => {
    expect(checkBoundaries(repo)).toEqual([]);
  });

  it('refuses an import past another module’s index, naming the file, line and the index to use', () => {
    const root = tree({
      'modules/a/index.ts': "export { x } from './x.ts';\n",
      'modules/a/x.ts': "import { y } from '../b/y.ts';\nexport const x = y;\n",
      'modules/b/index.ts': "export { y } from './y.ts';\n",
      'modules/b/y.ts': 'export const y = 1;\n',
    });
    expect(checkBoundaries(root)).toEqual([
      {
        file: 'src/modules/a/x.ts',
        line: 1,
        message: 'imports src/modules/b/y.ts, inside another module: import it through modules/b/index.ts',
      },
    ]);
  });

  it('refuses a platform file importing a module, even for a type', () => {
    const root = tree({
      'platform/db.ts': "import type { Row } from '../modules/a/index.ts';\nexport type R = Row;\n",
      'modules/a/index.ts': 'export type Row = { id: number };\n',
    });
    expect(checkBoundaries(root).map((v) => v.file)).toEqual(['src/platform/db.ts']);
  });

  it('refuses a cycle between modules, type-only imports included, but not one made by a test', () => {
    const root = tree({
      'modules/a/index.ts': "import type { B } from '../b/index.ts';\nexport type A = B;\n",
      'modules/b/index.ts': "import type { C } from '../c/index.ts';\nexport type B = C;\n",
      'modules/c/index.ts': "import type { A } from '../a/index.ts';\nexport type C = { a?: A };\n",
      'modules/d/index.ts': 'export const d = 1;\n',
      'modules/e/index.ts': "import { d } from '../d/index.ts';\nexport const e = d;\n",
      'modules/d/d.test.ts': "import { e } from '../e/index.ts';\nexport const t = e;\n",
    });
    expect(checkBoundaries(root).map((v) => v.message)).toEqual([
      'import cycle between modules: modules/a → modules/b → modules/c → modules/a',
    ]);
  });
});
