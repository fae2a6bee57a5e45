/**
 * Dates and times for people: one set of helpers, always in Europe/London (GMT or BST as the date has it), in the
 * GOV.UK style ("31 December 2026", "31 December 2026, 11:59pm", "5pm", "midday"). A calendar date (YYYY-MM-DD) is a
 * day, never shifted; an instant is shown as the clock in London read it.
 */
export const LONDON = 'Europe/London';

const DAY: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', year: 'numeric' };
const dayFormat = new Intl.DateTimeFormat('en-GB', { ...DAY, timeZone: LONDON });
const utcDayFormat = new Intl.DateTimeFormat('en-GB', { ...DAY, timeZone: 'UTC' });
const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const isCalendarDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
const parse = (iso: string): Date | null => {
  const d = new Date(isCalendarDate(iso) ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** London's wall clock at an instant: year, month, day, hour, minute, second. */
function londonParts(d: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of partsFormat.formatToParts(d)) if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  return out;
}

/** "5pm", "5:30pm", "midday", "midnight" (GOV.UK style). */
function clock(hour: number, minute: number): string {
  if (minute === 0 && hour === 12) return 'midday';
  if (minute === 0 && hour === 0) return 'midnight';
  const h = hour % 12 === 0 ? 12 : hour % 12;
  return `${h}${minute ? `:${String(minute).padStart(2, '0')}` : ''}${hour < 12 ? 'am' : 'pm'}`;
}

/** "31 December 2026": a calendar date as it is; an instant as London's date. Empty for none; as-is if unreadable. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = parse(iso);
  if (!d) return iso;
  return (isCalendarDate(iso) ? utcDayFormat : dayFormat).format(d);
}

/** "31 December 2026, 11:59pm": an instant as London's clock read it. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = parse(iso);
  if (!d) return iso;
  const p = londonParts(d);
  return `${dayFormat.format(d)}, ${clock(p.hour, p.minute)}`;
}

/**
 * The end of something that closes at an instant (the first moment it is closed), as people read a closing time: the
 * midnight that ends 31 December is "31 December 2026, 11:59pm", not "1 January 2027, midnight".
 */
export function formatClosing(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = parse(iso);
  if (!d) return iso;
  const p = londonParts(d);
  return p.hour === 0 && p.minute === 0 && p.second === 0
    ? formatDateTime(new Date(d.getTime() - 60_000).toISOString())
    : formatDateTime(iso);
}

/** The instant London's day YYYY-MM-DD begins (00:00 GMT, or 23:00 UTC the day before in summer time). */
export function londonStartOfDay(date: string): Date {
  const utcMidnight = new Date(`${date}T00:00:00Z`);
  // London is UTC or one hour ahead: midnight there is midnight UTC less the offset on that day.
  const p = londonParts(utcMidnight);
  const offsetHours = p.day === utcMidnight.getUTCDate() ? p.hour : p.hour - 24;
  return new Date(utcMidnight.getTime() - offsetHours * 3_600_000);
}
