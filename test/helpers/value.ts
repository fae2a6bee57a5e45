/**
 * The value-for-money tests' SYNTHETIC measures (labelled so in their titles and caveats): adult social care spend
 * per head, published by the tests themselves as the derived `<net current expenditure>.per-head` is, and a social
 * care outcome.
 */
import { testMetric } from './fixtures.ts';

export const SYNTHETIC = 'SYNTHETIC test figures, not real data';
export const ASC = 'mhclg-rsx.adult-social-care.net-current-expenditure.per-head';
export const ASC_OUTCOME = 'oflog.asc2';
export const perHead = { unit: '£ per person', unitType: 'currency-per-head' as const, decimalPlaces: 0 };

export const ascSpendMetric = testMetric(ASC, {
  title: 'Spend per head on adult social care (synthetic test figures)',
  caveats: SYNTHETIC,
  polarity: 'not-applicable',
  applicableAreaTypes: ['E06', 'E07', 'E08', 'E09', 'E10'],
  ...perHead,
});

export const ascOutcomeMetric = testMetric(ASC_OUTCOME, {
  title: 'Social care-related quality of life (synthetic test figures)',
  caveats: SYNTHETIC,
  unit: 'score',
  unitType: 'score',
  applicableAreaTypes: ['E06', 'E08', 'E09', 'E10'],
});
