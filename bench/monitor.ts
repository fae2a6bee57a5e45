/**
 * Programme monitoring at a year's scale (issue 20): a SYNTHETIC year of 2,000 users over the real councils and
 * N recorded requests (default 5,000,000) spread over the 365 days to today, written as the recorder writes them
 * (raw events and the running counts kept at write time, in one transaction per batch). Then, measured in-process:
 * - the scorecard for a month before any rollup (every day's raw events still held: it reads the running counts),
 * - the rollup (totals for every completed day; raw events older than 60 days deleted),
 * - the scorecard for a past month (totals) and for the current month (totals and today's raw events), JSON through
 *   app.inject and the service call alone,
 * - recording: the synchronous cost of recorder.record() per request, and the batch write per event; then under a soak
 *   (the app listening, SOAK_RATE requests a second for SOAK_SECONDS s from autocannon), the recorder's own time per
 *   recorded request as it counts it (record() plus its share of the batch writes, an upper bound on what it adds).
 * A measurement script, not a timed test. Targets: scorecard under 200 ms; recording under 1 ms a request.
 *
 *   npm run bench -- --monitor-only [--monitor-events 5000000] [--dialects sqlite,postgres]
 */
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { buildApp } from '../src/app/app.ts';
import { servicesFor } from '../src/app/services.ts';
import { loadConfig } from '../src/platform/config.ts';
import type { Db } from '../src/platform/db.ts';
import { writeEvents, type Recorder } from '../src/modules/monitor/index.ts';
import { createLogger } from '../src/platform/logger.ts';
import { freshDb } from './fresh-db.ts';
import { pct, round } from './measure.ts';
import { loadGeography, random } from './peer.ts';

const USERS = 2000;
const SOAK_RATE = 100;
const SOAK_SECONDS = 15;
const ROUTES = Array.from({ length: 30 }, (_, i) => `/synthetic/route-${i}/:code`);

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;

/** The synthetic events, in order of day: [day, kind, route, status, visitor]. */
function* events(n: number, end: number) {
  const rnd = random(20);
  const perDay = Math.ceil(n / 365);
  for (let i = 0; i < n; i++) {
    const d = Math.floor(i / perDay);
    const day = dayOf(end - (364 - d) * DAY);
    const r = rnd();
    const kind = r < 0.8 ? 'page' : r < 0.98 ? 'api' : 'embed';
    yield [
      day,
      kind,
      ROUTES[Math.floor(rnd() * ROUTES.length)]!,
      rnd() < 0.97 ? 200 : 404,
      `v${d}-${Math.floor(rnd() * 3000)}`,
    ] as const;
  }
}

/**
 * The events written as the recorder writes them (writeEvents: raw events and the running counts the scorecard
 * reads, in one transaction), in batches of BATCH: a flush carries at most 500, so larger batches only make the seeding
 * quicker, and the counts are the same either way.
 */
async function seedEvents(db: Db, n: number, end: number) {
  const BATCH = 5000;
  let rows: { day: string; kind: string; route: string; status: number; visitor: string }[] = [];
  for (const [day, kind, route, status, visitor] of events(n, end)) {
    rows.push({ day, kind, route, status, visitor });
    if (rows.length === BATCH) {
      await writeEvents(db, rows);
      rows = [];
    }
  }
  if (rows.length) await writeEvents(db, rows);
}

async function seedUsers(db: Db, codes: { id: number; code: string }[], end: number) {
  const rnd = random(21);
  const users = Array.from({ length: USERS }, (_, i) => ({
    email: `user${i}@synthetic.example`,
    name: `Synthetic user ${i}`,
    password_hash: 'scrypt$synthetic',
    role: i < 40 ? 'analyst' : 'council',
    council_area_id: i < 40 ? null : codes[Math.floor(rnd() * codes.length * 0.8)]!.id,
    created_at: new Date(end - Math.floor(rnd() * 365) * DAY).toISOString(),
    disabled_at: null,
  }));
  for (let i = 0; i < users.length; i += 400)
    await db.kysely
      .insertInto('users')
      .values(users.slice(i, i + 400) as never)
      .execute();
  const days: { day: string; council_code: string }[] = [];
  for (let d = 0; d < 365; d++)
    for (let k = 0; k < 120; k++)
      days.push({ day: dayOf(end - d * DAY), council_code: codes[Math.floor(rnd() * codes.length * 0.8)]!.code });
  const unique = [...new Map(days.map((x) => [`${x.day}|${x.council_code}`, x])).values()];
  for (let i = 0; i < unique.length; i += 2000)
    await db.kysely
      .insertInto('monitor_council_days')
      .values(unique.slice(i, i + 2000))
      .execute();
}

/** The synthetic year: the geography, 2,000 users, the councils active each day and n events to `end`. */
export async function seedMonitor(db: Db, n: number, end: number, log: (s: string) => void) {
  await loadGeography(db);
  const s = servicesFor(db);
  const councils = await s.areas.liveAreas({ types: ['E06', 'E07', 'E08', 'E09', 'E10'] });
  await seedUsers(db, councils, end);
  const t = performance.now();
  await seedEvents(db, n, end);
  const seedSeconds = round((performance.now() - t) / 1000, 1);
  log(`${db.dialect}: seeded ${n} events in ${seedSeconds} s`);
  if (db.dialect === 'postgres')
    for (const t of ['monitor_events', 'monitor_live', 'monitor_visitors', 'monitor_council_days'])
      await db.pool!.query(`ANALYZE ${db.schema}.${t}`);
  return { s, seedSeconds };
}

export async function benchMonitor(dialect: string, n: number, log: (s: string) => void) {
  const { db, drop } = await freshDb(dialect, 'monitor');
  try {
    const end = Date.now();
    const { s, seedSeconds } = await seedMonitor(db, n, end, log);
    let t: number;

    const config = loadConfig({ SLI_LOG_LEVEL: 'silent' }, { databaseUrl: 'sqlite:unused' });
    const app = await buildApp({ db, config, logger: createLogger('silent') }, s);
    await app.ready();
    const now = new Date(end).toISOString();
    const thisMonth = now.slice(0, 7);
    const pastMonth = dayOf(end - 150 * DAY).slice(0, 7);
    // 40 runs, so that p95 is not simply the slowest of a few (the machine's load is reported with each figure).
    const measure = async (fn: () => Promise<unknown>, runs = 40) => {
      await fn();
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await fn();
        ms.push(performance.now() - t0);
      }
      return {
        p50: round(pct(ms, 50), 1),
        p95: round(pct(ms, 95), 1),
        max: round(Math.max(...ms), 1),
        runs,
        loadAverage: loadavg().map((x) => round(x, 2)),
      };
    };
    const http = (month: string) => async () => {
      const r = await app.inject({ method: 'GET', url: `/api/v1/monitoring/scorecard.json?month=${month}` });
      if (r.statusCode !== 200) throw new Error(`${r.statusCode} ${r.body}`);
    };
    const beforeRollup = await measure(http(pastMonth));
    const beforeRollupCurrent = await measure(http(thisMonth));
    log(
      `${dialect}: scorecard before the rollup (raw events held, running counts read) past month ${JSON.stringify(beforeRollup)}, current month ${JSON.stringify(beforeRollupCurrent)}`,
    );
    const cardBefore = await s.monitor.scorecard(pastMonth);
    t = performance.now();
    const rollup = await s.monitor.rollup();
    const rollupSeconds = round((performance.now() - t) / 1000, 1);
    log(`${dialect}: rollup ${JSON.stringify(rollup)} in ${rollupSeconds} s`);
    const past = await measure(http(pastMonth));
    const current = await measure(http(thisMonth));
    const service = await measure(() => s.monitor.scorecard(thisMonth));
    log(
      `${dialect}: scorecard after the rollup past month ${JSON.stringify(past)}, current month ${JSON.stringify(current)}, service call ${JSON.stringify(service)}`,
    );
    const card = await s.monitor.scorecard(pastMonth);

    // Recording: the synchronous cost per request, then the batch write per event.
    const rec = s.monitor.recorder;
    await rec.flush();
    const calls = 40_000; // under the buffer's limit (50,000), as between two flushes
    t = performance.now();
    for (let i = 0; i < calls; i++)
      rec.record({
        method: 'GET',
        url: '/councils/E08000009',
        route: '/councils/:code',
        status: 200,
        contentType: 'text/html; charset=utf-8',
        ip: `10.0.${i % 250}.${i % 200}`,
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
        councilCode: undefined,
      });
    const recordUs = ((performance.now() - t) * 1000) / calls;
    t = performance.now();
    await rec.flush();
    const writeUs = ((performance.now() - t) * 1000) / calls;
    const page = await measure(async () => {
      await app.inject({
        method: 'GET',
        url: '/monitoring/privacy',
        headers: { accept: 'text/html', 'user-agent': 'Mozilla/5.0 Firefox/140.0' },
      });
    }, 300);
    const underSoak = await recordingUnderSoak(app, rec, thisMonth);
    log(`${dialect}: recording under a soak ${JSON.stringify(underSoak)}`);
    await app.close();
    return {
      synthetic: { label: 'SYNTHETIC: made-up users and events', users: USERS, events: n, seedSeconds },
      scorecardBeforeRollupMs: { pastMonth: beforeRollup, currentMonth: beforeRollupCurrent },
      rollup: { ...rollup, seconds: rollupSeconds },
      scorecardPastMonthMs: past,
      scorecardCurrentMonthMs: current,
      scorecardServiceMs: service,
      // The same month from the running counts (before the rollup) and from the rollup's totals: they must agree.
      pastMonthFigures: {
        beforeRollup: {
          pageViews: cardBefore.traffic.pageViews,
          averageDailyUniqueVisitors: cardBefore.traffic.averageDailyUniqueVisitors,
        },
        afterRollup: {
          pageViews: card.traffic.pageViews,
          averageDailyUniqueVisitors: card.traffic.averageDailyUniqueVisitors,
        },
      },
      recording: {
        recordMicrosecondsPerRequest: round(recordUs, 2),
        batchWriteMicrosecondsPerEvent: round(writeUs, 2),
        pageWithRecordingMs: page,
        underSoak,
        stats: rec.stats(),
      },
      targets: { scorecardMsUnder: 200, recordingMsPerRequestUnder: 1 },
    };
  } finally {
    await drop();
  }
}

/**
 * The recorder's own time per recorded request while the app serves a steady load (autocannon, SOAK_RATE requests a
 * second over a few pages and the scorecard, with a browser's user agent so that every request is recorded): the time
 * it counts inside record() and in its batch writes (recorder stats, wall clock: an upper bound on what it takes from
 * requests), divided by the requests it recorded, beside the latency the load saw.
 */
async function recordingUnderSoak(app: Awaited<ReturnType<typeof buildApp>>, rec: Recorder, month: string) {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const paths = ['/', '/monitoring/privacy', `/api/v1/monitoring/scorecard.json?month=${month}`];
  await rec.flush();
  const before = rec.stats();
  let i = 0;
  const result = await autocannon({
    url: base,
    connections: 10,
    overallRate: SOAK_RATE,
    duration: SOAK_SECONDS,
    headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0' },
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length]! }) }],
  });
  await rec.flush();
  const after = rec.stats();
  const recorded = after.recorded - before.recorded;
  const per = (ms: number) => (recorded ? round(ms / recorded, 4) : null);
  return {
    rate: SOAK_RATE,
    seconds: SOAK_SECONDS,
    paths,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    recorded,
    written: after.written - before.written,
    recordMsPerRequest: per(after.recordMs - before.recordMs),
    batchWriteMsPerRequest: per(after.writeMs - before.writeMs),
    addedMsPerRequest: per(after.recordMs - before.recordMs + after.writeMs - before.writeMs),
    loadAverage: loadavg().map((x) => round(x, 2)),
  };
}
