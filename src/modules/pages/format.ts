/**
 * Words and numbers for pages: values with units, polarity and directions in plain English, status markers explained.
 */
import { formatValue } from '../maps/index.ts';
import { STATUS_CODES, type StatusCode } from '../observations/index.ts';

export { formatValue };

export const polarityWords = (p: string): string =>
  p === 'higher-is-better'
    ? 'Higher is better'
    : p === 'lower-is-better'
      ? 'Lower is better'
      : 'Neither higher nor lower is better in itself';

const DIRECTION: Record<string, string> = {
  improving: 'Improving',
  improved: 'Improved',
  worsening: 'Worsening',
  worsened: 'Worsened',
  'no-change': 'No material change',
  increasing: 'Increasing',
  increased: 'Increased',
  decreasing: 'Decreasing',
  decreased: 'Decreased',
  'not-comparable': 'Not comparable',
  'no-data': 'No data',
};
export const directionWords = (d: string | null | undefined): string => (d ? (DIRECTION[d] ?? d) : '–');

/** A GOV.UK tag colour for a direction; the words are always shown too, so colour is never the only carrier. */
export const directionTag = (d: string | null | undefined): string =>
  d === 'improving' || d === 'improved'
    ? 'govuk-tag--green'
    : d === 'worsening' || d === 'worsened'
      ? 'govuk-tag--red'
      : 'govuk-tag--grey';

export const QUARTER_WORDS = ['Top quarter', 'Second quarter', 'Third quarter', 'Bottom quarter'] as const;
export const QUARTER_NEUTRAL = [
  'Highest quarter',
  'Second highest quarter',
  'Second lowest quarter',
  'Lowest quarter',
] as const;
export const quarterWords = (band: number | null, polarity: string): string =>
  band === null ? '–' : ((polarity === 'not-applicable' ? QUARTER_NEUTRAL : QUARTER_WORDS)[band - 1] ?? '–');

export const statusWords = (codes: string[]): string =>
  codes.map((c) => (c in STATUS_CODES ? STATUS_CODES[c as StatusCode] : c)).join('; ');

export const STATUS_KEY = Object.entries(STATUS_CODES).map(([code, words]) => ({ code, words }));

/** A cell for a value: the number, or the status words when there is none. */
export function valueCell(value: number | null, status: string[], dp: number, unit: string): string {
  if (value === null) return status.length ? `[${status.join(', ')}] ${statusWords(status)}` : 'No data';
  return `${formatValue(value, dp, unit)}${status.length ? ` [${status.join(', ')}]` : ''}`;
}

/** Dates and times in Europe/London: the platform's one set of helpers (platform/dates.ts). */
export { formatClosing, formatDate, formatDateTime } from '../../platform/dates.ts';

/**
 * How many times the largest figure drawn beside it England's may be and still be drawn: England's total of a count or
 * an amount (summed over every council) is many times any one council's, and on one axis it would flatten their lines
 * or bars to the floor.
 */
const ENGLAND_SCALE_LIMIT = 10;

/** Whether England's figures belong on a chart beside `others` (councils' figures, a group's median): their scale. */
export function englandOnScale(england: readonly (number | null)[], others: readonly (number | null)[]): boolean {
  const largest = (xs: readonly (number | null)[]) => Math.max(0, ...xs.map((x) => (x === null ? 0 : Math.abs(x))));
  const theirs = largest(others);
  return theirs === 0 || largest(england) <= theirs * ENGLAND_SCALE_LIMIT;
}

/** What a chart's caption says when England's figure was left off it (englandOnScale false). */
export const englandOffScale = (value: string): string =>
  `England's figure (${value}) is not drawn: more than ${ENGLAND_SCALE_LIMIT} times any figure on the chart, it would flatten them on the same axis; it is in the table.`;
