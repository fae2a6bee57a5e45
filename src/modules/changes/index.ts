import type { AppModule } from '../../platform/app-types.ts';
import type { ChangesService } from './service.ts';
import { changesRoutes } from './routes.ts';
import { changesPages } from './pages.ts';

export { createChangesService, type ChangesService } from './service.ts';

export const changesModule: AppModule<{ changes: ChangesService }> = {
  name: 'changes',
  register(app, { changes }) {
    changesRoutes(app, changes);
    changesPages(app, changes);
  },
};
