import type { App } from '../../src/platform/app.ts';

export interface Signed {
  cookie: string;
  csrf: string;
}

/** The cookies a response sets, as one Cookie header value (name=value pairs). */
export const cookiesOf = (res: { headers: Record<string, unknown> }): string =>
  ([res.headers['set-cookie']].flat().filter(Boolean) as string[]).map((c) => c.split(';')[0]).join('; ');

/** Signs in through the real form (GET for the CSRF cookie and token, then POST), returning the session cookie and CSRF token. */
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
  if (res.statusCode !== 303) throw new Error(`sign-in failed for ${email}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  const cookie = cookiesOf(res).split('; ').find((c) => c.startsWith('sli_session='))!;
  const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
  return { cookie, csrf: (me.json() as { csrfToken: string }).csrfToken };
}
