import type { App } from '../../platform/app-types.ts';
import { pageKey } from '../../platform/page-cache.ts';
import { problemResponses } from '../../platform/errors.ts';
import { noStore } from '../../platform/http.ts';
import type { MetricsService } from './service.ts';
import { ANALYST_ROLES, requireRole } from '../accounts/index.ts';
import { MetricDetail, MetricList, MetricListQuery, MetricParams, MetricQuery, TopicList } from './schemas.ts';

/** The data's version: a kept answer of another stamp is built again (handed in by the composition root). */
export type DataStamp = () => Promise<string>;

/** The catalogue's query parameters a kept answer may vary by (anything else is answered fresh, never kept). */
const LIST_PARAMS: Record<string, (v: string) => boolean> = {
  topic: (v) => /^[a-z-]{1,40}$/.test(v),
  limit: (v) => /^\d{1,4}$/.test(v),
  offset: (v) => /^\d{1,6}$/.test(v),
};

export function metricsRoutes(app: App, metrics: MetricsService, stamp?: DataStamp): void {
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
    async (req, reply) => {
      // The catalogue is the same for everyone until a publication: kept once per stamp (a search is never kept).
      const key = stamp && !req.user ? pageKey('/api/v1/metrics', req.url, LIST_PARAMS) : undefined;
      return reply.jsonCached(key, key ? await stamp!() : '', () => metrics.list(req.query));
    },
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
      noStore(reply);
      return metrics.get(req.params.id, { draft });
    },
  );
}
