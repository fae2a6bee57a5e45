/** Accounts and roles: registered users, sign-in, database sessions, role checks and CSRF protection. */
import type { AppModule } from '../../platform/app-types.ts';
import type { AccountsService } from './service.ts';
import { registerAuth } from './auth.ts';
import { accountsPages } from './pages.ts';
import { accountsRoutes } from './routes.ts';

export {
  createAccountsService,
  type AccountsService,
  type SessionUser,
  CLIENT_LIMIT,
  LOGIN_LIMIT,
  LOGIN_MAX_DELAY_SECONDS,
  loginDelaySeconds,
} from './service.ts';
export { checkCsrf, csrfToken, pageFor, requireRole } from './auth.ts';
export { ANALYST_ROLES, ROLES, type Role } from './tables.ts';

export const accountsModule: AppModule<{ accounts: AccountsService; cookieSecure: boolean }> = {
  name: 'accounts',
  async register(app, { accounts, cookieSecure }) {
    await registerAuth(app, accounts);
    accountsRoutes(app);
    accountsPages(app, accounts, cookieSecure);
  },
};
