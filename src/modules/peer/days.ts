/**
 * Days delivered: after the visit, a peer challenge manager records how many days each team member gave (half days
 * allowed), or clears the figure. The peer pool counts a member's delivered days where recorded, else the days
 * committed.
 */
import { AppError } from '../../platform/errors.ts';
import { Problems, type PeerContext, type Viewer } from './context.ts';
import { evaluationRepository as repo } from './evaluation-repository.ts';
import { peerRepository } from './repository.ts';
import { STATE_LABELS, stateIndex, type State } from './states.ts';

/** The most days one peer can be recorded as giving to one engagement (preparation, the visit and the report). */
export const MAX_DAYS = 30;

export function daysService(ctx: PeerContext, requireManager: (v: Viewer, what: string) => unknown) {
  const { db, log } = ctx;

  async function recordDaysDelivered(v: Viewer, id: number, peerId: number, days: number | null) {
    requireManager(v, 'record days delivered');
    const p = new Problems();
    if (days !== null && (typeof days !== 'number' || !Number.isFinite(days)))
      p.add('daysDelivered', 'is not a number of days, like 3 or 2.5', days);
    else if (days !== null && days < 0) p.add('daysDelivered', 'cannot be negative', days);
    else if (days !== null && days > MAX_DAYS)
      p.add('daysDelivered', `is more than ${MAX_DAYS} days, the most one peer gives to one engagement`, days);
    else if (days !== null && !Number.isInteger(days * 2))
      p.add('daysDelivered', 'must be whole or half days, like 3 or 2.5', days);
    p.fail('The days delivered were not recorded');
    const k = db.kysely;
    const e = await peerRepository.engagement(k, id);
    if (!e) throw new AppError(404, 'not-found', `Engagement ${id} does not exist.`);
    const member = await repo.teamMember(k, id, peerId);
    if (!member) throw new AppError(404, 'not-found', `Peer ${peerId} is not on the team of engagement ${id}.`);
    const state = e.state as State;
    if (state === 'withdrawn' || stateIndex(state) < stateIndex('on-site'))
      throw new AppError(
        409,
        'not-yet-on-site',
        `Days delivered are recorded once the team has been on site; engagement ${id} is ${STATE_LABELS[state] ?? state}.`,
        [{ field: 'daysDelivered', message: 'only after the on-site visit', value: e.state }],
      );
    await repo.setDaysDelivered(k, member.id, days);
    log.info({ event: 'days-delivered', engagement: id, peer: peerId, days });
    return { peerId, name: member.name, daysCommitted: member.days_committed, daysDelivered: days };
  }

  return { recordDaysDelivered };
}
