/**
 * The pages of getting an account and getting back into one: /forgot-password, /register (addresses on a council's
 * domain), /password/{token} (the emailed link: choose a password), and the administrators' /admin/users (list,
 * invite, disable, enable) and /admin/council-domains. Forms only, no JavaScript; every POST checks the CSRF token.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { checkCsrf, csrfToken, pageFor, requireRole } from './auth.ts';
import type { Onboarding } from './onboarding.ts';
import { ROLES } from './tables.ts';
import type { AccountsService } from './service.ts';

const Csrf = { _csrf: Type.String({ maxLength: 100 }) };
const Str = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const EmailForm = Type.Object({ ...Csrf, email: Str(320) });
const RegisterForm = Type.Object({ ...Csrf, email: Str(320), name: Str(200) });
const PasswordForm = Type.Object({ ...Csrf, password: Str(200), confirm: Str(200) });
const InviteForm = Type.Object({
  ...Csrf,
  email: Str(320),
  name: Str(200),
  role: Str(30),
  council: Str(200),
  politicalGroup: Str(300),
});
const DomainForm = Type.Object({ ...Csrf, domain: Str(253), council: Str(200) });
const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) });
const UserAction = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  action: Type.Union([Type.Literal('disable'), Type.Literal('enable')]),
});
const Done = Type.Object({ done: Str(40) });

/** Field errors of an AppError as the GOV.UK error summary's list and a message per field. */
function formErrors(e: unknown) {
  if (!(e instanceof AppError) || e.status >= 500 || e.status === 403) throw e;
  const list: FieldError[] = e.errors.length ? e.errors : [{ field: 'form', message: e.message }];
  return {
    status: e.status,
    errorList: list.map((x) => ({ text: x.message, href: `#${x.field}` })),
    fieldErrors: Object.fromEntries(list.map((x) => [x.field, x.message])),
  };
}

/** Pages that carry a token in their address: no Referer, not stored, not indexed. */
const privateLink = (reply: FastifyReply) =>
  reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store').header('x-robots-tag', 'noindex');

export function onboardingPages(
  app: App,
  deps: { onboarding: Onboarding; accounts: AccountsService; secure: boolean },
) {
  const { onboarding, accounts, secure } = deps;
  const csrf = (req: FastifyRequest, reply: FastifyReply) => csrfToken(req, reply, secure);
  /**
   * The council field shown again after a refusal: what was typed, matched (the council, or the choices of an
   * ambiguous name), carrying the refusal's message for it.
   */
  const councilAgain = async (text: string | undefined, message: string | undefined) => {
    const field = await onboarding.councilField(text);
    if (!message) return field;
    return { ...(field ?? { value: '', area: null, choices: [] }), error: message };
  };

  app.get('/forgot-password', { schema: { hide: true } }, async (req, reply) =>
    reply.view('forgot-password.njk', { csrf: csrf(req, reply), form: {} }),
  );
  app.post('/forgot-password', { schema: { hide: true, body: EmailForm } }, async (req, reply) => {
    checkCsrf(req);
    try {
      await onboarding.requestReset(req.body.email ?? '', req.ip, app.publicOrigin());
    } catch (e) {
      const f = formErrors(e);
      return reply.status(f.status).view('forgot-password.njk', { csrf: csrf(req, reply), form: req.body, ...f });
    }
    return reply.view('link-sent.njk', { title: 'Check your email', what: 'reset' });
  });

  app.get('/register', { schema: { hide: true } }, async (req, reply) =>
    reply.view('register.njk', { csrf: csrf(req, reply), form: {} }),
  );
  app.post('/register', { schema: { hide: true, body: RegisterForm } }, async (req, reply) => {
    checkCsrf(req);
    try {
      const input = { email: req.body.email ?? '', name: req.body.name ?? '' };
      await onboarding.register(input, req.ip, app.publicOrigin());
    } catch (e) {
      const f = formErrors(e);
      return reply.status(f.status).view('register.njk', { csrf: csrf(req, reply), form: req.body, ...f });
    }
    return reply.view('link-sent.njk', { title: 'Check your email', what: 'register' });
  });

  app.get('/password/:token', { schema: { hide: true, params: TokenParams } }, async (req, reply) => {
    privateLink(reply);
    const link = await onboarding.linkFor(req.params.token);
    if (!link) return reply.status(410).view('link-expired.njk', { title: 'This link has expired' });
    return reply.view('set-password.njk', { csrf: csrf(req, reply), link, token: req.params.token });
  });
  app.post(
    '/password/:token',
    { schema: { hide: true, params: TokenParams, body: PasswordForm } },
    async (req, reply) => {
      privateLink(reply);
      checkCsrf(req);
      try {
        await onboarding.setPassword(req.params.token, req.body.password ?? '', req.body.confirm ?? '');
      } catch (e) {
        if (e instanceof AppError && e.status === 410)
          return reply.status(410).view('link-expired.njk', { title: 'This link has expired' });
        const f = formErrors(e);
        const link = await onboarding.linkFor(req.params.token);
        return reply
          .status(f.status)
          .view('set-password.njk', { csrf: csrf(req, reply), link, token: req.params.token, ...f });
      }
      return reply.redirect('/sign-in?done=password', 303);
    },
  );

  // Administrators.
  app.get('/admin/users', { schema: { hide: true, querystring: Done } }, async (req, reply) => {
    if (!pageFor(req, reply, ['admin'])) return reply;
    const [users, invitations] = await Promise.all([accounts.listUsers(), onboarding.pendingInvitations()]);
    return reply.view('admin-users.njk', { title: 'Users', users, invitations, done: req.query.done });
  });
  app.post(
    '/admin/users/:id/:action',
    { schema: { hide: true, params: UserAction, body: Type.Object(Csrf) } },
    async (req, reply) => {
      const me = requireRole(req, ['admin']);
      checkCsrf(req);
      await onboarding.setDisabled(req.params.id, req.params.action === 'disable', me.id);
      return reply.redirect(`/admin/users?done=${req.params.action}d`, 303);
    },
  );
  app.get('/admin/users/invite', { schema: { hide: true } }, async (req, reply) => {
    if (!pageFor(req, reply, ['admin'])) return reply;
    return reply.view('admin-invite.njk', { title: 'Invite a user', form: { role: 'council' }, roles: ROLES });
  });
  app.post('/admin/users/invite', { schema: { hide: true, body: InviteForm } }, async (req, reply) => {
    const me = requireRole(req, ['admin']);
    checkCsrf(req);
    const b = req.body;
    try {
      const input = {
        email: b.email ?? '',
        name: b.name ?? '',
        role: b.role ?? '',
        council: b.council,
        politicalGroup: b.politicalGroup,
      };
      await onboarding.invite(input, me, app.publicOrigin());
    } catch (e) {
      const f = formErrors(e);
      const council = await councilAgain(b.council, f.fieldErrors.council);
      return reply
        .status(f.status)
        .view('admin-invite.njk', { title: 'Invite a user', form: b, council, roles: ROLES, ...f });
    }
    return reply.redirect('/admin/users?done=invited', 303);
  });

  app.get('/admin/council-domains', { schema: { hide: true, querystring: Done } }, async (req, reply) => {
    if (!pageFor(req, reply, ['admin'])) return reply;
    const domains = await onboarding.listDomains();
    return reply.view('admin-domains.njk', { title: 'Council email domains', domains, form: {}, done: req.query.done });
  });
  app.post('/admin/council-domains', { schema: { hide: true, body: DomainForm } }, async (req, reply) => {
    const me = requireRole(req, ['admin']);
    checkCsrf(req);
    try {
      await onboarding.addDomain(req.body.domain ?? '', req.body.council ?? '', me.id);
    } catch (e) {
      const f = formErrors(e);
      const domains = await onboarding.listDomains();
      const council = await councilAgain(req.body.council, f.fieldErrors.council);
      return reply
        .status(f.status)
        .view('admin-domains.njk', { title: 'Council email domains', domains, form: req.body, council, ...f });
    }
    return reply.redirect('/admin/council-domains?done=added', 303);
  });
  app.post('/admin/council-domains/remove', { schema: { hide: true, body: DomainForm } }, async (req, reply) => {
    const me = requireRole(req, ['admin']);
    checkCsrf(req);
    await onboarding.removeDomain(req.body.domain ?? '', me.id);
    return reply.redirect('/admin/council-domains?done=removed', 303);
  });
}
