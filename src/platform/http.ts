import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';

/** Marks a reply as private to the one who asked and never stored (personal or per-user content). */
export const noStore = (reply: FastifyReply) => reply.header('cache-control', 'private, no-store');

/** The media type of an XLSX workbook. */
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The response of a route that answers `conditional` requests: no body when the client's copy is current. */
export const NotModified = Type.Null({ description: 'Not modified: the copy the client holds is current' });

/** A route's response with no body (a deletion's 204), sent with `reply.send()`: Unsafe, so no payload is asked for. */
export const NoContent = (description: string) => Type.Unsafe<undefined>(Type.Null({ description }));

/**
 * A download's response: a file of one media type (CSV, XLSX), sent as a stream or a buffer, which Fastify passes
 * through without the JSON serializer. `columns`: a CSV's header row, for the description. (An Unsafe schema: the
 * route's reply is then not typed by its schemas, as a stream is no JSON type.)
 */
export function download<C extends string>(contentType: C, description: string, columns?: readonly string[]) {
  const file = contentType.startsWith('text/')
    ? Type.String({ description: `UTF-8 with a header row${columns ? `: ${columns.join(', ')}` : ''}` })
    : Type.String({ format: 'binary' });
  const schema = Type.Unsafe<Readable | Buffer | string>(file);
  return { description, content: { [contentType]: { schema } } as Record<C, { schema: typeof schema }> };
}

/**
 * Sets Last-Modified (and a public Cache-Control) from the newest change behind a response and answers 304 when the
 * client's copy is current. Returns true when the reply has been sent.
 */
export async function conditional(
  req: FastifyRequest,
  reply: FastifyReply,
  lastChanged: string | null,
  maxAgeSeconds = 60,
): Promise<boolean> {
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
