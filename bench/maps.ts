/**
 * Boundaries and maps on the real files: the time to import the boundaries (the GeoJSON files of 2019 and 2025, then
 * the TopoJSON of every year 2014 to 2025), the space they take, and the time to render the metric page of the DEFRA
 * recycling rate with its map for 2023/24 and 2018/19 (the first render reads and parses the shapes; later ones use
 * the maps module's cache). Run: npx node bench/maps.ts [sqlite|postgres] [--geojson-only | --topojson-only]
 */
import { statSync } from 'node:fs';
import { sql } from 'kysely';
import { servicesFor } from '../src/app/services.ts';
import { importFiles } from '../src/modules/imports/index.ts';
import { freshDb } from './fresh-db.ts';
import { REAL_IMPORTS, realFiles } from './real.ts';

const dialect = process.argv[2] ?? 'sqlite';
const geojsonOnly = process.argv.includes('--geojson-only');
const topojsonOnly = process.argv.includes('--topojson-only');
const { db, url, drop } = await freshDb(dialect, 'maps');
const ms = (t0: number) => Math.round(performance.now() - t0);

async function size(): Promise<string> {
  if (dialect === 'sqlite') {
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db.kysely);
    return `${(statSync(url.replace(/^sqlite:/, '')).size / 1e6).toFixed(1)} MB file`;
  }
  const r = await sql<{ n: string }>`select pg_total_relation_size('boundary_shapes') as n`.execute(db.kysely);
  return `${(Number(r.rows[0]!.n) / 1e6).toFixed(1)} MB boundary_shapes`;
}

async function run(adapter: string, files: string[]) {
  const t0 = performance.now();
  const r = await importFiles(db, adapter, realFiles(files), { publish: true });
  if (r.state === 'rejected') throw new Error(`${adapter}: ${r.message} ${JSON.stringify(r.errors.slice(0, 3))}`);
  return { ms: ms(t0), r };
}

try {
  const geography = REAL_IMPORTS.find(([a]) => a === 'areas-vintages')![1];
  await run('areas-vintages', geography);
  await run('defra-recycling', ['performance/defra_household_recycling_rate_2015_2024.csv']);
  console.log(`${dialect}: size before boundaries ${await size()}`);
  if (!topojsonOnly) {
    const geo = await run('boundaries', [
      'boundaries/england_ltla_2025.geojson',
      'boundaries/england_utla_2025.geojson',
      'boundaries/england_ltla_2019.geojson',
      'boundaries/england_utla_2019.geojson',
    ]);
    console.log(`${dialect}: GeoJSON 2019 and 2025 (4 files): ${geo.ms} ms; ${geo.r.message}`);
    console.log(`  size after GeoJSON ${await size()}`);
  }
  if (!geojsonOnly) {
    const topo = await run('boundaries', ['boundaries/ons_uk_la_boundaries_2014_2025.topo.json']);
    console.log(
      `${dialect}: TopoJSON 2014 to 2025: ${topo.ms} ms; ${topo.r.message}; skipped ${JSON.stringify(topo.r.skipped)}`,
    );
    console.log(`  size after TopoJSON ${await size()}`);
    const again = await run('boundaries', ['boundaries/ons_uk_la_boundaries_2014_2025.topo.json']);
    console.log(`${dialect}: TopoJSON again (unchanged): ${again.ms} ms; ${again.r.state}`);
  }
  const pages = servicesFor(db).pages.metrics;
  for (const period of ['2023-04-01/P1Y', '2018-04-01/P1Y']) {
    const t0 = performance.now();
    const first = await pages.metric('defra.household-recycling-rate', { period });
    const cold = ms(t0);
    const t1 = performance.now();
    const n = 10;
    for (let i = 0; i < n; i++) await pages.metric('defra.household-recycling-rate', { period });
    const warm = Math.round((performance.now() - t1) / n);
    const map = first.empty ? '' : (first.map ?? '');
    const noData = /No data \((\d+) area/.exec(map)?.[1] ?? '0';
    const drawn = (map.match(/<path d="[^"]*" fill=/g) ?? []).length;
    const note = first.empty ? '' : (first.mapNote ?? '');
    console.log(
      `  metric page ${period}: first ${cold} ms, then ${warm} ms each; ${drawn} areas drawn, ${noData} "No data"; ${(map.length / 1e3).toFixed(0)} kB SVG ${note}`,
    );
  }
} finally {
  await drop();
}
