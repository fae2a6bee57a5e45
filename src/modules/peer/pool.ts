/**
 * The peer pool as the sector's contribution: days committed, delivered and donated (delivered where recorded, else
 * committed) per peer and per home council (withdrawn
 * engagements left out), and the councils that give peers but have no corporate peer challenge on record (coverage's
 * `none`, so re-coded predecessors count as they do there). For peer challenge managers and administrators.
 */
import { AppError } from '../../platform/errors.ts';
import { isManager, type PeerContext, type Viewer } from './context.ts';
import type { CoverageRow } from './coverage.ts';
import { peerRepository as repo } from './repository.ts';

export interface PoolCouncil {
  code: string;
  name: string;
  type: string;
  peers: number;
  activePeers: number;
  engagements: number;
  daysCommitted: number;
  daysDelivered: number;
  /** Days delivered where recorded, else committed. */
  daysDonated: number;
  /** The council's coverage status: `none` when it has never had a corporate peer challenge. */
  coverage: string | null;
  neverChallenged: boolean;
}

export function poolService(ctx: PeerContext, coverage: () => Promise<CoverageRow[]>) {
  async function pool(v: Viewer) {
    if (!v) throw new AppError(401, 'sign-in-required', 'Sign in to see the peer pool.');
    if (!isManager(v))
      throw new AppError(403, 'forbidden', 'Only peer challenge managers and administrators see the pool.');
    const k = ctx.db.kysely;
    const [dir, peers, days, rows] = await Promise.all([ctx.councils(), repo.peers(k), repo.poolDays(k), coverage()]);
    const byPeer = new Map(days.map((d) => [d.peer_id, d]));
    const status = new Map(rows.map((r) => [r.code, r.status]));
    const councils = new Map<string, PoolCouncil>();
    const list = peers.map((p) => {
      const d = byPeer.get(p.id);
      const home = p.home_area_id === null ? undefined : dir.byId.get(p.home_area_id);
      const row = {
        id: p.id,
        name: p.name,
        role: p.role,
        active: p.active === 1,
        homeCouncil: home ? { code: home.currentCode, name: (dir.byCode.get(home.currentCode) ?? home).name } : null,
        engagements: Number(d?.engagements ?? 0),
        daysCommitted: Number(d?.committed ?? 0),
        daysDelivered: Number(d?.delivered ?? 0),
        daysDonated: Number(d?.donated ?? 0),
      };
      if (home) {
        const current = dir.byCode.get(home.currentCode) ?? home;
        const c = councils.get(current.code) ?? {
          code: current.code,
          name: current.name,
          type: current.type,
          peers: 0,
          activePeers: 0,
          engagements: 0,
          daysCommitted: 0,
          daysDelivered: 0,
          daysDonated: 0,
          coverage: status.get(current.code) ?? null,
          neverChallenged: status.get(current.code) === 'none',
        };
        c.peers += 1;
        c.activePeers += row.active ? 1 : 0;
        c.engagements += row.engagements;
        c.daysCommitted += row.daysCommitted;
        c.daysDelivered += row.daysDelivered;
        c.daysDonated += row.daysDonated;
        councils.set(current.code, c);
      }
      return row;
    });
    const byDays = <T extends { daysDonated: number; daysDelivered: number; name: string }>(a: T, b: T) =>
      b.daysDonated - a.daysDonated || b.daysDelivered - a.daysDelivered || a.name.localeCompare(b.name);
    const all = [...councils.values()].sort(byDays);
    return {
      totals: {
        peers: list.length,
        activePeers: list.filter((p) => p.active).length,
        daysCommitted: list.reduce((n, p) => n + p.daysCommitted, 0),
        daysDelivered: list.reduce((n, p) => n + p.daysDelivered, 0),
        daysDonated: list.reduce((n, p) => n + p.daysDonated, 0),
      },
      peers: list.sort(byDays),
      councils: all,
      neverChallenged: all.filter((c) => c.neverChallenged),
    };
  }
  return { pool };
}
