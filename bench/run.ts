/**
 * npm run bench [-- --scale 0.1] [--dialects sqlite,postgres] [--no-real] [--no-sector] [--no-compare] [--no-surveys]
 * [--surveys-only] [--no-value] [--value-only] [--http-seconds 10] [--soak] [--no-soak] [--soak-seconds 30]
 * [--soak-rate 200] [--soak-rounds 1] (rounds of recording off then on)
 * [--finance-only] (only the council finance importers against the raw engine, on the real files) [--finance-runs 3]
 * [--finance-files council-tax,…] (only these finance importers)
 * [--budget-only] (only the budget simulator: pre-fill, submissions to a real server, dashboard, long CSV)
 * [--monitor-only] (only the usage scorecard and recording's cost) [--lead-only] (only leadership booking: 100 at once
 * for 10 places, over HTTP) [--peer-only] (only peer challenge: coverage page, recommendation search and evidence pack
 * at the ten-year programme and a tenth of it, against the targets) [--peer-requests 30]
 * Import throughput against the raw engine, data-query latency in-process and over HTTP, and server memory, on a seeded
 * SYNTHETIC set at the scale of the sector's data service, plus import throughput on the real files and a soak of a
 * real server on them (bench/soak.ts: the public mix at a fixed rate; --soak runs that alone, --soak-seconds 180 the
 * full soak).
 * Writes bench/results/<timestamp>.json and prints a table. --help prints this.
 */
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { Db } from '../src/platform/db.ts';
import { buildApp } from '../src/app/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { runImport } from '../src/modules/imports/service.ts';
import { pct, round, time } from './measure.ts';
import { financeAgainstRaw, realImports } from './real.ts';
import { peakRssMb, startServer } from './server.ts';
import { duckdbDirection, screeningBench, serviceDirection } from './sector.ts';
import { compareBench } from './compare.ts';
import { valueBench } from './value.ts';
import { budgetBench } from './budget.ts';
import { freshDb as freshDbIn } from './fresh-db.ts';
import { surveysBench } from './surveys-run.ts';
import { loadRealForSoak, soakBench } from './soak.ts';
import { rawLoad, readOnly } from './raw.ts';
import {
  prng,
  seedSyntheticAreas,
  SYNTHETIC_LABEL,
  syntheticAdapter,
  syntheticMetricCode,
  type SyntheticSpec,
} from './synthetic.ts';
import { servicesFor } from '../src/app/services.ts';
import { benchMonitor } from './monitor.ts';
import { benchLead } from './lead.ts';
import { benchPeer, SCALE as PEER_SCALE, SMALL_SCALE } from './peer.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    dialects: { type: 'string', default: 'sqlite,postgres' },
    'no-real': { type: 'boolean', default: false },
    'finance-only': { type: 'boolean', default: false },
    // Runs of each finance file, importer and raw engine in turn; the medians are compared.
    'finance-runs': { type: 'string', default: '3' },
    // Only these finance importers (adapter names, comma-separated); every one when absent.
    'finance-files': { type: 'string' },
    'http-seconds': { type: 'string', default: '10' },
    'no-sector': { type: 'boolean', default: false },
    'no-compare': { type: 'boolean', default: false },
    'no-surveys': { type: 'boolean', default: false },
    'no-value': { type: 'boolean', default: false },
    // Only the value-for-money profile: the synthetic import through the engine, then the profile (no raw baseline,
    // data queries, sector or comparison benchmarks, surveys or real files).
    'value-only': { type: 'boolean', default: false },
    // Only the budget simulator (bench/budget.ts).
    'budget-only': { type: 'boolean', default: false },
    'surveys-only': { type: 'boolean', default: false },
    // Only programme monitoring (bench/monitor.ts): the scorecard over a synthetic year, and recording's cost.
    'monitor-only': { type: 'boolean', default: false },
    'monitor-events': { type: 'string', default: '5000000' },
    // Only leadership programmes' booking burst (bench/lead.ts).
    'lead-only': { type: 'boolean', default: false },
    // Only peer challenge (bench/peer.ts), at both scales; requests per measured address.
    'peer-only': { type: 'boolean', default: false },
    'peer-requests': { type: 'string', default: '30' },
    soak: { type: 'boolean', default: false },
    'no-soak': { type: 'boolean', default: false },
    'soak-seconds': { type: 'string', default: '30' },
    'soak-rate': { type: 'string', default: '200' },
    // Rounds of the soak with recording off then on (bench/soak.ts), to compare what recording adds to a request.
    'soak-rounds': { type: 'string', default: '1' },
    'pg-url': { type: 'string', default: process.env.SLI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  // The usage is this file's opening comment.
  const usage = readFileSync(fileURLToPath(import.meta.url), 'utf8').match(/^\/\*\*\n([\s\S]*?)\n \*\//)?.[1] ?? '';
  process.stdout.write(`${usage.replace(/^ \* ?/gm, '')}\n`);
  process.exit(0);
}
const scale = Number(args.scale);
const spec: SyntheticSpec = { metrics: Math.max(1, Math.round(5400 * scale)), areas: 400, periods: 10, seed: 20261123 };
const tmp = path.join(root, 'bench', 'tmp');
mkdirSync(tmp, { recursive: true });

const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const sortKeys = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

const freshDb = (dialect: string, name: string) => freshDbIn(dialect, name, args['pg-url']);

async function measureQueries(db: Db, url: string) {
  const rand = prng(7);
  const metrics = Array.from({ length: 300 }, () => syntheticMetricCode(Math.floor(rand() * spec.metrics)));
  const service = servicesFor(db, { SLI_MAX_DATA_ROWS: '1000000' }).observations;
  for (const m of metrics.slice(0, 20)) await service.query({ metric: m, period: 'latest' }); // warm-up
  const inProc: number[] = [];
  let rowsPerQuery = 0;
  for (const m of metrics) {
    const t = performance.now();
    const r = await service.query({ metric: m, period: 'latest' });
    inProc.push(performance.now() - t);
    rowsPerQuery = r.observations.length;
  }
  const config = loadConfig({ SLI_LOG_LEVEL: 'silent' }, { databaseUrl: url });
  const app = await buildApp({ db, config, logger: createLogger('silent') });
  const inject: number[] = [];
  for (const m of metrics) {
    const t = performance.now();
    const res = await app.inject(`/api/v1/data.json?metric=${m}&period=latest`);
    inject.push(performance.now() - t);
    if (res.statusCode !== 200) throw new Error(`inject ${res.statusCode}: ${res.body.slice(0, 200)}`);
  }
  await app.close();

  const { base, child } = await startServer(url);
  const http: number[] = [];
  for (const m of metrics) {
    const t = performance.now();
    const res = await fetch(`${base}/api/v1/data.json?metric=${m}&period=latest`);
    await res.arrayBuffer();
    http.push(performance.now() - t);
  }
  let i = 0;
  const load = await autocannon({
    url: base,
    connections: 10,
    duration: Number(args['http-seconds']),
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({
          ...req,
          path: `/api/v1/data.json?metric=${metrics[i++ % metrics.length]}&period=latest`,
        }),
      },
    ],
  });
  const serverPeakRss = peakRssMb(child.pid!);
  child.kill('SIGTERM');
  return {
    rowsPerQuery,
    inProcessServiceMs: { p50: round(pct(inProc, 50)), p95: round(pct(inProc, 95)), p99: round(pct(inProc, 99)) },
    inProcessInjectMs: { p50: round(pct(inject, 50)), p95: round(pct(inject, 95)) },
    httpSequentialMs: { p50: round(pct(http, 50)), p95: round(pct(http, 95)) },
    httpLoad: {
      connections: 10,
      seconds: Number(args['http-seconds']),
      requestsPerSecond: round(load.requests.average, 0),
      latencyP50Ms: load.latency.p50,
      latencyP99Ms: load.latency.p99,
      errors: load.errors,
      non2xx: load.non2xx,
    },
    serverPeakRssMb: serverPeakRss,
  };
}

/** The synthetic set imported through the engine, then the value-for-money profile only (--value-only). */
async function valueOnlyRun(dialect: string) {
  const eng = await freshDb(dialect, `value_${dialect}`);
  await seedSyntheticAreas(eng.db, spec.areas);
  const [summary, seconds] = await time(() =>
    runImport(eng.db, { adapter: syntheticAdapter(spec), files: [], publish: true }),
  );
  if (summary.state !== 'published') throw new Error(`synthetic import ${summary.state}: ${summary.message}`);
  log(`${dialect}: importer ${seconds.toFixed(1)} s (${summary.observations.read.toLocaleString('en-GB')} rows)`);
  const valueForMoney = await valueBench(eng.db, spec, log);
  await eng.drop();
  return { rows: summary.observations.read, importerSeconds: round(seconds), valueForMoney };
}

async function syntheticRun(dialect: string) {
  log(
    `${dialect}: synthetic ${spec.metrics} metrics × ${spec.areas} areas × ${spec.periods} periods = ${(spec.metrics * (spec.areas + 1) * spec.periods).toLocaleString('en-GB')} rows`,
  );
  const adapter = syntheticAdapter(spec);
  const [, genSeconds] = await time(() => readOnly(adapter, []));
  log(`${dialect}: generator alone ${genSeconds.toFixed(1)} s`);

  const raw = await freshDb(dialect, `raw_${dialect}`);
  await seedSyntheticAreas(raw.db, spec.areas);
  const [rawRows, rawSeconds] = await time(() => rawLoad(raw.db, adapter, []));
  await raw.drop();
  log(
    `${dialect}: raw engine ${rawSeconds.toFixed(1)} s (${Math.round(rawRows / rawSeconds).toLocaleString('en-GB')} rows/s)`,
  );

  const eng = await freshDb(dialect, `engine_${dialect}`);
  await seedSyntheticAreas(eng.db, spec.areas);
  const [summary, engSeconds] = await time(() => runImport(eng.db, { adapter, files: [], publish: true }));
  if (summary.state !== 'published') throw new Error(`synthetic import ${summary.state}: ${summary.message}`);
  log(
    `${dialect}: importer ${engSeconds.toFixed(1)} s (${Math.round(summary.observations.read / engSeconds).toLocaleString('en-GB')} rows/s)`,
  );
  const importerPeakRssMb = mb(process.resourceUsage().maxRSS * 1024);

  const queries = await measureQueries(eng.db, eng.url);
  log(
    `${dialect}: data query p50 ${queries.inProcessServiceMs.p50} ms in-process, ${queries.httpSequentialMs.p50} ms over HTTP; ${queries.httpLoad.requestsPerSecond} req/s; server peak RSS ${queries.serverPeakRssMb} MB`,
  );
  const directionOfTravel = args['no-sector'] ? null : await serviceDirection(eng.db, spec, log);
  const comparison = args['no-compare']
    ? null
    : await compareBench(eng.db, eng.url, spec, Number(args['http-seconds']), log);
  const valueForMoney = args['no-value'] ? null : await valueBench(eng.db, spec, log);
  await eng.drop();
  const rows = summary.observations.read;
  return {
    rows,
    generatorSeconds: round(genSeconds),
    raw: {
      seconds: round(rawSeconds),
      rowsPerSecond: Math.round(rawRows / rawSeconds),
      method: dialect === 'sqlite' ? 'prepared inserts, one transaction' : 'COPY, one transaction',
    },
    importer: {
      seconds: round(engSeconds),
      rowsPerSecond: Math.round(rows / engSeconds),
      inserted: summary.observations.inserted,
    },
    ratio: round(rawSeconds / engSeconds, 3),
    ratioExcludingGenerator: round((rawSeconds - genSeconds) / (engSeconds - genSeconds), 3),
    benchProcessPeakRssMb: importerPeakRssMb,
    queries,
    directionOfTravel,
    comparison,
    valueForMoney,
  };
}

const results: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: round(os.totalmem() / 1e9, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  },
  synthetic: { label: SYNTHETIC_LABEL, ...spec, rows: spec.metrics * (spec.areas + 1) * spec.periods },
  targets: { importRatioAtLeast: 0.7, dataQueryP50InProcessMsAtMost: 5, serverMemoryMbUnder: 1024 },
  dialects: {} as Record<string, unknown>,
};
const dialects = args.dialects.split(',');
const soakOptions = {
  seconds: Number(args['soak-seconds']),
  rate: Number(args['soak-rate']),
  rounds: Number(args['soak-rounds']),
};
const valueOnly = args['value-only'];
if (valueOnly) {
  for (const d of dialects) (results.dialects as Record<string, unknown>)[d] = await valueOnlyRun(d);
  results.finishedAt = new Date().toISOString();
  const out = path.join(root, 'bench', 'results', `value-${String(results.startedAt).replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results.dialects, null, 2));
  console.log(`results: ${path.relative(process.cwd(), out)}`);
  process.exit(0);
}
if (args['budget-only']) {
  results.budget = await budgetBench(dialects, (d, name) => freshDb(d, name), Number(args['http-seconds']), log);
  results.finishedAt = new Date().toISOString();
  const out = path.join(root, 'bench', 'results', `budget-${String(results.startedAt).replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results.budget, null, 2));
  console.log(`results: ${path.relative(process.cwd(), out)}`);
  process.exit(0);
}
if (args['lead-only']) {
  const lead: Record<string, unknown> = {};
  for (const d of dialects) lead[d] = await benchLead(d, 3, log);
  const out = path.join(root, 'bench', 'results', `lead-${String(results.startedAt).replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify({ startedAt: results.startedAt, lead }, null, 2)}\n`);
  console.log(JSON.stringify(lead, null, 2));
  console.log(`results: ${path.relative(process.cwd(), out)}`);
  process.exit(0);
}
if (args['peer-only']) {
  const peer: Record<string, unknown> = {};
  for (const scale of [SMALL_SCALE, PEER_SCALE])
    for (const d of dialects)
      peer[`${scale.name}-${d}`] = await benchPeer(d, Number(args['peer-requests']), log, scale, args['pg-url']);
  const out = path.join(root, 'bench', 'results', `peer-${String(results.startedAt).replace(/[:.]/g, '-')}.json`);
  const load = os.loadavg().map((x) => round(x, 1));
  writeFileSync(out, `${JSON.stringify({ startedAt: results.startedAt, loadAverage: load, peer }, null, 2)}\n`);
  console.log(JSON.stringify(peer, null, 2));
  console.log(`results: ${path.relative(process.cwd(), out)}`);
  process.exit(0);
}
if (args['monitor-only']) {
  const monitor: Record<string, unknown> = {};
  for (const d of dialects) monitor[d] = await benchMonitor(d, Number(args['monitor-events']), log);
  const out = path.join(root, 'bench', 'results', `monitor-${String(results.startedAt).replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify({ startedAt: results.startedAt, monitor }, null, 2)}\n`);
  console.log(JSON.stringify(monitor, null, 2));
  console.log(`results: ${path.relative(process.cwd(), out)}`);
  process.exit(0);
}
const financeOnly = args['finance-only'];
if (financeOnly) {
  // Only the finance importers against the raw engine (the real files), per dialect.
  results.financeAgainstRawEngine = {};
  for (const d of dialects)
    (results.financeAgainstRawEngine as Record<string, unknown>)[d] = await financeAgainstRaw(
      () => freshDb(d, `financeraw_${d}`).then((x) => ({ db: x.db, drop: x.drop })),
      log,
      Number(args['finance-runs']),
      args['finance-files']?.split(','),
    );
}
const soakOnly = args.soak || financeOnly;
if (args.soak) {
  results.soak = {};
  for (const d of dialects) {
    const fresh = await freshDb(d, `soak_${d}`);
    await loadRealForSoak(fresh.db, log);
    (results.soak as Record<string, unknown>)[d] = await soakBench(fresh.url, d, soakOptions, log);
    await fresh.drop();
  }
}
if (!args['no-surveys'] && !soakOnly)
  results.surveys = await surveysBench(dialects, (d, name) => freshDb(d, name), Number(args['http-seconds']), log);
if (!args['surveys-only'] && !soakOnly)
  for (const d of dialects) (results.dialects as Record<string, unknown>)[d] = await syntheticRun(d);
if (!args['no-sector'] && !args['surveys-only'] && !soakOnly) {
  const duck = await duckdbDirection(
    syntheticAdapter(spec),
    path.join(tmp, `duckdb-observations-${process.pid}.csv`),
    log,
  );
  const comparison: Record<string, unknown> = {};
  for (const d of dialects) {
    const svc = (
      results.dialects as Record<string, { directionOfTravel: Awaited<ReturnType<typeof serviceDirection>> }>
    )[d]!.directionOfTravel;
    comparison[d] = {
      englandRatioToDuckdb: round(svc.englandSeconds / duck.englandSeconds, 2),
      councilsRatioToDuckdb: round(svc.councilsSeconds / duck.councilsSeconds, 2),
      sameClassifications:
        JSON.stringify(sortKeys(svc.englandTally)) === JSON.stringify(sortKeys(duck.englandTally)) &&
        JSON.stringify(sortKeys(svc.councilTally)) === JSON.stringify(sortKeys(duck.councilTally)),
    };
  }
  results.directionOfTravelDuckdb = { ...duck, comparison, target: 'service within 2× of DuckDB' };
}
if (!args['no-real'] && !args['surveys-only'] && !soakOnly) {
  results.real = {};
  for (const d of dialects) {
    const fresh = await freshDb(d, `real_${d}`);
    const imports = await realImports(
      fresh.db,
      () => freshDb(d, `realraw_${d}`).then((x) => ({ db: x.db, drop: x.drop })),
      log,
    );
    const screening = await screeningBench(
      fresh.db,
      path.join(root, 'src/modules/sector/baskets/sector-key.json'),
      path.join(root, 'src/modules/sector/rules/sector-early-warning.json'),
      (f) => JSON.parse(readFileSync(f, 'utf8')),
      log,
    );
    const nn: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const built = await servicesFor(fresh.db).neighbours.build({ version: `bench.${i}` });
      nn.push((performance.now() - t) / 1000);
      if (built.summary.state !== 'published') throw new Error(`neighbours build: ${built.summary.message}`);
    }
    nn.sort((a, b) => a - b);
    log(`real ${d}: nearest-neighbours model for all councils, built and stored: median ${nn[1]!.toFixed(3)} s`);
    // The soak: a real server on these files (the basket is loaded by the screening above).
    if (!args['no-soak']) {
      results.soak ??= {};
      (results.soak as Record<string, unknown>)[d] = await soakBench(fresh.url, d, soakOptions, log);
    }
    (results.real as Record<string, unknown>)[d] = {
      ...imports,
      screeningEveryCouncil: { ...screening, target: 'under 1 second' },
      neighboursBuild: {
        runs: 3,
        medianSeconds: round(nn[1]!, 3),
        minSeconds: round(nn[0]!, 3),
        includes: 'reading the inputs from the database, computing both tiers, storing through the import engine',
        target: 'under 1 second',
      },
    };
    await fresh.drop();
  }
}
results.finishedAt = new Date().toISOString();
const out = path.join(root, 'bench', 'results', `${String(results.startedAt).replace(/[:.]/g, '-')}.json`);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(path.join(root, 'bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);

const table: Record<string, Record<string, string | number | null>> = {};
for (const [d, r] of Object.entries(results.dialects as Record<string, Awaited<ReturnType<typeof syntheticRun>>>)) {
  table[`${d} (synthetic)`] = {
    rows: r.rows,
    'raw rows/s': r.raw.rowsPerSecond,
    'importer rows/s': r.importer.rowsPerSecond,
    'ratio (≥0.7)': r.ratio,
    'query p50 ms (≤5)': r.queries.inProcessServiceMs.p50,
    'http p50 ms': r.queries.httpSequentialMs.p50,
    'req/s': r.queries.httpLoad.requestsPerSecond,
    'server MB (<1024)': r.queries.serverPeakRssMb,
    'DoT England s': r.directionOfTravel?.englandSeconds ?? null,
    'DoT councils s': r.directionOfTravel?.councilsSeconds ?? null,
    'headline p50 ms (≤10)': r.comparison?.headline.p50Ms ?? null,
    'council page req/s (≥500)': r.comparison?.councilPage.requestsPerSecond ?? null,
    'value-for-money p50 ms (≤20)': (r.valueForMoney?.neighbours as { p50Ms: number } | undefined)?.p50Ms ?? null,
  };
}
if (Object.keys(table).length > 0) console.table(table);
if (results.directionOfTravelDuckdb) console.log(JSON.stringify(results.directionOfTravelDuckdb, null, 2));
if (results.real) console.log(JSON.stringify(results.real, null, 2));
if (results.surveys) console.log(JSON.stringify(results.surveys, null, 2));
if (results.soak) console.log(JSON.stringify(results.soak, null, 2));
console.log(`results: ${path.relative(process.cwd(), out)}`);
process.exit(0);
