/** The SQL of survey invitations, reminders, opting out and closing a wave (fielding/mailings.ts). */
import type { Insertable, Kysely } from 'kysely';
import type { Database } from '../../../platform/db.ts';
import type { SurveyMailingsTable } from '../tables.ts';

type K = Kysely<Database>;

export interface MailingTarget {
  id: number;
  area_name: string | null;
  role: string | null;
  contact_name: string | null;
  contact_email: string;
  token_hash: string | null;
  token_issued_at: string | null;
}

export const mailingsRepository = {
  /** Frame members with an address, not opted out, who have no mailing of `kind` in `round` (those to send to). */
  targets: (k: K, waveId: number, kind: 'invitation' | 'reminder', round: number, nonRespondersOnly: boolean) =>
    k
      .selectFrom('survey_respondents as r')
      .leftJoin('survey_responses as s', 's.respondent_id', 'r.id')
      .select([
        'r.id',
        'r.area_name',
        'r.role',
        'r.contact_name',
        'r.contact_email',
        'r.token_hash',
        'r.token_issued_at',
      ])
      .where('r.wave_id', '=', waveId)
      .where('r.kind', '=', 'frame')
      .where('r.contact_email', 'is not', null)
      .where('r.opted_out_at', 'is', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('survey_mailings as m')
              .select('m.id')
              .whereRef('m.respondent_id', '=', 'r.id')
              .where('m.kind', '=', kind)
              .where('m.round', '=', round),
          ),
        ),
      )
      .$if(nonRespondersOnly, (q) =>
        q
          .where('s.submitted_at', 'is', null)
          .where((eb) =>
            eb.exists(
              eb
                .selectFrom('survey_mailings as i')
                .select('i.id')
                .whereRef('i.respondent_id', '=', 'r.id')
                .where('i.kind', '=', 'invitation'),
            ),
          ),
      )
      .orderBy('r.id')
      .execute() as Promise<MailingTarget[]>,
  /** Records a mailing; false when this member already has one of this kind and round (a second press). */
  async insertMailing(k: K, row: Insertable<SurveyMailingsTable>): Promise<boolean> {
    const r = await k
      .insertInto('survey_mailings')
      .values(row)
      .onConflict((oc) => oc.columns(['respondent_id', 'kind', 'round']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  },
  setToken: (k: K, id: number, hash: string, at: string) =>
    k.updateTable('survey_respondents').set({ token_hash: hash, token_issued_at: at }).where('id', '=', id).execute(),
  /** The highest reminder round of a wave (0 before the first). */
  async lastReminderRound(k: K, waveId: number): Promise<number> {
    const r = await k
      .selectFrom('survey_mailings')
      .select((eb) => eb.fn.max('round').as('n'))
      .where('wave_id', '=', waveId)
      .where('kind', '=', 'reminder')
      .executeTakeFirst();
    return r?.n === null || r?.n === undefined ? 0 : Number(r.n);
  },
  /** Every mailing of a wave, oldest first. */
  mailings: (k: K, waveId: number) =>
    k
      .selectFrom('survey_mailings')
      .select(['respondent_id', 'kind', 'round', 'email_message_id', 'at'])
      .where('wave_id', '=', waveId)
      .orderBy('at')
      .orderBy('id')
      .execute(),
  /** Each frame member's address and opt-out (for the wave page only). */
  contacts: (k: K, waveId: number) =>
    k
      .selectFrom('survey_respondents')
      .select(['id', 'contact_email', 'opted_out_at'])
      .where('wave_id', '=', waveId)
      .where('kind', '=', 'frame')
      .execute(),
  optOut: (k: K, respondentId: number, at: string) =>
    k
      .updateTable('survey_respondents')
      .set({ opted_out_at: at })
      .where('id', '=', respondentId)
      .where('opted_out_at', 'is', null)
      .execute(),
  close: (k: K, waveId: number, at: string, by: string) =>
    k
      .updateTable('survey_waves')
      .set({ closes_at: at, closed_at: at, closed_by: by })
      .where('id', '=', waveId)
      .where('closes_at', '>', at)
      .execute(),
  /** Frame waves closed on or before `cutoff` whose contact details have not been erased (retention.ts). */
  async wavesToErase(k: K, cutoff: string): Promise<number[]> {
    const rows = await k
      .selectFrom('survey_waves')
      .select('id')
      .where('mode', '=', 'frame')
      .where('closes_at', '<=', cutoff)
      .where('contacts_erased_at', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  },
  /** Erases the frame members' addresses and names of these waves: how many members had any. */
  async eraseContacts(k: K, waveIds: number[]): Promise<number> {
    const r = await k
      .updateTable('survey_respondents')
      .set({ contact_email: null, contact_name: null })
      .where('wave_id', 'in', waveIds)
      .where((eb) => eb.or([eb('contact_email', 'is not', null), eb('contact_name', 'is not', null)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  },
  /** The email messages of these waves' invitations and reminders. */
  async messageIds(k: K, waveIds: number[]): Promise<number[]> {
    const rows = await k
      .selectFrom('survey_mailings')
      .select('email_message_id')
      .where('wave_id', 'in', waveIds)
      .execute();
    return rows.map((r) => r.email_message_id);
  },
  markErased: (k: K, waveIds: number[], at: string) =>
    k.updateTable('survey_waves').set({ contacts_erased_at: at }).where('id', 'in', waveIds).execute(),
};
