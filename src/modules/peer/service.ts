/**
 * The peer challenge service: reference data, engagements (commissioning, steps, team), the outcomes of a visit, what
 * each viewer may see, coverage and the pipeline, and the history import. Built once in the composition root.
 */
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { createContext, isManager, type PeerDeps, type Standing, type Viewer } from './context.ts';
import { calendarService } from './calendar.ts';
import { coverageService } from './coverage.ts';
import { daysService } from './days.ts';
import { deliveryService } from './delivery.ts';
import { engagementService } from './engagements.ts';
import { evaluationService } from './evaluation.ts';
import { historyImport } from './history.ts';
import { outcomeService } from './outcomes.ts';
import { packService } from './pack.ts';
import { peerRepository as repo } from './repository.ts';
import { peerOf, peerPoolService } from './peers.ts';
import { policyService } from './policy.ts';
import { poolService } from './pool.ts';
import { searchService } from './search.ts';
import { isPublished } from './states.ts';
import { viewBuilder } from './view.ts';

export function createPeerService(db: Db, deps: PeerDeps) {
  const ctx = createContext(db, deps);
  const engagements = engagementService(ctx);
  const views = viewBuilder(ctx);
  const coverage = coverageService(ctx);

  /**
   * The engagements the viewer may see: managers every one, council users their council's, peers theirs, the public
   * the published.
   */
  async function list(v: Viewer, q: { council?: string | undefined; state?: string | undefined } = {}) {
    const k = db.kysely;
    const dir = await ctx.councils();
    const all = await repo.engagements(k);
    const mine = v ? new Set(await repo.engagementIdsOfPeers(k, await repo.peerIdsOfUser(k, v.id))) : new Set<number>();
    const rows = all.flatMap((e) => {
      const c = dir.byId.get(e.area_id);
      const standing: Standing | undefined = isManager(v)
        ? 'manager'
        : v?.role === 'council' && ctx.councilOf(c, v)
          ? 'council'
          : mine.has(e.id)
            ? 'peer'
            : isPublished(e.state)
              ? 'public'
              : undefined;
      if (!standing) return [];
      if (q.council && c?.code !== q.council && c?.currentCode !== q.council) return [];
      if (q.state && e.state !== q.state) return [];
      return [{ e, standing }];
    });
    return views(rows);
  }

  async function get(v: Viewer, id: number) {
    return (await views([await ctx.visible(v, id)]))[0]!;
  }

  /** A council's public page: its published engagements (by its current code or an earlier one). */
  async function council(v: Viewer, code: string) {
    const c = (await ctx.councils()).byCode.get(code.trim().toUpperCase());
    if (!c) throw new AppError(404, 'not-found', `Council "${code}" does not exist.`);
    const engagements = (await list(v, { council: c.currentCode })).filter(
      (e) => isPublished(e.state) || e.standing !== 'public',
    );
    return { council: { code: c.code, name: c.name, currentCode: c.currentCode }, engagements };
  }

  async function peers(v: Viewer) {
    engagements.requireManager(v, 'see the peer pool');
    const dir = await ctx.councils();
    return (await repo.peers(db.kysely)).map((p) => peerOf(p, dir));
  }

  /** A peer's visits: for managers, administrators and the peer's own user. */
  async function peerVisits(v: Viewer, id: number) {
    if (!v) throw new AppError(401, 'sign-in-required', "Sign in to see a peer's visits.");
    const p = await repo.peer(db.kysely, id);
    if (!p) throw new AppError(404, 'not-found', `Peer ${id} does not exist.`);
    if (!isManager(v) && p.user_id !== v.id)
      throw new AppError(403, 'forbidden', "Only managers, administrators and the peer see a peer's visits.");
    const ids = await repo.engagementIdsOfPeers(db.kysely, [id]);
    const rows = await repo.engagements(db.kysely, { ids });
    return { name: p.name, visits: await views(rows.map((e) => ({ e, standing: 'manager' as const }))) };
  }

  return {
    reference: ctx.reference,
    list,
    get,
    council,
    peers,
    peerVisits,
    onsiteWeeks: calendarService(ctx, engagements.requireManager),
    ...engagements,
    ...outcomeService(ctx),
    ...coverage,
    ...deliveryService(ctx),
    ...searchService(ctx),
    ...poolService(ctx, () => coverage.coverage()),
    importHistory: historyImport(ctx, engagements),
    ...packService(ctx),
    ...evaluationService(ctx, engagements.requireManager),
    ...daysService(ctx, engagements.requireManager),
    ...policyService(ctx, engagements.requireManager),
    ...peerPoolService(ctx, engagements.requireManager),
  };
}
export type PeerService = ReturnType<typeof createPeerService>;
