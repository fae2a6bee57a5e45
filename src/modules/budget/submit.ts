/**
 * A resident's budget submitted: every level checked against the levels offered (a tampered form refused, naming the
 * item), the totals recomputed here by the model's rule (never taken from the form), balance, floors and constraints,
 * consent; a unique link used once (a replay refused); on an open link, protection.ts's rate limit, duplicate check
 * and honeypot (flagged responses kept and reported, never deleted) and proof.ts's proof-of-work (unsolved: taken,
 * recorded, held to the stricter limit; a solved challenge sent twice: refused). The response and its comments are
 * written in one transaction: the link claimed or the source counted, the response and its comments in one multi-row
 * insert.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database, Db } from '../../platform/db.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { computeBudget, flatItems, formatPounds, parseLevels, type Definition } from './model.ts';
import { createProof } from './proof.ts';
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
  /** The proof-of-work sent with an open-link budget (proof.ts): the page's challenge, the nonce its script found. */
  proof?: { challenge?: string | undefined; nonce?: string | undefined };
  assisted?: boolean;
  /** The "about you" answers, already checked (about.ts parseAbout); stored as given. */
  about?: AboutAnswers;
  /** The client's address and user agent (rate limit and duplicate detection; only salted hashes are kept). */
  client: string;
  userAgent?: string | undefined;
}

/** A definition's items in order, worked out once per loaded definition (a burst of submissions shares it). */
const itemsOf = new WeakMap<Definition, ReturnType<typeof flatItems>>();
function items(d: Definition) {
  let it = itemsOf.get(d);
  if (!it) itemsOf.set(d, (it = flatItems(d)));
  return it;
}

export function createSubmissions(db: Db, log: Logger, salts: Salts) {
  const protection = createProtection(db, salts);
  const proof = createProof(salts);

  /** Checks a resident's budget without storing it: the result, and the problems a page shows in its error summary. */
  function check(s: StoredSimulator, sub: Pick<Submission, 'posted' | 'comments' | 'consent'>, needConsent: boolean) {
    const d = s.definition;
    const { levels, refused } = parseLevels(d, sub.posted);
    const result = computeBudget(d, levels);
    const all = items(d);
    const errors: FieldError[] = refused.map((r) => ({
      field: `level-${r.item}`,
      value: r.value,
      message: `${all.find((i) => i.code === r.item)?.title ?? r.item}: that choice is not one this consultation offers`,
    }));
    /** The comments given, by item position (each read once). */
    const comments: { at: number; text: string }[] = [];
    all.forEach((it, at) => {
      const c = sub.comments(it.code);
      if (c === undefined || c === '') return;
      if (c.length > COMMENT_MAX)
        errors.push({
          field: `comment-${it.code}`,
          message: `${it.title}: your comment must be ${COMMENT_MAX} characters or fewer`,
        });
      if (c.includes('\u0000'))
        errors.push({ field: `comment-${it.code}`, message: `${it.title}: your comment holds a NUL character` });
      comments.push({ at, text: c });
    });
    for (const p of result.problems) errors.push({ field: `level-${all[p.item]!.code}`, message: p.message });
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
    return { levels, result, errors, comments, tampered: refused.length > 0 };
  }

  return {
    check,
    /** A fresh proof-of-work challenge for an open link's check page (proof.ts). */
    proofChallenge: (simulatorId: number, now?: Date) => proof.challenge(simulatorId, now),
    /** Stores a resident's budget; refused (400/404/409/429) with every reason, nothing written. */
    async submit(s: StoredSimulator, sub: Submission, now = new Date()): Promise<{ id: number; flag: string }> {
      if (s.status !== 'open')
        throw new AppError(409, 'consultation-closed', 'This consultation is not open for answers.');
      const { levels, result, errors, tampered, comments: given } = check(s, sub, true);
      if (errors.length)
        throw new AppError(
          400,
          tampered ? 'tampered-submission' : 'invalid-budget',
          'Your budget could not be submitted.',
          errors,
        );
      const comments = given
        .map((c) => ({ item_id: s.itemIds[c.at]!, text: c.text.trim().normalize('NFC') }))
        .filter((c) => c.text !== '');
      const levelText = levels.join(',');
      const channel = sub.token ? 'link' : 'open';
      const guarded = !sub.token && !sub.assisted;
      const content = `${levelText}|${comments.map((c) => c.text).join('\u0001')}`;
      const [src, solved] = await Promise.all([
        protection.source(s.id, sub.client, sub.userAgent ?? '', content, now),
        guarded ? proof.verify(s.id, sub.proof, now) : null,
      ]);
      const stamp = now.toISOString();
      const row = (linkId: number | null, flag: string): Omit<Database['budget_responses'], 'id'> => ({
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
        proof: solved,
      });
      const flagOf = (seen: string) => (sub.honeypot && !sub.assisted ? 'honeypot' : seen);
      /** Why a link could not be claimed: never issued for this simulator, or used. */
      const linkRefused = async (hash: string) =>
        (await repo.link(db.kysely, s.id, hash))
          ? new AppError(409, 'link-used', 'A budget has already been sent with this link: each link takes one.')
          : new AppError(404, 'unknown-link', 'This link is not one issued for this consultation.');
      let out: { id: number; flag: string };
      if (sub.token && db.dialect === 'postgres') {
        // A panel link on PostgreSQL: one statement claims the link and writes the response and its comments, atomic
        // on its own (one round trip instead of a transaction's six).
        const hash = hashToken(sub.token);
        const flag = flagOf('ok');
        const id = await repo.insertByLink(db.kysely, hash, stamp, row(null, flag), comments);
        if (id === undefined) throw await linkRefused(hash);
        out = { id, flag };
      } else
        out = await withTransaction(db, async (tx) => {
          let linkId: number | null = null;
          if (sub.token) {
            const hash = hashToken(sub.token);
            const claimed = await repo.claimLink(tx.kysely, s.id, hash, stamp);
            if (claimed === undefined) throw await linkRefused(hash);
            linkId = claimed;
          }
          const seen = guarded ? await protection.check(tx, s.id, src, now, solved !== null) : 'ok';
          // Over the limit: the count is committed, nothing else written.
          if (seen === 'limited') return { id: 0, flag: 'limited' };
          const flag = flagOf(seen);
          const id = await repo.insertResponse(tx.kysely, row(linkId, flag), comments);
          // A solved challenge already spent: nothing written but the count (a replayed solution is a bot's).
          if (id === undefined) return { id: 0, flag: 'replayed' };
          return { id, flag };
        });
      if (out.flag === 'limited') throw rateLimited();
      if (out.flag === 'replayed')
        throw new AppError(
          409,
          'proof-replayed',
          'This page has already sent a budget. Go back to the check page, reload it and send your budget again.',
        );
      if (out.flag !== 'ok')
        log.info(
          { event: 'budget-response-flagged', simulator: s.id, flag: out.flag },
          'budget response kept, flagged',
        );
      return out;
    },
  };
}
