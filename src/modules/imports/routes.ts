import { noStore } from '../../platform/http.ts';
import type { App } from '../../platform/app-types.ts';
import { problemResponses } from '../../platform/errors.ts';
import { ANALYST_ROLES, requireRole } from '../accounts/index.ts';
import type { ImportsService } from './preview.ts';
import { ImportDetail, ImportList, ImportListQuery, ImportParams } from './schemas.ts';

const signedInAnalyst = problemResponses(
  [401, 'Not signed in'],
  [403, 'Signed in without the analyst or administrator role'],
);

export function importsRoutes(app: App, imports: ImportsService): void {
  app.get(
    '/api/v1/imports',
    {
      schema: {
        tags: ['imports'],
        summary: 'Imports, newest first, drafts included (analysts and administrators)',
        querystring: ImportListQuery,
        response: { 200: ImportList, ...problemResponses(400), ...signedInAnalyst },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYST_ROLES);
      noStore(reply);
      return imports.list(req.query.limit);
    },
  );

  app.get(
    '/api/v1/imports/:id',
    {
      schema: {
        tags: ['imports'],
        summary:
          'One import (analysts and administrators); for a draft, the preview of what publishing it would change: ' +
          'new metrics, changed definitions field by field, observation counts',
        params: ImportParams,
        response: { 200: ImportDetail, ...problemResponses(400, [404, 'No such import']), ...signedInAnalyst },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYST_ROLES);
      noStore(reply);
      return imports.get(req.params.id);
    },
  );
}
