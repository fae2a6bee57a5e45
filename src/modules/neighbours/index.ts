/** Our open nearest-neighbours model and the similar-councils look-up over any neighbours family. */
import type { AppDeps, AppModule } from '../../platform/app-types.ts';
import { neighboursRoutes } from './routes.ts';
import { createNeighboursService } from './service.ts';

export { createNeighboursService, DEFAULT_VARIABLES, NEIGHBOURS_K, TIERS, type NeighboursService } from './service.ts';

export const neighboursModule: AppModule<AppDeps> = {
  name: 'neighbours',
  register(app, deps) {
    neighboursRoutes(app, createNeighboursService(deps.db));
  },
};
