/**
 * Derived figures from their inputs (pure): a ratio (Σ numerators ÷ denominator × scale, each input in its base unit),
 * or the change on the year. The numerator is the council's own figure for the period, as filed; the denominator, and
 * the year before for a change, come through the figure-source rule (areas/lineage.ts), so a council created since
 * 2019 divides by its predecessors' population where the rule allows it, and the note says so. A denominator "nearest
 * held" is the held period closest to the numerator's, and the note names it.
 */
import type { FigurePoint, Lineage, LineageMetric } from '../../areas/index.ts';
import type { MetricDerivation } from '../../metrics/index.ts';

export interface InputPoint extends FigurePoint {
  value: number | null;
  status: string[];
  /** An England or regional figure computed by this platform (aggregate.ts), not the publisher's. */
  computed?: boolean;
}
/** An input's published figures: by area id, then period id. */
export type InputSeries = Map<number, Map<number, InputPoint>>;

export interface PeriodRef {
  id: number;
  iso: string;
  start: string;
  label: string;
}

export interface InputInfo extends LineageMetric {
  code: string;
  title: string;
  multiplier: number;
  series: InputSeries;
}

export interface DerivedRow {
  areaId: number;
  periodId: number;
  value: number | null;
  status: string[];
  numerator: number | null;
  denominator: number | null;
  note: string | null;
}

export interface DeriveContext {
  periods: Map<number, PeriodRef>;
  /** Period ids by ISO interval: the year before (2022-04-01/P1Y for 2023-04-01/P1Y) is found by it. */
  periodByIso: Map<string, number>;
  lineage: Lineage;
  /** GSS prefix of each area id. */
  areaType: (areaId: number) => string | undefined;
}

/** Statuses an input passes on to a derived figure: provisional, estimated, low reliability. */
const CARRIED = new Set(['p', 'e', 'u']);
function carried(...points: InputPoint[]): string[] {
  const out: string[] = [];
  for (const p of points) for (const s of p.status) if (CARRIED.has(s) && !out.includes(s)) out.push(s);
  return out;
}

const dayNumber = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86_400_000;
const yearBefore = (iso: string) => `${Number(iso.slice(0, 4)) - 1}${iso.slice(4)}`;

function unavailable(areaId: number, periodId: number, note: string, ...points: InputPoint[]): DerivedRow {
  return {
    areaId,
    periodId,
    value: null,
    status: ['x', ...carried(...points)],
    numerator: null,
    denominator: null,
    note,
  };
}

/** The figure of `input` for an area and period by the figure-source rule, with the rule's note. */
function figureOf(input: InputInfo, areaId: number, period: PeriodRef, ctx: DeriveContext) {
  const byArea = (id: number) => input.series.get(id)?.get(period.id);
  return ctx.lineage.figure(areaId, period.start, input, byArea);
}

/** The denominator's figure nearest to the period (or the same period), with what to say of it. */
function denominatorFor(
  d: MetricDerivation,
  den: InputInfo,
  areaId: number,
  period: PeriodRef,
  ctx: DeriveContext,
  nearest: (period: PeriodRef) => PeriodRef[],
): { point: InputPoint; note: string | null } | undefined {
  if (d.denominatorPeriod !== 'nearest-held') {
    const f = figureOf(den, areaId, period, ctx);
    if (!f || f.point.value === null) return undefined;
    return { point: f.point, note: f.source ? `${den.title}: ${f.source.note}` : null };
  }
  for (const p of nearest(period)) {
    const f = figureOf(den, areaId, p, ctx);
    if (!f || f.point.value === null || f.point.value <= 0) continue;
    const via = f.source ? ` (${f.source.note})` : '';
    return { point: f.point, note: `${den.title}: ${p.label}, the period held nearest${via}` };
  }
  return undefined;
}

function ratioRows(d: MetricDerivation, inputs: Map<string, InputInfo>, ctx: DeriveContext, applies: Set<string>) {
  const nums = d.numerator.map((c) => inputs.get(c)!);
  const den = inputs.get(d.denominator!)!;
  const candidates = [...new Set([...den.series.values()].flatMap((m) => [...m.keys()]))]
    .map((id) => ctx.periods.get(id)!)
    .filter(Boolean);
  // The denominator's periods, nearest first, worked out once per period (not once per council).
  const byNearness = new Map<number, PeriodRef[]>();
  const nearest = (period: PeriodRef) => {
    let sorted = byNearness.get(period.id);
    if (!sorted) {
      const day = dayNumber(period.start);
      sorted = [...candidates].sort((a, b) => Math.abs(dayNumber(a.start) - day) - Math.abs(dayNumber(b.start) - day));
      byNearness.set(period.id, sorted);
    }
    return sorted;
  };
  const out: DerivedRow[] = [];
  for (const [areaId, byPeriod] of nums[0]!.series) {
    const type = ctx.areaType(areaId);
    if (!type || !applies.has(type)) continue;
    for (const periodId of byPeriod.keys()) out.push(ratioRow(d, nums, den, ctx, nearest, areaId, periodId));
  }
  return out;
}

/** One area and period's ratio, or why there is none. */
function ratioRow(
  d: MetricDerivation,
  nums: InputInfo[],
  den: InputInfo,
  ctx: DeriveContext,
  nearest: (period: PeriodRef) => PeriodRef[],
  areaId: number,
  periodId: number,
): DerivedRow {
  const period = ctx.periods.get(periodId)!;
  const parts = nums.map((n) => n.series.get(areaId)?.get(periodId));
  if (parts.some((p) => p === undefined || p.value === null)) {
    const missing = nums.filter((_, i) => parts[i]?.value == null).map((n) => n.code);
    return unavailable(areaId, periodId, `no figure for ${missing.join(', ')}`);
  }
  const points = parts as InputPoint[];
  const numerator = points.reduce((s, p, i) => s + p.value! * nums[i]!.multiplier, 0);
  const found = denominatorFor(d, den, areaId, period, ctx, nearest);
  if (!found) {
    return unavailable(areaId, periodId, `no ${den.title.toLowerCase()} held for this council`, ...points);
  }
  const denominator = found.point.value! * den.multiplier;
  if (denominator === 0) {
    return unavailable(areaId, periodId, `${den.title} is 0`, ...points);
  }
  const computed = [...points, found.point].some((p) => p.computed);
  const how = computed
    ? 'Computed by this platform from the councils’ summed figures (each input’s note says how)'
    : null;
  return {
    areaId,
    periodId,
    value: (numerator / denominator) * d.scale,
    status: carried(...points, found.point),
    numerator,
    denominator,
    note: [how, found.note].filter(Boolean).join('. ') || null,
  };
}

function changeRows(d: MetricDerivation, inputs: Map<string, InputInfo>, ctx: DeriveContext, applies: Set<string>) {
  const x = inputs.get(d.numerator[0]!)!;
  const percent = d.formula === 'percent-change-on-year';
  const out: DerivedRow[] = [];
  // The year before each period, worked out once per period (not once per council).
  const beforeOf = new Map<number, PeriodRef | undefined>();
  const yearBeforeOf = (periodId: number) => {
    if (beforeOf.has(periodId)) return beforeOf.get(periodId);
    const id = ctx.periodByIso.get(yearBefore(ctx.periods.get(periodId)!.iso));
    const before = id === undefined ? undefined : ctx.periods.get(id);
    beforeOf.set(periodId, before);
    return before;
  };
  for (const [areaId, byPeriod] of x.series) {
    const type = ctx.areaType(areaId);
    if (!type || !applies.has(type)) continue;
    for (const [periodId, cur] of byPeriod) {
      const beforePeriod = yearBeforeOf(periodId);
      if (beforePeriod === undefined) continue; // the first year held: nothing to compare with
      const before = figureOf(x, areaId, beforePeriod, ctx);
      if (cur.value === null || !before || before.point.value === null) {
        const why = cur.value === null ? 'no figure this year' : 'no figure the year before';
        out.push(unavailable(areaId, periodId, why, cur));
        continue;
      }
      const prev = before.point.value * x.multiplier;
      const now = cur.value * x.multiplier;
      if (percent && prev === 0) {
        out.push(unavailable(areaId, periodId, 'the year before is 0', cur));
        continue;
      }
      const how =
        cur.computed || before.point.computed ? 'Computed by this platform from the councils’ summed figures' : null;
      const note =
        [how, before.source ? `the year before: ${before.source.note}` : null].filter(Boolean).join('. ') || null;
      out.push({
        areaId,
        periodId,
        value: percent ? ((now - prev) / prev) * 100 : (now - prev) * d.scale,
        status: carried(cur, before.point),
        numerator: null,
        denominator: null,
        note,
      });
    }
  }
  return out;
}

/**
 * Every figure of a derived metric its inputs give, for the areas of the types it applies to (England, E92, and the
 * regions, E12, too: their inputs are the publisher's or this platform's stated aggregates).
 */
export function deriveRows(
  d: MetricDerivation,
  applicableAreaTypes: readonly string[],
  inputs: Map<string, InputInfo>,
  ctx: DeriveContext,
): DerivedRow[] {
  const applies = new Set([...applicableAreaTypes, 'E92', 'E12']);
  switch (d.formula) {
    case 'ratio':
      return ratioRows(d, inputs, ctx, applies);
    case 'change-on-year':
    case 'percent-change-on-year':
      return changeRows(d, inputs, ctx, applies);
    default: {
      const never: never = d.formula;
      throw new Error(`unknown derivation formula ${String(never)}`);
    }
  }
}
