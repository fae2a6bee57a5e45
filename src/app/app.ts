/** The web application: the platform's HTTP shell with every module registered, each service built once. */
import { buildHttp } from '../platform/app.ts';
import type { App, AppDeps } from '../platform/app-types.ts';
import { registerModules } from './modules.ts';

export type { App, AppDeps } from '../platform/app-types.ts';

export async function buildApp(deps: AppDeps): Promise<App> {
  const app = await buildHttp(deps);
  await registerModules(app, deps);
  return app;
}
