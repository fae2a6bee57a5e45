/**
 * The budget pages (no JavaScript needed). Residents: /budget/{key} (the start: the gap, the years, the privacy
 * notice), /budget/{key}/section/{n} (one section per page, a radio group per item, a comment box per item, the running
 * balance recomputed on every page and announced politely), POST …/check (check your budget: every choice, the balance,
 * an error summary when it does not balance or a choice breaks a rule, consent), POST …/submit and /budget/{key}/done
 * (how their budget compares with everyone's so far). The answers so far travel in the form as hidden fields, so
 * nothing a resident chose is lost between pages, on a refusal or on a rate limit. Officers: /budget (the simulators
 * they may see, set up from the pre-fill), /budget/simulators/{id} (status, links, downloads and the dashboard).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { checkCsrf, csrfToken } from '../accounts/index.ts';
import { aboutQuestions, answerLabel, parseAbout } from './about.ts';
import { MIN_CELL } from './analysis.ts';
import { closes, computeBudget, flatItems, formatPounds, parseLevels, SECTION_TITLES, target } from './model.ts';
import type { StoredSimulator } from './repository.ts';
import { canSetUp, type BudgetService } from './service.ts';

const Form = Type.Record(Type.String(), Type.String({ maxLength: 4000 }));
const KeyParams = Type.Object({ key: Type.String({ pattern: '^[\\w-]{8,64}$' }) });
const SectionParams = Type.Object({ key: KeyParams.properties.key, n: Type.Integer({ minimum: 1, maximum: 20 }) });
const TokenQuery = Type.Object({
  t: Type.Optional(Type.String({ maxLength: 100 })),
  r: Type.Optional(Type.String({ maxLength: 20 })),
});
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const ByQuery = Type.Object({ by: Type.Optional(Type.String({ maxLength: 64 })) });

const signed = (n: number) => (n < 0 ? `−${formatPounds(-n)}` : formatPounds(n));
const pct = (n: number) => `${n > 0 ? '+' : n < 0 ? '−' : ''}${Math.abs(n)}%`;

/** The running balance as residents read it. */
function balanceView(s: StoredSimulator, levels: number[]) {
  const r = computeBudget(s.definition, levels);
  const text = r.balanced
    ? `Your budget balances: you have closed ${formatPounds(r.closed)} of the ${formatPounds(r.target)} gap.`
    : `You have closed ${formatPounds(Math.max(0, r.closed))} of the ${formatPounds(r.target)} gap. ${formatPounds(-r.balance)} still to find.`;
  return { ...r, text };
}

export function budgetPages(app: App, budget: BudgetService, secure: boolean): void {
  const state = (s: StoredSimulator, body: Record<string, string>) => {
    const { levels, refused } = parseLevels(s.definition, (c) => body[`level-${c}`]);
    return { levels, refused };
  };
  /** Every answer as hidden fields, except the items shown on this page. */
  const hidden = (s: StoredSimulator, body: Record<string, string>, except: Set<string>) => {
    const out: { name: string; value: string; closes?: number }[] = [];
    const { levels } = state(s, body);
    flatItems(s.definition).forEach((it, i) => {
      if (except.has(it.code)) return;
      const l = it.levels[levels[i]!]!;
      out.push({ name: `level-${it.code}`, value: l.code, closes: closes(it.kind, it.baseline, l.pctChange) });
      const c = body[`comment-${it.code}`];
      if (c) out.push({ name: `comment-${it.code}`, value: c });
    });
    for (const k of ['t', 'assisted']) if (body[k]) out.push({ name: k, value: body[k] });
    for (const q of except.has('about') ? [] : (s.aboutYou?.questions ?? []))
      if (body[`about-${q.code}`]) out.push({ name: `about-${q.code}`, value: body[`about-${q.code}`]! });
    return out;
  };
  const frame = (s: StoredSimulator, req: FastifyRequest, reply: FastifyReply) => ({
    surveyTitle: s.definition.title,
    csrf: csrfToken(req, reply, secure),
    key: s.openKey,
    years: s.definition.gap.years.map((y) => ({ year: y.year, amount: formatPounds(y.amount) })),
    multiYear: s.definition.gap.kind === 'multi-year',
    targetText: formatPounds(target(s.definition)),
    aboutYou: s.aboutYou !== null,
    minCell: MIN_CELL,
  });
  const load = async (key: string) => budget.byKey(key);
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'private, no-store');

  function sectionPage(
    s: StoredSimulator,
    n: number,
    body: Record<string, string>,
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[] = [],
  ) {
    const sec = s.definition.sections[n - 1];
    if (!sec) throw new AppError(404, 'not-found', 'There is no such page in this consultation.');
    const { levels } = state(s, body);
    const all = flatItems(s.definition);
    const items = all
      .map((it, i) => ({ it, i }))
      .filter((x) => x.it.section === n - 1)
      .map(({ it, i }) => ({
        code: it.code,
        title: it.title,
        description: it.description,
        floorText:
          it.ringFenced || it.contractual || it.floor != null
            ? `This cannot go below ${formatPounds(Math.max(it.floor ?? 0, it.ringFenced || it.contractual ? it.baseline : 0))}: ${
                it.ringFenced ? 'the money is ring-fenced' : it.contractual ? 'it is under contract' : it.floorReason
              }.`
            : null,
        baseline: formatPounds(it.baseline),
        comment: body[`comment-${it.code}`] ?? '',
        error: errors.find((e) => e.field === `level-${it.code}`)?.message,
        radios: it.levels.map((l, li) => ({
          value: l.code,
          text: l.consequence,
          hint: {
            text: `${pct(l.pctChange)}: ${signed((it.baseline * l.pctChange) / 100)} a year${
              closes(it.kind, it.baseline, l.pctChange) > 0
                ? `, closes ${formatPounds(closes(it.kind, it.baseline, l.pctChange))} of the gap`
                : closes(it.kind, it.baseline, l.pctChange) < 0
                  ? `, adds ${formatPounds(-closes(it.kind, it.baseline, l.pctChange))} to the gap`
                  : ''
            }`,
          },
          checked: levels[i] === li,
          attributes: { 'data-closes': String(closes(it.kind, it.baseline, l.pctChange)) },
        })),
      }));
    const onPage = new Set(items.map((i) => i.code));
    return reply.view('budget-section.njk', {
      ...frame(s, req, reply),
      title: sec.title,
      intro: sec.intro,
      n,
      count: s.definition.sections.length,
      items,
      hidden: hidden(s, body, onPage),
      balance: balanceView(s, levels),
      errors: errors.map((e) => ({ text: e.message, href: `#${e.field}` })),
    });
  }

  function aboutPage(
    s: StoredSimulator,
    body: Record<string, string>,
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[] = [],
  ) {
    return reply.view('budget-about.njk', {
      ...frame(s, req, reply),
      title: 'About you',
      questions: aboutQuestions(s.aboutYou!, body, errors),
      hidden: hidden(s, body, new Set(['about'])),
      errors: errors.map((e) => ({ text: e.message, href: `#${e.field}` })),
    });
  }

  function checkPage(
    s: StoredSimulator,
    body: Record<string, string>,
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[] = [],
  ) {
    const { levels } = state(s, body);
    const all = flatItems(s.definition);
    const rows = all.map((it, i) => {
      const l = it.levels[levels[i]!]!;
      const c = body[`comment-${it.code}`];
      return {
        key: { text: it.title },
        value: {
          text: `${l.consequence} (${pct(l.pctChange)}, ${signed((it.baseline * l.pctChange) / 100)})${c ? `. Your comment: “${c}”` : ''}`,
        },
      };
    });
    return reply.view('budget-check.njk', {
      ...frame(s, req, reply),
      title: 'Check your budget',
      sections: s.definition.sections.map((sec, i) => ({
        n: i + 1,
        title: sec.title,
        rows: rows.filter((_, j) => all[j]!.section === i).map((r) => ({ key: r.key, value: { text: r.value.text } })),
      })),
      about: s.aboutYou?.questions.map((q) => ({
        key: { text: q.text },
        value: { text: answerLabel(q, body[`about-${q.code}`] || undefined) },
      })),
      hidden: hidden(s, body, new Set()),
      balance: balanceView(s, levels),
      errors: errors.map((e) => ({
        text: e.message,
        href: e.field === 'consent' ? '#consent' : e.field.startsWith('about-') ? '#about' : '#balance',
      })),
      consentError: errors.find((e) => e.field === 'consent')?.message,
    });
  }

  app.get(
    '/budget/:key',
    { schema: { hide: true, params: KeyParams, querystring: TokenQuery } },
    async (req, reply) => {
      const s = await load(req.params.key);
      noStore(reply);
      return reply.view('budget-start.njk', {
        ...frame(s, req, reply),
        title: s.definition.title,
        token: req.query.t ?? '',
        closed: s.status !== 'open',
        sections: s.definition.sections.map((x) => x.title),
      });
    },
  );
  app.get(
    '/budget/:key/section/:n',
    { schema: { hide: true, params: SectionParams, querystring: TokenQuery } },
    async (req, reply) => {
      const s = await load(req.params.key);
      noStore(reply);
      return sectionPage(s, req.params.n, req.query.t ? { t: req.query.t } : {}, req, reply);
    },
  );
  app.post(
    '/budget/:key/section/:n',
    { schema: { hide: true, params: SectionParams, body: Form } },
    async (req, reply) => {
      checkCsrf(req);
      const s = await load(req.params.key);
      noStore(reply);
      const body = req.body;
      const { refused } = state(s, body);
      const errors = refused.map((r) => ({ field: `level-${r.item}`, message: 'Choose one of the options shown' }));
      if (errors.length) {
        reply.status(400);
        return sectionPage(s, req.params.n, body, req, reply, errors);
      }
      const go =
        body.go === 'back' ? req.params.n - 1 : body.go && /^\d+$/.test(body.go) ? Number(body.go) : req.params.n + 1;
      if (go < 1)
        return reply.view('budget-start.njk', {
          ...frame(s, req, reply),
          title: s.definition.title,
          token: body.t ?? '',
          sections: s.definition.sections.map((x) => x.title),
        });
      if (go > s.definition.sections.length)
        return s.aboutYou ? aboutPage(s, body, req, reply) : checkPage(s, body, req, reply);
      return sectionPage(s, go, body, req, reply);
    },
  );
  app.post('/budget/:key/about', { schema: { hide: true, params: KeyParams, body: Form } }, async (req, reply) => {
    checkCsrf(req);
    const s = await load(req.params.key);
    noStore(reply);
    const body = req.body;
    if (!s.aboutYou) return checkPage(s, body, req, reply);
    if (body.go === 'back') return sectionPage(s, s.definition.sections.length, body, req, reply);
    const { errors } = parseAbout(s.aboutYou, (c) => body[`about-${c}`]);
    if (errors.length) {
      reply.status(400);
      return aboutPage(s, body, req, reply, errors);
    }
    return checkPage(s, body, req, reply);
  });
  app.post('/budget/:key/submit', { schema: { hide: true, params: KeyParams, body: Form } }, async (req, reply) => {
    checkCsrf(req);
    const s = await load(req.params.key);
    noStore(reply);
    const body = req.body;
    if (body.go && /^\d+$/.test(body.go)) return sectionPage(s, Number(body.go), body, req, reply);
    if (body.go === 'about' && s.aboutYou) return aboutPage(s, body, req, reply);
    const about = parseAbout(s.aboutYou, (c) => body[`about-${c}`]);
    if (about.errors.length) {
      reply.status(400);
      return checkPage(s, body, req, reply, about.errors);
    }
    try {
      const r = await budget.submit(s, {
        posted: (c) => body[`level-${c}`],
        comments: (c) => body[`comment-${c}`],
        consent: body.consent === 'yes',
        token: body.t || undefined,
        honeypot: body.website || undefined,
        // Assisted entry is flagged only by signed-in staff (an outreach session), never by a resident's form.
        assisted: body.assisted === 'yes' && req.user !== null,
        client: req.ip,
        about: about.answers,
      });
      return reply.redirect(`/budget/${s.openKey}/done?r=${r.id}`, 303);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      reply.status(e.status);
      for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
      // Nothing is lost: the same page again with every answer, and the reason.
      return checkPage(s, body, req, reply, e.errors.length ? e.errors : [{ field: 'balance', message: e.message }]);
    }
  });
  app.get(
    '/budget/:key/done',
    { schema: { hide: true, params: KeyParams, querystring: TokenQuery } },
    async (req, reply) => {
      const s = await load(req.params.key);
      noStore(reply);
      const d = await budget.dashboard(s);
      return reply.view('budget-done.njk', {
        ...frame(s, req, reply),
        title: 'Your budget has been sent',
        responses: d.responses,
        tax: d.meanTaxChangePct === null ? null : pct(Math.round(d.meanTaxChangePct * 100) / 100),
        items: d.items.map((it) => ({
          title: it.title,
          mean: it.meanChange === null ? '-' : signed(it.meanChange),
          top: [...it.levels].sort((a, b) => b.n - a.n)[0]?.consequence ?? '-',
        })),
      });
    },
  );

  // Officers.
  const signInFirst = (req: FastifyRequest, reply: FastifyReply) =>
    reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);
  app.get('/budget', { schema: { hide: true } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    noStore(reply);
    const list = await budget.list(req.user);
    return reply.view('budget-list.njk', {
      title: 'Budget consultations',
      rows: list.map((r) => ({ ...r, responses: Number(r.responses ?? 0) })),
      canCreate: req.user.role !== 'council' || canSetUp(req.user, req.user.council?.code ?? ''),
      council: req.user.council?.code ?? '',
      csrf: req.user.csrfToken,
    });
  });
  app.post('/budget', { schema: { hide: true, body: Form } }, async (req, reply) => {
    checkCsrf(req);
    const s = await budget.createFromPrefill(req.body.area ?? '', req.body.year ?? '', req.user);
    return reply.redirect(`/budget/simulators/${s.id}`, 303);
  });
  app.get(
    '/budget/simulators/:id',
    { schema: { hide: true, params: IdParams, querystring: ByQuery } },
    async (req, reply) => {
      if (!req.user) return signInFirst(req, reply);
      noStore(reply);
      const s = await budget.get(req.params.id, req.user);
      const [d, a] = await Promise.all([budget.dashboard(s), budget.analyse(s)]);
      const shares = budget.weightedShares(s, a);
      const by = req.query.by ? budget.breakdowns(s, a).find((b) => b.question.code === req.query.by) : undefined;
      if (req.query.by && !by) throw new AppError(404, 'not-found', `This simulator asks no question ${req.query.by}.`);
      const share = (x: number | null) => (x === null ? '-' : `${Math.round(x * 100)}%`);
      const maxDay = Math.max(1, ...d.perDay.map((x) => x.n));
      return reply.view('budget-dashboard.njk', {
        title: s.definition.title,
        s,
        council: s.definition.council,
        status: s.status,
        canManage: canSetUp(req.user, s.definition.council),
        csrf: req.user.csrfToken,
        d,
        perDay: d.perDay.map((x) => ({ ...x, width: Math.round((x.n / maxDay) * 100) })),
        tax: d.meanTaxChangePct === null ? '-' : pct(Math.round(d.meanTaxChangePct * 100) / 100),
        gap: d.meanGapClosed === null ? '-' : signed(d.meanGapClosed),
        items: d.items.map((it, i) => ({
          ...it,
          mean: it.meanChange === null ? '-' : signed(it.meanChange),
          levels: it.levels.map((l, li) => ({
            ...l,
            pct: pct(l.pctChange),
            share: share(l.share),
            weighted: share(shares[i]?.[li] ?? null),
          })),
        })),
        sectionTitles: SECTION_TITLES,
        weighting: {
          ...a.weighting,
          effectiveBase: Math.round(a.weighting.effectiveBase),
          efficiency: Math.round(a.weighting.efficiency * 100),
        },
        byLinks: budget
          .breakdownQuestions(s)
          .map((q) => ({ code: q.code, text: q.text, current: q.code === by?.question.code })),
        by: by && {
          ...by,
          columns: by.columns.map((c) => ({ label: c.label, base: c.base === null ? '[c]' : String(c.base) })),
          items: by.items.map((it) => ({
            ...it,
            levels: it.levels.map((l) => ({
              ...l,
              cells: l.cells.map((c) => (c.n === null ? '[c]' : share(c.share))),
            })),
          })),
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
}
