/**
 * A resident's budget submitted: every level checked against the levels offered (a tampered form refused, naming the
 * item), the totals recomputed here by the model's rule (never taken from the form), balance, floors and constraints,
 * consent; a unique link used once (a replay refused); on an open link, protection.ts's rate limit, duplicate check
 * and honeypot (flagged responses kept and reported, never deleted). The response and its comments are written in
 * one transaction.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../platform/db.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { computeBudget, flatItems, formatPounds, parseLevels } from './model.ts';
import { createProtection, rateLimited, type Salts } from './protection.ts';
import { budgetRepository as repo, type StoredSimulator } from './repository.ts';
import type { AboutAnswers } from './about.ts';

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
  about?: AboutAnswers;
  /** The client's address and user agent (rate limit and duplicate detection; only salted hashes are kept). */
  client: string;
  userAgent?: string | undefined;
}

export function createSubmissions(db: Db, log: Logger, salts: Salts) {
  const protection = createProtection(db, salts);

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
    if (!result.balanced && refused.length === 0) {
      const last = result.years[result.years.length - 1];
      const short = result.years.filter((y) => !y.met);
      errors.push({
        field: 'balance',
        message:
          result.rule === null || !last
            ? `Your budget is ${formatPounds(-result.balance)} short of the ${formatPounds(result.target)} gap: choose more savings or income`
            : result.rule === 'cumulative'
              ? `Over the plan to ${last.year} your budget is ${formatPounds(-last.balance)} short of the ${formatPounds(last.gap)} gap: choose more savings or income`
              : `Your budget does not meet the gap in ${short.map((y) => `${y.year} (${formatPounds(-y.balance)} short)`).join(', ')}: choose more savings or income`,
      });
    }
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
      const items = flatItems(s.definition);
      const comments = items
        .map((it, i) => ({ item_id: s.itemIds[i]!, text: (sub.comments(it.code) ?? '').trim().normalize('NFC') }))
        .filter((c) => c.text !== '');
      const levelText = levels.join(',');
      const channel = sub.token ? 'link' : 'open';
      const guarded = !sub.token && !sub.assisted;
      const content = `${levelText}|${comments.map((c) => c.text).join('\u0001')}`;
      const src = await protection.source(s.id, sub.client, sub.userAgent ?? '', content, now);
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
        const seen = guarded ? await protection.check(tx, s.id, src, now) : 'ok';
        // Over the limit: the count is committed, nothing else written.
        if (seen === 'limited') return { id: 0, flag: 'limited' };
        const flag = sub.honeypot && !sub.assisted ? 'honeypot' : seen;
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
            fingerprint: src.fingerprint,
            submitted_at: stamp,
            about: sub.about && Object.keys(sub.about).length ? JSON.stringify(sub.about) : null,
          },
          comments,
        );
        return { id, flag };
      });
      if (out.flag === 'limited') throw rateLimited();
      if (out.flag !== 'ok')
        log.info(
          { event: 'budget-response-flagged', simulator: s.id, flag: out.flag },
          'budget response kept, flagged',
        );
      return out;
    },
  };
}
