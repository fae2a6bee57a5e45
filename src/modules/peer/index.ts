/**
 * Peer challenge: the corporate peer challenge programme end to end as structured data (frameworks, engagements and
 * their steps, teams and conflicts of interest, findings, recommendations, action plans, coverage).
 */
import type { AppModule } from '../../platform/app-types.ts';
import type { PeerService } from './service.ts';
import { packPages } from './pack-pages.ts';
import { packRoutes } from './pack-routes.ts';
import { peerPages } from './pages.ts';
import { peerFormPages } from './peer-pages.ts';
import { peerRoutes } from './routes.ts';
import { evaluationPages } from './evaluation-pages.ts';
import { evaluationRoutes } from './evaluation-routes.ts';

export { createPeerService, type PeerService } from './service.ts';
export { HISTORY_COLUMNS } from './history.ts';
export type { PeerDelivery } from './delivery.ts';

export const peerModule: AppModule<{ peer: PeerService }> = {
  name: 'peer',
  register(app, { peer }) {
    peerRoutes(app, peer);
    peerPages(app, peer);
    peerFormPages(app, peer);
    packRoutes(app, peer);
    packPages(app, peer);
    evaluationRoutes(app, peer);
    evaluationPages(app, peer);
  },
};
