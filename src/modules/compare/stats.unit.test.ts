import { describe, expect, it } from 'vitest';
import { groupStatistics, memberPosition, memberPositions, quantileSorted, type MemberValue } from './stats.ts';
import { directionOfTravel, trend, type PointValue } from './direction.ts';

const m = (code: string, value: number | null, extra: Partial<MemberValue> = {}): MemberValue => ({
  code,
  name: code,
  value,
  status: value === null ? ['x'] : [],
  applicable: true,
  ...extra,
});

describe('groupStatistics', () => {
  it('computes type 7 quartiles as R and Excel QUARTILE.INC do', () => {
    // R: quantile(c(1,2,3,4,5,6,7,8,9,10)) → 1.00 3.25 5.50 7.75 10.00
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect([0, 0.25, 0.5, 0.75, 1].map((p) => quantileSorted(xs, p))).toEqual([1, 3.25, 5.5, 7.75, 10]);
  });

  it('excludes members the metric does not apply to and counts members without data separately', () => {
    const s = groupStatistics([
      m('A', 10),
      m('B', 20),
      m('C', null),
      m('D', 99, { applicable: false }),
      m('E', null, { status: ['z'] }),
      m('F', 30),
    ]);
    expect(s).toMatchObject({
      n: 6,
      notApplicable: 2,
      countWithData: 3,
      noData: 1,
      mean: 20,
      median: 20,
      min: 10,
      max: 30,
      q1: 15,
      q3: 25,
    });
    // MAD of [10,20,30] about 20 is 10.
    expect(s.scaledMad).toBeCloseTo(14.826, 6);
  });

  it('weights the mean by denominator only when every member with data has numerator and denominator', () => {
    const members = [m('A', 50, { numerator: 1, denominator: 2 }), m('B', 10, { numerator: 10, denominator: 100 })];
    const s = groupStatistics(members);
    expect(s.mean).toBe(30);
    // (50×2 + 10×100) / 102 = 11/102 × 100 ≈ 10.784: the rate of the group as a whole.
    expect(s.weightedMean).toBeCloseTo(1100 / 102, 9);
    expect(s.weightedMeanMethod).toMatch(/denominator/);
    expect(groupStatistics([...members, m('C', 20)]).weightedMean).toBeNull();
  });

  it('returns no figures for a group without data', () => {
    const s = groupStatistics([m('A', null), m('B', 1, { applicable: false })]);
    expect(s).toMatchObject({ countWithData: 0, median: null, mean: null, noData: 1, notApplicable: 1 });
  });
});

describe('memberPositions', () => {
  const members = [m('A', 10), m('B', 20), m('C', 20), m('D', 40), m('E', null), m('F', 5, { applicable: false })];
  const stats = groupStatistics(members);

  it('ranks 1 as best by polarity, ties sharing the best rank, and excludes no-data and not-applicable members', () => {
    const hi = memberPositions(members, stats, 'higher-is-better');
    expect(hi.map((p) => p.rank)).toEqual([4, 2, 2, 1, null, null]);
    expect(hi.map((p) => p.tied)).toEqual([false, true, true, false, false, false]);
    expect(hi[4]!.excludedBecause).toBe('no-data');
    expect(hi[5]!.excludedBecause).toBe('not-applicable');
    expect(hi[0]!.rankOf).toBe(4);
    const lo = memberPositions(members, stats, 'lower-is-better');
    expect(lo.map((p) => p.rank)).toEqual([1, 2, 2, 4, null, null]);
  });

  it('bands by value against the quartiles so that band 1 is the best quarter', () => {
    // Values 10, 20, 20, 40: q1 = 17.5, median = 20, q3 = 25.
    expect(stats).toMatchObject({ q1: 17.5, median: 20, q3: 25 });
    expect(memberPositions(members, stats, 'higher-is-better').map((p) => p.quartileBand)).toEqual([
      4,
      2,
      2,
      1,
      null,
      null,
    ]);
    expect(memberPositions(members, stats, 'lower-is-better').map((p) => p.quartileBand)).toEqual([
      1,
      2,
      2,
      4,
      null,
      null,
    ]);
  });

  it('gives the distance from the median in scaled MAD units', () => {
    // |values − 20| = 10, 0, 0, 20 → MAD = 5, scaled 7.413; D is (40 − 20) / 7.413.
    const d = memberPositions(members, stats, 'higher-is-better')[3]!;
    expect(d.distanceFromMedian).toBe(20);
    expect(d.robustDistance).toBeCloseTo(20 / (1.4826 * 5), 9);
  });

  it('tests significance against the median only where the council has an interval', () => {
    const withCi = [
      m('A', 30, { lci: 25, uci: 35 }),
      m('B', 20),
      m('C', 10, { lci: 5, uci: 21 }),
      m('D', 12, { lci: 11, uci: 13 }),
    ];
    const pos = memberPositions(withCi, groupStatistics(withCi), 'higher-is-better');
    // Median of 10, 12, 20, 30 is 16.
    expect(pos.map((p) => p.significance)).toEqual(['above', null, 'not-different', 'below']);
  });
});

const p = (period: string, value: number | null, extra: Partial<PointValue> = {}): PointValue => ({
  period,
  value,
  status: [],
  ...extra,
});

describe('directionOfTravel', () => {
  it('respects polarity and the tolerance', () => {
    expect(directionOfTravel(p('a', 50), p('b', 55), 'higher-is-better').direction).toBe('improving');
    expect(directionOfTravel(p('a', 50), p('b', 55), 'lower-is-better').direction).toBe('worsening');
    expect(directionOfTravel(p('a', 50), p('b', 55), 'not-applicable')).toMatchObject({
      direction: 'increasing',
      reason: expect.stringMatching(/no polarity/),
    });
    const small = directionOfTravel(p('a', 50), p('b', 50.4), 'higher-is-better');
    expect(small).toMatchObject({ direction: 'no-change', rule: 'tolerance', reason: 'within tolerance (0.8% < 1%)' });
    expect(directionOfTravel(p('a', 50), p('b', 50.4), 'higher-is-better', { tolerance: 0.005 }).direction).toBe(
      'improving',
    );
    expect(directionOfTravel(p('a', 0), p('b', 1), 'lower-is-better')).toMatchObject({
      direction: 'worsening',
      relativeChange: null,
      reason: 'changed from zero',
    });
  });

  it('uses overlapping confidence intervals where both observations have them', () => {
    expect(
      directionOfTravel(p('a', 50, { lci: 45, uci: 55 }), p('b', 58, { lci: 54, uci: 62 }), 'higher-is-better'),
    ).toMatchObject({ direction: 'no-change', rule: 'intervals' });
    expect(
      directionOfTravel(p('a', 50, { lci: 45, uci: 55 }), p('b', 60, { lci: 56, uci: 64 }), 'higher-is-better'),
    ).toMatchObject({ direction: 'improving', rule: 'intervals' });
  });

  it('never bridges a break in series or a missing value', () => {
    expect(directionOfTravel(p('a', 50), p('b', 60, { status: ['b'] }), 'higher-is-better')).toMatchObject({
      direction: 'not-comparable',
      reason: expect.stringMatching(/break in series at b/),
    });
    expect(directionOfTravel(p('a', null, { status: ['c'] }), p('b', 60), 'higher-is-better')).toMatchObject({
      direction: 'not-comparable',
      reason: 'no value for a (status c)',
    });
  });
});

describe('trend', () => {
  it('gives the last step, the window and the current run', () => {
    const t = trend([p('1', 10), p('2', 9), p('3', 8), p('4', 7), p('5', 7.01)], 'higher-is-better');
    expect(t.steps.map((s) => s.direction)).toEqual(['worsening', 'worsening', 'worsening', 'no-change']);
    expect(t.lastStep!.direction).toBe('no-change');
    expect(t.consecutive).toBe(1);
    expect(t.overWindow!.direction).toBe('worsening');
    const w = trend([p('1', 10), p('2', 11), p('3', 9), p('4', 8), p('5', 7)], 'higher-is-better');
    expect(w.consecutive).toBe(3);
    expect(
      trend([p('1', 10), p('2', 11, { status: ['b'] }), p('3', 12)], 'higher-is-better').overWindow!.direction,
    ).toBe('not-comparable');
  });
});

describe('memberPosition', () => {
  it('gives one member the same position as ranking the whole group, ties and exclusions included', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 200; trial++) {
      const members = Array.from({ length: 2 + Math.floor(rand() * 30) }, (_, i) => {
        const r = rand();
        return m(
          `A${i}`,
          r < 0.1 ? null : Math.round(rand() * 8),
          r > 0.9 ? { applicable: false } : r > 0.85 ? { status: ['z'] } : {},
        );
      });
      const stats = groupStatistics(members);
      if (stats.countWithData === 0) continue;
      for (const polarity of ['higher-is-better', 'lower-is-better'] as const) {
        const all = memberPositions(members, stats, polarity);
        members.forEach((_, i) => expect(memberPosition(members, stats, polarity, i)).toEqual(all[i]));
      }
    }
  });
});
