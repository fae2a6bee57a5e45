/** Accounts and roles: registered users, sign-in, database sessions, role checks and CSRF protection. */
import type { AppModule } from '../../platform/app-types.ts';
import type { AccountsService } from './service.ts';
import { registerAuth } from './auth.ts';
import { accountsPages } from './pages.ts';
import type { Onboarding } from './onboarding.ts';
import { onboardingPages } from './onboarding-pages.ts';
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
export { ANALYST_ROLES, PERMISSIONS, PROGRAMME_OFFICE, ROLES, type Permission, type Role } from './tables.ts';
export {
  createOnboarding,
  type Mailer,
  type Onboarding,
  INVITATION_DAYS,
  MAIL_REQUESTS_PER_ADDRESS,
  REGISTRATION_HOURS,
  RESET_HOURS,
} from './onboarding.ts';

export const accountsModule: AppModule<{ accounts: AccountsService; onboarding: Onboarding; cookieSecure: boolean }> = {
  name: 'accounts',
  async register(app, { accounts, onboarding, cookieSecure }) {
    await registerAuth(app, accounts);
    accountsRoutes(app);
    accountsPages(app, accounts, cookieSecure);
    onboardingPages(app, { onboarding, accounts, secure: cookieSecure });
  },
};
