/** The one explicit list of modules the app registers, in dependency order, each handed the services it needs. */
import type { App, AppDeps } from '../platform/app-types.ts';
import { accountsModule } from '../modules/accounts/index.ts';
import { areasModule } from '../modules/areas/index.ts';
import { changesModule } from '../modules/changes/index.ts';
import { compareModule } from '../modules/compare/index.ts';
import { emailModule } from '../modules/email/index.ts';
import { groupsModule } from '../modules/groups/index.ts';
import { importsModule } from '../modules/imports/index.ts';
import { metricsModule } from '../modules/metrics/index.ts';
import { neighboursModule } from '../modules/neighbours/index.ts';
import { observationsModule } from '../modules/observations/index.ts';
import { pagesModule } from '../modules/pages/index.ts';
import { monitorModule } from '../modules/monitor/index.ts';
import { peerModule } from '../modules/peer/index.ts';
import { budgetModule } from '../modules/budget/index.ts';
import { leadModule } from '../modules/lead/index.ts';
import { reportsModule } from '../modules/reports/index.ts';
import { savedReportsModule } from '../modules/saved-reports/index.ts';
import { sectorModule } from '../modules/sector/index.ts';
import { surveysModule } from '../modules/surveys/index.ts';
import { valueModule } from '../modules/value/index.ts';
import type { Services } from './services.ts';

export async function registerModules(app: App, { config }: AppDeps, s: Services): Promise<void> {
  // Accounts first: its hook sets req.user for every other module.
  await accountsModule.register(app, {
    accounts: s.accounts,
    onboarding: s.onboarding,
    cookieSecure: config.cookieSecure,
  });
  await emailModule.register(app, { email: s.email, worker: config.mail.worker });
  await areasModule.register(app, { areas: s.areas });
  await metricsModule.register(app, { metrics: s.metrics, stamp: () => s.pages.councils.stamp() });
  await observationsModule.register(app, { observations: s.observations });
  await changesModule.register(app, { changes: s.changes });
  await importsModule.register(app, { imports: s.imports, uploads: s.uploads, uploadMaxMb: config.uploadMaxMb });
  await groupsModule.register(app, { groups: s.groups, areas: s.areas });
  await neighboursModule.register(app, { neighbours: s.neighbours });
  await compareModule.register(app, { compare: s.compare });
  await sectorModule.register(app, { sector: s.sector, earlyWarning: s.earlyWarning, observations: s.observations });
  await reportsModule.register(app, { headlines: s.headlines, compare: s.compare });
  await valueModule.register(app, { value: s.value, compare: s.compare });
  await savedReportsModule.register(app, { savedReports: s.savedReports, reportBuilder: s.reportBuilder });
  await surveysModule.register(app, { surveys: s.surveys, cookieSecure: config.cookieSecure });
  await peerModule.register(app, { peer: s.peer });
  await budgetModule.register(app, { budget: s.budget, cookieSecure: config.cookieSecure });
  await monitorModule.register(app, {
    monitor: s.monitor,
    brandName: config.brand.name,
    recording: config.monitorRecording,
  });
  await leadModule.register(app, { lead: s.lead });
  await pagesModule.register(app, { pages: s.pages });
}
