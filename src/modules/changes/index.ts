import type { AppDeps, AppModule } from '../../platform/app-types.ts';
import { changesRoutes } from './routes.ts';
import { createChangesService } from './service.ts';

export { createChangesService } from './service.ts';

export const changesModule: AppModule<AppDeps> = {
  name: 'changes',
  register(app, deps) {
    changesRoutes(app, createChangesService(deps.db));
  },
};
