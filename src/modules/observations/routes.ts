import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { csvChunks } from '../../platform/csv.ts';
import { AppError, problemResponses } from '../../platform/errors.ts';
import { conditional, download, NotModified } from '../../platform/http.ts';
import { CSV_COLUMNS, toCsvRecord, type ObservationsService } from './service.ts';
import { BulkParams, BulkQuery, DataQuery, DataResponse, type DataQueryT } from './schemas.ts';

function csvReply(
  reply: FastifyReply,
  rows: Iterable<(string | number | null)[]> | AsyncIterable<(string | number | null)[]>,
  filename: string,
) {
  reply.header('content-disposition', `attachment; filename="${filename}"`);
  reply.type('text/csv; charset=utf-8');
  return reply.send(Readable.from(csvChunks(CSV_COLUMNS, rows)));
}

const TIDY_CSV = 'Tidy CSV: one observation per row, licence and source on every row';
const dataCsv = download('text/csv', TIDY_CSV, CSV_COLUMNS);
const dataErrors = problemResponses(400, [413, 'More observations than one request may return: narrow it or download']);

export function observationsRoutes(app: App, service: ObservationsService): void {
  const json = async (query: DataQueryT, req: FastifyRequest, reply: FastifyReply) => {
    if (await conditional(req, reply, await service.lastPublished())) return reply;
    return service.query(query);
  };
  const csv = async (query: DataQueryT, req: FastifyRequest, reply: FastifyReply) => {
    if (await conditional(req, reply, await service.lastPublished())) return reply;
    const result = await service.query(query); // validates and enforces the size limit before streaming
    const metrics = new Map(result.metrics.map((m) => [m.id, m]));
    function* rows() {
      for (const o of result.observations) yield toCsvRecord(metrics.get(o.metric)!, o);
    }
    return csvReply(reply, rows(), 'observations.csv');
  };
  const schema = (summary: string) => ({ tags: ['data'], summary, querystring: DataQuery });

  app.get(
    '/api/v1/data.json',
    {
      schema: {
        ...schema('Observations for metrics × areas × periods, as JSON'),
        produces: ['application/json'],
        response: { 200: DataResponse, 304: NotModified, ...dataErrors },
      },
    },
    async (req, reply) => json(req.query, req, reply),
  );
  app.get(
    '/api/v1/data.csv',
    {
      schema: {
        ...schema('The same observations as tidy CSV (one observation per row, licence and source on every row)'),
        response: { 200: dataCsv, 304: NotModified, ...dataErrors },
      },
    },
    async (req, reply) => csv(req.query, req, reply),
  );
  app.get(
    '/api/v1/data',
    {
      schema: {
        ...schema('Observations; format chosen by the Accept header (JSON or CSV)'),
        response: {
          200: {
            description: 'The observations as JSON, or as tidy CSV when the Accept header asks for text/csv',
            content: { 'application/json': { schema: DataResponse }, ...dataCsv.content },
          },
          304: NotModified,
          ...dataErrors,
          ...problemResponses([406, 'Neither JSON nor CSV is acceptable']),
        },
      },
    },
    async (req, reply) => {
      const accept = req.headers.accept ?? 'application/json';
      if (accept.includes('text/csv')) return csv(req.query, req, reply);
      if (accept.includes('json') || accept.includes('*/*')) return json(req.query, req, reply);
      const detail = 'Ask for application/json or text/csv, or use /api/v1/data.json or /api/v1/data.csv.';
      throw new AppError(406, 'not-acceptable', detail);
    },
  );

  app.get(
    '/api/v1/metrics/:id/observations.csv',
    {
      schema: {
        tags: ['data'],
        summary: 'Bulk download: every published observation of one metric as CSV',
        params: BulkParams,
        querystring: BulkQuery,
        response: { 200: download('text/csv', TIDY_CSV, CSV_COLUMNS), 304: NotModified, ...problemResponses(400) },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await service.lastPublished())) return reply;
      const stream = service.stream({ metric: req.params.id, period: 'all' }, { unlimited: true });
      const first = await stream.next(); // surfaces 400s before the headers go out
      async function* rows() {
        if (first.done) return;
        yield toCsvRecord(first.value.metric, first.value.row);
        for await (const r of stream) yield toCsvRecord(r.metric, r.row);
      }
      return csvReply(reply, rows(), `${req.params.id}.csv`);
    },
  );
}
