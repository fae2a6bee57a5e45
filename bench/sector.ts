/**
 * Sector overview at scale (issue 4): direction of travel for every metric of a SYNTHETIC 5,400-metric basket, for
 * England
 * and for every council, through the service (reading from the database), and the same computation written as SQL in
 * DuckDB (@duckdb/node-api, a development dependency used only as this baseline) over the same observations held in
 * DuckDB's own memory. The two must classify identically; the counts are compared. Screening every council against the
 * default early-warning rules is measured on the real files (bench/real.ts), where the rules' metrics exist.
 */
import { createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Db } from '../src/platform/db.ts';
import type { ImportAdapter } from '../src/modules/imports/adapter.ts';
import { round, time, timeRuns } from './measure.ts';
import { SYNTHETIC_LABEL, syntheticMetricCode, type SyntheticSpec } from './synthetic.ts';
import { servicesFor } from '../src/app/services.ts';

const BASELINE = '2016-10-01';
/** Timed runs of England's direction of travel, on both sides (the median is reported). */
const ENGLAND_RUNS = 5;
const TOLERANCE = 0.02;

export function syntheticBasket(spec: SyntheticSpec) {
  return {
    id: 'synthetic-all',
    version: '1',
    name: `All ${spec.metrics} synthetic metrics (SYNTHETIC)`,
    description: SYNTHETIC_LABEL,
    baseline: BASELINE,
    latest: 'latest',
    tolerance: TOLERANCE,
    metrics: Array.from({ length: spec.metrics }, (_, i) => ({
      metric: syntheticMetricCode(i),
      why: 'synthetic scale benchmark',
    })),
  };
}

type Tally = Record<string, number>;

/** The service: England, then every council, each timed; the counts by classification for the DuckDB comparison. */
export async function serviceDirection(db: Db, spec: SyntheticSpec, log: (s: string) => void) {
  const sector = servicesFor(db).sector;
  await sector.loadBasket(syntheticBasket(spec));
  // England takes a tenth of a second, where a single run mostly measures the JIT and the collector: after an untimed
  // first run, the median of ENGLAND_RUNS, as for DuckDB below.
  const [, englandFirstSeconds] = await time(() => sector.directionOfTravel({ basket: 'synthetic-all' }));
  const [england, englandRuns] = await timeRuns(
    () => sector.directionOfTravel({ basket: 'synthetic-all' }),
    ENGLAND_RUNS,
  );
  const englandSeconds = englandRuns.median;
  log(
    `${db.dialect}: direction of travel, England, ${spec.metrics} metrics: median ${englandSeconds.toFixed(3)} s of ${ENGLAND_RUNS} (${englandRuns.min.toFixed(3)} to ${englandRuns.max.toFixed(3)}; the very first run ${englandFirstSeconds.toFixed(3)} s)`,
  );
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const [all, councilsSeconds] = await time(() => sector.directionForEveryCouncil({ basket: 'synthetic-all' }));
  const heapAfter = process.memoryUsage().heapUsed;
  log(
    `${db.dialect}: direction of travel, every council (${all.councils.length}) × ${spec.metrics} metrics: ${councilsSeconds.toFixed(2)} s`,
  );
  const englandTally: Tally = {};
  for (const m of england.metrics) {
    const k =
      m.classification === 'increased' || m.classification === 'decreased' ? 'increased/decreased' : m.classification;
    englandTally[k] = (englandTally[k] ?? 0) + 1;
  }
  const councilTally: Tally = {};
  for (const m of all.metrics) {
    const c = m.councils;
    const add = (k: string, n: number) => {
      if (n) councilTally[k] = (councilTally[k] ?? 0) + n;
    };
    add('improved', c.improved);
    add('worsened', c.worsened);
    add('no-change', c.noChange);
    add('not-comparable', c.notComparable);
    add('increased/decreased', c.noPolarity);
  }
  return {
    englandSeconds: round(englandSeconds, 3),
    englandRuns: {
      runs: ENGLAND_RUNS,
      minSeconds: round(englandRuns.min, 3),
      maxSeconds: round(englandRuns.max, 3),
      statistic: 'median after one untimed run',
    },
    englandFirstSeconds: round(englandFirstSeconds, 3),
    councilsSeconds: round(councilsSeconds, 2),
    councils: all.councils.length,
    councilsWithNoData: all.metrics.reduce((n, m) => n + m.councils.noData, 0),
    heapGrowthMb: Math.round((heapAfter - heapBefore) / 1048576),
    englandTally,
    councilTally,
  };
}

/** Writes the synthetic observations (the same generator, the same seed) to a CSV for DuckDB to read. */
export async function writeCsv(adapter: ImportAdapter, file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('metric,area,pstart,pend,value,status,lci,uci\n');
  const polarity: string[] = [];
  for await (const item of adapter.read([], { error: () => {}, progress: () => {} })) {
    if (item.kind === 'metric') {
      polarity.push(`${item.metric.code},${item.metric.polarity}`);
      continue;
    }
    if (item.kind !== 'observation') continue;
    const o = item.observation;
    const line = `${o.metric},${o.area},${o.period.start},${o.period.end},${o.value ?? ''},${o.status.join(' ')},${o.lci ?? ''},${o.uci ?? ''}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const meta = createWriteStream(`${file}.metrics`);
  meta.write(`metric,polarity\n${polarity.join('\n')}\n`);
  meta.end();
  await once(meta, 'finish');
}

/**
 * The same rules as src/modules/sector/direction.ts + compare/direction.ts, as SQL written for a columnar engine (three
 * hash aggregations, no correlated subqueries): latest = newest period with a figure; baseline = among earlier periods
 * with a figure, the one containing the anchor (the shortest, then the latest starting), else the nearest (ties to the
 * later); a break (status b) after the baseline up to the latest makes them not comparable; overlapping intervals (both
 * ends having them) or a relative change under the tolerance count as no change; polarity decides the rest.
 */
export const DIRECTION_SQL = (areaFilter: string) => `
WITH d AS (
  SELECT metric, area, pstart, pend, value, lci, uci, regexp_matches(status, '(^| )b( |$)') AS brk
  FROM obs WHERE ${areaFilter}
),
lat AS (
  SELECT metric, area, max(pstart) AS lstart, arg_max_null(value, pstart) AS lv, arg_max_null(lci, pstart) AS llci, arg_max_null(uci, pstart) AS luci
  FROM d WHERE value IS NOT NULL GROUP BY ALL
),
base AS (
  SELECT d.metric, d.area, any_value(l.lstart) AS lstart, any_value(l.lv) AS lv, any_value(l.llci) AS llci, any_value(l.luci) AS luci,
    arg_min_null(d.pstart, k.key) AS bstart, arg_min_null(d.value, k.key) AS bv, arg_min_null(d.lci, k.key) AS blci, arg_min_null(d.uci, k.key) AS buci
  FROM d JOIN lat l USING (metric, area),
  LATERAL (SELECT
    CASE WHEN d.pstart <= DATE '${BASELINE}' AND DATE '${BASELINE}' <= d.pend
      THEN datediff('day', d.pstart, d.pend)::BIGINT * 100000
      ELSE 1000000000000 + least(abs(datediff('day', d.pstart, DATE '${BASELINE}')), abs(datediff('day', d.pend, DATE '${BASELINE}')))::BIGINT * 100000 END
    + (100000 - datediff('day', DATE '1970-01-01', d.pstart)) AS key) k
  WHERE d.value IS NOT NULL AND d.pend < l.lstart
  GROUP BY d.metric, d.area
),
brk AS (
  SELECT b.metric, b.area, bool_or(d.brk AND d.pstart > b.bstart AND d.pstart <= b.lstart) AS brk
  FROM base b JOIN d USING (metric, area) GROUP BY ALL
),
cls AS (
  SELECT
    CASE
      WHEN k.brk THEN 'not-comparable'
      WHEN (blci IS NOT NULL AND buci IS NOT NULL AND llci IS NOT NULL AND luci IS NOT NULL AND blci <= luci AND llci <= buci)
        OR (NOT (blci IS NOT NULL AND buci IS NOT NULL AND llci IS NOT NULL AND luci IS NOT NULL) AND (lv = bv OR (bv <> 0 AND abs((lv - bv) / abs(bv)) < ${TOLERANCE}))) THEN 'no-change'
      WHEN m.polarity = 'not-applicable' THEN 'increased/decreased'
      WHEN (lv > bv) = (m.polarity = 'higher-is-better') THEN 'improved'
      ELSE 'worsened'
    END AS classification
  FROM base b JOIN brk k USING (metric, area) JOIN metrics m USING (metric)
)
SELECT classification, count(*)::INTEGER AS n FROM cls GROUP BY ALL
UNION ALL SELECT 'not-comparable', (SELECT count(*) FROM lat) - (SELECT count(*) FROM base)
`;

/** Loads the same observations into DuckDB (not timed as the computation) and times the computation. */
export async function duckdbDirection(adapter: ImportAdapter, csv: string, log: (s: string) => void) {
  const [, csvSeconds] = await time(() => writeCsv(adapter, csv));
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const [, loadSeconds] = await time(async () => {
    // Integer keys, as our own tables have (metric_id, area_id): synthetic.m00042 → 42, E06900001 → 6900001.
    await con.run(
      `CREATE TABLE obs AS SELECT CAST(substr(metric, 12) AS INTEGER) AS metric, CAST(substr(area, 2) AS INTEGER) AS area, pstart, pend, value, status, lci, uci FROM read_csv('${csv}', header = true, columns = {'metric': 'VARCHAR', 'area': 'VARCHAR', 'pstart': 'DATE', 'pend': 'DATE', 'value': 'DOUBLE', 'status': 'VARCHAR', 'lci': 'DOUBLE', 'uci': 'DOUBLE'})`,
    );
    await con.run(
      `CREATE TABLE metrics AS SELECT CAST(substr(metric, 12) AS INTEGER) AS metric, polarity FROM read_csv('${csv}.metrics', header = true, columns = {'metric': 'VARCHAR', 'polarity': 'VARCHAR'})`,
    );
  });
  const rows = Number((await con.runAndReadAll('SELECT count(*) FROM obs')).getRows()[0]![0]);
  log(
    `duckdb: ${rows.toLocaleString('en-GB')} observations loaded (CSV written in ${csvSeconds.toFixed(1)} s, read in ${loadSeconds.toFixed(1)} s; neither is part of the timing)`,
  );
  const classifyIn = async (filter: string): Promise<Tally> => {
    const r = await con.runAndReadAll(DIRECTION_SQL(filter));
    const out: Tally = {};
    for (const [k, n] of r.getRows()) if (Number(n)) out[String(k)] = (out[String(k)] ?? 0) + Number(n);
    return out;
  };
  const [englandTally, englandRuns] = await timeRuns(() => classifyIn('area = 92000001'), ENGLAND_RUNS);
  const englandSeconds = englandRuns.median;
  const [councilTally, councilsSeconds] = await time(() => classifyIn('area <> 92000001'));
  log(
    `duckdb: England median ${englandSeconds.toFixed(3)} s of ${ENGLAND_RUNS} (${englandRuns.min.toFixed(3)} to ${englandRuns.max.toFixed(3)}), every council ${councilsSeconds.toFixed(2)} s`,
  );
  con.closeSync();
  instance.closeSync();
  rmSync(csv, { force: true });
  rmSync(`${csv}.metrics`, { force: true });
  return {
    rows,
    threads: 'DuckDB default (all cores)',
    englandSeconds: round(englandSeconds, 3),
    englandRuns: {
      runs: ENGLAND_RUNS,
      minSeconds: round(englandRuns.min, 3),
      maxSeconds: round(englandRuns.max, 3),
      statistic: 'median after one untimed run',
    },
    councilsSeconds: round(councilsSeconds, 3),
    englandTally,
    councilTally,
  };
}

/** Screening every council against the shipped default rules, on a database holding the real files. */
export async function screeningBench(
  db: Db,
  basketFile: string,
  rulesFile: string,
  readJson: (f: string) => unknown,
  log: (s: string) => void,
) {
  const sector = servicesFor(db).sector;
  await sector.loadBasket(readJson(basketFile));
  const ew = servicesFor(db).earlyWarning;
  await ew.load(readJson(rulesFile));
  await ew.screen(); // first run: records the flags
  const runs: number[] = [];
  let councils = 0;
  let flagged = 0;
  for (let i = 0; i < 5; i++) {
    const [r, seconds] = await time(() => ew.screen());
    runs.push(seconds);
    councils = r.councils;
    flagged = r.results.length;
  }
  runs.sort((a, b) => a - b);
  log(
    `real ${db.dialect}: screening ${councils} councils against the default rules: median ${runs[2]!.toFixed(3)} s (${flagged} flagged)`,
  );
  return {
    councils,
    flagged,
    runs: 5,
    medianSeconds: round(runs[2]!, 3),
    minSeconds: round(runs[0]!, 3),
    maxSeconds: round(runs[4]!, 3),
  };
}
