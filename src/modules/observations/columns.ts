import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import type { Db } from '../../platform/db.ts';
import { BinaryCopyReader, copyOutBinary, idList } from '../../platform/pg-copy.ts';
import { pgTransaction } from '../../platform/transaction.ts';

/**
 * Observations of some metrics (optionally for some areas only) column by column, for the sector-wide analyses over
 * millions of rows: no object per row. On SQLite the rows come from the connection as arrays; on PostgreSQL as a binary
 * COPY, read straight into typed arrays (several times cheaper than the text protocol's row parsing).
 */
export interface ObservationColumns {
  n: number;
  metric: Int32Array;
  period: Int32Array;
  area: Int32Array;
  value: Float64Array;
  lci: Float64Array;
  uci: Float64Array;
  /** VALUE | LCI | UCI: which of value, lci and uci are not null. */
  flags: Uint8Array;
  /** Non-empty statuses (the stored comma-separated text) and notes, by row. */
  status: Map<number, string>;
  note: Map<number, string>;
}
export const VALUE = 1;
export const LCI = 2;
export const UCI = 4;

function emptyColumns(n: number): ObservationColumns {
  return {
    n: 0,
    metric: new Int32Array(n),
    period: new Int32Array(n),
    area: new Int32Array(n),
    value: new Float64Array(n),
    lci: new Float64Array(n),
    uci: new Float64Array(n),
    flags: new Uint8Array(n),
    status: new Map(),
    note: new Map(),
  };
}

type ColumnRow = [number, number, number, number | null, number | null, number | null, string | null, string | null];

/**
 * Beyond this many metrics, the rows of some areas are read area by area (over the area index) and the basket's kept:
 * cheaper than probing thousands of metrics, and an area has few rows. Below it, metric by metric.
 */
const AREA_FIRST = 500;

/**
 * Rows as arrays, an empty status as NULL (cheaper to hand over than text), one prepared statement per metric
 * (measured: faster than an IN list of metrics, whose large result arrays outlive the young generation) or per area.
 */
export function sqliteColumns(
  conn: DatabaseSync,
  metricIds: number[],
  areaIds: number[] | undefined,
  areaFirst: boolean,
): ObservationColumns {
  const select = `SELECT metric_id, period_id, area_id, value, lci, uci, NULLIF(status, ''), note FROM observations`;
  const batches: ColumnRow[][] = [];
  if (areaIds && areaFirst) {
    const wanted = new Set(metricIds);
    const stmt = conn.prepare(`${select} WHERE area_id = ?`);
    stmt.setReturnArrays(true);
    for (const a of areaIds) batches.push((stmt.all(a) as unknown as ColumnRow[]).filter((r) => wanted.has(r[0])));
  } else {
    const stmt = conn.prepare(
      `${select} WHERE metric_id = ?${areaIds ? ` AND area_id IN (${areaIds.map(() => '?').join(',')})` : ''}`,
    );
    stmt.setReturnArrays(true);
    for (const m of metricIds) batches.push(stmt.all(m, ...(areaIds ?? [])) as unknown as ColumnRow[]);
  }
  return columnsFromRows(batches);
}

/**
 * Observation columns built a row at a time, from `capacity` rows, growing as needed: the one place rows become columns
 * (an empty status is given as '' or null; neither is kept).
 */
export function columnsBuilder(capacity = 1024) {
  let c = emptyColumns(Math.max(1, capacity));
  let i = 0;
  return {
    add(
      metric: number,
      period: number,
      area: number,
      value: number | null,
      lci: number | null,
      uci: number | null,
      status: string | null,
      note: string | null,
    ): void {
      if (i === c.metric.length) {
        const bigger = emptyColumns(c.metric.length * 2);
        bigger.metric.set(c.metric);
        bigger.period.set(c.period);
        bigger.area.set(c.area);
        bigger.value.set(c.value);
        bigger.lci.set(c.lci);
        bigger.uci.set(c.uci);
        bigger.flags.set(c.flags);
        c = { ...bigger, status: c.status, note: c.note };
      }
      c.metric[i] = metric;
      c.period[i] = period;
      c.area[i] = area;
      let f = 0;
      if (value !== null) ((c.value[i] = value), (f |= VALUE));
      if (lci !== null) ((c.lci[i] = lci), (f |= LCI));
      if (uci !== null) ((c.uci[i] = uci), (f |= UCI));
      c.flags[i] = f;
      if (status) c.status.set(i, status);
      if (note !== null) c.note.set(i, note);
      i++;
    },
    finish(): ObservationColumns {
      c.n = i;
      return c;
    },
  };
}

/**
 * Observation columns from rows read as arrays (metric, period, area, value, lci, uci, status or NULL when empty,
 * note),
 * in batches: the form node:sqlite gives.
 */
function columnsFromRows(batches: ColumnRow[][]): ObservationColumns {
  const b = columnsBuilder(batches.reduce((n, rows) => n + rows.length, 0));
  for (const rows of batches) {
    for (let j = 0; j < rows.length; j++) {
      const r = rows[j]!; // indexed, not destructured: destructuring goes through the iterator protocol
      b.add(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
    }
  }
  return b.finish();
}

/**
 * The rows of a binary COPY of (metric, period, area, value, lci, uci, status, note) as columns; `keep`: these metrics
 * only.
 */
function parseBinaryCopy(buf: Buffer, keep?: Set<number>): ObservationColumns {
  // A row takes at least 46 bytes (2 + 3 × 8 for the ids, 3 × 4 for null numbers, 2 × 4 for empty texts).
  const b = columnsBuilder(Math.floor(buf.length / 46) + 1);
  const r = new BinaryCopyReader(buf);
  for (let fields = r.row(); fields !== -1; fields = r.row()) {
    if (fields !== 8) throw new Error(`binary COPY: expected 8 fields, got ${fields}`);
    const metric = r.int4();
    const period = r.int4();
    const area = r.int4();
    const value = r.float8();
    const lci = r.float8();
    const uci = r.float8();
    const status = r.text(true);
    const note = r.text(true);
    if (!keep || keep.has(metric)) b.add(metric, period, area, value, lci, uci, status, note); // else not the basket's
  }
  return b.finish();
}

async function postgresColumns(
  db: Db,
  metricIds: number[],
  areaIds: number[] | undefined,
  areaFirst: boolean,
): Promise<ObservationColumns> {
  const where =
    areaIds && areaFirst
      ? `area_id IN (${idList(areaIds)})`
      : `metric_id IN (${idList(metricIds)})${areaIds ? ` AND area_id IN (${idList(areaIds)})` : ''}`;
  const query =
    'SELECT metric_id::int4, period_id::int4, area_id::int4, value::float8, lci::float8, uci::float8, status::text, ' +
    `note::text FROM observations WHERE ${where}`;
  // JIT compiling each batch's plan costs more than the batch (measured: 8 to 25 ms a batch): off, for this one only.
  const buf = await pgTransaction(db.pool!, (client) => copyOutBinary(client, query), ['SET LOCAL jit = off']);
  return parseBinaryCopy(buf, areaFirst ? new Set(metricIds) : undefined);
}

/** Every observation of the metrics (for some areas only, if given), column by column; `areaFirst` is for tests. */
export function observationColumns(
  db: Db,
  metricIds: number[],
  areaIds?: number[],
  areaFirst = metricIds.length > AREA_FIRST,
): Promise<ObservationColumns> {
  if (metricIds.length === 0 || areaIds?.length === 0) return Promise.resolve(emptyColumns(0));
  return db.sqlite
    ? Promise.resolve(sqliteColumns(db.sqlite, metricIds, areaIds, areaFirst))
    : postgresColumns(db, metricIds, areaIds, areaFirst);
}

export interface ColumnsReader {
  read(metricIds: number[], areaIds?: number[]): Promise<ObservationColumns>;
  close(): Promise<void>;
}

/**
 * Reads observation columns batch after batch for a long analysis. On a SQLite file with `thread`, the reads run in a
 * worker thread on its own connection, so the next batch is read on one core while this one is analysed on the other
 * (node:sqlite reads block the thread that makes them; PostgreSQL's already overlap, the server doing the reading).
 * Each batch is read as it stands when it is read, as on the main connection.
 */
export function columnsReader(db: Db, opts: { thread: boolean }): ColumnsReader {
  if (!opts.thread || !db.sqlite || !db.file || db.file === ':memory:') {
    return { read: (metricIds, areaIds) => observationColumns(db, metricIds, areaIds), close: async () => {} };
  }
  const worker = new Worker(new URL('./columns-worker.ts', import.meta.url), { workerData: { file: db.file } });
  const pending = new Map<number, { resolve: (c: ObservationColumns) => void; reject: (e: Error) => void }>();
  let next = 0;
  let failed: Error | undefined;
  const fail = (e: Error) => {
    failed = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('message', (m: { id: number; columns?: ObservationColumns; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.columns) p?.resolve(m.columns);
    else p?.reject(new Error(`reading observations in a worker: ${m.error}`));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (pending.size > 0) fail(new Error(`the observations reader stopped (exit ${code})`));
  });
  return {
    read(metricIds, areaIds) {
      if (failed) return Promise.reject(failed);
      if (metricIds.length === 0 || areaIds?.length === 0) return Promise.resolve(emptyColumns(0));
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, metricIds, areaIds, areaFirst: metricIds.length > AREA_FIRST });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
