/**
 * Survey page submissions under load (issue 5): a real `sli serve` process, a wave with a SYNTHETIC frame (400
 * synthetic councils × 5 roles = 2,000 personal links, issued through the real path) and autocannon POSTing one answer
 * per request (radios, checkboxes, grid rows, numbers in turn), spread across the tokens round robin so that no token
 * has two requests in flight, each carrying the revision its form would carry. Target: at least 300 submissions a
 * second.
 *
 *   npx node bench/survey-submit.ts [sqlite|postgres] [seconds]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { round } from './measure.ts';
import { peakRssMb, startServer } from './server.ts';
import { seedSyntheticAreas, SYNTHETIC_LABEL, syntheticAreaCode } from './synthetic.ts';
import { freshDb, type FreshDb } from './fresh-db.ts';
import { servicesFor } from '../src/app/services.ts';

export type { FreshDb };

export interface SubmissionBench {
  dialect: string;
  tokens: number;
  connections: number;
  seconds: number;
  submissions: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses other than the 303 a saved page answers with. */
  failures: number;
  historyRows: number;
  serverPeakRssMb: number | null;
  target: string;
}

const QUESTIONNAIRE = {
  code: 'synthetic-bench',
  version: 1,
  title: 'Synthetic benchmark survey (SYNTHETIC)',
  description: SYNTHETIC_LABEL,
  pages: [
    {
      elements: [
        {
          type: 'radiogroup',
          name: 'Q1',
          title: 'A single choice',
          isRequired: true,
          choices: ['1', '2', '3', '4', '5'],
        },
        { type: 'checkbox', name: 'Q2', title: 'A multiple choice', choices: ['a', 'b', 'c'], showNoneItem: true },
        { type: 'matrix', name: 'Q3', title: 'A grid', columns: ['1', '2', '3', '4', '5'], rows: ['r1', 'r2', 'r3'] },
        { type: 'text', inputType: 'number', name: 'Q4', title: 'A number', min: 0, max: 1000 },
      ],
    },
  ],
};
const POSTS = [
  { page: 'Q1', body: 'answer=2' },
  { page: 'Q2', body: 'answer=a&answer=c' },
  { page: 'Q3.r1', body: 'answer=4' },
  { page: 'Q3.r2', body: 'answer=1' },
  { page: 'Q4', body: 'answer=12' },
];

export async function benchSubmissions(
  dialect: string,
  opts: {
    seconds?: number;
    connections?: number;
    areas?: number;
    roles?: number;
    freshDb?: FreshDb;
    log?: (s: string) => void;
  } = {},
): Promise<SubmissionBench> {
  const seconds = opts.seconds ?? 10;
  const connections = opts.connections ?? 10;
  const areas = opts.areas ?? 400;
  const roles = opts.roles ?? 5;
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const { db, url, drop } = await (opts.freshDb ?? freshDb)(dialect, 'survey_submit');
  try {
    await seedSyntheticAreas(db, areas);
    const s = servicesFor(db).surveys;
    const by = { name: 'bench (SYNTHETIC)' };
    await s.surveys.loadDefinition(QUESTIONNAIRE, by);
    const wave = await s.surveys.createWave(
      {
        survey: QUESTIONNAIRE.code,
        version: 1,
        name: 'Synthetic wave (SYNTHETIC)',
        mode: 'frame',
        opensAt: new Date(Date.now() - 86_400_000).toISOString(),
        closesAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
      by,
    );
    const members = Array.from({ length: areas }, (_, i) =>
      Array.from({ length: roles }, (_, r) => ({ area: syntheticAreaCode(i), role: `Synthetic role ${r + 1}` })),
    ).flat();
    await s.frames.build(wave.id, { members });
    const links = await s.frames.issueLinks(wave.id, 'http://bench.invalid', false);

    const { base, child } = await startServer(url);
    try {
      const state = links.map((l) => ({ path: new URL(l.link).pathname, revision: 0, next: 0 }));
      const probe = state[0]!;
      const first = await fetch(`${base}${probe.path}/q/Q1`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `answer=1&revision=0`,
        redirect: 'manual',
      });
      if (first.status !== 303)
        throw new Error(`a page submission answered ${first.status}: ${(await first.text()).slice(0, 300)}`);
      probe.revision = 1;
      let n = 0;
      const load = await autocannon({
        url: base,
        connections,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            setupRequest: (req) => {
              const t = state[n++ % state.length]!;
              const post = POSTS[t.next++ % POSTS.length]!;
              return { ...req, path: `${t.path}/q/${post.page}`, body: `${post.body}&revision=${t.revision++}` };
            },
          },
        ],
      });
      const rss = peakRssMb(child.pid!);
      const codes = load.statusCodeStats as unknown as Record<string, { count: number }>;
      const saved = codes['303']?.count ?? 0;
      const failures =
        Object.entries(codes)
          .filter(([c]) => c !== '303')
          .reduce((t, [, v]) => t + v.count, 0) +
        load.errors +
        load.timeouts;
      const history = await db.kysely
        .selectFrom('survey_response_history')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      // Every post carried its form's current revision: anything but a plain save would mean the bench measured another
      // path.
      const other = await db.kysely
        .selectFrom('survey_response_history')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('event', '!=', 'save')
        .executeTakeFirstOrThrow();
      if (Number(other.n) > 0)
        throw new Error(`${other.n} submissions were not plain saves (stale or conflicting revisions)`);
      const result: SubmissionBench = {
        dialect,
        tokens: links.length,
        connections,
        seconds,
        submissions: saved,
        requestsPerSecond: Math.round(saved / seconds),
        p50Ms: load.latency.p50,
        p99Ms: load.latency.p99,
        failures,
        historyRows: Number(history.n),
        serverPeakRssMb: rss,
        target: '≥ 300 page submissions a second',
      };
      log(
        `${dialect}: survey page submissions ${result.requestsPerSecond}/s over ${links.length} synthetic tokens (p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${failures} failures, ${result.historyRows} history rows), server peak RSS ${rss} MB`,
      );
      return { ...result, p50Ms: round(result.p50Ms), p99Ms: round(result.p99Ms) };
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    await drop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dialects = (process.argv[2] ?? 'sqlite,postgres').split(',');
  for (const d of dialects)
    process.stdout.write(`${JSON.stringify(await benchSubmissions(d, { seconds: Number(process.argv[3] ?? 10) }))}\n`);
}
