import type { App } from '../../platform/app-types.ts';
import { problemResponses } from '../../platform/errors.ts';
import { conditional, NoContent, NotModified } from '../../platform/http.ts';
import { parseAt } from '../areas/index.ts';
import { checkCsrf, requireRole, ROLES as SIGNED_IN } from '../accounts/index.ts';
import {
  CustomGroupBody,
  GroupCreated,
  GroupList,
  GroupListQuery,
  GroupParams,
  GroupQuery,
  GroupResponse,
  MyGroups,
} from './schemas.ts';
import type { GroupsService } from './service.ts';

/** Every registered role may save, list and delete its own custom groups. */

const NO_GROUP = 'No such group, or a private one of another user';

export function groupsRoutes(app: App, groups: GroupsService): void {
  app.get(
    '/api/v1/groups',
    {
      schema: {
        tags: ['groups'],
        summary:
          'Comparison groups: built-in groups as at a date and the published families; with ?area=, the groups one council can be compared with, with members',
        querystring: GroupListQuery,
        response: { 200: GroupList, 304: NotModified, ...problemResponses(400, [404, 'No such council']) },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await groups.lastModified(), 300)) return reply;
      const at = parseAt(req.query.at);
      const families = await groups.families();
      if (req.query.area) return { at, groups: await groups.groupsForArea(req.query.area, at), families };
      return { at, groups: await groups.builtInGroups(at), families };
    },
  );

  app.get(
    '/api/v1/groups/:id',
    {
      schema: {
        tags: ['groups'],
        summary:
          'One comparison group with its members (rank and distance for neighbour sets), model, source and licence',
        params: GroupParams,
        querystring: GroupQuery,
        response: { 200: GroupResponse, 304: NotModified, ...problemResponses(400, [404, NO_GROUP]) },
      },
    },
    async (req, reply) => {
      if (req.params.id.startsWith('custom-')) {
        // A custom group may be private: never shared through caches.
        reply.header('cache-control', 'private, no-store');
        return groups.getGroup(req.params.id, req.query.at, req.user ?? undefined);
      }
      if (await conditional(req, reply, await groups.lastModified(), 300)) return reply;
      return groups.getGroup(req.params.id, req.query.at);
    },
  );

  app.post(
    '/api/v1/groups',
    {
      schema: {
        tags: ['groups'],
        summary:
          'Save a custom group of councils (registered users; x-csrf-token header). ' +
          'Returns the group with its id custom-<n>',
        body: CustomGroupBody,
        response: { 201: GroupCreated, ...problemResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const user = requireRole(req, SIGNED_IN);
      checkCsrf(req);
      const g = await groups.createCustom(user, req.body);
      return reply.status(201).header('location', `/api/v1/groups/${g.id}`).send(g);
    },
  );

  app.get(
    '/api/v1/me/groups',
    {
      schema: {
        tags: ['groups'],
        summary: 'Your custom groups (registered users)',
        response: { 200: MyGroups, ...problemResponses(401) },
      },
    },
    async (req, reply) => {
      const user = requireRole(req, SIGNED_IN);
      reply.header('cache-control', 'private, no-store');
      return { groups: await groups.customGroupsOf(user) };
    },
  );

  app.delete(
    '/api/v1/groups/:id',
    {
      schema: {
        tags: ['groups'],
        summary: 'Delete a custom group (its owner or an administrator; x-csrf-token header)',
        params: GroupParams,
        response: { 204: NoContent('Deleted'), ...problemResponses(400, 401, 403, [404, NO_GROUP]) },
      },
    },
    async (req, reply) => {
      const user = requireRole(req, SIGNED_IN);
      checkCsrf(req);
      await groups.deleteCustom(user, req.params.id);
      return reply.status(204).send();
    },
  );
}
