/**
 * Categorical (ordinal) metrics: an inspection judgement such as Ofsted's Outstanding, Good, Requires improvement,
 * Inadequate. The value stored is the category's 1-based position in the metric's ordered list; it is a code, not a
 * quantity, so it is never averaged, summed, medianed, put in quartiles, indexed or tested for significance. Readers
 * show its label and compare a group by counting councils per category (`categoryCounts`) and at or above the better
 * half of the scale ("Good or better", `betterThreshold`).
 */
import type { Metric, MetricCategory, Polarity } from './types.ts';

type Categorised = Pick<Metric, 'unitType' | 'categories' | 'polarity'>;

/** True for a metric whose values are category positions. */
export const isCategorical = (m: Pick<Metric, 'unitType'>): boolean => m.unitType === 'category';

/** The category a stored value stands for, or undefined (not a whole position within the list). */
export function categoryAt(m: Pick<Metric, 'categories'>, value: number | null): MetricCategory | undefined {
  if (value === null || !Number.isInteger(value) || !m.categories) return undefined;
  return m.categories[value - 1];
}

/** The label a stored value stands for, or null when the value is not a category of the metric (or there is none). */
export const categoryLabel = (m: Pick<Metric, 'categories'>, value: number | null): string | null =>
  categoryAt(m, value)?.label ?? null;

/** The categories best first, each with its stored position; the list's own order when the metric has no polarity. */
export function bestFirst(m: Pick<Metric, 'categories' | 'polarity'>): (MetricCategory & { position: number })[] {
  const list = (m.categories ?? []).map((c, i) => ({ ...c, position: i + 1 }));
  return m.polarity === 'higher-is-better' ? list.reverse() : list;
}

/**
 * "Good or better": the better half of an ordered scale (for four categories, the best two), named by its lowest
 * category. Undefined without polarity (no category is better than another) or with fewer than two categories.
 */
export function betterThreshold(m: Categorised): { label: string; positions: Set<number>; method: string } | undefined {
  if (m.polarity === 'not-applicable' || !m.categories || m.categories.length < 2) return undefined;
  const ordered = bestFirst(m);
  const top = ordered.slice(0, Math.floor(ordered.length / 2));
  const lowest = top.at(-1)!;
  return {
    label: `${lowest.label} or better`,
    positions: new Set(top.map((c) => c.position)),
    method: `"${lowest.label} or better" is the better half of the ordered scale (${ordered.map((c) => c.label).join(', ')}, best first)`,
  };
}

export interface CategoryCount {
  code: string;
  label: string;
  /** The position stored as the value (1-based, in the metric's own order). */
  position: number;
  count: number;
}

/** How many of the values fall in each category, best first (every category listed, zero counts included). */
export function categoryCounts(m: Categorised, values: (number | null)[]): CategoryCount[] {
  const n = new Map<number, number>();
  for (const v of values) if (v !== null) n.set(v, (n.get(v) ?? 0) + 1);
  return bestFirst(m).map((c) => ({
    code: c.code,
    label: c.label,
    position: c.position,
    count: n.get(c.position) ?? 0,
  }));
}

/** Polarity as it reads for categories (used in descriptions). */
export const categoryOrderText = (p: Polarity): string =>
  p === 'lower-is-better'
    ? 'the first category is the best'
    : p === 'higher-is-better'
      ? 'the last category is the best'
      : 'the categories have no better or worse';

/**
 * How a council's judgement moved between its two latest (each the position stored): `better` / `worse` by the
 * metric's polarity, `later` / `earlier` in the list when it has none, `same` when unchanged. Never a distance: a move
 * of one category and of three both count once.
 */
export type CategoryMove = 'better' | 'worse' | 'later' | 'earlier' | 'same';

export function categoryMove(m: Pick<Metric, 'polarity'>, previous: number, latest: number): CategoryMove {
  if (latest === previous) return 'same';
  const later = latest > previous;
  if (m.polarity === 'not-applicable') return later ? 'later' : 'earlier';
  return later === (m.polarity === 'higher-is-better') ? 'better' : 'worse';
}

/** One council type's (or all councils') movement between their two latest judgements. */
export interface MovementCells {
  /** Councils with two judgements held. */
  compared: number;
  /** To a better judgement (earlier in the list when the metric has no polarity). */
  up: number;
  same: number;
  /** To a worse judgement (later in the list when the metric has no polarity). */
  down: number;
  /** Councils with only one judgement held. */
  one: number;
  /** Of those compared, how many were in the better half ("Good or better") before, and now; null without polarity. */
  betterBefore: number | null;
  betterNow: number | null;
}

export interface CategoryMovement {
  upHeading: string;
  downHeading: string;
  /** The better half's name ("Good or better"), or null when the metric has no polarity. */
  betterLabel: string | null;
  /** By council type: the first three characters of the area code (E06, E10…), in code order. */
  rows: (MovementCells & { type: string })[];
  total: MovementCells;
}

/**
 * How many councils moved up or down between their two latest judgements (each council's own dates), by council type:
 * better, the same, worse (earlier or later in the list when the metric has no polarity), those with only one judgement
 * held, and how many were "Good or better" before and now. `rows` are each area's judgements oldest first (areas may
 * interleave); a null value is not a judgement. Counts of labels only: nothing is averaged.
 */
export function categoryMovement(
  m: Categorised,
  rows: Iterable<{ area: string; value: number | null }>,
): CategoryMovement {
  const held = new Map<string, number[]>();
  for (const o of rows) {
    if (o.value === null) continue;
    const list = held.get(o.area);
    if (list) list.push(o.value);
    else held.set(o.area, [o.value]);
  }
  const polar = m.polarity !== 'not-applicable';
  const top = betterThreshold(m);
  const zero = (): MovementCells => ({
    compared: 0,
    up: 0,
    same: 0,
    down: 0,
    one: 0,
    betterBefore: top ? 0 : null,
    betterNow: top ? 0 : null,
  });
  const byType = new Map<string, MovementCells>();
  const total = zero();
  const add = (t: MovementCells, move: CategoryMove | 'one', before: number, now: number) => {
    if (move === 'one') return void t.one++;
    t.compared++;
    if (move === 'same') t.same++;
    else if (move === 'better' || move === 'earlier') t.up++;
    else t.down++;
    if (top) {
      if (top.positions.has(before)) t.betterBefore!++;
      if (top.positions.has(now)) t.betterNow!++;
    }
  };
  for (const [area, values] of held) {
    const type = area.slice(0, 3);
    let t = byType.get(type);
    if (!t) byType.set(type, (t = zero()));
    const before = values.at(-2)!;
    const now = values.at(-1)!;
    const move = values.length < 2 ? 'one' : categoryMove(m, before, now);
    add(t, move, before, now);
    add(total, move, before, now);
  }
  return {
    upHeading: polar ? 'Better' : 'Earlier in the list',
    downHeading: polar ? 'Worse' : 'Later in the list',
    betterLabel: top?.label ?? null,
    rows: [...byType.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, t]) => ({ type, ...t })),
    total,
  };
}
