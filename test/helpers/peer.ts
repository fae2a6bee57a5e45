/** Peer challenge test actors: a peer challenge manager's account, and an administrator to call the services as. */
import type { Db } from '../../src/platform/db.ts';
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
