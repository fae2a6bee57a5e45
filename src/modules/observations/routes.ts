import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { csvStream } from '../../platform/csv.ts';
import { CSVM, csvUrl, csvwResponse, describedBy } from '../../platform/csvw.ts';
import { AppError, problemResponses } from '../../platform/errors.ts';
import { conditional, download, NotModified, XLSX } from '../../platform/http.ts';
import type { Metric } from '../metrics/index.ts';
import { CSV_COLUMNS, OBSERVATION_CSV, observationsCsvw, toCsvRecord } from './csv.ts';
import type { ObservationsService } from './service.ts';
import { dataSpreadsheet } from './spreadsheet.ts';
import { BulkParams, BulkQuery, DataQuery, DataResponse, type DataQueryT } from './schemas.ts';

function csvReply(
  req: FastifyRequest,
  reply: FastifyReply,
  rows: AsyncIterable<(string | number | null)[]>,
  filename: string,
  csvPath?: string,
) {
  describedBy(req, reply, csvPath);
  reply.header('content-disposition', `attachment; filename="${filename}"`);
  reply.type('text/csv; charset=utf-8');
  return reply.send(csvStream(rows, OBSERVATION_CSV));
}

const TIDY_CSV =
  'Tidy CSV: one observation per row, caveats, licence and source on every row; described by the CSVW metadata in the Link header';
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
    async function* rows() {
      for (const o of result.observations) yield toCsvRecord(metrics.get(o.metric)!, o);
    }
    return csvReply(req, reply, rows(), 'observations.csv', '/api/v1/data.csv');
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
    '/api/v1/data.csv-metadata.json',
    {
      schema: {
        ...schema(
          "The CSVW metadata of /api/v1/data.csv for the same query: its columns, licence, attribution and the metrics' caveats",
        ),
        produces: [CSVM],
        response: { 200: csvwResponse, 304: NotModified, ...dataErrors },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await service.lastPublished())) return reply;
      const { metrics, notes } = await service.describe(req.query);
      reply.type(CSVM);
      return observationsCsvw(metrics, {
        url: csvUrl(req),
        title: `Observations of ${titles(metrics)}`,
        description: TIDY_CSV.replace(/; described by .*$/, '.'),
        notes,
        modified: await service.lastPublished(),
      });
    },
  );
  app.get(
    '/api/v1/data.xlsx',
    {
      schema: {
        ...schema(
          'The same observations as a spreadsheet in the government layout: cover, contents, notes with the caveats, one metric per worksheet',
        ),
        produces: [XLSX],
        response: { 200: download(XLSX, 'The observations as an XLSX workbook'), 304: NotModified, ...dataErrors },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await service.lastPublished())) return reply;
      const result = await service.query(req.query);
      reply.header('content-disposition', 'attachment; filename="observations.xlsx"');
      reply.type(XLSX);
      return reply.send(await dataSpreadsheet(result, req.query));
    },
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
      return csvReply(req, reply, rows(), `${req.params.id}.csv`);
    },
  );
  app.get(
    '/api/v1/metrics/:id/observations.csv-metadata.json',
    {
      schema: {
        tags: ['data'],
        summary: 'The CSVW metadata of the bulk download of one metric',
        params: BulkParams,
        querystring: BulkQuery,
        produces: [CSVM],
        response: { 200: csvwResponse, 304: NotModified, ...problemResponses(400) },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await service.lastPublished())) return reply;
      const { metrics } = await service.describe({ metric: req.params.id, period: 'all' }, { unlimited: true });
      reply.type(CSVM);
      return observationsCsvw(metrics, {
        url: csvUrl(req),
        title: `Every published observation of ${titles(metrics)}`,
        description: 'Tidy CSV: one observation per row, caveats, licence and source on every row.',
        modified: await service.lastPublished(),
      });
    },
  );
}

const titles = (metrics: readonly Pick<Metric, 'title' | 'code'>[]) =>
  metrics.map((m) => `${m.title} (${m.code})`).join('; ');
