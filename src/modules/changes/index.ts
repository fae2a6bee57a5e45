import type { AppModule } from '../index.ts';
import { changesRoutes } from './routes.ts';
import { createChangesService } from './service.ts';

export { createChangesService } from './service.ts';

export const changesModule: AppModule = {
  name: 'changes',
  register(app, deps) {
    changesRoutes(app, createChangesService(deps.db));
  },
};
