/**
 * The evidence pack page, /peer-challenge/engagements/{id}/evidence-pack (?pack=ID for an earlier one): the frozen pack
 * "as at" its date, section by section, with the XLSX and JSON links, and for the council and managers a button that
 * generates a new pack (a form posting here, CSRF-checked, answering 303 back to the page).
 */
import { noStore } from '../../platform/http.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { checkCsrf } from '../accounts/index.ts';
import { PackQuery } from './pack-routes.ts';
import { IdParams } from './schemas.ts';
import type { PeerService } from './service.ts';

const display = (v: string | number | null): string =>
  v === null ? '–' : typeof v === 'number' ? v.toLocaleString('en-GB', { maximumFractionDigits: 2 }) : v;

export function packPages(app: App, peer: PeerService): void {
  const URL = '/peer-challenge/engagements/:id/evidence-pack';
  const signInFirst = (req: FastifyRequest, reply: FastifyReply) =>
    reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);

  app.get(URL, { schema: { hide: true, params: IdParams, querystring: PackQuery } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    const { id } = req.params;
    const [e, pack, canGenerate] = await Promise.all([
      peer.get(req.user, id),
      peer.evidencePack(req.user, id, req.query.pack),
      peer.mayGeneratePack(req.user, id),
    ]);
    noStore(reply);
    const q = pack ? `?pack=${pack.id}` : '';
    return reply.view('peer-evidence-pack.njk', {
      title: `Evidence pack: ${e.council.name}${pack ? ` as at ${pack.asAt}` : ''}`,
      e,
      pack: pack && {
        ...pack,
        sections: pack.sections.map((s) => ({ ...s, rows: s.rows.map((r) => r.map(display)) })),
      },
      canGenerate,
      xlsx: `/api/v1/peer-challenge/engagements/${id}/evidence-pack.xlsx${q}`,
      json: `/api/v1/peer-challenge/engagements/${id}/evidence-pack.json${q}`,
    });
  });

  app.post(URL, { schema: { hide: true, params: IdParams } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    checkCsrf(req);
    const packId = await peer.generatePack(req.user, req.params.id);
    return reply.redirect(`/peer-challenge/engagements/${req.params.id}/evidence-pack?pack=${packId}`, 303);
  });
}
