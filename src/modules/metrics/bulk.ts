/** Catalogue lookups for many metrics at once (a sector basket of thousands): one list parameter, not thousands. */
import type { Db } from '../../platform/db.ts';
import { sql } from 'kysely';
import { listOf, rowsAsArrays } from '../../platform/sql-list.ts';

/** A period of a metric with data: what analyses over many metrics need of it. */
export interface MetricPeriod {
  id: number;
  iso: string;
  label: string;
  start_date: string;
  end_date: string;
}

/** Metrics by code or slug (as the catalogue resolves them), in id order. */
export const metricsByCodes = (db: Db, codes: string[]) =>
  codes.length === 0
    ? Promise.resolve([])
    : db.kysely
        .selectFrom('metrics')
        .selectAll()
        .where((eb) => eb.or([eb('code', 'in', listOf(db, codes)), eb('slug', 'in', listOf(db, codes))]))
        .orderBy('id')
        .execute();

/** Each metric's periods with data, oldest first (by start, then end); one object per period, shared between metrics. */
export async function periodsByMetric(db: Db, metricIds: number[]): Promise<Map<number, MetricPeriod[]>> {
  const out = new Map<number, MetricPeriod[]>();
  if (metricIds.length === 0) return out;
  const ids = listOf(db, metricIds);
  const pairs = await rowsAsArrays<[number, number]>(db, db.kysely.selectFrom('metric_periods').select(['metric_id', 'period_id']).where('metric_id', 'in', ids));
  const periods = new Map(
    (await db.kysely
      .selectFrom('periods')
      .select(['id', 'iso', 'label', 'start_date', 'end_date'])
      .where('id', 'in', (eb) => eb.selectFrom('metric_periods').select('period_id').distinct().where('metric_id', 'in', ids))
      .execute()).map((p) => [p.id, p]),
  );
  for (const [metric_id, period_id] of pairs) {
    let list = out.get(metric_id);
    if (!list) out.set(metric_id, (list = []));
    list.push(periods.get(period_id)!);
  }
  for (const list of out.values()) list.sort((a, b) => (a.start_date < b.start_date ? -1 : a.start_date > b.start_date ? 1 : a.end_date < b.end_date ? -1 : a.end_date > b.end_date ? 1 : a.id - b.id));
  return out;
}


/** England's figure for a metric and period, as observation columns are read: metric, period, area, value, lci, uci, status (NULL for none), note. */
export type EnglandFigureRow = [number, number, number, number | null, number | null, number | null, string | null, string | null];

/**
 * England's own observations of the metrics, from the copy kept beside each metric's coverage at publication: one
 * compact row per metric and period (see migration 2026-12-01T1700), not one scattered among the councils' rows.
 */
export function englandFigures(db: Db, metricIds: number[], englandId: number): Promise<EnglandFigureRow[]> {
  if (metricIds.length === 0) return Promise.resolve([]);
  return rowsAsArrays<EnglandFigureRow>(
    db,
    db.kysely
      .selectFrom('metric_periods')
      .select([
        'metric_id',
        'period_id',
        sql<number>`cast(${englandId} as integer)`.as('area_id'),
        'england_value',
        'england_lci',
        'england_uci',
        sql<string | null>`nullif(england_status, '')`.as('status'),
        'england_note',
      ])
      .where('england_status', 'is not', null)
      .where('metric_id', 'in', listOf(db, metricIds))
      .orderBy('metric_id'),
  );
}
