/**
 * The statistics of one metric for one council against its group: every member's value and position, the group's
 * statistics, the direction of travel over the window, the trend against the group's median and England, the notes
 * and the sentence. Pure: the observations come in as cells already read.
 */
import type { ResolvedArea } from '../areas/index.ts';
import type { ResolvedGroup } from '../groups/index.ts';
import { isCategorical, type Metric, type PeriodCoverage } from '../metrics/index.ts';
import { statusFromText } from '../observations/index.ts';
import { trend, type DirectionOptions, type PointValue } from './direction.ts';
import { compareCategorical } from './categorical.ts';
import type { Cells } from './grid.ts';
import { comparedCouncils, retiredNote, type ComparedCouncil } from './members.ts';
import { describeGroup, positionSentence } from './sentences.ts';
import {
  groupStatistics,
  medianInPlace,
  memberPosition,
  memberPositions,
  type GroupStatistics,
  type MemberValue,
} from './stats.ts';
import type { ComparedMetric, Comparison, MemberResult } from './types.ts';

export interface MetricComparison {
  m: Metric;
  focus: ResolvedArea;
  resolved: ResolvedGroup;
  chosen: PeriodCoverage;
  window: PeriodCoverage[];
  cells: Cells;
  tolerance: number | undefined;
  /** The headline needs only the council's own direction: members' trends are skipped (members come back empty). */
  focusOnly: boolean;
}

export const comparedMetric = (m: Metric): ComparedMetric => ({
  id: m.code,
  title: m.title,
  shortTitle: m.shortTitle,
  unit: m.unit,
  unitType: m.unitType,
  decimalPlaces: m.decimalPlaces,
  polarity: m.polarity,
  caveats: m.caveats,
  source: m.source,
  topic: m.topic,
  applicableAreaTypes: m.applicableAreaTypes,
  categories: m.categories,
});

function memberValues(set: ComparedCouncil[], cells: Cells, periodId: number, types: Set<string>): MemberValue[] {
  return set.map((x) => {
    const o = cells(x.id, periodId);
    return {
      code: x.code,
      name: x.name,
      value: o?.value ?? null,
      status: o?.status ?? [],
      lci: o?.lci ?? null,
      uci: o?.uci ?? null,
      numerator: o?.numerator ?? null,
      denominator: o?.denominator ?? null,
      applicable: types.has(x.type),
    };
  });
}

/** The council's figure, the median of the members the metric applies to and England's figure, period by period. */
function trendRows(c: MetricComparison, set: ComparedCouncil[], applicableTypes: Set<string>): Comparison['trend'] {
  const applicableSet = set.filter((x) => applicableTypes.has(x.type));
  // The members' values of each period gathered in one buffer, its median taken in place.
  const buffer = new Float64Array(applicableSet.length);
  return c.window.map((p) => {
    let k = 0;
    for (const x of applicableSet) {
      const o = c.cells(x.id, p.id);
      if (o && o.value !== null && !o.status.includes('z')) buffer[k++] = o.value;
    }
    const england = p.england_status !== null ? p.england_value : null;
    const own = c.cells(c.focus.id, p.id);
    const value = own?.value ?? null;
    return {
      period: p.iso,
      label: p.label,
      value,
      source: own?.source ?? null,
      groupMedian: medianInPlace(buffer.subarray(0, k)),
      england,
    };
  });
}

function memberResults(
  c: MetricComparison,
  set: ComparedCouncil[],
  values: MemberValue[],
  stats: GroupStatistics,
): MemberResult[] {
  const { m, chosen, window, cells } = c;
  // The council's own position alone when that is all that is wanted: O(n), no sort of the group.
  const positions = c.focusOnly
    ? [memberPosition(values, stats, m.polarity, 0)]
    : memberPositions(values, stats, m.polarity);
  const opts: DirectionOptions = c.tolerance !== undefined ? { tolerance: c.tolerance } : {};
  return (c.focusOnly ? set.slice(0, 1) : set).map((x, i) => {
    const series: PointValue[] = window.map((p) => {
      const o = cells(x.id, p.id);
      return {
        period: p.iso,
        periodLabel: p.label,
        value: o?.value ?? null,
        status: o?.status ?? [],
        lci: o?.lci ?? null,
        uci: o?.uci ?? null,
      };
    });
    const t = trend(series, m.polarity, opts);
    const v = values[i]!;
    return {
      ...positions[i]!,
      name: x.name,
      type: x.type,
      isFocus: i === 0,
      status: v.status,
      lci: v.lci ?? null,
      uci: v.uci ?? null,
      numerator: v.numerator ?? null,
      denominator: v.denominator ?? null,
      note: cells(x.id, chosen.id)?.note ?? null,
      source: cells(x.id, chosen.id)?.source ?? null,
      neighbourRank: x.rank,
      direction: { lastStep: t.lastStep, overWindow: t.overWindow, consecutive: t.consecutive },
    };
  });
}

const byRank = (a: MemberResult, b: MemberResult) =>
  (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.name.localeCompare(b.name);

/** One metric compared: the council against its group for the chosen period, with the trends over the window. */
export function compareMetric(c: MetricComparison): Comparison {
  if (isCategorical(c.m)) return compareCategorical(c); // counts per category, never a mean, median or rank
  const { m, focus, resolved, chosen, window } = c;
  const applicableTypes = new Set(m.applicableAreaTypes);
  const notes: string[] = [];
  const set = comparedCouncils(focus, resolved, applicableTypes, notes);
  const values = memberValues(set, c.cells, chosen.id, applicableTypes);
  const stats = groupStatistics(values);
  stats.methods.membership = `the group's members as at ${resolved.group.at} (the last day of the period compared, or today while it runs), the council included; a council re-coded since is shown under its current code; a figure not published for a council itself comes from its predecessors by the figure-source rule and is marked; ranks are among the members with a figure`;
  const results = memberResults(c, set, values, stats);
  const focusResult = results[0]!;
  if (focusResult.excludedBecause === 'no-data') {
    const status = focusResult.status.length ? ` (status ${focusResult.status.join(', ')})` : '';
    notes.push(`There is no figure for ${focus.name} for ${chosen.label}${status}.`);
  }
  const retired = retiredNote(resolved);
  if (retired) notes.push(retired);
  const { members: _members, ...groupInfo } = resolved.group;
  const previous = window.length > 1 ? window[window.length - 2] : undefined;
  const sentence = positionSentence({
    name: focus.name,
    groupPhrase: describeGroup(resolved.group, set.length),
    periodLabel: chosen.label,
    polarity: m.polarity,
    position: focusResult,
    stats,
    lastStep: focusResult.direction.lastStep,
    previousLabel: previous?.label,
  });
  return {
    metric: comparedMetric(m),
    area: { code: focus.code, name: focus.name, type: focus.type },
    group: { ...groupInfo, compared: set.length },
    period: { period: chosen.iso, label: chosen.label },
    window: window.map((p) => ({ period: p.iso, label: p.label })),
    trend: trendRows(c, set, applicableTypes),
    statistics: stats,
    focus: focusResult,
    members: c.focusOnly ? [] : [...results].sort(byRank),
    england:
      chosen.england_status !== null
        ? { value: chosen.england_value, status: statusFromText(chosen.england_status) }
        : null,
    sentence,
    notes,
    licence: m.source.licence,
    attribution: m.source.attribution ?? m.source.publisher,
  };
}
