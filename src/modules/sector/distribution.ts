/**
 * The latest judgements of a categorical measure as they stand: how many councils hold each judgement now, by council
 * type, and how many are "Good or better", with the span of dates the judgements were published over. What a file of
 * one judgement per council honestly supports (no movement can be made from it). Counts of labels, never an average.
 */
import { betterThreshold, categoryCounts, type Metric } from '../metrics/index.ts';

type Categorised = Pick<Metric, 'unitType' | 'categories' | 'polarity'>;

/** A council's latest judgement held: its position in the list and when it was published (the period's start). */
export interface LatestHeld {
  value: number;
  date: string;
  label: string;
}

export interface DistributionCells {
  /** Current councils of the type (of the metric's types). */
  councils: number;
  /** Of those, with a judgement held. */
  judged: number;
  /** Councils per judgement, best first (every category listed, zero counts included). */
  counts: { code: string; label: string; count: number }[];
  /** Of those judged, in the better half of the scale ("Good or better"); null when the metric has no polarity. */
  better: number | null;
  /** Councils with no judgement held (not inspected, no grade given, or not in the file). */
  without: number;
}

export interface LatestDistribution {
  /** The better half's name ("Good or better"), or null when the metric has no polarity. */
  betterLabel: string | null;
  /** By council type: the first three characters of the area code (E06, E10…), in code order. */
  rows: (DistributionCells & { type: string })[];
  total: DistributionCells;
  /** The earliest and the latest publication of the judgements counted; null when none is held. */
  published: { from: string; fromLabel: string; to: string; toLabel: string } | null;
}

/**
 * Each council's latest judgement counted by category, by council type and in all: `councils` are the current
 * councils of the metric's types (code and type), `latest` each one's latest judgement held, by code.
 */
export function latestDistribution(
  m: Categorised,
  councils: readonly { code: string; type: string }[],
  latest: ReadonlyMap<string, LatestHeld>,
): LatestDistribution {
  const top = betterThreshold(m);
  const cells = (list: readonly { code: string }[]): DistributionCells => {
    const values = list.map((c) => latest.get(c.code)?.value ?? null);
    const judged = values.filter((v) => v !== null);
    return {
      councils: list.length,
      judged: judged.length,
      counts: categoryCounts(m, values).map(({ code, label, count }) => ({ code, label, count })),
      better: top ? judged.filter((v) => top.positions.has(v)).length : null,
      without: list.length - judged.length,
    };
  };
  const byType = new Map<string, { code: string }[]>();
  for (const c of councils) {
    const list = byType.get(c.type);
    if (list) list.push(c);
    else byType.set(c.type, [c]);
  }
  let from: LatestHeld | undefined;
  let to: LatestHeld | undefined;
  for (const c of councils) {
    const held = latest.get(c.code);
    if (!held) continue;
    if (!from || held.date < from.date) from = held;
    if (!to || held.date > to.date) to = held;
  }
  return {
    betterLabel: top?.label ?? null,
    rows: [...byType.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, list]) => ({ type, ...cells(list) })),
    total: cells(councils),
    published: from && to ? { from: from.date, fromLabel: from.label, to: to.date, toLabel: to.label } : null,
  };
}

/** "Good or better: 80 of 151 councils" (or, without polarity, "151 councils with a judgement"). */
export function distributionHeadline(d: Pick<LatestDistribution, 'betterLabel' | 'total'>): string {
  const t = d.total;
  return d.betterLabel && t.better !== null
    ? `${d.betterLabel}: ${t.better} of ${t.judged} councils`
    : `${t.judged} councils with a judgement`;
}

/** "published between 12 Mar 2018 and 5 Aug 2025 (inspections spanning 2018 to 2025)", or one date. */
export function publishedSpan(p: LatestDistribution['published']): string {
  if (!p) return 'no judgement held';
  if (p.from === p.to) return `all published on ${p.fromLabel}`;
  const [a, b] = [p.from.slice(0, 4), p.to.slice(0, 4)];
  const years = a === b ? `all in ${a}` : `spanning ${a} to ${b}`;
  return `published between ${p.fromLabel} and ${p.toLabel} (${years})`;
}
