/**
 * What the three MHCLG council finance importers share (mhclg-service-spend, mhclg-revenue-summary, council-tax): the
 * financial year, the value cells with MHCLG's markers, the metric definitions' common parts, and where a row's figure
 * is filed.
 *
 * Codes are the GSS codes MHCLG used that year. A figure is filed under the code of its year and never summed into a
 * successor here: the figure-source rule (docs/FIGURE-SOURCES.md) shows predecessors' figures for a successor at read
 * time. Rows for authorities the geography does not hold (police, national parks, waste and transport authorities,
 * fire authorities merged before the geography begins, the Greater London Authority, lines without a GSS code) are
 * left out and counted with the reason; an unknown council code is left to the engine, which refuses it with its line.
 */
import type { AdapterContext } from '../adapter.ts';
import type { CsvRow } from '../csv.ts';
import type { MetricDefinition } from '../../metrics/index.ts';
import type { SourceLocation } from '../../../platform/source.ts';
import { financialYear, parseNumber, type Period, type StatusCode } from '../../observations/index.ts';

/** `2023-24` → financial year 2023/24 (`2023-04-01/P1Y`). */
export function parseFinancialYear(raw: string | undefined): Period | undefined {
  const m = /^(\d{4})-(\d{2})$/.exec((raw ?? '').trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  return Number(m[2]) === (y + 1) % 100 ? financialYear(y) : undefined;
}

/** MHCLG's markers: `[x]` and `...` (or `…`) stand for a figure that is not there; both become status x. */
const MARKERS: Record<string, StatusCode> = { '[x]': 'x', x: 'x', '...': 'x', '…': 'x', '..': 'x', '[z]': 'z' };

export type FinanceCell =
  { ok: true; value: number | null; status: StatusCode[]; note?: string } | { ok: false; message: string };

/**
 * A value cell, with the file's marker column when it has one: a number ("1,234" is read as 1234), or empty with a
 * marker (null, the marker's status, a note naming the marker), or empty without one (null, status x).
 */
export function financeCell(raw: string | undefined, marker?: string): FinanceCell {
  const s = (raw ?? '').trim();
  const mk = (marker ?? '').trim();
  if (s === '') {
    if (mk === '') return { ok: true, value: null, status: ['x'], note: 'blank in the source' };
    const status = MARKERS[mk.toLowerCase()];
    if (!status) return { ok: false, message: `marker "${mk}" is not one of MHCLG's markers ([x], ..., …)` };
    return { ok: true, value: null, status: [status], note: `MHCLG gives "${mk}"` };
  }
  const inline = MARKERS[s.toLowerCase()];
  if (inline) return { ok: true, value: null, status: [inline], note: `MHCLG gives "${s}"` };
  if (mk !== '') return { ok: false, message: `a value ("${s}") and a marker ("${mk}") in one row` };
  const n = parseNumber(s);
  if (n === undefined) return { ok: false, message: `"${s}" is not a number or one of MHCLG's markers ([x], ...)` };
  return { ok: true, value: n + 0, status: [] }; // + 0: the returns' "-0" is 0
}

export const MHCLG_SOURCE = (title: string, url: string): MetricDefinition['source'] => ({
  publisher: 'Ministry of Housing, Communities and Local Government (MHCLG; DLUHC 2021 to 2024)',
  url,
  licence: 'OGL-UK-3.0',
  attribution: `MHCLG, ${title}. Contains public sector information licensed under the Open Government Licence v3.0.`,
});

/**
 * Why police and fire spending (RSX services, RA lines 601 and 602) is never summed into England's or a region's
 * figure: most of it is by bodies the platform does not hold or does not sum (derived/specs.ts isSummableInput).
 */
export const NOT_SUMMED = {
  police:
    "police spending is the police bodies' (police and crime commissioners, the GLA's Mayor's Office for Policing and Crime, combined authorities with a mayor for policing), none of which is held or summed here: a sum over councils would be little more than the City of London's police",
  fire: "fire and rescue is run by fire authorities, some counties and unitaries, Greater Manchester Combined Authority and the GLA's London Fire Commissioner: combined authorities are not summed and the GLA is not held, so a sum would leave out Greater Manchester's and London's fire services",
} as const;

/** The authorities MHCLG's returns cover that the geography holds: councils, fire authorities, combined authorities. */
export const FINANCE_AREA_TYPES = ['E06', 'E07', 'E08', 'E09', 'E10', 'E31', 'E47'];

/** Types the geography does not hold, by GSS prefix: rows for them are counted as left out, with this reason. */
const NOT_HELD: Record<string, string> = {
  E23: 'police force areas (E23): the geography holds no police areas',
  E26: 'national park authorities (E26): the geography holds no national parks',
  E50: 'joint waste and other authorities (E50): the geography holds none',
  E31: 'a fire and rescue authority code the geography does not hold (a fire authority merged before 2019)',
  E47: 'a combined authority code the geography does not hold',
};

/**
 * Codes MHCLG gave wrongly, by the code and the authority's E-code: the row is filed under the right code with a note.
 * North Yorkshire County Council (E-code E2721) appears as E10000022 in the 2015-16 and 2017-18 RS returns; it is
 * E10000023 (E10000022 is no council's code).
 */
const CODE_FIXES: Record<string, { ecode: string; code: string }> = {
  E10000022: { ecode: 'E2721', code: 'E10000023' },
};

export type Placement = { code: string; note?: string } | { skip: string };

/**
 * Where a row's figure for `period` is filed: the code of its year (corrected where MHCLG gave a wrong code), or a
 * reason to leave it out. `ctx.area` (the catalogue) decides what the geography holds; without it (an engine with no
 * catalogue) only the rows that can never be filed are left out.
 */
export function placeArea(
  rawCode: string | undefined,
  ecode: string | undefined,
  period: Period,
  ctx: AdapterContext,
): Placement {
  let code = (rawCode ?? '').trim();
  let note: string | undefined;
  if (!/^E\d{8}$/.test(code))
    return { skip: "no GSS code in the file (an authority MHCLG knows by its E-code only, or an 'of which' line)" };
  if (code.startsWith('E12'))
    return {
      skip: 'the Greater London Authority: MHCLG files it under the London region code E12000007, but its figures are not London’s total, and the geography holds no GLA',
    };
  const fix = CODE_FIXES[code];
  if (fix && fix.ecode === (ecode ?? '').trim()) {
    note = `MHCLG gives ${code}; filed under ${fix.code}, the code of the authority with E-code ${fix.ecode}`;
    code = fix.code;
  }
  if (!ctx.area) return note ? { code, note } : { code };
  const known = ctx.area(code);
  const prefix = code.slice(0, 3);
  if (!known) {
    const reason = NOT_HELD[prefix];
    return reason ? { skip: reason } : { code }; // an unknown council code: the engine refuses it, naming the line
  }
  if (known.validFrom && period.end < known.validFrom)
    return {
      skip: "a figure for an authority for a year before it was created (MHCLG's comparison figure for its predecessors' area: the figure-source rule shows the predecessors' own)",
    };
  if (known.validTo && period.start > known.validTo) {
    const next = known.successors.length === 1 ? ctx.area(known.successors[0]!) : undefined;
    if (next && next.name === known.name)
      return { code: next.code, note: `MHCLG gives ${code}; ONS re-coded it to ${next.code} after ${known.validTo}` };
    return { skip: 'a figure for an authority for a year after it was abolished' };
  }
  return note ? { code, note } : { code };
}

/** Joins notes, leaving out empty ones; null when there are none. */
export const notes = (...parts: (string | undefined)[]): string | null => parts.filter(Boolean).join('; ') || null;

/** An error for a row's field, as every finance adapter reports it. */
export const fieldError = (
  ctx: AdapterContext,
  at: SourceLocation,
  field: string,
  value: string | undefined,
  message: string,
) => ctx.error({ at, field, value, message });

/** A row's financial year, or undefined once the error is reported at its line. */
export function rowYear(row: CsvRow, ctx: AdapterContext, example = '2023-24'): Period | undefined {
  const raw = row.get('financial_year');
  const period = parseFinancialYear(raw);
  if (!period) fieldError(ctx, row.at, 'financial_year', raw, `"${raw}" is not a financial year such as ${example}`);
  return period;
}

/** Where a row's figure for `period` is filed, or undefined once it is counted as left out (with the reason). */
export function rowPlace(
  row: CsvRow,
  period: Period,
  ctx: AdapterContext,
): { code: string; note?: string } | undefined {
  const place = placeArea(row.get('ons_code'), row.get('ecode'), period, ctx);
  if (!('skip' in place)) return place;
  ctx.skipped?.(row.at, place.skip);
  return undefined;
}

/** A long file's value (value_gbp_thousands with its marker), or undefined once the error is reported at its line. */
export function rowValue(row: CsvRow, ctx: AdapterContext): Extract<FinanceCell, { ok: true }> | undefined {
  const raw = row.get('value_gbp_thousands');
  const cell = financeCell(raw, row.get('marker'));
  if (cell.ok) return cell;
  fieldError(ctx, row.at, 'value_gbp_thousands', raw, cell.message);
  return undefined;
}
