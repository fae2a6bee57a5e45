import type { App } from '../../platform/app-types.ts';
import { problemResponses } from '../../platform/errors.ts';
import { requireRole } from './auth.ts';
import { Me } from './schemas.ts';
import { ROLES } from './tables.ts';

/** The accounts API: who is signed in (the pages, sign-in and sign-out, are in pages.ts). */
export function accountsRoutes(app: App): void {
  const me = {
    tags: ['accounts'],
    summary: 'The signed-in user (session cookie), with the CSRF token for writes; 401 for a visitor',
    response: { 200: Me, ...problemResponses([401, 'A visitor: not signed in']) },
  };

  app.get('/api/v1/me', { schema: me }, async (req) => {
    const u = requireRole(req, ROLES);
    const politicalGroup = u.politicalGroup ?? null;
    return { email: u.email, name: u.name, role: u.role, council: u.council, politicalGroup, csrfToken: u.csrfToken };
  });
}
