/**
 * A frame member's link token, derived rather than random: HMAC-SHA256 of a secret and the member's id and the time
 * their link was issued, as base64url (43 characters, 256 bits, the same shape as a random token). Only its SHA-256 is
 * stored, for the look-up; the same member and issue time give the same token again, so every invitation and reminder
 * carries the link sent before and a respondent may use whichever message they open. A new link (re-issued from the
 * API) is a new issue time, and the old one stops working.
 *
 * The secret is SLI_LINK_SECRET, or, when that is not set, a random one made once and kept in the database
 * (survey_secrets; then a copy of the database can rebuild the links, which is said once in the log). A link made
 * under another secret (or, before this rule, at random) cannot be rebuilt: the next message gives the member a new
 * link, derived from then on. Tokens are never logged.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../../../platform/db.ts';
import type { Logger } from '../../../platform/logger.ts';
import { hashToken } from './frames.ts';
import { surveysRepository as repo } from './repository.ts';

export interface LinkTokens {
  /**
   * Reads (or makes) the secret now: call it before a transaction that derives tokens, so that a secret made in the
   * database is committed on its own and never rolled back with the caller's work.
   */
  ready(): Promise<void>;
  /** The token of member `respondentId` whose link was issued at `issuedAt` (ISO 8601, as stored). */
  token(respondentId: number, issuedAt: string): Promise<string>;
  /**
   * The member's current token when it can be rebuilt (it has one, and it hashes to what is stored), else undefined:
   * a link must then be issued afresh.
   */
  current(m: { id: number; token_hash: string | null; token_issued_at: string | null }): Promise<string | undefined>;
}

export function createLinkTokens(db: Db, configured: string | null, log: Logger): LinkTokens {
  let secret: Promise<string> | undefined;
  const key = () => {
    if (configured) return Promise.resolve(configured);
    if (!secret) {
      secret = repo.linkSecret(db.kysely, randomBytes(48).toString('base64url'), new Date().toISOString()).then((s) => {
        log.warn(
          { event: 'survey-link-secret-in-database' },
          'SLI_LINK_SECRET is not set: survey links are derived from a secret kept in the database (set it so that a copy of the database cannot rebuild them)',
        );
        return s;
      });
      secret.catch(() => (secret = undefined));
    }
    return secret;
  };
  const token = async (respondentId: number, issuedAt: string) =>
    createHmac('sha256', await key())
      .update(`survey-link:${respondentId}:${issuedAt}`)
      .digest('base64url');
  return {
    ready: async () => void (await key()),
    token,
    async current(m) {
      if (!m.token_hash || !m.token_issued_at) return undefined;
      const t = await token(m.id, m.token_issued_at);
      return hashToken(t) === m.token_hash ? t : undefined;
    },
  };
}
