import { describe, expect, it } from 'vitest';
import { describeAssociation, MIN_COUNCILS } from './association.ts';

const words = {
  who: 'councils in this group',
  per: 'per head',
  spend: 'spend',
  outcome: 'carer-reported quality of life',
};
const pairs = (xs: number[], ys: number[]) => xs.map((spend, i) => ({ spend, outcome: ys[i]! }));

describe('describeAssociation', () => {
  it('says too few councils below the minimum, with no coefficient claimed', () => {
    const a = describeAssociation(pairs([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]), words);
    expect(MIN_COUNCILS).toBe(8);
    expect(a.n).toBe(5);
    expect(a.sentence).toBe(
      'Too few councils in this group (5) have both figures to describe a pattern (at least 8 are needed).',
    );
  });

  it('describes direction and strength in words with r and the count, never "efficient"', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const up = describeAssociation(pairs(xs, [1, 3, 2, 5, 4, 6, 8, 7, 10, 9]), words);
    expect(up.r).toBeGreaterThan(0.5);
    expect(up.sentence).toMatch(
      /^Councils in this group that spend more per head tend to have clearly higher carer-reported quality of life \(r = 0\.\d\d, 10 councils\)\. This is an association/,
    );
    const slight = describeAssociation(pairs(xs, [6, 1, 9, 2, 8, 3, 7, 5, 4, 10]), words);
    expect(Math.abs(slight.r!)).toBeGreaterThanOrEqual(0.1);
    expect(Math.abs(slight.r!)).toBeLessThan(0.3);
    expect(slight.sentence).toMatch(/tend to have slightly (higher|lower)/);
    const none = describeAssociation(pairs(xs, [3, 8, 1, 9, 5, 5, 9, 1, 8, 3]), words);
    expect(Math.abs(none.r!)).toBeLessThan(0.1);
    expect(none.sentence).toMatch(/shows no clear pattern with spend \(r = /);
    for (const a of [up, slight, none]) expect(a.sentence).not.toMatch(/efficien/i);
  });
});
