/** Catalogue lookups for many metrics at once (a sector basket of thousands): one list parameter, not thousands. */
import type { Db } from '../../platform/db.ts';
import { listOf, rowsAsArrays } from '../../platform/sql-list.ts';
import { BinaryCopyReader, copyOutFromPool, idList } from '../../platform/pg-copy.ts';
import { toMetric } from './repository.ts';
import type { Metric } from './types.ts';

/** A period of a metric with data: what analyses over many metrics need of it. */
export interface MetricPeriod {
  id: number;
  iso: string;
  label: string;
  start_date: string;
  end_date: string;
}

/** Metrics by code or slug (as the catalogue resolves them), in id order. */
export const metricsByCodes = (db: Db, codes: string[]): Promise<Metric[]> =>
  codes.length === 0
    ? Promise.resolve([])
    : db.kysely
        .selectFrom('metrics')
        .selectAll()
        .where((eb) => eb.or([eb('code', 'in', listOf(db, codes)), eb('slug', 'in', listOf(db, codes))]))
        .orderBy('id')
        .execute()
        .then((rows) => rows.map(toMetric));

/** England's own figure for a metric and period: status is its status text, '' when it has none. */
export type EnglandFigure = (
  metric: number,
  period: number,
  value: number | null,
  lci: number | null,
  uci: number | null,
  status: string,
  note: string | null,
) => void;

export interface Coverage {
  /**
   * Each metric's periods with data, oldest first (by start, then end); one object per period, shared between metrics.
   */
  periods: Map<number, MetricPeriod[]>;
}

type CoverageRow = [
  metric: number,
  period: number,
  value: number | null,
  lci: number | null,
  uci: number | null,
  status: string | null,
  note: string | null,
];

/**
 * The metrics' coverage in one read of metric_periods: their periods and, to `england`, England's own figures kept
 * there
 * at every publication (migration 2026-12-01T1700): one compact row per metric and period, not one observation
 * scattered among the councils'. On PostgreSQL a binary COPY (tens of thousands of rows for a sector basket).
 */
export async function coverageOf(db: Db, metricIds: number[], england?: EnglandFigure): Promise<Coverage> {
  const out: Coverage = { periods: new Map() };
  if (metricIds.length === 0) return out;
  // Rows are taken field by field into two id columns and England's figures: no array per row (tens of thousands).
  let metric = new Int32Array(1024);
  let period = new Int32Array(1024);
  let n = 0;
  const take = (
    m: number,
    p: number,
    value: number | null,
    lci: number | null,
    uci: number | null,
    status: string | null,
    note: string | null,
  ) => {
    if (n === metric.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      ((metric = grow(metric)), (period = grow(period)));
    }
    metric[n] = m;
    period[n++] = p;
    if (england && status !== null) england(m, p, value, lci, uci, status, note);
  };
  if (db.pool) {
    const r = new BinaryCopyReader(
      await copyOutFromPool(
        db.pool,
        `SELECT metric_id::int4, period_id::int4, england_value::float8, england_lci::float8, england_uci::float8, england_status::text, england_note::text FROM metric_periods WHERE metric_id IN (${idList(metricIds)})`,
      ),
    );
    for (let fields = r.row(); fields !== -1; fields = r.row())
      take(r.int4(), r.int4(), r.float8(), r.float8(), r.float8(), r.text(), r.text());
  } else {
    const rows = await rowsAsArrays<CoverageRow>(
      db,
      db.kysely
        .selectFrom('metric_periods')
        .select([
          'metric_id',
          'period_id',
          'england_value',
          'england_lci',
          'england_uci',
          'england_status',
          'england_note',
        ])
        .where('metric_id', 'in', listOf(db, metricIds)),
    );
    for (let i = 0; i < rows.length; i++) {
      const x = rows[i]!; // indexed, not destructured: destructuring goes through the iterator protocol
      take(x[0], x[1], x[2], x[3], x[4], x[5], x[6]);
    }
  }
  const periodIds = [...new Set(period.subarray(0, n))];
  const periods = new Map(
    (periodIds.length === 0
      ? []
      : await db.kysely
          .selectFrom('periods')
          .select(['id', 'iso', 'label', 'start_date', 'end_date'])
          .where('id', 'in', listOf(db, periodIds))
          .execute()
    ).map((p) => [p.id, p]),
  );
  for (let i = 0; i < n; i++) {
    let list = out.periods.get(metric[i]!);
    if (!list) out.periods.set(metric[i]!, (list = []));
    list.push(periods.get(period[i]!)!);
  }
  for (const list of out.periods.values())
    list.sort((a, b) =>
      a.start_date < b.start_date
        ? -1
        : a.start_date > b.start_date
          ? 1
          : a.end_date < b.end_date
            ? -1
            : a.end_date > b.end_date
              ? 1
              : a.id - b.id,
    );
  return out;
}
