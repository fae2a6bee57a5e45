import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { capturedLogger } from '../../../test/helpers/log.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { parseMessage, startSmtp, type TestSmtp } from '../../../test/helpers/smtp.ts';
import { loadConfig } from '../../platform/config.ts';
import { createDb } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { createEmailService } from './index.ts';

const RESET = { name: 'Ada Lovelace', link: 'https://sli.example/reset/abc?x=1&y=2', hours: 2 };

describe('email: the queue, the worker and SMTP', () => {
  let db: TestDb;
  let smtp: TestSmtp;

  beforeAll(async () => {
    db = await createTestDb();
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await smtp.close();
    await db.drop();
  });
  beforeEach(async () => {
    smtp.reset();
    await db.kysely.deleteFrom('email_messages').execute();
  });

  const service = (env: Record<string, string> = {}, logger?: Logger, on = db) => {
    const config = loadConfig(
      { SLI_LOG_LEVEL: 'silent', ...smtp.env, SLI_MAIL_RETRY_MS: '0', ...env },
      { databaseUrl: db.url },
    );
    return createEmailService(on, { smtp: config.smtp, mail: config.mail, logger: logger ?? capturedLogger().logger });
  };
  const row = (id: number) =>
    db.kysely.selectFrom('email_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('sends a queued message as plain text and HTML with its headers, then erases its bodies', async () => {
    const email = service();
    const { id, queued } = await email.enqueue({
      to: 'ada@example.org',
      toName: 'Ada Lovelace',
      template: 'password-reset',
      data: RESET,
    });
    expect(queued).toBe(true);
    expect((await row(id)).status).toBe('queued');
    expect(smtp.received).toHaveLength(0); // queued, not sent, by the request
    expect(await email.sendQueued()).toEqual({ sent: 1, retry: 0, dead: 0 });
    const [got] = await smtp.waitFor(1);
    expect(got!.to).toEqual(['ada@example.org']);
    expect(got!.from).toBe('noreply@sli.example');
    const m = parseMessage(got!.raw);
    expect(m.header('subject')).toBe('Reset your password');
    expect(m.header('to')).toBe('Ada Lovelace <ada@example.org>');
    expect(m.header('from')).toBe('Sector improvement <noreply@sli.example>');
    expect(m.header('auto-submitted')).toBe('auto-generated');
    expect(m.text).toContain('Dear Ada Lovelace,');
    expect(m.text).toContain('https://sli.example/reset/abc?x=1&y=2');
    expect(m.html).toContain('<a href="https://sli.example/reset/abc?x=1&amp;y=2"');
    expect(m.html).toContain('<title>Reset your password</title>');
    const sent = await row(id);
    expect(sent.status).toBe('sent');
    expect(sent.body_text).toBeNull();
    expect(sent.body_html).toBeNull();
    expect(sent.smtp_message_id).toMatch(/^<.+>$/);
    expect((await email.status([id]))[0]).toMatchObject({ id, status: 'sent', attempts: 1 });
  });

  it('escapes data in the HTML part and keeps CR/LF in names and subjects out of the headers', async () => {
    const email = service();
    const evil = 'Eve\r\nBcc: spy@evil.example\r\nX-Injected: yes';
    await email.enqueue({
      to: 'bob@example.org',
      toName: evil,
      template: 'invitation',
      data: {
        name: '<b>Bob</b>',
        inviter: evil,
        roleText: 'an analyst',
        council: null,
        days: 7,
        link: 'https://sli.example/i/1',
      },
    });
    await email.sendQueued();
    const [got] = await smtp.waitFor(1);
    expect(got!.to).toEqual(['bob@example.org']);
    const m = parseMessage(got!.raw);
    expect(m.headers.has('bcc')).toBe(false);
    expect(m.headers.has('x-injected')).toBe(false);
    expect(m.header('subject')).toBe(
      'Eve Bcc: spy@evil.example X-Injected: yes invited you to the sector-led improvement service',
    );
    expect(m.header('to')).toContain('<bob@example.org>');
    expect(m.html).toContain('&lt;b&gt;Bob&lt;/b&gt;');
    expect(m.html).not.toContain('<b>Bob</b>');
    expect(m.text).toContain('Dear <b>Bob</b>,'); // plain text is not HTML
  });

  it('refuses a recipient that is not one address, and a template that does not exist', async () => {
    const email = service();
    for (const to of ['a@b.org, c@d.org', 'a@b.org\r\nBcc: c@d.org', 'nobody', '<a@b.org>'])
      await expect(email.enqueue({ to, template: 'password-reset', data: RESET })).rejects.toThrow(
        /not an email address/,
      );
    await expect(email.enqueue({ to: 'a@b.org', template: '../layout', data: {} })).rejects.toThrow(/template name/);
    await expect(email.enqueue({ to: 'a@b.org', template: 'no-such-thing', data: {} })).rejects.toThrow(
      /could not be rendered/,
    );
    await expect(email.enqueue({ to: 'a@b.org', template: 'password-reset', data: {} })).rejects.toThrow(
      /could not be rendered/,
    );
    expect(await db.kysely.selectFrom('email_messages').select('id').execute()).toHaveLength(0);
  });

  it('queues a message with an idempotency key once, and sends it once', async () => {
    const email = service();
    const key = 'survey-reminder:wave 3:respondent 41:1';
    const a = await email.enqueue({
      to: 'r@example.org',
      template: 'password-reset',
      data: RESET,
      idempotencyKey: key,
    });
    const b = await email.enqueue({
      to: 'r@example.org',
      template: 'password-reset',
      data: RESET,
      idempotencyKey: key,
    });
    expect(b).toEqual({ id: a.id, queued: false });
    await email.sendQueued();
    const c = await email.enqueue({
      to: 'r@example.org',
      template: 'password-reset',
      data: RESET,
      idempotencyKey: key,
    });
    expect(c).toEqual({ id: a.id, queued: false });
    await email.sendQueued();
    expect(smtp.received).toHaveLength(1);
    expect(await email.statusByKey(key)).toMatchObject({ id: a.id, status: 'sent' });
  });

  it("queues inside the caller's transaction: rolled back, nothing is sent", async () => {
    const email = service();
    await expect(
      withTransaction(db, async (tx) => {
        await email.enqueue({ to: 'x@example.org', template: 'password-reset', data: RESET }, tx.kysely);
        throw new Error('the caller failed');
      }),
    ).rejects.toThrow('the caller failed');
    const kept = await withTransaction(db, (tx) =>
      email.enqueue({ to: 'y@example.org', template: 'password-reset', data: RESET }, tx.kysely),
    );
    await email.sendQueued();
    expect(smtp.received.map((r) => r.to)).toEqual([['y@example.org']]);
    expect((await row(kept.id)).status).toBe('sent');
  });

  it('retries a message the server refuses for now (4xx) with a growing wait, then sends it', async () => {
    const email = service({ SLI_MAIL_RETRY_MS: '60000' });
    smtp.reply = (n) => (n === 1 ? { code: 451 } : undefined);
    const { id } = await email.enqueue({ to: 'later@example.org', template: 'password-reset', data: RESET });
    const before = Date.now();
    expect(await email.sendQueued()).toEqual({ sent: 0, retry: 1, dead: 0 });
    const r = await row(id);
    expect(r.status).toBe('queued');
    expect(r.last_error).toMatch(/^451 /);
    expect(Date.parse(r.next_attempt_at) - before).toBeGreaterThanOrEqual(59_000);
    expect(await email.sendQueued()).toEqual({ sent: 0, retry: 0, dead: 0 }); // not due yet
    await db.kysely
      .updateTable('email_messages')
      .set({ next_attempt_at: new Date(0).toISOString() })
      .execute();
    expect(await email.sendQueued()).toEqual({ sent: 1, retry: 0, dead: 0 });
    expect((await row(id)).attempts).toBe(2);
  });

  it('puts a message in the dead letters after its last attempt, or at once on a permanent refusal (5xx)', async () => {
    const email = service({ SLI_MAIL_MAX_ATTEMPTS: '3' });
    smtp.reply = () => ({ code: 421 });
    const a = await email.enqueue({ to: 'a@example.org', template: 'password-reset', data: RESET });
    const tallies = [
      await email.sendQueued(),
      await email.sendQueued(),
      await email.sendQueued(),
      await email.sendQueued(),
    ];
    expect(tallies).toEqual([
      { sent: 0, retry: 1, dead: 0 },
      { sent: 0, retry: 1, dead: 0 },
      { sent: 0, retry: 0, dead: 1 },
      { sent: 0, retry: 0, dead: 0 },
    ]);
    expect(await row(a.id)).toMatchObject({ status: 'dead', attempts: 3 });
    smtp.reply = () => ({ code: 550 });
    const b = await email.enqueue({ to: 'b@example.org', template: 'password-reset', data: RESET });
    expect(await email.sendQueued()).toEqual({ sent: 0, retry: 0, dead: 1 });
    expect(await row(b.id)).toMatchObject({ status: 'dead', attempts: 1 });
    expect((await row(b.id)).last_error).toMatch(/^550 /);
    // An administrator sends one again once the server takes mail, and discards the other.
    smtp.reply = () => undefined;
    await email.retry(a.id, 1);
    await email.discard(b.id, 1);
    expect(await email.sendQueued()).toEqual({ sent: 1, retry: 0, dead: 0 });
    expect(smtp.received.map((r) => r.to)).toEqual([['a@example.org']]);
    expect(await row(b.id)).toMatchObject({ status: 'discarded', body_text: null });
    await expect(email.retry(b.id, 1)).rejects.toThrow(/no dead letter/);
  });

  it('gives up on a server that does not answer in time, and tries again later', async () => {
    const email = service({ SLI_SMTP_TIMEOUT_MS: '300' });
    smtp.reply = (n) => (n === 1 ? { code: 451, delayMs: 1500 } : undefined);
    const { id } = await email.enqueue({ to: 'slow@example.org', template: 'password-reset', data: RESET });
    expect(await email.sendQueued()).toEqual({ sent: 0, retry: 1, dead: 0 });
    expect((await row(id)).last_error).toMatch(/timeout/i);
    await email.stopWorker();
  });

  it('keeps messages queued while the mail server is down, and sends them when it is back', async () => {
    const down = await startSmtp();
    const port = down.port;
    await down.close();
    const email = service({ SLI_SMTP_PORT: String(port) });
    const { id } = await email.enqueue({ to: 'wait@example.org', template: 'password-reset', data: RESET });
    expect(await email.sendQueued()).toEqual({ sent: 0, retry: 1, dead: 0 });
    expect((await row(id)).last_error).toMatch(/ECONNREFUSED|ECONNECTION/);
    const up = service();
    expect(await up.sendQueued()).toEqual({ sent: 1, retry: 0, dead: 0 });
  });

  it('sends each message once when two workers on two connections run at the same time', async () => {
    const other = createDb(db.url);
    try {
      const a = service();
      const b = service({}, undefined, Object.assign(other, { url: db.url, drop: async () => {} }));
      const n = 40;
      for (let i = 0; i < n; i++) await a.enqueue({ to: `r${i}@example.org`, template: 'password-reset', data: RESET });
      const [ta, tb] = await Promise.all([a.sendQueued(), b.sendQueued()]);
      expect(ta.sent + tb.sent).toBe(n);
      const addresses = smtp.received.map((r) => r.to[0]).sort();
      expect(addresses).toHaveLength(n);
      expect(new Set(addresses).size).toBe(n);
      const rows = await db.kysely.selectFrom('email_messages').select(['status', 'attempts']).execute();
      expect(rows.every((r) => r.status === 'sent' && Number(r.attempts) === 1)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('leaves messages queued when no mail server is configured', async () => {
    const config = loadConfig({ SLI_LOG_LEVEL: 'silent' }, { databaseUrl: db.url });
    const email = createEmailService(db, { smtp: config.smtp, mail: config.mail, logger: capturedLogger().logger });
    expect(email.configured()).toBe(false);
    const { id } = await email.enqueue({ to: 'q@example.org', template: 'password-reset', data: RESET });
    expect(await email.sendQueued()).toEqual({ sent: 0, retry: 0, dead: 0 });
    expect(email.startWorker()).toBe(false);
    expect((await row(id)).status).toBe('queued');
  });

  it('logs the message id, template and outcome, never the address or the body', async () => {
    const { logger, lines } = capturedLogger();
    const email = service({ SLI_MAIL_MAX_ATTEMPTS: '2' }, logger);
    smtp.reply = (n) => (n === 1 ? { code: 451 } : n === 2 ? undefined : { code: 554 });
    const a = await email.enqueue({ to: 'secret.person@example.org', template: 'password-reset', data: RESET });
    await email.sendQueued();
    await email.sendQueued();
    await email.enqueue({ to: 'other.secret@example.org', template: 'password-reset', data: RESET });
    await email.sendQueued();
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/secret|example\.org|sli\.example\/reset|Ada/);
    expect(lines.map((l) => l.event)).toEqual(['mail-queued', 'mail-retry', 'mail-sent', 'mail-queued', 'mail-dead']);
    expect(lines[2]).toMatchObject({ messageId: a.id, template: 'password-reset', attempt: 2 });
    expect(lines[4]).toMatchObject({ smtpCode: 554 });
  });

  it('keeps its worker running through a pass that fails, and sends once the database answers again', async () => {
    const { logger, lines } = capturedLogger();
    const email = service({ SLI_MAIL_POLL_MS: '50' }, logger);
    await email.enqueue({ to: 'patient@example.org', template: 'password-reset', data: RESET });
    // The queue's table goes away under the worker (as the database would), then comes back.
    await sql`ALTER TABLE email_messages RENAME TO email_messages_away`.execute(db.kysely);
    try {
      expect(email.startWorker()).toBe(true);
      const until = Date.now() + 10_000;
      while (!lines.some((l) => l.event === 'mail-worker-pass-failed') && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20));
      expect(lines.filter((l) => l.event === 'mail-worker-pass-failed').length).toBeGreaterThan(0);
    } finally {
      await sql`ALTER TABLE email_messages_away RENAME TO email_messages`.execute(db.kysely);
    }
    const [got] = await smtp.waitFor(1);
    expect(got!.to).toEqual(['patient@example.org']);
    await email.stopWorker();
  });

  it('runs a worker in the web service that sends what requests queue', async () => {
    const app = await createTestApp(db, { ...smtp.env, SLI_MAIL_POLL_MS: '50' });
    try {
      // Queued by another handle (as a request would), sent by the app's own worker.
      await service().enqueue({ to: 'worker@example.org', template: 'password-reset', data: RESET });
      const [got] = await smtp.waitFor(1);
      expect(got!.to).toEqual(['worker@example.org']);
    } finally {
      await app.close();
    }
  });
});

describe('email: the administrators’ page', () => {
  let db: TestDb;
  let smtp: TestSmtp;
  let as: Record<'owner' | 'analyst' | 'admin', Signed>;
  let app: Awaited<ReturnType<typeof createTestApp>>;
  let dead: number;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    smtp = await startSmtp();
    smtp.reply = () => ({ code: 550 });
    app = await createTestApp(db, { ...smtp.env, SLI_MAIL_WORKER: 'false' });
    as = await signInEveryRole(db, app);
    const config = loadConfig({ SLI_LOG_LEVEL: 'silent', ...smtp.env }, { databaseUrl: db.url });
    const email = createEmailService(db, { smtp: config.smtp, mail: config.mail, logger: capturedLogger().logger });
    dead = (await email.enqueue({ to: 'bounced@example.org', template: 'password-reset', data: RESET })).id;
    await email.sendQueued();
  });
  afterAll(async () => {
    await app.close();
    await smtp.close();
    await db.drop();
  });
  afterEach(() => {
    smtp.reply = () => undefined;
  });

  const get = (who?: Signed) =>
    app.inject({
      method: 'GET',
      url: '/admin/email',
      headers: { accept: 'text/html', ...(who ? { cookie: who.cookie } : {}) },
    });
  const post = (who: Signed, action: string, csrf = who.csrf) =>
    app.inject({
      method: 'POST',
      url: `/admin/email/${dead}/${action}`,
      headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: new URLSearchParams({ _csrf: csrf }).toString(),
    });

  it('GET /admin/email sends a visitor to sign in and refuses council users and analysts', async () => {
    const visitor = await get();
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe('/sign-in?next=%2Fadmin%2Femail');
    expect((await get(as.owner)).statusCode).toBe(403);
    expect((await get(as.analyst)).statusCode).toBe(403);
  });

  it('GET /admin/email shows an administrator the server, the counts and the dead letters', async () => {
    const res = await get(as.admin);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.body).toContain(`Mail is sent through 127.0.0.1:${smtp.port} (none)`);
    expect(res.body).toContain('bounced@example.org');
    expect(res.body).toContain('550 ');
  });

  it('POST /admin/email/:id/retry needs the administrator and the CSRF token, then queues the message again', async () => {
    expect((await post(as.analyst, 'retry')).statusCode).toBe(403);
    expect((await post(as.admin, 'retry', 'wrong')).statusCode).toBe(403);
    const res = await post(as.admin, 'retry');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/email?done=retry');
    const r = await db.kysely
      .selectFrom('email_messages')
      .select(['status', 'attempts'])
      .where('id', '=', dead)
      .executeTakeFirstOrThrow();
    expect(r).toMatchObject({ status: 'queued' });
    expect((await post(as.admin, 'discard')).statusCode).toBe(404); // only a dead letter can be discarded
  });

  it('says when mail is not configured', async () => {
    const bare = await createTestApp(db);
    try {
      const admin = await (
        await import('../../../test/helpers/auth.ts')
      ).signIn(bare, 'admin@example.org', 'correct horse battery');
      const res = await bare.inject({ method: 'GET', url: '/admin/email', headers: { cookie: admin.cookie } });
      expect(res.body).toContain('Mail is not configured: messages are queued but not sent.');
    } finally {
      await bare.close();
    }
  });
});
