import type { App } from '../../platform/app-types.ts';
import { problemResponses } from '../../platform/errors.ts';
import { conditional, NotModified } from '../../platform/http.ts';
import { AreaDetail, AreaList, AreaListQuery, AreaParams, AreaQuery, AreaSearch, AreaSearchQuery } from './schemas.ts';
import { GEOGRAPHY_LICENCE, type AreasService } from './service.ts';

export function areasRoutes(app: App, areas: AreasService): void {
  app.get(
    '/api/v1/areas',
    {
      schema: {
        tags: ['areas'],
        summary: 'Find councils and other areas by name, code, type or region, as at a date',
        querystring: AreaListQuery,
        response: { 200: AreaList, 304: NotModified, ...problemResponses(400) },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await areas.lastModified(), 300)) return reply;
      return { ...(await areas.findAreas(req.query)), ...GEOGRAPHY_LICENCE };
    },
  );

  // The suggestions an autocomplete asks for as someone types a council's name (names matched as names.ts says).
  app.get(
    '/api/v1/areas/search',
    {
      schema: {
        tags: ['areas'],
        summary: 'Councils whose name or code starts with what was typed, the closest first (for autocompletes)',
        querystring: AreaSearchQuery,
        response: { 200: AreaSearch, 304: NotModified, ...problemResponses(400) },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await areas.lastModified(), 300)) return reply;
      const areasFound = await areas.suggestAreas(req.query.q, req.query.limit ?? 10, req.query.at);
      return { q: req.query.q, areas: areasFound, ...GEOGRAPHY_LICENCE };
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
        response: { 200: AreaDetail, 304: NotModified, ...problemResponses(400, [404, 'No area has this code']) },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await areas.lastModified(), 300)) return reply;
      return { ...(await areas.getArea(req.params.code, req.query.at)), ...GEOGRAPHY_LICENCE };
    },
  );
}
