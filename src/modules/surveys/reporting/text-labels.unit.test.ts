import { describe, expect, it } from 'vitest';
import { applyLabelRule, withheldLabels, type LabelCount } from './text-labels.ts';

const cell = (authorityType: string | null, region: string | null, members: number): LabelCount => ({
  authorityType,
  region,
  members,
});
const key = (t: string | null, r: string | null) => JSON.stringify([t, r]);

describe('free-text label rule', () => {
  it('withholds labels fewer than the minimum share, and the next smallest until the withheld reach it', () => {
    const pop = [cell('London borough', 'London', 1), cell('Metropolitan district', 'North West', 5)];
    expect(withheldLabels(pop, 5)).toEqual(
      new Set([key('London borough', 'London'), key('Metropolitan district', 'North West')]),
    );
    const more = [...pop, cell('Unitary', 'North East', 4)];
    expect(withheldLabels(more, 5)).toEqual(new Set([key('London borough', 'London'), key('Unitary', 'North East')]));
  });

  it('counts unlabelled members towards the withheld pool and withholds nothing when every label is common', () => {
    expect(
      withheldLabels([cell('Unitary', 'North East', 1), cell(null, null, 4), cell('County', 'East', 9)], 5),
    ).toEqual(new Set([key('Unitary', 'North East')]));
    expect(withheldLabels([cell('County', 'East', 5), cell('Unitary', 'East', 6)], 5).size).toBe(0);
  });

  it('adds the members of one label given in several rows (several roles per council)', () => {
    expect(withheldLabels([cell('County', 'East', 3), cell('County', 'East', 3)], 5).size).toBe(0);
  });

  it('applies per wave; a wave with no known population shows no labels', () => {
    const answers = [
      { wave: 'A', authorityType: 'County', region: 'East', text: 'x' },
      { wave: 'B', authorityType: 'County', region: 'East', text: 'y' },
    ];
    const out = applyLabelRule(answers, new Map([['A', [cell('County', 'East', 5)]]]), 5);
    expect(out.answers.map((a) => a.authorityType)).toEqual(['County', null]);
    expect(out.withheld).toBe(1);
  });
});
