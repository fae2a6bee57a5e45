import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/app-types.ts';
import type { MetricsService } from './service.ts';
import { MetricDetail, MetricList, MetricListQuery, Topic } from './schemas.ts';

export function metricsRoutes(app: App, metrics: MetricsService): void {
  app.get('/api/v1/topics', { schema: { tags: ['metrics'], summary: 'Service areas (the board themes)', response: { 200: Type.Object({ topics: Type.Array(Topic) }) } } }, async () => ({
    topics: await metrics.topics(),
  }));

  app.get(
    '/api/v1/metrics',
    { schema: { tags: ['metrics'], summary: 'The metrics catalogue', querystring: MetricListQuery, response: { 200: MetricList } } },
    async (req) => metrics.list(req.query),
  );

  app.get(
    '/api/v1/metrics/:id',
    {
      schema: {
        tags: ['metrics'],
        summary: 'One metric with its definition, source, licence and periods',
        params: Type.Object({ id: Type.String({ maxLength: 200 }) }),
        response: { 200: MetricDetail },
      },
    },
    async (req) => metrics.get(req.params.id),
  );
}
