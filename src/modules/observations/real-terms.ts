/**
 * Real terms (docs/REAL-TERMS.md): £ figures deflated to the prices of a base year with a deflator series the user
 * has loaded (a metric of unit type `index`, England's figure per financial year). Cash terms are the default; without
 * a loaded deflator, asking for real terms is refused with the reason.
 *
 * A figure in £ for period P becomes value × index(base) ÷ index(P). Percentages, counts and other units are left as
 * they are. A £ figure for a period the deflator has no index for is not shown (status x, the reason in its note).
 */
import { AppError, invalidParameter } from '../../platform/errors.ts';
import type { Metric } from '../metrics/index.ts';
import type { AvailablePeriod } from './selectors.ts';
import type { ObservationDto } from './service.ts';

/** The deflator a query uses when it names none. */
export const DEFAULT_DEFLATOR = 'hmt.gdp-deflator';
const MONEY = new Set(['currency', 'currency-per-head']);
/** Whether real terms deflate figures of this unit type (£ amounts and £ per head). */
export const isMoney = (unitType: string): boolean => MONEY.has(unitType);

export interface PricesQuery {
  prices?: 'cash' | 'real' | undefined;
  base?: string | undefined;
  deflator?: string | undefined;
}

/** The fields of a figure that deflation touches (an observation, or a figure read for a comparison). */
export interface Deflatable {
  value: number | null;
  status: string[];
  lci: number | null;
  uci: number | null;
  numerator: number | null;
  note: string | null;
}

export interface Deflation {
  apply(metric: Metric, o: ObservationDto): ObservationDto;
  /** Any figure of `metric` for `period`, deflated as `apply` deflates an observation. */
  figure<T extends Deflatable>(metric: Pick<Metric, 'unitType'>, period: { iso: string; label: string }, o: T): T;
  /**
   * What a figure of `metric` for the period (ISO) is multiplied by: undefined when the metric is not in £ (left as
   * it is), null when the deflator has no index for the period (the figure is not available).
   */
  factor(metric: Pick<Metric, 'unitType'>, period: string): number | null | undefined;
  /** What the response says: the deflator, its base year and what was deflated. */
  note: string;
  base: { iso: string; label: string };
  deflator: { code: string; title: string; publisher: string };
}

/** A loaded deflator: its metric and England's index in each year it has one. */
export interface LoadedDeflator {
  metric: Metric;
  years: { period: AvailablePeriod; value: number }[];
}

export interface DeflatorSource {
  /** The deflator metric, or undefined when the catalogue has none by that id. */
  metric(code: string): Promise<Metric | undefined>;
  /** Its periods with England's index in each. */
  englandIndex(metric: Metric): Promise<{ period: AvailablePeriod; value: number | null }[]>;
}

/** `2023-24`, `2023/24` or `2023-04-01/P1Y` → the period among `periods`. */
function findBase(raw: string, periods: AvailablePeriod[]): AvailablePeriod | undefined {
  const s = raw.trim();
  const fy = /^(\d{4})[-/](\d{2})$/.exec(s);
  const iso = fy ? `${fy[1]}-04-01/P1Y` : s;
  return periods.find((p) => p.iso === iso || p.label === s);
}

/** The deflator of this id with England's index per year, or undefined when none is loaded (or it has no index). */
export async function loadedDeflator(code: string, source: DeflatorSource): Promise<LoadedDeflator | undefined> {
  const metric = await source.metric(code);
  if (!metric || metric.unitType !== 'index') return undefined;
  const years = (await source.englandIndex(metric)).filter(
    (x): x is { period: AvailablePeriod; value: number } => x.value !== null && x.value > 0,
  );
  return years.length > 0 ? { metric, years } : undefined;
}

export async function realTerms(q: PricesQuery, source: DeflatorSource): Promise<Deflation | undefined> {
  if ((q.prices ?? 'cash') === 'cash') {
    if (q.base !== undefined || q.deflator !== undefined)
      throw invalidParameter('prices', 'base and deflator apply only with prices=real', q.prices ?? 'cash');
    return undefined;
  }
  const code = q.deflator ?? DEFAULT_DEFLATOR;
  const deflator = await source.metric(code);
  if (!deflator || deflator.unitType !== 'index')
    throw new AppError(
      400,
      'no-deflator',
      `prices=real needs a deflator: no index metric "${code}" is loaded. Load one with "sli import long-csv" (England, E92000001, one index per financial year; docs/REAL-TERMS.md), or ask for cash terms.`,
      [{ field: 'deflator', message: 'no deflator series of this id is loaded', value: code }],
    );
  const index = (await source.englandIndex(deflator)).filter((x) => x.value !== null && x.value > 0);
  if (index.length === 0)
    throw new AppError(400, 'no-deflator', `prices=real: the deflator "${code}" has no figure for England.`, [
      { field: 'deflator', message: 'has no England figures', value: code },
    ]);
  if (!q.base) throw invalidParameter('base', 'is required with prices=real: a financial year such as 2023-24', '');
  const base = findBase(
    q.base,
    index.map((x) => x.period),
  );
  if (!base)
    throw invalidParameter(
      'base',
      `is not a year the deflator "${code}" has an index for (${index.map((x) => x.period.label).join(', ')})`,
      q.base,
    );
  const byIso = new Map(index.map((x) => [x.period.iso, x.value!]));
  const baseIndex = byIso.get(base.iso)!;
  const note = `Real terms: £ figures at ${base.label} prices, deflated by ${deflator.title} (${deflator.code}; ${deflator.source.publisher}), index ${baseIndex} in ${base.label}: value × index(${base.label}) ÷ index(year). Other units are unchanged.`;
  const factor: Deflation['factor'] = (metric, period) => {
    if (!MONEY.has(metric.unitType)) return undefined;
    const i = byIso.get(period);
    return i === undefined ? null : baseIndex / i;
  };
  const figure: Deflation['figure'] = (metric, period, o) => {
    if (o.value === null) return o;
    const f = factor(metric, period.iso);
    if (f === undefined) return o;
    if (f === null)
      return {
        ...o,
        value: null,
        lci: null,
        uci: null,
        numerator: null,
        status: ['x'],
        note: `Real terms: the deflator ${deflator.code} has no index for ${period.label}`,
      };
    const scale = (x: number | null) => (x === null ? null : x * f);
    return {
      ...o,
      value: o.value * f,
      lci: scale(o.lci),
      uci: scale(o.uci),
      numerator: metric.unitType === 'currency-per-head' ? scale(o.numerator) : o.numerator,
    };
  };
  return {
    note,
    base: { iso: base.iso, label: base.label },
    deflator: { code: deflator.code, title: deflator.title, publisher: deflator.source.publisher },
    factor,
    figure,
    apply: (metric, o) => figure(metric, { iso: o.period, label: o.periodLabel }, o),
  };
}
