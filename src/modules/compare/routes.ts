import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { csvStream } from '../../platform/csv.ts';
import { CSVM, csvUrl, csvwResponse, describedBy } from '../../platform/csvw.ts';
import { problemResponses } from '../../platform/errors.ts';
import { conditional, download, NotModified, XLSX, noStore } from '../../platform/http.ts';
import { Comparison, CompareQuery } from './schemas.ts';
import type { CompareService } from './service.ts';
import { COMPARE_CSV, COMPARE_CSV_COLUMNS, comparisonCsvRows, comparisonCsvw } from './csv.ts';
import { comparisonSpreadsheet } from './spreadsheet.ts';

const compareErrors = problemResponses(
  400,
  [404, 'No such group, or the metric has no published data'],
  [422, 'The metric does not apply to this council'],
);

export function compareRoutes(app: App, compare: CompareService): void {
  /** Public comparisons are cacheable; one with a custom group (perhaps private, perhaps deleted) never is. */
  const notModified = async (group: string, req: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    if (group.startsWith('custom-')) {
      noStore(reply);
      return false;
    }
    return conditional(req, reply, await compare.lastModified());
  };

  app.get(
    '/api/v1/compare.json',
    {
      schema: {
        tags: ['compare'],
        summary:
          "A council compared with a group on one metric for one period: group statistics, every member's rank, quartile, distance, significance and direction of travel",
        querystring: CompareQuery,
        response: { 200: Comparison, 304: NotModified, ...compareErrors },
      },
    },
    async (req, reply) => {
      if (await notModified(req.query.group, req, reply)) return reply;
      return compare.compare(req.query, req.user ?? undefined);
    },
  );

  app.get(
    '/api/v1/compare.csv',
    {
      schema: {
        tags: ['compare'],
        summary: 'The same comparison as tidy CSV, one row per council',
        querystring: CompareQuery,
        response: {
          200: download('text/csv', 'The comparison, one row per council', COMPARE_CSV_COLUMNS),
          304: NotModified,
          ...compareErrors,
        },
      },
    },
    async (req, reply) => {
      if (await notModified(req.query.group, req, reply)) return reply;
      const c = await compare.compare(req.query, req.user ?? undefined);
      describedBy(req, reply);
      reply.header('content-disposition', `attachment; filename="compare-${c.metric.id}-${c.area.code}.csv"`);
      reply.type('text/csv; charset=utf-8');
      return reply.send(csvStream(comparisonCsvRows(c), COMPARE_CSV));
    },
  );

  app.get(
    '/api/v1/compare.csv-metadata.json',
    {
      schema: {
        tags: ['compare'],
        summary:
          "The CSVW metadata of /api/v1/compare.csv for the same query: its columns, licence, attribution and the metric's caveats",
        querystring: CompareQuery,
        produces: [CSVM],
        response: { 200: csvwResponse, 304: NotModified, ...compareErrors },
      },
    },
    async (req, reply) => {
      if (await notModified(req.query.group, req, reply)) return reply;
      const c = await compare.compare(req.query, req.user ?? undefined);
      reply.type(CSVM);
      return comparisonCsvw(c, csvUrl(req));
    },
  );

  app.get(
    '/api/v1/compare.xlsx',
    {
      schema: {
        tags: ['compare'],
        summary:
          'The same comparison as a spreadsheet in the government layout: cover, contents, notes with the caveats, then the councils, the group statistics and the trend',
        querystring: CompareQuery,
        produces: [XLSX],
        response: {
          200: download(XLSX, 'The comparison as an XLSX workbook'),
          304: NotModified,
          ...compareErrors,
        },
      },
    },
    async (req, reply) => {
      if (await notModified(req.query.group, req, reply)) return reply;
      const c = await compare.compare(req.query, req.user ?? undefined);
      reply.header('content-disposition', `attachment; filename="compare-${c.metric.id}-${c.area.code}.xlsx"`);
      reply.type(XLSX);
      return reply.send(await comparisonSpreadsheet(c));
    },
  );
}
