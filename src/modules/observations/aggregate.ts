/**
 * England's and a region's figures for a metric whose publisher gives none, aggregated from the councils with the
 * method stated (the one rule: the sector overview's England, and the England and regional figures the import engine
 * computes for the finance measures, imports/derived/aggregate.ts):
 * - a rate with numerators and denominators: Σ numerators ÷ Σ denominators × the unit's scale (never a mean of rates);
 * - a count: the sum over councils of one tier (upper tier for county services, lower tier otherwise), only when every
 *   council of that tier live in the period has a figure;
 * - an amount each council holds for itself (money spent or raised: a county's and a district's are each their own
 *   part of the area's, so nothing is counted twice): the sum over every council of every tier the measure applies to,
 *   only when every one has a figure;
 * - anything else: no figure, with the reason (a "median of councils" may stand in, labelled as such, never as the
 *   area's figure).
 */

/**
 * How the note of every England or regional figure this platform computed begins (imports/derived writes it): such a
 * figure is an aggregate of councils, to be shown with its method, never as the publisher's.
 */
export const COMPUTED_NOTE = 'Computed by this platform';

/** Whether a stored figure's note says the platform computed it (a sum or rate over councils, not published). */
export const isComputedNote = (note: string | null | undefined): note is string =>
  !!note && note.startsWith(COMPUTED_NOTE);

export interface CouncilFigure {
  areaType: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

export type Aggregate = { value: number; method: string } | { value: null; reason: string };

const SCALES: Record<string, number> = {
  percentage: 100,
  'rate-per-1000': 1000,
  'rate-per-10000': 10_000,
  'rate-per-100000': 100_000,
  ratio: 1,
};

/** The councils of one tier that together cover England once: upper tier where the metric applies to counties. */
export function aggregationTier(applicable: readonly string[]): string[] {
  return applicable.includes('E10') ? ['E06', 'E08', 'E09', 'E10'] : ['E06', 'E07', 'E08', 'E09'];
}

/** The councils an amount is summed over: every council type the measure applies to (each holds its own part). */
export function amountTier(applicable: readonly string[]): string[] {
  return ['E06', 'E07', 'E08', 'E09', 'E10'].filter((t) => applicable.includes(t));
}

export const aggregateEngland = (unitType: string, figures: CouncilFigure[], expectedCouncils: number) =>
  aggregateFigures('England', unitType, figures, expectedCouncils);

/**
 * The figure of `scope` (England, or a region's name) from its councils' figures: `expectedCouncils` is how many
 * councils of the tier were live in the period; `amount` says the values are amounts each council holds for itself.
 */
export function aggregateFigures(
  scope: string,
  unitType: string,
  figures: CouncilFigure[],
  expectedCouncils: number,
  opts: { amount?: boolean } = {},
): Aggregate {
  const scale = SCALES[unitType];
  const withRatio = figures.filter((f) => f.numerator !== null && f.denominator !== null && f.denominator > 0);
  if (scale !== undefined && withRatio.length > 0) {
    // The stored values must be numerator ÷ denominator × scale, or the sum would not be the same measure.
    const consistent = withRatio.every(
      (f) =>
        f.value === null ||
        Math.abs((f.numerator! / f.denominator!) * scale - f.value) <= Math.max(0.051, Math.abs(f.value) * 0.005),
    );
    if (!consistent)
      return {
        value: null,
        reason: `the councils' values are not their numerators ÷ denominators × ${scale}, so they cannot be summed into ${scope === 'England' ? 'an England' : `a ${scope}`} rate`,
      };
    const num = withRatio.reduce((s, f) => s + f.numerator!, 0);
    const den = withRatio.reduce((s, f) => s + f.denominator!, 0);
    return {
      value: (num / den) * scale,
      method: `${scope} aggregate: sum of numerators ÷ sum of denominators over ${withRatio.length} of ${expectedCouncils} councils${withRatio.length < expectedCouncils ? ' (the others have no numerator and denominator)' : ''}`,
    };
  }
  if (unitType === 'count' || opts.amount) {
    let withValue = 0;
    let sum = 0;
    for (const f of figures) {
      if (f.value === null) continue;
      withValue++;
      sum += f.value;
    }
    return aggregateTotal(scope, withValue, sum, expectedCouncils, opts);
  }
  const area = scope === 'England' ? 'an England' : `a ${scope}`;
  return {
    value: null,
    reason:
      scale !== undefined
        ? `the publisher gives no figure for the area and the councils' rates have no numerators and denominators to combine (a mean of rates would not be ${area} rate)`
        : // A score, a price, or an amount the import engine did not sum (not summable, or a council without a figure).
          `the publisher gives no figure for the area and none was computed from its councils (only counts and amounts are summed, and only when every council has a figure)`,
  };
}

/**
 * A count's or an amount's total (aggregateFigures' rule for them), from how many councils have a value and the sum of
 * those values taken in the councils' order: for a caller that adds them up as it goes rather than listing figures.
 */
export function aggregateTotal(
  scope: string,
  withValue: number,
  sum: number,
  expectedCouncils: number,
  opts: { amount?: boolean } = {},
): Aggregate {
  if (withValue < expectedCouncils)
    return {
      value: null,
      reason: `a total needs every council; ${withValue} of ${expectedCouncils} have a figure`,
    };
  const what = opts.amount ? 'each council its own part' : 'one tier';
  return { value: sum, method: `${scope} aggregate: sum over all ${expectedCouncils} councils (${what})` };
}

/**
 * The median of the councils' figures, when at least half the councils of the tier have one: a stand-in where no
 * England figure can be made, always labelled "median of councils".
 */
export function medianOfCouncils(
  figures: CouncilFigure[],
  expectedCouncils: number,
): { value: number; method: string } | undefined {
  const values = figures.flatMap((f) => (f.value === null ? [] : [f.value])).sort((a, b) => a - b);
  if (values.length === 0 || values.length * 2 < expectedCouncils) return undefined;
  const mid = values.length >> 1;
  const value = values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  return {
    value,
    method: `median of councils: the middle of ${values.length} of ${expectedCouncils} councils' figures`,
  };
}
