import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSli } from './helpers/cli.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { parseMessage, startSmtp, type TestSmtp } from './helpers/smtp.ts';
import { servicesFor } from '../src/app/services.ts';

/** `sli` in its own process with the given environment added. */
const sli = (env: Record<string, string>, args: string[]) => runSli(null, args, { env });

describe('sli mail', () => {
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

  it('send-queued says mail is not configured without SLI_SMTP_HOST, and leaves the queue alone', async () => {
    await servicesFor(db).email.enqueue({
      to: 'cli@example.org',
      template: 'password-reset',
      data: { name: 'C', hours: 1, link: 'https://sli.example/password/x' },
    });
    const r = await sli({ SLI_DATABASE_URL: db.url }, ['mail', 'send-queued']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Mail is not configured');
    const status = await sli({ SLI_DATABASE_URL: db.url }, ['mail', 'status']);
    expect(status.stdout).toContain('queued\t1');
  });

  it('send-queued sends what is queued in one pass and says so', async () => {
    const r = await sli({ SLI_DATABASE_URL: db.url, ...smtp.env }, ['mail', 'send-queued']);
    expect(r.stdout).toBe('Sent 1; 0 will be tried again; 0 failed for good (dead letters).\n');
    expect(r.status).toBe(0);
    expect(smtp.received.map((m) => m.to)).toEqual([['cli@example.org']]);
    expect(parseMessage(smtp.received[0]!.raw).header('subject')).toBe('Reset your password');
  });
});
