import type { App } from '../../platform/app-types.ts';
import { problemResponses } from '../../platform/errors.ts';
import type { MetricsService } from './service.ts';
import { MetricDetail, MetricList, MetricListQuery, MetricParams, TopicList } from './schemas.ts';

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
        params: MetricParams,
        response: {
          200: MetricDetail,
          ...problemResponses([301, 'An old slug: the Location header gives the current address'], 400, [
            404,
            'No such metric',
          ]),
        },
      },
    },
    async (req) => metrics.get(req.params.id),
  );
}
