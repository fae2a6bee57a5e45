import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { csvStream } from '../../platform/csv.ts';
import { CSVM, csvUrl, csvwResponse, describedBy } from '../../platform/csvw.ts';
import { problemResponses } from '../../platform/errors.ts';
import { conditional, download, noStore, NotModified, XLSX } from '../../platform/http.ts';
import { VALUE_CSV, VALUE_CSV_COLUMNS, valueCsvw, valueRows } from './csv.ts';
import { ValueParams, ValueProfileSchema, ValueQuery, type ValueQueryT } from './schemas.ts';
import type { ValueForMoneyService } from './service.ts';
import { valueSpreadsheet } from './spreadsheet.ts';

const errors = problemResponses(400, [404, 'No such council or group']);
const BASE = '/api/v1/value-for-money/:code([A-Za-z]\\d{8})';

export function valueRoutes(app: App, value: ValueForMoneyService, lastModified: () => Promise<string | null>): void {
  // A custom group may be private: compared as its signed-in viewer may see it, and never through shared caches.
  const custom = (q: ValueQueryT) => (q.group ?? '').startsWith('custom-');
  const viewerOf = (req: FastifyRequest, q: ValueQueryT) => (custom(q) ? (req.user ?? undefined) : undefined);
  async function fresh(req: FastifyRequest, reply: FastifyReply, q: ValueQueryT): Promise<boolean> {
    if (!custom(q)) return conditional(req, reply, await lastModified());
    noStore(reply);
    return false;
  }
  const profile = (req: FastifyRequest, code: string, q: ValueQueryT) => value.profile(code, q, viewerOf(req, q));
  const schema = <T>(summary: string, ok: T, produces?: string[]) => ({
    tags: ['compare'],
    summary,
    params: ValueParams,
    querystring: ValueQuery,
    ...(produces ? { produces } : {}),
    response: { 200: ok, 304: NotModified, ...errors },
  });

  app.get(
    `${BASE}.json`,
    {
      schema: schema(
        "A council's value-for-money profile: spend per head beside each service's outcome measures, for the council, its group and England, with ranks, quartiles, trends, the spend-against-outcome association and caveats",
        ValueProfileSchema,
      ),
    },
    async (req, reply) => {
      if (await fresh(req, reply, req.query)) return reply;
      return profile(req, req.params.code, req.query);
    },
  );
  app.get(
    `${BASE}.csv`,
    {
      schema: schema(
        'The value-for-money profile as CSV, one row per service and measure',
        download('text/csv', 'One row per service and measure', VALUE_CSV_COLUMNS),
      ),
    },
    async (req, reply) => {
      if (await fresh(req, reply, req.query)) return reply;
      const p = await profile(req, req.params.code, req.query);
      describedBy(req, reply);
      reply.header('content-disposition', `attachment; filename="value-for-money-${p.area.code}.csv"`);
      reply.type('text/csv; charset=utf-8');
      return reply.send(csvStream(valueRows(p), VALUE_CSV));
    },
  );
  app.get(
    `${BASE}.csv-metadata.json`,
    {
      schema: schema(
        'The CSVW metadata of the value-for-money CSV for the same query: columns, licences, attribution and caveats',
        csvwResponse,
        [CSVM],
      ),
    },
    async (req, reply) => {
      if (await fresh(req, reply, req.query)) return reply;
      const p = await profile(req, req.params.code, req.query);
      reply.type(CSVM);
      return valueCsvw(p, csvUrl(req));
    },
  );
  app.get(
    `${BASE}.xlsx`,
    {
      schema: schema(
        'The value-for-money profile as a spreadsheet: cover, contents, notes, the figures and the associations (government spreadsheet guidance)',
        download(XLSX, 'The value-for-money profile as an XLSX workbook'),
      ),
    },
    async (req, reply) => {
      if (await fresh(req, reply, req.query)) return reply;
      const p = await profile(req, req.params.code, req.query);
      reply.header('content-disposition', `attachment; filename="value-for-money-${p.area.code}.xlsx"`);
      reply.type(XLSX);
      return reply.send(await valueSpreadsheet(p));
    },
  );
}
