import type { App, AppDeps } from '../platform/app.ts';
import { accountsModule } from './accounts/index.ts';
import { areasModule } from './areas/index.ts';
import { changesModule } from './changes/index.ts';
import { compareModule } from './compare/index.ts';
import { sectorModule } from './sector/index.ts';
import { surveysModule } from './surveys/index.ts';
import { reportsModule } from './reports/index.ts';
import { savedReportsModule } from './saved-reports/index.ts';
import { pagesModule } from './pages/index.ts';
import { neighboursModule } from './neighbours/index.ts';
import { groupsModule } from './groups/index.ts';
import { metricsModule } from './metrics/index.ts';
import { observationsModule } from './observations/index.ts';

/** A domain module as the app sees it: a name and a function that registers its routes. */
export interface AppModule {
  name: string;
  register(app: App, deps: AppDeps): Promise<void> | void;
}

/** The one explicit list of modules the app registers, in dependency order. */
const MODULES: AppModule[] = [accountsModule, areasModule, metricsModule, observationsModule, changesModule, groupsModule, neighboursModule, compareModule, sectorModule, reportsModule, savedReportsModule, surveysModule, pagesModule];

export async function registerModules(app: App, deps: AppDeps): Promise<void> {
  for (const m of MODULES) await m.register(app, deps);
}
