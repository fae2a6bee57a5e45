import type { App } from '../../platform/app.ts';
import { conditional } from '../../platform/http.ts';
import { parseAt } from '../areas/index.ts';
import { GroupDetail, GroupList, GroupListQuery, GroupParams, GroupQuery } from './schemas.ts';
import type { GroupsService } from './service.ts';

export function groupsRoutes(app: App, groups: GroupsService): void {
  app.get(
    '/api/v1/groups',
    {
      schema: {
        tags: ['groups'],
        summary: 'Comparison groups: built-in groups as at a date and the published families; with ?area=, the groups one council can be compared with, with members',
        querystring: GroupListQuery,
        response: { 200: GroupList },
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
        summary: 'One comparison group with its members (rank and distance for neighbour sets), model, source and licence',
        params: GroupParams,
        querystring: GroupQuery,
        response: { 200: GroupDetail },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await groups.lastModified(), 300)) return reply;
      return groups.getGroup(req.params.id, req.query.at);
    },
  );
}
