/** The SQL of peer challenge evaluation: the engagements' contacts, the engagements surveyed, days delivered. */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db.ts';
import './evaluation-tables.ts';

type K = Kysely<Database>;

export const evaluationRepository = {
  contacts: (k: K, engagementIds: number[]) =>
    k
      .selectFrom('peer_engagement_contacts')
      .selectAll()
      .where('engagement_id', 'in', engagementIds.length ? engagementIds : [-1])
      .orderBy('engagement_id')
      .orderBy('role')
      .execute(),
  /** Replaces one role's contact on an engagement (none given: removed). */
  async setContact(
    k: K,
    engagementId: number,
    role: string,
    c: { name: string | null; email: string | null },
    at: string,
  ) {
    await k
      .deleteFrom('peer_engagement_contacts')
      .where('engagement_id', '=', engagementId)
      .where('role', '=', role)
      .execute();
    if (c.name === null && c.email === null) return;
    await k
      .insertInto('peer_engagement_contacts')
      .values({ engagement_id: engagementId, role, name: c.name, email: c.email, updated_at: at })
      .execute();
  },
  /** Engagements (not withdrawn) whose feedback was presented between two dates (inclusive), with that date. */
  feedbackBetween: (k: K, from: string, to: string) =>
    k
      .selectFrom('peer_engagement_steps as s')
      .innerJoin('peer_engagements as e', 'e.id', 's.engagement_id')
      .select(['e.id', 'e.area_id', 'e.kind', 'e.state', 's.date'])
      .where('s.state', '=', 'feedback-presented')
      .where('s.date', '>=', from)
      .where('s.date', '<=', to)
      .where('e.state', '!=', 'withdrawn')
      .orderBy('s.date')
      .orderBy('e.id')
      .execute(),
  teamMember: (k: K, engagementId: number, peerId: number) =>
    k
      .selectFrom('peer_team_members as t')
      .innerJoin('peers as p', 'p.id', 't.peer_id')
      .select(['t.id', 't.peer_id', 't.days_committed', 't.days_delivered', 'p.name'])
      .where('t.peer_id', '=', peerId)
      .where('t.engagement_id', '=', engagementId)
      .executeTakeFirst(),
  setDaysDelivered: (k: K, memberId: number, days: number | null) =>
    k.updateTable('peer_team_members').set({ days_delivered: days }).where('id', '=', memberId).execute(),
};
