import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/app-types.ts';
import type { ChangesService } from './service.ts';

export function changesRoutes(app: App, service: ChangesService): void {
  app.get(
    '/api/v1/changes',
    {
      schema: {
        tags: ['data'],
        summary: 'Change feed: what changed since a date, including revised and deleted observations with their previous values',
        querystring: Type.Object(
          {
            since: Type.String({ description: 'YYYY-MM-DD or an ISO 8601 date-time' }),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => service.since(req.query.since, req.query.limit ?? 1000),
  );
}
