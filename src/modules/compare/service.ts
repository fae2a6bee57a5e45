/**
 * Comparisons: a council × metric × group × period, with the group's statistics, every member's position and the
 * direction of travel over the last periods. Rules (conventions.md, product.md):
 * - members the metric does not apply to (status z, or a tier that does not run the service) are excluded from ranks
 *   and statistics and counted separately, never treated as missing or worst; built-in groups are narrowed to the
 *   tiers the metric applies to, and the response says so;
 * - a council the metric does not apply to is not ranked: the response explains and names the council that runs the
 *   service (e.g. a district's county);
 * - the council is always part of the set compared ("the council and its 15 neighbours");
 * - a period with no data for the council is said so, not filled.
 * The steps: focus.ts (the council and the group), periods.ts (the period and window), grid.ts (the observations),
 * members.ts (who is compared on a metric), comparison.ts (the statistics per metric).
 */
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { AreasService, ResolvedArea } from '../areas/index.ts';
import type { GroupsService, ResolvedGroup, Viewer } from '../groups/index.ts';
import type { Metric, MetricsService, PeriodCoverage } from '../metrics/index.ts';
import type { ObservationsService } from '../observations/index.ts';
import { compareMetric, type GroupMemo } from './comparison.ts';
import { createFocus } from './focus.ts';
import { readGrid, type GridSource } from './grid.ts';
import { asCompared, membershipDate, type GroupAt } from './members.ts';
import { choosePeriod, planWindows, type Planned } from './periods.ts';
import type { CompareQuery, Comparison, NotCompared } from './types.ts';

export type { CompareQuery, Comparison, MemberResult, NotCompared } from './types.ts';
export type { CellsOf, GridSource } from './grid.ts';

export interface CompareManyOptions {
  period?: string | undefined;
  window?: number | undefined;
  tolerance?: number | undefined;
  /** The metrics' periods, when the caller already has them (with England's figures, kept beside the coverage). */
  periods?: PeriodCoverage[];
  /** Only the council's own direction of travel (the headline's need): members come back empty. */
  focusOnly?: boolean;
  /** The cells from the caller's kept figures rather than a read (grid.ts GridSource). */
  source?: GridSource;
  /** With `source`: the group's medians and statistics kept while those cells do not change (createGroupMemo). */
  memo?: GroupMemo;
}

export function createCompareService(
  db: Db,
  deps: { metrics: MetricsService; groups: GroupsService; areas: AreasService; observations: ObservationsService },
) {
  const { metrics, groups, observations, areas } = deps;
  const { focusArea, notApplicable, groupFor } = createFocus(deps);

  /**
   * Compares one council on several metrics against a group (the headline report's path): one query for every metric ×
   * member × period in the windows. Each metric's members are the group's as at the period compared (membershipDate),
   * through `groupAt`, the same rule for the headline and a single comparison. The answer keeps the metrics' order.
   */
  async function compareMany(
    metricList: Metric[],
    focus: ResolvedArea,
    groupAt: GroupAt,
    opts: CompareManyOptions,
  ): Promise<Map<string, Comparison | NotCompared>> {
    const windowSize = Math.max(2, Math.min(20, opts.window ?? 5));
    const periods = opts.periods ?? (await metrics.periodsOf(metricList.map((m) => m.id)));
    const out = new Map<string, Comparison | NotCompared>();
    const planned: Planned[] = [];
    for (const plan of planWindows(metricList, periods, opts.period, windowSize)) {
      if ('problem' in plan) out.set(plan.m.code, { metric: plan.m.code, problem: plan.problem });
      else {
        out.set(plan.m.code, { metric: plan.m.code, problem: 'no data' }); // keeps the metrics' order; replaced below
        planned.push(plan);
      }
    }
    const lineage = await areas.lineage();
    const byDate = new Map<string, Promise<ResolvedGroup>>();
    const groupFor = (date: string) => byDate.get(date) ?? byDate.set(date, groupAt(date)).get(date)!;
    const sets = await Promise.all(
      planned.map(async (p) => asCompared(await groupFor(membershipDate(p.chosen)), focus, lineage)),
    );
    const memberIds = new Set<number>([focus.id]);
    for (const set of sets) for (const x of set.members) memberIds.add(x.id);
    const setOf = new Map(planned.map((p, i) => [p.m.code, sets[i]!]));
    const focusOnly = opts.focusOnly ?? false;
    const { tolerance } = opts;
    const read = { pool: !!db.pool, windowSize };
    await readGrid(
      observations,
      read,
      planned,
      [...memberIds],
      ({ m, chosen, window }, cells) => {
        const resolved = setOf.get(m.code)!;
        const memo = opts.source ? opts.memo : undefined; // a fresh read's cells are not kept
        out.set(m.code, compareMetric({ m, focus, resolved, chosen, window, cells, tolerance, focusOnly, memo }));
      },
      opts.source,
    );
    return out;
  }

  return {
    compareMany,
    focusArea,
    groupFor,

    /** One council × metric × group × period. `viewer`: the signed-in user, who may use their own private groups. */
    async compare(q: CompareQuery, viewer?: Viewer): Promise<Comparison> {
      const [metric] = await metrics.resolve([q.metric]);
      const m = metric!;
      const focus = await focusArea(q.area);
      if (!m.applicableAreaTypes.includes(focus.type)) throw await notApplicable(m, focus);
      const periods = await metrics.periodsOf([m.id]);
      const chosen = choosePeriod(periods, q.period, m.code);
      // The group as at the period compared, resolved once: an unknown group is refused before the read.
      const date = q.at ?? membershipDate(chosen);
      const resolved = await groupFor(q.group, date, viewer);
      const opts = { period: chosen.iso, window: q.window, tolerance: q.tolerance, periods };
      const at = (d: string) =>
        (q.at ?? d) === date ? Promise.resolve(resolved) : groupFor(q.group, q.at ?? d, viewer);
      const result = (await compareMany([m], focus, at, opts)).get(m.code)!;
      if ('problem' in result) throw new AppError(400, 'no-data', result.problem);
      return result;
    },

    lastModified: async () => {
      const [o, g] = await Promise.all([observations.lastPublished(), groups.lastModified()]);
      return (
        [o, g]
          .filter((x): x is string => !!x)
          .sort()
          .at(-1) ?? null
      );
    },
  };
}
export type CompareService = ReturnType<typeof createCompareService>;
