import { describe, expect, it } from 'vitest';
import { formatClosing, formatDate, formatDateTime, londonStartOfDay } from './dates.ts';

describe('dates in Europe/London', () => {
  it('shows a wave closing at the end of 31 December as 31 December, 11:59pm', () => {
    expect(formatClosing('2027-01-01T00:00:00.000Z')).toBe('31 December 2026, 11:59pm');
    // In summer the day ends at 23:00 UTC.
    expect(formatClosing('2026-06-30T23:00:00.000Z')).toBe('30 June 2026, 11:59pm');
    expect(formatClosing('2026-06-30T16:00:00.000Z')).toBe('30 June 2026, 5pm');
  });

  it('reads instants on London’s clock, in the GOV.UK style', () => {
    expect(formatDateTime('2026-12-31T23:59:00Z')).toBe('31 December 2026, 11:59pm');
    expect(formatDateTime('2026-07-01T11:00:00Z')).toBe('1 July 2026, midday');
    expect(formatDateTime('2026-07-01T08:30:00Z')).toBe('1 July 2026, 9:30am');
    expect(formatDateTime('2026-06-30T23:30:00Z')).toBe('1 July 2026, 12:30am');
    expect(formatDateTime('2026-01-01T00:00:00Z')).toBe('1 January 2026, midnight');
  });

  it('keeps a calendar date as it is, and dates an instant by London’s day', () => {
    expect(formatDate('2026-12-31')).toBe('31 December 2026');
    expect(formatDate('2026-06-30T23:30:00Z')).toBe('1 July 2026');
    expect(formatDate(null)).toBe('');
    expect(formatDate('not a date')).toBe('not a date');
  });

  it('finds the instant a London day begins, in winter and in summer time', () => {
    expect(londonStartOfDay('2026-12-31').toISOString()).toBe('2026-12-31T00:00:00.000Z');
    expect(londonStartOfDay('2026-07-01').toISOString()).toBe('2026-06-30T23:00:00.000Z');
    // The days the clocks change.
    expect(londonStartOfDay('2026-03-29').toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(londonStartOfDay('2026-03-30').toISOString()).toBe('2026-03-29T23:00:00.000Z');
    expect(londonStartOfDay('2026-10-25').toISOString()).toBe('2026-10-24T23:00:00.000Z');
    expect(londonStartOfDay('2026-10-26').toISOString()).toBe('2026-10-26T00:00:00.000Z');
  });
});
