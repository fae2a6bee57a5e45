import { describe, expect, it } from 'vitest';
import { distributionHeadline, latestDistribution, publishedSpan, type LatestHeld } from './distribution.ts';

const OFSTED = {
  unitType: 'category' as const,
  polarity: 'lower-is-better' as const,
  categories: [
    { code: 'outstanding', label: 'Outstanding' },
    { code: 'good', label: 'Good' },
    { code: 'requires-improvement', label: 'Requires improvement' },
    { code: 'inadequate', label: 'Inadequate' },
  ],
};
const held = (value: number, date: string): LatestHeld => ({ value, date, label: date });

describe('latestDistribution (each council’s latest judgement as it stands)', () => {
  const councils = [
    { code: 'E10000001', type: 'E10' },
    { code: 'E06000001', type: 'E06' },
    { code: 'E06000002', type: 'E06' },
    { code: 'E06000003', type: 'E06' },
    { code: 'E09000001', type: 'E09' },
  ];
  const latest = new Map([
    ['E10000001', held(4, '2019-03-01')],
    ['E06000001', held(1, '2024-06-30')],
    ['E06000002', held(2, '2022-01-15')],
    ['E09000001', held(3, '2025-11-02')],
    ['E07000001', held(1, '2023-01-01')], // not one of the councils counted
  ]);

  it('counts councils per judgement best first, Good or better among those judged, and those without, by council type', () => {
    const d = latestDistribution(OFSTED, councils, latest);
    expect(d.betterLabel).toBe('Good or better');
    expect(d.total).toEqual({
      councils: 5,
      judged: 4,
      counts: [
        { code: 'outstanding', label: 'Outstanding', count: 1 },
        { code: 'good', label: 'Good', count: 1 },
        { code: 'requires-improvement', label: 'Requires improvement', count: 1 },
        { code: 'inadequate', label: 'Inadequate', count: 1 },
      ],
      better: 2,
      without: 1,
    });
    expect(d.rows.map((r) => [r.type, r.councils, r.judged, r.better, r.without])).toEqual([
      ['E06', 3, 2, 2, 1],
      ['E09', 1, 1, 0, 0],
      ['E10', 1, 1, 0, 0],
    ]);
    expect(d.published).toEqual({
      from: '2019-03-01',
      fromLabel: '2019-03-01',
      to: '2025-11-02',
      toLabel: '2025-11-02',
    });
    expect(distributionHeadline(d)).toBe('Good or better: 2 of 4 councils');
    expect(publishedSpan(d.published)).toBe('published between 2019-03-01 and 2025-11-02 (spanning 2019 to 2025)');
  });

  it('the better half follows the polarity; without polarity there is none and the headline counts judgements only', () => {
    const reversed = latestDistribution({ ...OFSTED, polarity: 'higher-is-better' }, councils, latest);
    expect(reversed.total.counts.map((c) => c.label)).toEqual([
      'Inadequate',
      'Requires improvement',
      'Good',
      'Outstanding',
    ]);
    expect([reversed.betterLabel, reversed.total.better]).toEqual(['Requires improvement or better', 2]);
    const none = latestDistribution({ ...OFSTED, polarity: 'not-applicable' }, councils, latest);
    expect([none.betterLabel, none.total.better, distributionHeadline(none)]).toEqual([
      null,
      null,
      '4 councils with a judgement',
    ]);
  });

  it('with no judgement held there is no span, and one date is said as one', () => {
    const empty = latestDistribution(OFSTED, councils, new Map());
    expect([empty.published, empty.total.judged, empty.total.without]).toEqual([null, 0, 5]);
    expect(publishedSpan(null)).toBe('no judgement held');
    const one = latestDistribution(OFSTED, councils, new Map([['E06000001', held(2, '2024-06-30')]]));
    expect(publishedSpan(one.published)).toBe('all published on 2024-06-30');
  });
});
