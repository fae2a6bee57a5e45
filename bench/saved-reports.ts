/**
 * A saved report's view on the real files (issue 3): a 3-metric trend report (the last 5 periods) for Trafford against
 * its 15 nearest neighbours in our own model, re-computed on every GET /api/v1/reports/{slug} (no 304s), measured
 * in-process through app.inject. A measurement script, not a timed test.
 *
 *   npx node bench/saved-reports.ts [sqlite|postgres|sqlite,postgres] [requests]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { importFiles } from '../src/modules/imports/index.ts';
import { pct, round } from './measure.ts';
import { freshDb } from './fresh-db.ts';
import { servicesFor } from '../src/app/services.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA = path.resolve(process.env.SLI_SHARED_DATA ?? path.join(root, '..', 'shared', 'data'));
const IMPORTS: [string, string[]][] = [
  [
    'areas-vintages',
    [
      'geography/england_ltla_vintages_2019_2025.csv',
      'geography/ons_la_changes_2014_2025.csv',
      'geography/mysociety_uk_local_authorities.csv',
      'geography/ons_ltla14_lookup.csv',
    ],
  ],
  [
    'boundaries',
    [
      'boundaries/england_ltla_2025.geojson',
      'boundaries/england_utla_2025.geojson',
      'boundaries/england_ltla_2019.geojson',
      'boundaries/england_utla_2019.geojson',
    ],
  ],
  ['oflog-asc', ['performance/oflog_adult_social_care_2015_2023.csv']],
  ['defra-recycling', ['performance/defra_household_recycling_rate_2015_2024.csv']],
  ['population', ['performance/population/ons_mid_year_population_2019_2020_la.csv']],
  ['imd', ['performance/deprivation/imd2025_england_lad24.csv']],
  [
    'els',
    [
      'performance/ons_explore_local_statistics/els_observations_england.csv',
      'performance/ons_explore_local_statistics/els_indicators.csv',
      'performance/ons_explore_local_statistics/els_indicator_metadata.json',
      'performance/ons_explore_local_statistics/els_areas.csv',
    ],
  ],
];
const METRICS = ['oflog.asc5', 'oflog.asc2', 'defra.household-recycling-rate'];

export async function benchSavedReport(
  dialect: string,
  requests = 200,
  log = (s: string) => process.stderr.write(`${s}\n`),
) {
  const { db, url, drop } = await freshDb(dialect, 'saved_reports');
  try {
    for (const [adapter, files] of IMPORTS) {
      const r = await importFiles(
        db,
        adapter,
        files.map((f) => path.join(DATA, f)),
        { publish: true },
      );
      if (r.state !== 'published') throw new Error(`${adapter}: ${r.message}`);
    }
    const nn = await servicesFor(db).neighbours.build({ version: '1' });
    if (nn.summary.state !== 'published') throw new Error(`neighbours: ${nn.summary.message}`);
    const group = (await servicesFor(db).groups.groupsForArea('E08000009')).find(
      (g) => g.type === 'nearest-neighbours' && g.family?.code.startsWith('sli'),
    );
    if (!group) throw new Error('no neighbour set for Trafford from our model');
    const userId = await servicesFor(db).accounts.addUser({
      email: 'bench@example.org',
      name: 'Bench',
      role: 'council',
      council: 'E08000009',
      password: 'correct horse battery staple',
    });
    const report = await servicesFor(db).savedReports.create(
      { id: userId, role: 'council' },
      {
        title: 'Bench',
        visibility: 'public',
        definition: { metrics: METRICS, areas: ['E08000009'], group: group.id, periods: 'latest:5', chart: 'trend' },
      },
    );
    const app = await buildApp({
      db,
      config: loadConfig({ SLI_LOG_LEVEL: 'silent' }, { databaseUrl: url }),
      logger: createLogger('silent'),
    });
    await app.ready();
    try {
      const get = async () => {
        const res = await app.inject({ url: `/api/v1/reports/${report.slug}` });
        if (res.statusCode !== 200) throw new Error(`GET answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
        return res;
      };
      for (let i = 0; i < 10; i++) await get();
      const times: number[] = [];
      let figures = 0;
      for (let i = 0; i < requests; i++) {
        const t = performance.now();
        const res = await get();
        times.push(performance.now() - t);
        figures = (res.json() as { figures: unknown[] }).figures.length;
      }
      const result = {
        dialect,
        group: `${group.id} (${group.members.length} councils)`,
        metrics: METRICS.length,
        periods: 5,
        figures,
        requests,
        p50Ms: round(pct(times, 50)),
        p95Ms: round(pct(times, 95)),
      };
      log(
        `${dialect}: GET /api/v1/reports/{slug}, 3-metric trend over ${result.group}, ${figures} figures: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms in-process`,
      );
      return result;
    } finally {
      await app.close();
    }
  } finally {
    await drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dialects = (process.argv[2] ?? 'sqlite').split(',');
  const n = Number(process.argv[3] ?? 200);
  for (const d of dialects) process.stdout.write(`${JSON.stringify(await benchSavedReport(d, n))}\n`);
}
