import type { App, AppDeps, AppModule } from '../platform/app-types.ts';
import { accountsModule } from '../modules/accounts/index.ts';
import { areasModule } from '../modules/areas/index.ts';
import { changesModule } from '../modules/changes/index.ts';
import { compareModule } from '../modules/compare/index.ts';
import { sectorModule } from '../modules/sector/index.ts';
import { surveysModule } from '../modules/surveys/index.ts';
import { reportsModule } from '../modules/reports/index.ts';
import { savedReportsModule } from '../modules/saved-reports/index.ts';
import { pagesModule } from '../modules/pages/index.ts';
import { neighboursModule } from '../modules/neighbours/index.ts';
import { groupsModule } from '../modules/groups/index.ts';
import { metricsModule } from '../modules/metrics/index.ts';
import { observationsModule } from '../modules/observations/index.ts';

/** The one explicit list of modules the app registers, in dependency order. */
const MODULES: AppModule<AppDeps>[] = [accountsModule, areasModule, metricsModule, observationsModule, changesModule, groupsModule, neighboursModule, compareModule, sectorModule, reportsModule, savedReportsModule, surveysModule, pagesModule];

export async function registerModules(app: App, deps: AppDeps): Promise<void> {
  for (const m of MODULES) await m.register(app, deps);
}
