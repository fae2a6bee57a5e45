/**
 * How long a wave's frame keeps its contact details: SLI_SURVEY_CONTACT_DAYS (default 90) days after the wave closes,
 * its members' email addresses and names are erased, and so are the recipients of the invitations and reminders
 * queued to them (the mail queue's copy: a message not yet sent is discarded). The responses, each member's council,
 * role, authority type and region, the mailings' dates and every count are kept, so the wave's tables and response
 * rates are unchanged. The web service checks every hour (the first check a minute after it starts); `sli survey
 * erase-contacts` checks now. Each erasure is one log line with counts and wave ids, never an address or a name.
 */
import type { Db } from '../../../platform/db.ts';
import type { Logger } from '../../../platform/logger.ts';
import { withTransaction } from '../../../platform/transaction.ts';
import type { SurveyMailer } from './mailings.ts';
import { mailingsRepository as repo } from './mailings-repository.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface Erased {
  waves: number;
  /** Frame members whose address or name was erased. */
  members: number;
  /** Queued messages whose recipient was erased. */
  messages: number;
}

export function createContactRetention(db: Db, deps: { mailer: SurveyMailer; days: number; logger: Logger }) {
  const { mailer, days, logger: log } = deps;

  /** Erases the contact details of every frame wave closed `days` or more ago and not yet erased. */
  async function eraseDue(now = new Date()): Promise<Erased> {
    const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
    const waveIds = await repo.wavesToErase(db.kysely, cutoff);
    if (waveIds.length === 0) return { waves: 0, members: 0, messages: 0 };
    const erased = await withTransaction(db, async (tx) => {
      const members = await repo.eraseContacts(tx.kysely, waveIds);
      const messages = await mailer.erase(await repo.messageIds(tx.kysely, waveIds), tx.kysely);
      await repo.markErased(tx.kysely, waveIds, now.toISOString());
      return { waves: waveIds.length, members, messages };
    });
    log.info({ event: 'survey-contacts-erased', waveIds, ...erased, days }, 'survey contact details erased');
    return erased;
  }

  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<unknown> = Promise.resolve();
  const run = () => {
    pass = eraseDue().catch((err: unknown) =>
      log.warn({ err, event: 'survey-contacts-erase-failed' }, 'erasing survey contact details failed; tried again'),
    );
  };
  return {
    days,
    eraseDue,
    /** The date a closed wave's contact details are (or were) erased on. */
    erasedOn: (closesAt: string) => new Date(new Date(closesAt).getTime() + days * DAY_MS).toISOString(),
    /** Checks `firstMs` after it is started, then every `everyMs` (the web service's schedule). */
    start(firstMs = 60_000, everyMs = HOUR_MS) {
      if (timer) return;
      timer = setTimeout(function tick() {
        run();
        timer = setTimeout(tick, everyMs);
        timer.unref();
      }, firstMs);
      timer.unref();
    },
    async stop() {
      clearTimeout(timer);
      timer = undefined;
      await pass;
    },
  };
}
export type ContactRetention = ReturnType<typeof createContactRetention>;
