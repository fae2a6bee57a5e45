/**
 * A derived metric's method, machine-readable (stored as JSON in metrics.derivation, served in /api/v1/metrics and
 * shown on the metric page). Derived figures are computed by the import engine when a publication changes an input
 * (imports/derived), never typed in.
 */
export type DerivationFormula = 'ratio' | 'change-on-year' | 'percent-change-on-year';

export interface MetricDerivation {
  /**
   * ratio: Σ numerator inputs ÷ the denominator input × scale (each input first multiplied by its metric's multiplier);
   * change-on-year: the input this period less the same input the year before (× scale);
   * percent-change-on-year: that change ÷ the year before × 100.
   */
  formula: DerivationFormula;
  /** Input metric codes: summed for a ratio's numerator; the one measure compared year on year. */
  numerator: string[];
  /** The denominator input's code (ratio only). */
  denominator: string | null;
  /**
   * Which period of the denominator is used: the same period, or the period held nearest to the numerator's (each
   * observation's note says which it was).
   */
  denominatorPeriod: 'same' | 'nearest-held' | null;
  scale: number;
  /** The method in plain English. */
  text: string;
}

export function parseDerivation(json: string | null): MetricDerivation | null {
  if (!json) return null;
  return JSON.parse(json) as MetricDerivation;
}
