/** The period a comparison is for, and the window of periods before it that the trends read. */
import { AppError, invalidParameter } from '../../platform/errors.ts';
import { isCategorical, type Metric, type PeriodCoverage } from '../metrics/index.ts';
import { parsePeriodSelectors, selectPeriods, SelectorError } from '../observations/index.ts';

/** One metric's period, with its window, oldest first and ending with the chosen period. */
export interface Planned {
  m: Metric;
  chosen: PeriodCoverage;
  window: PeriodCoverage[];
}

/** The one period `raw` selects (default: the latest) among a metric's periods with data; a 400 or 404 otherwise. */
export function choosePeriod(available: PeriodCoverage[], raw: string | undefined, metricCode: string): PeriodCoverage {
  let chosen: PeriodCoverage[];
  try {
    chosen = selectPeriods(parsePeriodSelectors(raw ?? 'latest'), available);
  } catch (e) {
    if (e instanceof SelectorError) throw invalidParameter('period', e.message, raw);
    throw e;
  }
  if (available.length === 0) throw new AppError(404, 'no-data', `${metricCode} has no published data yet.`);
  if (chosen.length === 0) {
    const range = `it has data from ${available[0]!.label} to ${available.at(-1)!.label}`;
    throw invalidParameter('period', `has no published data for ${metricCode}; ${range}`, raw);
  }
  if (chosen.length > 1) {
    const one = 'a comparison is for one period (use latest, a label such as 2023/24, or an ISO period)';
    throw invalidParameter('period', `selects several periods; ${one}`, raw);
  }
  return chosen[0]!;
}

/**
 * Each metric's chosen period and window (`windowSize` periods, the chosen one last), or the problem that stops it
 * being compared (no data, a period it does not have), in the metrics' order.
 */
export function planWindows(
  metrics: Metric[],
  periods: PeriodCoverage[],
  raw: string | undefined,
  windowSize: number,
): (Planned | { m: Metric; problem: string })[] {
  const periodsOf = new Map<number, PeriodCoverage[]>();
  for (const p of periods) {
    let list = periodsOf.get(p.metric_id);
    if (!list) periodsOf.set(p.metric_id, (list = []));
    list.push(p);
  }
  return metrics.map((m) => {
    const available = periodsOf.get(m.id) ?? [];
    try {
      const chosen = choosePeriod(available, raw, m.code);
      const idx = available.indexOf(chosen);
      // A categorical measure (inspection judgements, each council's on its own date) reads every period up to the
      // chosen one, so each council's latest judgement by then is found; it has no trend window to bound.
      const from = isCategorical(m) ? 0 : Math.max(0, idx - windowSize + 1);
      return { m, chosen, window: available.slice(from, idx + 1) };
    } catch (e) {
      if (e instanceof AppError) return { m, problem: e.message };
      throw e;
    }
  });
}
