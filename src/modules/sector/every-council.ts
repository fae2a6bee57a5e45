/**
 * The direction of travel for every current council at once, each against its own baseline: per council the counts
 * overall and by service area (with clustering flags), per metric how many councils improved, stayed the same or
 * worsened. The basket's observations are read a batch of metrics at a time, the next batch read while this one is
 * classified, so memory stays bounded whatever the basket's size.
 */
import type { Db } from '../../platform/db.ts';
import { COUNCIL_TYPES, type AreasService } from '../areas/index.ts';
import { TOPICS, type Polarity } from '../metrics/index.ts';
import { columnsReader, type ObservationColumns } from '../observations/index.ts';
import { basketInfo, gone, metricInfo, type PreparedBasket } from './basket.ts';
import { councilDirection } from './council.ts';
import { count, createSummary, emptyCounts, methodology } from './direction.ts';
import type { Counts, MetricDirection, PickCache } from './direction.ts';
import { indexSeries } from './series.ts';

/** Baskets of at least this many metrics are read in a worker thread on SQLite (starting one costs about 0.1 s). */
const READER_THREAD_FROM = 200;
/** Batches read ahead of the analysis on PostgreSQL. */
const READS_AHEAD_POSTGRES = 2;

export interface EveryCouncilOptions {
  /** Every council × metric result too (for the real baskets, not for thousands of metrics). */
  detail?: boolean;
  /** Metrics per batch (default 25). */
  chunk?: number;
  /** Read batches in a worker thread on SQLite (default: for baskets of READER_THREAD_FROM metrics or more). */
  readerThread?: boolean;
}

type MetricCounts = { id: string; title: string; theme: string; polarity: Polarity; councils: Counts };

/**
 * Batches of the basket's metrics' observations, read ahead of the analysis: on PostgreSQL the server reads meanwhile
 * (two reads in flight, each on a core of its own: one left the analysis waiting on the server for half its time,
 * measured at full scale); on SQLite one, and for a large basket in a worker thread on its own connection.
 */
function batches(db: Db, p: PreparedBasket, size: number, thread: boolean) {
  const { b, byCode } = p;
  const reader = columnsReader(db, { thread });
  const fetch = (i: number) => {
    const ids = b.metrics
      .slice(i, i + size)
      .map((e) => byCode.get(e.metric)?.id)
      .filter((x): x is number => x !== undefined);
    const read = reader.read(ids);
    read.catch(() => {}); // awaited in turn; this only stops an early failure elsewhere leaving it unhandled
    return read;
  };
  const ahead = db.pool ? READS_AHEAD_POSTGRES : 1;
  const inFlight: Promise<ObservationColumns>[] = [];
  let nextStart = 0;
  const topUp = () => {
    for (; inFlight.length < ahead && nextStart < b.metrics.length; nextStart += size) inFlight.push(fetch(nextStart));
  };
  return {
    /** The next batch's columns (batches come in the basket's order). */
    async next(): Promise<ObservationColumns> {
      topUp();
      const columns = await inFlight.shift()!;
      topUp();
      return columns;
    },
    close: () => reader.close(),
  };
}

export async function directionForEveryCouncil(
  db: Db,
  areas: AreasService,
  p: PreparedBasket,
  opts: EveryCouncilOptions = {},
) {
  const { b, found, byCode, periodsOf } = p;
  const councils = await areas.liveAreas({ types: [...COUNCIL_TYPES] });
  const lineage = await areas.lineage();
  const clusterShare = b.clusterShare ?? 0.5;
  const perCouncil = councils.map((c) => ({
    council: c,
    summary: createSummary(TOPICS),
  }));
  const perMetric: MetricCounts[] = [];
  const detail: (MetricDirection & { area: { code: string; name: string; type: string } })[] = [];
  const size = opts.chunk ?? 25;
  const slots = new Map<number, number>();
  const reads = batches(db, p, size, opts.readerThread ?? b.metrics.length >= READER_THREAD_FROM);
  try {
    for (let i = 0; i < b.metrics.length; i += size) {
      const entries = b.metrics.slice(i, i + size);
      const index = indexSeries(await reads.next(), periodsOf, slots);
      for (const entry of entries) {
        // Let the next batch's bytes be read meanwhile: a COPY the client does not read waits on a full socket.
        await new Promise(setImmediate);
        const metric = byCode.get(entry.metric);
        const theme = entry.theme ?? metric?.topic ?? 'unknown';
        const counts = emptyCounts();
        const polarity = metric?.polarity ?? 'not-applicable';
        const title = metric?.title ?? entry.metric;
        perMetric.push({ id: metric?.code ?? entry.metric, title, theme, polarity, councils: counts });
        const m = metric ? metricInfo(metric) : undefined;
        const applies = metric?.applicableAreaTypes ?? [];
        const periods = metric ? index.periods(metric.id) : [];
        const cache: PickCache = new Map();
        const e = { ...entry, theme };
        for (const c of perCouncil) {
          const { council: focus } = c;
          const r = !m
            ? gone(entry, theme)
            : councilDirection({
                m,
                entry: e,
                b,
                periods,
                get: index.point,
                focus,
                lineage,
                own: index.series(m.metric.id, focus.id),
                cache,
              });
          c.summary.add(theme, r.classification);
          if (applies.includes(c.council.type)) count(counts, r.classification);
          if (opts.detail) detail.push({ ...r, area: { code: focus.code, name: focus.name, type: focus.type } });
        }
      }
    }
  } finally {
    await reads.close();
  }
  return {
    basket: basketInfo(b),
    councils: perCouncil.map((c) => {
      const summary = c.summary.finish(clusterShare);
      const flags = summary.byTheme.filter((t) => t.flagged).map((t) => `${t.title}: ${t.flagReason}`);
      return { code: c.council.code, name: c.council.name, type: c.council.type, summary, flags };
    }),
    metrics: perMetric,
    ...(opts.detail ? { detail } : {}),
    methodology: methodology(b, `every current council (${councils.length}), each against its own baseline`),
    licence: [...new Set(found.map((m) => m.source.licence))].join('; '),
  };
}
