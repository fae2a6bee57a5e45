import type { App } from '../../platform/app-types.ts';
import { problemResponses } from '../../platform/errors.ts';
import { ChangeFeed, ChangesQuery } from './schemas.ts';
import type { ChangesService } from './service.ts';

export function changesRoutes(app: App, service: ChangesService): void {
  app.get(
    '/api/v1/changes',
    {
      schema: {
        tags: ['data'],
        summary:
          'Change feed: what changed since a date, including revised and deleted observations with their previous values',
        querystring: ChangesQuery,
        response: { 200: ChangeFeed, ...problemResponses(400) },
      },
    },
    async (req) => service.since(req.query.since, req.query.limit ?? 1000),
  );
}
