/**
 * The officers' budget pages (no JavaScript needed): /budget (the simulators they may see; draft one from the
 * pre-fill, the council chosen by name), /budget/upload (a definition as the XLSX template or JSON, read by the
 * platform's one multipart reader; problems named by sheet, row and column), /budget/simulators/{id} (status, links,
 * downloads, clone, the dashboard) and the preview: the resident pages of a draft under
 * /budget/simulators/{id}/preview, bannered, nothing stored or counted. The edit pages are in edit-pages.ts.
 * Council users with the consultation permission set up their own council's; analysts and admins any.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { noStore } from '../../platform/http.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { readUpload, uploadsOf, withUploads, type MultipartBody } from '../../platform/multipart.ts';
import { checkCsrf } from '../accounts/index.ts';
import { parseAbout } from './about.ts';
import { MIN_CELL } from './analysis.ts';
import { definitionFromFile } from './exchange.ts';
import { SECTION_TITLES } from './model.ts';
import { Form, pct, residentViews, signed, type ViewContext } from './pages.ts';
import { canSetUp, type BudgetService } from './service.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const ByQuery = Type.Object({ by: Type.Optional(Type.String({ maxLength: 64 })) });
const PreviewSection = Type.Object({ id: IdParams.properties.id, n: Type.Integer({ minimum: 1, maximum: 20 }) });
/** Definition files are small: a county's template is a few hundred kilobytes. */
export const DEFINITION_MAX_BYTES = 5 * 1024 * 1024;

export const signInFirst = (req: FastifyRequest, reply: FastifyReply) =>
  reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);
/** An AppError's field errors for a page's error summary (its message when it has none). */
export const summaryOf = (e: AppError, field = 'file'): FieldError[] =>
  e.errors.length ? e.errors : [{ field, message: e.message }];

export function budgetSetupPages(app: App, budget: BudgetService, secure: boolean): void {
  const views = residentViews(secure);

  async function listPage(req: FastifyRequest, reply: FastifyReply, extra: object = {}) {
    const user = req.user!;
    const list = await budget.list(user);
    const councilCode = user.council?.code ?? '';
    return reply.view('budget-list.njk', {
      title: 'Budget consultations',
      rows: list.map((r) => ({ ...r, responses: Number(r.responses ?? 0) })),
      canCreate: user.role !== 'council' || canSetUp(user, councilCode),
      council: user.council ? { value: '', area: { code: councilCode, name: user.council.name } } : null,
      year: '2023-24',
      csrf: user.csrfToken,
      errors: [],
      ...extra,
    });
  }

  app.get('/budget', { schema: { hide: true } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    noStore(reply);
    return listPage(req, reply);
  });
  app.post('/budget', { schema: { hide: true, body: Form } }, async (req, reply) => {
    checkCsrf(req);
    if (!req.user) return signInFirst(req, reply);
    const year = (req.body.year ?? '').trim();
    const errors: FieldError[] = [];
    const council = await budget.councilField(req.body.area);
    if (!council?.area)
      errors.push({ field: 'area', message: council?.error ?? 'Enter a council’s name or its code, such as Trafford' });
    if (!/^\d{4}-\d{2}$/.test(year)) errors.push({ field: 'year', message: 'Enter a financial year, such as 2023-24' });
    if (!errors.length)
      try {
        const s = await budget.createFromPrefill(council!.area!.code, year, req.user);
        return reply.redirect(`/budget/simulators/${s.id}`, 303);
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500 || e.status === 403) throw e;
        errors.push(...summaryOf(e, 'area').map((x) => ({ ...x, field: x.field === 'year' ? 'year' : 'area' })));
      }
    reply.status(400);
    const areaError = errors.find((x) => x.field === 'area')?.message ?? null;
    return listPage(req, reply, {
      council: { value: req.body.area ?? '', area: null, choices: [], ...council, error: areaError },
      year,
      errors,
      yearError: errors.find((x) => x.field === 'year')?.message,
    });
  });

  // Clone last year's (or any the officer may set up) into a new year, from the list.
  app.post('/budget/clone', { schema: { hide: true, body: Form } }, async (req, reply) => {
    checkCsrf(req);
    if (!req.user) return signInFirst(req, reply);
    const from = Number(req.body.from);
    const year = (req.body.year ?? '').trim();
    try {
      if (!Number.isInteger(from) || from < 1)
        throw new AppError(400, 'invalid-clone', 'Choose a simulator to clone', [
          { field: 'clone-from', message: 'Choose the simulator to clone' },
        ]);
      const r = await budget.clone(from, year, req.body.refresh === 'yes', req.user);
      return reply.redirect(`/budget/simulators/${r.simulator.id}`, 303);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500 || e.status === 403) throw e;
      reply.status(e.status);
      const errors = summaryOf(e, 'clone-year').map((x) => ({
        ...x,
        field: x.field === 'clone-from' ? x.field : 'clone-year',
        message: x.field === 'year' ? `Year to clone into ${x.message}` : x.message,
      }));
      return listPage(req, reply, { errors, cloneError: errors[0]?.message, cloneYear: year });
    }
  });

  // Upload of a definition: a new draft, or a draft's definition replaced.
  app.get('/budget/upload', { schema: { hide: true } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    noStore(reply);
    return reply.view('budget-upload.njk', {
      title: 'Upload a budget simulator',
      csrf: req.user.csrfToken,
      errors: [],
    });
  });
  app.get('/budget/simulators/:id/replace', { schema: { hide: true, params: IdParams } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    noStore(reply);
    const s = await budget.get(req.params.id, req.user);
    return reply.view('budget-upload.njk', {
      title: `Replace ${s.definition.title} from a file`,
      id: s.id,
      csrf: req.user.csrfToken,
      errors: [],
    });
  });
  withUploads(app, DEFINITION_MAX_BYTES, (scope) => {
    const uploaded = async (req: FastifyRequest) => {
      if (!req.headers['content-type']?.toLowerCase().startsWith('multipart/form-data'))
        throw new AppError(415, 'unsupported-media-type', 'Upload the file with the form (multipart/form-data).');
      const [file] = uploadsOf((req.body ?? {}) as MultipartBody, 'file');
      if (!file)
        throw new AppError(400, 'no-file', 'Choose a file to upload', [
          { field: 'file', message: 'Choose a definition file (.xlsx or .json) to upload' },
        ]);
      return definitionFromFile(file.filename, await readUpload(file));
    };
    const refused = (req: FastifyRequest, reply: FastifyReply, e: unknown, id?: number) => {
      if (!(e instanceof AppError) || e.status >= 500 || e.status === 403 || e.status === 404) throw e;
      reply.status(e.status);
      return reply.view('budget-upload.njk', {
        title: id ? `Replace simulator ${id} from a file` : 'Upload a budget simulator',
        id,
        csrf: req.user!.csrfToken,
        errors: summaryOf(e).map((x) => ({
          text:
            x.field === 'file'
              ? x.message
              : `${x.field}: ${x.message}${x.value !== undefined ? ` (“${x.value}”)` : ''}`,
          href: '#file',
        })),
      });
    };
    scope.post('/budget/upload', { schema: { hide: true } }, async (req, reply) => {
      checkCsrf(req);
      if (!req.user) return signInFirst(req, reply);
      try {
        const { definition, locate } = await uploaded(req);
        const s = await budget.create({ ...definition, status: 'draft' }, req.user, {
          locate,
          sourceNote: 'Uploaded as a file',
        });
        return reply.redirect(`/budget/simulators/${s.id}`, 303);
      } catch (e) {
        return refused(req, reply, e);
      }
    });
    scope.post('/budget/simulators/:id/upload', { schema: { hide: true, params: IdParams } }, async (req, reply) => {
      checkCsrf(req);
      if (!req.user) return signInFirst(req, reply);
      try {
        const { definition, locate } = await uploaded(req);
        await budget.replace(req.params.id, definition, req.user, { locate, sourceNote: 'Replaced from a file' });
        return reply.redirect(`/budget/simulators/${req.params.id}`, 303);
      } catch (e) {
        return refused(req, reply, e, req.params.id);
      }
    });
  });

  app.get(
    '/budget/simulators/:id',
    { schema: { hide: true, params: IdParams, querystring: ByQuery } },
    async (req, reply) => {
      if (!req.user) return signInFirst(req, reply);
      noStore(reply);
      const s = await budget.get(req.params.id, req.user);
      const [d, a, themes] = await Promise.all([budget.dashboard(s), budget.analyse(s), budget.themesByItem(s)]);
      const wd = budget.withWeights(s, d, a);
      const by = req.query.by ? budget.breakdowns(s, a).find((b) => b.question.code === req.query.by) : undefined;
      if (req.query.by && !by) throw new AppError(404, 'not-found', `This simulator asks no question ${req.query.by}.`);
      const byComments = by && (await budget.commentBreakdowns(s, a)).find((b) => b.question.code === by.question.code);
      const count = (n: number | null) => (n === null ? '[c]' : String(n));
      const share = (x: number | null) => (x === null ? '-' : `${Math.round(x * 100)}%`);
      return reply.view('budget-dashboard.njk', {
        title: s.definition.title,
        s,
        council: s.definition.council,
        status: s.status,
        canManage: canSetUp(req.user, s.definition.council),
        csrf: req.user.csrfToken,
        d,
        perDay: d.perDay,
        tax: d.meanTaxChangePct === null ? '-' : pct(Math.round(d.meanTaxChangePct * 100) / 100),
        gap: d.meanGapClosed === null ? '-' : signed(d.meanGapClosed),
        weightedTax:
          wd.weightedMeanTaxChangePct === null ? '-' : pct(Math.round(wd.weightedMeanTaxChangePct * 100) / 100),
        weightedGap: wd.weightedMeanGapClosed === null ? '-' : signed(wd.weightedMeanGapClosed),
        items: wd.items.map((it, i) => ({
          ...it,
          themes: themes.get(s.itemIds[i]!),
          mean: it.meanChange === null ? '-' : signed(it.meanChange),
          weightedMean: it.weightedMeanChange === null ? '-' : signed(it.weightedMeanChange),
          levels: it.levels.map((l) => ({
            ...l,
            pct: pct(l.pctChange),
            share: share(l.share),
            weighted: share(l.weightedShare),
          })),
        })),
        sectionTitles: SECTION_TITLES,
        weighting: {
          ...a.weighting,
          effectiveBase: Math.round(a.weighting.effectiveBase),
          efficiency: Math.round(a.weighting.efficiency * 100),
          margins: a.weighting.margins.map((m) => ({
            ...m,
            categories: m.categories.map((c) => ({
              label: c.label,
              population: share(c.population),
              responses: share(c.responses),
              weighted: share(c.weighted),
            })),
          })),
        },
        byLinks: budget
          .breakdownQuestions(s)
          .map((q) => ({ code: q.code, text: q.text, current: q.code === by?.question.code })),
        by: by && {
          ...by,
          columns: by.columns.map((c) => ({ label: c.label, base: c.base === null ? '[c]' : String(c.base) })),
          items: by.items.map((it, i) => {
            const c = byComments!.items[i]!;
            return {
              ...it,
              levels: it.levels.map((l) => ({
                ...l,
                cells: l.cells.map((x) => (x.n === null ? '[c]' : share(x.share))),
              })),
              comments: c.comments.map(count),
              themes: c.themes.map((t) => ({ theme: t.theme, cells: t.cells.map(count) })),
            };
          }),
        },
        minCell: MIN_CELL,
      });
    },
  );
  app.post(
    '/budget/simulators/:id/clone',
    { schema: { hide: true, params: IdParams, body: Form } },
    async (req, reply) => {
      checkCsrf(req);
      const r = await budget.clone(req.params.id, (req.body.year ?? '').trim(), req.body.refresh === 'yes', req.user);
      return reply.redirect(`/budget/simulators/${r.simulator.id}`, 303);
    },
  );
  app.post(
    '/budget/simulators/:id/status',
    { schema: { hide: true, params: IdParams, body: Form } },
    async (req, reply) => {
      checkCsrf(req);
      await budget.setStatus(req.params.id, req.body.status ?? '', req.user);
      return reply.redirect(`/budget/simulators/${req.params.id}`, 303);
    },
  );

  // Preview as a resident: the resident pages of any simulator the officer may see, drafts too; never stored.
  const preview = async (req: FastifyRequest, id: number): Promise<ViewContext> => {
    const s = await budget.get(id, req.user);
    return { s, base: `/budget/simulators/${id}/preview`, preview: true };
  };
  app.get('/budget/simulators/:id/preview', { schema: { hide: true, params: IdParams } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    noStore(reply);
    return views.startPage(await preview(req, req.params.id), '', req, reply);
  });
  app.get(
    '/budget/simulators/:id/preview/section/:n',
    { schema: { hide: true, params: PreviewSection } },
    async (req, reply) => {
      if (!req.user) return signInFirst(req, reply);
      noStore(reply);
      return views.sectionPage(await preview(req, req.params.id), req.params.n, {}, req, reply);
    },
  );
  app.post(
    '/budget/simulators/:id/preview/section/:n',
    { schema: { hide: true, params: PreviewSection, body: Form } },
    async (req, reply) => {
      checkCsrf(req);
      noStore(reply);
      return views.sectionPosted(await preview(req, req.params.id), req.params.n, req.body, req, reply);
    },
  );
  app.post(
    '/budget/simulators/:id/preview/about',
    { schema: { hide: true, params: IdParams, body: Form } },
    async (req, reply) => {
      checkCsrf(req);
      noStore(reply);
      return views.aboutPosted(await preview(req, req.params.id), req.body, req, reply);
    },
  );
  app.post(
    '/budget/simulators/:id/preview/submit',
    { schema: { hide: true, params: IdParams, body: Form } },
    async (req, reply) => {
      checkCsrf(req);
      noStore(reply);
      const v = await preview(req, req.params.id);
      const body = req.body;
      if (body.go && /^\d+$/.test(body.go)) return views.sectionPage(v, Number(body.go), body, req, reply);
      if (body.go === 'about' && v.s.aboutYou) return views.aboutPage(v, body, req, reply);
      // The same checks a submission meets, and nothing written.
      const about = parseAbout(v.s.aboutYou, (c) => body[`about-${c}`]);
      const { errors: checked } = budget.check(
        v.s,
        { posted: (c) => body[`level-${c}`], comments: (c) => body[`comment-${c}`], consent: body.consent === 'yes' },
        true,
      );
      const errors = [...about.errors, ...checked];
      if (errors.length) reply.status(400);
      return views.checkPage(v, body, req, reply, errors, errors.length === 0);
    },
  );
}
