import type { App } from '../../src/platform/app-types.ts';
import type { Db } from '../../src/platform/db.ts';
import { servicesFor } from '../../src/app/services.ts';

export interface Signed {
  cookie: string;
  csrf: string;
}

/** The cookies a response sets, as one Cookie header value (name=value pairs). */
export const cookiesOf = (res: { headers: Record<string, unknown> }): string =>
  ([res.headers['set-cookie']].flat().filter(Boolean) as string[]).map((c) => c.split(';')[0]).join('; ');

/**
 * Signs in through the real form (GET for the CSRF cookie and token, then POST), returning the session cookie and CSRF
 * token.
 */
export async function signIn(app: App, email: string, password: string): Promise<Signed> {
  const form = await app.inject({ method: 'GET', url: '/sign-in' });
  const csrfCookie = cookiesOf(form);
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
  if (!token) throw new Error('no CSRF token on the sign-in page');
  const res = await app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email, password, _csrf: token, next: '/account' }).toString(),
  });
  if (res.statusCode !== 303)
    throw new Error(`sign-in failed for ${email}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  const cookie = cookiesOf(res)
    .split('; ')
    .find((c) => c.startsWith('sli_session='))!;
  const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
  return { cookie, csrf: (me.json() as { csrfToken: string }).csrfToken };
}

/**
 * One registered user of each role, signed in: two council users (owner, "Owner Officer" of Trafford E08000009, and
 * other, "Other Officer" of Manchester E08000003), an analyst ("An Analyst") and an administrator ("An Admin").
 */
export async function signInEveryRole(
  db: Db,
  app: App,
): Promise<{ owner: Signed; other: Signed; analyst: Signed; admin: Signed }> {
  const accounts = servicesFor(db).accounts;
  const password = PASSWORD;
  await accounts.addUser({
    email: 'owner@example.org',
    name: 'Owner Officer',
    password,
    role: 'council',
    council: 'E08000009',
  });
  await accounts.addUser({
    email: 'other@example.org',
    name: 'Other Officer',
    password,
    role: 'council',
    council: 'E08000003',
  });
  await accounts.addUser({ email: 'analyst@example.org', name: 'An Analyst', password, role: 'analyst' });
  await accounts.addUser({ email: 'admin@example.org', name: 'An Admin', password, role: 'admin' });
  return {
    owner: await signIn(app, 'owner@example.org', password),
    other: await signIn(app, 'other@example.org', password),
    analyst: await signIn(app, 'analyst@example.org', password),
    admin: await signIn(app, 'admin@example.org', password),
  };
}

/** The password of the users these helpers add. */
export const PASSWORD = 'correct horse battery';

/** The programme office's user (po@example.org, "Office", password PASSWORD), as the services see it once signed in. */
export async function addProgrammeOffice(db: Db) {
  const email = 'po@example.org';
  const role = 'programme_office' as const;
  const id = await servicesFor(db).accounts.addUser({ email, name: 'Office', password: PASSWORD, role });
  return { id, email, name: 'Office', role, council: null, csrfToken: '' };
}
