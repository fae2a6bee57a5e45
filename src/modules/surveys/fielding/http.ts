/**
 * What the surveys' routes and pages share at the HTTP edge: who may run surveys and who may read raw responses,
 * private (never cached) replies, signing in first on analysts' pages, the request's origin for links, and CSV
 * downloads (the links CSV among them, shown once).
 */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Analysts and administrators run surveys; raw responses are for analysts only (conventions: confidentiality). */
export { ANALYST_ROLES as ANALYSTS } from '../../accounts/index.ts';
export const RESPONSE_READERS = ['analyst'] as const;
export const readsResponses = (role: string): boolean => (RESPONSE_READERS as readonly string[]).includes(role);

export const privately = (reply: FastifyReply) => reply.header('cache-control', 'private, no-store');
/** Links start from the configured public address (SLI_PUBLIC_URL), never from a request's Host header. */
export const origin = (req: FastifyRequest) => req.server.publicOrigin();

/** Analysts' pages: a visitor is sent to sign in (false: the reply is sent); the caller then checks the role. */
export function signedIn(req: FastifyRequest, reply: FastifyReply): boolean {
  if (req.user) return true;
  void reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);
  return false;
}

/** Streams rows as a private CSV attachment with a header line. */
export function csvDownload(reply: FastifyReply, rows: Iterable<object>, columns: string[], file: string) {
  privately(reply).type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}"`);
  return reply.send(Readable.from(rows).pipe(stringify({ header: true, columns })));
}

const LINK_COLUMNS = ['area_code', 'area_name', 'role', 'contact_name', 'link'];
export const linksCsv = (reply: FastifyReply, rows: object[], waveId: number) =>
  csvDownload(reply, rows, LINK_COLUMNS, `survey-links-wave-${waveId}.csv`);
