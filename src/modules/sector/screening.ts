/**
 * Screening every council against an early-warning rule set. Per council: the rules triggered and the evidence behind
 * each (values, group, periods), nothing else: no composite score. A rule that cannot be evaluated (a metric gone from
 * the
 * catalogue, a family not loaded) is reported as failed and neither raises nor clears any flag.
 */
import type { Polarity } from '../metrics/index.ts';
import {
  groupStatistics,
  memberPosition,
  trend,
  type GroupStatistics,
  type MemberValue,
  type PointValue,
} from '../compare/index.ts';
import { beyond, thresholdOn, type RuleT } from './rules.ts';

export interface Council {
  id: number;
  code: string;
  name: string;
  type: string;
  /** When the council began, where the geography says (a council created by reorganisation). */
  began?: string | null;
}
export interface ScreenMetric {
  id: number;
  code: string;
  title: string;
  polarity: Polarity;
  applicable: Set<string>;
  /** Periods with data, oldest first. */
  periods: { id: number; iso: string; label: string; start_date: string; end_date: string }[];
}
export interface ScreenObs {
  value: number | null;
  status: string[];
}

export interface ScreeningData {
  councils: Council[];
  metrics: Map<string, ScreenMetric>;
  baskets: Map<string, string[]>;
  obs(metricId: number, periodId: number, areaId: number): ScreenObs | undefined;
  /** The comparison group for a council under a rule's `group` parameter; undefined when it has none. */
  groupFor(spec: string, c: Council): { id: string; members: Council[] } | undefined;
}

export interface Evidence {
  summary: string;
  items: Record<string, unknown>[];
}
export interface RuleOutcome {
  rule: RuleT;
  status: 'ok' | 'failed';
  error?: string;
  /** Council code → evidence, for the councils the rule flags. */
  flagged: Map<string, Evidence>;
}

export class RuleFailure extends Error {}

function basketMetrics(d: ScreeningData, basket: string): ScreenMetric[] {
  const codes = d.baskets.get(basket);
  if (!codes) throw new RuleFailure(`basket ${basket} is not loaded`);
  return codes.map((c) => {
    const m = d.metrics.get(c);
    if (!m) throw new RuleFailure(`metric ${c} of basket ${basket} is no longer in the catalogue`);
    return m;
  });
}

const fmt = (v: number | null) => (v === null ? 'no figure' : String(Math.round(v * 1000) / 1000));

type GroupValues = { values: MemberValue[]; stats: GroupStatistics; indexOf: (code: string) => number };
const groupCache = new WeakMap<ScreeningData, Map<string, GroupValues>>();

/**
 * A metric's latest figures for a council's group and their statistics. A group the council belongs to (e.g. all
 * councils of its type) gives the same figures for every member, so they are worked out once per screening.
 */
function groupValues(
  d: ScreeningData,
  group: { id: string; members: Council[] },
  m: ScreenMetric,
  p: { id: number },
  c: Council,
): GroupValues {
  const build = (set: Council[]): GroupValues => {
    const values: MemberValue[] = set.map((x) => {
      const o = d.obs(m.id, p.id, x.id);
      return { code: x.code, name: x.name, value: o?.value ?? null, status: o?.status ?? [], applicable: true };
    });
    const index = new Map(values.map((v, i) => [v.code, i]));
    return { values, stats: groupStatistics(values), indexOf: (code) => index.get(code)! };
  };
  if (!group.members.some((x) => x.id === c.id))
    return build([c, ...group.members.filter((x) => m.applicable.has(x.type))]);
  let cache = groupCache.get(d);
  if (!cache) groupCache.set(d, (cache = new Map()));
  const key = `${group.id}\u0000${m.id}\u0000${p.id}`;
  let g = cache.get(key);
  if (!g) cache.set(key, (g = build(group.members.filter((x) => m.applicable.has(x.type)))));
  return g;
}

function bottomQuartile(
  rule: Extract<RuleT, { type: 'bottom-quartile' }>,
  d: ScreeningData,
  c: Council,
): Evidence | undefined {
  const group = d.groupFor(rule.params.group, c);
  if (!group) return undefined;
  const items: Record<string, unknown>[] = [];
  let compared = 0;
  for (const m of basketMetrics(d, rule.params.basket)) {
    if (m.polarity === 'not-applicable' || !m.applicable.has(c.type)) continue;
    const p = m.periods.at(-1);
    if (!p) continue;
    const { values, stats, indexOf } = groupValues(d, group, m, p, c);
    if (stats.countWithData < 4) continue;
    const pos = memberPosition(values, stats, m.polarity, indexOf(c.code));
    if (pos.rank === null) continue;
    compared++;
    if (pos.quartileBand === 4)
      items.push({
        metric: m.code,
        title: m.title,
        period: p.label,
        value: pos.value,
        groupMedian: stats.median,
        rank: pos.rank,
        rankOf: pos.rankOf,
        group: group.id,
      });
  }
  if (items.length < rule.params.k || items.length < (rule.params.share ?? 0) * compared) return undefined;
  return {
    summary: `bottom quarter of ${group.id} on ${items.length} of the ${compared} measures compared: ${items.map((i) => `${String(i.title)} (${String(i.period)}: ${fmt(i.value as number)}, median ${fmt(i.groupMedian as number)})`).join('; ')}`,
    items,
  };
}

function consecutiveWorsening(
  rule: Extract<RuleT, { type: 'consecutive-worsening' }>,
  d: ScreeningData,
  c: Council,
): Evidence | undefined {
  const n = rule.params.periods;
  const items: Record<string, unknown>[] = [];
  for (const m of basketMetrics(d, rule.params.basket)) {
    if (m.polarity === 'not-applicable' || !m.applicable.has(c.type) || m.periods.length < n + 1) continue;
    const window = m.periods.slice(-(n + 1));
    const series: PointValue[] = window.map((p) => {
      const o = d.obs(m.id, p.id, c.id);
      return { period: p.iso, periodLabel: p.label, value: o?.value ?? null, status: o?.status ?? [] };
    });
    const t = trend(
      series,
      m.polarity,
      rule.params.tolerance !== undefined ? { tolerance: rule.params.tolerance } : {},
    );
    if (t.lastStep?.direction === 'worsening' && t.consecutive >= n)
      items.push({
        metric: m.code,
        title: m.title,
        periods: window.map((p) => p.label),
        values: series.map((s) => s.value),
      });
  }
  if (items.length < rule.params.k) return undefined;
  return {
    summary: `worsened in each of the last ${n} periods on ${items.length} measures: ${items.map((i) => `${String(i.title)} (${(i.values as (number | null)[]).map(fmt).join(' → ')})`).join('; ')}`,
    items,
  };
}

function threshold(rule: Extract<RuleT, { type: 'threshold' }>, d: ScreeningData, c: Council): Evidence | undefined {
  const m = d.metrics.get(rule.params.metric);
  if (!m) throw new RuleFailure(`metric ${rule.params.metric} is no longer in the catalogue`);
  if (!m.applicable.has(c.type)) return undefined;
  const latest = [...m.periods].reverse().find((p) => d.obs(m.id, p.id, c.id)?.value != null);
  if (!latest) return undefined;
  const t = thresholdOn(rule, latest.end_date);
  if (!t) return undefined;
  const value = d.obs(m.id, latest.id, c.id)!.value!;
  if (!beyond(rule.params.operator, value, t.value)) return undefined;
  return {
    summary: `${m.title} ${fmt(value)} for ${latest.label} is ${rule.params.operator} ${t.value}, the threshold in effect from ${t.effectiveFrom}${t.effectiveTo ? ` to ${t.effectiveTo}` : ''}`,
    items: [
      {
        metric: m.code,
        title: m.title,
        period: latest.label,
        value,
        operator: rule.params.operator,
        threshold: t.value,
        effectiveFrom: t.effectiveFrom,
        effectiveTo: t.effectiveTo,
      },
    ],
  };
}

type LatestMemo = Map<number, { period: ScreenMetric['periods'][number]; submitted: number; councils: number } | null>;

/** The latest period most councils have a figure for (at least minShare of those the metric applies to), per metric. */
function latestSubmitted(m: ScreenMetric, d: ScreeningData, minShare: number, memo: LatestMemo) {
  if (!memo.has(m.id)) {
    const peers = d.councils.filter((x) => m.applicable.has(x.type));
    // A council that had not begun by a period is expected to have a figure for it only when it has one (from its
    // predecessors, by the figure-source rule).
    const expected = (p: { id: number; start_date: string }) =>
      peers.filter((x) => !x.began || x.began <= p.start_date || d.obs(m.id, p.id, x.id)?.value != null);
    let found = null;
    for (const p of [...m.periods].reverse()) {
      const due = expected(p);
      const submitted = due.filter((x) => d.obs(m.id, p.id, x.id)?.value != null).length;
      if (submitted >= minShare * due.length) {
        found = { period: p, submitted, councils: due.length };
        break;
      }
    }
    memo.set(m.id, found);
  }
  return memo.get(m.id)!;
}

function missingLatest(
  rule: Extract<RuleT, { type: 'missing-latest' }>,
  d: ScreeningData,
  c: Council,
  memo: LatestMemo,
): Evidence | undefined {
  const items: Record<string, unknown>[] = [];
  for (const m of basketMetrics(d, rule.params.basket)) {
    if (!m.applicable.has(c.type)) continue;
    const latest = latestSubmitted(m, d, rule.params.minShare ?? 0.8, memo);
    if (!latest) continue;
    // A period that began before the council existed is never counted against it.
    if (c.began && latest.period.start_date < c.began) continue;
    const o = d.obs(m.id, latest.period.id, c.id);
    if (o?.value != null) continue;
    items.push({
      metric: m.code,
      title: m.title,
      period: latest.period.label,
      status: o?.status ?? [],
      councilsWithFigure: latest.submitted,
      councils: latest.councils,
    });
  }
  if (items.length < rule.params.k) return undefined;
  return {
    summary: `no figure for the latest period on ${items.length} measures: ${items.map((i) => `${String(i.title)} (${String(i.period)}; ${String(i.councilsWithFigure)} of ${String(i.councils)} councils have one)`).join('; ')}`,
    items,
  };
}

export function evaluateRule(rule: RuleT, d: ScreeningData): RuleOutcome {
  const flagged = new Map<string, Evidence>();
  const memo: LatestMemo = new Map();
  try {
    for (const c of d.councils) {
      let e: Evidence | undefined;
      switch (rule.type) {
        case 'bottom-quartile':
          e = bottomQuartile(rule, d, c);
          break;
        case 'consecutive-worsening':
          e = consecutiveWorsening(rule, d, c);
          break;
        case 'threshold':
          e = threshold(rule, d, c);
          break;
        case 'missing-latest':
          e = missingLatest(rule, d, c, memo);
          break;
        default: {
          const never: never = rule;
          throw new Error(`unknown rule ${JSON.stringify(never)}`);
        }
      }
      if (e) flagged.set(c.code, e);
    }
    return { rule, status: 'ok', flagged };
  } catch (err) {
    if (err instanceof RuleFailure) return { rule, status: 'failed', error: err.message, flagged: new Map() };
    throw err;
  }
}
