import type { MetricDefinition, UnitType } from './types.ts';

/** The values a metric can plausibly take; null: no bound on that side. An import refuses a value outside it. */
export interface ValueRange {
  min: number | null;
  max: number | null;
}

/**
 * The range a unit type implies: a percentage is 0 to 100; counts, rates, ratios, ranks, years and amounts per head
 * are never negative; money (a net figure can be negative), scores, indices and other units are unbounded.
 */
export function unitRange(unitType: UnitType): ValueRange {
  switch (unitType) {
    case 'percentage':
      return { min: 0, max: 100 };
    case 'count':
    case 'rate-per-1000':
    case 'rate-per-10000':
    case 'rate-per-100000':
    case 'currency-per-head':
    case 'ratio':
    case 'rank':
    case 'years':
      return { min: 0, max: null };
    case 'category':
      return { min: 1, max: null };
    case 'currency':
    case 'index':
    case 'score':
    case 'other':
      return { min: null, max: null };
    default: {
      const never: never = unitType; // an unknown unit type is refused by validation
      void never;
      return { min: null, max: null };
    }
  }
}

/**
 * A definition's range: its own `valueRange` where it gives a side, else its unit type's; a categorical metric's is
 * the positions of its categories (1 to their number) and nothing else.
 */
export function valueRangeOf(def: Pick<MetricDefinition, 'unitType' | 'valueRange' | 'categories'>): ValueRange {
  const base = unitRange(def.unitType);
  if (def.unitType === 'category') return { min: 1, max: def.categories?.length ?? null };
  const own = def.valueRange;
  return {
    min: own?.min !== undefined ? own.min : base.min,
    max: own?.max !== undefined ? own.max : base.max,
  };
}

/** Why a value is outside the range, or undefined when it is within. */
export function outOfRange(value: number, range: ValueRange): string | undefined {
  const { min, max } = range;
  if ((min === null || value >= min) && (max === null || value <= max)) return undefined;
  const span =
    min !== null && max !== null ? `between ${min} and ${max}` : min !== null ? `at least ${min}` : `at most ${max}`;
  return `${value} is outside the metric's plausible range: values must be ${span}`;
}
