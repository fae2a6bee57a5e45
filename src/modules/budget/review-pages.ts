/**
 * The budget pages for staff after set-up, and the public "You said, we did":
 * - /budget/simulators/{id}/assisted: assisted entry at an outreach session (the consultation permission): starts the
 *   resident pages with `assisted` carried in the form; the response is stored flagged assisted, not rate-limited.
 * - /budget/simulators/{id}/comments/{item}: an item's comments with their themes, each taggable (the council and
 *   analysts: raw responses); POST …/themes replaces one comment's themes.
 * - /budget/simulators/{id}/outcome: the budget the council set, £ per item (the consultation permission).
 * - /budget/{key}/you-said-we-did: public, residents' choices beside the set budget (aggregates only).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { noStore } from '../../platform/http.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { checkCsrf } from '../accounts/index.ts';
import { flatItems, formatPounds, SECTION_TITLES } from './model.ts';
import { MIN_PUBLIC } from './review.ts';
import { canSetUp, type BudgetService } from './service.ts';

const Form = Type.Record(Type.String(), Type.String({ maxLength: 4000 }));
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const ItemParams = Type.Object({ id: Type.Integer({ minimum: 1 }), item: Type.String({ maxLength: 100 }) });
const PageQuery = Type.Object({ page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })) });
const SentQuery = Type.Object({ sent: Type.Optional(Type.Integer({ minimum: 1 })) });
const KeyParams = Type.Object({ key: Type.String({ pattern: '^[\\w-]{8,64}$' }) });

const signed = (n: number) => (n < 0 ? `−${formatPounds(-n)}` : n > 0 ? `+${formatPounds(n)}` : '£0');
/** Survey reporting's rule: whole per cent, `*` above zero but under 0.5. */
const share = (x: number | null) => (x === null ? '-' : x > 0 && x < 0.005 ? '*' : `${Math.round(x * 100)}%`);
const pct = (n: number) => `${n > 0 ? '+' : n < 0 ? '−' : ''}${Math.abs(Math.round(n * 10) / 10)}%`;

export function budgetReviewPages(app: App, budget: BudgetService): void {
  const signInFirst = (req: FastifyRequest, reply: FastifyReply) =>
    reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);
  const mustManage = (req: FastifyRequest, council: string) => {
    if (!canSetUp(req.user, council))
      throw new AppError(403, 'forbidden', `This needs the consultation permission for ${council}.`);
  };

  app.get(
    '/budget/simulators/:id/assisted',
    { schema: { hide: true, params: IdParams, querystring: SentQuery } },
    async (req, reply) => {
      if (!req.user) return signInFirst(req, reply);
      noStore(reply);
      const s = await budget.get(req.params.id, req.user);
      mustManage(req, s.definition.council);
      return reply.view('budget-assisted.njk', {
        title: 'Enter a resident’s budget',
        s,
        open: s.status === 'open',
        sent: req.query.sent,
        csrf: req.user.csrfToken,
      });
    },
  );

  const commentsPage = async (req: FastifyRequest, reply: FastifyReply, id: number, code: string, page: number) => {
    const s = await budget.get(id, req.user);
    const c = await budget.itemComments(s, code, page);
    return reply.view('budget-comments.njk', {
      title: `Comments on ${c.item.title}`,
      s,
      item: c.item,
      c,
      page,
      csrf: req.user!.csrfToken,
    });
  };
  app.get(
    '/budget/simulators/:id/comments/:item',
    { schema: { hide: true, params: ItemParams, querystring: PageQuery } },
    async (req, reply) => {
      if (!req.user) return signInFirst(req, reply);
      noStore(reply);
      return commentsPage(req, reply, req.params.id, req.params.item, req.query.page ?? 1);
    },
  );
  app.post(
    '/budget/simulators/:id/comments/:item/themes',
    { schema: { hide: true, params: ItemParams, body: Form } },
    async (req, reply) => {
      checkCsrf(req);
      if (!req.user) throw new AppError(401, 'sign-in-required', 'Sign in to tag comments.');
      const s = await budget.get(req.params.id, req.user);
      const responseId = Number(req.body.responseId);
      if (!Number.isInteger(responseId) || responseId < 1)
        throw new AppError(400, 'invalid-response', 'The comment to tag is not named.');
      await budget.tagComment(s, responseId, req.params.item, req.body.themes ?? '', req.user.name);
      const page = Number(req.body.page) > 1 ? `?page=${Number(req.body.page)}` : '';
      return reply.redirect(
        `/budget/simulators/${s.id}/comments/${encodeURIComponent(req.params.item)}${page}#response-${responseId}`,
        303,
      );
    },
  );

  const outcomeForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    id: number,
    posted?: Record<string, string>,
    errors: FieldError[] = [],
  ) => {
    const s = await budget.get(id, req.user);
    mustManage(req, s.definition.council);
    const stored = await budget.outcome(s);
    return reply.view('budget-outcome-form.njk', {
      title: 'The budget the council set',
      s,
      csrf: req.user!.csrfToken,
      errors: errors.map((e) => ({ text: e.message, href: `#${e.field}` })),
      saved: posted === undefined && stored.size > 0,
      items: flatItems(s.definition).map((it) => ({
        code: it.code,
        title: it.title,
        section: SECTION_TITLES[it.kind],
        baseline: formatPounds(it.baseline),
        value: posted ? (posted[`amount-${it.code}`] ?? '') : stored.has(it.code) ? String(stored.get(it.code)) : '',
        error: errors.find((e) => e.field === `amount-${it.code}`)?.message,
      })),
    });
  };
  app.get('/budget/simulators/:id/outcome', { schema: { hide: true, params: IdParams } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    noStore(reply);
    return outcomeForm(req, reply, req.params.id);
  });
  app.post(
    '/budget/simulators/:id/outcome',
    { schema: { hide: true, params: IdParams, body: Form } },
    async (req, reply) => {
      checkCsrf(req);
      if (!req.user) throw new AppError(401, 'sign-in-required', 'Sign in to enter the budget set.');
      const s = await budget.get(req.params.id, req.user);
      mustManage(req, s.definition.council);
      try {
        await budget.setOutcome(s, req.body, req.user.id);
      } catch (e) {
        if (!(e instanceof AppError) || e.status !== 400) throw e;
        reply.status(400);
        return outcomeForm(req, reply, s.id, req.body, e.errors);
      }
      return reply.redirect(`/budget/simulators/${s.id}/outcome`, 303);
    },
  );

  app.get('/budget/:key/you-said-we-did', { schema: { hide: true, params: KeyParams } }, async (req, reply) => {
    const s = await budget.byKey(req.params.key);
    const y = await budget.youSaidWeDid(s, await budget.dashboard(s));
    if (!y)
      throw new AppError(
        404,
        'not-found',
        'The council has not published the budget it set for this consultation yet.',
      );
    return reply.view('budget-you-said.njk', {
      title: `You said, we did: ${s.definition.title}`,
      s,
      y,
      minPublic: MIN_PUBLIC,
      items: y.items.map((it) => ({
        title: it.title,
        section: SECTION_TITLES[it.section as keyof typeof SECTION_TITLES],
        baseline: formatPounds(it.baseline),
        mean: it.meanChange === null ? '-' : signed(Math.round(it.meanChange)),
        levels: it.levels.map((l) => ({ text: `${l.consequence} (${pct(l.pctChange)})`, share: share(l.share) })),
        set: it.set === null ? 'Not given' : formatPounds(it.set),
        setChange:
          it.setChange === null
            ? '-'
            : `${signed(it.setChange)}${it.setChangePct === null ? '' : ` (${pct(it.setChangePct)})`}`,
      })),
    });
  });
}
