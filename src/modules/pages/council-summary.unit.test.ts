import { describe, expect, it } from 'vitest';
import { councilSummary } from './council-summary.ts';
import type { Headline } from '../reports/index.ts';

const item = (
  id: string,
  polarity: string,
  band: number | null,
  direction: string | null,
  rank: number | null = 1,
) => ({
  metric: { id, title: `Title of ${id}`, polarity },
  focus: { quartileBand: band, rank, direction: { lastStep: direction ? { direction } : null } },
});

const headline = (items: ReturnType<typeof item>[]) =>
  ({
    group: { id: 'type:E08', name: 'Metropolitan districts' },
    themes: [
      { theme: 'a', title: 'A', items: items.slice(0, 2) },
      { theme: 'b', title: 'B', items: items.slice(2) },
    ],
  }) as unknown as Headline;

describe('councilSummary', () => {
  it('lists top and bottom quarters of measures with a polarity, and what improved and worsened', () => {
    const s = councilSummary(
      headline([
        item('m.top', 'higher-is-better', 1, 'improved'),
        item('m.bottom', 'lower-is-better', 4, 'worsened'),
        item('m.neutral', 'not-applicable', 1, 'increased'),
        item('m.middle', 'higher-is-better', 2, 'no-change'),
        item('m.none', 'higher-is-better', null, null, null),
      ]),
    );
    expect(s).toEqual({
      group: 'Metropolitan districts',
      ranked: 4,
      top: [{ id: 'm.top', title: 'Title of m.top' }],
      bottom: [{ id: 'm.bottom', title: 'Title of m.bottom' }],
      improved: [{ id: 'm.top', title: 'Title of m.top' }],
      worsened: [{ id: 'm.bottom', title: 'Title of m.bottom' }],
    });
  });

  it('a neutral measure in the top quarter is neither top nor bottom', () => {
    const s = councilSummary(headline([item('n', 'not-applicable', 4, 'increasing')]));
    expect([s.top, s.bottom, s.improved, s.worsened]).toEqual([[], [], [], []]);
  });
});
