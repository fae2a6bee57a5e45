import { parseIsoPeriod, PeriodError } from './periods.ts';

/**
 * A period selector from the query string: latest, latest:N, earliest, earliest:N, all, a label, an ISO period, or a
 * range a..b.
 */
export type PeriodSelector =
  | { kind: 'latest' | 'earliest'; n: number }
  | { kind: 'all' }
  | { kind: 'match'; text: string; iso?: string | undefined }
  | { kind: 'range'; from: PeriodSelector & { kind: 'match' }; to: PeriodSelector & { kind: 'match' } };

export class SelectorError extends Error {}

function matchSelector(text: string): PeriodSelector & { kind: 'match' } {
  const t = text.trim();
  if (t === '') throw new SelectorError('an empty period');
  // A label such as 2023/24 or 2023-24 (financial or academic year), a year, or an ISO 8601 period.
  const fy = /^(\d{4})[/-](\d{2})$/.exec(t);
  if (fy) {
    const y = Number(fy[1]);
    if ((y + 1) % 100 !== Number(fy[2]))
      throw new SelectorError(`"${t}" is not a year such as 2023/24 (the second year must follow the first)`);
    return { kind: 'match', text: `${y}/${fy[2]}` };
  }
  if (/^\d{4}$/.test(t)) return { kind: 'match', text: t, iso: `${t}-01-01/P1Y` };
  try {
    return { kind: 'match', text: t, iso: parseIsoPeriod(t).iso };
  } catch (e) {
    if (e instanceof PeriodError)
      throw new SelectorError(
        `"${t}" is not a period: ${e.message}. Use latest, latest:N, earliest, all, a label such as 2023/24, an ISO period such as 2023-04-01/P1Y, or a range a..b`,
      );
    throw e;
  }
}

export function parsePeriodSelectors(raw: string | undefined): PeriodSelector[] {
  if (raw === undefined || raw.trim() === '') return [{ kind: 'latest', n: 1 }];
  return raw.split(',').map((part) => {
    const p = part.trim();
    const rel = /^(latest|earliest)(?::(\d+))?$/.exec(p);
    if (rel) {
      const n = Number(rel[2] ?? 1);
      if (n < 1 || n > 100) throw new SelectorError(`"${p}": N must be from 1 to 100`);
      return { kind: rel[1] as 'latest' | 'earliest', n };
    }
    if (p === 'all') return { kind: 'all' };
    if (p.includes('..')) {
      const [a, b] = p.split('..');
      return { kind: 'range', from: matchSelector(a ?? ''), to: matchSelector(b ?? '') };
    }
    return matchSelector(p);
  });
}

export interface AvailablePeriod {
  id: number;
  iso: string;
  label: string;
  start_date: string;
  end_date: string;
}

const matches = (s: PeriodSelector & { kind: 'match' }, p: AvailablePeriod) =>
  p.iso === s.iso || p.label === s.text || p.iso === s.text;

/** Applies selectors to one metric's periods (sorted oldest first); returns the chosen periods, oldest first. */
export function selectPeriods<P extends AvailablePeriod>(selectors: PeriodSelector[], available: P[]): P[] {
  const chosen = new Set<P>();
  for (const s of selectors) {
    switch (s.kind) {
      case 'latest':
        available.slice(-s.n).forEach((p) => chosen.add(p));
        break;
      case 'earliest':
        available.slice(0, s.n).forEach((p) => chosen.add(p));
        break;
      case 'all':
        available.forEach((p) => chosen.add(p));
        break;
      case 'match':
        available.filter((p) => matches(s, p)).forEach((p) => chosen.add(p));
        break;
      case 'range': {
        const from = available.find((p) => matches(s.from, p));
        const to = [...available].reverse().find((p) => matches(s.to, p));
        if (from && to)
          available
            .filter((p) => p.start_date >= from.start_date && p.start_date <= to.start_date)
            .forEach((p) => chosen.add(p));
        break;
      }
      default: {
        const never: never = s;
        throw new Error(`unhandled selector ${JSON.stringify(never)}`);
      }
    }
  }
  return available.filter((p) => chosen.has(p));
}
