/**
 * Invitations and reminders by email, opting out of reminders, and closing a wave. Each message carries the member's
 * personal link, the same in every message (links.ts derives it again from the member and the time it was issued; a
 * member with no link, or one that cannot be rebuilt, is issued one with the message). Messages are queued through
 * the email service in the same
 * transaction as the mailing record, once per member, kind and round (a second press of a button queues nothing).
 * Reminders go only to members invited, not yet submitted and not opted out. Logs carry counts and ids, never
 * addresses or links.
 */
import type { Kysely } from 'kysely';
import type { Database, Db } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Logger } from '../../../platform/logger.ts';
import { withTransaction } from '../../../platform/transaction.ts';
import type { SurveyCache } from './cache.ts';
import { hashToken } from './frames.ts';
import type { LinkTokens } from './links.ts';
import { mailingsRepository as repo } from './mailings-repository.ts';
import type { Actor, SurveysService } from './service.ts';
import { stateOf } from './service.ts';

/** What the surveys module needs of the email service (modules/email), handed in by the composition root. */
export interface SurveyMailer {
  enqueue(
    m: { to: string; toName?: string; template: string; data: Record<string, unknown>; idempotencyKey?: string },
    into?: Kysely<Database>,
  ): Promise<{ id: number; queued: boolean }>;
  status(ids: number[]): Promise<Array<{ id: number; status: string; sent_at: string | null }>>;
  /** Erases these messages' recipients (the retention rule, retention.ts); how many held an address. */
  erase(ids: number[], into?: Kysely<Database>): Promise<number>;
}

export type MailState = 'queued' | 'sending' | 'sent' | 'dead' | 'discarded';
export interface MemberMailing {
  respondentId: number;
  email: string | null;
  optedOutAt: string | null;
  invitedAt: string | null;
  invitation: MailState | null;
  /** Each reminder's round and when it was queued, with its message's state. */
  reminders: Array<{ round: number; at: string; state: MailState | null }>;
}

/** The last day a wave is open, as a date in Europe/London (its closing instant is the start of the next day). */
export const lastDay = (closesAt: string): string =>
  new Date(new Date(closesAt).getTime() - 1).toLocaleDateString('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });

export function createMailings(
  db: Db,
  deps: { surveys: SurveysService; cache: SurveyCache; mailer: SurveyMailer; links: LinkTokens; logger: Logger },
) {
  const { surveys, cache, mailer, links, logger: log } = deps;

  async function frameWave(waveId: number) {
    const wave = await surveys.waveRow(waveId);
    if (wave.mode !== 'frame')
      throw new AppError(409, 'open-wave', 'This wave is open to anyone with its link: it has no frame to email.');
    if (stateOf(wave) === 'closed')
      throw new AppError(409, 'wave-closed', 'This wave has closed: no more invitations or reminders can be sent.');
    return wave;
  }

  /** Queues one message of `kind`/`round` to each target, each with the member's link, in one transaction. */
  async function send(
    waveId: number,
    kind: 'invitation' | 'reminder',
    round: number,
    origin: string,
    by: Actor,
  ): Promise<{ queued: number }> {
    const wave = await frameWave(waveId);
    const def = await cache.definition(wave.definition_id);
    await links.ready();
    const queued = await withTransaction(db, async (tx) => {
      const k = tx.kysely;
      const targets = await repo.targets(k, waveId, kind, round, kind === 'reminder');
      const at = new Date().toISOString();
      let n = 0;
      for (const t of targets) {
        // The link sent before, or (none yet, or made under another secret) a new one issued with this message.
        const kept = await links.current(t);
        const token = kept ?? (await links.token(t.id, at));
        const link = `${origin}/s/${wave.key}/${token}`;
        const message = await mailer.enqueue(
          {
            to: t.contact_email,
            ...(t.contact_name ? { toName: t.contact_name } : {}),
            template: kind === 'invitation' ? 'survey-invitation' : 'survey-reminder',
            data: {
              name: t.contact_name ?? '',
              council: t.area_name ?? '',
              role: t.role ?? '',
              surveyTitle: def.title,
              lastDay: lastDay(wave.closes_at),
              link,
              optOutLink: `${link}/opt-out`,
            },
            idempotencyKey: `survey-${kind}:wave ${waveId}:respondent ${t.id}:${round}`,
          },
          k,
        );
        if (!message.queued) continue;
        const row = { wave_id: waveId, respondent_id: t.id, kind, round, email_message_id: message.id, at };
        if (!(await repo.insertMailing(k, { ...row, sent_by: by.name }))) continue;
        if (kept === undefined) await repo.setToken(k, t.id, hashToken(token), at);
        n++;
      }
      return n;
    });
    const context = { waveId, survey: wave.survey_code, version: wave.version, round };
    log.info({ ...context, queued }, kind === 'invitation' ? 'survey invitations queued' : 'survey reminders queued');
    return { queued };
  }

  return {
    /** Invites every member with an address not yet invited (a second press, or a member invited before, gets none). */
    invite: (waveId: number, origin: string, by: Actor) => send(waveId, 'invitation', 1, origin, by),

    /**
     * Reminder round `round` (the next one, lastReminderRound + 1, as the wave page offers it) to members invited,
     * not submitted and not opted out; a round already sent to a member is not sent again: pressing twice sends once.
     */
    async remind(waveId: number, round: number, origin: string, by: Actor) {
      const last = await repo.lastReminderRound(db.kysely, waveId);
      if (round < 1 || round > last + 1)
        throw new AppError(
          409,
          'reminder-round',
          `Reminder ${round} cannot be sent now: the next reminder of this wave is number ${last + 1}. Reload the page.`,
        );
      return send(waveId, 'reminder', round, origin, by);
    },

    nextReminderRound: async (waveId: number) => (await repo.lastReminderRound(db.kysely, waveId)) + 1,

    /** Per frame member: address, opt-out, invitation and reminders with their messages' states (the wave page). */
    async status(waveId: number): Promise<Map<number, MemberMailing>> {
      await surveys.waveRow(waveId);
      const [contacts, mailings] = await Promise.all([
        repo.contacts(db.kysely, waveId),
        repo.mailings(db.kysely, waveId),
      ]);
      const states = new Map(
        (await mailer.status(mailings.map((m) => m.email_message_id))).map((s) => [s.id, s.status as MailState]),
      );
      const out = new Map<number, MemberMailing>();
      for (const c of contacts)
        out.set(c.id, {
          respondentId: c.id,
          email: c.contact_email,
          optedOutAt: c.opted_out_at,
          invitedAt: null,
          invitation: null,
          reminders: [],
        });
      for (const m of mailings) {
        const s = out.get(m.respondent_id);
        if (!s) continue;
        const state = states.get(m.email_message_id) ?? null;
        if (m.kind === 'invitation') {
          s.invitedAt = m.at;
          s.invitation = state;
        } else s.reminders.push({ round: m.round, at: m.at, state });
      }
      return out;
    },

    /** A member asks for no more reminders (from the link in a message). */
    async optOut(respondentId: number) {
      await repo.optOut(db.kysely, respondentId, new Date().toISOString());
      log.info({ respondentId }, 'survey member opted out of reminders');
    },

    /** Closes the wave now: no more answers are taken and the respondents' pages say it has closed. */
    async close(waveId: number, by: Actor) {
      const wave = await surveys.waveRow(waveId);
      const at = new Date().toISOString();
      if (stateOf(wave, at) === 'closed') throw new AppError(409, 'wave-closed', 'This wave has already closed.');
      await repo.close(db.kysely, waveId, at, by.name);
      cache.forget(wave.key);
      log.info({ waveId, survey: wave.survey_code, version: wave.version, closedAt: at }, 'survey wave closed');
    },
  };
}
export type Mailings = ReturnType<typeof createMailings>;
