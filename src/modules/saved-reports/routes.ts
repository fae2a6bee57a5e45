import type { App } from '../../platform/app-types.ts';
import { csvStream } from '../../platform/csv.ts';
import { CSVM, csvUrl, csvwResponse, describedBy } from '../../platform/csvw.ts';
import { problemResponses } from '../../platform/errors.ts';
import { download, NoContent, NotModified } from '../../platform/http.ts';
import { checkCsrf, requireRole, ROLES as SIGNED_IN } from '../accounts/index.ts';
import { ReportBody, ReportChanged, ReportList, ReportPatch, ReportSaved, ReportView, SlugParams } from './schemas.ts';
import type { SavedReportsService } from './service.ts';
import { cacheByVisibility } from './caching.ts';
import { REPORT_CSV, REPORT_CSV_COLUMNS, reportCsvRows, reportCsvw } from './csv.ts';

const NO_REPORT = 'No such report, or a private one of another user';
const readErrors = problemResponses(400, [404, NO_REPORT]);
const writeErrors = problemResponses(400, 401, 403, [404, NO_REPORT]);

export function savedReportsRoutes(app: App, reports: SavedReportsService): void {
  app.post(
    '/api/v1/reports',
    {
      schema: {
        tags: ['reports'],
        summary:
          'Save a report (registered users; x-csrf-token header): metrics, councils and/or a group, periods and a chart. Figures are re-computed on every view',
        body: ReportBody,
        response: { 201: ReportSaved, ...problemResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const user = requireRole(req, SIGNED_IN);
      checkCsrf(req);
      const r = await reports.create(user, req.body);
      return reply.status(201).header('location', r.links.self).header('cache-control', 'private, no-store').send(r);
    },
  );

  const mine = {
    tags: ['reports'],
    summary: 'Your saved reports (registered users)',
    response: { 200: ReportList, ...problemResponses(401) },
  };
  app.get('/api/v1/me/reports', { schema: mine }, async (req, reply) => {
    const user = requireRole(req, SIGNED_IN);
    reply.header('cache-control', 'private, no-store');
    return { reports: await reports.mine(user) };
  });

  const published = { tags: ['reports'], summary: 'Public saved reports, newest first', response: { 200: ReportList } };
  app.get('/api/v1/reports', { schema: published }, async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return { reports: await reports.listPublic() };
  });

  app.get(
    '/api/v1/reports/:slug',
    {
      schema: {
        tags: ['reports'],
        summary:
          'A saved report with its figures re-computed from the current published data. Private: owner, analysts and administrators; shared and public: anyone with the link',
        params: SlugParams,
        response: { 200: ReportView, 304: NotModified, ...readErrors },
      },
    },
    async (req, reply) => {
      const r = await reports.visible(req.params.slug, req.user ?? undefined);
      if (await cacheByVisibility(req, reply, r, () => reports.stamp(r), 'json')) return reply;
      return reports.view(r);
    },
  );

  app.get(
    '/api/v1/reports/:slug.csv',
    {
      schema: {
        tags: ['reports'],
        summary: "The report's figures as tidy CSV, one row per metric, period and council, with licence and source",
        params: SlugParams,
        response: {
          200: download('text/csv', 'One row per metric, period and council', REPORT_CSV_COLUMNS),
          304: NotModified,
          ...readErrors,
        },
      },
    },
    async (req, reply) => {
      const r = await reports.visible(req.params.slug, req.user ?? undefined);
      if (await cacheByVisibility(req, reply, r, () => reports.stamp(r), 'csv')) return reply;
      const v = await reports.view(r);
      describedBy(req, reply);
      reply.header('content-disposition', `attachment; filename="report-${r.slug}.csv"`);
      reply.type('text/csv; charset=utf-8');
      return reply.send(csvStream(reportCsvRows(v), REPORT_CSV));
    },
  );

  app.get(
    '/api/v1/reports/:slug.csv-metadata.json',
    {
      schema: {
        tags: ['reports'],
        summary:
          "The CSVW metadata of a saved report's CSV: its columns, licences, attribution and the metrics' caveats (the same access as the report)",
        params: SlugParams,
        produces: [CSVM],
        response: { 200: csvwResponse, 304: NotModified, ...readErrors },
      },
    },
    async (req, reply) => {
      const r = await reports.visible(req.params.slug, req.user ?? undefined);
      if (await cacheByVisibility(req, reply, r, () => reports.stamp(r), 'csv-metadata')) return reply;
      const v = await reports.view(r);
      reply.type(CSVM);
      return reportCsvw(v, csvUrl(req));
    },
  );

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api/v1/reports/:slug',
      schema: {
        tags: ['reports'],
        summary:
          method === 'PUT'
            ? 'Change a report: title, description, definition or visibility (its owner; x-csrf-token header)'
            : "Change some of a report's fields (its owner; x-csrf-token header)",
        params: SlugParams,
        body: ReportPatch,
        response: { 200: ReportChanged, ...writeErrors },
      },
      handler: async (req, reply) => {
        const user = requireRole(req, SIGNED_IN);
        checkCsrf(req);
        const r = await reports.update(user, req.params.slug, req.body);
        return reply.header('cache-control', 'private, no-store').send(r);
      },
    });
  }

  const remove = {
    tags: ['reports'],
    summary: 'Delete a report (its owner or an administrator; x-csrf-token header)',
    params: SlugParams,
    response: { 204: NoContent('Deleted'), ...writeErrors },
  };
  app.delete('/api/v1/reports/:slug', { schema: remove }, async (req, reply) => {
    const user = requireRole(req, SIGNED_IN);
    checkCsrf(req);
    await reports.remove(user, req.params.slug);
    return reply.status(204).send();
  });
}
