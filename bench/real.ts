/**
 * Import throughput on the publishers' real files (../shared/data), and the importer against the raw engine for LAIT.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from '../src/platform/db.ts';
import { findAdapter, importFiles } from '../src/modules/imports/index.ts';
import { rawLoad } from './raw.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const D = path.resolve(process.env.SLI_SHARED_DATA ?? path.join(root, '..', 'shared', 'data'));

export const REAL_IMPORTS: [adapter: string, files: string[]][] = [
  [
    'areas-vintages',
    [
      'geography/england_ltla_vintages_2019_2025.csv',
      'geography/ons_la_changes_2014_2025.csv',
      'geography/mysociety_uk_local_authorities.csv',
      'geography/ons_ltla14_lookup.csv',
    ],
  ],
  ['boundaries', ['boundaries/england_ltla_2025.geojson', 'boundaries/england_utla_2025.geojson']],
  [
    'lait',
    [
      'performance/dfe_lait/lait_indicators_long.csv',
      'performance/dfe_lait/lait_data_dictionary.csv',
      'performance/dfe_lait/lait_la_number_to_gss_crosswalk.csv',
    ],
  ],
  [
    'els',
    [
      'performance/ons_explore_local_statistics/els_observations_england.csv',
      'performance/ons_explore_local_statistics/els_indicators.csv',
      'performance/ons_explore_local_statistics/els_indicator_metadata.json',
      'performance/ons_explore_local_statistics/els_areas.csv',
    ],
  ],
  ['defra-recycling', ['performance/defra_household_recycling_rate_2015_2024.csv']],
  ['oflog-asc', ['performance/oflog_adult_social_care_2015_2023.csv']],
  ['imd', ['performance/deprivation/imd2019_england_lad19.csv', 'performance/deprivation/imd2025_england_lad24.csv']],
  [
    'population',
    [
      'performance/population/ons_mid_year_population_2019_2020_la.csv',
      'performance/population/ons_census2021_households_lad23.csv',
    ],
  ],
];

export const realFiles = (files: string[]) =>
  files.map((f) => {
    const p = path.join(D, f);
    if (!existsSync(p))
      throw new Error(`Real data file ${p} is missing: the benchmark reads ../shared/data (or SLI_SHARED_DATA).`);
    return p;
  });

export async function realImports(
  db: Db,
  freshRaw: () => Promise<{ db: Db; drop: () => Promise<void> }>,
  log: (s: string) => void,
) {
  const out: Record<string, unknown> = {};
  for (const [adapter, files] of REAL_IMPORTS) {
    const t = performance.now();
    const s = await importFiles(db, adapter, realFiles(files), { publish: true });
    const seconds = (performance.now() - t) / 1000;
    if (s.state !== 'published')
      throw new Error(
        `${adapter}: ${s.message} ${s.errors
          .slice(0, 3)
          .map((e) => `${e.at.file}:${e.at.line} ${e.message}`)
          .join('; ')}`,
      );
    out[adapter] = {
      seconds: Math.round(seconds * 100) / 100,
      observations: s.observations.read,
      metrics: s.metrics.created,
      rowsPerSecond: s.observations.read ? Math.round(s.observations.read / seconds) : null,
    };
    log(`real ${db.dialect} ${adapter}: ${seconds.toFixed(2)} s, ${s.observations.read} observations`);
  }
  // LAIT against the raw engine: both read the same file through the adapter; only the writing differs.
  const raw = await freshRaw();
  await importFiles(raw.db, 'areas-vintages', realFiles(REAL_IMPORTS[0]![1]), { publish: true });
  const t = performance.now();
  const rows = await rawLoad(raw.db, findAdapter('lait')!, realFiles(REAL_IMPORTS.find(([a]) => a === 'lait')![1]));
  const rawSeconds = (performance.now() - t) / 1000;
  await raw.drop();
  const lait = out.lait as { seconds: number };
  out.laitAgainstRawEngine = {
    rawSeconds: Math.round(rawSeconds * 100) / 100,
    rows,
    importerSeconds: lait.seconds,
    ratio: Math.round((rawSeconds / lait.seconds) * 1000) / 1000,
  };
  return out;
}
