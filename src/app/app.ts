/** The web application: the platform's HTTP shell with every module registered, each service built once. */
import { buildHttp } from '../platform/app.ts';
import type { App, AppDeps } from '../platform/app-types.ts';
import { registerModules } from './modules.ts';
import { createServices, type Services } from './services.ts';

export type { App, AppDeps } from '../platform/app-types.ts';

/** Builds the app; `services` lets a caller (the CLI's serve, a test) share the ones it already built. */
export async function buildApp(deps: AppDeps, services: Services = createServices(deps)): Promise<App> {
  const app = await buildHttp(deps);
  await registerModules(app, deps, services);
  return app;
}
