/**
 * Peer challenge: the corporate peer challenge programme end to end as structured data (frameworks, engagements and
 * their steps, teams and conflicts of interest, findings, recommendations, action plans, coverage).
 */
import type { AppModule } from '../../platform/app-types.ts';
import type { PeerService } from './service.ts';
import { peerPages } from './pages.ts';
import { peerRoutes } from './routes.ts';

export { createPeerService, type PeerService } from './service.ts';
export { HISTORY_COLUMNS } from './history.ts';
export { councilDirectory, type Council, type Councils } from './councils.ts';

export const peerModule: AppModule<{ peer: PeerService }> = {
  name: 'peer',
  register(app, { peer }) {
    peerRoutes(app, peer);
    peerPages(app, peer);
  },
};
