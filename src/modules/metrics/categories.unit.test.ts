/**
 * Categorical metrics: the definition's checks (ordered categories, only with unit type `category`), the range an
 * import checks positions against, and the helpers that count, never average.
 */
import { describe, expect, it } from 'vitest';
import {
  betterThreshold,
  bestFirst,
  categoryCounts,
  categoryLabel,
  categoryMove,
  categoryMovement,
} from './categories.ts';
import { validateMetricDefinition } from './definition.ts';
import { valueRangeOf } from './range.ts';
import type { Metric, MetricDefinition } from './types.ts';

const GRADES = [
  { code: 'outstanding', label: 'Outstanding' },
  { code: 'good', label: 'Good' },
  { code: 'requires-improvement', label: 'Requires improvement' },
  { code: 'inadequate', label: 'Inadequate' },
];
const def = (over: Partial<MetricDefinition> = {}): MetricDefinition => ({
  code: 'test.judgement',
  title: 'A judgement',
  topic: 'children-young-people',
  unit: 'judgement',
  unitType: 'category',
  categories: GRADES,
  decimalPlaces: 0,
  polarity: 'lower-is-better',
  periodType: 'day',
  applicableAreaTypes: ['E06'],
  source: { publisher: 'Test', licence: 'OGL-UK-3.0' },
  statisticsStatus: 'official',
  ...over,
});
const metric = (over: Partial<Pick<Metric, 'categories' | 'polarity' | 'unitType'>> = {}) => ({
  unitType: 'category' as const,
  categories: GRADES,
  polarity: 'lower-is-better' as const,
  ...over,
});

describe('categorical metric definitions', () => {
  it('accepts ordered categories with unit type category, and refuses them on a numeric metric', () => {
    expect(validateMetricDefinition(def())).toEqual([]);
    expect(validateMetricDefinition(def({ unitType: 'percentage' }))).toEqual([
      expect.objectContaining({ field: 'categories', message: expect.stringMatching(/only for a categorical metric/) }),
    ]);
  });

  it('refuses a categorical metric without categories, with one, with a repeated code or an unsafe label', () => {
    const fields = (d: MetricDefinition) => validateMetricDefinition(d).map((p) => p.field);
    expect(fields(def({ categories: undefined }))).toEqual(['categories']);
    expect(fields(def({ categories: [GRADES[0]!] }))).toEqual(['categories']);
    expect(fields(def({ categories: [GRADES[0]!, { code: 'outstanding', label: 'Again' }] }))).toEqual([
      'categories[1].code',
    ]);
    expect(fields(def({ categories: [GRADES[0]!, { code: 'good', label: 'Go\u202eod' }] }))).toEqual([
      'categories[1].label',
    ]);
    expect(fields(def({ decimalPlaces: 1 }))).toEqual(['decimalPlaces']);
  });

  it('checks values against the positions of the categories', () => {
    expect(valueRangeOf(def())).toEqual({ min: 1, max: 4 });
  });
});

describe('categorical values are labelled and counted, never averaged', () => {
  it('labels a position and nothing else', () => {
    expect(categoryLabel(metric(), 2)).toBe('Good');
    expect(categoryLabel(metric(), 2.5)).toBeNull();
    expect(categoryLabel(metric(), 5)).toBeNull();
    expect(categoryLabel(metric(), null)).toBeNull();
  });

  it('counts each category best first, by polarity', () => {
    // Positions 1, 1, 4, 4: a mean (2.5) or median would fall between Good and Requires improvement, which no
    // council holds; the counts say what the group is.
    const counts = categoryCounts(metric(), [1, 1, 4, 4, null]);
    expect(counts.map((c) => [c.label, c.count])).toEqual([
      ['Outstanding', 2],
      ['Good', 0],
      ['Requires improvement', 0],
      ['Inadequate', 2],
    ]);
    const reversed = metric({ polarity: 'higher-is-better', categories: [...GRADES].reverse() });
    expect(bestFirst(reversed).map((c) => c.label)).toEqual(GRADES.map((g) => g.label));
  });

  it('names the better half of the scale from the ordered labels and polarity', () => {
    const t = betterThreshold(metric())!;
    expect(t.label).toBe('Good or better');
    expect([...t.positions]).toEqual([1, 2]);
    const reversed = betterThreshold(metric({ polarity: 'higher-is-better', categories: [...GRADES].reverse() }))!;
    expect(reversed.label).toBe('Good or better');
    expect([...reversed.positions].sort()).toEqual([3, 4]);
    expect(betterThreshold(metric({ polarity: 'not-applicable' }))).toBeUndefined();
  });

  it('says how a judgement moved between two, by polarity, and only up or down the list without one', () => {
    // Ofsted's order, the first best: Requires improvement (3) to Good (2) is better.
    expect(categoryMove({ polarity: 'lower-is-better' }, 3, 2)).toBe('better');
    expect(categoryMove({ polarity: 'lower-is-better' }, 1, 4)).toBe('worse');
    expect(categoryMove({ polarity: 'higher-is-better' }, 1, 2)).toBe('better');
    expect(categoryMove({ polarity: 'lower-is-better' }, 2, 2)).toBe('same');
    expect(categoryMove({ polarity: 'not-applicable' }, 1, 3)).toBe('later');
    expect(categoryMove({ polarity: 'not-applicable' }, 3, 1)).toBe('earlier');
  });

  it("counts moves between each council's two latest judgements by council type, and the better half before and now", () => {
    const m = {
      unitType: 'category' as const,
      polarity: 'lower-is-better' as const,
      categories: ['Outstanding', 'Good', 'Requires improvement', 'Inadequate'].map((label) => ({
        code: label,
        label,
      })),
    };
    const r = categoryMovement(m, [
      { area: 'E08000001', value: 3 },
      { area: 'E10000001', value: 2 },
      { area: 'E08000001', value: 2 }, // RI → Good: better, into "Good or better"
      { area: 'E10000001', value: 4 }, // Good → Inadequate: worse, out of it
      { area: 'E08000002', value: 1 },
      { area: 'E08000002', value: null },
      { area: 'E08000002', value: 1 }, // the same (a null is no judgement)
      { area: 'E06000001', value: 4 }, // only one
      { area: 'E06000002', value: 4 },
      { area: 'E06000002', value: 3 },
      { area: 'E06000002', value: 1 }, // the two latest only: RI → Outstanding
    ]);
    expect(r.betterLabel).toBe('Good or better');
    expect(r.rows.map((t) => [t.type, t.compared, t.up, t.same, t.down, t.one, t.betterBefore, t.betterNow])).toEqual([
      ['E06', 1, 1, 0, 0, 1, 0, 1],
      ['E08', 2, 1, 1, 0, 0, 1, 2],
      ['E10', 1, 0, 0, 1, 0, 1, 0],
    ]);
    expect(r.total).toEqual({ compared: 4, up: 2, same: 1, down: 1, one: 1, betterBefore: 2, betterNow: 3 });
    const none = categoryMovement({ ...m, polarity: 'not-applicable' }, [
      { area: 'E08000001', value: 3 },
      { area: 'E08000001', value: 2 },
    ]);
    expect([none.upHeading, none.total.up, none.betterLabel, none.total.betterNow]).toEqual([
      'Earlier in the list',
      1,
      null,
      null,
    ]);
  });
});
