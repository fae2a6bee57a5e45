import { applyGeography } from '../../src/modules/areas/index.ts';
import type { KnownArea } from '../../src/modules/imports/adapter.ts';
import { areasVintagesAdapter } from '../../src/modules/imports/adapters/areas-vintages.ts';
import { importFiles } from '../../src/modules/imports/index.ts';
import { runImport, type ImportSummary } from '../../src/modules/imports/service.ts';
import type { Db } from '../../src/platform/db.ts';
import { sharedFile } from './shared-data.ts';

/**
 * The real geography files, as `sli import areas-vintages` takes them (the 2014 lookup adds the 2019 abolitions'
 * parents).
 */
export const GEOGRAPHY_FILES = [
  'geography/england_ltla_vintages_2019_2025.csv',
  'geography/ons_la_changes_2014_2025.csv',
  'geography/mysociety_uk_local_authorities.csv',
  'geography/ons_ltla14_lookup.csv',
];

/** Imports the geography files through the import engine (published), as the CLI would. */
export async function importGeography(db: Db, now?: Date): Promise<ImportSummary> {
  return runImport(db, {
    adapter: areasVintagesAdapter,
    files: GEOGRAPHY_FILES.map(sharedFile),
    publish: true,
    applyGeography,
    ...(now ? { now } : {}),
  });
}

/**
 * Imports the real English geography (about 450 areas with their parents over time and successions) into a test
 * database. Nothing is cached between databases; one import takes well under a second on either dialect.
 */
export async function seedAreas(db: Db): Promise<void> {
  const summary = await importGeography(db);
  if (summary.state !== 'published' && summary.state !== 'unchanged') {
    throw new Error(
      `seedAreas: ${summary.message} ${summary.errors
        .slice(0, 5)
        .map((e) => `${e.at.file}:${e.at.line} ${e.message}`)
        .join('; ')}`,
    );
  }
}

/** The catalogue's view of the real geography, from the areas-vintages adapter (no database). */
export async function realAreas(): Promise<(code: string) => KnownArea | undefined> {
  const areas = new Map<string, KnownArea>();
  for await (const item of areasVintagesAdapter.read(GEOGRAPHY_FILES.map(sharedFile), {
    error: () => {},
    progress: () => {},
  })) {
    if (item.kind !== 'geography') continue;
    for (const a of item.geography.areas)
      areas.set(a.code, { code: a.code, name: a.name, validFrom: a.validFrom, validTo: a.validTo, successors: [] });
    for (const s of item.geography.successions) areas.get(s.predecessor)?.successors.push(s.successor);
  }
  return (code) => areas.get(code);
}

/** ONS Explore Local Statistics' files, as `sli import els` takes them (the neighbours model's inputs include them). */
export const ELS_FILES = [
  'performance/ons_explore_local_statistics/els_observations_england.csv',
  'performance/ons_explore_local_statistics/els_indicators.csv',
  'performance/ons_explore_local_statistics/els_indicator_metadata.json',
  'performance/ons_explore_local_statistics/els_areas.csv',
];

/** Imports and publishes publishers' files from the shared data, adapter by adapter; a refused import fails. */
export async function importPublished(db: Db, imports: [adapter: string, files: string[]][]): Promise<void> {
  for (const [adapter, files] of imports) {
    const r = await importFiles(db, adapter, files.map(sharedFile), { publish: true });
    if (r.state !== 'published') throw new Error(`${adapter}: ${r.message}`);
  }
}
