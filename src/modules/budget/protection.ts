/**
 * Bot and flood protection for open links, without accounts. The source of a submission is never stored: it is hashed
 * with the day's random salt (shared with programme monitoring's recorder, deleted after two days), so no address can
 * be recovered once the salt has gone.
 * - Rate limit: open-link submissions per source and simulator in ten-minute windows, counted in the database by one
 *   atomic upsert (budget_open_counts), so it holds across processes and instances and parallel requests cannot all
 *   pass it; refused attempts count too. Old windows are deleted as new ones begin.
 * - Duplicates: the same levels and comments from the same source (address and browser) within DUPLICATE_WINDOW_MS
 *   are kept and flagged `duplicate` (reported on the dashboard and in downloads, not counted, never deleted). The
 *   fingerprint is salted with the day's salt, so the check looks for today's and yesterday's.
 * - The honeypot field (hidden from people; bots fill it): kept and flagged `honeypot`.
 * - Proof-of-work (proof.ts): a submission without a solved challenge is still taken (the form works without
 *   JavaScript), recorded as unsolved, and refused once its source has sent OPEN_LIMIT_UNSOLVED in the window (solved
 *   or not) rather than OPEN_LIMIT.
 * Assisted entry (signed-in staff at an outreach session) and panel links are not rate-limited or checked for
 * duplicates: many residents share the staff's device, and a panel link is used once.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { withTransaction, type Tx } from '../../platform/transaction.ts';
import { reviewRepository as repo } from './review-repository.ts';

/** Open-link submissions per source in a window of OPEN_WINDOW_MS. */
export const OPEN_LIMIT = 20;
/** The stricter limit for a submission without a solved proof-of-work (proof.ts): no JavaScript, or a bot. */
export const OPEN_LIMIT_UNSOLVED = 5;
export const OPEN_WINDOW_MS = 10 * 60_000;
/** The same budget and comments from the same source within this time is a duplicate. */
export const DUPLICATE_WINDOW_MS = 24 * 3_600_000;

/** The day's salt, shared with the request recorder (monitor's DailySalts, handed in by the composition root). */
export interface Salts {
  forDay(day: string): Promise<string>;
}

const sha = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 32);
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface Source {
  /** The rate limit's key (address only: a bot changing its user agent is the same source). */
  source: string;
  /** The fingerprint stored (today's salt), and the ones a duplicate may carry (today's and yesterday's). */
  fingerprint: string;
  fingerprints: string[];
  slot: number;
}

export function createProtection(db: Db, salts: Salts) {
  let cleared = -1;
  /**
   * Deletes windows before the last two, once per window and process, in a transaction of its own (not the
   * submission's: two instances deleting the same rows inside their submissions could deadlock). Best effort: a
   * failure leaves the rows for the next window.
   */
  async function clearOld(slot: number) {
    if (cleared === slot) return;
    cleared = slot;
    await withTransaction(db, (tx) => repo.deleteOpenCountsBefore(tx.kysely, slot - 1)).catch(() => {
      cleared = -1;
    });
  }
  return {
    /** Hashes a submission's source and content with the day's salts (before the submission's transaction). */
    async source(simulatorId: number, client: string, userAgent: string, content: string, now: Date): Promise<Source> {
      const ms = now.getTime();
      const [today, yesterday] = await Promise.all([salts.forDay(dayOf(ms)), salts.forDay(dayOf(ms - 86_400_000))]);
      const print = (salt: string) => sha(`${salt}\n${simulatorId}\n${client}\n${userAgent}\n${content}`);
      const fingerprint = print(today);
      await clearOld(Math.floor(ms / OPEN_WINDOW_MS));
      return {
        source: sha(`${today}\n${simulatorId}\n${client}`),
        fingerprint,
        fingerprints: [fingerprint, print(yesterday)],
        slot: Math.floor(ms / OPEN_WINDOW_MS),
      };
    },
    /**
     * In the submission's transaction: counts the attempt and answers whether it is over the limit (the caller then
     * commits the count alone and refuses), else whether it duplicates a recent response.
     */
    async check(
      tx: Tx,
      simulatorId: number,
      src: Source,
      now: Date,
      solved: boolean,
    ): Promise<'limited' | 'duplicate' | 'ok'> {
      const n = await repo.countOpen(tx.kysely, simulatorId, src.source, src.slot);
      if (n > (solved ? OPEN_LIMIT : OPEN_LIMIT_UNSOLVED)) return 'limited';
      const since = new Date(now.getTime() - DUPLICATE_WINDOW_MS).toISOString();
      return (await repo.seenSince(tx.kysely, simulatorId, src.fingerprints, since)) ? 'duplicate' : 'ok';
    },
  };
}

export const rateLimited = () =>
  new AppError(
    429,
    'too-many-submissions',
    'Too many budgets have been sent from this connection. Try again in 10 minutes; your answers are still on this page.',
    [],
    { 'retry-after': String(OPEN_WINDOW_MS / 1000) },
  );
