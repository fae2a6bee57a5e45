import { describe, expect, it } from 'vitest';
import { explorerMetric, measureSlug, parseExplorerYear, unitTypeOf } from './oflog.ts';

describe('the Oflog explorer format', () => {
  it('reads the years the explorer writes as financial years', () => {
    for (const y of ['2021-22', '2021/22', '2021-2022', '2021/2022', ' 2021 - 22 '])
      expect(parseExplorerYear(y), y).toEqual(expect.objectContaining({ start: '2021-04-01' }));
    expect(parseExplorerYear('1999-00')).toEqual(expect.objectContaining({ start: '1999-04-01' }));
    for (const y of ['2021-23', '2021', '21-22', '2021/2023', 'Q1 2021-22', '', undefined])
      expect(parseExplorerYear(y), String(y)).toBeUndefined();
  });

  it('gives unknown measures a unit type from their Units', () => {
    expect(unitTypeOf('%')).toBe('percentage');
    expect(unitTypeOf('Percentage')).toBe('percentage');
    expect(unitTypeOf('£')).toBe('currency');
    expect(unitTypeOf('£ per head')).toBe('currency-per-head');
    expect(unitTypeOf('per 100,000 adults')).toBe('rate-per-100000');
    expect(unitTypeOf('per 1,000 population')).toBe('rate-per-1000');
    expect(unitTypeOf('Number')).toBe('count');
    expect(unitTypeOf('')).toBe('count');
    expect(unitTypeOf('kg per household')).toBe('other');
  });

  it('slugs a measure into a metric code and builds a generic definition', () => {
    expect(measureSlug('Adults (18-64) in residential care: % of total')).toBe(
      'adults-18-64-in-residential-care-percent-of-total',
    );
    const { metric, generic } = explorerMetric({
      measure: 'Tonnes of fly-tipping cleared',
      units: 'tonnes',
      at: { file: 'x.csv', line: 2 },
      types: new Set(['E07', 'E06']),
    });
    expect(generic).toBe(true);
    expect(metric.code).toBe('oflog.explorer.tonnes-of-fly-tipping-cleared');
    expect(metric.polarity).toBe('not-applicable');
    expect(metric.applicableAreaTypes).toEqual(['E06', 'E07']);
    expect(metric.valueRange).toEqual({ min: 0 });
    const known = explorerMetric({
      measure: 'Recycling contamination rate',
      units: '%',
      at: { file: 'x.csv', line: 2 },
      types: new Set(['E07']),
    });
    expect(known.generic).toBe(false);
    expect(known.metric.code).toBe('oflog.waste.contamination-rate');
  });
});
