/**
 * Outgoing email: templated messages queued in the database and sent over SMTP by a worker in the server process (or
 * `sli mail send-queued`), with retries, dead letters and the administrators' page /admin/email.
 */
import type { AppModule } from '../../platform/app-types.ts';
import { emailPages } from './pages.ts';
import type { EmailService } from './service.ts';

export { createEmailService, headerText, retryDelayMs, type EmailService, type OutgoingEmail } from './service.ts';
export type { Executor } from './repository.ts';
export { EMAIL_STATUSES, type EmailStatus } from './tables.ts';

export const emailModule: AppModule<{ email: EmailService; worker: boolean }> = {
  name: 'email',
  register(app, { email, worker }) {
    emailPages(app, email);
    // The worker runs while the web service does (when SMTP is configured): it starts once the app is ready and
    // finishes its pass when the app closes.
    if (worker) {
      app.addHook('onReady', async () => void email.startWorker());
      app.addHook('onClose', async () => email.stopWorker());
    }
  },
};
