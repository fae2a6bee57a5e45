/**
 * Periods in canonical form: an ISO 8601 interval `start/duration` with a readable label and a type.
 *   2023-04-01/P1Y  financial year 2023/24       2023-09-01/P1Y  academic year 2023/24
 *   2023-01-01/P1Y  calendar year 2023           2024-01-01/P3M  quarter Jan to Mar 2024
 *   2016-01-01/P3Y  three calendar years 2016 to 2018
 */
export type PeriodType =
  | 'financial-year'
  | 'academic-year'
  | 'calendar-year'
  | 'multi-year'
  | 'financial-multi-year'
  | 'academic-multi-year'
  | 'quarter'
  | 'month'
  | 'day'
  | 'interval';

export interface Period {
  iso: string;
  type: PeriodType;
  label: string;
  /** First day, YYYY-MM-DD. */
  start: string;
  /** Last day (inclusive), YYYY-MM-DD. */
  end: string;
}

export class PeriodError extends Error {}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function checkYear(y: number): void {
  if (!Number.isInteger(y) || y < 1800 || y > 2200) throw new PeriodError(`year ${y} is out of range (1800 to 2200)`);
}

function isValidDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

function addDuration(y: number, m: number, d: number, years: number, months: number, days: number): string {
  // Inclusive end: start + duration - 1 day.
  const dt = new Date(Date.UTC(y + years, m - 1 + months, d + days - 1));
  return `${dt.getUTCFullYear()}-${pad(dt.getUTCMonth() + 1)}-${pad(dt.getUTCDate())}`;
}

const shortYear = (y: number) => pad((y + 1) % 100);

/** Any other interval: `Aug 2019 to Jul 2020` when it runs in whole months, else `16 Nov 2015 to 15 Nov 2016`. */
function intervalLabel(y: number, m: number, d: number, end: string): string {
  const [ey, em, ed] = end.split('-').map(Number) as [number, number, number];
  const endsMonth = new Date(Date.UTC(ey, em, 0)).getUTCDate() === ed;
  if (d === 1 && endsMonth) return `${MONTHS[m - 1]} ${y} to ${MONTHS[em - 1]} ${ey}`;
  return `${d} ${MONTHS[m - 1]} ${y} to ${ed} ${MONTHS[em - 1]} ${ey}`;
}

/** Builds a Period from an ISO start date and duration, deriving its type and label. */
export function fromIso(start: string, duration: string): Period {
  const sm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(start);
  if (!sm) throw new PeriodError(`"${start}" is not a date (YYYY-MM-DD)`);
  const y = Number(sm[1]);
  const m = Number(sm[2]);
  const d = Number(sm[3]);
  checkYear(y);
  if (!isValidDate(y, m, d)) throw new PeriodError(`${start} is not a real date`);
  const dm = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$/.exec(duration);
  if (!dm || duration === 'P')
    throw new PeriodError(`"${duration}" is not an ISO 8601 duration such as P1Y, P3M or P1D`);
  const years = Number(dm[1] ?? 0);
  const months = Number(dm[2] ?? 0);
  const days = Number(dm[3] ?? 0);
  if (years + months + days === 0) throw new PeriodError(`duration ${duration} is empty`);
  const iso = `${start}/${duration}`;
  const end = addDuration(y, m, d, years, months, days);
  const only = (yy: number, mm: number, dd: number) => years === yy && months === mm && days === dd;
  let type: PeriodType = 'interval';
  let label = intervalLabel(y, m, d, end);
  if (d === 1 && only(1, 0, 0) && m === 4) {
    type = 'financial-year';
    label = `${y}/${shortYear(y)}`;
  } else if (d === 1 && only(1, 0, 0) && m === 9) {
    type = 'academic-year';
    label = `${y}/${shortYear(y)}`;
  } else if (d === 1 && only(1, 0, 0) && m === 1) {
    type = 'calendar-year';
    label = String(y);
  } else if (d === 1 && years > 1 && months === 0 && days === 0 && m === 1) {
    type = 'multi-year';
    label = `${y} to ${y + years - 1}`;
  } else if (d === 1 && years > 1 && months === 0 && days === 0 && m === 4) {
    type = 'financial-multi-year';
    label = `${y}/${shortYear(y)} to ${y + years - 1}/${shortYear(y + years - 1)}`;
  } else if (d === 1 && years > 1 && months === 0 && days === 0 && m === 9) {
    type = 'academic-multi-year';
    label = `${y}/${shortYear(y)} to ${y + years - 1}/${shortYear(y + years - 1)}`;
  } else if (d === 1 && only(0, 3, 0)) {
    type = 'quarter';
    label = `${MONTHS[m - 1]} to ${MONTHS[(m + 1) % 12]} ${y + (m + 2 > 12 ? 1 : 0) === y ? y : `${y}/${shortYear(y)}`}`;
    if (m === 1 || m === 4 || m === 7 || m === 10)
      label = `Q${(m + 2) / 3} ${y} (${MONTHS[m - 1]} to ${MONTHS[m + 1]})`;
  } else if (d === 1 && only(0, 1, 0)) {
    type = 'month';
    label = `${MONTHS[m - 1]} ${y}`;
  } else if (only(0, 0, 1)) {
    type = 'day';
    label = `${d} ${MONTHS[m - 1]} ${y}`;
  }
  return { iso, type, label, start, end };
}

/**
 * A year's period, made once and shared (frozen): an importer asks for it on every row (a finance file's 124,000 rows
 * spent 0.8 s parsing the same few years' ISO intervals).
 */
const years = new Map<string, Period>();
function yearFrom(start: string): Period {
  let p = years.get(start);
  if (!p) years.set(start, (p = Object.freeze(fromIso(start, 'P1Y'))));
  return p;
}
export const financialYear = (y: number): Period => (checkYear(y), yearFrom(`${y}-04-01`));
export const academicYear = (y: number): Period => (checkYear(y), yearFrom(`${y}-09-01`));
export const calendarYear = (y: number): Period => (checkYear(y), yearFrom(`${y}-01-01`));
export const quarter = (y: number, q: number): Period => {
  if (!Number.isInteger(q) || q < 1 || q > 4) throw new PeriodError(`quarter ${q} is not 1 to 4`);
  return fromIso(`${y}-${pad((q - 1) * 3 + 1)}-01`, 'P3M');
};
/** A span of whole years, e.g. multiYear(2016, 2018, 'calendar') = 2016-01-01/P3Y. */
export function multiYear(
  first: number,
  last: number,
  kind: 'calendar' | 'financial' | 'academic' = 'calendar',
): Period {
  checkYear(first);
  checkYear(last);
  if (last < first) throw new PeriodError(`period ends (${last}) before it starts (${first})`);
  const month = kind === 'financial' ? '04' : kind === 'academic' ? '09' : '01';
  return fromIso(`${first}-${month}-01`, `P${last - first + 1}Y`);
}

/**
 * Parses an ISO 8601 period as publishers write it: `2019-01-01/P1Y`, `2019-04/P1Y`, `2019/P3Y`, a bare `2019`
 * (calendar year), `2019-06` (month) or `2019-06-30` (day).
 */
export function parseIsoPeriod(raw: string): Period {
  const s = raw.trim();
  const [startRaw, duration] = s.split('/');
  if (startRaw === undefined || s.split('/').length > 2) throw new PeriodError(`"${raw}" is not an ISO 8601 period`);
  let start: string;
  let implied: string;
  if (/^\d{4}$/.test(startRaw)) {
    start = `${startRaw}-01-01`;
    implied = 'P1Y';
  } else if (/^\d{4}-\d{2}$/.test(startRaw)) {
    start = `${startRaw}-01`;
    implied = 'P1M';
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(startRaw)) {
    start = startRaw;
    implied = 'P1D';
  } else {
    throw new PeriodError(`"${raw}" is not an ISO 8601 period (expected e.g. 2023-04-01/P1Y)`);
  }
  return fromIso(start, duration ?? implied);
}

/** Compares periods by start, then by end (for sorting oldest first). */
export const comparePeriods = (a: Pick<Period, 'start' | 'end'>, b: Pick<Period, 'start' | 'end'>): number =>
  a.start < b.start ? -1 : a.start > b.start ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : 0;
