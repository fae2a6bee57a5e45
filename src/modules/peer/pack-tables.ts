import type { Generated } from 'kysely';

/** A generated evidence pack, frozen: `content` is the JSON snapshot of its sections as they were on `as_at`. */
export interface PeerEvidencePacksTable {
  id: Generated<number>;
  engagement_id: number;
  as_at: string;
  generated_at: string;
  generated_by: number | null;
  generated_by_name: string;
  content: string;
}

declare module '../../platform/db.ts' {
  interface Database {
    peer_evidence_packs: PeerEvidencePacksTable;
  }
}
