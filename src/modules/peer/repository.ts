/** All SQL of the peer challenge module. Each function takes a Kysely handle: the database's or a transaction's. */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db.ts';

type K = Kysely<Database>;

export const peerRepository = {
  frameworks: (k: K) => k.selectFrom('peer_frameworks').selectAll().orderBy('valid_from').execute(),
  components: (k: K) =>
    k.selectFrom('peer_framework_components').selectAll().orderBy('framework_id').orderBy('position').execute(),
  kinds: (k: K) => k.selectFrom('peer_engagement_kinds').selectAll().orderBy('name').execute(),
  deadlines: (k: K) => k.selectFrom('peer_deadlines').selectAll().orderBy('valid_from').execute(),
  conflictRules: (k: K) => k.selectFrom('peer_conflict_rules').selectAll().where('active', '=', 1).execute(),

  engagement: (k: K, id: number) =>
    k.selectFrom('peer_engagements').selectAll().where('id', '=', id).executeTakeFirst(),
  engagements: (k: K, q: { ids?: number[] | undefined; areaIds?: number[] | undefined } = {}) => {
    let s = k.selectFrom('peer_engagements').selectAll();
    if (q.ids) s = s.where('id', 'in', q.ids.length ? q.ids : [-1]);
    if (q.areaIds) s = s.where('area_id', 'in', q.areaIds.length ? q.areaIds : [-1]);
    return s.orderBy('id').execute();
  },
  /** Per area, the last on-site start of an engagement of a coverage-counting kind that reached the visit. */
  lastCorporate: (k: K) =>
    k
      .selectFrom('peer_engagements as e')
      .innerJoin('peer_engagement_kinds as kd', 'kd.code', 'e.kind')
      .select(['e.id', 'e.area_id', 'e.state', 'e.onsite_start', 'e.created_at'])
      .where('kd.corporate', '=', 1)
      .orderBy('e.area_id')
      .orderBy('e.id')
      .execute(),
  insertEngagement: (k: K, row: Omit<Database['peer_engagements'], 'id'>) =>
    k
      .insertInto('peer_engagements')
      .values(row as never)
      .returning('id')
      .executeTakeFirstOrThrow()
      .then((r) => r.id),
  updateEngagement: (
    k: K,
    id: number,
    row: Partial<
      Pick<Database['peer_engagements'], 'state' | 'resume_state' | 'onsite_start' | 'onsite_end' | 'updated_at'>
    >,
  ) => k.updateTable('peer_engagements').set(row).where('id', '=', id).execute(),

  steps: (k: K, engagementIds: number[]) =>
    k
      .selectFrom('peer_engagement_steps')
      .selectAll()
      .where('engagement_id', 'in', engagementIds.length ? engagementIds : [-1])
      .orderBy('engagement_id')
      .orderBy('id')
      .execute(),
  insertStep: (k: K, row: Omit<Database['peer_engagement_steps'], 'id'>) =>
    k
      .insertInto('peer_engagement_steps')
      .values(row as never)
      .execute(),

  peer: (k: K, id: number) => k.selectFrom('peers').selectAll().where('id', '=', id).executeTakeFirst(),
  peers: (k: K) => k.selectFrom('peers').selectAll().orderBy('name').orderBy('id').execute(),
  peerIdsOfUser: (k: K, userId: number) =>
    k
      .selectFrom('peers')
      .select('id')
      .where('user_id', '=', userId)
      .execute()
      .then((r) => r.map((x) => x.id)),
  insertPeer: (k: K, row: Omit<Database['peers'], 'id'>) =>
    k
      .insertInto('peers')
      .values(row as never)
      .returning('id')
      .executeTakeFirstOrThrow()
      .then((r) => r.id),
  employments: (k: K, peerId: number) =>
    k.selectFrom('peer_employments').selectAll().where('peer_id', '=', peerId).execute(),
  insertEmployment: (k: K, row: Omit<Database['peer_employments'], 'id'>) =>
    k
      .insertInto('peer_employments')
      .values(row as never)
      .execute(),
  partnershipsOf: (k: K, areaId: number) =>
    k
      .selectFrom('peer_partnerships')
      .selectAll()
      .where((w) => w.or([w('area_a_id', '=', areaId), w('area_b_id', '=', areaId)]))
      .execute(),
  insertPartnership: (k: K, row: Omit<Database['peer_partnerships'], 'id'>) =>
    k
      .insertInto('peer_partnerships')
      .values(row as never)
      .execute(),

  team: (k: K, engagementIds: number[]) =>
    k
      .selectFrom('peer_team_members as t')
      .innerJoin('peers as p', 'p.id', 't.peer_id')
      .select([
        't.id',
        't.engagement_id',
        't.peer_id',
        't.team_role',
        't.days_committed',
        't.days_delivered',
        'p.name',
        'p.role',
        'p.political_group',
        'p.home_area_id',
      ])
      .where('t.engagement_id', 'in', engagementIds.length ? engagementIds : [-1])
      .orderBy('t.id')
      .execute(),
  /** The other engagements a peer is on, with their visit dates and state. */
  engagementsOfPeer: (k: K, peerId: number) =>
    k
      .selectFrom('peer_team_members as t')
      .innerJoin('peer_engagements as e', 'e.id', 't.engagement_id')
      .select(['e.id', 'e.area_id', 'e.state', 'e.onsite_start', 'e.onsite_end', 't.team_role'])
      .where('t.peer_id', '=', peerId)
      .orderBy('e.onsite_start')
      .execute(),
  engagementIdsOfPeers: (k: K, peerIds: number[]) =>
    k
      .selectFrom('peer_team_members')
      .select('engagement_id')
      .where('peer_id', 'in', peerIds.length ? peerIds : [-1])
      .execute()
      .then((r) => r.map((x) => x.engagement_id)),
  insertTeamMember: (k: K, row: Omit<Database['peer_team_members'], 'id'>) =>
    k
      .insertInto('peer_team_members')
      .values(row as never)
      .execute(),

  findings: (k: K, engagementIds: number[]) =>
    k
      .selectFrom('peer_findings')
      .selectAll()
      .where('engagement_id', 'in', engagementIds.length ? engagementIds : [-1])
      .orderBy('id')
      .execute(),
  insertFinding: (k: K, row: Omit<Database['peer_findings'], 'id'>) =>
    k
      .insertInto('peer_findings')
      .values(row as never)
      .returning('id')
      .executeTakeFirstOrThrow()
      .then((r) => r.id),
  recommendation: (k: K, ref: string) =>
    k.selectFrom('peer_recommendations').selectAll().where('ref', '=', ref).executeTakeFirst(),
  recommendations: (k: K, engagementIds: number[]) =>
    k
      .selectFrom('peer_recommendations')
      .selectAll()
      .where('engagement_id', 'in', engagementIds.length ? engagementIds : [-1])
      .orderBy('id')
      .execute(),
  countRecommendations: (k: K, engagementId: number) =>
    k
      .selectFrom('peer_recommendations')
      .select((e) => e.fn.countAll<number | string>().as('n'))
      .where('engagement_id', '=', engagementId)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n)),
  insertRecommendation: (k: K, row: Omit<Database['peer_recommendations'], 'id'>) =>
    k
      .insertInto('peer_recommendations')
      .values(row as never)
      .returning('id')
      .executeTakeFirstOrThrow()
      .then((r) => r.id),
  action: (k: K, id: number) => k.selectFrom('peer_actions').selectAll().where('id', '=', id).executeTakeFirst(),
  actions: (k: K, engagementIds: number[]) =>
    k
      .selectFrom('peer_actions as a')
      .innerJoin('peer_recommendations as r', 'r.id', 'a.recommendation_id')
      .selectAll('a')
      .select(['r.ref as recommendation_ref', 'r.component_code'])
      .where('a.engagement_id', 'in', engagementIds.length ? engagementIds : [-1])
      .orderBy('a.id')
      .execute(),
  insertAction: (k: K, row: Omit<Database['peer_actions'], 'id'>) =>
    k
      .insertInto('peer_actions')
      .values(row as never)
      .returning('id')
      .executeTakeFirstOrThrow()
      .then((r) => r.id),
  setActionStatus: (k: K, id: number, status: string) =>
    k.updateTable('peer_actions').set({ status }).where('id', '=', id).execute(),
  actionUpdates: (k: K, actionIds: number[]) =>
    k
      .selectFrom('peer_action_updates')
      .selectAll()
      .where('action_id', 'in', actionIds.length ? actionIds : [-1])
      .orderBy('action_id')
      .orderBy('date')
      .orderBy('id')
      .execute(),
  insertActionUpdate: (k: K, row: Omit<Database['peer_action_updates'], 'id'>) =>
    k
      .insertInto('peer_action_updates')
      .values(row as never)
      .execute(),

  documents: (k: K, engagementIds: number[]) =>
    k
      .selectFrom('peer_documents')
      .selectAll()
      .where('engagement_id', 'in', engagementIds.length ? engagementIds : [-1])
      .orderBy('id')
      .execute(),
  insertDocument: (k: K, row: Omit<Database['peer_documents'], 'id'>) =>
    k
      .insertInto('peer_documents')
      .values(row as never)
      .returning('id')
      .executeTakeFirstOrThrow()
      .then((r) => r.id),
};
