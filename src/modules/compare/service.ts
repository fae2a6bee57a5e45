/**
 * Comparisons: a council × metric × group × period, with the group's statistics, every member's position and the
 * direction of travel over the last periods. Rules (conventions.md, product.md):
 * - members the metric does not apply to (status z, or a tier that does not run the service) are excluded from ranks and
 *   statistics and counted separately, never treated as missing or worst; built-in groups are narrowed to the tiers the
 *   metric applies to, and the response says so;
 * - a council the metric does not apply to is not ranked: the response explains and names the council that runs the
 *   service (e.g. a district's county);
 * - the council is always part of the set compared ("the council and its 15 neighbours");
 * - a period with no data for the council is said so, not filled.
 */
import type { Db } from '../../platform/db.ts';
import { AppError, invalidParameter } from '../../platform/errors.ts';
import { COUNCIL_TYPES, type AreasService, type ResolvedArea } from '../areas/index.ts';
import { type GroupsService, type GroupDto, type ResolvedGroup, type Viewer } from '../groups/index.ts';
import type { Polarity } from '../metrics/index.ts';
import { type MetricsService, toMetricDto } from '../metrics/index.ts';
import { type ObservationsService, parsePeriodSelectors, selectPeriods, SelectorError, statusFromText, type AvailablePeriod } from '../observations/index.ts';
import { trend, type DirectionOptions, type PointValue, type TrendResult } from './direction.ts';
import { positionSentence } from './sentences.ts';
import { groupStatistics, median, memberPositions, type GroupStatistics, type MemberPosition, type MemberValue } from './stats.ts';

export interface CompareQuery {
  metric: string;
  area: string;
  group: string;
  period?: string | undefined;
  /** Periods in the trend window, the chosen one included (default 5). */
  window?: number | undefined;
  /** Group membership as at this date (default: the end of the period, or today if earlier). */
  at?: string | undefined;
  tolerance?: number | undefined;
}

export interface MemberResult extends MemberPosition {
  name: string;
  type: string;
  isFocus: boolean;
  status: string[];
  lci: number | null;
  uci: number | null;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
  /** Rank in a neighbour set (1 = nearest), where the group has one. */
  neighbourRank: number | null;
  direction: { lastStep: TrendResult['lastStep']; overWindow: TrendResult['overWindow']; consecutive: number };
}

export type MetricInfo = ReturnType<typeof toMetricDto>;

export interface Comparison {
  metric: Pick<MetricInfo, 'id' | 'title' | 'shortTitle' | 'unit' | 'unitType' | 'decimalPlaces' | 'polarity' | 'caveats' | 'source' | 'topic' | 'applicableAreaTypes'>;
  area: { code: string; name: string; type: string };
  group: Omit<GroupDto, 'members'> & { compared: number };
  period: { period: string; label: string };
  window: { period: string; label: string }[];
  /** The council, the group's median (members the metric applies to, with a figure) and England over the window. */
  trend: { period: string; label: string; value: number | null; groupMedian: number | null; england: number | null }[];
  statistics: GroupStatistics;
  focus: MemberResult;
  members: MemberResult[];
  england: { value: number | null; status: string[] } | null;
  sentence: string;
  notes: string[];
  licence: string;
  attribution: string;
}

const BUILT_IN_NARROWED = new Set(['authority-type', 'tier', 'region', 'county', 'combined-authority', 'england']);

type MetricRow = Awaited<ReturnType<MetricsService['resolve']>>[number];
/** A metric's period, with England's own figure as kept beside the coverage (status NULL: no England figure). */
type PeriodRow = AvailablePeriod & { metric_id: number; england_value: number | null; england_status: string | null };

/** How a sentence names the councils compared, e.g. "the 36 metropolitan districts", "its 15 nearest neighbours (…)". */
export function describeGroup(g: GroupDto, compared: number): string {
  switch (g.type) {
    case 'authority-type':
      return `the ${compared} ${g.name.replace(/ in England$/, '').toLowerCase()}`;
    case 'tier':
      return `the ${compared} ${g.name.charAt(0).toLowerCase()}${g.name.slice(1)}`;
    case 'region':
      return `the ${compared} councils in ${g.owner?.name ?? 'the region'}`;
    case 'county':
      return `the ${compared} districts of ${g.owner?.name ?? 'the county'}`;
    case 'combined-authority':
      return `the ${compared} councils of ${g.owner?.name ?? 'the combined authority'}`;
    case 'england':
      return `all ${compared} councils in England`;
    case 'nearest-neighbours':
      return `its ${compared - 1} nearest neighbours (${g.family?.name ?? g.name})`;
    case 'family':
    case 'cluster':
    case 'custom':
      return `the ${compared} councils in the group "${g.name}"`;
    default: {
      const never: never = g.type;
      throw new Error(`unknown group type ${String(never)}`);
    }
  }
}

type GridRow = Awaited<ReturnType<ObservationsService['grid']>>[number];
/** Observations by metric, then by period and area in one number (period × AREA_SLOTS + area): no string keys. */
type GridIndex = Map<number, Map<number, GridRow>>;
const AREA_SLOTS = 1 << 20;
/** Parts a large grid is read in on PostgreSQL (measured on 2 cores, 60 metrics × 17 areas × 5 periods: 6.4 ms in one, 4.8 in four). */
const GRID_PARTS = 4;
function gridIndex(rows: GridRow[]): GridIndex {
  const out: GridIndex = new Map();
  for (const r of rows) {
    let cells = out.get(r.metric_id);
    if (!cells) out.set(r.metric_id, (cells = new Map()));
    cells.set(r.period_id * AREA_SLOTS + r.area_id, r);
  }
  return out;
}

export function createCompareService(db: Db, deps: { metrics: MetricsService; groups: GroupsService; areas: AreasService; observations: ObservationsService }) {
  const { metrics, groups, areas, observations } = deps;

  async function focusArea(code: string): Promise<ResolvedArea> {
    const wanted = code.trim().toUpperCase();
    if (!/^E\d{8}$/.test(wanted)) throw invalidParameter('area', 'is not an English GSS code such as E08000009', code);
    const { areas: found } = await areas.resolveCodes([wanted]);
    const a = found[0];
    if (!a) throw new AppError(400, 'unknown-area', `Unknown area "${wanted}". See /api/v1/areas.`, [{ field: 'area', message: 'is not a known area code', value: code }]);
    if (!COUNCIL_TYPES.includes(a.type)) throw invalidParameter('area', `${a.code} (${a.name}) is not a council; comparisons are between councils`, code);
    return a;
  }

  async function notApplicable(metric: MetricRow, a: ResolvedArea): Promise<AppError> {
    const types = metric.applicableAreaTypes;
    let hint = '';
    if (a.type === 'E07' && !types.includes('E07')) {
      const detail = await areas.getArea(a.code);
      if (detail.parents.upperTier) hint = ` Compare ${detail.parents.upperTier.name} (${detail.parents.upperTier.code}), the county council that runs this service for ${a.name}.`;
    } else if (a.type === 'E10' && !types.includes('E10')) {
      hint = ` This is a district-level service: compare one of ${a.name}'s districts.`;
    }
    return new AppError(
      422,
      'not-applicable',
      `${metric.title} does not apply to ${a.name} (${a.code}): it is published for ${types.join(', ')} councils, so ${a.name} is not ranked on it.${hint}`,
      [{ field: 'area', message: 'the metric does not apply to this type of council', value: a.code }],
    );
  }

  async function groupFor(id: string, at: string, viewer?: Viewer): Promise<ResolvedGroup> {
    try {
      return await groups.resolve(id, at, viewer);
    } catch (e) {
      if (e instanceof AppError && e.status === 404) {
        throw new AppError(400, 'unknown-group', `Unknown group "${id}". See /api/v1/groups (or /api/v1/groups?area=CODE for the groups a council can be compared with).`, [{ field: 'group', message: 'is not a group id', value: id }]);
      }
      if (e instanceof AppError && e.code === 'invalid-parameter') throw e;
      throw e;
    }
  }

  function choosePeriod(available: PeriodRow[], raw: string | undefined, metricCode: string): PeriodRow {
    let chosen: AvailablePeriod[];
    try {
      chosen = selectPeriods(parsePeriodSelectors(raw ?? 'latest'), available);
    } catch (e) {
      if (e instanceof SelectorError) throw invalidParameter('period', e.message, raw);
      throw e;
    }
    if (available.length === 0) throw new AppError(404, 'no-data', `${metricCode} has no published data yet.`);
    if (chosen.length === 0) {
      throw invalidParameter('period', `has no published data for ${metricCode}; it has data from ${available[0]!.label} to ${available.at(-1)!.label}`, raw);
    }
    if (chosen.length > 1) throw invalidParameter('period', 'selects several periods; a comparison is for one period (use latest, a label such as 2023/24, or an ISO period)', raw);
    return chosen[0] as PeriodRow;
  }

  /**
   * Compares one council on several metrics against one resolved group (the headline report's path): one query for
   * every metric × member × period in the windows.
   */
  async function compareMany(
    metricRows: MetricRow[],
    focus: ResolvedArea,
    resolved: ResolvedGroup,
    opts: { period?: string | undefined; window?: number | undefined; tolerance?: number | undefined; periods?: PeriodRow[]; focusOnly?: boolean },
  ): Promise<Map<string, Comparison | { metric: string; problem: string }>> {
    const windowSize = Math.max(2, Math.min(20, opts.window ?? 5));
    // England's figures come with the periods (kept beside the coverage at publication), not from the grid.
    const allPeriods = opts.periods ?? ((await metrics.periodsOf(metricRows.map((m) => m.id))) as PeriodRow[]);
    const periodsOf = new Map<number, PeriodRow[]>();
    for (const p of allPeriods) {
      let list = periodsOf.get(p.metric_id);
      if (!list) periodsOf.set(p.metric_id, (list = []));
      list.push(p);
    }
    const plans = metricRows.map((m) => {
      const available = periodsOf.get(m.id) ?? [];
      try {
        const chosen = choosePeriod(available, opts.period, m.code);
        const idx = available.indexOf(chosen);
        return { m, chosen, window: available.slice(Math.max(0, idx - windowSize + 1), idx + 1) };
      } catch (e) {
        if (e instanceof AppError) return { m, problem: e.message };
        throw e;
      }
    });
    const memberIds = new Set(resolved.members.map((x) => x.id));
    memberIds.add(focus.id);
    const out = new Map<string, Comparison | { metric: string; problem: string }>();
    const ready: { m: MetricRow; chosen: PeriodRow; window: PeriodRow[] }[] = [];
    for (const plan of plans) {
      if (!('window' in plan) || !plan.window || !plan.chosen) out.set(plan.m.code, { metric: plan.m.code, problem: plan.problem ?? 'no data' });
      else {
        out.set(plan.m.code, { metric: plan.m.code, problem: 'no data' }); // keeps the metrics' order; replaced below
        ready.push({ m: plan.m, chosen: plan.chosen, window: plan.window });
      }
    }
    // On PostgreSQL a large grid is read in parts side by side (each part's cells are an index descent apiece, and the
    // server has more than one core), each part compared as it arrives while the others are still being read.
    const parts = db.pool && ready.length >= 8 && ready.length * memberIds.size * windowSize > 2000 ? GRID_PARTS : 1;
    await Promise.all(
      Array.from({ length: parts }, async (_, k) => {
        const part = ready.slice(Math.floor((k * ready.length) / parts), Math.floor(((k + 1) * ready.length) / parts));
        const periodIds = [...new Set(part.flatMap((p) => p.window.map((w) => w.id)))];
        const byKey = gridIndex(await observations.grid(part.map((p) => p.m.id), periodIds, [...memberIds]));
        for (const p of part) out.set(p.m.code, build(p.m, focus, resolved, p.chosen, p.window, byKey, opts.tolerance, opts.focusOnly ?? false));
      }),
    );
    return out;
  }

  function build(
    m: MetricRow,
    focus: ResolvedArea,
    resolved: ResolvedGroup,
    chosen: PeriodRow,
    window: PeriodRow[],
    byKey: GridIndex,
    tolerance: number | undefined,
    focusOnly = false,
  ): Comparison {
    const metric = toMetricDto(m);
    const polarity = metric.polarity as Polarity;
    const applicableTypes = new Set(metric.applicableAreaTypes);
    const notes: string[] = [];
    let members = resolved.members.filter((x) => x.id !== focus.id);
    const narrowed = BUILT_IN_NARROWED.has(resolved.group.type);
    if (narrowed) {
      const before = members.length;
      members = members.filter((x) => applicableTypes.has(x.type));
      if (members.length < before) notes.push(`The group is limited to the ${members.length + 1} councils of the types this measure applies to (${[...applicableTypes].join(', ')}).`);
    }
    const set = [{ id: focus.id, code: focus.code, name: focus.name, type: focus.type, rank: null as number | null }, ...members];
    const cells = byKey.get(m.id);
    const obs = (areaId: number, periodId: number) => cells?.get(periodId * AREA_SLOTS + areaId);
    const values: MemberValue[] = set.map((x) => {
      const o = obs(x.id, chosen.id);
      return {
        code: x.code,
        name: x.name,
        value: o?.value ?? null,
        status: o?.status ?? [],
        lci: o?.lci ?? null,
        uci: o?.uci ?? null,
        numerator: o?.numerator ?? null,
        denominator: o?.denominator ?? null,
        applicable: applicableTypes.has(x.type),
      };
    });
    const excludedTier = set.filter((x) => !applicableTypes.has(x.type));
    if (excludedTier.length > 0) {
      notes.push(`This group mixes tiers: ${excludedTier.map((x) => `${x.name} (${x.code})`).join(', ')} ${excludedTier.length === 1 ? 'is' : 'are'} left out because the measure applies to ${[...applicableTypes].join(', ')} councils only.`);
    }
    const stats = groupStatistics(values);
    const positions = memberPositions(values, stats, polarity);
    const opts: DirectionOptions = tolerance !== undefined ? { tolerance } : {};
    // The headline needs only the council's own direction: members' trends are skipped there (members come back empty).
    const results: MemberResult[] = (focusOnly ? set.slice(0, 1) : set).map((x, i) => {
      const series: PointValue[] = window.map((p) => {
        const o = obs(x.id, p.id);
        return { period: p.iso, periodLabel: p.label, value: o?.value ?? null, status: o?.status ?? [], lci: o?.lci ?? null, uci: o?.uci ?? null };
      });
      const t = trend(series, polarity, opts);
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
        note: obs(x.id, chosen.id)?.note ?? null,
        neighbourRank: x.rank,
        direction: { lastStep: t.lastStep, overWindow: t.overWindow, consecutive: t.consecutive },
      };
    });
    const focusResult = results[0]!;
    // The council against the group's median over the window, for the small trend charts.
    const applicableSet = set.filter((x) => applicableTypes.has(x.type));
    const trendRows = window.map((p) => {
      const vals: number[] = [];
      for (const x of applicableSet) {
        const o = obs(x.id, p.id);
        if (o && o.value !== null && !o.status.includes('z')) vals.push(o.value);
      }
      return { period: p.iso, label: p.label, value: obs(focus.id, p.id)?.value ?? null, groupMedian: median(vals), england: p.england_status !== null ? p.england_value : null };
    });
    if (focusResult.excludedBecause === 'no-data') notes.push(`There is no figure for ${focus.name} for ${chosen.label}${focusResult.status.length ? ` (status ${focusResult.status.join(', ')})` : ''}.`);
    const retired = resolved.group.members.filter((x) => !x.current);
    if (retired.length > 0) notes.push(`${retired.length} member code${retired.length > 1 ? 's' : ''} had ended by ${resolved.group.at} (${retired.map((x) => x.code).join(', ')}); the group is shown as published.`);
    const e = chosen.england_status !== null ? { value: chosen.england_value, status: statusFromText(chosen.england_status) } : undefined;
    const g = resolved.group;
    const groupPhrase = describeGroup(g, set.length);
    const previous = window.length > 1 ? window[window.length - 2] : undefined;
    const { members: _members, ...groupInfo } = g;
    return {
      metric: {
        id: metric.id,
        title: metric.title,
        shortTitle: metric.shortTitle,
        unit: metric.unit,
        unitType: metric.unitType,
        decimalPlaces: metric.decimalPlaces,
        polarity: metric.polarity,
        caveats: metric.caveats,
        source: metric.source,
        topic: metric.topic,
        applicableAreaTypes: metric.applicableAreaTypes,
      },
      area: { code: focus.code, name: focus.name, type: focus.type },
      group: { ...groupInfo, compared: set.length },
      period: { period: chosen.iso, label: chosen.label },
      window: window.map((p) => ({ period: p.iso, label: p.label })),
      trend: trendRows,
      statistics: stats,
      focus: focusResult,
      members: focusOnly ? [] : [...results].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.name.localeCompare(b.name)),
      england: e ? { value: e.value, status: e.status } : null,
      sentence: positionSentence({ name: focus.name, groupPhrase, periodLabel: chosen.label, polarity, position: focusResult, stats, lastStep: focusResult.direction.lastStep, previousLabel: previous?.label }),
      notes,
      licence: metric.source.licence,
      attribution: metric.source.attribution ?? metric.source.publisher,
    };
  }

  return {
    compareMany,
    focusArea,
    groupFor,

    /** One council × metric × group × period. */
    /** `viewer`: the signed-in user, who may use their own private groups. */
    async compare(q: CompareQuery, viewer?: Viewer): Promise<Comparison> {
      const [metric] = await metrics.resolve([q.metric]);
      const focus = await focusArea(q.area);
      const types = metric!.applicableAreaTypes;
      if (!types.includes(focus.type)) throw await notApplicable(metric!, focus);
      const periods = (await metrics.periodsOf([metric!.id])) as PeriodRow[];
      const chosen = choosePeriod(periods, q.period, metric!.code);
      const today = new Date().toISOString().slice(0, 10);
      const at = q.at ?? (chosen.end_date < today ? chosen.end_date : today);
      const resolved = await groupFor(q.group, at, viewer);
      const result = (await compareMany([metric!], focus, resolved, { period: chosen.iso, window: q.window, tolerance: q.tolerance, periods })).get(metric!.code)!;
      if ('problem' in result) throw new AppError(400, 'no-data', result.problem);
      return result;
    },

    lastModified: async () => {
      const [o, g] = await Promise.all([observations.lastPublished(), groups.lastModified()]);
      return [o, g].filter((x): x is string => !!x).sort().at(-1) ?? null;
    },
  };
}
export type CompareService = ReturnType<typeof createCompareService>;
