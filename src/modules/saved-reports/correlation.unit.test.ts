import { describe, expect, it } from 'vitest';
import { associationSentence, averageRanks, pearson, spearman } from './correlation.ts';

describe('correlation', () => {
  it('pearson matches a hand-worked example and is null without spread or with fewer than 3 pairs', () => {
    // x = 1..5, y = 2, 4, 5, 4, 5: r = 0.7745966692 (worked by hand: sxy = 6, sxx = 10, syy = 6)
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(6 / Math.sqrt(60), 12);
    expect(pearson([1, 2, 3], [5, 5, 5])).toBeNull();
    expect(pearson([1, 2], [1, 2])).toBeNull();
    expect(pearson([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 12);
  });

  it('spearman ranks with ties averaged', () => {
    expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 2, 3, 4, 5], [1, 4, 9, 16, 25])).toBeCloseTo(1, 12);
  });

  it('the sentence states the association plainly and never implies a cause', () => {
    const s = associationSentence('spend per head', 'satisfaction', 20, 0.42, 0.38);
    expect(s).toMatch(
      /higher spend per head tended to go with higher satisfaction: a moderate positive association \(Pearson's r = 0\.42; Spearman's rank correlation = 0\.38; 20 councils\)/,
    );
    expect(s).toMatch(/does not show that one causes the other/);
    expect(associationSentence('a', 'b', 3, 0.9, 0.9)).toMatch(/^Too few councils \(3\)/);
    expect(associationSentence('a', 'b', 30, -0.05, 0)).toMatch(/no meaningful linear association/);
    expect(associationSentence('a', 'b', 30, -0.6, -0.5)).toMatch(
      /higher a tended to go with lower b: a strong negative association \(Pearson's r = −0\.60/,
    );
  });
});
