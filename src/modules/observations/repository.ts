import type { Db } from '../../platform/db.ts';
import { BinaryCopyReader, copyOutFromPool, idList } from '../../platform/pg-copy.ts';

export interface ObservationRow {
  metric_id: number;
  period_id: number;
  area_id: number;
  area_code: string;
  area_name: string;
  value: number | null;
  status: string;
  lci: number | null;
  uci: number | null;
  ci_level: number | null;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
  revision: number;
  updated_at: string;
}

export interface GridRow {
  metric_id: number;
  period_id: number;
  area_id: number;
  value: number | null;
  status: string;
  lci: number | null;
  uci: number | null;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
}

/** All SQL of the observations module. */
export function createObservationsRepository(db: Db) {
  const k = db.kysely;
  return {
    /**
     * Published observations of one metric in some periods, optionally for some areas, ordered by period then area
     * code.
     */
    find(metricId: number, periodIds: number[], areaIds?: number[]): Promise<ObservationRow[]> {
      let q = k
        .selectFrom('observations as o')
        .innerJoin('areas as a', 'a.id', 'o.area_id')
        .select([
          'o.metric_id',
          'o.period_id',
          'o.area_id',
          'a.code as area_code',
          'a.name as area_name',
          'o.value',
          'o.status',
          'o.lci',
          'o.uci',
          'o.ci_level',
          'o.numerator',
          'o.denominator',
          'o.note',
          'o.revision',
          'o.updated_at',
        ])
        .where('o.metric_id', '=', metricId)
        .where('o.period_id', 'in', periodIds);
      if (areaIds) q = q.where('o.area_id', 'in', areaIds);
      return q.orderBy('o.period_id').orderBy('a.code').execute();
    },

    /**
     * Published observations for metrics × periods × areas in one query (comparisons and reports). On PostgreSQL as a
     * binary COPY: the text protocol's parsing of a headline's 5,000 rows costs more than the query.
     */
    async grid(metricIds: number[], periodIds: number[], areaIds: number[]): Promise<GridRow[]> {
      if (metricIds.length === 0 || periodIds.length === 0 || areaIds.length === 0) return [];
      if (!db.pool) {
        return k
          .selectFrom('observations as o')
          .select([
            'o.metric_id',
            'o.period_id',
            'o.area_id',
            'o.value',
            'o.status',
            'o.lci',
            'o.uci',
            'o.numerator',
            'o.denominator',
            'o.note',
          ])
          .where('o.metric_id', 'in', metricIds)
          .where('o.period_id', 'in', periodIds)
          .where('o.area_id', 'in', areaIds)
          .execute();
      }
      const buf = await copyOutFromPool(
        db.pool,
        `SELECT metric_id::int4, period_id::int4, area_id::int4, value::float8, status::text, lci::float8, uci::float8, numerator::float8, denominator::float8, note::text
         FROM observations WHERE metric_id IN (${idList(metricIds)}) AND period_id IN (${idList(periodIds)}) AND area_id IN (${idList(areaIds)})`,
      );
      const rows: GridRow[] = [];
      const r = new BinaryCopyReader(buf);
      for (let fields = r.row(); fields !== -1; fields = r.row()) {
        if (fields !== 10) throw new Error(`binary COPY: expected 10 fields, got ${fields}`);
        rows.push({
          metric_id: r.int4(),
          period_id: r.int4(),
          area_id: r.int4(),
          value: r.float8(),
          status: r.text() ?? '',
          lci: r.float8(),
          uci: r.float8(),
          numerator: r.float8(),
          denominator: r.float8(),
          note: r.text(),
        });
      }
      return rows;
    },

    /** When published data last changed: the newest publication (for Last-Modified). */
    async lastPublished(): Promise<string | null> {
      const r = await k
        .selectFrom('imports')
        .select((eb) => eb.fn.max('published_at').as('at'))
        .where('state', '=', 'published')
        .executeTakeFirst();
      return (r?.at as string | null | undefined) ?? null;
    },
  };
}
export type ObservationsRepository = ReturnType<typeof createObservationsRepository>;
