/** Peer challenge test actors: a peer challenge manager's account, and an administrator to call the services as. */
import type { App } from '../../src/platform/app-types.ts';
import type { Db } from '../../src/platform/db.ts';
import type { Signed } from './auth.ts';
import { servicesFor } from '../../src/app/services.ts';

export const PEER_MANAGER_EMAIL = 'pcm@example.org';

/** Adds the peer challenge manager "A Manager" (pcm@example.org) with this password. */
export async function addPeerManager(db: Db, password: string): Promise<void> {
  await servicesFor(db).accounts.addUser({
    email: PEER_MANAGER_EMAIL,
    name: 'A Manager',
    password,
    role: 'peer_challenge_manager',
  });
}

/** An administrator as the peer service sees a signed-in user: seeds engagements and peers without the API. */
export const ADMIN_ACTOR = { id: 0, email: '', name: 'admin', role: 'admin' as const, council: null, csrfToken: '' };

/** A signed-in user's write to the peer challenge API (`url` under /api/v1/peer-challenge), with the CSRF header. */
export const peerWriter =
  (app: App) =>
  (who: Signed, url: string, payload: object, method: 'POST' | 'PATCH' = 'POST') =>
    app.inject({
      method,
      url: `/api/v1/peer-challenge${url}`,
      headers: { cookie: who.cookie, 'x-csrf-token': who.csrf },
      payload,
    });
