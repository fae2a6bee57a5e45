/**
 * The statistics of one metric for one council against its group: every member's value and position, the group's
 * statistics, the direction of travel over the window, the trend against the group's median and England, the notes
 * and the sentence. Pure: the observations come in as cells already read.
 */
import type { ResolvedArea } from '../areas/index.ts';
import type { ResolvedGroup } from '../groups/index.ts';
import { isCategorical, type Metric, type PeriodCoverage } from '../metrics/index.ts';
import { isComputedNote, statusFromText } from '../observations/index.ts';
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
  /** The group's figures that do not depend on the council, kept while the cells do not change (createGroupMemo). */
  memo?: GroupMemo | undefined;
}

/**
 * A group's figures that are the same whichever member is the council: each period's median of the members' values
 * (the trend) and the statistics of the period compared, by metric and by the set of members compared (the same ids,
 * whatever their order). Only for cells that do not change while it is kept: the value-for-money profile keeps one per
 * imports stamp, so every council of a type shares one median per metric and year instead of taking it again.
 */
const MEMO_LIMIT = 100_000;

export function createGroupMemo() {
  /** Each compared set's members as one number (the sorted ids interned), by group and council and types. */
  const setIds = new WeakMap<ResolvedGroup, Map<string, number>>();
  const interned = new Map<string, number>();
  const medians = new Map<string, number | null>();
  const stats = new Map<string, GroupStatistics>();
  return {
    /** The number of the set compared (the same for every council of a built-in group of its own type). */
    setOf(resolved: ResolvedGroup, focusId: number, types: Set<string>, set: ComparedCouncil[]): number {
      let byFocus = setIds.get(resolved);
      if (!byFocus) setIds.set(resolved, (byFocus = new Map()));
      const k = `${focusId}|${[...types].join(',')}`;
      let id = byFocus.get(k);
      if (id === undefined) {
        const ids = Int32Array.from(set.filter((x) => types.has(x.type)).map((x) => x.id)).sort();
        const text = ids.join(',');
        id = interned.get(text);
        if (id === undefined) interned.set(text, (id = interned.size));
        byFocus.set(k, id);
      }
      return id;
    },
    median(key: string, compute: () => number | null): number | null {
      if (medians.has(key)) return medians.get(key)!;
      if (medians.size >= MEMO_LIMIT) medians.clear(); // many custom groups: start again rather than grow
      const v = compute();
      medians.set(key, v);
      return v;
    },
    statistics(key: string, compute: () => GroupStatistics): GroupStatistics {
      let v = stats.get(key);
      if (!v) {
        if (stats.size >= MEMO_LIMIT) stats.clear();
        stats.set(key, (v = compute()));
      }
      // A copy: the caller writes its own membership method into it.
      return { ...v, methods: { ...v.methods } };
    },
  };
}
export type GroupMemo = ReturnType<typeof createGroupMemo>;

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
function trendRows(
  c: MetricComparison,
  set: ComparedCouncil[],
  applicableTypes: Set<string>,
  setKey: string | undefined,
): Comparison['trend'] {
  const applicableSet = set.filter((x) => applicableTypes.has(x.type));
  // The members' values of each period gathered in one buffer, its median taken in place.
  const buffer = new Float64Array(applicableSet.length);
  const groupMedian = (p: PeriodCoverage) => {
    let k = 0;
    for (const x of applicableSet) {
      const o = c.cells(x.id, p.id);
      if (o && o.value !== null && !o.status.includes('z')) buffer[k++] = o.value;
    }
    return medianInPlace(buffer.subarray(0, k));
  };
  return c.window.map((p) => {
    const england = p.england_status !== null ? p.england_value : null;
    const own = c.cells(c.focus.id, p.id);
    const value = own?.value ?? null;
    return {
      period: p.iso,
      label: p.label,
      value,
      source: own?.source ?? null,
      groupMedian:
        c.memo && setKey !== undefined ? c.memo.median(`${setKey}|${p.id}`, () => groupMedian(p)) : groupMedian(p),
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
  // The same metric and members, whichever council: the memo's statistics and medians (one key per metric and set).
  const setKey = c.memo ? `${m.id}|${c.memo.setOf(resolved, focus.id, applicableTypes, set)}` : undefined;
  const stats = c.memo
    ? c.memo.statistics(`${setKey}|${chosen.id}`, () => groupStatistics(values))
    : groupStatistics(values);
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
    trend: trendRows(c, set, applicableTypes, setKey),
    statistics: stats,
    focus: focusResult,
    members: c.focusOnly ? [] : [...results].sort(byRank),
    england:
      chosen.england_status !== null
        ? {
            value: chosen.england_value,
            status: statusFromText(chosen.england_status),
            // Where the publisher gives none, the sum or rate over councils the import engine computed, and how.
            method: isComputedNote(chosen.england_note) ? chosen.england_note : null,
          }
        : null,
    sentence,
    notes,
    licence: m.source.licence,
    attribution: m.source.attribution ?? m.source.publisher,
  };
}
