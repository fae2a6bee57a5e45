import { describe, expect, it } from 'vitest';
import { nearestNeighbours, parseWeights, scalings, zScore, type ModelCouncil, type ModelVariable } from './model.ts';

const VARS: ModelVariable[] = [
  { id: 'size', label: 'Size', transform: 'log', weight: 1, source: 'test' },
  { id: 'share', label: 'Share', transform: 'none', weight: 2, source: 'test' },
];
const c = (code: string, size: number, share: number): ModelCouncil => ({
  code,
  name: code,
  type: 'E06',
  values: { size, share },
});
const COUNCILS = [c('A', 100, 0.1), c('B', 110, 0.12), c('C', 1000, 0.1), c('D', 100, 0.3), c('E', 105, 0.11)];

describe('nearest-neighbours model', () => {
  it('standardises each variable after its transform to mean 0 and standard deviation 1', () => {
    const s = scalings(VARS, COUNCILS);
    for (const v of VARS) {
      const z = COUNCILS.map((x) => zScore(v, s[v.id]!, x.values[v.id]!));
      expect(z.reduce((a, b) => a + b, 0) / z.length).toBeCloseTo(0, 12);
      expect(Math.sqrt(z.reduce((a, b) => a + b * b, 0) / z.length)).toBeCloseTo(1, 12);
    }
    expect(s.size!.mean).toBeCloseTo(COUNCILS.reduce((a, x) => a + Math.log(x.values.size!), 0) / 5, 12);
  });

  it('ranks by weighted Euclidean distance, and the contributions add up to the squared distance', () => {
    const s = scalings(VARS, COUNCILS);
    const n = nearestNeighbours(COUNCILS[0]!, COUNCILS, VARS, s, 3);
    expect(n.map((x) => x.code)).toEqual(['E', 'B', 'C']);
    for (const x of n) {
      const sum = x.contributions.reduce((a, p) => a + p.contribution, 0);
      expect(Math.sqrt(sum)).toBeCloseTo(x.distance, 12);
      expect(x.contributions.reduce((a, p) => a + p.share, 0)).toBeCloseTo(1, 12);
      // by hand: weight × (difference in z)²
      const share = x.contributions.find((p) => p.variable === 'share')!;
      expect(share.contribution).toBeCloseTo(2 * (share.ownZ - share.neighbourZ) ** 2, 12);
    }
    expect(n.every((x, i) => i === 0 || n[i - 1]!.distance <= x.distance)).toBe(true);
  });

  it('re-weighting changes the list without changing the published weights; ties break by code', () => {
    const s = scalings(VARS, COUNCILS);
    const sizeOnly = nearestNeighbours(COUNCILS[0]!, COUNCILS, VARS, s, 2, { share: 0 });
    expect(sizeOnly.map((x) => x.code)).toEqual(['D', 'E']); // D has the same size as A: distance 0 on size alone
    expect(VARS[1]!.weight).toBe(2);
    const twins = [c('A', 1, 1), c('Z', 2, 2), c('Y', 2, 2), c('X', 3, 3)];
    expect(nearestNeighbours(twins[0]!, twins, VARS, scalings(VARS, twins), 2).map((x) => x.code)).toEqual(['Y', 'Z']);
  });

  it('parses re-weighting, naming the bad part', () => {
    expect(parseWeights('size:2, share:0.5', VARS)).toEqual({ weights: { size: 2, share: 0.5 } });
    expect(parseWeights('colour:1', VARS).problem).toMatch(/"colour" is not a variable of this model \(size, share\)/);
    expect(parseWeights('size:-1', VARS).problem).toMatch(/weight of size must be a number from 0 to 100/);
    expect(parseWeights('size:0,share:0', VARS).problem).toMatch(/at least one variable/);
    expect(parseWeights(undefined, VARS)).toEqual({});
  });
});
