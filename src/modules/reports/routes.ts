import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { csvStream } from '../../platform/csv.ts';
import { CSVM, csvUrl, csvwResponse, describedBy } from '../../platform/csvw.ts';
import { problemResponses } from '../../platform/errors.ts';
import { conditional, download, NotModified, XLSX } from '../../platform/http.ts';
import type { HeadlineService } from './headline.ts';
import { Headline, HeadlineParams, HeadlineQuery, type HeadlineQueryT } from './schemas.ts';
import { headlineSpreadsheet } from './spreadsheet.ts';
import { HEADLINE_CSV, HEADLINE_CSV_COLUMNS, headlineCsvRows, headlineCsvw } from './csv.ts';
const headlineErrors = problemResponses(400, [
  404,
  'No such council, basket or group, or no key measure has data for the council',
]);

export function reportsRoutes(app: App, headlines: HeadlineService, lastModified: () => Promise<string | null>): void {
  // A custom group may be private: compared as its signed-in viewer may see it, and never through shared caches.
  const customGroup = (q: HeadlineQueryT) => (q.group ?? '').startsWith('custom-');
  const viewerOf = (req: FastifyRequest, q: HeadlineQueryT) => (customGroup(q) ? (req.user ?? undefined) : undefined);
  async function fresh(req: FastifyRequest, reply: FastifyReply, q: HeadlineQueryT): Promise<boolean> {
    if (!customGroup(q)) return conditional(req, reply, await lastModified());
    reply.header('cache-control', 'private, no-store');
    return false;
  }
  app.get(
    '/api/v1/areas/:code/headline.json',
    {
      schema: {
        tags: ['compare'],
        summary:
          "A council's headline report: the key measures by service area against a group, with ranks, medians, England, significance, direction, trends, sentences and caveats",
        params: HeadlineParams,
        querystring: HeadlineQuery,
        response: { 200: Headline, 304: NotModified, ...headlineErrors },
      },
    },
    async (req, reply) => {
      if (await fresh(req, reply, req.query)) return reply;
      return headlines.headline(req.params.code, req.query, viewerOf(req, req.query));
    },
  );
  app.get(
    '/api/v1/areas/:code/headline.csv',
    {
      schema: {
        tags: ['compare'],
        summary: 'The headline report as CSV, one row per measure',
        params: HeadlineParams,
        querystring: HeadlineQuery,
        response: {
          200: download('text/csv', 'The headline report, one row per measure', HEADLINE_CSV_COLUMNS),
          304: NotModified,
          ...headlineErrors,
        },
      },
    },
    async (req, reply) => {
      if (await fresh(req, reply, req.query)) return reply;
      const h = await headlines.headline(req.params.code, req.query, viewerOf(req, req.query));
      describedBy(req, reply);
      reply.header('content-disposition', `attachment; filename="headline-${h.area.code}.csv"`);
      reply.type('text/csv; charset=utf-8');
      return reply.send(csvStream(headlineCsvRows(h), HEADLINE_CSV));
    },
  );
  app.get(
    '/api/v1/areas/:code/headline.csv-metadata.json',
    {
      schema: {
        tags: ['compare'],
        summary:
          "The CSVW metadata of the headline report's CSV for the same query: its columns, licences, attribution and each measure's caveats",
        params: HeadlineParams,
        querystring: HeadlineQuery,
        produces: [CSVM],
        response: { 200: csvwResponse, 304: NotModified, ...headlineErrors },
      },
    },
    async (req, reply) => {
      if (await fresh(req, reply, req.query)) return reply;
      const h = await headlines.headline(req.params.code, req.query, viewerOf(req, req.query));
      reply.type(CSVM);
      return headlineCsvw(h, csvUrl(req));
    },
  );

  app.get(
    '/api/v1/areas/:code/headline.xlsx',
    {
      schema: {
        tags: ['compare'],
        summary:
          'The headline report as a spreadsheet: cover, contents, notes, ' +
          'one service area per worksheet (government spreadsheet guidance)',
        params: HeadlineParams,
        querystring: HeadlineQuery,
        response: {
          200: download(XLSX, 'The headline report as an XLSX workbook'),
          304: NotModified,
          ...headlineErrors,
        },
      },
    },
    async (req, reply) => {
      if (await fresh(req, reply, req.query)) return reply;
      const h = await headlines.headline(req.params.code, req.query, viewerOf(req, req.query));
      reply.header('content-disposition', `attachment; filename="headline-${h.area.code}.xlsx"`);
      reply.type(XLSX);
      return reply.send(await headlineSpreadsheet(h));
    },
  );
}
