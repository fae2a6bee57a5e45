/**
 * Peer challenge at programme scale (issue 17): a SYNTHETIC ten-year programme (2,000 engagements over every current
 * council, 1,000 peers with teams of four, 20,000 recommendations each with an action) over the real geography,
 * then the coverage page, coverage.json, an engagement page, a council's public page, the recommendation search (API,
 * filtered, page) and the pool page, measured in-process through app.inject with a peer challenge manager signed in.
 * The evidence pack (target 200 ms): over the real adult social care measures (OFLOG, a two-measure basket) against
 * the real DfE statistical neighbours, a bottom-quartile early-warning rule screened over them and a SYNTHETIC
 * perception survey wave answered by 150 councils: the pack's generation (POST) and the reading of a frozen pack (JSON,
 * the page and the XLSX).
 * A measurement script, not a timed test. The data are made up
 * (seeded) and labelled synthetic: no public register of past challenges exists.
 *
 *   npx node bench/peer.ts [sqlite|postgres|sqlite,postgres] [requests] [ten-year|two-year|ten-year,two-year]
 *   npm run bench -- --peer-only [--dialects sqlite,postgres] [--peer-requests 30] (both scales, results in a file)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app/app.ts';
import { servicesFor } from '../src/app/services.ts';
import { importFiles, oflogAscAdapter, runImport } from '../src/modules/imports/index.ts';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../src/platform/config.ts';
import type { Db } from '../src/platform/db.ts';
import { createLogger } from '../src/platform/logger.ts';
import { withTransaction } from '../src/platform/transaction.ts';
import { freshDb } from './fresh-db.ts';
import { pct, round } from './measure.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DATA = path.resolve(process.env.SLI_SHARED_DATA ?? path.join(root, '..', 'shared', 'data'));
export const GEOGRAPHY = [
  'geography/england_ltla_vintages_2019_2025.csv',
  'geography/ons_la_changes_2014_2025.csv',
  'geography/mysociety_uk_local_authorities.csv',
  'geography/ons_ltla14_lookup.csv',
];
export interface PeerScale {
  name: string;
  engagements: number;
  peers: number;
  recommendationsPerEngagement: number;
}
/** The issue's ten-year programme: 2,000 engagements, 1,000 peers, 20,000 recommendations each with an action. */
export const SCALE: PeerScale = { name: 'ten-year', engagements: 2000, peers: 1000, recommendationsPerEngagement: 10 };
/** A tenth of it (two years' worth), to see how the figures grow with the programme. */
export const SMALL_SCALE: PeerScale = {
  name: 'two-year',
  engagements: 200,
  peers: 100,
  recommendationsPerEngagement: 10,
};
/** The issue's targets (p50, ms). */
export const TARGETS = { coveragePage: 30, search: 50, evidencePack: 200 };

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
async function seedProgramme(db: Db, councilIds: number[], scale: PeerScale) {
  const rnd = random(17);
  const now = new Date().toISOString();
  const fw = await db.kysely.selectFrom('peer_frameworks').select(['id', 'valid_from']).orderBy('valid_from').execute();
  const comps = await db.kysely.selectFrom('peer_framework_components').select(['framework_id', 'code']).execute();
  await insertAll(
    db,
    'peers',
    Array.from({ length: scale.peers }, (_, i) => ({
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
  const engagements = Array.from({ length: scale.engagements }, (_, i) => {
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
        peer_id: ((i * 4 + k) % scale.peers) + 1,
        team_role: ['lead-officer-peer', 'lead-member-peer', 'officer-peer', 'member-peer'][k],
        days_committed: 4,
        days_delivered: 4,
      })),
    ),
  );
  const recs = ids.flatMap((e) => {
    const c = comps.filter((x) => x.framework_id === e.framework_id);
    return Array.from({ length: scale.recommendationsPerEngagement }, (_, k) => ({
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

/**
 * What an evidence pack reads besides the programme: the real OFLOG adult social care measures with a two-measure
 * basket, an early-warning rule screened over them, and a SYNTHETIC perception survey wave (the example questionnaire)
 * answered by 150 councils' chief executives.
 */
async function seedPackSources(db: Db) {
  const s = servicesFor(db);
  // The similar councils the pack's headline compares with (the first family the similar-council rule names).
  const dfe = await importFiles(
    db,
    'dfe-statistical-neighbours',
    [path.join(DATA, 'similar_councils/dfe_childrens_services_statistical_neighbours_2025.csv')],
    { publish: true },
  );
  if (dfe.state !== 'published') throw new Error(`dfe-statistical-neighbours: ${dfe.message}`);
  const asc = await runImport(db, {
    adapter: oflogAscAdapter,
    files: [path.join(DATA, 'performance/oflog_adult_social_care_2015_2023.csv')],
    publish: true,
  });
  if (asc.state !== 'published') throw new Error(`oflog: ${asc.message}`);
  await s.sector.loadBasket({
    id: 'sector-key',
    version: 'bench',
    name: 'Key measures (bench)',
    description: 'Two adult social care measures',
    baseline: '2019-10-01',
    latest: 'latest',
    tolerance: 0.02,
    metrics: [
      { metric: 'oflog.asc1', why: 'carers' },
      { metric: 'oflog.asc5', why: 'reablement' },
    ],
  });
  await s.earlyWarning.load({
    id: 'sector-early-warning',
    version: 'bench',
    name: 'Bench rules',
    description: 'One rule',
    rules: [
      {
        id: 'bottom',
        type: 'bottom-quartile',
        statement: 'Bottom quarter of its type on one of the measures.',
        params: { basket: 'sector-key', k: 1, group: 'same-type' },
      },
    ],
  });
  await s.earlyWarning.screen('sector-early-warning');
  const by = { name: 'Bench' };
  const def = JSON.parse(readFileSync(path.join(root, 'examples/surveys/council-perception.json'), 'utf8')) as {
    code: string;
    version: number;
  };
  await s.surveys.surveys.loadDefinition(def, by);
  const day = 86_400_000;
  const wave = await s.surveys.surveys.createWave(
    {
      survey: def.code,
      version: def.version,
      name: 'Bench wave (SYNTHETIC)',
      mode: 'frame',
      opensAt: new Date(Date.now() - day).toISOString(),
      closesAt: new Date(Date.now() + 30 * day).toISOString(),
    },
    by,
  );
  const councils = (await s.areas.findAreas({ type: 'council', limit: 1000 })).areas.slice(0, 150).map((a) => a.code);
  if (!councils.includes('E08000009')) councils[0] = 'E08000009';
  await s.surveys.frames.build(wave.id, { members: councils.map((area) => ({ area, role: 'Chief Executive' })) });
  const links = await s.surveys.frames.issueLinks(wave.id, 'http://bench.invalid', false);
  const rnd = random(5);
  for (const l of links) {
    const [, , key, token] = new URL(l.link).pathname.split('/');
    let a = await s.surveys.respond.resolve(key!, token!);
    const q1 = String(1 + Math.floor(rnd() * 5));
    const pages: [string, string | string[]][] = [['Q1', q1]];
    if (q1 !== '4' && q1 !== '5') pages.push(['Q2', ['none']]);
    if (q1 !== '5') for (const row of ['a', 'b', 'c']) pages.push([`Q5.${row}`, String(1 + Math.floor(rnd() * 4))]);
    for (const [page, value] of pages) {
      const r = await s.surveys.respond.save(a, page, a.revision, value);
      if (r.kind !== 'saved') throw new Error(`survey ${page}: ${JSON.stringify(r)}`);
      a = await s.surveys.respond.resolve(key!, token!);
    }
    const done = await s.surveys.respond.submit(a, a.revision);
    if (done.kind !== 'submitted') throw new Error(`survey submit: ${JSON.stringify(done)}`);
  }
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

export async function benchPeer(
  dialect: string,
  requests = 100,
  log = (s: string) => process.stderr.write(`${s}\n`),
  scale: PeerScale = SCALE,
  pgUrl?: string,
) {
  const { db, url, drop } = await freshDb(dialect, `peer_${scale.name}`, pgUrl);
  try {
    await loadGeography(db);
    const s = servicesFor(db);
    const councils = await s.areas.findAreas({ type: 'council', limit: 1000 });
    // Trafford first, so that it has an engagement at either scale (its evidence pack is measured).
    const resolved = (await s.areas.resolveCodes(councils.areas.map((a) => a.code))).areas;
    const ids = [...resolved]
      .sort((a, b) => Number(b.code === 'E08000009') - Number(a.code === 'E08000009'))
      .map((a) => a.id);
    const seeded = await seedProgramme(db, ids, scale);
    await seedPackSources(db);
    await s.accounts.addUser({
      email: 'pcm@example.org',
      name: 'Bench manager',
      role: 'peer_challenge_manager',
      password: 'correct horse battery staple',
    });
    // A council user of Trafford: searches the published challenges and its own council's drafts.
    await s.accounts.addUser({
      email: 'trafford@example.org',
      name: 'Bench council user',
      role: 'council',
      council: 'E08000009',
      password: 'correct horse battery staple',
    });
    const council = await s.accounts.signIn('trafford@example.org', 'correct horse battery staple', '127.0.0.1');
    const signed = await s.accounts.signIn('pcm@example.org', 'correct horse battery staple', '127.0.0.1');
    const { token } = signed;
    const csrfToken = signed.user.csrfToken;
    const app = await buildApp({
      db,
      config: loadConfig({ SLI_LOG_LEVEL: 'silent' }, { databaseUrl: url }),
      logger: createLogger('silent'),
    });
    await app.ready();
    try {
      const measure = async (url: string, as = token) => {
        const get = async () => {
          const res = await app.inject({ url, headers: { cookie: `sli_session=${as}` } });
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
      // The evidence pack of Trafford's busiest engagement: generated (each POST freezes a new pack), then read.
      const packOf = (
        await db.kysely
          .selectFrom('peer_engagements')
          .innerJoin('areas', 'areas.id', 'peer_engagements.area_id')
          .select('peer_engagements.id')
          .where('areas.code', '=', 'E08000009')
          .executeTakeFirstOrThrow()
      ).id;
      const generate = async () => {
        const times: number[] = [];
        for (let i = 0; i < Math.max(20, requests / 5); i++) {
          const t = performance.now();
          const res = await app.inject({
            method: 'POST',
            url: `/api/v1/peer-challenge/engagements/${packOf}/evidence-pack`,
            headers: { cookie: `sli_session=${token}`, 'x-csrf-token': csrfToken },
            payload: {},
          });
          times.push(performance.now() - t);
          if (res.statusCode !== 201) throw new Error(`POST evidence-pack answered ${res.statusCode}: ${res.body}`);
        }
        return { p50Ms: round(pct(times, 50)), p95Ms: round(pct(times, 95)) };
      };
      const packGenerate = await generate();
      const pack = JSON.parse(
        (
          await app.inject({
            url: `/api/v1/peer-challenge/engagements/${packOf}/evidence-pack.json`,
            headers: { cookie: `sli_session=${token}` },
          })
        ).body,
      ) as { sections: { key: string; rows: unknown[]; unavailable: string | null }[] };
      const result = {
        dialect,
        packSections: Object.fromEntries(pack.sections.map((x) => [x.key, x.unavailable ?? `${x.rows.length} rows`])),
        packGenerate,
        packJson: await measure(`/api/v1/peer-challenge/engagements/${packOf}/evidence-pack.json`),
        packPage: await measure(`/peer-challenge/engagements/${packOf}/evidence-pack`),
        packXlsx: await measure(`/api/v1/peer-challenge/engagements/${packOf}/evidence-pack.xlsx`),
        scale: scale.name,
        synthetic: { ...seeded, peers: scale.peers },
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
        searchAsCouncil: await measure('/api/v1/peer-challenge/recommendations?q=financial%20planning', council.token),
        poolPage: await measure('/peer-challenge/pool'),
      };
      const targets = {
        coveragePageP50: { targetMs: TARGETS.coveragePage, met: result.coveragePage.p50Ms <= TARGETS.coveragePage },
        searchP50: { targetMs: TARGETS.search, met: result.searchJson.p50Ms <= TARGETS.search },
        evidencePackP50: {
          targetMs: TARGETS.evidencePack,
          met: result.packGenerate.p50Ms <= TARGETS.evidencePack,
        },
      };
      log(
        `${dialect} (${scale.name}): SYNTHETIC programme (${seeded.engagements} engagements, ${scale.peers} peers, ${seeded.recommendations} recommendations, ${seeded.actions} actions): coverage page p50 ${result.coveragePage.p50Ms} ms, coverage.json p50 ${result.coverageJson.p50Ms} ms, engagement page p50 ${result.engagementPage.p50Ms} ms, council page p50 ${result.councilPage.p50Ms} ms, recommendation search p50 ${result.searchJson.p50Ms} ms (filtered ${result.searchFiltered.p50Ms} ms, page ${result.searchPage.p50Ms} ms, as a council user ${result.searchAsCouncil.p50Ms} ms), pool page p50 ${result.poolPage.p50Ms} ms; evidence pack generated p50 ${result.packGenerate.p50Ms} ms (p95 ${result.packGenerate.p95Ms}), read p50 ${result.packJson.p50Ms} ms (page ${result.packPage.p50Ms} ms, XLSX ${result.packXlsx.p50Ms} ms) (in-process)`,
      );
      return { ...result, targets };
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
  const scales = (process.argv[4] ?? 'ten-year').split(',').map((x) => [SCALE, SMALL_SCALE].find((s) => s.name === x)!);
  for (const scale of scales)
    for (const d of dialects) process.stdout.write(`${JSON.stringify(await benchPeer(d, n, undefined, scale))}\n`);
}
