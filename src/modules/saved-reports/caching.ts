import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SavedReportRow } from './repository.ts';

/**
 * Caching by visibility: a private report is never stored by any cache; a shared or public one carries an ETag
 * worked out from the data stamp (publications, groups, the catalogue, the report itself), so a client's copy is
 * current until data are published, and it is answered with 304 without re-computing. Returns true when sent.
 */
export async function cacheByVisibility(
  req: FastifyRequest,
  reply: FastifyReply,
  r: SavedReportRow,
  stamp: () => Promise<string>,
  kind: string,
): Promise<boolean> {
  if (r.visibility === 'private') {
    reply.header('cache-control', 'private, no-store');
    return false;
  }
  const etag = `W/"${createHash('sha1')
    .update(`${kind}|${await stamp()}`)
    .digest('base64url')}"`;
  reply
    .header('etag', etag)
    .header('cache-control', r.visibility === 'public' ? 'public, max-age=60' : 'public, no-cache');
  if (req.headers['if-none-match'] === etag) {
    await reply.status(304).send();
    return true;
  }
  return false;
}
