/**
 * Stored definitions, baskets and rule sets alike: checked, then kept by code and version with a fingerprint of their
 * content. A version once stored never changes: the same content again is "unchanged", different content is refused.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../platform/db.ts';
import type { FieldError } from '../../platform/errors.ts';
import { sectorRepository as repo, type DefinitionTable } from './repository.ts';

export class DefinitionError extends Error {
  readonly problems: FieldError[];
  constructor(message: string, problems: FieldError[]) {
    super(message);
    this.problems = problems;
  }
}

const fingerprint = (def: unknown) => createHash('sha256').update(JSON.stringify(def)).digest('hex');

export type LoadResult = { state: 'loaded' | 'unchanged'; code: string; version: string };
/** A definition's problems (none: it may be stored), as JSON paths with values. */
export type ProblemsOf = (raw: unknown) => Promise<FieldError[]>;

/** Validates and stores a definition; a version once stored never changes (load a new version instead). */
export async function loadDefinition(
  db: Db,
  table: DefinitionTable,
  raw: unknown,
  problemsOf: ProblemsOf,
  now = new Date(),
): Promise<LoadResult> {
  const problems = await problemsOf(raw);
  const what = table === 'baskets' ? 'basket' : 'rule set';
  if (problems.length > 0) {
    throw new DefinitionError(`The ${what} was not loaded: ${problems.length} problem(s).`, problems);
  }
  const def = raw as { id: string; version: string; name: string };
  const existing = await repo.definition(db, table, def.id, def.version);
  const fp = fingerprint(def);
  if (existing) {
    if (existing.fingerprint === fp) return { state: 'unchanged', code: def.id, version: def.version };
    const again = `give the changed ${what} a new version`;
    const message = `Version ${def.version} of ${what} ${def.id} is already loaded with different content; ${again}.`;
    const problem = { field: 'version', value: def.version, message: 'already exists with different content' };
    throw new DefinitionError(message, [problem]);
  }
  const row = { code: def.id, version: def.version, name: def.name, definition: JSON.stringify(def), fingerprint: fp };
  await repo.insertDefinition(db, table, { ...row, loaded_at: now.toISOString() });
  return { state: 'loaded', code: def.id, version: def.version };
}
