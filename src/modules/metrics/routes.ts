import type { App } from '../../platform/app-types.ts';
import { problemResponses } from '../../platform/errors.ts';
import type { MetricsService } from './service.ts';
import { ANALYST_ROLES, requireRole } from '../accounts/index.ts';
import { MetricDetail, MetricList, MetricListQuery, MetricParams, MetricQuery, TopicList } from './schemas.ts';

export function metricsRoutes(app: App, metrics: MetricsService): void {
  app.get(
    '/api/v1/topics',
    { schema: { tags: ['metrics'], summary: 'Service areas (the board themes)', response: { 200: TopicList } } },
    async () => ({ topics: await metrics.topics() }),
  );

  app.get(
    '/api/v1/metrics',
    {
      schema: {
        tags: ['metrics'],
        summary: 'The metrics catalogue',
        querystring: MetricListQuery,
        response: { 200: MetricList, ...problemResponses(400) },
      },
    },
    async (req) => metrics.list(req.query),
  );

  app.get(
    '/api/v1/metrics/:id',
    {
      schema: {
        tags: ['metrics'],
        summary: 'One metric with its definition, source, licence and periods',
        description:
          "Published definitions only: a draft import's new or changed metric is not here until it is published. " +
          'Analysts and administrators may preview a draft with ?draft=N.',
        params: MetricParams,
        querystring: MetricQuery,
        response: {
          200: MetricDetail,
          ...problemResponses(
            [301, 'An old slug: the Location header gives the current address'],
            400,
            [401, '?draft=N without signing in'],
            [403, '?draft=N by a user who is not an analyst or administrator'],
            [404, 'No such metric (or, with ?draft=N, no such draft import)'],
          ),
        },
      },
    },
    async (req, reply) => {
      const { draft } = req.query;
      if (draft === undefined) return metrics.get(req.params.id);
      requireRole(req, ANALYST_ROLES);
      reply.header('cache-control', 'private, no-store');
      return metrics.get(req.params.id, { draft });
    },
  );
}
