import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { cookiesOf, signIn, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, testMetric, type FixtureRow } from '../../../test/helpers/fixtures.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import type { App } from '../../platform/app-types.ts';
import { AppError } from '../../platform/errors.ts';
import { runImport } from '../imports/index.ts';
import { capturedLogger } from '../../../test/helpers/log.ts';
import { createAccountsService, LOGIN_LIMIT } from './index.ts';
import { servicesFor } from '../../app/services.ts';

const PASSWORD = 'correct horse battery staple';
const USERS = {
  council: { email: 'officer@trafford.example', name: 'Council Officer', role: 'council', council: 'E08000009' },
  analyst: { email: 'analyst@sector.example', name: 'Sector Analyst', role: 'analyst' },
  admin: { email: 'admin@sector.example', name: 'Administrator', role: 'admin' },
} as const;
type Who = 'visitor' | keyof typeof USERS;

describe('accounts, roles and access', () => {
  let db: TestDb;
  let app: App;
  let flagId: number;
  const as: Partial<Record<Who, Signed>> = {};

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    // A screening with one flag: Trafford is bottom of the metropolitan districts on both fixture measures.
    const codes = (
      await db.kysely
        .selectFrom('areas')
        .select('code')
        .where('type', '=', 'E08')
        .where('valid_to', 'is', null)
        .execute()
    ).map((r) => r.code);
    const rows: FixtureRow[] = codes.flatMap((c, i) =>
      [2021, 2022].flatMap(
        (y) =>
          [
            ['acc.a', c, y, c === 'E08000009' ? 1 : 50 + i],
            ['acc.b', c, y, c === 'E08000009' ? 1 : 50 + i],
          ] as FixtureRow[],
      ),
    );
    const metrics = ['acc.a', 'acc.b'].map((m) => testMetric(m, { applicableAreaTypes: ['E06', 'E08', 'E09', 'E10'] }));
    await runImport(db, { adapter: fixtureAdapter(metrics, rows), files: [], publish: true });
    const sector = servicesFor(db).sector;
    await sector.loadBasket({
      id: 'acc',
      version: '1',
      name: 'b',
      description: 'fixture',
      baseline: '2021-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [
        { metric: 'acc.a', why: 't' },
        { metric: 'acc.b', why: 't' },
      ],
    });
    const ew = servicesFor(db).earlyWarning;
    await ew.load({
      id: 'sector-early-warning',
      version: '1',
      name: 'Fixture rules',
      description: 'fixture',
      rules: [
        {
          id: 'bottom',
          type: 'bottom-quartile',
          statement: 'Bottom quarter on both.',
          params: { basket: 'acc', k: 2, group: 'same-type' },
        },
      ],
    });
    await ew.screen();
    flagId = (await ew.results({})).flags[0]!.id;

    const accounts = servicesFor(db).accounts;
    for (const u of Object.values(USERS)) await accounts.addUser({ ...u, password: PASSWORD });
    app = await createTestApp(db);
    for (const [who, u] of Object.entries(USERS)) as[who as Who] = await signIn(app, u.email, PASSWORD);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const headers = (who: Who, extra: Record<string, string> = {}) =>
    who === 'visitor' ? extra : { cookie: as[who]!.cookie, ...extra };
  const csrfOf = (who: Who) => (who === 'visitor' ? 'none' : as[who]!.csrf);

  it('refuses bad users with a message per field, and never stores a password in clear', async () => {
    const accounts = servicesFor(db).accounts;
    const err = await accounts
      .addUser({ email: 'not-an-email', name: ' ', password: 'short', role: 'boss' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).errors.map((e) => e.field)).toEqual(['email', 'name', 'role', 'password']);
    const council = await accounts
      .addUser({ email: 'x@y.example', name: 'X', password: PASSWORD, role: 'council', council: 'E99999999' })
      .catch((e: unknown) => e);
    expect((council as AppError).errors).toEqual([
      { field: 'council', value: 'E99999999', message: 'is not a council code we know' },
    ]);
    const dup = await accounts
      .addUser({ ...USERS.analyst, email: 'ANALYST@sector.example', password: PASSWORD })
      .catch((e: unknown) => e);
    expect((dup as AppError).errors[0]).toMatchObject({ field: 'email', message: 'already has an account' });
    const stored = await db.kysely.selectFrom('users').select('password_hash').execute();
    for (const s of stored) expect(s.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored.some((s) => s.password_hash.includes(PASSWORD))).toBe(false);
  });

  it('signs in through a CSRF-protected form and sets a Secure, HttpOnly, SameSite session cookie', async () => {
    const form = await app.inject({ method: 'GET', url: '/sign-in' });
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const post = (payload: Record<string, string>, cookie = cookiesOf(form)) =>
      app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(payload).toString(),
      });
    expect((await post({ email: USERS.analyst.email, password: PASSWORD, _csrf: 'forged' })).statusCode).toBe(403);
    // no cookie to match
    expect((await post({ email: USERS.analyst.email, password: PASSWORD, _csrf: token }, '')).statusCode).toBe(403);
    const wrong = await post({ email: USERS.analyst.email, password: 'wrong password!!', _csrf: token });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('Enter a correct email address and password.');
    const ok = await post({ email: USERS.analyst.email, password: PASSWORD, _csrf: token, next: '//evil.example/x' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/account'); // never an open redirect
    const set = [ok.headers['set-cookie']].flat().find((c) => String(c).startsWith('sli_session='))!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/Secure/);
    expect(set).toMatch(/SameSite=Lax/);
  });

  it('slows failed sign-ins per address, even with the right password, says when to try again, and lets it in then', async () => {
    const accounts = servicesFor(db).accounts;
    await accounts.addUser({ email: 'target@sector.example', name: 'Target', role: 'analyst', password: PASSWORD });
    const now = new Date();
    for (let i = 0; i < LOGIN_LIMIT; i++)
      await expect(
        accounts.signIn('target@sector.example', 'guess number ' + i, '10.0.0.1', now),
      ).rejects.toMatchObject({ status: 401 });
    const blocked = await accounts.signIn('target@sector.example', PASSWORD, '10.0.0.2', now).catch((e: unknown) => e);
    expect(blocked).toMatchObject({ status: 429, code: 'too-many-attempts', headers: { 'retry-after': '1' } });
    expect((blocked as AppError).message).toBe('Too many failed sign-in attempts. Try again in 1 second.');
    // The wait passes: sign-in works again.
    const later = new Date(now.getTime() + 1000);
    await expect(accounts.signIn('target@sector.example', PASSWORD, '10.0.0.2', later)).resolves.toMatchObject({
      user: { email: 'target@sector.example' },
    });
  });

  it('logs each sign-in, failure and lock-out with the user id and role, not the email, password, token or IP', async () => {
    const { logger, lines } = capturedLogger();
    const accounts = createAccountsService(db, { areas: servicesFor(db).areas, logger });
    const email = 'logged@sector.example';
    const ip = '192.0.2.7';
    const id = await accounts.addUser({ email, name: 'Logged', role: 'analyst', password: PASSWORD });
    const { token } = await accounts.signIn(email, PASSWORD, ip);
    await expect(accounts.signIn('nobody@sector.example', PASSWORD, ip)).rejects.toMatchObject({ status: 401 });
    for (let i = 0; i < LOGIN_LIMIT; i++) {
      await expect(accounts.signIn(email, `wrong guess ${i}`, ip)).rejects.toMatchObject({ status: 401 });
    }
    await expect(accounts.signIn(email, PASSWORD, ip)).rejects.toMatchObject({ status: 429 });

    const events = lines.map((l) => ({
      event: l.event,
      level: l.level,
      module: l.module,
      userId: l.userId,
      role: l.role,
    }));
    const info = { level: 30, module: 'accounts' };
    expect(events[0]).toEqual({ ...info, event: 'sign-in', userId: id, role: 'analyst' });
    expect(events[1]).toEqual({ ...info, event: 'sign-in-failed', userId: null, role: null });
    expect(events[2]).toEqual({ ...info, event: 'sign-in-failed', userId: id, role: 'analyst' });
    expect(lines.slice(1, 3).map((l) => l.reason)).toEqual(['unknown-email', 'wrong-password']);
    expect(events.at(-1)).toMatchObject({ event: 'sign-in-locked-out', level: 40, module: 'accounts' });
    expect(lines).toHaveLength(3 + LOGIN_LIMIT);
    // The client is followed by a short keyed hash of its address, the same on every line.
    expect(new Set(lines.map((l) => l.client)).size).toBe(1);
    expect(lines[0]!.client).toMatch(/^[0-9a-f]{12}$/);
    const text = JSON.stringify(lines);
    for (const secret of [email, 'nobody@sector.example', PASSWORD, 'wrong guess', token, ip]) {
      expect(text).not.toContain(secret);
    }
  });

  // Every protected route, for every role: [method, url, body?] → expected status per role.
  const ROUTES: {
    name: string;
    method: 'GET' | 'POST';
    url: () => string;
    json?: object;
    form?: boolean;
    expect: Record<Who, number>;
  }[] = [
    {
      name: 'early-warning API',
      method: 'GET',
      url: () => '/api/v1/sector/early-warning.json',
      expect: { visitor: 401, council: 403, analyst: 200, admin: 200 },
    },
    {
      name: 'screening run API',
      method: 'POST',
      url: () => '/api/v1/sector/early-warning/runs',
      expect: { visitor: 401, council: 403, analyst: 201, admin: 201 },
    },
    {
      name: 'annotation API',
      method: 'POST',
      url: () => `/api/v1/sector/early-warning/flags/${flagId}/annotations`,
      json: { text: 'Support offered' },
      expect: { visitor: 401, council: 403, analyst: 201, admin: 201 },
    },
    {
      name: 'early-warning page',
      method: 'GET',
      url: () => '/sector/early-warning',
      expect: { visitor: 303, council: 403, analyst: 200, admin: 200 },
    },
    {
      name: 'screening run form',
      method: 'POST',
      url: () => '/sector/early-warning/runs',
      form: true,
      expect: { visitor: 401, council: 403, analyst: 303, admin: 303 },
    },
    {
      name: 'annotation form',
      method: 'POST',
      url: () => `/sector/early-warning/flags/${flagId}/annotations`,
      form: true,
      expect: { visitor: 401, council: 403, analyst: 303, admin: 303 },
    },
    {
      name: 'who am I',
      method: 'GET',
      url: () => '/api/v1/me',
      expect: { visitor: 401, council: 200, analyst: 200, admin: 200 },
    },
    {
      name: 'account page',
      method: 'GET',
      url: () => '/account',
      expect: { visitor: 303, council: 200, analyst: 200, admin: 200 },
    },
    {
      name: 'public rules',
      method: 'GET',
      url: () => '/api/v1/sector/rules',
      expect: { visitor: 200, council: 200, analyst: 200, admin: 200 },
    },
    {
      name: 'public council page',
      method: 'GET',
      url: () => '/areas/E08000009',
      expect: { visitor: 200, council: 200, analyst: 200, admin: 200 },
    },
  ];
  for (const r of ROUTES) {
    for (const who of ['visitor', 'council', 'analyst', 'admin'] as const) {
      it(`${r.name}: ${who} gets ${r.expect[who]}`, async () => {
        const res = await app.inject({
          method: r.method,
          url: r.url(),
          headers: headers(
            who,
            r.json
              ? { 'content-type': 'application/json', 'x-csrf-token': csrfOf(who) }
              : r.form
                ? { 'content-type': 'application/x-www-form-urlencoded' }
                : r.method === 'POST'
                  ? { 'x-csrf-token': csrfOf(who) }
                  : {},
          ),
          ...(r.json
            ? { payload: JSON.stringify(r.json) }
            : r.form
              ? { payload: new URLSearchParams({ _csrf: csrfOf(who), text: 'Peer challenge booked' }).toString() }
              : {}),
        });
        expect(res.statusCode, res.body.slice(0, 300)).toBe(r.expect[who]);
        if (r.expect[who] === 303 && who === 'visitor') expect(res.headers.location).toMatch(/^\/sign-in\?next=/);
      });
    }
  }

  it('refuses a signed-in write without the CSRF token', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/sector/early-warning/flags/${flagId}/annotations`,
      headers: headers('analyst', { 'content-type': 'application/json' }),
      payload: { text: 'x' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'csrf' });
  });

  it('shows analysts the flags with evidence and the notes added, and keeps results private', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/sector/early-warning.json',
      headers: headers('analyst'),
    });
    expect(res.headers['cache-control']).toBe('private, no-store');
    const body = res.json() as {
      flags: {
        id: number;
        area: { code: string; name: string };
        evidence: { summary: string };
        annotations: { author: string; text: string }[];
      }[];
      lastRun: { councils: number };
    };
    expect(body.flags.map((f) => f.area.code)).toContain('E08000009');
    expect(body.flags.every((f) => f.evidence.summary.length > 0)).toBe(true);
    const annotated = body.flags.find((f) => f.id === flagId)!;
    expect(annotated.annotations.map((a) => [a.author, a.text])).toEqual(
      expect.arrayContaining([
        ['Sector Analyst', 'Support offered'],
        ['Administrator', 'Peer challenge booked'],
      ]),
    );
    const page = await app.inject({ method: 'GET', url: '/sector/early-warning', headers: headers('analyst') });
    expect(page.body).toContain(annotated.area.name);
    expect(page.body).toContain('Support offered');
  });

  it('signing out ends the session, and a disabled user can neither sign in nor keep a session', async () => {
    const mine = await signIn(app, USERS.admin.email, PASSWORD);
    const out = await app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: { cookie: mine.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(mine.csrf)}`,
    });
    expect(out.statusCode).toBe(303);
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: mine.cookie } })).statusCode).toBe(
      401,
    );
    const accounts = servicesFor(db).accounts;
    const council = await signIn(app, USERS.council.email, PASSWORD);
    await accounts.setDisabled(USERS.council.email, true);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: council.cookie } })).statusCode,
    ).toBe(401);
    await expect(accounts.signIn(USERS.council.email, PASSWORD, '10.0.0.9')).rejects.toMatchObject({ status: 401 });
  });
});
