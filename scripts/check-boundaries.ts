/**
 * The module boundary rule, checked (run by `npm run lint` and so by `npm test`):
 *  1. a file in src/modules/A imports a file of another module B only through B's index.ts;
 *  2. src/platform imports nothing from src/modules, src/app or src/cli;
 *  3. modules import each other without a cycle (type-only imports count: `import type` is still a dependency);
 *     tests (*.test.ts) are held to rules 1 and 2 but not to 3, since a test may seed data through any module.
 * Imports are read with TypeScript's own pre-processor (import, export … from, import(), import type).
 * Usage: node scripts/check-boundaries.ts [root]   (exit status 1 and one line per violation when the rule is broken)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export interface Violation {
  file: string;
  line: number;
  message: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** `modules/<name>`, `platform`, `app`, `cli` or undefined for a path inside src. */
function unitOf(src: string, file: string): { unit: string; rest: string } | undefined {
  const rel = path.relative(src, file).split(path.sep);
  if (rel[0] === '..' || rel.length < 2) return undefined;
  if (rel[0] === 'modules')
    return rel.length > 2 ? { unit: `modules/${rel[1]}`, rest: rel.slice(2).join('/') } : undefined;
  return { unit: rel[0]!, rest: rel.slice(1).join('/') };
}

function lineOf(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Every violation of the boundary rule under `root/src`. */
export function checkBoundaries(root: string): Violation[] {
  const src = path.join(root, 'src');
  const violations: Violation[] = [];
  const edges = new Map<string, Map<string, { file: string; line: number }>>();
  for (const file of sourceFiles(src)) {
    const from = unitOf(src, file);
    if (!from) continue;
    const text = readFileSync(file, 'utf8');
    const info = ts.preProcessFile(text, true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), ref.fileName);
      const to = unitOf(src, target);
      if (!to || to.unit === from.unit) continue;
      const at = { file: path.relative(root, file), line: lineOf(text, ref.pos) };
      if (from.unit === 'platform') {
        violations.push({
          ...at,
          message: `platform imports ${path.relative(root, target)}: the platform knows no module, app or cli`,
        });
        continue;
      }
      if (to.unit.startsWith('modules/') && to.rest !== 'index.ts') {
        violations.push({
          ...at,
          message: `imports ${path.relative(root, target)}, inside another module: import it through ${to.unit}/index.ts`,
        });
      }
      if (from.unit.startsWith('modules/') && to.unit.startsWith('modules/') && !file.endsWith('.test.ts')) {
        const out = edges.get(from.unit) ?? new Map<string, { file: string; line: number }>();
        if (!out.has(to.unit)) out.set(to.unit, at);
        edges.set(from.unit, out);
      }
    }
  }
  violations.push(...cycles(edges));
  return violations;
}

/** One violation per import cycle between modules (each cycle reported once, from its first module by name). */
function cycles(edges: Map<string, Map<string, { file: string; line: number }>>): Violation[] {
  const found: Violation[] = [];
  const seen = new Set<string>();
  const units = [...edges.keys()].sort();
  for (const start of units) {
    // Breadth-first search for the shortest path back to `start`.
    const prev = new Map<string, string>();
    const queue = [start];
    let closing: string | undefined;
    while (queue.length && !closing) {
      const u = queue.shift()!;
      for (const v of [...(edges.get(u)?.keys() ?? [])].sort()) {
        if (v === start) {
          closing = u;
          break;
        }
        if (!prev.has(v)) {
          prev.set(v, u);
          queue.push(v);
        }
      }
    }
    if (!closing) continue;
    const cycle = [start];
    for (let u: string | undefined = closing; u && u !== start; u = prev.get(u)) cycle.splice(1, 0, u);
    const key = [...cycle].sort().join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    const at = edges.get(start)!.get(cycle[1] ?? start)!;
    found.push({ ...at, message: `import cycle between modules: ${[...cycle, start].join(' → ')}` });
  }
  return found;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const violations = checkBoundaries(root);
  for (const v of violations) process.stderr.write(`${v.file}:${v.line}: ${v.message}\n`);
  if (violations.length) {
    process.stderr.write(
      `${violations.length} module boundary violation(s); see docs/ARCHITECTURE.md ("Boundaries").\n`,
    );
    process.exit(1);
  }
  process.stdout.write('module boundaries: no violations\n');
}
