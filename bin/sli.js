#!/usr/bin/env node
// Entry point for `npx sli`. The CLI is TypeScript run by Node 24's built-in type stripping;
// npm puts node_modules/.bin (the registry's Node 24) first on PATH, so this works on a Node 20 machine too.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `sli needs Node 24 or later (this is ${process.version}). Run it through npm ("npx sli", "npm run sli --") so the project's own Node 24 is used.\n`,
  );
  process.exit(1);
}
// Node keeps the compiled (and type-stripped) modules in its compile cache between runs: a second start is faster.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
await import('../src/cli/main.ts');
