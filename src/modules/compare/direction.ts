/**
 * Direction of travel between two observations of one metric for one area, respecting polarity
 * (conventions.md): improving / worsening / no change, or increasing / decreasing / no change for a metric without
 * polarity. The rule is stated with every result:
 * - both observations have confidence intervals → "no change" when the intervals overlap;
 * - otherwise → "no change" when the relative change |b − a| ÷ |a| is under the tolerance (default 1 per cent);
 *   from a value of zero, any change counts;
 * - a break in series (status b on the later observation or any between) is reported, never bridged;
 * - a missing value on either side gives "not comparable" with the reason.
 */
import type { Polarity } from '../metrics/index.ts';

export type Direction = 'improving' | 'worsening' | 'no-change' | 'increasing' | 'decreasing' | 'not-comparable';

export interface PointValue {
  period: string;
  periodLabel?: string | undefined;
  value: number | null;
  status: string[];
  lci?: number | null | undefined;
  uci?: number | null | undefined;
}

export interface DirectionOptions {
  /** Relative change under which values count as unchanged (0.01 = 1 per cent). */
  tolerance?: number;
}

export interface DirectionResult {
  direction: Direction;
  from: string;
  to: string;
  change: number | null;
  relativeChange: number | null;
  /** Plain-English reason, e.g. "intervals overlap", "within tolerance (0.4% < 1%)", "no polarity". */
  reason: string;
  rule: 'intervals' | 'tolerance' | 'none';
}

export const DEFAULT_TOLERANCE = 0.01;

const pct = (x: number) => `${(Math.round(x * 1000) / 10).toString()}%`;

/** Classifies the change from `a` to `b`; `between` are the observations strictly between them (for breaks). */
export function directionOfTravel(
  a: PointValue,
  b: PointValue,
  polarity: Polarity,
  opts: DirectionOptions = {},
  between: PointValue[] = [],
): DirectionResult {
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  const base = { from: a.period, to: b.period, change: null, relativeChange: null } as const;
  if (a.value === null || b.value === null) {
    const which = a.value === null ? a : b;
    return {
      ...base,
      direction: 'not-comparable',
      rule: 'none',
      reason: `no value for ${which.periodLabel ?? which.period}${which.status.length ? ` (status ${which.status.join(', ')})` : ''}`,
    };
  }
  const breakAt = [...between, b].find((p) => p.status.includes('b'));
  const change = b.value - a.value;
  const relativeChange = a.value !== 0 ? change / Math.abs(a.value) : null;
  if (breakAt) {
    return {
      ...base,
      change,
      relativeChange,
      direction: 'not-comparable',
      rule: 'none',
      reason: `break in series at ${breakAt.periodLabel ?? breakAt.period}: the two values are not comparable`,
    };
  }
  let unchanged: boolean;
  let rule: DirectionResult['rule'];
  let reason: string;
  if (a.lci != null && a.uci != null && b.lci != null && b.uci != null) {
    rule = 'intervals';
    unchanged = a.lci <= b.uci && b.lci <= a.uci;
    reason = unchanged ? 'confidence intervals overlap' : 'confidence intervals do not overlap';
  } else {
    rule = 'tolerance';
    if (change === 0) {
      unchanged = true;
      reason = 'same value';
    } else if (relativeChange === null) {
      unchanged = false;
      reason = 'changed from zero';
    } else {
      unchanged = Math.abs(relativeChange) < tolerance;
      reason = unchanged
        ? `within tolerance (${pct(Math.abs(relativeChange))} < ${pct(tolerance)})`
        : `beyond tolerance (${pct(Math.abs(relativeChange))} ≥ ${pct(tolerance)})`;
    }
  }
  if (unchanged) return { ...base, change, relativeChange, direction: 'no-change', rule, reason };
  const up = change > 0;
  if (polarity === 'not-applicable')
    return {
      ...base,
      change,
      relativeChange,
      direction: up ? 'increasing' : 'decreasing',
      rule,
      reason: `${reason}; no polarity`,
    };
  const better = polarity === 'higher-is-better' ? up : !up;
  return { ...base, change, relativeChange, direction: better ? 'improving' : 'worsening', rule, reason };
}

export interface TrendResult {
  /** Latest against the previous period. */
  lastStep: DirectionResult | null;
  /** Latest against the first period of the window. */
  overWindow: DirectionResult | null;
  /** Each consecutive step, oldest first. */
  steps: DirectionResult[];
  /** How many steps at the end of the series share the latest step's direction (0 without a comparable last step). */
  consecutive: number;
}

/** Direction over a series (oldest first): step by step, over the whole window, and the current run. */
export function trend(series: PointValue[], polarity: Polarity, opts: DirectionOptions = {}): TrendResult {
  if (series.length < 2) return { lastStep: null, overWindow: null, steps: [], consecutive: 0 };
  const steps: DirectionResult[] = [];
  for (let i = 1; i < series.length; i++) steps.push(directionOfTravel(series[i - 1]!, series[i]!, polarity, opts));
  const last = steps[steps.length - 1]!;
  let consecutive = 0;
  if (last.direction !== 'not-comparable') {
    for (let i = steps.length - 1; i >= 0 && steps[i]!.direction === last.direction; i--) consecutive++;
  }
  const overWindow = directionOfTravel(series[0]!, series[series.length - 1]!, polarity, opts, series.slice(1, -1));
  return { lastStep: last, overWindow, steps, consecutive };
}
