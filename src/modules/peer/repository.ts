/** All SQL of the peer challenge module. Each function takes a Kysely handle: the database's or a transaction's. */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, Dialect } from '../../platform/db.ts';

type K = Kysely<Database>;

/** What a search of findings and recommendations asks: every word (already split, lower case), and the filters. */
export interface OutcomeSearch {
  words: string[];
  component?: string | undefined;
  areaIds?: number[] | undefined;
  /** Only engagements in these states, unless `own` names them (a council user's or a peer's own, drafts included). */
  states?: readonly string[] | undefined;
  own?: { areaIds: number[]; engagementIds: number[] } | undefined;
}

export interface OutcomeHit {
  kind: 'recommendation' | 'finding';
  id: number;
  ref: string | null;
  engagement_id: number;
  component_code: string;
  text: string;
  finding_kind: string | null;
  area_id: number;
  framework_id: number;
  onsite_start: string | null;
  state: string;
}

/**
 * The findings and recommendations matching a search, as one derived table `hits`. The full-text match is the only part
 * that differs by dialect: SQLite asks the FTS5 index (each word a quoted phrase, all required); PostgreSQL the
 * generated tsvector with plainto_tsquery (all words required). Both stem English (porter / the english config).
 */
function hits(dialect: Dialect, q: OutcomeSearch): RawBuilder<unknown> {
  const part = (table: 'peer_findings' | 'peer_recommendations') => {
    const t = sql.raw(table);
    const where: RawBuilder<unknown>[] = [];
    if (q.words.length) {
      if (dialect === 'postgres') where.push(sql`o.search @@ plainto_tsquery('english', ${q.words.join(' ')})`);
      else {
        const fts = sql.raw(`${table}_fts`);
        const match = q.words.map((w) => `"${w.replaceAll('"', '')}"`).join(' ');
        where.push(sql`o.id in (select rowid from ${fts} where ${fts} match ${match})`);
      }
    }
    if (q.component !== undefined) where.push(sql`o.component_code = ${q.component}`);
    if (q.states) {
      const seen = [sql`e.state in (${sql.join(q.states.length ? [...q.states] : [''])})`];
      if (q.own?.areaIds.length) seen.push(sql`e.area_id in (${sql.join(q.own.areaIds)})`);
      if (q.own?.engagementIds.length) seen.push(sql`e.id in (${sql.join(q.own.engagementIds)})`);
      where.push(sql`(${sql.join(seen, sql` or `)})`);
    }
    if (q.areaIds) where.push(sql`e.area_id in (${sql.join(q.areaIds.length ? q.areaIds : [-1])})`);
    const kind = table === 'peer_findings' ? 'finding' : 'recommendation';
    const ref = table === 'peer_findings' ? sql`null` : sql`o.ref`;
    const findingKind = table === 'peer_findings' ? sql`o.kind` : sql`null`;
    return sql`select ${kind} as kind, o.id, ${ref} as ref, o.engagement_id, o.component_code, o.text,
      ${findingKind} as finding_kind, e.area_id, e.framework_id, e.onsite_start, e.state
      from ${t} o inner join peer_engagements e on e.id = o.engagement_id
      where ${where.length ? sql.join(where, sql` and `) : sql`1 = 1`}`;
  };
  return sql`(${part('peer_recommendations')} union all ${part('peer_findings')}) hits`;
}

export const peerRepository = {
  frameworks: (k: K) => k.selectFrom('peer_frameworks').selectAll().orderBy('valid_from').execute(),
  components: (k: K) =>
    k.selectFrom('peer_framework_components').selectAll().orderBy('framework_id').orderBy('position').execute(),
  kinds: (k: K) => k.selectFrom('peer_engagement_kinds').selectAll().orderBy('name').execute(),
  deadlines: (k: K) => k.selectFrom('peer_deadlines').selectAll().orderBy('valid_from').execute(),
  conflictRules: (k: K) => k.selectFrom('peer_conflict_rules').selectAll().where('active', '=', 1).execute(),

  insertKind: (k: K, row: Database['peer_engagement_kinds']) =>
    k
      .insertInto('peer_engagement_kinds')
      .values(row as never)
      .execute(),
  deadlinesOf: (k: K, code: string) =>
    k.selectFrom('peer_deadlines').selectAll().where('code', '=', code).orderBy('valid_from').execute(),
  closeDeadline: (k: K, id: number, validTo: string) =>
    k.updateTable('peer_deadlines').set({ valid_to: validTo }).where('id', '=', id).execute(),
  insertDeadline: (k: K, row: Omit<Database['peer_deadlines'], 'id'>) =>
    k
      .insertInto('peer_deadlines')
      .values(row as never)
      .returning('id')
      .executeTakeFirstOrThrow()
      .then((r) => r.id),
  setFocusAreas: (k: K, id: number, focusAreas: string) =>
    k.updateTable('peer_engagements').set({ focus_areas: focusAreas }).where('id', '=', id).execute(),

  engagement: (k: K, id: number) =>
    k.selectFrom('peer_engagements').selectAll().where('id', '=', id).executeTakeFirst(),
  engagements: (k: K, q: { ids?: number[] | undefined; areaIds?: number[] | undefined } = {}) => {
    let s = k.selectFrom('peer_engagements').selectAll();
    if (q.ids) s = s.where('id', 'in', q.ids.length ? q.ids : [-1]);
    if (q.areaIds) s = s.where('area_id', 'in', q.areaIds.length ? q.areaIds : [-1]);
    return s.orderBy('id').execute();
  },
  /** The visits with dates starting between two days (withdrawn ones left out), in order. */
  visitsBetween: (k: K, from: string, to: string) =>
    k
      .selectFrom('peer_engagements')
      .selectAll()
      .where('onsite_start', '>=', from)
      .where('onsite_start', '<=', to)
      .where('onsite_end', 'is not', null)
      .where('state', '!=', 'withdrawn')
      .orderBy('onsite_start')
      .orderBy('id')
      .execute(),
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
  updatePeer: (k: K, id: number, row: Partial<Omit<Database['peers'], 'id'>>) =>
    k.updateTable('peers').set(row).where('id', '=', id).execute(),
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

  /** The documents of some engagements, with an uploaded file's name, type and size (not its bytes). */
  documents: (k: K, engagementIds: number[]) =>
    k
      .selectFrom('peer_documents as d')
      .leftJoin('peer_document_files as f', 'f.document_id', 'd.id')
      .selectAll('d')
      .select(['f.filename', 'f.content_type', 'f.size', 'f.sha256'])
      .where('d.engagement_id', 'in', engagementIds.length ? engagementIds : [-1])
      .orderBy('d.id')
      .execute(),
  insertDocumentFile: (k: K, row: Database['peer_document_files']) =>
    k
      .insertInto('peer_document_files')
      .values(row as never)
      .execute(),
  /** An uploaded file with its document's engagement and public flag; the bytes as a Buffer on both databases. */
  documentFile: (k: K, documentId: number) =>
    k
      .selectFrom('peer_document_files as f')
      .innerJoin('peer_documents as d', 'd.id', 'f.document_id')
      .select(['d.engagement_id', 'd.public', 'f.filename', 'f.content_type', 'f.size', 'f.sha256', 'f.data'])
      .where('f.document_id', '=', documentId)
      .executeTakeFirst()
      .then(
        (r) =>
          r && {
            ...r,
            data: Buffer.isBuffer(r.data) ? r.data : Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength),
          },
      ),
  insertDocument: (k: K, row: Omit<Database['peer_documents'], 'id'>) =>
    k
      .insertInto('peer_documents')
      .values(row as never)
      .returning('id')
      .executeTakeFirstOrThrow()
      .then((r) => r.id),

  /** A page of the findings and recommendations matching a search, the latest visits first. */
  searchOutcomes: (k: K, dialect: Dialect, q: OutcomeSearch, limit: number) =>
    sql<OutcomeHit>`select * from ${hits(dialect, q)}
      order by onsite_start desc, engagement_id desc, kind desc, id limit ${limit}`
      .execute(k)
      .then((r) => r.rows),
  /** How many findings and recommendations match a search, by component and year of the visit. */
  countOutcomes: (k: K, dialect: Dialect, q: OutcomeSearch) =>
    sql<{ component_code: string; year: string | null; kind: string; n: number | string }>`select component_code,
      substr(onsite_start, 1, 4) as year, kind, count(*) as n from ${hits(dialect, q)}
      group by component_code, substr(onsite_start, 1, 4), kind order by year, component_code`
      .execute(k)
      .then((r) => r.rows),
  /**
   * Per peer: engagements served on (withdrawn ones left out), the days committed and delivered on them, and the days
   * donated (delivered where recorded, else committed).
   */
  poolDays: (k: K) =>
    k
      .selectFrom('peer_team_members as t')
      .innerJoin('peer_engagements as e', 'e.id', 't.engagement_id')
      .select((x) => [
        't.peer_id',
        x.fn.countAll<number | string>().as('engagements'),
        x.fn.sum<number | string>('t.days_committed').as('committed'),
        x.fn.sum<number | string | null>('t.days_delivered').as('delivered'),
        x.fn.sum<number | string>(x.fn.coalesce('t.days_delivered', 't.days_committed')).as('donated'),
      ])
      .where('e.state', '!=', 'withdrawn')
      .groupBy('t.peer_id')
      .execute(),
  /** Every engagement's steps dated before `to`, in order (the programme's delivery as at a date). */
  stepsBefore: (k: K, to: string) =>
    k
      .selectFrom('peer_engagement_steps')
      .select(['engagement_id', 'state', 'date'])
      .where('date', '<', to)
      .orderBy('engagement_id')
      .orderBy('date')
      .orderBy('id')
      .execute(),
  /** The days delivered (committed where none is recorded) per engagement, for some engagements. */
  engagementDays: (k: K, ids: number[]) =>
    k
      .selectFrom('peer_team_members')
      .select((x) => [
        'engagement_id',
        x.fn.sum<number | string>(x.fn.coalesce('days_delivered', 'days_committed')).as('days'),
      ])
      .where('engagement_id', 'in', ids.length ? ids : [-1])
      .groupBy('engagement_id')
      .execute(),
};
