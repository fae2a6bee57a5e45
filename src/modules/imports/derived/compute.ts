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
function carried(points: readonly InputPoint[], more?: InputPoint): string[] {
  const out: string[] = [];
  for (const p of points) carry(p, out);
  if (more) carry(more, out);
  return out;
}
function carry(p: InputPoint, out: string[]): void {
  for (const s of p.status) if (CARRIED.has(s) && !out.includes(s)) out.push(s);
}

/** "how. note", either alone, or null. */
const joinNotes = (how: string | null, note: string | null) => (how && note ? `${how}. ${note}` : (how ?? note));

const dayNumber = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86_400_000;
const yearBefore = (iso: string) => `${Number(iso.slice(0, 4)) - 1}${iso.slice(4)}`;

function unavailable(areaId: number, periodId: number, note: string, points: readonly InputPoint[] = []): DerivedRow {
  return {
    areaId,
    periodId,
    value: null,
    status: ['x', ...carried(points)],
    numerator: null,
    denominator: null,
    note,
  };
}

/** The figure of `input` for an area and period by the figure-source rule, with the rule's note. */
function figureOf(input: InputInfo, areaId: number, period: PeriodRef, ctx: DeriveContext) {
  const own = input.series.get(areaId)?.get(period.id);
  if (own) return { point: own, source: null }; // the rule's first answer, without asking it
  const byArea = (id: number) => input.series.get(id)?.get(period.id);
  return ctx.lineage.figure(areaId, period.start, input, byArea);
}

/** What a ratio's rows share: its inputs, the denominator's periods nearest first and the notes naming them. */
interface RatioContext {
  d: MetricDerivation;
  nums: InputInfo[];
  den: InputInfo;
  ctx: DeriveContext;
  nearest: (period: PeriodRef) => PeriodRef[];
  /** "Population: mid-2020, the period held nearest", by the period held. */
  nearestNote: (held: PeriodRef) => string;
}

/** The denominator's figure nearest to the period (or the same period), with what to say of it. */
function denominatorFor(
  r: RatioContext,
  areaId: number,
  period: PeriodRef,
): { point: InputPoint; note: string | null } | undefined {
  const { d, den, ctx } = r;
  if (d.denominatorPeriod !== 'nearest-held') {
    const f = figureOf(den, areaId, period, ctx);
    if (!f || f.point.value === null) return undefined;
    return { point: f.point, note: f.source ? `${den.title}: ${f.source.note}` : null };
  }
  for (const p of r.nearest(period)) {
    const f = figureOf(den, areaId, p, ctx);
    if (!f || f.point.value === null || f.point.value <= 0) continue;
    const note = r.nearestNote(p);
    return { point: f.point, note: f.source ? `${note} (${f.source.note})` : note };
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
  const notes = new Map<number, string>();
  const nearestNote = (held: PeriodRef) => {
    let note = notes.get(held.id);
    if (note === undefined) notes.set(held.id, (note = `${den.title}: ${held.label}, the period held nearest`));
    return note;
  };
  const r: RatioContext = { d, nums, den, ctx, nearest, nearestNote };
  const out: DerivedRow[] = [];
  for (const [areaId, byPeriod] of nums[0]!.series) {
    const type = ctx.areaType(areaId);
    if (!type || !applies.has(type)) continue;
    for (const periodId of byPeriod.keys()) out.push(ratioRow(r, areaId, periodId));
  }
  return out;
}

const COMPUTED_RATIO = 'Computed by this platform from the councils’ summed figures (each input’s note says how)';

/** One area and period's ratio, or why there is none. */
function ratioRow(r: RatioContext, areaId: number, periodId: number): DerivedRow {
  const { d, nums, den, ctx } = r;
  const period = ctx.periods.get(periodId)!;
  const points: InputPoint[] = [];
  let numerator = 0;
  let computed = false;
  for (const n of nums) {
    const p = n.series.get(areaId)?.get(periodId);
    if (p === undefined || p.value === null) {
      const missing = nums.filter((m) => m.series.get(areaId)?.get(periodId)?.value == null).map((m) => m.code);
      return unavailable(areaId, periodId, `no figure for ${missing.join(', ')}`);
    }
    points.push(p);
    numerator += p.value * n.multiplier;
    if (p.computed) computed = true;
  }
  const found = denominatorFor(r, areaId, period);
  if (!found) {
    return unavailable(areaId, periodId, `no ${den.title.toLowerCase()} held for this council`, points);
  }
  const denominator = found.point.value! * den.multiplier;
  if (denominator === 0) {
    return unavailable(areaId, periodId, `${den.title} is 0`, points);
  }
  return {
    areaId,
    periodId,
    value: (numerator / denominator) * d.scale,
    status: carried(points, found.point),
    numerator,
    denominator,
    note: joinNotes(computed || found.point.computed ? COMPUTED_RATIO : null, found.note),
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
        out.push(unavailable(areaId, periodId, why, [cur]));
        continue;
      }
      const prev = before.point.value * x.multiplier;
      const now = cur.value * x.multiplier;
      if (percent && prev === 0) {
        out.push(unavailable(areaId, periodId, 'the year before is 0', [cur]));
        continue;
      }
      const how =
        cur.computed || before.point.computed ? 'Computed by this platform from the councils’ summed figures' : null;
      const note = joinNotes(how, before.source ? `the year before: ${before.source.note}` : null);
      out.push({
        areaId,
        periodId,
        value: percent ? ((now - prev) / prev) * 100 : (now - prev) * d.scale,
        status: carried([cur], before.point),
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
