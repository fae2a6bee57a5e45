/**
 * The leadership evaluation page for the programme office (no JavaScript needed): /leadership/evaluation loads the
 * standard feedback and impact questionnaires, opens waves of them, builds a wave's frame from one programme's
 * survey contacts due in a range (each person's own dates) and emails the invitations. Forms post, are CSRF-checked
 * and answer 303 back with what was done, or the page again with an error summary naming each field.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { AppError } from '../../platform/errors.ts';
import { checkCsrf, pageFor } from '../accounts/index.ts';
import { fieldProblems } from './booking-pages.ts';
import { OFFICE_ROLES } from './context.ts';
import { LEAD_SURVEYS } from './evaluation.ts';
import type { LeadService } from './service.ts';

const Form = Type.Record(Type.String(), Type.String({ maxLength: 400 }));
const PageQuery = Type.Object(
  { done: Type.Optional(Type.String({ maxLength: 20 })), n: Type.Optional(Type.String({ maxLength: 12 })) },
  { additionalProperties: false },
);
const ACTIONS = ['questionnaires', 'waves', 'frame'] as const;
const ActionParams = Type.Object({ action: Type.Union(ACTIONS.map((a) => Type.Literal(a))) });
const WaveParams = Type.Object({ wave: Type.Integer({ minimum: 1 }) });
const DONE: Record<string, (n: string) => string> = {
  loaded: () => 'The questionnaire is loaded.',
  wave: () => 'The wave is open. Build its frame below.',
  frame: (n) => `The frame is built: ${n} ${n === '1' ? 'person' : 'people'} added.`,
  invited: (n) => `${n} invitation${n === '1' ? ' is' : 's are'} queued to be emailed.`,
};

export function evaluationPages(app: App, lead: LeadService): void {
  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    q: { done?: string | undefined; n?: string | undefined },
    errors: { href: string; text: string }[] = [],
    form: Record<string, string> = {},
  ) => {
    const v = req.user;
    const [questionnaires, waves, programmes] = await Promise.all([
      lead.leadQuestionnaires(v),
      lead.leadWaves(v),
      lead.reference(),
    ]);
    return reply.view('lead-evaluation.njk', {
      title: `${errors.length ? 'Error: ' : ''}Leadership evaluation surveys`,
      questionnaires,
      waves,
      programmes,
      kinds: LEAD_SURVEYS,
      notice: q.done && DONE[q.done] ? DONE[q.done]!(q.n ?? '0') : null,
      errors,
      form,
    });
  };

  app.get('/leadership/evaluation', { schema: { hide: true, querystring: PageQuery } }, async (req, reply) => {
    if (!pageFor(req, reply, OFFICE_ROLES)) return reply;
    return page(req, reply, req.query);
  });

  app.post(
    '/leadership/evaluation/:action',
    { schema: { hide: true, params: ActionParams, body: Form } },
    async (req, reply) => {
      if (!pageFor(req, reply, OFFICE_ROLES)) return reply;
      checkCsrf(req);
      const b = req.body;
      const action = req.params.action;
      try {
        switch (action) {
          case 'questionnaires':
            await lead.loadLeadQuestionnaire(req.user, b.survey ?? '');
            return reply.redirect('/leadership/evaluation?done=loaded', 303);
          case 'waves':
            await lead.createLeadWave(req.user, b);
            return reply.redirect('/leadership/evaluation?done=wave', 303);
          case 'frame': {
            const r = await lead.leadFrame(req.user, { ...b, wave: b.wave ? Number(b.wave) : Number.NaN }, true);
            return reply.redirect(`/leadership/evaluation?done=frame&n=${r.added}`, 303);
          }
        }
      } catch (e) {
        if (!(e instanceof AppError) || (e.status !== 400 && e.status !== 409 && e.status !== 404)) throw e;
        const errors = fieldProblems(e, (f) => `#${action}-${f.replace(/[^\w-]/g, '') || 'form'}`);
        return page(req, reply.status(e.status === 404 ? 400 : e.status), {}, errors, { ...b, _form: action });
      }
    },
  );

  app.post(
    '/leadership/evaluation/waves/:wave/invitations',
    { schema: { hide: true, params: WaveParams, body: Form } },
    async (req, reply) => {
      if (!pageFor(req, reply, OFFICE_ROLES)) return reply;
      checkCsrf(req);
      try {
        const r = await lead.inviteLead(req.user, req.params.wave, req.server.publicOrigin());
        return reply.redirect(`/leadership/evaluation?done=invited&n=${r.queued}`, 303);
      } catch (e) {
        if (!(e instanceof AppError) || e.status !== 409) throw e;
        return page(req, reply.status(409), {}, [{ href: '#waves', text: e.message }]);
      }
    },
  );
}
