/** All SQL of the peer module's evidence packs (kept apart from repository.ts). */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db.ts';
import type { PeerEvidencePacksTable } from './pack-tables.ts';

type K = Kysely<Database>;
export type PackRow = Omit<PeerEvidencePacksTable, 'id'> & { id: number };

export const packRepository = {
  async insert(k: K, row: Omit<PeerEvidencePacksTable, 'id'>): Promise<number> {
    const r = await k.insertInto('peer_evidence_packs').values(row).returning('id').executeTakeFirstOrThrow();
    return Number(r.id);
  },
  /** One pack of the engagement: the one asked for, or the latest. */
  async pack(k: K, engagementId: number, id?: number): Promise<PackRow | undefined> {
    let q = k.selectFrom('peer_evidence_packs').selectAll().where('engagement_id', '=', engagementId);
    if (id !== undefined) q = q.where('id', '=', id);
    return q.orderBy('id', 'desc').limit(1).executeTakeFirst();
  },
  /** Every pack of the engagement, newest first, without its content. */
  async list(k: K, engagementId: number) {
    return k
      .selectFrom('peer_evidence_packs')
      .select(['id', 'as_at', 'generated_at', 'generated_by_name'])
      .where('engagement_id', '=', engagementId)
      .orderBy('id', 'desc')
      .execute();
  },
};
