/** The SQL the derivation reads with: the geography, the periods and the published figures of its inputs. */
import { BinaryCopyReader, copyOutBinary, idList } from '../../../platform/pg-copy.ts';
import type { Tx } from '../../../platform/transaction.ts';
import type { LineageAreaRow, LineageLinkRow } from '../../areas/index.ts';

export const DERIVED_ADAPTER = 'derived';

export interface StoredPoint {
  metric_id: number;
  area_id: number;
  period_id: number;
  value: number | null;
  status: string;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
  /** 1 when the figure was computed by this platform (its import is a derivation), else 0. */
  ours: number;
}

export const derivedRepository = {
  areas: (tx: Tx) => tx.all<LineageAreaRow>('SELECT id, code, name, type, valid_from, valid_to FROM areas'),
  successions: (tx: Tx) =>
    tx.all<LineageLinkRow>('SELECT predecessor_id, successor_id, change_type, effective_date FROM area_successions'),
  regionLinks: (tx: Tx) =>
    tx.all<{ area_id: number; parent_id: number; valid_from: string; valid_to: string | null }>(
      `SELECT area_id, parent_id, valid_from, valid_to FROM area_parents WHERE relation = 'region'`,
    ),
  periods: (tx: Tx) =>
    tx.all<{ id: number; iso: string; label: string; start_date: string; end_date: string }>(
      'SELECT id, iso, label, start_date, end_date FROM periods',
    ),
  /**
   * England's and the regions' figures of the metrics that a derivation computed and that still stand (not already "not
   * available"): read through the area index, England and the regions first, so a publication of many metrics reads
   * only their few rows.
   */
  async computedAggregates(tx: Tx, metricIds: number[]): Promise<StoredPoint[]> {
    if (metricIds.length === 0) return [];
    const areas = await tx.all<{ id: number }>(`SELECT id FROM areas WHERE type IN ('E92', 'E12')`);
    if (areas.length === 0) return [];
    const out: StoredPoint[] = [];
    for (let i = 0; i < metricIds.length; i += 500) {
      const ids = metricIds.slice(i, i + 500);
      const rows = await tx.all<StoredPoint>(
        `SELECT o.metric_id, o.area_id, o.period_id, o.value, o.status, o.numerator, o.denominator, o.note, 1 AS ours
         FROM observations o JOIN imports i ON i.id = o.import_id
         WHERE o.area_id IN (${areas.map(() => '?').join(',')}) AND o.metric_id IN (${ids.map(() => '?').join(',')})
           AND i.adapter = ? AND NOT (o.value IS NULL AND o.status = 'x')`,
        [...areas.map((a) => a.id), ...ids, DERIVED_ADAPTER],
      );
      for (const r of rows)
        out.push({ ...r, metric_id: Number(r.metric_id), area_id: Number(r.area_id), period_id: Number(r.period_id) });
    }
    return out;
  },
  /**
   * Every published figure of the metrics, saying which were computed here. On PostgreSQL by binary COPY on the
   * transaction's connection (a finance publication's inputs are 125,000 figures: the text protocol's parsing cost
   * more than the query); on SQLite as arrays.
   */
  async points(tx: Tx, metricIds: number[]): Promise<StoredPoint[]> {
    if (metricIds.length === 0) return [];
    if (tx.pg) {
      const buf = await copyOutBinary(
        tx.pg,
        `SELECT o.metric_id::int4, o.area_id::int4, o.period_id::int4, o.value::float8, o.status::text,
           o.numerator::float8, o.denominator::float8, o.note::text,
           (CASE WHEN i.adapter = '${DERIVED_ADAPTER}' THEN 1 ELSE 0 END)::int4 AS ours
         FROM observations o LEFT JOIN imports i ON i.id = o.import_id
         WHERE o.metric_id IN (${idList(metricIds)})`,
      );
      const out: StoredPoint[] = [];
      const r = new BinaryCopyReader(buf);
      for (let fields = r.row(); fields !== -1; fields = r.row()) {
        if (fields !== 9) throw new Error(`binary COPY: expected 9 fields, got ${fields}`);
        out.push({
          metric_id: r.int4(),
          area_id: r.int4(),
          period_id: r.int4(),
          value: r.float8(),
          status: r.text()!,
          numerator: r.float8(),
          denominator: r.float8(),
          note: r.text(),
          ours: r.int4(),
        });
      }
      return out;
    }
    // SQLite: rows as arrays, made into objects here (half the cost of the engine's own row objects at this size).
    const list = metricIds.map(() => '?').join(',');
    const statement = tx.sqlite!.prepare(
      `SELECT o.metric_id, o.area_id, o.period_id, o.value, o.status, o.numerator, o.denominator, o.note,
         CASE WHEN i.adapter = ? THEN 1 ELSE 0 END AS ours
       FROM observations o LEFT JOIN imports i ON i.id = o.import_id
       WHERE o.metric_id IN (${list})`,
    );
    statement.setReturnArrays(true);
    type Row = [number, number, number, number | null, string, number | null, number | null, string | null, number];
    return (statement.all(DERIVED_ADAPTER, ...metricIds) as unknown as Row[]).map((r) => ({
      metric_id: r[0],
      area_id: r[1],
      period_id: r[2],
      value: r[3],
      status: r[4],
      numerator: r[5],
      denominator: r[6],
      note: r[7],
      ours: r[8],
    }));
  },
};
