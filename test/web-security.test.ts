/**
 * The HTTP-facing findings of the "fit for service" review: forged hosts and cached pages, sign-in throttling that can
 * be raced or spoofed, security headers, and hostile input that used to answer 500.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from './helpers/app.ts';
import { cookiesOf, signInEveryRole, type Signed } from './helpers/auth.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { fixtureAdapter, testMetric, type FixtureRow } from './helpers/fixtures.ts';
import { seedAreas } from './helpers/seed.ts';
import { apiPost, PERCEPTION_V1 } from './helpers/surveys.ts';
import type { App } from '../src/platform/app-types.ts';
import { runImport } from '../src/modules/imports/index.ts';
import {
  CLIENT_LIMIT,
  LOGIN_LIMIT,
  LOGIN_MAX_DELAY_SECONDS,
  loginDelaySeconds,
} from '../src/modules/accounts/index.ts';
import { servicesFor } from '../src/app/services.ts';

const PUBLIC = 'https://sli.example.org';
const GM = ['E08000001', 'E08000002', 'E08000003', 'E08000004', 'E08000005', 'E08000009'];
const METRIC = 'websec.outcome';
const PASSWORD = 'correct horse battery';
/** What an attacker sends to make the service think it is another site. */
const FORGED = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' };

describe('web security', () => {
  let db: TestDb;
  let app: App;
  let users: { owner: Signed; analyst: Signed; admin: Signed };

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const rows: FixtureRow[] = [2021, 2022].flatMap((y) =>
      GM.map((c, i) => [METRIC, c, y, 40 + i * 3 + y - 2021] as FixtureRow),
    );
    const r = await runImport(db, {
      adapter: fixtureAdapter([testMetric(METRIC, { title: 'Residents satisfied' })], rows),
      files: [],
      publish: true,
    });
    if (r.state !== 'published') throw new Error(r.message);
    app = await createTestApp(db, { SLI_PUBLIC_URL: PUBLIC });
    users = await signInEveryRole(db, app);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  describe('a forged host never reaches a page', () => {
    it('a public report served from the page cache links to the public address, whatever the first visitor sent', async () => {
      const saved = await apiPost(app, users.owner, '/api/v1/reports', {
        title: 'Satisfaction',
        visibility: 'public',
        definition: { metrics: [METRIC], areas: ['E08000009'], group: 'type:E08', chart: 'bar' },
      });
      expect(saved.statusCode, saved.body).toBe(201);
      const slug = (saved.json() as { slug: string }).slug;
      // The first visitor renders the page into the cache; the second is served from it.
      const forged = await app.inject({ method: 'GET', url: `/reports/${slug}`, headers: FORGED });
      const plain = await app.inject({ method: 'GET', url: `/reports/${slug}` });
      for (const res of [forged, plain]) {
        expect(res.statusCode).toBe(200);
        expect(res.body).not.toContain('evil.example');
        expect(res.body).toContain(`&lt;iframe src=&quot;${PUBLIC}/embed/reports/${slug}&quot;`);
      }
      expect(plain.headers.etag).toBe(forged.headers.etag);
      const embed = await app.inject({ method: 'GET', url: `/embed/reports/${slug}`, headers: FORGED });
      expect(embed.body).not.toContain('evil.example');
      expect(embed.body).toContain(`href="${PUBLIC}/reports/${slug}"`);
      // The owner's permalink too (never cached).
      const own = await app.inject({
        method: 'GET',
        url: `/reports/${slug}`,
        headers: { cookie: users.owner.cookie, ...FORGED },
      });
      expect(own.body).not.toContain('evil.example');
      expect(own.body).toContain(`value="${PUBLIC}/reports/${slug}"`);
    });

    it('the compare embed, publicly cacheable, and the compare page link to the public address', async () => {
      const q = `metric=${METRIC}&area=E08000009&group=type%3AE08`;
      const embed = await app.inject({ method: 'GET', url: `/embed/compare?${q}`, headers: FORGED });
      expect(embed.statusCode, embed.body.slice(0, 300)).toBe(200);
      expect(embed.headers['cache-control']).toBe('public, max-age=300');
      expect(embed.body).not.toContain('evil.example');
      expect(embed.body).toContain(`href="${PUBLIC}/compare?metric=${METRIC}`);
      const page = await app.inject({ method: 'GET', url: `/compare?${q}`, headers: FORGED });
      expect(page.body).not.toContain('evil.example');
      expect(page.body).toContain(`&lt;iframe src=&quot;${PUBLIC}/embed/compare?`);
      // The snippet that fits the frame trusts messages from the public address only.
      expect(page.body).toContain(`e.origin !== &#39;${PUBLIC}&#39;`);
    });

    it('survey links start from the public address', async () => {
      const def = await apiPost(app, users.analyst, '/api/v1/surveys/definitions', PERCEPTION_V1);
      expect(def.statusCode).toBeLessThan(300);
      const wave = await app.inject({
        method: 'POST',
        url: '/api/v1/surveys/waves',
        headers: { cookie: users.analyst.cookie, 'x-csrf-token': users.analyst.csrf, ...FORGED },
        payload: {
          survey: PERCEPTION_V1.code,
          version: 1,
          name: 'Open wave',
          mode: 'open',
          opensAt: new Date(Date.now() - 60_000).toISOString(),
          closesAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
      });
      expect(wave.statusCode, wave.body).toBe(201);
      const id = (wave.json() as { id: number }).id;
      const page = await app.inject({
        method: 'GET',
        url: `/surveys/${PERCEPTION_V1.code}/waves/${id}`,
        headers: { cookie: users.analyst.cookie, ...FORGED },
      });
      expect(page.statusCode, page.body.slice(0, 300)).toBe(200);
      expect(page.body).not.toContain('evil.example');
      expect(page.body).toContain(`${PUBLIC}/s/`);
    });
  });

  describe('sign-in throttling', () => {
    /** A sign-in form's CSRF cookie and token, then a POST of it (from `ip`, with any extra cookies and headers). */
    async function signInForm(ip: string, headers: Record<string, string> = {}) {
      const form = await app.inject({ method: 'GET', url: '/sign-in', remoteAddress: ip });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
      const cookie = cookiesOf(form);
      return (email: string, password: string, extra: Record<string, string> = {}) =>
        app.inject({
          method: 'POST',
          url: '/sign-in',
          remoteAddress: ip,
          headers: {
            ...headers,
            ...extra,
            cookie: [cookie, extra.cookie].filter(Boolean).join('; '),
            'content-type': 'application/x-www-form-urlencoded',
          },
          payload: new URLSearchParams({ email, password, _csrf: csrf, next: '/account' }).toString(),
        });
    }
    const addUser = (email: string, role = 'analyst') =>
      servicesFor(db).accounts.addUser({ email, name: email, role, password: PASSWORD });

    it('counts every attempt atomically: of 30 parallel wrong passwords for one address, only the limit are checked', async () => {
      await addUser('raced@websec.example');
      const post = await signInForm('198.51.100.1');
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => post('raced@websec.example', `wrong guess ${i}`)),
      );
      const seconds = (Date.now() - started) / 1000;
      const statuses = results.map((r) => r.statusCode);
      const checked = statuses.filter((s) => s === 401).length;
      // The limit, and no more than the waits of 1 s, 2 s, 4 s … that passed while the burst was being answered (none
      // when it is answered within a second). Counted by a read before each write, all 30 were checked.
      expect(checked).toBeGreaterThanOrEqual(LOGIN_LIMIT);
      expect(checked).toBeLessThanOrEqual(LOGIN_LIMIT + Math.floor(Math.log2(seconds + 1)));
      expect(statuses.filter((s) => s === 429)).toHaveLength(30 - checked);
      const row = await db.kysely
        .selectFrom('login_throttles')
        .select('attempts')
        .where('key', '=', 'email:raced@websec.example')
        .executeTakeFirstOrThrow();
      expect(Number(row.attempts)).toBe(checked);
      // The next attempt waits one second, no more: then the right password works.
      const refused = results.find((r) => r.statusCode === 429)!;
      const wait = Number(refused.headers['retry-after']);
      // (A second more at most: a refused request may have started before the one whose attempt began the wait.)
      expect(wait).toBeLessThanOrEqual(loginDelaySeconds(checked, LOGIN_LIMIT) + 1);
      await new Promise((r) => setTimeout(r, loginDelaySeconds(checked, LOGIN_LIMIT) * 1000 + 100));
      const ok = await post('raced@websec.example', PASSWORD);
      expect(ok.statusCode, ok.body.slice(0, 300)).toBe(303);
    });

    it('the wait grows 1 s, 2 s, 4 s … after the limit, up to a cap, and the right password works once it has passed', async () => {
      const accounts = servicesFor(db).accounts;
      await addUser('slowed@websec.example');
      let at = Date.now();
      let client = 0;
      // Each attempt from another address: the account's own count is what is shown.
      const attempt = (password: string) =>
        accounts.signIn('slowed@websec.example', password, `203.0.113.${++client}`, new Date(at));
      for (let i = 0; i < LOGIN_LIMIT; i++) await expect(attempt(`guess ${i}`)).rejects.toMatchObject({ status: 401 });
      const waits: number[] = [];
      for (let n = LOGIN_LIMIT; n < LOGIN_LIMIT + 12; n++) {
        const refused = await attempt('too soon').catch((e: unknown) => e);
        expect(refused).toMatchObject({ status: 429, code: 'too-many-attempts' });
        const wait = Number((refused as { headers: Record<string, string> }).headers['retry-after']);
        waits.push(wait);
        expect(wait).toBe(loginDelaySeconds(n, LOGIN_LIMIT));
        at += wait * 1000;
        await expect(attempt(`guess ${n}`)).rejects.toMatchObject({ status: 401 });
      }
      expect(waits.slice(0, 5)).toEqual([1, 2, 4, 8, 16]);
      expect(Math.max(...waits)).toBe(LOGIN_MAX_DELAY_SECONDS);
      at += LOGIN_MAX_DELAY_SECONDS * 1000;
      await expect(attempt(PASSWORD)).resolves.toMatchObject({ user: { email: 'slowed@websec.example' } });
      // A success starts the count again.
      for (let i = 0; i < LOGIN_LIMIT - 1; i++)
        await expect(attempt(`again ${i}`)).rejects.toMatchObject({ status: 401 });
      await expect(attempt(PASSWORD)).resolves.toBeDefined();
    });

    /** The attempts counted under a throttle key (0 when it has none). */
    const counted = async (key: string) =>
      Number(
        (await db.kysely.selectFrom('login_throttles').select('attempts').where('key', '=', key).executeTakeFirst())
          ?.attempts ?? 0,
      );
    /** The known-browser cookie a successful sign-in through the form sets, and its attributes. */
    async function knownCookie(email: string, ip: string) {
      const first = await (await signInForm(ip))(email, PASSWORD);
      expect(first.statusCode).toBe(303);
      const set = String([first.headers['set-cookie']].flat().find((c) => String(c).startsWith('sli_known=')));
      expect(set).toMatch(/Path=\/sign-in; .*HttpOnly; Secure; SameSite=Lax/);
      return decodeURIComponent(/^sli_known=([^;]+)/.exec(set)![1]!);
    }

    it('a browser the user signed in with before is not held up by guesses at the account from elsewhere', async () => {
      await addUser('victim@websec.example');
      const known = await knownCookie('victim@websec.example', '192.0.2.10');
      // Clock held still: the attacker's wait never passes during the test.
      const accounts = servicesFor(db).accounts;
      const now = new Date();
      const attacker = (password: string, knownClient?: string) =>
        accounts.signIn('victim@websec.example', password, { ip: '198.51.100.66', knownClient }, now);
      for (let i = 0; i < LOGIN_LIMIT; i++) await expect(attacker(`guess ${i}`)).rejects.toMatchObject({ status: 401 });
      await expect(attacker('another guess')).rejects.toMatchObject({ status: 429 });
      // The user's own browser signs straight in, from anywhere; a forged cookie does not help.
      await expect(
        accounts.signIn('victim@websec.example', PASSWORD, { ip: '203.0.113.99', knownClient: known }, now),
      ).resolves.toMatchObject({ user: { email: 'victim@websec.example' } });
      await expect(attacker(PASSWORD, `${known.split('.')[0]}.${'A'.repeat(43)}`)).rejects.toMatchObject({
        status: 429,
      });
      // And through the form: the browser's cookie reaches the service.
      const mine = await signInForm('192.0.2.10');
      const res = await mine('victim@websec.example', PASSWORD, { cookie: `sli_known=${encodeURIComponent(known)}` });
      expect(res.statusCode).toBe(303);
      // It went by the known browser's count: the attacker's count at the address stands.
      expect(await counted('email:victim@websec.example')).toBe(LOGIN_LIMIT);
    });

    it('keys the client limit on the socket address: a rotated X-Forwarded-For from an untrusted client changes nothing', async () => {
      for (let i = 0; i < 6; i++) {
        const post = await signInForm('198.51.100.2', { 'x-forwarded-for': `10.0.${i}.1` });
        expect((await post(`nobody${i}@websec.example`, 'wrong password')).statusCode).toBe(401);
      }
      expect(await counted('ip:198.51.100.2')).toBe(6);
      for (let i = 0; i < 6; i++) expect(await counted(`ip:10.0.${i}.1`)).toBe(0);
    });

    it('an admin at a client other users guessed from signs in from a browser used before, and waits seconds at most from a new one', async () => {
      await addUser('office-admin@websec.example', 'admin');
      const known = await knownCookie('office-admin@websec.example', '198.51.100.3');
      const accounts = servicesFor(db).accounts;
      const now = new Date();
      const from = (email: string, password: string, knownClient?: string) =>
        accounts.signIn(email, password, { ip: '198.51.100.3', knownClient }, now);
      for (let i = 0; i < CLIENT_LIMIT; i++)
        await expect(from(`colleague${i}@websec.example`, 'wrong password')).rejects.toMatchObject({ status: 401 });
      await expect(from('colleague@websec.example', 'wrong')).rejects.toMatchObject({ status: 429 });
      await expect(from('office-admin@websec.example', PASSWORD, known)).resolves.toBeDefined();
      const waited = await from('office-admin@websec.example', PASSWORD).catch((e: unknown) => e);
      expect(waited).toMatchObject({ status: 429, headers: { 'retry-after': '1' } });
      await expect(
        accounts.signIn('office-admin@websec.example', PASSWORD, '198.51.100.3', new Date(now.getTime() + 1000)),
      ).resolves.toBeDefined();
    });
  });

  describe('behind a trusted proxy', () => {
    let proxied: App;
    beforeAll(async () => {
      proxied = await createTestApp(db, {
        SLI_PUBLIC_URL: PUBLIC,
        SLI_TRUSTED_PROXIES: '10.20.0.0/16',
      });
    });
    afterAll(async () => proxied?.close());

    it('believes X-Forwarded-For and -Proto from the proxy only, and still never its X-Forwarded-Host', async () => {
      const sign = async (remoteAddress: string, forwardedFor: string, email: string) => {
        const form = await proxied.inject({ method: 'GET', url: '/sign-in', remoteAddress });
        const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
        return proxied.inject({
          method: 'POST',
          url: '/sign-in',
          remoteAddress,
          headers: {
            cookie: cookiesOf(form),
            'x-forwarded-for': forwardedFor,
            'content-type': 'application/x-www-form-urlencoded',
          },
          payload: new URLSearchParams({ email, password: 'wrong', _csrf: csrf }).toString(),
        });
      };
      // Through the proxy, each client has its own count; from elsewhere, X-Forwarded-For is not believed.
      for (let i = 0; i < 3; i++)
        expect((await sign('10.20.0.1', `192.0.2.${i}`, `p${i}@websec.example`)).statusCode).toBe(401);
      for (let i = 0; i < 3; i++)
        expect((await sign('198.51.100.9', `192.0.2.${i}`, `d${i}@websec.example`)).statusCode).toBe(401);
      const counts = async (key: string) =>
        Number(
          (await db.kysely.selectFrom('login_throttles').select('attempts').where('key', '=', key).executeTakeFirst())
            ?.attempts ?? 0,
        );
      expect([await counts('ip:192.0.2.0'), await counts('ip:192.0.2.1'), await counts('ip:192.0.2.2')]).toEqual([
        1, 1, 1,
      ]);
      expect(await counts('ip:198.51.100.9')).toBe(3);
      expect(await counts('ip:10.20.0.1')).toBe(0);
      const q = `metric=${METRIC}&area=E08000009&group=type%3AE08`;
      const embed = await proxied.inject({
        method: 'GET',
        url: `/embed/compare?${q}`,
        remoteAddress: '10.20.0.1',
        headers: { ...FORGED, 'x-forwarded-proto': 'https' },
      });
      expect(embed.body).not.toContain('evil.example');
      expect(embed.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    });
  });

  describe('headers', () => {
    const hashOf = (script: string) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`;

    it('every page has a script-src policy that allows each of its inline scripts by hash and nothing else inline', async () => {
      for (const url of ['/', '/metrics', '/sign-in', '/areas/E08000009', '/no-such-page']) {
        const res = await app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
        const csp = String(res.headers['content-security-policy']);
        const scriptSrc = /(?:^|; )script-src ([^;]+)/.exec(csp)?.[1] ?? '';
        expect(scriptSrc, url).toMatch(/^'self'( 'sha256-[\w+/=]+')*$/);
        expect(csp).toMatch(/(^|; )frame-ancestors 'self'($|;)/);
        expect(csp).toContain("object-src 'none'");
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
        const inline = [...res.body.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
        for (const s of inline) expect(scriptSrc, `${url}: ${s.slice(0, 60)}`).toContain(hashOf(s));
        expect(res.body).toContain('<script type="module" src="/static/init.js"></script>');
      }
    });

    it('nosniff everywhere, a referrer policy on every page, HSTS when the public address is HTTPS', async () => {
      for (const url of ['/', '/api/v1/areas', '/css/app.css', '/static/init.js', '/api/v1/nothing', '/healthz']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.headers['x-content-type-options'], url).toBe('nosniff');
        expect(res.headers['referrer-policy'], url).toBe('strict-origin-when-cross-origin');
        expect(res.headers['strict-transport-security'], url).toBe('max-age=31536000; includeSubDomains');
      }
      const init = await app.inject({ method: 'GET', url: '/static/init.js' });
      expect(init.headers['content-type']).toMatch(/javascript/);
    });

    it('the API documentation may not be framed', async () => {
      const docs = await app.inject({ method: 'GET', url: '/api/v1/docs' });
      expect(docs.statusCode).toBe(200);
      expect(docs.headers['content-security-policy']).toMatch(/(^|; )frame-ancestors 'none'($|;)/);
      expect(docs.headers['x-frame-options']).toBe('DENY');
    });
  });

  describe('hostile input is a 4xx, never a 500', () => {
    it('area types that name Object properties', async () => {
      for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        const res = await app.inject({ method: 'GET', url: `/api/v1/areas?type=${type}` });
        expect(res.statusCode, type).toBe(400);
        expect(res.json()).toMatchObject({ code: 'invalid-parameter', errors: [{ field: 'type' }] });
        expect(res.headers['cache-control']).toBe('no-store');
      }
    });

    it('numbers too large to hold', async () => {
      for (const url of ['/api/v1/areas?limit=1e309', '/api/v1/metrics?limit=1e309', '/api/v1/areas?offset=-1e999']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(400);
        expect(res.json()).toMatchObject({ code: 'invalid-parameter' });
      }
    });

    it('a CSRF field of non-ASCII characters, and a next address that is not ASCII', async () => {
      const form = await app.inject({ method: 'GET', url: '/sign-in' });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
      const post = (fields: Record<string, string>) =>
        app.inject({
          method: 'POST',
          url: '/sign-in',
          headers: { cookie: cookiesOf(form), 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(fields).toString(),
        });
      const accented = await post({ _csrf: 'é'.repeat(csrf.length), email: 'a@websec.example', password: 'x' });
      expect(accented.statusCode).toBe(403);
      await servicesFor(db).accounts.addUser({
        email: 'next@websec.example',
        name: 'Next',
        role: 'council',
        council: 'E08000009',
        password: PASSWORD,
      });
      for (const next of ['/∕∕evil.example', '/caf\u00e9', '/\u2028x']) {
        const res = await post({ _csrf: csrf, email: 'next@websec.example', password: PASSWORD, next });
        expect(res.statusCode, next).toBe(303);
        expect(res.headers.location).toBe('/account');
      }
      const page = await app.inject({ method: 'GET', url: `/sign-in?next=${encodeURIComponent('/∕∕x')}` });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('name="next" value="/account"');
    });

    it('a survey condition nested 5,000 deep is refused with the reason', async () => {
      const deep = '('.repeat(5000) + "{Q2} notcontains 'none'" + ')'.repeat(5000);
      const pages = structuredClone(PERCEPTION_V1.pages) as { elements: { name: string; visibleIf?: string }[] }[];
      pages[0]!.elements.find((e) => e.name === 'Q3')!.visibleIf = deep;
      const res = await apiPost(app, users.analyst, '/api/v1/surveys/definitions', {
        ...PERCEPTION_V1,
        code: 'deep-survey',
        pages,
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('nested too deeply');
      const notNot = 'not '.repeat(5000) + "{Q2} notcontains 'none'";
      pages[0]!.elements.find((e) => e.name === 'Q3')!.visibleIf = notNot;
      const again = await apiPost(app, users.analyst, '/api/v1/surveys/definitions', {
        ...PERCEPTION_V1,
        code: 'deep-survey',
        pages,
      });
      expect(again.statusCode).toBe(400);
      expect(again.body).toMatch(/nested too deeply|too long/);
    });
  });
});
