import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app.ts';
import { AreaDetail, AreaList, AreaListQuery, AreaParams, AreaQuery } from './schemas.ts';
import { GEOGRAPHY_LICENCE, type AreasService } from './service.ts';

/** Last-Modified from the newest geography change; answers 304 when the client's copy is current. */
async function notModified(req: FastifyRequest, reply: FastifyReply, last: string | null): Promise<boolean> {
  if (!last) return false;
  const at = new Date(last);
  at.setMilliseconds(0);
  reply.header('last-modified', at.toUTCString());
  reply.header('cache-control', 'public, max-age=300');
  const since = req.headers['if-modified-since'];
  if (since && !req.headers['if-none-match'] && new Date(since).getTime() >= at.getTime()) {
    await reply.status(304).send();
    return true;
  }
  return false;
}

export function areasRoutes(app: App, areas: AreasService): void {
  app.get(
    '/api/v1/areas',
    { schema: { tags: ['areas'], summary: 'Find councils and other areas by name, code, type or region, as at a date', querystring: AreaListQuery, response: { 200: AreaList } } },
    async (req, reply) => {
      if (await notModified(req, reply, await areas.lastModified())) return reply;
      return { ...(await areas.findAreas(req.query)), ...GEOGRAPHY_LICENCE };
    },
  );

  app.get(
    '/api/v1/areas/:code',
    {
      schema: {
        tags: ['areas'],
        summary: 'One area as at a date: type, parents, children, names over time, predecessors and successors',
        params: AreaParams,
        querystring: AreaQuery,
        response: { 200: AreaDetail },
      },
    },
    async (req, reply) => {
      if (await notModified(req, reply, await areas.lastModified())) return reply;
      return { ...(await areas.getArea(req.params.code, req.query.at)), ...GEOGRAPHY_LICENCE };
    },
  );
}
