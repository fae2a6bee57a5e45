/**
 * Which boundaries a period's map is drawn on. English local government reorganisations take effect on 1 April, so
 * the boundaries of vintage Y are those in force from 1 April Y to 31 March Y+1 (the vintages of the ONS boundary
 * files: a council abolished on 1 April 2023 is in vintage 2022 and not in 2023).
 *
 * A period is drawn on the vintage in force on its first day (a financial year 2023/24 on April 2023's, an academic
 * year 2018/19 on April 2018's). A period that runs across a 1 April (an academic or calendar year) was lived under
 * two vintages; it is drawn on the later one only when the figures were published for that one's councils (it draws
 * more of the councils with a figure), so a calendar year 2023 published for Cumberland is drawn with Cumberland.
 */
import type { BoundaryLayer } from './geometry.ts';

/** The boundary vintage in force on a date (YYYY-MM-DD): from 1 April of its year, else the year before's. */
export function vintageOn(date: string): number {
  const year = Number(date.slice(0, 4));
  return date.slice(5, 7) >= '04' ? year : year - 1;
}

/** The vintages a period lived under, first to last: from its first day to its last (`end`, inclusive). */
export function periodVintages(period: { start: string; end: string }): number[] {
  const first = vintageOn(period.start);
  const last = Math.max(first, vintageOn(period.end));
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

export interface VintageCandidates {
  /** The vintage the period's first day was under (what the map should show when it is stored). */
  wanted: number;
  /** The stored years the period may be drawn on, in order of preference on a tie; empty when none are stored. */
  years: number[];
}

/**
 * The stored boundary years a period may be drawn on: those of the vintages it lived under, first to last. A vintage
 * that is not stored stands for the stored years either side of it (the latest before, then the earliest after), so
 * that with only 2019 and 2025 stored a period of 2023/24 may be drawn on whichever of them has its councils.
 */
export function vintageCandidates(
  period: { start: string; end: string },
  stored: readonly number[],
): VintageCandidates {
  const lived = periodVintages(period);
  const years = [...new Set(stored)].sort((a, b) => a - b);
  const out: number[] = [];
  for (const v of lived) {
    const before = years.filter((y) => y <= v).at(-1);
    const after = years.find((y) => y > v);
    for (const y of before === v ? [v] : [before, after]) if (y !== undefined && !out.includes(y)) out.push(y);
  }
  return { wanted: lived[0]!, years: out };
}

/**
 * The stored boundary year a period is drawn on: of its candidates (vintageCandidates), the one that draws the most
 * councils with a figure (`drawn[i]` for `years[i]`), the first of them on a tie; undefined when none is stored.
 */
export function chooseVintage(years: readonly number[], drawn: readonly number[]): number | undefined {
  let best: number | undefined;
  let bestDrawn = -1;
  years.forEach((y, i) => {
    const n = drawn[i] ?? 0;
    if (n > bestDrawn) [best, bestDrawn] = [y, n];
  });
  return best;
}

const LAYER_WORDS: Record<BoundaryLayer, string> = {
  ltla: 'local authority districts',
  utla: 'upper-tier local authorities',
  cty: 'counties',
  rgn: 'regions',
  cauth: 'combined authorities',
};

/** "Boundaries: local authority districts as at April 2023", for a map's key. */
export const vintageCaption = (layer: BoundaryLayer, year: number): string =>
  `Boundaries: ${LAYER_WORDS[layer]} as at April ${year}`;
