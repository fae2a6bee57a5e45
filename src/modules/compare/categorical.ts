/**
 * A categorical (ordinal) measure compared: an inspection judgement is a label, not a quantity, so the group is
 * described by how many councils hold each judgement and how many are at or above the better half of the scale
 * ("6 of 10 councils compared are Good or better"), never by a mean, median, quartile, rank, robust distance,
 * significance test or direction-of-travel score: every one of those stays null and the methods say why.
 *
 * Councils are judged at different dates (each inspection is its own day period), so each member's judgement is its
 * latest published on or before the period compared (the window handed in is every period of the metric up to it),
 * and the response says when each was published. Pure, like comparison.ts.
 */
import { betterThreshold, categoryAt, categoryCounts, type CategoryCount } from '../metrics/index.ts';
import type { Cells, GridRow } from './grid.ts';
import { comparedMetric, type MetricComparison } from './comparison.ts';
import { comparedCouncils, retiredNote, type ComparedCouncil } from './members.ts';
import { describeGroup } from './sentences.ts';
import { countsOnly } from './stats.ts';
import type { Comparison, MemberResult } from './types.ts';

export interface CategoryDistribution {
  /** Councils compared with a judgement, per category, best first (zero counts included). */
  counts: CategoryCount[];
  /** Councils with a judgement (the base of the counts). */
  of: number;
  /** "Good or better": the better half of the scale, with its count; null without polarity. */
  better: { label: string; count: number; method: string } | null;
  /** The date each member's latest judgement is taken at. */
  asAt: string;
  method: string;
}

const NOT_NUMERIC = 'not computed: a categorical measure is compared by counts of each category, never as a number';

/** The member's latest row on or before the period compared (the window is oldest first, the chosen period last). */
function latestRow(cells: Cells, areaId: number, window: MetricComparison['window']) {
  for (let i = window.length - 1; i >= 0; i--) {
    const o = cells(areaId, window[i]!.id);
    if (o) return { o, period: window[i]! };
  }
  return undefined;
}

function memberResult(
  c: MetricComparison,
  x: ComparedCouncil,
  isFocus: boolean,
  applicable: boolean,
  found: { o: GridRow; period: MetricComparison['window'][number] } | undefined,
  rankOf: number,
): MemberResult {
  const o = found?.o;
  const category = o ? categoryAt(c.m, o.value) : undefined;
  const notApplicable = !applicable || (o?.status.includes('z') ?? false);
  return {
    code: x.code,
    name: x.name,
    type: x.type,
    isFocus,
    value: category ? o!.value : null,
    category:
      category && found
        ? { code: category.code, label: category.label, period: found.period.iso, periodLabel: found.period.label }
        : null,
    status: o?.status ?? [],
    lci: null,
    uci: null,
    numerator: null,
    denominator: null,
    note: o?.note ?? null,
    source: o?.source ?? null,
    neighbourRank: x.rank,
    rank: null,
    rankOf,
    tied: false,
    quartileBand: null,
    distanceFromMedian: null,
    robustDistance: null,
    significance: null,
    excludedBecause: notApplicable ? 'not-applicable' : category ? null : 'no-data',
    direction: { lastStep: null, overWindow: null, consecutive: 0 },
  };
}

/** The distribution's sentence: the council's judgement, then the group's count at or above the better half. */
function sentence(
  c: MetricComparison,
  focus: MemberResult,
  dist: CategoryDistribution,
  groupPhrase: string,
  total: number,
): string {
  const name = c.focus.name;
  let s =
    focus.excludedBecause === 'not-applicable'
      ? `This measure does not apply to ${name}.`
      : focus.category
        ? `${name}'s latest judgement is ${focus.category.label} (published ${focus.category.periodLabel}).`
        : `There is no judgement for ${name} published by ${c.chosen.label}.`;
  const base = dist.of === total ? groupPhrase : `the ${dist.of} with a judgement among ${groupPhrase}`;
  if (dist.better && dist.of > 0) s += ` ${dist.better.count} of ${base} are ${dist.better.label}.`;
  else if (dist.of > 0) s += ` ${dist.of} of ${groupPhrase} have a judgement.`;
  return s;
}

/** One categorical metric compared: the council's judgement and the group's counts per judgement. */
export function compareCategorical(c: MetricComparison): Comparison {
  const { m, focus, resolved, chosen, window, cells } = c;
  const applicableTypes = new Set(m.applicableAreaTypes);
  const notes: string[] = [];
  const set = comparedCouncils(focus, resolved, applicableTypes, notes);
  const found = set.map((x) => latestRow(cells, x.id, window));
  const provisional = set.map((x, i) => memberResult(c, x, i === 0, applicableTypes.has(x.type), found[i], 0));
  const judged = provisional.filter((r) => r.excludedBecause === null);
  const results = provisional.map((r) => ({ ...r, rankOf: judged.length }));
  const focusResult = results[0]!;
  const threshold = betterThreshold(m);
  const counts = categoryCounts(
    m,
    judged.map((r) => r.value),
  );
  // The period's last day (its end is exclusive: a day period 2026-06-17/P1D ends on 2026-06-18).
  const asAt = new Date(Date.parse(`${chosen.end_date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const dist: CategoryDistribution = {
    counts,
    of: judged.length,
    better: threshold
      ? {
          label: threshold.label,
          count: judged.filter((r) => threshold.positions.has(r.value!)).length,
          method: threshold.method,
        }
      : null,
    asAt,
    method: `each council's latest judgement published on or before ${asAt}; councils without one, or to which the measure does not apply, are not counted`,
  };
  const notApplicable = results.filter((r) => r.excludedBecause === 'not-applicable').length;
  const stats = countsOnly(
    { n: set.length, notApplicable, countWithData: judged.length, noData: set.length - notApplicable - judged.length },
    {
      quartiles: NOT_NUMERIC,
      rank: `${NOT_NUMERIC}: councils are not ranked`,
      distance: NOT_NUMERIC,
      significance: `${NOT_NUMERIC}: no significance test applies`,
      membership: `the group's members as at ${resolved.group.at}, the council included; ${dist.method}`,
    },
  );
  if (focusResult.excludedBecause === 'no-data')
    notes.push(`There is no judgement for ${focus.name} published by ${chosen.label}.`);
  const retired = retiredNote(resolved);
  if (retired) notes.push(retired);
  const { members: _members, ...groupInfo } = resolved.group;
  const own = window.filter((p) => cells(focus.id, p.id));
  // Best judgement first (by polarity), then by name; councils without one last.
  const sign = m.polarity === 'higher-is-better' ? -1 : 1;
  const byName = (a: MemberResult, b: MemberResult) =>
    (a.value === null ? Infinity : sign * a.value) - (b.value === null ? Infinity : sign * b.value) ||
    a.name.localeCompare(b.name);
  return {
    metric: comparedMetric(m),
    area: { code: focus.code, name: focus.name, type: focus.type },
    group: { ...groupInfo, compared: set.length },
    period: { period: chosen.iso, label: chosen.label },
    window: own.map((p) => ({ period: p.iso, label: p.label })),
    // The council's own judgements over time; a group has no median judgement and England none of its own.
    trend: own.map((p) => {
      const o = cells(focus.id, p.id)!;
      return { period: p.iso, label: p.label, value: o.value, source: o.source, groupMedian: null, england: null };
    }),
    statistics: stats,
    categories: dist,
    focus: focusResult,
    members: c.focusOnly ? [] : [...results].sort(byName),
    england: null,
    sentence: sentence(c, focusResult, dist, describeGroup(resolved.group, set.length), set.length),
    notes,
    licence: m.source.licence,
    attribution: m.source.attribution ?? m.source.publisher,
  };
}
