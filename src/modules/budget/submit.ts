/**
 * A resident's budget submitted: every level checked against the levels offered (a tampered form refused, naming the
 * item), the totals recomputed here by the model's rule (never taken from the form), balance, floors and constraints,
 * consent; a unique link used once (a replay refused); on an open link, a rate limit per client and a honeypot field;
 * duplicates kept and flagged for the dashboard, never deleted. The response and its comments are written in one
 * transaction.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../platform/db.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { computeBudget, flatItems, formatPounds, parseLevels } from './model.ts';
import { budgetRepository as repo, type StoredSimulator } from './repository.ts';

/** Open-link submissions per client address in OPEN_WINDOW_MS. */
export const OPEN_LIMIT = 20;
export const OPEN_WINDOW_MS = 10 * 60_000;
export const COMMENT_MAX = 2000;
export const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');

export interface Submission {
  posted: (code: string) => string | undefined;
  comments: (code: string) => string | undefined;
  consent: boolean;
  token?: string | undefined;
  honeypot?: string | undefined;
  assisted?: boolean;
  /** The "about you" answers, already checked (about.ts parseAbout); stored as given. */
  about?: Record<string, string>;
  /** The client's address (rate limit and duplicate detection; only a hash is kept). */
  client: string;
}

export function createSubmissions(db: Db, log: Logger) {
  const recent = new Map<string, number[]>();

  function rateLimited(client: string, now: number): boolean {
    const times = (recent.get(client) ?? []).filter((t) => now - t < OPEN_WINDOW_MS);
    if (times.length >= OPEN_LIMIT) {
      recent.set(client, times);
      return true;
    }
    times.push(now);
    recent.set(client, times);
    if (recent.size > 50_000) recent.clear();
    return false;
  }

  /** Checks a resident's budget without storing it: the result, and the problems a page shows in its error summary. */
  function check(s: StoredSimulator, sub: Pick<Submission, 'posted' | 'comments' | 'consent'>, needConsent: boolean) {
    const d = s.definition;
    const { levels, refused } = parseLevels(d, sub.posted);
    const result = computeBudget(d, levels);
    const items = flatItems(d);
    const errors: FieldError[] = refused.map((r) => ({
      field: `level-${r.item}`,
      value: r.value,
      message: `${items.find((i) => i.code === r.item)?.title ?? r.item}: that choice is not one this consultation offers`,
    }));
    for (const it of items) {
      const c = sub.comments(it.code);
      if (c !== undefined && c.length > COMMENT_MAX)
        errors.push({
          field: `comment-${it.code}`,
          message: `${it.title}: your comment must be ${COMMENT_MAX} characters or fewer`,
        });
      if (c?.includes('\u0000'))
        errors.push({ field: `comment-${it.code}`, message: `${it.title}: your comment holds a NUL character` });
    }
    for (const p of result.problems) errors.push({ field: `level-${items[p.item]!.code}`, message: p.message });
    if (!result.balanced && refused.length === 0)
      errors.push({
        field: 'balance',
        message: `Your budget is ${formatPounds(-result.balance)} short of the ${formatPounds(result.target)} gap: choose more savings or income`,
      });
    if (needConsent && !sub.consent)
      errors.push({
        field: 'consent',
        message: 'Confirm you agree to your answers being used as the privacy notice says',
      });
    return { levels, result, errors, tampered: refused.length > 0 };
  }

  return {
    check,
    /** Stores a resident's budget; refused (400/404/409/429) with every reason, nothing written. */
    async submit(s: StoredSimulator, sub: Submission, now = new Date()): Promise<{ id: number; flag: string }> {
      if (s.status !== 'open')
        throw new AppError(409, 'consultation-closed', 'This consultation is not open for answers.');
      const { levels, result, errors, tampered } = check(s, sub, true);
      if (errors.length)
        throw new AppError(
          400,
          tampered ? 'tampered-submission' : 'invalid-budget',
          'Your budget could not be submitted.',
          errors,
        );
      const clientHash = createHash('sha256').update(`budget|${s.id}|${sub.client}`).digest('hex').slice(0, 32);
      const items = flatItems(s.definition);
      const comments = items
        .map((it, i) => ({ item_id: s.itemIds[i]!, text: (sub.comments(it.code) ?? '').trim().normalize('NFC') }))
        .filter((c) => c.text !== '');
      const levelText = levels.join(',');
      const channel = sub.token ? 'link' : 'open';
      if (!sub.token && rateLimited(clientHash, now.getTime()))
        throw new AppError(
          429,
          'too-many-submissions',
          'Too many budgets have been sent from this connection. Try again in 10 minutes; your answers are still on this page.',
          [],
          {
            'retry-after': String(OPEN_WINDOW_MS / 1000),
          },
        );
      const fingerprint = createHash('sha256')
        .update(`${clientHash}|${levelText}|${comments.map((c) => c.text).join('\u0001')}`)
        .digest('hex')
        .slice(0, 32);
      const stamp = now.toISOString();
      const out = await withTransaction(db, async (tx) => {
        let linkId: number | null = null;
        if (sub.token) {
          const hash = hashToken(sub.token);
          const claimed = await repo.claimLink(tx.kysely, s.id, hash, stamp);
          if (claimed === undefined) {
            if (!(await repo.link(tx.kysely, s.id, hash)))
              throw new AppError(404, 'unknown-link', 'This link is not one issued for this consultation.');
            throw new AppError(409, 'link-used', 'A budget has already been sent with this link: each link takes one.');
          }
          linkId = claimed;
        }
        const flag = sub.honeypot
          ? 'honeypot'
          : !sub.token && (await repo.hasFingerprint(tx.kysely, s.id, fingerprint))
            ? 'duplicate'
            : 'ok';
        const id = await repo.insertResponse(
          tx.kysely,
          {
            simulator_id: s.id,
            link_id: linkId,
            levels: levelText,
            gap_closed: Math.round(result.closed),
            tax_change_pct: result.taxChangePct,
            channel,
            assisted: sub.assisted ? 1 : 0,
            flag,
            fingerprint,
            submitted_at: stamp,
            about: sub.about && Object.keys(sub.about).length ? JSON.stringify(sub.about) : null,
          },
          comments,
        );
        return { id, flag };
      });
      if (out.flag !== 'ok')
        log.info(
          { event: 'budget-response-flagged', simulator: s.id, flag: out.flag },
          'budget response kept, flagged',
        );
      return out;
    },
  };
}
