import type { App } from '../../platform/app-types.ts';
import { problemResponses } from '../../platform/errors.ts';
import { SimilarParams, SimilarQuery, SimilarResponse } from './schemas.ts';
import type { NeighboursService } from './service.ts';

export function neighboursRoutes(app: App, neighbours: NeighboursService): void {
  app.get(
    '/api/v1/areas/:code/similar',
    {
      schema: {
        tags: ['groups'],
        summary:
          "A council's similar councils in a neighbours model (ours by default, or a published family): rank, distance, and each variable's contribution; our model can be re-weighted",
        params: SimilarParams,
        querystring: SimilarQuery,
        response: {
          200: SimilarResponse,
          ...problemResponses(400, [404, 'No such council, or the model has no list for it']),
        },
      },
    },
    async (req) => neighbours.similar(req.params.code, req.query),
  );
}
