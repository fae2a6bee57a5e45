/**
 * The evaluation page for peer challenge managers (no JavaScript needed): /peer-challenge/evaluation loads the
 * standard feedback and impact questionnaires, creates waves of them, previews a wave's frame from the engagements
 * (a GET form: the engagements whose feedback falls in the range, with their leader and chief executive) and builds
 * it, and emails the invitations. Forms post here, are CSRF-checked and answer 303 back to the page with what was
 * done, or the page again (400 or 409) with an error summary naming each field.
 */
import { noStore } from '../../platform/http.ts';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { AppError } from '../../platform/errors.ts';
import { checkCsrf } from '../accounts/index.ts';
import { isManager } from './context.ts';
import { DEFAULT_MONTHS_AFTER, EVALUATION_KINDS } from './evaluation.ts';
import type { PeerService } from './service.ts';

const F = (max = 200) => Type.Optional(Type.String({ maxLength: max }));
const Form = Type.Record(Type.String(), Type.String({ maxLength: 400 }));
const PageQuery = Type.Object(
  { wave: F(12), from: F(10), to: F(10), monthsAfter: F(3), done: F(20), n: F(12) },
  { additionalProperties: false },
);
const ACTIONS = ['questionnaires', 'waves', 'frame'] as const;
const ActionParams = Type.Object({ action: Type.Union(ACTIONS.map((a) => Type.Literal(a))) });
const InviteParams = Type.Object({ wave: Type.Integer({ minimum: 1 }) });
const DONE: Record<string, (n: string) => string> = {
  loaded: () => 'The questionnaire is loaded.',
  wave: () => 'The wave is created. Build its frame below.',
  frame: (n) => `The frame is built: ${n} member${n === '1' ? '' : 's'} added.`,
  invited: (n) => `${n} invitation${n === '1' ? ' is' : 's are'} queued to be emailed.`,
};
const OUTCOMES: Record<string, string> = {
  included: 'Included',
  'already-in-frame': 'Already in the frame',
  'later-engagement-of-council': 'Left out: a later engagement of this council is in the range',
  'not-a-council': 'Left out: no longer a council when the wave opens',
};
const int = (s: string | undefined) => (s === undefined || s.trim() === '' ? Number.NaN : Number(s));

export function evaluationPages(app: App, peer: PeerService): void {
  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    q: Record<string, string | undefined>,
    errors: { href: string; text: string }[] = [],
    form: Record<string, string> = {},
  ) => {
    const v = req.user;
    const [questionnaires, waves] = await Promise.all([peer.questionnaires(v), peer.evaluationWaves(v)]);
    let preview = null;
    if (q.wave && (q.from || q.to) && errors.length === 0) {
      try {
        preview = await peer.evaluationFrame(v, frameInput(q), false);
      } catch (e) {
        if (!(e instanceof AppError) || (e.status !== 400 && e.status !== 409 && e.status !== 404)) throw e;
        reply.status(e.status === 404 ? 400 : e.status);
        errors = problems(e, 'frame');
        form = { ...(q as Record<string, string>), _form: 'frame' };
      }
    }
    noStore(reply);
    return reply.view('peer-evaluation.njk', {
      title: `${errors.length ? 'Error: ' : ''}Peer challenge evaluation surveys`,
      questionnaires,
      waves,
      preview,
      outcomes: OUTCOMES,
      notice: q.done && DONE[q.done] ? DONE[q.done]!(q.n ?? '0') : null,
      errors,
      form: form._form ? form : { ...(q as Record<string, string>), _form: q.wave ? 'frame' : '' },
      kinds: EVALUATION_KINDS,
      waveOptions: waves.map((w) => ({ value: String(w.id), text: `${w.name} (${w.kind}, ${w.state})` })),
      defaultMonths: DEFAULT_MONTHS_AFTER,
    });
  };
  const frameInput = (q: Record<string, string | undefined>) => ({
    wave: int(q.wave),
    from: q.from ?? '',
    to: q.to ?? '',
    ...(q.monthsAfter?.trim() ? { monthsAfter: int(q.monthsAfter) } : {}),
  });
  const problems = (e: AppError, f: string) =>
    (e.errors.length ? e.errors : [{ field: f, message: e.message, value: undefined }]).map((x) => ({
      href: `#${f}-${x.field.replace(/[^\w-]/g, '')}`,
      text: `${x.field}${x.value ? ` "${x.value}"` : ''}: ${x.message}`,
    }));
  const gate = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (!req.user) {
      void reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);
      return false;
    }
    if (!isManager(req.user))
      throw new AppError(403, 'forbidden', 'Evaluation surveys are run by peer challenge managers and administrators.');
    return true;
  };

  app.get('/peer-challenge/evaluation', { schema: { hide: true, querystring: PageQuery } }, async (req, reply) => {
    if (!gate(req, reply)) return reply;
    return page(req, reply, req.query);
  });

  app.post(
    '/peer-challenge/evaluation/:action',
    { schema: { hide: true, params: ActionParams, body: Form } },
    async (req, reply) => {
      if (!gate(req, reply)) return reply;
      checkCsrf(req);
      const b = req.body;
      const v = req.user;
      try {
        switch (req.params.action) {
          case 'questionnaires':
            await peer.loadQuestionnaire(v, b.survey ?? '');
            return reply.redirect('/peer-challenge/evaluation?done=loaded', 303);
          case 'waves': {
            const w = await peer.createEvaluationWave(v, {
              survey: b.survey ?? '',
              name: b.name ?? '',
              opensAt: b.opensAt ?? '',
              closesAt: b.closesAt ?? '',
            });
            return reply.redirect(`/peer-challenge/evaluation?done=wave&wave=${w.id}`, 303);
          }
          case 'frame': {
            const r = await peer.evaluationFrame(v, frameInput(b), true);
            return reply.redirect(`/peer-challenge/evaluation?done=frame&n=${r.added}`, 303);
          }
        }
      } catch (e) {
        if (!(e instanceof AppError) || (e.status !== 400 && e.status !== 409)) throw e;
        const f = req.params.action;
        return page(req, reply.status(e.status), {}, problems(e, f), { ...b, _form: f });
      }
    },
  );

  app.post(
    '/peer-challenge/evaluation/waves/:wave/invitations',
    { schema: { hide: true, params: InviteParams, body: Form } },
    async (req, reply) => {
      if (!gate(req, reply)) return reply;
      checkCsrf(req);
      try {
        const r = await peer.inviteEvaluation(req.user, req.params.wave, req.server.publicOrigin());
        return reply.redirect(`/peer-challenge/evaluation?done=invited&n=${r.queued}`, 303);
      } catch (e) {
        if (!(e instanceof AppError) || e.status !== 409) throw e;
        return page(req, reply.status(409), {}, problems(e, 'invite'));
      }
    },
  );
}
