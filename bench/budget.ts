/**
 * The budget simulator (issue 19), per dialect: the pre-fill for real councils from the real finance files (spending by
 * service and council tax); complete budgets submitted per second to a real `sli serve` (autocannon POSTing the check
 * page's form, each with a unique link: recomputed, link claimed, response and comments written); then the dashboard
 * and the tidy long CSV over 50,000 responses × 40 items (SYNTHETIC responses written straight into the table).
 * Run by `npm run bench -- --budget-only [--dialects sqlite] [--http-seconds 10]`.
 */
import path from 'node:path';
import autocannon from 'autocannon';
import { servicesFor } from '../src/app/services.ts';
import { flatItems, type Definition } from '../src/modules/budget/index.ts';
import { importFiles } from '../src/modules/imports/index.ts';
import { withTransaction } from '../src/platform/transaction.ts';
import type { FreshDb } from './fresh-db.ts';
import { pct, round, time } from './measure.ts';
import { DATA, GEOGRAPHY } from './peer.ts';
import { peakRssMb, startServer } from './server.ts';

const FINANCE: [string, string][] = [
  ['mhclg-service-spend', 'finance/service_net_current_expenditure_wide_2015-16_to_2023-24.csv'],
  ['council-tax', 'finance/ctr_band_d_by_authority_2014-15_to_2023-24.csv'],
];
/** Councils of every type for the pre-fill timing (Trafford, Kent, Manchester, Cornwall, Westminster, a district …). */
const COUNCILS = [
  'E08000009',
  'E10000016',
  'E08000003',
  'E06000052',
  'E09000033',
  'E07000223',
  'E06000001',
  'E08000035',
];
export const SCALE = { responses: 50_000, items: 40, commentShare: 0.05 };

/** A SYNTHETIC simulator of 40 items (36 spending, 3 income, 1 council tax), four levels each, a £4m gap. */
export function syntheticDefinition(): Definition {
  const levels = (cut: boolean) =>
    (cut ? [-20, -10, 0, 5] : [0, 2, 5, 10]).map((p) => ({
      code: p === 0 ? 'same' : `${p < 0 ? 'cut' : 'add'}-${Math.abs(p)}`,
      pctChange: p,
      consequence: `Synthetic consequence of a ${p}% change`,
    }));
  const spend = Array.from({ length: 36 }, (_, i) => ({
    code: `service-${i + 1}`,
    title: `Synthetic service ${i + 1}`,
    baseline: 2_000_000 + i * 100_000,
    levels: levels(true),
  }));
  return {
    council: 'E08000009',
    year: '2024-25',
    title: 'SYNTHETIC budget simulator (benchmark)',
    status: 'open',
    gap: { kind: 'one-year', years: [{ year: '2024-25', amount: 4_000_000 }] },
    statedTotal: null,
    councilTax: { bandD: 1800, taxBase: 80_000, capPct: 4.99 },
    sections: [
      { kind: 'spending', title: 'Spending', items: spend },
      {
        kind: 'income',
        title: 'Income',
        items: Array.from({ length: 3 }, (_, i) => ({
          code: `fees-${i + 1}`,
          title: `Synthetic fees ${i + 1}`,
          baseline: 5_000_000,
          levels: levels(false),
        })),
      },
      {
        kind: 'council-tax',
        title: 'Council tax',
        items: [
          { code: 'council-tax', title: 'Council tax', baseline: 144_000_000, levels: levels(false).slice(0, 2) },
        ],
      },
    ],
    constraints: [],
  };
}

export async function budgetBench(
  dialects: string[],
  freshDb: FreshDb,
  seconds: number,
  log: (s: string) => void,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const dialect of dialects) {
    const fresh = await freshDb(dialect, `budget_${dialect}`);
    const { db, url } = fresh;
    try {
      const geo = await importFiles(
        db,
        'areas-vintages',
        GEOGRAPHY.map((f) => path.join(DATA, f)),
        { publish: true },
      );
      if (geo.state !== 'published') throw new Error(geo.message);
      for (const [adapter, file] of FINANCE) {
        const r = await importFiles(db, adapter, [path.join(DATA, file)], { publish: true });
        if (r.state !== 'published') throw new Error(`${adapter}: ${r.message}`);
      }
      const budget = servicesFor(db).budget;
      // Pre-fill: the draft, then the simulator set up from it (validation and the write).
      await budget.prefill(COUNCILS[0]!, '2023-24'); // warm
      const prefillMs: number[] = [];
      const setUpMs: number[] = [];
      for (const c of COUNCILS) {
        const [, s1] = await time(() => budget.prefill(c, '2023-24'));
        prefillMs.push(s1 * 1000);
        const [, s2] = await time(() => budget.createFromPrefill(c, '2023-24', 'system'));
        setUpMs.push(s2 * 1000);
      }
      log(
        `budget ${dialect}: pre-fill p50 ${round(pct(prefillMs, 50), 1)} ms, set up p50 ${round(pct(setUpMs, 50), 1)} ms`,
      );

      // Submissions against a real server.
      const d = syntheticDefinition();
      const sim = await budget.create(d, 'system');
      const links = await budget.issueLinks(sim.id, 100_000, 'system');
      const items = flatItems(d);
      const { base, child } = await startServer(url);
      let submissions = 0;
      let p50 = 0;
      let p99 = 0;
      let failures = 0;
      let rss: number | null = null;
      try {
        const page = await fetch(`${base}/budget/${sim.openKey}/section/1`);
        const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
        const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
        if (!csrf) throw new Error('no CSRF token on the section page');
        // Every spending item cut by 10%: closes £9.9m of the £4m gap; one comment per budget.
        const fields = items.map((it) => `level-${it.code}=${it.kind === 'spending' ? 'cut-10' : 'same'}`).join('&');
        const body = (token: string) =>
          `_csrf=${encodeURIComponent(csrf)}&${fields}&comment-service-1=keep+the+mobile+library&consent=yes&go=send&t=${token}`;
        const probe = await fetch(`${base}/budget/${sim.openKey}/submit`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: body(new URL(links[0]!, 'http://x').searchParams.get('t')!),
          redirect: 'manual',
        });
        if (probe.status !== 303)
          throw new Error(`a submission answered ${probe.status}: ${(await probe.text()).slice(0, 300)}`);
        let n = 1;
        const load = await autocannon({
          url: base,
          connections: 20,
          duration: seconds,
          requests: [
            {
              method: 'POST',
              path: `/budget/${sim.openKey}/submit`,
              headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
              setupRequest: (req) => ({
                ...req,
                body: body(new URL(links[n++ % links.length]!, 'http://x').searchParams.get('t')!),
              }),
            },
          ],
        });
        rss = peakRssMb(child.pid!);
        const codes = load.statusCodeStats as unknown as Record<string, { count: number }>;
        submissions = codes['303']?.count ?? 0;
        failures =
          Object.entries(codes)
            .filter(([c]) => c !== '303')
            .reduce((t, [, v]) => t + v.count, 0) +
          load.errors +
          load.timeouts;
        p50 = load.latency.p50;
        p99 = load.latency.p99;
      } finally {
        child.kill();
      }
      const stored = await db.kysely
        .selectFrom('budget_responses')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('simulator_id', '=', sim.id)
        .executeTakeFirstOrThrow();
      log(`budget ${dialect}: ${Math.round(submissions / seconds)} budgets/s, p99 ${p99} ms, ${failures} failures`);

      // 50,000 responses × 40 items, written straight into the tables.
      const big = await budget.create({ ...d, title: 'SYNTHETIC results (benchmark)' }, 'system');
      let seed = 7;
      const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const start = Date.UTC(2026, 0, 5);
      await withTransaction(db, async (tx) => {
        let rows: Record<string, unknown>[] = [];
        for (let i = 0; i < SCALE.responses; i++) {
          rows.push({
            simulator_id: big.id,
            link_id: null,
            levels: items.map((it) => Math.floor(rnd() * it.levels.length)).join(','),
            gap_closed: 4_000_000,
            tax_change_pct: Math.floor(rnd() * 3) * 2,
            channel: 'open',
            assisted: 0,
            flag: 'ok',
            fingerprint: `f${i}`,
            submitted_at: new Date(start + Math.floor((i / SCALE.responses) * 28 * 86_400_000)).toISOString(),
          });
          if (rows.length === 500) {
            await tx.kysely
              .insertInto('budget_responses')
              .values(rows as never)
              .execute();
            rows = [];
          }
        }
        if (rows.length)
          await tx.kysely
            .insertInto('budget_responses')
            .values(rows as never)
            .execute();
        const ids = await tx.kysely
          .selectFrom('budget_responses')
          .select('id')
          .where('simulator_id', '=', big.id)
          .execute();
        const comments = ids
          .filter(() => rnd() < SCALE.commentShare)
          .map((r) => ({
            response_id: r.id,
            item_id: big.itemIds[Math.floor(rnd() * 40)]!,
            text: '=SUM(A1) keep the fortnightly collection',
          }));
        for (let i = 0; i < comments.length; i += 500)
          await tx.kysely
            .insertInto('budget_comments')
            .values(comments.slice(i, i + 500))
            .execute();
      });
      const s = await budget.byKeyFresh(big.openKey);
      await budget.dashboard(s); // warm
      const dashMs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const [, sec] = await time(() => budget.dashboard(s));
        dashMs.push(sec * 1000);
      }
      let bytes = 0;
      let lines = 0;
      const [, csvSec] = await time(async () => {
        for await (const chunk of await budget.longCsv(s)) {
          bytes += chunk.length;
          for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
        }
      });
      out[dialect] = {
        prefill: {
          councils: COUNCILS.length,
          draftP50Ms: round(pct(prefillMs, 50), 1),
          draftMaxMs: round(Math.max(...prefillMs), 1),
          setUpP50Ms: round(pct(setUpMs, 50), 1),
          setUpMaxMs: round(Math.max(...setUpMs), 1),
          target: 'setting up a simulator from the pre-fill under 1 s',
        },
        submissions: {
          items: items.length,
          connections: 20,
          seconds,
          submitted: submissions,
          budgetsPerSecond: Math.round(submissions / seconds),
          p50Ms: p50,
          p99Ms: p99,
          failures,
          storedResponses: Number(stored.n),
          serverPeakRssMb: rss,
          target: '≥ 500 complete budgets a second',
        },
        results: {
          label: 'SYNTHETIC responses',
          responses: SCALE.responses,
          items: items.length,
          dashboardMs: dashMs.map((x) => round(x, 0)),
          longCsvSeconds: round(csvSec, 2),
          longCsvRows: lines - 1,
          longCsvMb: round(bytes / 1e6, 1),
          target: 'dashboard and long CSV for 50,000 × 40 under 1 s',
        },
      };
      log(
        `budget ${dialect}: dashboard ${dashMs.map((x) => Math.round(x)).join('/')} ms, long CSV ${round(csvSec, 2)} s`,
      );
    } finally {
      await fresh.drop();
    }
  }
  return out;
}
