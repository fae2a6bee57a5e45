/**
 * The saved-report pages: /reports (public reports, and yours), /reports/new (the builder), /reports/{slug} (the
 * report, re-computed), /embed/reports/{slug} (a widget other sites may frame, for shared and public reports only).
 * Thin handlers: access and rules are the service's, view models are view.ts's and builder.ts's.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { formatDateTime } from '../../platform/dates.ts';
import { AppError } from '../../platform/errors.ts';
import { contentSecurityPolicy } from '../../platform/security.ts';
import { checkCsrf, requireRole, type SessionUser, ROLES as SIGNED_IN } from '../accounts/index.ts';
import { AREA_FIELDS, fieldFor, formToBody, type Builder, type BuilderForm } from './builder.ts';
import type { SavedReportRow } from './repository.ts';
import { SlugParams } from './schemas.ts';
import type { SavedReportsService } from './service.ts';
import { reportSections } from './view.ts';

const Field = (max = 200) => Type.Optional(Type.String({ maxLength: max }));
const BuilderBody = Type.Object({
  title: Field(),
  description: Field(2000),
  chart: Field(20),
  metric1: Field(),
  metric2: Field(),
  metric3: Field(),
  metric4: Field(),
  area1: Field(),
  area2: Field(),
  area3: Field(),
  area4: Field(),
  group: Field(),
  groupId: Field(),
  periods: Field(),
  visibility: Field(20),
  _csrf: Field(100),
});
const VisibilityBody = Type.Object({ visibility: Type.String({ maxLength: 20 }), _csrf: Field(100) });
const CsrfBody = Type.Object({ _csrf: Field(100) });

/** Absolute links (embed code, permalinks) start from the configured public address, never a request header. */
const origin = (req: FastifyRequest) => req.server.publicOrigin();

export function savedReportsPages(app: App, reports: SavedReportsService, builder: Builder): void {
  const signInFirst = (req: FastifyRequest, reply: FastifyReply) =>
    reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);

  app.get('/reports', { schema: { hide: true } }, async (req, reply) => {
    const [list, mine] = await Promise.all([
      reports.listPublic(),
      req.user ? reports.mine(req.user) : Promise.resolve(null),
    ]);
    reply.header('cache-control', req.user ? 'private, no-store' : 'public, max-age=60').header('vary', 'cookie');
    return reply.view('reports.njk', { title: 'Saved reports', reports: list, mine });
  });

  const builderPage = async (
    reply: FastifyReply,
    user: SessionUser,
    form: BuilderForm,
    errors: { href: string; text: string; field: string }[] = [],
  ) => {
    reply.header('cache-control', 'private, no-store');
    const byField = Object.fromEntries(errors.map((e) => [e.field, e.text]));
    // Each council field as typed and matched, carrying the message of any refusal about it.
    const { fields } = await builder.councils(form);
    const councils = AREA_FIELDS.map((f) => {
      const field = fields[f] ?? null;
      const error = errors.find((e) => e.field === f)?.text;
      return { id: f, field: error ? { ...(field ?? { value: '', area: null, choices: [] }), error } : field };
    });
    return reply.view('report-new.njk', {
      title: errors.length ? 'Error: Build a report' : 'Build a report',
      form,
      errors,
      byField,
      councils,
      csrf: user.csrfToken,
      ...(await builder.options(user, form)),
    });
  };

  app.get('/reports/new', { schema: { hide: true } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    const user = requireRole(req, SIGNED_IN);
    return builderPage(reply, user, {
      chart: 'bar',
      periods: '',
      visibility: 'private',
      area1: user.council?.code ?? '',
    });
  });

  app.post('/reports/new', { schema: { hide: true, body: BuilderBody } }, async (req, reply) => {
    const user = requireRole(req, SIGNED_IN);
    checkCsrf(req);
    // Councils by name or code: each field that finds no council (or several) is said before anything is saved.
    const councils = await builder.councils(req.body);
    const { body, metricFields, areaFields } = formToBody(req.body, councils.found);
    const early = [
      ...(metricFields.length === 0 ? [{ field: 'metric1', text: 'Choose at least one measure' }] : []),
      ...councils.problems.map((p) => ({ field: p.field, text: p.message })),
    ];
    if (early.length)
      return builderPage(
        reply.status(400),
        user,
        req.body,
        early.map((e) => ({ ...e, href: `#${e.field}` })),
      );
    try {
      const r = await reports.create(user, body);
      return reply.redirect(`/reports/${r.slug}`, 303);
    } catch (e) {
      if (!(e instanceof AppError) || e.status !== 400) throw e;
      const errors = (e.errors.length ? e.errors : [{ field: 'title', message: e.message }]).map((x) => {
        const field = fieldFor(x, metricFields, req.body, areaFields);
        const label = x.field.replace(/^definition\./, '');
        return {
          field,
          href: `#${field === 'chart' ? 'chart' : field === 'visibility' ? 'visibility' : field}`,
          text: `${label}${x.value ? ` "${x.value}"` : ''}: ${x.message}`,
        };
      });
      return builderPage(reply.status(400), user, req.body, errors);
    }
  });

  /** Public and shared reports are the same for every visitor until data are published: served from the page cache. */
  const render = async (
    req: FastifyRequest,
    reply: FastifyReply,
    r: SavedReportRow,
    template: string,
    extra: (row: SavedReportRow) => object,
  ) => {
    const build = async () => {
      const v = await reports.view(r);
      const asAt = v.dataAsAt ? formatDateTime(v.dataAsAt) : null;
      return { title: v.report.title, v, asAt, sections: reportSections(v), origin: origin(req), ...extra(r) };
    };
    if (r.visibility === 'private' || req.user) {
      reply.header('cache-control', 'private, no-store');
      return reply.view(template, await build());
    }
    reply
      .header('cache-control', r.visibility === 'public' ? 'public, max-age=60' : 'public, no-cache')
      .header('vary', 'cookie');
    return reply.viewCached(`${template}|${r.slug}`, await reports.stamp(r), template, build);
  };

  app.get('/reports/:slug', { schema: { hide: true, params: SlugParams } }, async (req, reply) => {
    const r = await reports.visible(req.params.slug, req.user ?? undefined);
    const owner = reports.isOwner(r, req.user ?? undefined);
    return render(req, reply, r, 'report.njk', () => ({
      isOwner: owner,
      canDelete: owner || req.user?.role === 'admin',
      csrf: req.user?.csrfToken ?? null,
    }));
  });

  const visibilityForm = { hide: true, params: SlugParams, body: VisibilityBody };
  app.post('/reports/:slug/visibility', { schema: visibilityForm }, async (req, reply) => {
    const user = requireRole(req, SIGNED_IN);
    checkCsrf(req);
    await reports.update(user, req.params.slug, { visibility: req.body.visibility as 'private' });
    return reply.redirect(`/reports/${req.params.slug}#visibility`, 303);
  });

  const deleteForm = { hide: true, params: SlugParams, body: CsrfBody };
  app.post('/reports/:slug/delete', { schema: deleteForm }, async (req, reply) => {
    const user = requireRole(req, SIGNED_IN);
    checkCsrf(req);
    await reports.remove(user, req.params.slug);
    return reply.redirect('/reports', 303);
  });

  // The widget: table, chart, caveats, licence and a link to the data, without the site's navigation. Other sites may
  // frame it only when the report is shared or public; a private one is framed by this service alone and never cached.
  app.get('/embed/reports/:slug', { schema: { hide: true, params: SlugParams } }, async (req, reply) => {
    const r = await reports.visible(req.params.slug, req.user ?? undefined);
    reply.header('content-security-policy', contentSecurityPolicy(r.visibility === 'private' ? "'self'" : '*'));
    return render(req, reply, r, 'embed-report.njk', () => ({}));
  });
}
