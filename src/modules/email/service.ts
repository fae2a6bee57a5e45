/**
 * Outgoing email: messages rendered from templates (plain text and HTML) and queued in the database, sent by a worker
 * over SMTP (nodemailer) with retries and backoff, then a dead-letter list an administrator sees and retries or
 * discards. A request only ever writes to the queue, so a slow or failing mail server never holds one up; a caller
 * queues inside its own transaction by passing its Kysely handle. Email addresses and message bodies are never logged
 * (the message id, template and outcome are).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer, { type Transporter } from 'nodemailer';
import nunjucks from 'nunjucks';
import type { MailConfig, SmtpConfig } from '../../platform/config.ts';
import type { Db } from '../../platform/db.ts';
import { isDatabaseUnavailable } from '../../platform/db-errors.ts';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { emailRepository as repo, type ClaimedMessage, type Executor } from './repository.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const TEMPLATES = path.join(here, '..', '..', 'views', 'email');

/** A message to queue. `template` names src/views/email/<template>.{subject,txt,html}.njk, rendered with `data`. */
export interface OutgoingEmail {
  to: string;
  /** The recipient's name for the To header (control characters and line breaks are removed). */
  toName?: string | undefined;
  template: string;
  data: Record<string, unknown>;
  /**
   * The caller's key for this message (e.g. `survey-reminder:wave 3:respondent 41:1`): a second message with a key
   * already queued is not queued again, and the first one's id is answered.
   */
  idempotencyKey?: string | undefined;
}

/** How long a worker's claim on a message holds before another worker may take it (longer than any SMTP timeout). */
const CLAIM_MS = 10 * 60_000;
const MAX_BACKOFF_MS = 6 * 3_600_000;
const BATCH = 20;
const EMAIL = /^[^\s@<>",;:\\()[\]]+@[^\s@<>",;:\\()[\]]+\.[^\s@<>",;:\\()[\]]+$/;

/** One line of header text: every control character (CR, LF, tab, NUL…) and bidi control becomes a space. */
export const headerText = (s: string): string =>
  s
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();

/** The retry wait after `attempts` failed attempts: retryMs, doubling each time, at most 6 hours. */
export const retryDelayMs = (attempts: number, retryMs: number): number =>
  Math.min(retryMs * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);

interface SendError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** A 5xx reply is permanent (the server will not take this message); anything else may work later. */
const permanent = (e: SendError) => typeof e.responseCode === 'number' && e.responseCode >= 500;
const describe = (e: SendError) =>
  (e.responseCode ? `${e.responseCode} ${e.response ?? ''}` : `${e.code ?? 'error'} ${e.message ?? ''}`)
    .trim()
    .slice(0, 500);

export interface EmailDeps {
  smtp: SmtpConfig | null;
  mail: MailConfig;
  logger: Logger;
}

export function createEmailService(db: Db, deps: EmailDeps) {
  const { smtp, mail } = deps;
  const log = deps.logger.child({ module: 'email' });
  const opts = { autoescape: false, throwOnUndefined: true };
  const textEnv = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATES), opts);
  const htmlEnv = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATES), { ...opts, autoescape: true });

  function render(template: string, data: Record<string, unknown>) {
    if (!/^[a-z][a-z0-9-]*$/.test(template))
      throw new AppError(400, 'invalid-email', `"${template}" is not an email template name.`);
    try {
      const subject = headerText(textEnv.render(`${template}.subject.njk`, data));
      return {
        subject,
        text: textEnv.render(`${template}.txt.njk`, data),
        html: htmlEnv.render(`${template}.html.njk`, { ...data, subject }),
      };
    } catch (e) {
      // A missing template or a field the template needs: the caller's mistake, named (no data values in the text).
      throw new AppError(500, 'email-template', `Email template ${template} could not be rendered: ${String(e)}`);
    }
  }

  /**
   * Queues a message (rendered now, so a template or data problem is the caller's error at once). Pass a transaction's
   * Kysely handle as `into` to queue it in that transaction. Answers the message id and whether it was queued now
   * (false: its idempotency key was queued before; the id is that message's).
   */
  async function enqueue(m: OutgoingEmail, into: Executor = db.kysely, now = new Date()) {
    const to = m.to.trim();
    if (!EMAIL.test(to)) throw new AppError(400, 'invalid-email', 'The recipient is not an email address.');
    const key = m.idempotencyKey ?? null;
    if (key !== null && (key === '' || key.length > 200))
      throw new AppError(400, 'invalid-email', 'An idempotency key is 1 to 200 characters.');
    const { subject, text, html } = render(m.template, m.data);
    const toName = m.toName ? headerText(m.toName) || null : null;
    const row = { template: m.template, to_address: to, to_name: toName, subject, body_text: text, body_html: html };
    const id = await repo.insert(into, { ...row, idempotency_key: key }, now.toISOString());
    if (id !== undefined) {
      log.info({ event: 'mail-queued', messageId: id, template: m.template }, 'mail queued');
      return { id, queued: true };
    }
    const existing = await repo.byKey(into, key!);
    log.info({ event: 'mail-duplicate', messageId: existing?.id, template: m.template }, 'mail already queued');
    return { id: existing!.id, queued: false };
  }

  let transport: Transporter | undefined;
  const transporter = (s: SmtpConfig) => {
    if (transport) return transport;
    // Pooled: one pass sends over a connection it keeps open, not one connection per message (about 8 messages a
    // second to a local server without, 70 to 100 with, measured on a busy shared machine).
    transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 2,
      host: s.host,
      port: s.port,
      secure: s.secure === 'tls',
      requireTLS: s.secure === 'starttls',
      ignoreTLS: s.secure === 'none',
      ...(s.user ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
      connectionTimeout: mail.timeoutMs,
      greetingTimeout: mail.timeoutMs,
      socketTimeout: mail.timeoutMs,
    });
    // A connection's late error (a timeout after the send was given up) is the send's failure, already handled.
    transport.on('error', () => {});
    return transport;
  };

  async function sendOne(s: SmtpConfig, m: ClaimedMessage): Promise<'sent' | 'retry' | 'dead'> {
    const fields = { messageId: m.id, template: m.template, attempt: m.attempts };
    let info: { messageId?: string };
    try {
      info = (await transporter(s).sendMail({
        from: mail.from!,
        to: m.to_name ? { name: m.to_name, address: m.to_address } : m.to_address,
        subject: m.subject,
        text: m.body_text ?? '',
        html: m.body_html ?? '',
        headers: { 'Auto-Submitted': 'auto-generated' },
      })) as { messageId?: string };
    } catch (e) {
      // The mail server's failure (a database failure below is not caught here: the pass stops and is tried again).
      const err = e as SendError;
      const dead = permanent(err) || m.attempts >= mail.maxAttempts;
      const now = new Date();
      const next = dead ? null : new Date(now.getTime() + retryDelayMs(m.attempts, mail.retryMs)).toISOString();
      await repo.markFailed(db, m.id, m.claim_token, describe(err), next, now.toISOString());
      const outcome = { event: dead ? 'mail-dead' : 'mail-retry', ...fields, smtpCode: err.responseCode ?? null };
      log.warn(
        { ...outcome, errorCode: err.code ?? null, nextAttemptAt: next },
        dead ? 'mail failed for good' : 'mail failed; will retry',
      );
      return dead ? 'dead' : 'retry';
    }
    await repo.markSent(db, m.id, m.claim_token, info.messageId ?? null, new Date().toISOString());
    log.info({ event: 'mail-sent', ...fields }, 'mail sent');
    return 'sent';
  }

  /**
   * One pass over the queue: claims what is due, a batch at a time, and tries each message once. Safe to run in any
   * number of processes at once (see repository.claim). Without SMTP configured it sends nothing.
   */
  async function sendQueued(limit = Number.POSITIVE_INFINITY) {
    const tally = { sent: 0, retry: 0, dead: 0 };
    if (!smtp || !mail.from) return tally;
    while (tally.sent + tally.retry + tally.dead < limit) {
      const now = new Date();
      const want = Math.min(BATCH, limit - (tally.sent + tally.retry + tally.dead));
      const token = randomBytes(12).toString('base64url');
      const claimed = await repo.claim(
        db,
        token,
        now.toISOString(),
        new Date(now.getTime() + CLAIM_MS).toISOString(),
        want,
      );
      for (const m of claimed) tally[await sendOne(smtp, m)]++;
      if (claimed.length < want) break;
    }
    return tally;
  }

  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<unknown> | undefined;
  let running = false;
  /** Runs sendQueued every SLI_MAIL_POLL_MS; a database or mail server that has gone away is logged and waited out. */
  function startWorker(): boolean {
    if (running || !smtp || !mail.from) return false;
    running = true;
    const tick = () => {
      pass = sendQueued()
        .catch((e: unknown) => {
          const why = isDatabaseUnavailable(e) ? 'database unavailable' : String((e as Error)?.name ?? 'error');
          log.warn({ event: 'mail-worker-pass-failed', reason: why }, 'mail worker pass failed; will try again');
        })
        .finally(() => {
          if (running) timer = setTimeout(tick, mail.pollMs);
        });
    };
    tick();
    log.info({ event: 'mail-worker-started', pollMs: mail.pollMs }, 'mail worker started');
    return true;
  }
  async function stopWorker(): Promise<void> {
    running = false;
    clearTimeout(timer);
    await pass;
    transport?.close();
    transport = undefined;
  }

  return {
    enqueue,
    /** Per-message status, for the caller that queued them (e.g. which invitations were sent). */
    status: (ids: number[]) => repo.byIds(db, ids),
    statusByKey: (key: string) => repo.byKey(db.kysely, key),
    /**
     * Erases the recipients' addresses and names of these messages (and discards those not yet sent): for a caller's
     * retention rule, in its transaction when given its Kysely. How many held an address.
     */
    erase: (ids: number[], into: Executor = db.kysely, now = new Date()) => repo.erase(into, ids, now.toISOString()),
    sendQueued,
    startWorker,
    stopWorker,
    /** Whether SMTP is configured (without it, messages stay queued). */
    configured: () => !!smtp && !!mail.from,
    async overview() {
      return {
        configured: !!smtp && !!mail.from,
        server: smtp ? `${smtp.host}:${smtp.port} (${smtp.secure})` : null,
        counts: await repo.counts(db),
        dead: await repo.deadLetters(db, 200),
      };
    },
    async retry(id: number, by: number) {
      if (!(await repo.requeue(db, id, new Date().toISOString())))
        throw new AppError(404, 'not-found', `There is no dead letter ${id}.`);
      log.info({ event: 'mail-requeued', messageId: id, by }, 'dead letter queued again');
    },
    async discard(id: number, by: number) {
      if (!(await repo.discard(db, id, new Date().toISOString())))
        throw new AppError(404, 'not-found', `There is no dead letter ${id}.`);
      log.info({ event: 'mail-discarded', messageId: id, by }, 'dead letter discarded');
    },
  };
}
export type EmailService = ReturnType<typeof createEmailService>;
