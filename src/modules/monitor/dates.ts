/** Months, financial quarters and days as the monitor reads them (UTC dates, YYYY-MM-DD). */
import { AppError } from '../../platform/errors.ts';

export const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** A month `YYYY-MM`: its first and last days and the first day of the next (a 400 naming `field` otherwise). */
export function monthRange(month: string, field = 'month') {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  const mm = m ? Number(m[2]) : 0;
  if (!m || mm < 1 || mm > 12)
    throw new AppError(400, 'invalid-parameter', `${field} must be a month as YYYY-MM ("${month}").`, [
      { field, message: 'must be a month as YYYY-MM, such as 2026-11', value: month },
    ]);
  const from = `${m[1]}-${m[2]}-01`;
  const next = mm === 12 ? `${Number(m[1]) + 1}-01-01` : `${m[1]}-${String(mm + 1).padStart(2, '0')}-01`;
  return { from, last: addDays(next, -1), next };
}

export const QUARTERS = ['Q1', 'Q2', 'Q3', 'Q4'] as const;
export type Quarter = (typeof QUARTERS)[number];

/**
 * A financial year's quarter (year 2026 = 2026/27; Q1 April to June … Q4 January to March): first day, last day and
 * the first day after.
 */
export function quarterRange(year: number, q: Quarter) {
  const i = QUARTERS.indexOf(q);
  const startMonth = 4 + i * 3; // 4, 7, 10, 13
  const y = startMonth > 12 ? year + 1 : year;
  const m = ((startMonth - 1) % 12) + 1;
  const from = `${y}-${String(m).padStart(2, '0')}-01`;
  const nm = m + 3;
  const next = nm > 12 ? `${y + 1}-${String(nm - 12).padStart(2, '0')}-01` : `${y}-${String(nm).padStart(2, '0')}-01`;
  return { from, last: addDays(next, -1), next };
}

export const yearLabel = (year: number) => `${year}/${String((year + 1) % 100).padStart(2, '0')}`;
