import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Sets Last-Modified (and a public Cache-Control) from the newest change behind a response and answers 304 when the
 * client's copy is current. Returns true when the reply has been sent.
 */
export async function conditional(req: FastifyRequest, reply: FastifyReply, lastChanged: string | null, maxAgeSeconds = 60): Promise<boolean> {
  if (!lastChanged) return false;
  const at = new Date(lastChanged);
  at.setMilliseconds(0);
  reply.header('last-modified', at.toUTCString());
  reply.header('cache-control', `public, max-age=${maxAgeSeconds}`);
  const since = req.headers['if-modified-since'];
  if (since && !req.headers['if-none-match'] && new Date(since).getTime() >= at.getTime()) {
    await reply.status(304).send();
    return true;
  }
  return false;
}
