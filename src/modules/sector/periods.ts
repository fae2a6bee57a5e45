/**
 * Picking each metric's baseline and comparison periods from a basket's anchors, with a note when a year is missing.
 */

export interface PeriodInfo {
  id: number;
  iso: string;
  label: string;
  start_date: string;
  end_date: string;
}

export interface PickedPeriod<P extends PeriodInfo> {
  period: P;
  /** Set when the period asked for had no figure and the nearest was taken. */
  note: string | null;
}

const days = (a: string, b: string) =>
  Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000;

/**
 * The period for an anchor among periods that have a figure (oldest first): `latest` is the newest; a date picks the
 * period that contains it (the shortest, then the latest starting, when several do), else the nearest one, said so.
 */
export function pickPeriod<P extends PeriodInfo>(available: P[], anchor: string): PickedPeriod<P> | undefined {
  if (available.length === 0) return undefined;
  if (anchor === 'latest') return { period: available[available.length - 1]!, note: null };
  const containing = available.filter((p) => p.start_date <= anchor && anchor <= p.end_date);
  if (containing.length > 0) {
    containing.sort(
      (a, b) =>
        days(a.start_date, a.end_date) - days(b.start_date, b.end_date) || b.start_date.localeCompare(a.start_date),
    );
    return { period: containing[0]!, note: null };
  }
  const distance = (p: P) => Math.min(days(p.start_date, anchor), days(p.end_date, anchor));
  const nearest = [...available].sort(
    (a, b) => distance(a) - distance(b) || b.start_date.localeCompare(a.start_date),
  )[0]!;
  return {
    period: nearest,
    note: `no figure for the period including ${anchor}; the nearest available, ${nearest.label}, is used instead`,
  };
}
