import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { cookiesOf, signIn, signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { capturedLogger } from '../../../test/helpers/log.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { parseMessage, startSmtp, type TestSmtp } from '../../../test/helpers/smtp.ts';
import { servicesFor } from '../../app/services.ts';
import type { App } from '../../platform/app-types.ts';
import { createEmailService } from '../email/index.ts';
import { loadConfig } from '../../platform/config.ts';
import { createAreasService } from '../areas/index.ts';
import { createOnboarding, MAIL_REQUESTS_PER_ADDRESS } from './index.ts';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new long passphrase';
const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };

describe('invitations, password resets, self-registration and the users pages', () => {
  let db: TestDb;
  let app: App;
  let smtp: TestSmtp;
  let as: Record<'owner' | 'other' | 'analyst' | 'admin', Signed>;
  const send = () => servicesFor(db, smtp.env).email.sendQueued();

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    smtp = await startSmtp();
    app = await createTestApp(db, { ...smtp.env, SLI_MAIL_WORKER: 'false', SLI_PUBLIC_URL: 'https://sli.example' });
    as = await signInEveryRole(db, app);
  });
  afterAll(async () => {
    await app.close();
    await smtp.close();
    await db.drop();
  });
  beforeEach(() => smtp.reset());

  /** The link in the one message that arrived (text part), as a path on this service. */
  async function linkFromMail(): Promise<{ path: string; to: string; subject: string }> {
    await send();
    const [got] = await smtp.waitFor(1);
    const m = parseMessage(got!.raw);
    const url = /https:\/\/sli\.example(\/password\/[\w-]+)/.exec(m.text ?? '')?.[1];
    expect(url, m.text).toBeDefined();
    expect(m.html).toContain(`https://sli.example${url!}`);
    smtp.reset();
    return { path: url!, to: got!.to[0]!, subject: m.header('subject')! };
  }

  /** A visitor's form: the page's CSRF cookie and token, then the POST. */
  async function visitorPost(page: string, action: string, fields: Record<string, string>) {
    const g = await app.inject({ method: 'GET', url: page, headers: { accept: 'text/html' } });
    expect(g.statusCode, page).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(g.body)![1]!;
    return app.inject({
      method: 'POST',
      url: action,
      headers: { ...form, cookie: cookiesOf(g) },
      payload: new URLSearchParams({ ...fields, _csrf: token }).toString(),
    });
  }
  // The CSRF cookie and token of any visitor's form will do (the link's own page may be gone).
  const setPassword = (path: string, password: string, confirm = password) =>
    visitorPost('/forgot-password', path, { password, confirm });
  const adminPost = (url: string, fields: Record<string, string>, who: Signed = as.admin) =>
    app.inject({
      method: 'POST',
      url,
      headers: { ...form, cookie: who.cookie },
      payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
    });

  it('the administrators’ pages send a visitor to sign in and refuse council users and analysts', async () => {
    for (const url of ['/admin/users', '/admin/users/invite', '/admin/council-domains']) {
      const visitor = await app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(visitor.statusCode, url).toBe(303);
      expect(visitor.headers.location).toBe(`/sign-in?next=${encodeURIComponent(url)}`);
      for (const who of [as.owner, as.analyst])
        expect((await app.inject({ method: 'GET', url, headers: { cookie: who.cookie } })).statusCode, url).toBe(403);
      const ok = await app.inject({ method: 'GET', url, headers: { cookie: as.admin.cookie } });
      expect(ok.statusCode, url).toBe(200);
      expect(ok.headers['cache-control']).toContain('no-store');
    }
    for (const url of ['/admin/users/invite', '/admin/council-domains', '/admin/users/1/disable']) {
      expect((await adminPost(url, {}, as.analyst)).statusCode, url).toBe(403);
      expect((await adminPost(url, { _csrf: 'wrong' })).statusCode, url).toBe(403);
    }
    for (const url of ['/forgot-password', '/register', '/sign-in'])
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
  });

  it('an administrator invites a council user, who chooses a password once and signs in', async () => {
    const res = await adminPost('/admin/users/invite', {
      name: 'Nia Newcomer',
      email: 'Nia@Trafford.example',
      role: 'council',
      council: 'trafford council',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/users?done=invited');
    const list = await app.inject({ method: 'GET', url: '/admin/users', headers: { cookie: as.admin.cookie } });
    expect(list.body).toContain('Nia Newcomer (nia@trafford.example), council for Trafford');
    const mail = await linkFromMail();
    expect(mail.to).toBe('nia@trafford.example');
    expect(mail.subject).toBe('An Admin invited you to the sector-led improvement service');
    const page = await app.inject({ method: 'GET', url: mail.path });
    expect(page.statusCode).toBe(200);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toContain('Welcome, Nia Newcomer.');
    const weak = await setPassword(mail.path, 'password123');
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('There is a problem');
    const mismatch = await setPassword(mail.path, NEW_PASSWORD, 'something else entirely');
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('Enter the same password twice');
    const done = await setPassword(mail.path, NEW_PASSWORD);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/sign-in?done=password');
    const nia = await signIn(app, 'nia@trafford.example', NEW_PASSWORD);
    const me = (await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: nia.cookie } })).json();
    expect(me).toMatchObject({ role: 'council', council: { code: 'E08000009' }, name: 'Nia Newcomer' });
    expect((await app.inject({ method: 'GET', url: mail.path })).statusCode).toBe(410);
    const forged = await app.inject({ method: 'GET', url: `/password/${'x'.repeat(43)}` });
    expect(forged.statusCode).toBe(410);
  });

  it('an invitation names what is wrong: the address, an existing account, a council user without a council', async () => {
    const bad = await adminPost('/admin/users/invite', { name: '', email: 'not-an-address', role: 'council' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter an email address in the correct format');
    expect(bad.body).toContain('Enter their full name');
    expect(bad.body).toMatch(/<a href="#council">Enter the name of their council, such as Trafford<\/a>/);
    const form = await adminPost('/admin/users/invite', {}, as.admin);
    expect(form.body).not.toMatch(/GSS code/);
    // A council by name: a name that fits none is said in the summary and at the field, which keeps what was typed;
    // a name that fits several offers them to choose from.
    const misspelt = { name: 'Nia', email: 'nia2@trafford.example', role: 'council', council: 'Trafforf' };
    const unknown = await adminPost('/admin/users/invite', misspelt);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toMatch(/<a href="#council">No council is called “Trafforf”: check the spelling/);
    expect(unknown.body).toMatch(
      /<input class="govuk-input govuk-!-width-one-half govuk-input--error" id="council" name="council" type="text" value="Trafforf"[^>]*data-autocomplete="areas"/,
    );
    const several = await adminPost('/admin/users/invite', { ...misspelt, council: 'Kingston' });
    expect(several.body).toMatch(/<a href="#council">More than one council is called “Kingston”: choose one/);
    expect(several.body).toContain('id="council" name="council" type="radio" value="E06000010"');
    expect(several.body).toContain('value="E09000021"');
    const taken = await adminPost('/admin/users/invite', { name: 'X', email: 'analyst@example.org', role: 'analyst' });
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('There is already an account for this email address');
    await send();
    expect(smtp.received).toHaveLength(0);
  });

  it('a password reset is sent to an address with an account only, answers the same, and ends old sessions', async () => {
    const unknown = await visitorPost('/forgot-password', '/forgot-password', { email: 'nobody@example.org' });
    const known = await visitorPost('/forgot-password', '/forgot-password', { email: 'Other@Example.org' });
    expect(unknown.statusCode).toBe(200);
    expect(known.statusCode).toBe(200);
    const page = (body: string) => body.replace(/name="_csrf" value="[^"]+"/g, '');
    expect(page(unknown.body)).toBe(page(known.body));
    const mail = await linkFromMail();
    expect(mail.to).toBe('other@example.org');
    expect(smtp.received).toHaveLength(0);
    const before = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: as.other.cookie } });
    expect(before.statusCode).toBe(200);
    expect((await setPassword(mail.path, NEW_PASSWORD)).statusCode).toBe(303);
    const after = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: as.other.cookie } });
    expect(after.statusCode).toBe(401);
    await expect(signIn(app, 'other@example.org', PASSWORD)).rejects.toThrow(/sign-in failed/);
    as.other = await signIn(app, 'other@example.org', NEW_PASSWORD);
    expect((await setPassword(mail.path, 'yet another long passphrase')).statusCode).toBe(410);
  });

  it('a reset link expires, and requests for one address are throttled', async () => {
    const s = servicesFor(db, smtp.env);
    await s.onboarding.requestReset(
      'owner@example.org',
      '192.0.2.1',
      'https://sli.example',
      new Date(Date.now() - 2 * 3_600_000),
    );
    const old = await linkFromMail();
    expect((await app.inject({ method: 'GET', url: old.path })).statusCode).toBe(410);
    expect((await setPassword(old.path, NEW_PASSWORD)).statusCode).toBe(410);
    for (let i = 0; i < MAIL_REQUESTS_PER_ADDRESS + 2; i++)
      await s.onboarding.requestReset('analyst@example.org', `192.0.2.${10 + i}`, 'https://sli.example');
    await send();
    expect(smtp.received).toHaveLength(MAIL_REQUESTS_PER_ADDRESS);
    // Only the newest link works: each request retires the ones before.
    const paths = smtp.received.map((r) => /(\/password\/[\w-]+)/.exec(parseMessage(r.raw).text!)![1]!);
    expect((await app.inject({ method: 'GET', url: paths[0]! })).statusCode).toBe(410);
    expect((await app.inject({ method: 'GET', url: paths.at(-1)! })).statusCode).toBe(200);
  });

  it('self-registration works for an address on a council’s registered domain, after the address is confirmed', async () => {
    const refused = await visitorPost('/register', '/register', {
      name: 'Sam Self',
      email: 'sam@trafford.gov.example',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Addresses at trafford.gov.example cannot register themselves');
    const badDomain = await adminPost('/admin/council-domains', { domain: 'not a domain', council: 'E08000009' });
    expect(badDomain.statusCode).toBe(400);
    expect(badDomain.body).toContain('Enter an email domain');
    const page0 = await app.inject({
      method: 'GET',
      url: '/admin/council-domains',
      headers: { cookie: as.admin.cookie },
    });
    expect(page0.body).toMatch(/<label class="govuk-label govuk-label--s" for="council">Council<\/label>/);
    expect(page0.body).toContain('/static/autocomplete.js');
    const unnamed = await adminPost('/admin/council-domains', { domain: 'trafford.gov.example', council: '' });
    expect(unnamed.statusCode).toBe(400);
    expect(unnamed.body).toMatch(/<a href="#council">Enter the name of their council/);
    const unknown = await adminPost('/admin/council-domains', { domain: 'trafford.gov.example', council: 'Trafforf' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toMatch(/<a href="#council">No council is called “Trafforf”/);
    expect(unknown.body).toContain('value="Trafforf"');
    const added = await adminPost('/admin/council-domains', { domain: '@Trafford.gov.example', council: 'Trafford' });
    expect(added.headers.location).toBe('/admin/council-domains?done=added');
    expect(
      (await adminPost('/admin/council-domains', { domain: 'trafford.gov.example', council: 'E08000003' })).statusCode,
    ).toBe(409);
    const page = await app.inject({
      method: 'GET',
      url: '/admin/council-domains',
      headers: { cookie: as.admin.cookie },
    });
    expect(page.body).toContain('trafford.gov.example');
    const ok = await visitorPost('/register', '/register', { name: 'Sam Self', email: 'sam@trafford.gov.example' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Check your email');
    expect(
      (await db.kysely.selectFrom('users').select('id').where('email', '=', 'sam@trafford.gov.example').execute())
        .length,
    ).toBe(0);
    const mail = await linkFromMail();
    expect(mail.subject).toBe('Confirm your email address');
    const confirm = await app.inject({ method: 'GET', url: mail.path });
    expect(confirm.body).toContain('your address is confirmed');
    expect((await setPassword(mail.path, NEW_PASSWORD)).statusCode).toBe(303);
    const sam = await signIn(app, 'sam@trafford.gov.example', NEW_PASSWORD);
    const me = (await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: sam.cookie } })).json();
    expect(me).toMatchObject({ role: 'council', council: { code: 'E08000009' } });
    // Registering again with the same address sends nothing new.
    await visitorPost('/register', '/register', { name: 'Sam Self', email: 'sam@trafford.gov.example' });
    await send();
    expect(smtp.received).toHaveLength(0);
    const removed = await adminPost('/admin/council-domains/remove', { domain: 'trafford.gov.example' });
    expect(removed.headers.location).toBe('/admin/council-domains?done=removed');
  });

  it('an administrator disables a user (signed out at once) and enables them again, but not themselves', async () => {
    const owner = await db.kysely
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'owner@example.org')
      .executeTakeFirstOrThrow();
    const res = await adminPost(`/admin/users/${owner.id}/disable`, {});
    expect(res.headers.location).toBe('/admin/users?done=disabled');
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: as.owner.cookie } })).statusCode,
    ).toBe(401);
    await expect(signIn(app, 'owner@example.org', PASSWORD)).rejects.toThrow(/sign-in failed/);
    const list = await app.inject({ method: 'GET', url: '/admin/users', headers: { cookie: as.admin.cookie } });
    expect(list.body).toMatch(/Disabled[\s\S]*Enable<span class="govuk-visually-hidden"> Owner Officer/);
    expect((await adminPost(`/admin/users/${owner.id}/enable`, {})).headers.location).toBe('/admin/users?done=enabled');
    as.owner = await signIn(app, 'owner@example.org', PASSWORD);
    const me = await db.kysely
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'admin@example.org')
      .executeTakeFirstOrThrow();
    expect((await adminPost(`/admin/users/${me.id}/disable`, {})).statusCode).toBe(400);
    expect((await adminPost('/admin/users/999999/disable', {})).statusCode).toBe(404);
  });

  it('logs invitations, resets and registrations with ids and roles, never the address or the token', async () => {
    const { logger, lines } = capturedLogger();
    const config = loadConfig({ SLI_LOG_LEVEL: 'silent', ...smtp.env }, { databaseUrl: db.url });
    const email = createEmailService(db, { smtp: config.smtp, mail: config.mail, logger });
    const onboarding = createOnboarding(db, { areas: createAreasService(db), mailer: email, logger });
    await onboarding.invite(
      { email: 'logged@example.org', name: 'Logged Person', role: 'analyst' },
      { id: 1, name: 'A' },
      'https://sli.example',
    );
    await onboarding.requestReset('analyst@example.org', '198.51.100.1', 'https://sli.example');
    await onboarding.requestReset('ghost@example.org', '198.51.100.1', 'https://sli.example');
    await email.sendQueued();
    const tokens = smtp.received.map((r) => /\/password\/([\w-]+)/.exec(parseMessage(r.raw).text!)![1]!);
    await onboarding.setPassword(tokens[0]!, NEW_PASSWORD, NEW_PASSWORD);
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/@|Logged Person|198\.51/);
    for (const t of tokens) expect(text).not.toContain(t);
    expect(lines.map((l) => l.event)).toEqual(
      expect.arrayContaining(['invitation-sent', 'reset-requested', 'mail-sent', 'invitation-accepted']),
    );
    expect(lines.find((l) => l.event === 'reset-requested' && l.outcome === 'no-account')).toBeDefined();
  });
});
