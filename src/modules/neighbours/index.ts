/** Our open nearest-neighbours model and the similar-councils look-up over any neighbours family. */
import type { AppModule } from '../../platform/app-types.ts';
import type { NeighboursService } from './service.ts';
import { neighboursRoutes } from './routes.ts';

export { createNeighboursService, DEFAULT_VARIABLES, NEIGHBOURS_K, TIERS, type NeighboursService } from './service.ts';

export const neighboursModule: AppModule<{ neighbours: NeighboursService }> = {
  name: 'neighbours',
  register(app, { neighbours }) {
    neighboursRoutes(app, neighbours);
  },
};
