/**
 * Keeping the peer pool current: a peer's availability, accreditation and training (status and date), skills,
 * political group, region, and whether they are active. An inactive peer stays in the pool's history (days donated,
 * past teams) but is not offered to, and is refused by, the team builder. Managers and administrators.
 */
import { AppError } from '../../platform/errors.ts';
import type { Councils } from '../areas/index.ts';
import { Problems, type PeerContext, type Viewer } from './context.ts';
import { peerRepository as repo } from './repository.ts';
import type { PeersTable } from './tables.ts';

type PeerRow = Omit<PeersTable, 'id'> & { id: number };

/** A peer as the API answers it: the home council by its code. */
export const peerOf = (p: PeerRow, dir: Councils) => ({
  id: p.id,
  name: p.name,
  role: p.role,
  homeCouncil: p.home_area_id === null ? null : (dir.byId.get(p.home_area_id)?.code ?? null),
  politicalGroup: p.political_group,
  skills: JSON.parse(p.skills) as string[],
  region: p.region_code,
  accreditation: p.accreditation,
  accreditedAt: p.accredited_at,
  availability: p.availability,
  active: p.active === 1,
});

/** The fields a change may name: a value sets it, null (or "") clears it, a missing field is left as it is. */
export interface PeerChange {
  active?: boolean | undefined;
  availability?: string | null | undefined;
  accreditation?: string | null | undefined;
  accreditedAt?: string | null | undefined;
  skills?: string[] | undefined;
  politicalGroup?: string | null | undefined;
  region?: string | null | undefined;
}

export function peerPoolService(ctx: PeerContext, requireManager: (v: Viewer, what: string) => unknown) {
  async function updatePeer(v: Viewer, id: number, input: PeerChange) {
    requireManager(v, 'keep the peer pool');
    const peer = await repo.peer(ctx.db.kysely, id);
    if (!peer) throw new AppError(404, 'not-found', `Peer ${id} does not exist.`);
    const p = new Problems();
    const set: Partial<Omit<PeersTable, 'id'>> = {};
    if (input.active !== undefined) set.active = input.active ? 1 : 0;
    // null (or an empty text: the request's coercion may turn one into the other) clears a field.
    const cleared = (x: string | null | undefined) => x === null || x?.trim() === '';
    const text = (field: 'availability' | 'accreditation' | 'politicalGroup', max: number) =>
      cleared(input[field]) ? null : p.text(field, input[field], max);
    if (input.availability !== undefined) set.availability = text('availability', 500);
    if (input.accreditation !== undefined) set.accreditation = text('accreditation', 200);
    if (input.politicalGroup !== undefined) set.political_group = text('politicalGroup', 100);
    if (input.accreditedAt !== undefined)
      set.accredited_at = cleared(input.accreditedAt) ? null : p.date('accreditedAt', input.accreditedAt, true);
    if (input.skills !== undefined)
      set.skills = JSON.stringify(input.skills.map((s, i) => p.text(`skills[${i}]`, s, 100)).filter(Boolean));
    if (input.region !== undefined) {
      const region = input.region?.trim().toUpperCase() || null;
      if (region && !/^E12\d{6}$/.test(region)) p.add('region', 'is not a region code such as E12000002', input.region);
      set.region_code = region;
    }
    if (Object.keys(set).length === 0) p.add('active', 'name at least one field to change');
    p.fail(`Peer ${id} was not changed`);
    await repo.updatePeer(ctx.db.kysely, id, set);
    ctx.log.info({ event: 'peer-updated', peer: id, fields: Object.keys(set) });
    return id;
  }

  /**
   * What the peer forms show (managers): the regions to choose from and, to change one, the peer as it stands (its home
   * council by name).
   */
  async function peerForm(v: Viewer, id?: number) {
    requireManager(v, 'keep the peer pool');
    const dir = await ctx.councils();
    const regions = [
      ...new Map([...dir.byId.values()].flatMap((c) => (c.region ? [[c.region.code, c.region.name]] : []))),
    ]
      .map(([code, name]) => ({ code, name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
    if (id === undefined) return { regions, peer: null };
    const p = await repo.peer(ctx.db.kysely, id);
    if (!p) throw new AppError(404, 'not-found', `Peer ${id} does not exist.`);
    const home = p.home_area_id === null ? undefined : dir.byId.get(p.home_area_id);
    return { regions, peer: { ...peerOf(p, dir), home: home ? { code: home.code, name: home.name } : null } };
  }

  /** A form's home council as typed (a name or a code), matched as the platform's other council fields are. */
  const councilField = (text: string | undefined) => ctx.deps.areas.councilField(text);

  return { updatePeer, peerForm, councilField };
}
