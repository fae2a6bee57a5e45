/**
 * What the surveys' routes and pages share at the HTTP edge: who may run surveys and who may read raw responses,
 * private (never cached) replies, signing in first on analysts' pages, the request's origin for links, and CSV
 * downloads (the links CSV among them, shown once).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csvStream, type CsvColumn, type CsvRow } from '../../../platform/csv.ts';
import { describedBy } from '../../../platform/csvw.ts';
import { LINK_CSV } from './csv.ts';

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

/**
 * Streams rows as a private CSV attachment with a header line, every text cell neutralised, pointing to its CSVW
 * metadata (at `csvPath` + -metadata.json when the request's own path is not the CSV's).
 */
export function csvDownload(
  req: FastifyRequest,
  reply: FastifyReply,
  rows: Iterable<CsvRow>,
  columns: readonly CsvColumn[],
  file: string,
  csvPath?: string,
) {
  describedBy(req, privately(reply), csvPath)
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${file}"`);
  return reply.send(csvStream(rows, columns));
}

/** The links CSV of a POST to /api/v1/surveys/waves/{id}/links; its metadata is at …/links-metadata.json. */
export const linksCsv = (req: FastifyRequest, reply: FastifyReply, rows: CsvRow[], waveId: number) =>
  csvDownload(req, reply, rows, LINK_CSV, `survey-links-wave-${waveId}.csv`, `/api/v1/surveys/waves/${waveId}/links`);
