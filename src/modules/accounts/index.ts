/** Accounts and roles: registered users, sign-in, database sessions, role checks and CSRF protection. */
import type { AppDeps, AppModule } from '../../platform/app-types.ts';
import { registerAuth } from './auth.ts';
import { accountsRoutes } from './routes.ts';
import { createAccountsService } from './service.ts';

export { createAccountsService, type AccountsService, type SessionUser, LOGIN_LIMIT } from './service.ts';
export { checkCsrf, csrfToken, requireRole } from './auth.ts';
export { ROLES, type Role } from './tables.ts';

export const accountsModule: AppModule<AppDeps> = {
  name: 'accounts',
  async register(app, deps) {
    const accounts = createAccountsService(deps.db);
    await registerAuth(app, accounts);
    accountsRoutes(app, accounts, deps.config.cookieSecure);
  },
};
