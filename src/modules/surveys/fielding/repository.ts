import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../../platform/db.ts';
import type { Db, Dialect } from '../../../platform/db.ts';
import type {
  SurveyDefinitionsTable,
  SurveyRespondentsTable,
  SurveyResponseHistoryTable,
  SurveyResponsesTable,
  SurveyWavesTable,
} from '../tables.ts';

type K = Kysely<Database>;

export type DefinitionRow = Selectable<SurveyDefinitionsTable>;
export type WaveRow = Selectable<SurveyWavesTable>;
export type RespondentRow = Selectable<SurveyRespondentsTable>;
export type ResponseRow = Selectable<SurveyResponsesTable>;
export type HistoryRow = Selectable<SurveyResponseHistoryTable>;
export type NewRespondent = Insertable<SurveyRespondentsTable>;

/** A respondent found by token, with their response when they have one (one query per respondent request). */
export interface TokenHit {
  respondent_id: number;
  wave_id: number;
  kind: string;
  area_name: string | null;
  role: string | null;
  response_id: number | null;
  status: string | null;
  answers: string | null;
  revision: number | null;
  submitted_at: string | null;
  submitted_revision: number | null;
}

export interface RateRow {
  kind: string;
  authority_type: string | null;
  region_code: string | null;
  region_name: string | null;
  members: number;
  submitted: number;
  in_progress: number;
}

const BATCH = 400;

/** All SQL of the surveys module. */
export const surveysRepository = {
  /** The secret links are derived from, made by whichever instance asks first (`fresh`; the others read it). */
  async linkSecret(k: K, fresh: string, now: string): Promise<string> {
    await k
      .insertInto('survey_secrets')
      .values({ name: 'link', secret: fresh, created_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    return (await k.selectFrom('survey_secrets').select('secret').where('name', '=', 'link').executeTakeFirstOrThrow())
      .secret;
  },
  // Definitions
  async insertDefinition(k: K, row: Insertable<SurveyDefinitionsTable>): Promise<number> {
    return (await k.insertInto('survey_definitions').values(row).returning('id').executeTakeFirstOrThrow()).id;
  },
  definition: (k: K, code: string, version: number) =>
    k
      .selectFrom('survey_definitions')
      .selectAll()
      .where('code', '=', code)
      .where('version', '=', version)
      .executeTakeFirst(),
  definitionById: (k: K, id: number) =>
    k.selectFrom('survey_definitions').selectAll().where('id', '=', id).executeTakeFirst(),
  async maxVersion(k: K, code: string): Promise<number | null> {
    const r = await k
      .selectFrom('survey_definitions')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('code', '=', code)
      .executeTakeFirst();
    return r?.v === null || r?.v === undefined ? null : Number(r.v);
  },
  definitions: (k: K) =>
    k
      .selectFrom('survey_definitions')
      .select(['id', 'code', 'version', 'title', 'fingerprint', 'loaded_by', 'loaded_at'])
      .orderBy('code')
      .orderBy('version')
      .execute(),

  // Waves
  async insertWave(k: K, row: Insertable<SurveyWavesTable>): Promise<number> {
    return (await k.insertInto('survey_waves').values(row).returning('id').executeTakeFirstOrThrow()).id;
  },
  wave: (k: K, id: number) => k.selectFrom('survey_waves').selectAll().where('id', '=', id).executeTakeFirst(),
  waveByKey: (k: K, key: string) => k.selectFrom('survey_waves').selectAll().where('key', '=', key).executeTakeFirst(),
  waves: (k: K, code?: string) =>
    k
      .selectFrom('survey_waves')
      .selectAll()
      .$if(code !== undefined, (q) => q.where('survey_code', '=', code!))
      .orderBy('survey_code')
      .orderBy('opens_at')
      .orderBy('id')
      .execute(),

  // Respondents
  async insertRespondents(k: K, rows: NewRespondent[]): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH)
      await k
        .insertInto('survey_respondents')
        .values(rows.slice(i, i + BATCH))
        .execute();
  },
  async insertRespondent(k: K, row: NewRespondent): Promise<number> {
    return (await k.insertInto('survey_respondents').values(row).returning('id').executeTakeFirstOrThrow()).id;
  },
  /** Frame members with their response's state (never the token hash). */
  frame: (k: K, waveId: number) =>
    k
      .selectFrom('survey_respondents as r')
      .leftJoin('survey_responses as s', 's.respondent_id', 'r.id')
      .select([
        'r.id',
        'r.area_code',
        'r.area_name',
        'r.authority_type',
        'r.region_code',
        'r.region_name',
        'r.role',
        'r.contact_name',
        'r.token_issued_at',
        's.status',
        's.submitted_at',
        's.updated_at',
      ])
      .where('r.wave_id', '=', waveId)
      .where('r.kind', '=', 'frame')
      .orderBy('r.area_name')
      .orderBy('r.role')
      .orderBy('r.id')
      .execute(),
  /** Members to give links to: those without one, or every member when re-issuing. */
  membersForLinks: (k: K, waveId: number, all: boolean) =>
    k
      .selectFrom('survey_respondents')
      .select(['id', 'area_code', 'area_name', 'role', 'contact_name'])
      .where('wave_id', '=', waveId)
      .where('kind', '=', 'frame')
      .$if(!all, (q) => q.where('token_hash', 'is', null))
      .orderBy('area_name')
      .orderBy('role')
      .orderBy('id')
      .execute(),
  async setTokens(k: K, rows: { id: number; hash: string }[], at: string): Promise<void> {
    await k.transaction().execute(async (trx) => {
      for (const r of rows)
        await trx
          .updateTable('survey_respondents')
          .set({ token_hash: r.hash, token_issued_at: at })
          .where('id', '=', r.id)
          .execute();
    });
  },
  byToken: (k: K, hash: string): Promise<TokenHit | undefined> =>
    k
      .selectFrom('survey_respondents as r')
      .leftJoin('survey_responses as s', 's.respondent_id', 'r.id')
      .select([
        'r.id as respondent_id',
        'r.wave_id',
        'r.kind',
        'r.area_name',
        'r.role',
        's.id as response_id',
        's.status',
        's.answers',
        's.revision',
        's.submitted_at',
        's.submitted_revision',
      ])
      .where('r.token_hash', '=', hash)
      .executeTakeFirst(),

  // Responses (inside a transaction)
  /** The respondent's response, locked for the rest of the transaction on PostgreSQL (SQLite has one writer). */
  responseForUpdate: (trx: K, dialect: Dialect, respondentId: number) =>
    trx
      .selectFrom('survey_responses')
      .selectAll()
      .where('respondent_id', '=', respondentId)
      .$if(dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst(),
  async insertResponse(trx: K, row: Insertable<SurveyResponsesTable>): Promise<number> {
    return (await trx.insertInto('survey_responses').values(row).returning('id').executeTakeFirstOrThrow()).id;
  },
  updateResponse: (trx: K, id: number, set: Partial<Omit<ResponseRow, 'id' | 'wave_id' | 'respondent_id'>>) =>
    trx.updateTable('survey_responses').set(set).where('id', '=', id).execute(),
  insertHistory: (trx: K, row: Insertable<SurveyResponseHistoryTable>) =>
    trx.insertInto('survey_response_history').values(row).execute(),
  /** The answers as they were at a revision (the last event that produced it). */
  answersAt: async (trx: K, responseId: number, revision: number): Promise<string | undefined> =>
    (
      await trx
        .selectFrom('survey_response_history')
        .select('answers')
        .where('response_id', '=', responseId)
        .where('revision', '=', revision)
        .where('event', 'in', ['save', 'submit', 'stale-applied'])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst()
    )?.answers,
  /**
   * The common case of a page save in one round trip: applied only while the response is still at the revision the
   * form was rendered from (every change bumps it), together with its history row; false when another save got there
   * first (the caller then takes the locking path). PostgreSQL: one statement (a data-modifying CTE), committed as one;
   * SQLite: one short transaction on its single writer.
   */
  async saveIfCurrent(
    db: Db,
    r: {
      responseId: number;
      fromRevision: number;
      answers: string;
      page: string;
      posted: string;
      note: string | null;
      at: string;
    },
  ): Promise<boolean> {
    if (db.dialect === 'postgres') {
      const res = await sql<{ revision: number }>`with u as (
          update survey_responses set answers = ${r.answers}, revision = revision + 1, updated_at = ${r.at}
          where id = ${r.responseId} and revision = ${r.fromRevision} returning id, revision)
        insert into survey_response_history (response_id, revision, event, page, posted, answers, note, at)
        select id, revision, 'save', ${r.page}, ${r.posted}, ${r.answers}, ${r.note}, ${r.at} from u returning revision`.execute(
        db.kysely,
      );
      return res.rows.length === 1;
    }
    return db.kysely.transaction().execute(async (trx) => {
      const u = await trx
        .updateTable('survey_responses')
        .set({ answers: r.answers, revision: r.fromRevision + 1, updated_at: r.at })
        .where('id', '=', r.responseId)
        .where('revision', '=', r.fromRevision)
        .executeTakeFirst();
      if (Number(u.numUpdatedRows) !== 1) return false;
      await trx
        .insertInto('survey_response_history')
        .values({
          response_id: r.responseId,
          revision: r.fromRevision + 1,
          event: 'save',
          page: r.page,
          posted: r.posted,
          answers: r.answers,
          note: r.note,
          at: r.at,
        })
        .execute();
      return true;
    });
  },
  history: (k: K, responseId: number) =>
    k.selectFrom('survey_response_history').selectAll().where('response_id', '=', responseId).orderBy('id').execute(),

  // Reporting
  rates: (k: K, waveId: number): Promise<RateRow[]> =>
    k
      .selectFrom('survey_respondents as r')
      .leftJoin('survey_responses as s', 's.respondent_id', 'r.id')
      .select([
        'r.kind',
        'r.authority_type',
        'r.region_code',
        'r.region_name',
        (eb) => eb.fn.countAll<number>().as('members'),
        sql<number>`sum(case when s.submitted_at is not null then 1 else 0 end)`.as('submitted'),
        sql<number>`sum(case when s.id is not null and s.submitted_at is null then 1 else 0 end)`.as('in_progress'),
      ])
      .where('r.wave_id', '=', waveId)
      .groupBy(['r.kind', 'r.authority_type', 'r.region_code', 'r.region_name'])
      .execute(),
  /** Every response of a wave with who gave it (for analysts only). */
  responses: (k: K, waveId: number, submittedOnly: boolean) =>
    k
      .selectFrom('survey_responses as s')
      .innerJoin('survey_respondents as r', 'r.id', 's.respondent_id')
      .select([
        's.id',
        's.status',
        's.answers',
        's.revision',
        's.submitted_answers',
        's.submitted_revision',
        's.submissions',
        's.started_at',
        's.updated_at',
        's.submitted_at',
        'r.kind',
        'r.area_code',
        'r.area_name',
        'r.authority_type',
        'r.region_code',
        'r.region_name',
        'r.role',
      ])
      .where('s.wave_id', '=', waveId)
      .$if(submittedOnly, (q) => q.where('s.submitted_at', 'is not', null))
      .orderBy('s.id')
      .execute(),
};
