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

export interface PricesQuery {
  prices?: 'cash' | 'real' | undefined;
  base?: string | undefined;
  deflator?: string | undefined;
}

export interface Deflation {
  apply(metric: Metric, o: ObservationDto): ObservationDto;
  /** What the response says: the deflator, its base year and what was deflated. */
  note: string;
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
  return {
    note,
    apply(metric, o) {
      if (!MONEY.has(metric.unitType) || o.value === null) return o;
      const i = byIso.get(o.period);
      if (i === undefined)
        return {
          ...o,
          value: null,
          lci: null,
          uci: null,
          numerator: null,
          status: ['x'],
          note: `Real terms: the deflator ${deflator.code} has no index for ${o.periodLabel}`,
        };
      const f = baseIndex / i;
      const scale = (x: number | null) => (x === null ? null : x * f);
      return {
        ...o,
        value: o.value * f,
        lci: scale(o.lci),
        uci: scale(o.uci),
        numerator: metric.unitType === 'currency-per-head' ? scale(o.numerator) : o.numerator,
      };
    },
  };
}
