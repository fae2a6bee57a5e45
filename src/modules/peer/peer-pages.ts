/**
 * The peer pool's forms (managers and administrators, no JavaScript needed): /peer-challenge/peers/new adds a peer
 * (addPeer, as POST /api/v1/peer-challenge/peers does) and /peer-challenge/peers/{id}/change changes one (updatePeer,
 * as the PATCH does). The home council is typed by name or code (the platform's council field). Forms are CSRF-checked
 * and answer 303 to the pool, or the form again (400) with an error summary naming each field.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { AppError } from '../../platform/errors.ts';
import { noStore } from '../../platform/http.ts';
import { checkCsrf } from '../accounts/index.ts';
import { PEER_ROLES } from './engagements.ts';
import { IdParams } from './schemas.ts';
import type { PeerService } from './service.ts';

const Form = Type.Record(Type.String(), Type.String({ maxLength: 4000 }));
type Form = Record<string, string>;
type Errors = { href: string; text: string }[];
const FIELDS = ['name', 'homeCouncil', 'role', 'politicalGroup', 'skills', 'region', 'accreditation', 'accreditedAt'];

/** Skills one a line (or separated by commas). */
const skillsOf = (s: string | undefined) =>
  (s ?? '')
    .split(/[\n,]/)
    .map((x) => x.trim())
    .filter(Boolean);
const opt = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s.trim());

/** The service's field problems at the form's fields (skills[2] at skills; anything else at the name). */
const problems = (e: AppError): Errors =>
  (e.errors.length ? e.errors : [{ field: 'name', message: e.message }]).map((x) => {
    const field = x.field.replace(/\[.*$/, '');
    return {
      href: `#${FIELDS.includes(field) || field === 'availability' ? field : 'name'}`,
      text: `${x.field}${x.value ? ` "${x.value}"` : ''}: ${x.message}`,
    };
  });

export function peerFormPages(app: App, peer: PeerService): void {
  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    id: number | undefined,
    form: Form | null,
    errors: Errors = [],
    council: unknown = null,
  ) => {
    const f = await peer.peerForm(req.user, id);
    const p = f.peer;
    const shown: Form = form ?? {
      politicalGroup: p?.politicalGroup ?? '',
      skills: (p?.skills ?? []).join('\n'),
      region: p?.region ?? '',
      accreditation: p?.accreditation ?? '',
      accreditedAt: p?.accreditedAt ?? '',
      availability: p?.availability ?? '',
      active: !p || p.active ? 'yes' : '',
    };
    noStore(reply);
    return reply.view('peer-peer-form.njk', {
      title: `${errors.length ? 'Error: ' : ''}${p ? `Change ${p.name}` : 'Add a peer'}`,
      p,
      form: shown,
      errors,
      errorText: Object.fromEntries(errors.map((e) => [e.href.slice(1), e.text])),
      council: council ?? (p ? null : await peer.councilField(shown.homeCouncil)),
      roles: PEER_ROLES.map((r) => ({ value: r, text: r.replace('-', ' '), checked: shown.role === r })),
      regions: [
        { value: '', text: p ? 'None' : 'The home council’s region' },
        ...f.regions.map((r) => ({ value: r.code, text: r.name, selected: shown.region === r.code })),
      ],
    });
  };

  /** Signed in, or to sign in first (303); the service says who else may not. */
  const signedIn = (req: FastifyRequest, reply: FastifyReply) => {
    if (req.user) return true;
    void reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);
    return false;
  };

  app.get('/peer-challenge/peers/new', { schema: { hide: true } }, async (req, reply) =>
    signedIn(req, reply) ? page(req, reply, undefined, null) : reply,
  );

  app.post('/peer-challenge/peers/new', { schema: { hide: true, body: Form } }, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    checkCsrf(req);
    const b = req.body;
    const council = await peer.councilField(b.homeCouncil);
    if (council && !council.area)
      return page(req, reply.status(400), undefined, b, [{ href: '#homeCouncil', text: council.error! }], council);
    try {
      const id = await peer.addPeer(req.user, {
        name: b.name ?? '',
        role: b.role ?? '',
        homeCouncil: council?.area?.code,
        politicalGroup: opt(b.politicalGroup),
        skills: skillsOf(b.skills),
        region: opt(b.region),
        accreditation: opt(b.accreditation),
        accreditedAt: opt(b.accreditedAt),
        availability: opt(b.availability),
      });
      if (b.active !== 'yes') await peer.updatePeer(req.user, id, { active: false });
      return reply.redirect('/peer-challenge/pool#by-peer', 303);
    } catch (e) {
      if (!(e instanceof AppError) || e.status !== 400) throw e;
      return page(req, reply.status(400), undefined, b, problems(e), council);
    }
  });

  app.get('/peer-challenge/peers/:id/change', { schema: { hide: true, params: IdParams } }, async (req, reply) =>
    signedIn(req, reply) ? page(req, reply, req.params.id, null) : reply,
  );

  app.post(
    '/peer-challenge/peers/:id/change',
    { schema: { hide: true, params: IdParams, body: Form } },
    async (req, reply) => {
      if (!signedIn(req, reply)) return reply;
      checkCsrf(req);
      const b = req.body;
      try {
        // Every field the form shows: an empty one clears it, as null does in the PATCH.
        await peer.updatePeer(req.user, req.params.id, {
          active: b.active === 'yes',
          politicalGroup: b.politicalGroup ?? null,
          skills: skillsOf(b.skills),
          region: b.region ?? null,
          accreditation: b.accreditation ?? null,
          accreditedAt: b.accreditedAt?.trim() ?? null,
          availability: b.availability ?? null,
        });
        return reply.redirect('/peer-challenge/pool#by-peer', 303);
      } catch (e) {
        if (!(e instanceof AppError) || e.status !== 400) throw e;
        return page(req, reply.status(400), req.params.id, b, problems(e));
      }
    },
  );
}
