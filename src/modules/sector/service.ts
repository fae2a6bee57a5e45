/**
 * The sector overview's direction of travel: a basket of key metrics for England, for one council (and its group), or
 * for every council at once. The steps: basket.ts (the basket, its metrics and their periods), england.ts (England's
 * figures or aggregates), council.ts (one council against its baseline and its group), every-council.ts (all councils,
 * batch after batch); store.ts keeps the definitions.
 */
import type { Db } from '../../platform/db.ts';
import { AppError, invalidParameter } from '../../platform/errors.ts';
import type { AreasService } from '../areas/index.ts';
import type { GroupsService } from '../groups/index.ts';
import { TOPICS, type MetricsService } from '../metrics/index.ts';
import type { ObservationsService } from '../observations/index.ts';
import { basketInfo, createBaskets, type DirectionQuery } from './basket.ts';
import { councilDirections, type Council } from './council.ts';
import { methodology, summarise } from './direction.ts';
import { createEngland } from './england.ts';
import { directionForEveryCouncil, type EveryCouncilOptions } from './every-council.ts';
import type { DefinitionTable } from './repository.ts';
import { loadDefinition, type ProblemsOf } from './store.ts';

export { DEFAULT_BASKET, type DirectionQuery } from './basket.ts';
export { DefinitionError } from './store.ts';

export function createSectorService(
  db: Db,
  deps: { metrics: MetricsService; observations: ObservationsService; areas: AreasService; groups: GroupsService },
) {
  const { areas, groups } = deps;
  const baskets = createBaskets(db, deps);
  const { englandDirections } = createEngland(db, deps);

  async function councilOf(code: string): Promise<Council> {
    const { areas: hit } = await areas.resolveCodes([code]);
    if (!hit[0]) {
      const problem = { field: 'area', message: 'is not a known area code', value: code };
      throw new AppError(400, 'unknown-area', `Unknown area "${code}". See /api/v1/areas.`, [problem]);
    }
    return hit[0];
  }

  /** The basket for England as a whole, or for one council against its own baseline (and a group's members). */
  async function directionOfTravel(q: DirectionQuery) {
    const prepared = await baskets.prepare(q, { england: !q.area });
    const { b, found } = prepared;
    const focus = q.area ? await councilOf(q.area) : undefined;
    const group = focus && q.group ? await groups.resolve(q.group) : undefined;
    const results = focus
      ? await councilDirections(db, areas, prepared, focus, group)
      : await englandDirections(prepared);
    const summary = summarise(results, TOPICS, b.clusterShare ?? 0.5);
    const against = group ? ` and against ${group.group.name} (${group.group.id})` : '';
    const scope = focus ? `${focus.name} (${focus.code}) against its own baseline${against}` : 'England as a whole';
    return {
      basket: basketInfo(b),
      area: focus ? { code: focus.code, name: focus.name, type: focus.type } : null,
      group: group ? { id: group.group.id, name: group.group.name } : null,
      metrics: results,
      summary,
      flags: summary.byTheme.filter((t) => t.flagged).map((t) => `${t.title}: ${t.flagReason}`),
      methodology: methodology(b, scope),
      licence: [...new Set(found.map((m) => m.source.licence))].join('; '),
      attribution: [...new Set(found.map((m) => m.source.attribution ?? m.source.publisher))],
    };
  }

  return {
    directionOfTravel,
    /** The catalogue entries of metric ids (their caveats and sources, for a download's metadata). */
    metricsOf: (codes: string[]) => deps.metrics.resolveKnown(codes),
    /** Every current council at once, each against its own baseline (every-council.ts). */
    directionForEveryCouncil: async (q: Omit<DirectionQuery, 'area' | 'group'>, opts: EveryCouncilOptions = {}) =>
      directionForEveryCouncil(db, areas, await baskets.prepare(q), opts),
    basket: baskets.basket,
    loadBasket: baskets.loadBasket,
    baskets: baskets.baskets,
    /** When a basket was last loaded. */
    basketsLoadedAt: baskets.lastLoaded,
    parseArea: (code: string | undefined) => {
      if (code !== undefined && !/^E\d{8}$/.test(code)) {
        throw invalidParameter('area', 'is not an English GSS code such as E08000009', code);
      }
      return code;
    },
    /** Validates and stores a definition (a rule set, for the early warning). */
    loadDefinition: (table: DefinitionTable, raw: unknown, problemsOf: ProblemsOf, now?: Date) =>
      loadDefinition(db, table, raw, problemsOf, now),
  };
}
export type SectorService = ReturnType<typeof createSectorService>;
