/**
 * Evaluation staff's pages for running a survey without a terminal (analysts and administrators): import a
 * questionnaire (SurveyJS JSON or XLSForm, uploaded or pasted), open a wave (dates in Europe/London), build its frame
 * (a CSV of contacts, or every council of some types), send invitations and reminders by email, and close the wave.
 * Each form is CSRF-protected and works without JavaScript; each calls the same services as the API and the CLI.
 * Members' own page: /s/{key}/{token}/opt-out (no more reminders).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../platform/app-types.ts';
import { formatDate } from '../../../platform/dates.ts';
import { AppError, type FieldError } from '../../../platform/errors.ts';
import { isUpload, readUpload, withUploads, type MultipartBody } from '../../../platform/multipart.ts';
import { checkCsrf, csrfToken, pageFor, requireRole } from '../../accounts/index.ts';
import { AREA_TYPES, COUNCIL_TYPES } from '../../areas/index.ts';
import { definitionFromUpload } from '../definition/index.ts';
import type { Frames } from './frames.ts';
import { ANALYSTS, origin, privately } from './http.ts';
import type { Mailings, MemberMailing } from './mailings.ts';
import type { Respond } from './respond.ts';
import type { ContactRetention } from './retention.ts';
import { when } from './respondent-view.ts';
import { londonDayStart, type SurveysService } from './service.ts';

const MAIL_STATE = {
  queued: 'waiting to send',
  sending: 'sending',
  sent: 'sent',
  dead: 'not delivered',
  discarded: 'not delivered (discarded)',
} as const;
const UPLOAD_LIMIT = 5 * 1024 * 1024;
const WaveParams = Type.Object({ code: Type.String({ maxLength: 100 }), id: Type.Integer({ minimum: 1 }) });
const TokenParams = Type.Object({ key: Type.String({ maxLength: 40 }), token: Type.String({ maxLength: 64 }) });
const Csrf = { _csrf: Type.String({ maxLength: 200 }) };
const Text = (max = 200) => Type.Optional(Type.String({ maxLength: max }));
const WaveForm = Type.Object({
  ...Csrf,
  definition: Text(),
  name: Text(),
  mode: Text(20),
  'opens-day': Text(4),
  'opens-month': Text(4),
  'opens-year': Text(6),
  'closes-day': Text(4),
  'closes-month': Text(4),
  'closes-year': Text(6),
});
const RoundForm = Type.Object({ ...Csrf, round: Type.Integer({ minimum: 1 }) });
const CsrfForm = Type.Object(Csrf);
const DoneQuery = Type.Object({ done: Text(40), n: Type.Optional(Type.Integer({ minimum: 0 })) });

/** A form's problems as the error summary and the fields show them: field → message, in order. */
type Problems = Array<{ field: string; href: string; message: string }>;
const problemsOf = (e: AppError, fieldFor: (f: FieldError) => string): Problems => {
  const list = e.errors?.length ? e.errors : [{ field: '', message: e.message }];
  return list.map((f) => {
    const field = fieldFor(f);
    const where = f.field && !/^(definition|request)$/.test(f.field) ? `${f.field}: ` : '';
    return { field, href: `#${field}`, message: `${where}${f.message}${f.value ? ` (“${f.value}”)` : ''}` };
  });
};
/** The GOV.UK error summary's list and each field's first message. */
const formErrors = (problems: Problems) => ({
  errorList: problems.map((p) => ({ text: p.message, href: p.href })),
  fieldErrors: Object.fromEntries([...problems].reverse().map((p) => [p.field, p.message])),
});
/** Re-renders a form for a refusal the person can correct (400, 409); anything else is thrown on. */
const refusal = (e: unknown): AppError => {
  if (e instanceof AppError && (e.status === 400 || e.status === 409)) return e;
  throw e;
};

function dayOf(body: Record<string, string | undefined>, prefix: 'opens' | 'closes', errors: FieldError[]) {
  const [d, m, y] = ['day', 'month', 'year'].map((p) => (body[`${prefix}-${p}`] ?? '').trim());
  const label = prefix === 'opens' ? 'The opening date' : 'The closing date';
  if (!d || !m || !y) {
    errors.push({ field: `${prefix}-day`, message: `${label} must include a day, month and year` });
    return null;
  }
  const iso = `${y.padStart(4, '0')}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const real = /^\d{4}-\d{2}-\d{2}$/.test(iso) && new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) === iso;
  if (!real) {
    errors.push({ field: `${prefix}-day`, message: `${label} must be a real date`, value: `${d}/${m}/${y}` });
    return null;
  }
  return iso;
}

export function surveyOpsPages(
  app: App,
  surveys: SurveysService,
  frames: Frames,
  mailings: Mailings,
  respond: Respond,
  retention: ContactRetention,
  secureCookies: boolean,
): void {
  const actor = (req: FastifyRequest) => ({ name: requireRole(req, ANALYSTS).name });
  const wavePath = (code: string, id: number) => `/surveys/${encodeURIComponent(code)}/waves/${id}`;
  /** The wave named by the address, checked to be a wave of that survey. */
  async function waveOf(code: string, id: number) {
    const w = await surveys.wave(id);
    if (w.survey !== code) throw new AppError(404, 'not-found', `Wave ${id} is not a wave of "${code}".`);
    return w;
  }

  // Questionnaires: upload a file or paste SurveyJS JSON.
  const importView = (reply: FastifyReply, problems: Problems = [], pasted = '') =>
    reply.view('survey-import.njk', { title: 'Import a questionnaire', ...formErrors(problems), pasted });
  app.get('/surveys/questionnaires/new', { schema: { hide: true } }, async (req, reply) => {
    if (!pageFor(req, reply, ANALYSTS)) return reply;
    return importView(reply);
  });

  withUploads(app, UPLOAD_LIMIT, (scope) => {
    scope.post('/surveys/questionnaires', { schema: { hide: true } }, async (req, reply) => {
      const by = actor(req);
      checkCsrf(req);
      privately(reply);
      const body = (req.body ?? {}) as MultipartBody;
      const pasted = typeof body.json === 'string' ? body.json : '';
      try {
        const file = isUpload(body.file) ? body.file : null;
        if (!file && !pasted.trim())
          throw new AppError(400, 'no-questionnaire', 'Choose a file or paste the SurveyJS JSON', [
            { field: 'file', message: 'Choose a questionnaire file (.json or .xlsx) or paste its SurveyJS JSON' },
          ]);
        const upload = file
          ? { filename: file.filename, data: await readUpload(file) }
          : { filename: 'pasted.json', data: Buffer.from(pasted, 'utf8') };
        const { json } = await definitionFromUpload(upload.filename, upload.data);
        const r = await surveys.loadDefinition(json, by);
        const d = r.definition;
        return reply.redirect(
          `/surveys?done=${r.created ? 'loaded' : 'unchanged'}&definition=${encodeURIComponent(`${d.code}:${d.version}`)}`,
          303,
        );
      } catch (e) {
        const problems = problemsOf(refusal(e), () => (file(body) ? 'file' : 'json'));
        return importView(reply.code(refusal(e).status), problems, pasted);
      }
    });

    // A wave's frame from a CSV of contacts (uploaded or pasted) or from a rule (council types and a role).
    scope.post('/surveys/:code/waves/:id/frame', { schema: { hide: true, params: WaveParams } }, async (req, reply) => {
      actor(req);
      checkCsrf(req);
      const { code, id } = req.params;
      await waveOf(code, id);
      const body = (req.body ?? {}) as MultipartBody;
      const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
      try {
        let r: { added: number; frame: number };
        if (text('from') === 'one') {
          const one = { area: text('area'), role: text('role'), contact: text('contact'), email: text('email') };
          r = await frames.build(id, { members: [one] });
        } else if (text('from') === 'rule') {
          const types = Object.keys(body).filter((k) => k.startsWith('type-') && text(k) === 'yes');
          r = await frames.build(id, { rule: { types: types.map((k) => k.slice(5)), role: text('role') } });
        } else {
          const csv = isUpload(body.csv) ? (await readUpload(body.csv)).toString('utf8') : text('csvText');
          if (!csv.trim())
            throw new AppError(400, 'no-frame', 'Choose a CSV file of contacts or paste one', [
              { field: 'csv', message: 'Choose a CSV file of contacts (area, role, contact, email) or paste one' },
            ]);
          r = await frames.build(id, { csv, ...(text('role').trim() ? { role: text('role') } : {}) });
        }
        return reply.redirect(`${wavePath(code, id)}/fielding?done=frame&n=${r.added}`, 303);
      } catch (e) {
        const err = refusal(e);
        if (text('from') === 'one') {
          // One council: each problem at its field, in the form's words.
          const problems: Problems = (err.errors.length ? err.errors : [{ field: '', message: err.message }]).map(
            (f) => {
              const field = f.field.endsWith(' email')
                ? 'one-email'
                : f.message === 'has no role'
                  ? 'one-role'
                  : 'frame-area';
              const message =
                field === 'one-role'
                  ? 'Enter the role to ask, for example Chief Executive'
                  : field === 'one-email'
                    ? 'Enter an email address in the correct format, like name@council.gov.uk'
                    : f.message.startsWith('is ')
                      ? `“${f.value ?? ''}” ${f.message}`
                      : f.message.charAt(0).toUpperCase() + f.message.slice(1);
              return { field, href: `#${field}`, message };
            },
          );
          const typed = text('area');
          const council = await frames.councilField(typed);
          const areaProblem = problems.find((p) => p.field === 'frame-area')?.message;
          return wavePage(req, reply.code(err.status), code, id, {
            frameProblems: problems,
            frameOne: { role: text('role'), contact: text('contact'), email: text('email') },
            frameCouncil: areaProblem
              ? { ...(council ?? { value: typed, area: null, choices: [] }), error: areaProblem }
              : council,
          });
        }
        return wavePage(req, reply.code(err.status), code, id, {
          frameProblems: problemsOf(err, () => (text('from') === 'rule' ? 'role' : 'csv')),
          frameFrom: text('from'),
        });
      }
    });
  });
  const file = (body: MultipartBody) => isUpload(body.file);

  // Waves: open one on a loaded version, dated in Europe/London.
  const waveFormView = async (reply: FastifyReply, form: Record<string, string | undefined>, problems: Problems = []) =>
    reply.view('survey-wave-new.njk', {
      title: 'Open a wave',
      definitions: (await surveys.definitions()).map((d) => ({ ...d, value: `${d.code}:${d.version}` })),
      form,
      ...formErrors(problems),
    });
  app.get(
    '/surveys/waves/new',
    { schema: { hide: true, querystring: Type.Object({ definition: Text() }) } },
    async (req, reply) => {
      if (!pageFor(req, reply, ANALYSTS)) return reply;
      return waveFormView(reply, { definition: req.query.definition, mode: 'frame' });
    },
  );
  app.post('/surveys/waves', { schema: { hide: true, body: WaveForm } }, async (req, reply) => {
    const by = actor(req);
    checkCsrf(req);
    privately(reply);
    const f = req.body;
    const errors: FieldError[] = [];
    const [code, version] = (f.definition ?? '').split(':');
    if (!code || !version) errors.push({ field: 'definition', message: 'Choose the questionnaire and its version' });
    if (!f.name?.trim()) errors.push({ field: 'name', message: 'Enter a name for the wave, like “Autumn 2026”' });
    if (f.mode !== 'frame' && f.mode !== 'open') errors.push({ field: 'mode', message: 'Choose who answers' });
    const opens = dayOf(f, 'opens', errors);
    const closes = dayOf(f, 'closes', errors);
    if (opens && closes && closes < opens)
      errors.push({ field: 'closes-day', message: 'The closing date must be the same as or after the opening date' });
    const fieldFor = (e: FieldError) =>
      ({ version: 'definition', opensAt: 'opens-day', closesAt: 'closes-day' })[e.field] ?? e.field;
    try {
      if (errors.length > 0) throw new AppError(400, 'invalid-wave', 'The wave has problems', errors);
      const wave = await surveys.createWave(
        {
          survey: code!,
          version: Number(version),
          name: f.name!,
          mode: f.mode as 'frame' | 'open',
          opensAt: londonDayStart(opens!),
          closesAt: londonDayStart(closes!, 1),
        },
        by,
      );
      return reply.redirect(`${wavePath(wave.survey, wave.id)}/fielding?done=opened`, 303);
    } catch (e) {
      const err = refusal(e);
      const problems = problemsOf(err, fieldFor).map((p) => ({ ...p, message: p.message.replace(/^\S+: /, '') }));
      return waveFormView(reply.code(err.status), f, problems);
    }
  });

  // A wave's page, with its frame, mailings and actions (the response rates page grown for fielding).
  async function wavePage(
    req: FastifyRequest,
    reply: FastifyReply,
    code: string,
    id: number,
    extra: Record<string, unknown> = {},
  ) {
    privately(reply);
    const wave = await waveOf(code, id);
    const query = (req.query ?? {}) as { done?: string; n?: number };
    const members = wave.mode === 'frame' ? await frames.members(id) : [];
    const mail = wave.mode === 'frame' ? await mailings.status(id) : new Map<number, MemberMailing>();
    const rows = members.map((m) => {
      const s = mail.get(m.id);
      return {
        ...m,
        email: s?.email ?? null,
        optedOutAt: s?.optedOutAt ? when(s.optedOutAt) : null,
        invitedAt: s?.invitedAt ? when(s.invitedAt) : null,
        invitation: s?.invitation ? MAIL_STATE[s.invitation] : null,
        reminders: (s?.reminders ?? []).map((r) => ({
          ...r,
          at: when(r.at),
          state: r.state ? MAIL_STATE[r.state] : null,
        })),
        undelivered: !!s && [s.invitation, ...s.reminders.map((r) => r.state)].some((x) => x === 'dead'),
      };
    });
    return reply.view('survey-wave-fielding.njk', {
      title: `${wave.name}: fielding`,
      wave,
      waveHref: wavePath(code, id),
      members: rows,
      state: { scheduled: 'not open yet', open: 'open now', closed: 'closed' }[wave.state],
      opens: when(wave.opensAt),
      closes: when(wave.closesAt),
      openLink: wave.openLink ? `${origin(req)}${wave.openLink}` : null,
      withEmail: rows.filter((r) => r.email && !r.invitedAt && !r.optedOutAt).length,
      withoutEmail: rows.filter((r) => !r.email).length,
      toRemind: rows.filter((r) => r.invitedAt && r.status !== 'submitted' && !r.optedOutAt).length,
      nextRound: wave.mode === 'frame' ? await mailings.nextReminderRound(id) : 1,
      // The retention rule (retention.ts): when the frame's contact details go.
      contactsErased: { on: formatDate(retention.erasedOn(wave.closesAt)), days: retention.days },
      councilTypes: COUNCIL_TYPES.map((p) => ({ prefix: p, name: AREA_TYPES.find((t) => t.prefix === p)?.name ?? p })),
      done: query.done ?? null,
      n: query.n ?? 0,
      frameFrom: 'csv',
      ...extra,
      frameErrors: formErrors((extra.frameProblems as Problems | undefined) ?? []),
    });
  }
  app.get(
    '/surveys/:code/waves/:id/fielding',
    { schema: { hide: true, params: WaveParams, querystring: DoneQuery } },
    async (req, reply) => {
      if (!pageFor(req, reply, ANALYSTS)) return reply;
      return wavePage(req, reply, req.params.code, req.params.id);
    },
  );

  /** A wave's action: on a refusal the wave page says why (409), otherwise back to it with what was done. */
  const action = (
    path: string,
    schema: typeof CsrfForm | typeof RoundForm,
    run: (req: FastifyRequest, id: number) => Promise<{ done: string; n?: number }>,
  ) =>
    app.post(
      `/surveys/:code/waves/:id/${path}`,
      { schema: { hide: true, params: WaveParams, body: schema } },
      async (req, reply) => {
        actor(req);
        checkCsrf(req);
        const { code, id } = req.params;
        await waveOf(code, id);
        try {
          const r = await run(req, id);
          return reply.redirect(`${wavePath(code, id)}/fielding?done=${r.done}&n=${r.n ?? 0}`, 303);
        } catch (e) {
          const err = refusal(e);
          return wavePage(req, reply.code(err.status), code, id, { actionError: err.message });
        }
      },
    );
  action('invitations', CsrfForm, async (req, id) => {
    const r = await mailings.invite(id, origin(req), actor(req));
    return { done: 'invited', n: r.queued };
  });
  action('reminders', RoundForm, async (req, id) => {
    const r = await mailings.remind(id, (req.body as { round: number }).round, origin(req), actor(req));
    return { done: 'reminded', n: r.queued };
  });
  action('close', CsrfForm, async (req, id) => {
    await mailings.close(id, actor(req));
    return { done: 'closed' };
  });

  // A member's opt-out from reminders, by the link in their message (the token is the proof; no Referer, no cache).
  const optOutHeaders = (reply: FastifyReply) =>
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
  app.get('/s/:key/:token/opt-out', { schema: { hide: true, params: TokenParams } }, async (req, reply) => {
    optOutHeaders(reply);
    const a = await respond.resolve(req.params.key, req.params.token);
    return reply.view('survey-opt-out.njk', {
      surveyTitle: a.def.title,
      title: 'Stop reminders about this survey',
      csrf: csrfToken(req, reply, secureCookies),
      action: `/s/${req.params.key}/${req.params.token}/opt-out`,
      done: false,
    });
  });
  app.post(
    '/s/:key/:token/opt-out',
    { schema: { hide: true, params: TokenParams, body: CsrfForm } },
    async (req, reply) => {
      optOutHeaders(reply);
      checkCsrf(req);
      const a = await respond.resolve(req.params.key, req.params.token);
      await mailings.optOut(a.respondent.respondent_id);
      return reply.view('survey-opt-out.njk', {
        surveyTitle: a.def.title,
        title: 'You will get no more reminders',
        done: true,
        surveyHref: `/s/${req.params.key}/${req.params.token}`,
      });
    },
  );
}
