/** The accounts pages: sign in (rate limited by the service), sign out, and the signed-in user's account page. */
import type { App } from '../../platform/app-types.ts';
import { AppError } from '../../platform/errors.ts';
import { checkCsrf, cookieOptions, csrfToken, SESSION_COOKIE } from './auth.ts';
import { SignInForm, SignInQuery } from './schemas.ts';
import { KNOWN_CLIENT_DAYS, type AccountsService } from './service.ts';

/**
 * Only a path on this service, in plain ASCII: never an absolute or protocol-relative address (no open redirect), and
 * nothing a Location header cannot carry (`/∕∕x` goes to the account page, not to a 500).
 */
const safeNext = (next: unknown): string =>
  typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/account';

/** The cookie that marks a browser the user signed in with before (see LOGIN_LIMIT): sent to the sign-in form only. */
const KNOWN_COOKIE = 'sli_known';

export function accountsPages(app: App, accounts: AccountsService, secure: boolean): void {
  app.get('/sign-in', { schema: { hide: true, querystring: SignInQuery } }, async (req, reply) =>
    reply.view('sign-in.njk', {
      csrf: csrfToken(req, reply, secure),
      next: safeNext(req.query.next),
      email: '',
      done: req.query.done,
    }),
  );

  app.post('/sign-in', { schema: { hide: true, body: SignInForm } }, async (req, reply) => {
    checkCsrf(req);
    try {
      const { token, expiresAt, knownClient } = await accounts.signIn(req.body.email, req.body.password, {
        ip: req.ip,
        knownClient: req.cookies[KNOWN_COOKIE],
      });
      void reply.setCookie(SESSION_COOKIE, token, cookieOptions(secure, expiresAt));
      const remembered = new Date(Date.now() + KNOWN_CLIENT_DAYS * 86_400_000);
      void reply.setCookie(KNOWN_COOKIE, knownClient, { ...cookieOptions(secure, remembered), path: '/sign-in' });
      return reply.redirect(safeNext(req.body.next), 303);
    } catch (e) {
      if (!(e instanceof AppError) || (e.status !== 401 && e.status !== 429)) throw e;
      for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
      return reply.status(e.status).view('sign-in.njk', {
        csrf: csrfToken(req, reply, secure),
        next: safeNext(req.body.next),
        email: req.body.email,
        problem: e.message,
      });
    }
  });

  app.post('/sign-out', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req);
    const token = req.cookies[SESSION_COOKIE];
    if (token) await accounts.signOut(token);
    void reply.clearCookie(SESSION_COOKIE, cookieOptions(secure));
    return reply.redirect('/', 303);
  });

  app.get('/account', { schema: { hide: true } }, async (req, reply) => {
    if (!req.user) return reply.redirect(`/sign-in?next=${encodeURIComponent('/account')}`, 303);
    return reply.view('account.njk', { me: req.user });
  });
}
