/** All SQL of the leadership module. Each function takes a Kysely handle: the database's or a transaction's. */
import type { Kysely } from 'kysely';
import type { Database, Dialect } from '../../platform/db.ts';
import type {
  LeadCohortsTable,
  LeadModulesTable,
  LeadParticipantsTable,
  LeadProgrammesTable,
  LeadEligibilityRulesTable,
} from './tables.ts';

type K = Kysely<Database>;
type Row<T> = Omit<T, 'id'> & { id: number };
export type ProgrammeRow = Row<LeadProgrammesTable>;
export type CohortRow = Row<LeadCohortsTable>;
export type ModuleRow = Row<LeadModulesTable>;
export type ParticipantRow = Row<LeadParticipantsTable>;
export type RuleRow = Row<LeadEligibilityRulesTable>;
type NewParticipant = Omit<LeadParticipantsTable, 'id' | 'frame_number'>;

export const leadRepository = {
  async insertProgramme(k: K, p: Omit<LeadProgrammesTable, 'id'>): Promise<number> {
    return (await k.insertInto('lead_programmes').values(p).returning('id').executeTakeFirstOrThrow()).id;
  },
  async insertRule(k: K, r: Omit<LeadEligibilityRulesTable, 'id'>): Promise<void> {
    await k.insertInto('lead_eligibility_rules').values(r).execute();
  },
  async insertWindow(k: K, w: { programme_id: number; starts_on: string; ends_on: string }): Promise<void> {
    await k.insertInto('lead_subsidy_windows').values(w).execute();
  },
  async insertCharge(
    k: K,
    c: { programme_id: number; place_kind: string; financial_year: string; amount_pence: number },
  ): Promise<void> {
    await k.insertInto('lead_charges').values(c).execute();
  },
  programmes: (k: K) => k.selectFrom('lead_programmes').selectAll().orderBy('id').execute(),
  programme: (k: K, id: number) => k.selectFrom('lead_programmes').selectAll().where('id', '=', id).executeTakeFirst(),
  programmeByCode: (k: K, code: string) =>
    k.selectFrom('lead_programmes').select('id').where('code', '=', code).executeTakeFirst(),
  rules: (k: K) => k.selectFrom('lead_eligibility_rules').selectAll().orderBy('valid_from').execute(),
  windows: (k: K) => k.selectFrom('lead_subsidy_windows').selectAll().orderBy('starts_on').execute(),
  charges: (k: K) => k.selectFrom('lead_charges').selectAll().orderBy('financial_year').execute(),
  cohorts: (k: K) => k.selectFrom('lead_cohorts').selectAll().orderBy('programme_id').orderBy('number').execute(),
  cohort: (k: K, id: number) => k.selectFrom('lead_cohorts').selectAll().where('id', '=', id).executeTakeFirst(),
  modules: (k: K, cohortIds?: number[]) => {
    let q = k.selectFrom('lead_modules').selectAll();
    if (cohortIds) q = q.where('cohort_id', 'in', cohortIds.length ? cohortIds : [-1]);
    return q.orderBy('cohort_id').orderBy('number').execute();
  },
  async insertCohort(k: K, c: Omit<LeadCohortsTable, 'id'>): Promise<number> {
    return (await k.insertInto('lead_cohorts').values(c).returning('id').executeTakeFirstOrThrow()).id;
  },
  async insertModule(k: K, m: Omit<LeadModulesTable, 'id'>): Promise<number> {
    return (await k.insertInto('lead_modules').values(m).returning('id').executeTakeFirstOrThrow()).id;
  },

  /**
   * Locks the programme's row for the rest of the transaction (PostgreSQL: SELECT … FOR UPDATE; SQLite: the whole
   * database is already locked by BEGIN IMMEDIATE): every booking on the programme's cohorts, and every claim on a
   * council's subsidised place, waits for the one before it.
   */
  async lockProgramme(k: K, dialect: Dialect, id: number): Promise<void> {
    const q = k.selectFrom('lead_programmes').select('id').where('id', '=', id);
    await (dialect === 'postgres' ? q.forUpdate() : q).execute();
  },
  /** The next arrival number of the cohort (taken inside the booking transaction, so numbers follow the lock order). */
  async takeArrival(k: K, cohortId: number): Promise<number> {
    const c = await k
      .selectFrom('lead_cohorts')
      .select('next_arrival')
      .where('id', '=', cohortId)
      .executeTakeFirstOrThrow();
    await k
      .updateTable('lead_cohorts')
      .set({ next_arrival: c.next_arrival + 1 })
      .where('id', '=', cohortId)
      .execute();
    return c.next_arrival;
  },

  async insertParticipant(k: K, p: NewParticipant): Promise<number> {
    return (await k.insertInto('lead_participants').values(p).returning('id').executeTakeFirstOrThrow()).id;
  },
  participant: (k: K, id: number) =>
    k.selectFrom('lead_participants').selectAll().where('id', '=', id).executeTakeFirst(),
  participants: (k: K, q: { cohortIds?: number[]; areaIds?: number[]; statuses?: readonly string[] } = {}) => {
    let s = k.selectFrom('lead_participants').selectAll();
    if (q.cohortIds) s = s.where('cohort_id', 'in', q.cohortIds.length ? q.cohortIds : [-1]);
    if (q.areaIds) s = s.where('area_id', 'in', q.areaIds.length ? q.areaIds : [-1]);
    if (q.statuses) s = s.where('status', 'in', q.statuses.length ? [...q.statuses] : ['']);
    return s.orderBy('cohort_id').orderBy('arrival').orderBy('id').execute();
  },
  /** Fixes participants' frame numbers (frame-numbers.ts); one already fixed is left as it is. */
  async fixFrameNumbers(k: K, numbers: ReadonlyMap<number, number>): Promise<void> {
    for (const [id, n] of numbers)
      await k
        .updateTable('lead_participants')
        .set({ frame_number: n })
        .where('id', '=', id)
        .where('frame_number', 'is', null)
        .execute();
  },
  async updateParticipant(k: K, id: number, patch: Partial<NewParticipant>): Promise<void> {
    await k.updateTable('lead_participants').set(patch).where('id', '=', id).execute();
  },
  async countIn(k: K, cohortId: number, statuses: readonly string[]): Promise<number> {
    const r = await k
      .selectFrom('lead_participants')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('cohort_id', '=', cohortId)
      .where('status', 'in', [...statuses])
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  /** Subsidised claims of the councils on the programme's cohorts that start within the window. */
  subsidisedClaims: (
    k: K,
    q: {
      programmeId: number;
      from: string;
      to: string;
      areaIds: number[];
      statuses: readonly string[];
      except: number;
    },
  ) =>
    k
      .selectFrom('lead_participants as p')
      .innerJoin('lead_cohorts as c', 'c.id', 'p.cohort_id')
      .select(['p.id', 'p.area_id', 'p.status', 'c.number as cohort_number'])
      .where('c.programme_id', '=', q.programmeId)
      .where('c.starts_on', '>=', q.from)
      .where('c.starts_on', '<=', q.to)
      .where('p.place_kind', '=', 'subsidised')
      .where('p.status', 'in', [...q.statuses])
      .where('p.area_id', 'in', q.areaIds.length ? q.areaIds : [-1])
      .where('p.id', '!=', q.except)
      .execute(),
  async insertMove(
    k: K,
    m: {
      participant_id: number;
      from_status: string | null;
      to_status: string;
      reason: string;
      by_user: number | null;
      at: string;
    },
  ): Promise<void> {
    await k.insertInto('lead_list_moves').values(m).execute();
  },
  moves: (k: K, participantIds: number[]) =>
    k
      .selectFrom('lead_list_moves')
      .selectAll()
      .where('participant_id', 'in', participantIds.length ? participantIds : [-1])
      .orderBy('id')
      .execute(),
  async setAttendance(k: K, a: { participant_id: number; module_id: number; attended: number; recorded_at: string }) {
    await k
      .insertInto('lead_attendance')
      .values(a)
      .onConflict((oc) =>
        oc.columns(['participant_id', 'module_id']).doUpdateSet({ attended: a.attended, recorded_at: a.recorded_at }),
      )
      .execute();
  },
  attendance: (k: K, participantIds: number[]) =>
    k
      .selectFrom('lead_attendance')
      .selectAll()
      .where('participant_id', 'in', participantIds.length ? participantIds : [-1])
      .execute(),
  /** Places taken (a move to booked) and completed in [from, to) (ISO dates), for programme monitoring. */
  async placesBetween(k: K, from: string, to: string): Promise<{ taken: number; completed: number }> {
    const taken = await k
      .selectFrom('lead_list_moves')
      .select((eb) => eb.fn.count<number | string>('participant_id').distinct().as('n'))
      .where('to_status', '=', 'booked')
      .where('at', '>=', from)
      .where('at', '<', to)
      .executeTakeFirst();
    const completed = await k
      .selectFrom('lead_participants')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('completed_on', '>=', from)
      .where('completed_on', '<', to)
      .executeTakeFirst();
    return { taken: Number(taken?.n ?? 0), completed: Number(completed?.n ?? 0) };
  },
};
