import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { AppError } from '../../platform/errors.ts';
import { conditional } from '../../platform/http.ts';
import { CSV_COLUMNS, toCsvRecord, type ObservationsService } from './service.ts';
import { DataQuery, DataResponse, type DataQueryT } from './schemas.ts';

function csvReply(reply: FastifyReply, rows: AsyncIterable<(string | number | null)[]>, filename: string) {
  reply.header('content-disposition', `attachment; filename="${filename}"`);
  reply.type('text/csv; charset=utf-8');
  return reply.send(Readable.from(rows).pipe(stringify({ header: true, columns: [...CSV_COLUMNS] })));
}

export function observationsRoutes(app: App, service: ObservationsService): void {
  const json = async (req: FastifyRequest<{ Querystring: DataQueryT }>, reply: FastifyReply) => {
    if (await conditional(req, reply, await service.lastPublished())) return reply;
    return service.query(req.query);
  };
  const csv = async (req: FastifyRequest<{ Querystring: DataQueryT }>, reply: FastifyReply) => {
    if (await conditional(req, reply, await service.lastPublished())) return reply;
    const result = await service.query(req.query); // validates and enforces the size limit before streaming
    const metrics = new Map(result.metrics.map((m) => [m.id, m]));
    async function* rows() {
      for (const o of result.observations) {
        const m = metrics.get(o.metric)!;
        yield toCsvRecord({ ...m, source: m.source } as never, o);
      }
    }
    return csvReply(reply, rows(), 'observations.csv');
  };
  const schema = (summary: string, produces: string) => ({ tags: ['data'], summary, querystring: DataQuery, produces: [produces] });

  app.get('/api/v1/data.json', { schema: { ...schema('Observations for metrics × areas × periods, as JSON', 'application/json'), response: { 200: DataResponse } } }, json);
  app.get('/api/v1/data.csv', { schema: schema('The same observations as tidy CSV (one observation per row, licence and source on every row)', 'text/csv') }, csv);
  app.get<{ Querystring: DataQueryT }>('/api/v1/data', { schema: { ...schema('Observations; format chosen by the Accept header (JSON or CSV)', 'application/json') } }, async (req, reply) => {
    const accept = req.headers.accept ?? 'application/json';
    if (accept.includes('text/csv')) return csv(req, reply);
    if (accept.includes('json') || accept.includes('*/*')) return json(req, reply);
    throw new AppError(406, 'not-acceptable', 'Ask for application/json or text/csv, or use /api/v1/data.json or /api/v1/data.csv.');
  });

  app.get(
    '/api/v1/metrics/:id/observations.csv',
    {
      schema: {
        tags: ['data'],
        summary: 'Bulk download: every published observation of one metric as CSV',
        params: Type.Object({ id: Type.String({ maxLength: 200 }) }),
        querystring: Type.Object({}, { additionalProperties: false }),
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
