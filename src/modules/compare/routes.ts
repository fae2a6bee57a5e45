import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { problemResponses } from '../../platform/errors.ts';
import { conditional, download, NotModified } from '../../platform/http.ts';
import { Comparison, CompareQuery } from './schemas.ts';
import type { CompareService } from './service.ts';
import { COMPARE_CSV_COLUMNS, comparisonCsvRows } from './csv.ts';

const compareErrors = problemResponses(
  400,
  [404, 'No such group, or the metric has no published data'],
  [422, 'The metric does not apply to this council'],
);

export function compareRoutes(app: App, compare: CompareService): void {
  /** Public comparisons are cacheable; one with a custom group (perhaps private, perhaps deleted) never is. */
  const notModified = async (group: string, req: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    if (group.startsWith('custom-')) {
      reply.header('cache-control', 'private, no-store');
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
      reply.header('content-disposition', `attachment; filename="compare-${c.metric.id}-${c.area.code}.csv"`);
      reply.type('text/csv; charset=utf-8');
      return reply.send(
        Readable.from(comparisonCsvRows(c)).pipe(stringify({ header: true, columns: [...COMPARE_CSV_COLUMNS] })),
      );
    },
  );
}
