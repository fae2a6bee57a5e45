/**
 * Import throughput on the publishers' real files (../shared/data), and the importer against the raw engine for LAIT
 * and for each council finance importer.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from '../src/platform/db.ts';
import { findAdapter, importFiles, type ImportAdapter, type KnownArea } from '../src/modules/imports/index.ts';
import { rawLoad } from './raw.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const D = path.resolve(process.env.SLI_SHARED_DATA ?? path.join(root, '..', 'shared', 'data'));

/** The council finance files (MHCLG revenue outturn and council tax), one import each. */
function FINANCE_IMPORTS(): [adapter: string, files: string[]][] {
  return [
    [
      'mhclg-service-spend',
      [
        'finance/service_net_current_expenditure_wide_2015-16_to_2023-24.csv',
        'finance/rsx_service_expenditure_2021-22_to_2023-24_long.csv',
      ],
    ],
    ['mhclg-revenue-summary', ['finance/rs_revenue_summary_2015-16_to_2017-18_long.csv']],
    ['council-tax', ['finance/ctr_band_d_by_authority_2014-15_to_2023-24.csv']],
    [
      'mhclg-revenue-budget',
      ['finance/ra_budget_raw/RA_2021-22_data_by_LA.csv', 'finance/ra_budget_raw/RA_2023-24_data_Part_1.csv'],
    ],
  ];
}

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
  ...FINANCE_IMPORTS(),
  // Ofsted's children's services judgements, in the default basket the soak and the sector overview load.
  [
    'ofsted-ilacs',
    [
      'performance/ofsted/ofsted_ilacs_latest_judgement_by_la.csv',
      'performance/dfe_lait/lait_la_number_to_gss_crosswalk.csv',
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
  out.financeAgainstRawEngine = await financeAgainstRaw(freshRaw, log);
  return out;
}

/** What the geography in a database holds, as the import engine's catalogue tells adapters (ctx.area). */
async function knownAreas(db: Db): Promise<(code: string) => KnownArea | undefined> {
  const areas = new Map<string, KnownArea>();
  for (const a of await db.kysely.selectFrom('areas').select(['code', 'name', 'valid_from', 'valid_to']).execute())
    areas.set(a.code, { code: a.code, name: a.name, validFrom: a.valid_from, validTo: a.valid_to, successors: [] });
  const links = await db.kysely
    .selectFrom('area_successions as s')
    .innerJoin('areas as p', 'p.id', 's.predecessor_id')
    .innerJoin('areas as n', 'n.id', 's.successor_id')
    .select(['p.code as predecessor', 'n.code as successor'])
    .execute();
  for (const l of links) areas.get(l.predecessor)?.successors.push(l.successor);
  return (code) => areas.get(code);
}

/**
 * SQLite: the setup's pages moved from the write-ahead log into the database before the clock starts, so that neither
 * the importer nor the raw engine pays for checkpointing what the setup wrote (whichever writes more would cross the
 * log's checkpoint threshold first and copy the setup's pages too). PostgreSQL checkpoints in the background.
 */
function settle(db: Db): void {
  db.sqlite?.exec('PRAGMA wal_checkpoint(TRUNCATE)');
}

/**
 * Each council finance importer against the raw engine, both on a fresh database holding the geography and the
 * population (loaded before the clock starts, as scripts/load-shared-data.sh does): the raw engine reads the same
 * records through the same adapter (told what the geography holds, as the engine tells it) and writes them with
 * nothing else. The importer's time includes what its publication derives (spend per head, the computed England and
 * regional figures: imports/derived), which the raw engine does not do. A ratio of raw seconds to importer seconds of
 * 0.7 or more is the target.
 */
export async function financeAgainstRaw(
  freshRaw: () => Promise<{ db: Db; drop: () => Promise<void> }>,
  log: (s: string) => void,
  runs = 3,
  only?: string[],
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const geography = realFiles(REAL_IMPORTS[0]![1]);
  const population = realFiles(REAL_IMPORTS.find(([a]) => a === 'population')![1]);
  let importerTotal = 0;
  let rawTotal = 0;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [name, files] of FINANCE_IMPORTS().filter(([n]) => !only || only.includes(n))) {
    // Each file `runs` times, the importer and the raw engine in turn on fresh databases (one run of a small file
    // swings by half on a quiet machine): the medians are compared.
    const importerRuns: number[] = [];
    const rawRuns: number[] = [];
    let rows = 0;
    for (let run = 0; run < runs; run++) {
      const mine = await freshRaw();
      await importFiles(mine.db, 'areas-vintages', geography, { publish: true });
      await importFiles(mine.db, 'population', population, { publish: true });
      settle(mine.db);
      let t = performance.now();
      const s = await importFiles(mine.db, name, realFiles(files), { publish: true });
      importerRuns.push((performance.now() - t) / 1000);
      await mine.drop();
      if (s.state !== 'published') throw new Error(`${name}: ${s.message}`);
      const raw = await freshRaw();
      await importFiles(raw.db, 'areas-vintages', geography, { publish: true });
      await importFiles(raw.db, 'population', population, { publish: true });
      const area = await knownAreas(raw.db);
      const adapter = findAdapter(name)!;
      const told: ImportAdapter = {
        ...adapter,
        read: (f, ctx) => adapter.read(f, { ...ctx, area, skipped: () => {} }),
      };
      settle(raw.db);
      t = performance.now();
      rows = await rawLoad(raw.db, told, realFiles(files));
      rawRuns.push((performance.now() - t) / 1000);
      await raw.drop();
    }
    const importerSeconds = median(importerRuns);
    const rawSeconds = median(rawRuns);
    const ratio = Math.round((rawSeconds / importerSeconds) * 1000) / 1000;
    importerTotal += importerSeconds;
    rawTotal += rawSeconds;
    const r2 = (xs: number[]) => xs.map((x) => Math.round(x * 100) / 100);
    out[name] = {
      rows,
      runs,
      importerSeconds: Math.round(importerSeconds * 100) / 100,
      rawSeconds: Math.round(rawSeconds * 100) / 100,
      importerSecondsEachRun: r2(importerRuns),
      rawSecondsEachRun: r2(rawRuns),
      ratio,
      target: 'ratio ≥ 0.7',
    };
    log(
      `real ${name} against the raw engine (median of ${runs}): importer ${importerSeconds.toFixed(2)} s ${JSON.stringify(r2(importerRuns))}, raw ${rawSeconds.toFixed(2)} s ${JSON.stringify(r2(rawRuns))}, ratio ${ratio}`,
    );
  }
  // The target is for every finance file: the three imports' rate together.
  out.everyFinanceFile = {
    importerSeconds: Math.round(importerTotal * 100) / 100,
    rawSeconds: Math.round(rawTotal * 100) / 100,
    ratio: Math.round((rawTotal / importerTotal) * 1000) / 1000,
    target: 'ratio ≥ 0.7',
  };
  return out;
}
