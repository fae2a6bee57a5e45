import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { problemResponses } from '../../platform/errors.ts';
import { download } from '../../platform/http.ts';
import { atomFeed } from './atom.ts';
import { AtomQuery, ChangeFeed, ChangesQuery, MetricParams } from './schemas.ts';
import type { ChangesService } from './service.ts';

/** Entries an Atom page holds. */
const ATOM_ENTRIES = 100;

/** The service's public origin (SLI_PUBLIC_URL or the address it listens on), never a request's Host header. */
export const originOf = (req: FastifyRequest) => req.server.publicOrigin();

const atomResponse = download('application/atom+xml', 'An Atom 1.0 feed: the newest entries first');

export function changesRoutes(app: App, service: ChangesService): void {
  app.get(
    '/api/v1/changes',
    {
      schema: {
        tags: ['data'],
        summary: 'Change feed: every change in one order, paged by an opaque cursor',
        description:
          'Catalogue changes, publications, and revised or withdrawn observations with their previous values, oldest ' +
          'first, each at a stable position. Without `cursor` or `since` the feed starts at its beginning. Each response ' +
          'gives `next` (and a Link header, rel="next"): asking with it as `cursor` resumes exactly after the last entry ' +
          'returned, never repeating or skipping one, even as new entries are published meanwhile. The same feed is ' +
          'served as Atom at /api/v1/changes.atom (and per metric at /api/v1/metrics/{id}/changes.atom).',
        querystring: ChangesQuery,
        response: { 200: ChangeFeed, ...problemResponses(400, [404, 'The metric does not exist']) },
      },
    },
    async (req, reply) => {
      const limit = req.query.limit ?? 1000;
      const feed = await service.feed({ ...req.query, limit });
      const params = new URLSearchParams({ cursor: feed.next });
      if (req.query.limit !== undefined) params.set('limit', String(limit));
      if (req.query.metric !== undefined) params.set('metric', req.query.metric);
      reply.header('link', `</api/v1/changes?${params.toString()}>; rel="next"`);
      return feed;
    },
  );

  app.get(
    '/api/v1/changes.atom',
    {
      schema: {
        tags: ['data'],
        summary: 'Change feed as Atom: the latest changes in plain English',
        description: `The ${ATOM_ENTRIES} newest entries of the change feed, newest first; the link rel="next" pages back to older ones.`,
        querystring: AtomQuery,
        response: { 200: atomResponse, ...problemResponses(400) },
      },
    },
    async (req, reply) => {
      const page = await service.recent({ before: req.query.before, limit: ATOM_ENTRIES });
      const updated = (await service.lastPublished()) ?? new Date().toISOString();
      reply.type('application/atom+xml; charset=utf-8');
      return atomFeed({
        origin: originOf(req),
        path: '/api/v1/changes.atom',
        selfPath: req.url,
        title: 'Council performance: changes',
        rows: page.rows,
        older: page.older,
        updated,
      });
    },
  );

  app.get(
    '/api/v1/metrics/:id/changes.atom',
    {
      schema: {
        tags: ['data'],
        summary: "One metric's changes as Atom",
        description: `The ${ATOM_ENTRIES} newest changes of one metric (its definition, publications, revised and withdrawn figures), newest first; rel="next" pages back.`,
        params: MetricParams,
        querystring: AtomQuery,
        response: { 200: atomResponse, ...problemResponses(400, [404, 'The metric does not exist']) },
      },
    },
    async (req, reply) => {
      const metric = await service.metric(req.params.id);
      const page = await service.recent({ before: req.query.before, metric: metric.code, limit: ATOM_ENTRIES });
      const updated = (await service.lastPublished(metric.code)) ?? new Date().toISOString();
      reply.type('application/atom+xml; charset=utf-8');
      return atomFeed({
        origin: originOf(req),
        path: `/api/v1/metrics/${encodeURIComponent(metric.code)}/changes.atom`,
        selfPath: req.url,
        title: `Council performance: changes to ${metric.title}`,
        rows: page.rows,
        older: page.older,
        updated,
      });
    },
  );
}
