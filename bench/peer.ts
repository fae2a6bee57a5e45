/**
 * Peer challenge at programme scale (issue 17): a SYNTHETIC ten-year programme (2,000 engagements over every current
 * council, 1,000 peers with teams of four, 20,000 recommendations each with an action) over the real geography,
 * then the coverage page, coverage.json, an engagement page, a council's public page, the recommendation search (API,
 * filtered, page) and the pool page, measured in-process through app.inject with a peer challenge manager signed in.
 * A measurement script, not a timed test. The data are made up
 * (seeded) and labelled synthetic: no public register of past challenges exists.
 *
 *   npx node bench/peer.ts [sqlite|postgres|sqlite,postgres] [requests]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app/app.ts';
import { servicesFor } from '../src/app/services.ts';
import { importFiles } from '../src/modules/imports/index.ts';
import { loadConfig } from '../src/platform/config.ts';
import type { Db } from '../src/platform/db.ts';
import { createLogger } from '../src/platform/logger.ts';
import { withTransaction } from '../src/platform/transaction.ts';
import { freshDb } from './fresh-db.ts';
import { pct, round } from './measure.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA = path.resolve(process.env.SLI_SHARED_DATA ?? path.join(root, '..', 'shared', 'data'));
export const GEOGRAPHY = [
  'geography/england_ltla_vintages_2019_2025.csv',
  'geography/ons_la_changes_2014_2025.csv',
  'geography/mysociety_uk_local_authorities.csv',
  'geography/ons_ltla14_lookup.csv',
];
export const SCALE = { engagements: 2000, peers: 1000, recommendationsPerEngagement: 10 };

/** A small seeded generator (mulberry32): the same programme every run. */
export function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function insertAll(db: Db, table: string, rows: Record<string, unknown>[]) {
  await withTransaction(db, async (tx) => {
    for (let i = 0; i < rows.length; i += 400)
      await tx.kysely
        .insertInto(table as never)
        .values(rows.slice(i, i + 400) as never)
        .execute();
  });
}

/** Writes the synthetic programme straight into the tables (the service's checks are not what is measured). */
async function seedProgramme(db: Db, councilIds: number[]) {
  const rnd = random(17);
  const now = new Date().toISOString();
  const fw = await db.kysely.selectFrom('peer_frameworks').select(['id', 'valid_from']).orderBy('valid_from').execute();
  const comps = await db.kysely.selectFrom('peer_framework_components').select(['framework_id', 'code']).execute();
  await insertAll(
    db,
    'peers',
    Array.from({ length: SCALE.peers }, (_, i) => ({
      name: `Synthetic peer ${i + 1}`,
      user_id: null,
      home_area_id: councilIds[i % councilIds.length],
      role: ['chief-executive', 'director', 'leader', 'councillor'][i % 4],
      political_group: i % 4 >= 2 ? ['Labour', 'Conservative', 'Liberal Democrat', 'Independent'][i % 3] : null,
      skills: '[]',
      region_code: null,
      accreditation: null,
      accredited_at: null,
      availability: null,
      active: 1,
      created_at: now,
    })),
  );
  const start = Date.UTC(2016, 0, 1);
  const span = Date.UTC(2026, 0, 1) - start;
  const engagements = Array.from({ length: SCALE.engagements }, (_, i) => {
    const onsite = start + Math.floor(rnd() * span);
    const f = [...fw].reverse().find((x) => x.valid_from <= day(onsite)) ?? fw[0]!;
    return {
      area_id: councilIds[i % councilIds.length],
      kind: rnd() < 0.8 ? 'corporate' : 'finance',
      framework_id: f.id,
      scope: 'SYNTHETIC',
      focus_areas: '[]',
      state: onsite < Date.now() - 200 * 86_400_000 ? 'report-published' : 'scheduled',
      resume_state: null,
      onsite_start: day(onsite),
      onsite_end: day(onsite + 3 * 86_400_000),
      created_at: now,
      updated_at: now,
    };
  });
  await insertAll(db, 'peer_engagements', engagements);
  const ids = await db.kysely
    .selectFrom('peer_engagements')
    .select(['id', 'framework_id', 'onsite_start', 'state'])
    .orderBy('id')
    .execute();
  await insertAll(
    db,
    'peer_engagement_steps',
    ids.flatMap((e) => [
      { engagement_id: e.id, state: 'requested', date: e.onsite_start!, reason: 'SYNTHETIC', recorded_at: now },
      ...(e.state === 'report-published'
        ? [{ engagement_id: e.id, state: 'on-site', date: e.onsite_start!, reason: 'SYNTHETIC', recorded_at: now }]
        : []),
    ]),
  );
  await insertAll(
    db,
    'peer_team_members',
    ids.flatMap((e, i) =>
      [0, 1, 2, 3].map((k) => ({
        engagement_id: e.id,
        peer_id: ((i * 4 + k) % SCALE.peers) + 1,
        team_role: ['lead-officer-peer', 'lead-member-peer', 'officer-peer', 'member-peer'][k],
        days_committed: 4,
        days_delivered: 4,
      })),
    ),
  );
  const recs = ids.flatMap((e) => {
    const c = comps.filter((x) => x.framework_id === e.framework_id);
    return Array.from({ length: SCALE.recommendationsPerEngagement }, (_, k) => ({
      ref: `PC${e.id}-R${k + 1}`,
      engagement_id: e.id,
      component_code: c[k % c.length]!.code,
      text: `SYNTHETIC recommendation ${k + 1} on ${c[k % c.length]!.code.replace(/-/g, ' ')} for engagement ${e.id}`,
    }));
  });
  await insertAll(db, 'peer_recommendations', recs);
  const recIds = await db.kysely
    .selectFrom('peer_recommendations')
    .select(['id', 'engagement_id'])
    .orderBy('id')
    .execute();
  await insertAll(
    db,
    'peer_actions',
    recIds.map((r, i) => ({
      engagement_id: r.engagement_id,
      recommendation_id: r.id,
      text: `SYNTHETIC action ${i + 1}`,
      owner_role: 'Chief executive',
      due_date: '2026-03-31',
      status: ['not-started', 'on-track', 'at-risk', 'complete'][i % 4],
      evidence: '[]',
    })),
  );
  return { engagements: ids.length, recommendations: recs.length, actions: recIds.length, busiest: ids[0]!.id };
}

/** Loads the real geography into a benchmark's database. */
export async function loadGeography(db: Db): Promise<void> {
  const g = await importFiles(
    db,
    'areas-vintages',
    GEOGRAPHY.map((f) => path.join(DATA, f)),
    { publish: true },
  );
  if (g.state !== 'published') throw new Error(`areas-vintages: ${g.message}`);
}

export async function benchPeer(dialect: string, requests = 100, log = (s: string) => process.stderr.write(`${s}\n`)) {
  const { db, url, drop } = await freshDb(dialect, 'peer');
  try {
    await loadGeography(db);
    const s = servicesFor(db);
    const councils = await s.areas.findAreas({ type: 'council', limit: 1000 });
    const ids = (await s.areas.resolveCodes(councils.areas.map((a) => a.code))).areas.map((a) => a.id);
    const seeded = await seedProgramme(db, ids);
    await s.accounts.addUser({
      email: 'pcm@example.org',
      name: 'Bench manager',
      role: 'peer_challenge_manager',
      password: 'correct horse battery staple',
    });
    const { token } = await s.accounts.signIn('pcm@example.org', 'correct horse battery staple', '127.0.0.1');
    const app = await buildApp({
      db,
      config: loadConfig({ SLI_LOG_LEVEL: 'silent' }, { databaseUrl: url }),
      logger: createLogger('silent'),
    });
    await app.ready();
    try {
      const measure = async (url: string) => {
        const get = async () => {
          const res = await app.inject({ url, headers: { cookie: `sli_session=${token}` } });
          if (res.statusCode !== 200)
            throw new Error(`GET ${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
        };
        for (let i = 0; i < 5; i++) await get();
        const times: number[] = [];
        for (let i = 0; i < requests; i++) {
          const t = performance.now();
          await get();
          times.push(performance.now() - t);
        }
        return { p50Ms: round(pct(times, 50)), p95Ms: round(pct(times, 95)) };
      };
      const result = {
        dialect,
        synthetic: { ...seeded, peers: SCALE.peers },
        requests,
        coveragePage: await measure('/peer-challenge'),
        coverageJson: await measure('/api/v1/peer-challenge/coverage.json'),
        engagementPage: await measure(`/peer-challenge/engagements/${seeded.busiest}`),
        councilPage: await measure('/peer-challenge/councils/E08000009'),
        // Full-text search over the 20,000 synthetic recommendations: a broad query (about 4,000 matches to count).
        searchJson: await measure('/api/v1/peer-challenge/recommendations?q=financial%20planning'),
        searchFiltered: await measure(
          '/api/v1/peer-challenge/recommendations?q=governance&component=governance-culture&type=E08',
        ),
        searchPage: await measure('/peer-challenge/recommendations?q=capacity'),
        poolPage: await measure('/peer-challenge/pool'),
      };
      log(
        `${dialect}: SYNTHETIC programme (${seeded.engagements} engagements, ${SCALE.peers} peers, ${seeded.recommendations} recommendations, ${seeded.actions} actions): coverage page p50 ${result.coveragePage.p50Ms} ms, coverage.json p50 ${result.coverageJson.p50Ms} ms, engagement page p50 ${result.engagementPage.p50Ms} ms, council page p50 ${result.councilPage.p50Ms} ms, recommendation search p50 ${result.searchJson.p50Ms} ms (filtered ${result.searchFiltered.p50Ms} ms, page ${result.searchPage.p50Ms} ms), pool page p50 ${result.poolPage.p50Ms} ms (in-process)`,
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
  const n = Number(process.argv[3] ?? 100);
  for (const d of dialects) process.stdout.write(`${JSON.stringify(await benchPeer(d, n))}\n`);
}
