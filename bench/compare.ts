/**
 * Comparison at scale (issue 3), on the SYNTHETIC set: a council's headline report (60 metrics, a group of 15, the last
 * 5 periods) in-process, and the council page under load from autocannon against a real server. The basket is loaded
 * under the default id so the council page uses it; the group is a neighbour set stored as a family, like a real one,
 * its members scattered over the areas as real neighbours are.
 */
import autocannon from 'autocannon';
import type { Db } from '../src/platform/db.ts';
import { importWith } from '../src/modules/imports/index.ts';
import { pct, round } from './measure.ts';
import { peakRssMb, startServer } from './server.ts';
import { prng, SYNTHETIC_LABEL, syntheticAreaCode, syntheticMetricCode, type SyntheticSpec } from './synthetic.ts';
import { servicesFor } from '../src/app/services.ts';

export async function compareBench(
  db: Db,
  url: string,
  spec: SyntheticSpec,
  seconds: number,
  log: (s: string) => void,
) {
  const metrics = Math.min(60, spec.metrics);
  await servicesFor(db).sector.loadBasket({
    id: 'sector-key',
    version: '1.synthetic',
    name: `${metrics} synthetic metrics (SYNTHETIC)`,
    description: SYNTHETIC_LABEL,
    baseline: '2016-10-01',
    latest: 'latest',
    tolerance: 0.02,
    metrics: Array.from({ length: metrics }, (_, i) => ({
      metric: syntheticMetricCode(i),
      why: 'synthetic scale benchmark',
    })),
  });
  const owner = syntheticAreaCode(0);
  // Neighbours scattered over the areas, as a real council's are (their rows are not side by side in the tables).
  const rand = prng(15);
  const picked = new Set<number>();
  while (picked.size < 15) picked.add(1 + Math.floor(rand() * (spec.areas - 1)));
  const s = await importWith(
    db,
    {
      name: 'synthetic-neighbours',
      summary: SYNTHETIC_LABEL,
      files: 'none',
      signatures: [],
      async *read() {
        yield {
          kind: 'groups',
          at: { file: 'synthetic', line: 1 },
          groups: {
            family: {
              code: 'synthetic-neighbours',
              version: '1',
              kind: 'nearest-neighbours',
              name: 'Synthetic neighbours (SYNTHETIC)',
              areaTypes: ['E06'],
              source: { publisher: SYNTHETIC_LABEL, licence: 'OGL-UK-3.0' },
            },
            groups: [
              {
                owner,
                name: 'Synthetic council 1 and 15 neighbours (SYNTHETIC)',
                members: [...picked].map((k, i) => ({ code: syntheticAreaCode(k), rank: i + 1 })),
                at: { file: 'synthetic', line: 1 },
              },
            ],
          },
        };
      },
    },
    { publish: true },
  );
  if (s.state !== 'published') throw new Error(`synthetic group: ${s.message}`);
  const group = `synthetic-neighbours@1:${owner}`;
  const headlines = servicesFor(db).headlines;
  const q = { group, window: 5 };
  // The garbage of the benchmarks before (an import of 21.6M rows, every council's analysis) is not this one's.
  global.gc?.();
  for (let i = 0; i < 5; i++) await headlines.headline(owner, q); // warm-up
  const times: number[] = [];
  let items = 0;
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    const h = await headlines.headline(owner, q);
    times.push(performance.now() - t);
    items = h.themes.reduce((n, th) => n + th.items.length, 0);
  }
  log(
    `${db.dialect}: headline report (${items} metrics, group of 15, 5 periods) p50 ${pct(times, 50).toFixed(2)} ms in-process`,
  );

  const { base, child } = await startServer(url);
  const path = `/areas/${owner}?group=${encodeURIComponent(group)}`;
  const first = await fetch(`${base}${path}`);
  const body = await first.text();
  // The page must carry the headline itself (its measures), not only the council's name with a reason instead.
  if (
    first.status !== 200 ||
    !body.includes('Synthetic council 1') ||
    !body.includes('Synthetic metric 60 (synthetic)')
  )
    throw new Error(`council page ${first.status}: ${body.slice(0, 300)}`);
  const load = await autocannon({ url: `${base}${path}`, connections: 10, duration: seconds });
  const rss = peakRssMb(child.pid!);
  child.kill('SIGTERM');
  log(
    `${db.dialect}: council page ${Math.round(load.requests.average)} req/s (p50 ${load.latency.p50} ms, ${load.non2xx} non-2xx), server peak RSS ${rss} MB`,
  );
  return {
    headline: {
      metrics: items,
      groupSize: 15,
      groupMembers: 'scattered over the synthetic areas (seeded)',
      window: 5,
      runs: times.length,
      p50Ms: round(pct(times, 50)),
      p95Ms: round(pct(times, 95)),
      target: 'p50 ≤ 10 ms',
    },
    councilPage: {
      path,
      connections: 10,
      seconds,
      requestsPerSecond: Math.round(load.requests.average),
      latencyP50Ms: load.latency.p50,
      latencyP99Ms: load.latency.p99,
      errors: load.errors,
      non2xx: load.non2xx,
      serverPeakRssMb: rss,
      target: '≥ 500 req/s',
    },
  };
}
