/** Catalogue lookups for many metrics at once (a sector basket of thousands): one list parameter, not thousands. */
import type { Db } from '../../platform/db.ts';
import { listOf } from '../../platform/sql-list.ts';

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
  const pairs = await db.kysely.selectFrom('metric_periods').select(['metric_id', 'period_id']).where('metric_id', 'in', ids).execute();
  const periods = new Map(
    (await db.kysely
      .selectFrom('periods')
      .select(['id', 'iso', 'label', 'start_date', 'end_date'])
      .where('id', 'in', (eb) => eb.selectFrom('metric_periods').select('period_id').distinct().where('metric_id', 'in', ids))
      .execute()).map((p) => [p.id, p]),
  );
  for (const { metric_id, period_id } of pairs) {
    let list = out.get(metric_id);
    if (!list) out.set(metric_id, (list = []));
    list.push(periods.get(period_id)!);
  }
  for (const list of out.values()) list.sort((a, b) => (a.start_date < b.start_date ? -1 : a.start_date > b.start_date ? 1 : a.end_date < b.end_date ? -1 : a.end_date > b.end_date ? 1 : a.id - b.id));
  return out;
}

