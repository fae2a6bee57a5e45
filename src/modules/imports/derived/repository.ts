/** The SQL the derivation reads with: the geography, the periods and the published figures of its inputs. */
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
  /** Every published figure of the metrics, saying which were computed here. */
  async points(tx: Tx, metricIds: number[]): Promise<StoredPoint[]> {
    if (metricIds.length === 0) return [];
    const list = metricIds.map(() => '?').join(',');
    return tx.all<StoredPoint>(
      `SELECT o.metric_id, o.area_id, o.period_id, o.value, o.status, o.numerator, o.denominator, o.note,
         CASE WHEN i.adapter = ? THEN 1 ELSE 0 END AS ours
       FROM observations o LEFT JOIN imports i ON i.id = o.import_id
       WHERE o.metric_id IN (${list})`,
      [DERIVED_ADAPTER, ...metricIds],
    );
  },
};
