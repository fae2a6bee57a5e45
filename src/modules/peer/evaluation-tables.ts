import type { Generated } from 'kysely';

/**
 * Who answers a peer challenge's evaluation surveys: the council's leader and chief executive recorded on the
 * engagement (role `leader` or `chief-executive`). The email address is personal data: never logged, shown only to
 * peer challenge managers and administrators.
 */
export interface PeerEngagementContactsTable {
  id: Generated<number>;
  engagement_id: number;
  role: string;
  name: string | null;
  email: string | null;
  updated_at: string;
}

declare module '../../platform/db.ts' {
  interface Database {
    peer_engagement_contacts: PeerEngagementContactsTable;
  }
}
