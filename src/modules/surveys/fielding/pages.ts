/**
 * Page routes. Respondents: /s/{wave key} (an open wave's link), /s/{key}/{token} (start or resume), …/q/{page}
 * (one question, or one grid row, per page), …/check, …/done. Analysts: /surveys and /surveys/{code}/waves/{id}.
 * Respondent pages are never cached and send no Referer (the address holds the token).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { App } from '../../../platform/app-types.ts';
import { AppError } from '../../../platform/errors.ts';
import { checkCsrf, csrfToken, requireRole } from '../../accounts/index.ts';
import { ratesPageModel, waveModel } from './analyst-view.ts';
import type { Frames } from './frames.ts';
import { ANALYSTS, linksCsv, origin, privately, readsResponses, signedIn } from './http.ts';
import type { Access, Respond } from './respond.ts';
import { afterSave, base, checkModel, closing, doneModel, questionModel, startModel, when } from './respondent-view.ts';
import { findPage } from './rules.ts';
import type { SurveysService } from './service.ts';

const KeyParams = Type.Object({ key: Type.String({ maxLength: 40 }) });
const TokenParams = Type.Object({ key: Type.String({ maxLength: 40 }), token: Type.String({ maxLength: 64 }) });
const PageParams = Type.Object({ ...TokenParams.properties, page: Type.String({ maxLength: 200 }) });
const ReturnQuery = Type.Object(
  { return: Type.Optional(Type.String({ maxLength: 10 })) },
  { additionalProperties: false },
);
const AnswerBody = Type.Object(
  {
    answer: Type.Optional(
      Type.Union([Type.String({ maxLength: 20000 }), Type.Array(Type.String({ maxLength: 200 }), { maxItems: 500 })]),
    ),
    revision: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
const SubmitBody = Type.Object({ revision: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
const SurveysQuery = Type.Object({
  done: Type.Optional(Type.Union([Type.Literal('loaded'), Type.Literal('unchanged')])),
  definition: Type.Optional(Type.String({ maxLength: 120 })),
});
const WavePageParams = Type.Object({ code: Type.String({ maxLength: 100 }), id: Type.Integer({ minimum: 1 }) });

const respondentHeaders = (reply: FastifyReply) =>
  reply
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex, nofollow');
const byInvitation = () =>
  new AppError(
    404,
    'survey-link-not-found',
    'This survey is by invitation: use the personal link in the message you were sent.',
  );
const NO_SUCH_QUESTION = 'There is no such question in this survey.';
const UNAVAILABLE_TITLES: Record<number, string> = {
  403: 'This survey is not open yet',
  404: 'Survey link not recognised',
  410: 'This survey has closed',
};

export function surveyPages(
  app: App,
  surveys: SurveysService,
  frames: Frames,
  respond: Respond,
  secureCookies: boolean,
): void {
  /** Renders the "not available" page for a link that is not right (404), a wave not yet open (403) or closed (410). */
  const unavailable = (reply: FastifyReply, e: unknown, surveyTitle = 'Survey') => {
    if (!(e instanceof AppError) || ![404, 403, 410].includes(e.status)) throw e;
    const view = { surveyTitle, title: UNAVAILABLE_TITLES[e.status], message: e.message };
    return reply.code(e.status).view('survey-unavailable.njk', view);
  };
  const checkOpen = (a: Pick<Access, 'wave' | 'state'>) => {
    if (a.state === 'scheduled') {
      const detail = `This survey opens on ${when(a.wave.opens_at)}. Come back then with the same link.`;
      throw new AppError(403, 'survey-not-open', detail);
    }
    if (a.state === 'closed') {
      const detail =
        `This survey closed on ${closing(a.wave.closes_at)}. Thank you for your interest. ` +
        'Answers can no longer be given or changed.';
      throw new AppError(410, 'survey-closed', detail);
    }
  };
  /** Resolves the link and checks the wave is open, or renders the right page and returns null. */
  const access = async (
    params: { key: string; token: string },
    reply: FastifyReply,
    onClosed?: (a: Access) => Promise<void>,
  ): Promise<Access | null> => {
    respondentHeaders(reply);
    let a: Access | undefined;
    try {
      a = await respond.resolve(params.key, params.token);
      checkOpen(a);
      return a;
    } catch (e) {
      if (a && a.state === 'closed' && onClosed) await onClosed(a);
      await unavailable(reply, e, a?.def.title);
      return null;
    }
  };

  // An open wave's anonymous link: a start page; each start makes a new respondent with their own resumable address.
  const cookieName = (key: string) => `sli_survey_${key.replace(/[^\w-]/g, '')}`;
  app.get('/s/:key', { schema: { hide: true, params: KeyParams } }, async (req, reply) => {
    respondentHeaders(reply);
    try {
      const { wave, def, state } = await respond.waveByKey(req.params.key);
      if (wave.mode !== 'open') throw byInvitation();
      if (state !== 'open') checkOpen({ wave, state });
      const resume = req.cookies?.[cookieName(wave.key)];
      return reply.view('survey-open.njk', {
        surveyTitle: def.title,
        title: def.title,
        description: def.description ?? null,
        closes: closing(wave.closes_at),
        action: `/s/${wave.key}/start`,
        csrf: csrfToken(req, reply, secureCookies),
        resumeHref: resume && /^[\w-]{43}$/.test(resume) ? `/s/${wave.key}/${resume}` : null,
      });
    } catch (e) {
      return unavailable(reply, e);
    }
  });
  app.post('/s/:key/start', { schema: { hide: true, params: KeyParams } }, async (req, reply) => {
    respondentHeaders(reply);
    checkCsrf(req);
    try {
      const { wave, state } = await respond.waveByKey(req.params.key);
      if (wave.mode !== 'open') throw byInvitation();
      checkOpen({ wave, state });
      const token = await respond.startAnonymous(wave);
      void reply.setCookie(cookieName(wave.key), token, {
        path: `/s/${wave.key}`,
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies,
        expires: new Date(wave.closes_at),
      });
      return reply.redirect(`/s/${wave.key}/${token}`, 303);
    } catch (e) {
      return unavailable(reply, e);
    }
  });

  app.get('/s/:key/:token', { schema: { hide: true, params: TokenParams } }, async (req, reply) => {
    const a = await access(req.params, reply);
    if (!a) return reply;
    return reply.view('survey-start.njk', startModel(a, req.params.token));
  });

  app.get(
    '/s/:key/:token/q/:page',
    {
      schema: { hide: true, params: PageParams, querystring: ReturnQuery },
    },
    async (req, reply) => {
      const a = await access(req.params, reply);
      if (!a) return reply;
      const page = findPage(a.def, req.params.page);
      if (!page) return unavailable(reply, new AppError(404, 'not-found', NO_SUCH_QUESTION), a.def.title);
      const opts = { answers: a.answers, revision: a.revision, returnTo: req.query.return };
      return reply.view('survey-question.njk', questionModel(a, req.params.token, page, opts));
    },
  );

  app.post(
    '/s/:key/:token/q/:page',
    {
      schema: { hide: true, params: PageParams, querystring: ReturnQuery, body: AnswerBody },
    },
    async (req, reply) => {
      const a = await access(req.params, reply, (closed) => respond.late(closed, req.params.page, req.body.answer));
      if (!a) return reply;
      const r = await respond.save(a, req.params.page, req.body.revision, req.body.answer);
      const token = req.params.token;
      const returnTo = req.query.return;
      switch (r.kind) {
        case 'saved':
          return reply.redirect(afterSave(a, token, r.page, r.answers, returnTo), 303);
        case 'invalid': {
          const opts = { answers: a.answers, revision: req.body.revision, returnTo, error: r.error, raw: r.raw };
          return reply.code(400).view('survey-question.njk', questionModel(a, token, r.page, opts));
        }
        case 'conflict': {
          const conflict = { current: r.current, posted: r.posted };
          const opts = { answers: r.answers, revision: r.revision, returnTo, conflict };
          return reply.code(409).view('survey-question.njk', questionModel(a, token, r.page, opts));
        }
      }
    },
  );

  app.get('/s/:key/:token/check', { schema: { hide: true, params: TokenParams } }, async (req, reply) => {
    const a = await access(req.params, reply);
    if (!a) return reply;
    return reply.view('survey-check.njk', checkModel(a, req.params.token, { missing: [] }));
  });
  app.post(
    '/s/:key/:token/check',
    {
      schema: { hide: true, params: TokenParams, body: SubmitBody },
    },
    async (req, reply) => {
      const a = await access(req.params, reply, (closed) => respond.late(closed, 'check', undefined));
      if (!a) return reply;
      const r = await respond.submit(a, req.body.revision);
      if (r.kind === 'submitted') return reply.redirect(`${base(a, req.params.token)}/done`, 303);
      const fresh = await respond.resolve(req.params.key, req.params.token);
      const opts = r.kind === 'stale' ? { stale: true, missing: [] } : { missing: r.pages };
      const model = checkModel(fresh, req.params.token, opts);
      return reply.code(r.kind === 'stale' ? 409 : 400).view('survey-check.njk', model);
    },
  );
  app.get('/s/:key/:token/done', { schema: { hide: true, params: TokenParams } }, async (req, reply) => {
    const a = await access(req.params, reply);
    if (!a) return reply;
    if (!a.submittedAt) return reply.redirect(`${base(a, req.params.token)}/check`, 303);
    return reply.view('survey-done.njk', { ...doneModel(a), checkHref: `${base(a, req.params.token)}/check` });
  });

  // Analysts' pages: visitors are sent to sign in, council users refused.
  app.get('/surveys', { schema: { hide: true, querystring: SurveysQuery } }, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    requireRole(req, ANALYSTS);
    privately(reply);
    const [definitions, waves] = await Promise.all([surveys.definitions(), surveys.waves()]);
    const done = { done: req.query.done ?? null, doneDefinition: req.query.definition?.replace(':', ' version ') };
    return reply.view('surveys.njk', { title: 'Surveys', definitions, waves: waves.map(waveModel), ...done });
  });
  app.get('/surveys/:code/waves/:id', { schema: { hide: true, params: WavePageParams } }, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const user = requireRole(req, ANALYSTS);
    privately(reply);
    const r = await surveys.responseRates(req.params.id);
    if (r.wave.survey !== req.params.code) {
      throw new AppError(404, 'not-found', `Wave ${req.params.id} is not a wave of "${req.params.code}".`);
    }
    const members = r.wave.mode === 'frame' ? await frames.members(req.params.id) : [];
    return reply.view('survey-wave.njk', ratesPageModel(r, members, origin(req), readsResponses(user.role)));
  });
  app.post('/surveys/:code/waves/:id/links', { schema: { hide: true, params: WavePageParams } }, async (req, reply) => {
    requireRole(req, ANALYSTS);
    checkCsrf(req);
    const rows = await frames.issueLinks(req.params.id, origin(req), false);
    return linksCsv(req, reply, rows, req.params.id);
  });
}
