/**
 * Loads the publishers' files of the shared-data list (modules/imports/shared-data.ts) from a directory, in order,
 * published: each import all or nothing (on SQLite committed in parts so that the web service's writes are not held
 * up, an import a killed load left unfinished undone before the next load: imports/parts.ts), entries
 * whose files are absent skipped and named, entries already loaded (a published import holding the same files, by
 * SHA-256) skipped without reading, then the steps built on the data (our neighbours model, the sector basket, the
 * early-warning rules). It lives in the composition root because the steps belong to other modules than imports.
 * Used by `sli load --all`, `npm run load-shared-data` and the first start of an empty database (src/cli/load.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import {
  abandonUnfinished,
  entryName,
  importFiles,
  loadedState,
  planSharedData,
  type PlannedEntry,
  type SharedDataEntry,
  type SharedDataStepName,
} from '../modules/imports/index.ts';
import { DefinitionError } from '../modules/sector/index.ts';
import type { Services } from './services.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type LoadOutcome = 'loaded' | 'already' | 'absent' | 'failed' | 'skipped';

/** What the loader says as it goes: the plan, each entry started, bytes read, each entry's outcome, the end. */
export type LoadEvent =
  | { type: 'plan'; dir: string; total: number; present: number }
  | { type: 'start'; n: number; total: number; name: string; publisher: string }
  | { type: 'progress'; n: number; bytes: number; totalBytes: number }
  | { type: 'end'; n: number; name: string; publisher: string; outcome: LoadOutcome; message: string }
  | { type: 'finished'; counts: Record<LoadOutcome, number> };

export interface LoadOptions {
  db: Db;
  services: Services;
  logger?: Logger;
  onEvent?: (e: LoadEvent) => void;
  /** Passed to each publication (a publisher's re-published file no longer holding rows it did). */
  withdrawMissing?: boolean;
  /** The list to load (default: the shared-data list). */
  entries?: readonly SharedDataEntry[];
}

/** Loads every entry of the list found in `dir`: each entry's outcome (it throws only when the database does). */
export async function loadAll(dir: string, opts: LoadOptions): Promise<LoadEvent[]> {
  const plan = planSharedData(path.resolve(dir), REPO_ROOT, opts.entries);
  // An import a stopped load had committed parts of is undone first (imports/parts.ts), then loaded again below.
  await abandonUnfinished(opts.db, opts.logger);
  const emit = (e: LoadEvent) => opts.onEvent?.(e);
  const present = plan.filter((e) => e.kind === 'import' && e.missing.length === 0).length;
  emit({ type: 'plan', dir: path.resolve(dir), total: plan.length, present });
  const ends: LoadEvent[] = [];
  const counts: Record<LoadOutcome, number> = { loaded: 0, already: 0, absent: 0, failed: 0, skipped: 0 };
  let incomplete = false;
  for (const [i, entry] of plan.entries()) {
    const n = i + 1;
    const name = entryName(entry);
    emit({ type: 'start', n, total: plan.length, name, publisher: entry.publisher });
    const { outcome, message } = await runEntry(entry, n, incomplete, opts, emit).catch((e: unknown) => {
      if (!(e instanceof DefinitionError)) throw e;
      const first = e.problems[0];
      return {
        outcome: 'failed' as const,
        message: `${e.message}${first ? ` (${first.field}: ${first.message})` : ''}`,
      };
    });
    if (entry.kind === 'import' && (outcome === 'absent' || outcome === 'failed')) incomplete = true;
    counts[outcome]++;
    const end: LoadEvent = { type: 'end', n, name, publisher: entry.publisher, outcome, message };
    opts.logger?.info({ entry: name, outcome }, `load ${n} of ${plan.length}: ${name} ${outcome}`);
    ends.push(end);
    emit(end);
  }
  emit({ type: 'finished', counts });
  return ends;
}

async function runEntry(
  entry: PlannedEntry,
  n: number,
  incomplete: boolean,
  opts: LoadOptions,
  emit: (e: LoadEvent) => void,
): Promise<{ outcome: LoadOutcome; message: string }> {
  if (entry.missing.length > 0) {
    const names = entry.missing.map((m) => path.basename(m)).join(', ');
    return { outcome: 'absent', message: `files absent: ${names}` };
  }
  if (entry.kind === 'step') {
    // A step built on data that is only partly there would be built on the wrong data, or refused.
    if (incomplete) return { outcome: 'skipped', message: "not every publisher's file above was loaded" };
    return runStep(entry.step, entry.paths[0], opts);
  }
  const loaded = await loadedState(opts.db);
  if (await loaded.holds(entry.importer, entry.paths))
    return { outcome: 'already', message: 'a published import holds the same files (by SHA-256)' };
  const summary = await importFiles(opts.db, entry.importer, entry.paths, {
    publish: true,
    withdrawMissing: !!opts.withdrawMissing,
    // On SQLite in parts, so that the web service's writes (a sign-in) wait about a part, not a whole import.
    inParts: true,
    ...(opts.logger ? { logger: opts.logger } : {}),
    onProgress: (bytes, totalBytes) => emit({ type: 'progress', n, bytes, totalBytes }),
  });
  if (summary.state === 'published') return { outcome: 'loaded', message: summary.message };
  if (summary.state === 'unchanged') return { outcome: 'already', message: summary.message };
  const first = summary.errors
    .slice(0, 3)
    .map((e) => `${e.at.file}:${e.at.line}: ${e.field ? `${e.field}: ` : ''}${e.message}`);
  return { outcome: 'failed', message: [summary.message, ...first].join(' ') };
}

const NEIGHBOURS_ADAPTER = 'neighbours-model';

async function runStep(
  step: SharedDataStepName,
  definition: string | undefined,
  { db, services }: LoadOptions,
): Promise<{ outcome: LoadOutcome; message: string }> {
  const json = () => JSON.parse(readFileSync(definition!, 'utf8').replace(/^\uFEFF/, '')) as unknown;
  switch (step) {
    case 'neighbours-build': {
      if ((await loadedState(db)).newest(NEIGHBOURS_ADAPTER))
        return { outcome: 'already', message: 'already built on the data as loaded' };
      const r = await services.neighbours.build({ publish: true });
      const { state } = r.summary;
      const outcome = state === 'published' ? 'loaded' : state === 'unchanged' ? 'already' : 'failed';
      return { outcome, message: `version ${r.version}: ${r.summary.message}` };
    }
    case 'sector-basket': {
      const r = await services.sector.loadBasket(json());
      return stepOutcome(r, 'basket');
    }
    case 'sector-rules': {
      const r = await services.earlyWarning.load(json());
      return stepOutcome(r, 'rule set');
    }
    default: {
      const never: never = step;
      throw new Error(`unknown step ${String(never)}`);
    }
  }
}

const stepOutcome = (r: { state: 'loaded' | 'unchanged'; code: string; version: string }, what: string) =>
  r.state === 'loaded'
    ? { outcome: 'loaded' as const, message: `loaded ${what} ${r.code} version ${r.version}` }
    : { outcome: 'already' as const, message: `${what} ${r.code} version ${r.version} is already loaded` };
