/**
 * The budget pages (no JavaScript needed). Residents: /budget/{key} (the start: the gap, the years, the privacy
 * notice), /budget/{key}/section/{n} (one section per page, a radio group per item, a comment box per item, the running
 * balance recomputed on every page and announced politely), POST …/check (check your budget: every choice, the balance,
 * an error summary when it does not balance or a choice breaks a rule, consent), POST …/submit and /budget/{key}/done
 * (how their budget compares with everyone's so far). The answers so far travel in the form as hidden fields, so
 * nothing a resident chose is lost between pages, on a refusal or on a rate limit. The same views draw an officer's
 * preview of a draft (setup-pages.ts: under /budget/simulators/{id}/preview, bannered, nothing stored or counted).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { noStore } from '../../platform/http.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { checkCsrf, csrfToken } from '../accounts/index.ts';
import { aboutQuestions, answerLabel, parseAbout } from './about.ts';
import { MIN_CELL } from './analysis.ts';
import { closes, computeBudget, flatItems, formatPounds, GAP_RULE_TEXT, parseLevels, target } from './model.ts';
import { PROOF_BITS } from './proof.ts';
import type { StoredSimulator } from './repository.ts';
import { canSetUp, type BudgetService } from './service.ts';

const Form = Type.Record(Type.String(), Type.String({ maxLength: 4000 }));
const KeyParams = Type.Object({ key: Type.String({ pattern: '^[\\w-]{8,64}$' }) });
const SectionParams = Type.Object({ key: KeyParams.properties.key, n: Type.Integer({ minimum: 1, maximum: 20 }) });
const TokenQuery = Type.Object({
  t: Type.Optional(Type.String({ maxLength: 100 })),
  r: Type.Optional(Type.String({ maxLength: 20 })),
});
export { Form };

export const signed = (n: number) => (n < 0 ? `−${formatPounds(-n)}` : formatPounds(n));
export const pct = (n: number) => `${n > 0 ? '+' : n < 0 ? '−' : ''}${Math.abs(n)}%`;

/** The running balance as residents read it; a multi-year gap year by year as its rule reads it. */
function balanceView(s: StoredSimulator, levels: number[]) {
  const r = computeBudget(s.definition, levels);
  const what = r.rule === null ? 'gap' : r.rule === 'each-year' ? 'gap a year' : 'gap a year on average';
  const yearly = r.rule === null ? '' : ' a year';
  const text = r.balanced
    ? `Your budget balances: you have closed ${formatPounds(r.closed)}${yearly} of the ${formatPounds(r.target)} ${what}.`
    : `You have closed ${formatPounds(Math.max(0, r.closed))}${yearly} of the ${formatPounds(r.target)} ${what}. ${formatPounds(-r.balance)}${yearly} still to find.`;
  return {
    ...r,
    text,
    what,
    ruleText: r.rule ? GAP_RULE_TEXT[r.rule] : null,
    cumulative: r.rule === 'cumulative',
    rows: r.years.map((y) => ({
      year: y.year,
      gap: formatPounds(y.gap),
      closed: formatPounds(Math.max(0, y.closed)),
      status: y.met ? 'Met' : `${formatPounds(-y.balance)} short`,
    })),
  };
}

/** Which simulator the resident views draw, where their forms post, and whether it is an officer's preview. */
export interface ViewContext {
  s: StoredSimulator;
  /** The URL the pages hang from: /budget/{key}, or /budget/simulators/{id}/preview. */
  base: string;
  preview: boolean;
}

/** The resident pages' views, shared by the residents' routes and the officers' preview. */
export function residentViews(secure: boolean, proofChallenge?: (simulatorId: number) => Promise<string>) {
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
    // Answers to questions the routing no longer asks (an earlier answer changed) are not carried on.
    const asked = except.has('about') ? {} : parseAbout(s.aboutYou, (c) => body[`about-${c}`]).answers;
    for (const q of except.has('about') ? [] : (s.aboutYou?.questions ?? []))
      if (body[`about-${q.code}`] && asked[q.code] !== null)
        out.push({ name: `about-${q.code}`, value: body[`about-${q.code}`]! });
    return out;
  };
  const yearsOf = (s: StoredSimulator) => ({
    years: s.definition.gap.years.map((y) => ({ year: y.year, amount: formatPounds(y.amount) })),
    multiYear: s.definition.gap.kind === 'multi-year',
    targetText: formatPounds(target(s.definition)),
    ruleText: s.definition.gap.kind === 'multi-year' ? GAP_RULE_TEXT[s.definition.gap.rule ?? 'each-year'] : null,
    aboutYou: s.aboutYou !== null,
    minCell: MIN_CELL,
  });

  const frame = (v: ViewContext, req: FastifyRequest, reply: FastifyReply) => ({
    surveyTitle: v.s.definition.title,
    csrf: csrfToken(req, reply, secure),
    base: v.base,
    preview: v.preview,
    ...yearsOf(v.s),
  });

  function startPage(v: ViewContext, token: string, req: FastifyRequest, reply: FastifyReply) {
    return reply.view('budget-start.njk', {
      ...frame(v, req, reply),
      title: v.s.definition.title,
      token,
      closed: !v.preview && v.s.status !== 'open',
      sections: v.s.definition.sections.map((x) => x.title),
    });
  }

  function sectionPage(
    v: ViewContext,
    n: number,
    body: Record<string, string>,
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[] = [],
  ) {
    const s = v.s;
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
      ...frame(v, req, reply),
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
    v: ViewContext,
    body: Record<string, string>,
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[] = [],
    added = false,
  ) {
    const questions = aboutQuestions(v.s.aboutYou!, body, errors);
    return reply.view('budget-about.njk', {
      ...frame(v, req, reply),
      title: 'About you',
      questions,
      shown: questions.map((q) => q.code).join(','),
      added,
      hidden: hidden(v.s, body, new Set(['about'])),
      errors: errors.map((e) => ({ text: e.message, href: `#${e.field}` })),
    });
  }

  /** The "about you" page posted: back to the last section, answers refused with the question named, or the check. */
  function aboutPosted(v: ViewContext, body: Record<string, string>, req: FastifyRequest, reply: FastifyReply) {
    if (!v.s.aboutYou) return checkPage(v, body, req, reply);
    if (body.go === 'back') return sectionPage(v, v.s.definition.sections.length, body, req, reply);
    const { answers, errors } = parseAbout(v.s.aboutYou, (c) => body[`about-${c}`]);
    if (errors.length) {
      reply.status(400);
      return aboutPage(v, body, req, reply, errors);
    }
    // Without JavaScript a question routed on an answer on this page appears once that answer is posted (the page
    // says which it showed; a form without that list goes on).
    const shown = body['shown-about']?.split(',');
    if (shown && v.s.aboutYou.questions.some((q) => q.visibleIf && answers[q.code] !== null && !shown.includes(q.code)))
      return aboutPage(v, body, req, reply, [], true);
    return checkPage(v, body, req, reply);
  }

  async function checkPage(
    v: ViewContext,
    body: Record<string, string>,
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[] = [],
    accepted = false,
  ) {
    const s = v.s;
    // An open link's page carries a fresh proof-of-work challenge for budget-proof.js (proof.ts); panel links, staff
    // entry and previews need none.
    const open = !v.preview && !body.t && body.assisted !== 'yes' && proofChallenge;
    const proof = open ? { challenge: await proofChallenge(s.id), bits: PROOF_BITS } : null;
    const { levels } = state(s, body);
    const about = parseAbout(s.aboutYou, (c) => body[`about-${c}`]).answers;
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
      ...frame(v, req, reply),
      accepted,
      proof,
      title: 'Check your budget',
      sections: s.definition.sections.map((sec, i) => ({
        n: i + 1,
        title: sec.title,
        rows: rows.filter((_, j) => all[j]!.section === i).map((r) => ({ key: r.key, value: { text: r.value.text } })),
      })),
      about: s.aboutYou?.questions
        .filter((q) => about[q.code] !== null)
        .map((q) => ({
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

  /** A section's form posted: a refused level shown again with every answer, else the page asked for. */
  function sectionPosted(
    v: ViewContext,
    n: number,
    body: Record<string, string>,
    req: FastifyRequest,
    reply: FastifyReply,
  ) {
    const { refused } = state(v.s, body);
    const errors = refused.map((r) => ({ field: `level-${r.item}`, message: 'Choose one of the options shown' }));
    if (errors.length) {
      reply.status(400);
      return sectionPage(v, n, body, req, reply, errors);
    }
    const go = body.go === 'back' ? n - 1 : body.go && /^\d+$/.test(body.go) ? Number(body.go) : n + 1;
    if (go < 1) return startPage(v, body.t ?? '', req, reply);
    if (go > v.s.definition.sections.length)
      return v.s.aboutYou ? aboutPage(v, body, req, reply) : checkPage(v, body, req, reply);
    return sectionPage(v, go, body, req, reply);
  }

  return { startPage, sectionPage, sectionPosted, aboutPage, aboutPosted, checkPage, frame };
}

export function budgetPages(app: App, budget: BudgetService, secure: boolean): void {
  const views = residentViews(secure, (id) => budget.proofChallenge(id));
  const { checkPage, sectionPage } = views;
  const load = async (key: string) => budget.byKey(key);
  const ctx = (s: StoredSimulator): ViewContext => ({ s, base: `/budget/${s.openKey}`, preview: false });

  app.get(
    '/budget/:key',
    { schema: { hide: true, params: KeyParams, querystring: TokenQuery } },
    async (req, reply) => {
      const s = await load(req.params.key);
      noStore(reply);
      return views.startPage(ctx(s), req.query.t ?? '', req, reply);
    },
  );
  app.get(
    '/budget/:key/section/:n',
    { schema: { hide: true, params: SectionParams, querystring: TokenQuery } },
    async (req, reply) => {
      const s = await load(req.params.key);
      noStore(reply);
      return sectionPage(ctx(s), req.params.n, req.query.t ? { t: req.query.t } : {}, req, reply);
    },
  );
  app.post(
    '/budget/:key/section/:n',
    { schema: { hide: true, params: SectionParams, body: Form } },
    async (req, reply) => {
      checkCsrf(req);
      const s = await load(req.params.key);
      noStore(reply);
      return views.sectionPosted(ctx(s), req.params.n, req.body, req, reply);
    },
  );
  app.post('/budget/:key/about', { schema: { hide: true, params: KeyParams, body: Form } }, async (req, reply) => {
    checkCsrf(req);
    const s = await load(req.params.key);
    noStore(reply);
    return views.aboutPosted(ctx(s), req.body, req, reply);
  });
  app.post('/budget/:key/submit', { schema: { hide: true, params: KeyParams, body: Form } }, async (req, reply) => {
    checkCsrf(req);
    const s = await load(req.params.key);
    noStore(reply);
    const body = req.body;
    if (body.go && /^\d+$/.test(body.go)) return sectionPage(ctx(s), Number(body.go), body, req, reply);
    if (body.go === 'about' && s.aboutYou) return views.aboutPage(ctx(s), body, req, reply);
    const about = parseAbout(s.aboutYou, (c) => body[`about-${c}`]);
    if (about.errors.length) {
      reply.status(400);
      return checkPage(ctx(s), body, req, reply, about.errors);
    }
    try {
      // Assisted entry is flagged only by staff who may set up this council's simulators (review-pages.ts).
      const assisted = body.assisted === 'yes';
      if (assisted && !canSetUp(req.user, s.definition.council))
        throw new AppError(403, 'assisted-needs-staff', 'Sign in again as staff to send an assisted budget.');
      // The comments posted, found in one pass over the form (most items have none).
      const comments = new Map<string, string>();
      for (const k in body) if (k.startsWith('comment-')) comments.set(k.slice(8), body[k]!);
      const r = await budget.submit(s, {
        posted: (c) => body[`level-${c}`],
        comments: (c) => comments.get(c),
        consent: body.consent === 'yes',
        token: body.t || undefined,
        honeypot: body.website || undefined,
        proof: { challenge: body['proof-challenge'], nonce: body['proof-nonce'] },
        assisted,
        client: req.ip,
        userAgent: req.headers['user-agent'],
        about: about.answers,
      });
      if (assisted) return reply.redirect(`/budget/simulators/${s.id}/assisted?sent=${r.id}`, 303);
      return reply.redirect(`/budget/${s.openKey}/done?r=${r.id}`, 303);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      reply.status(e.status);
      for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
      // Nothing is lost: the same page again with every answer, and the reason.
      return checkPage(
        ctx(s),
        body,
        req,
        reply,
        e.errors.length ? e.errors : [{ field: 'balance', message: e.message }],
      );
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
        ...views.frame(ctx(s), req, reply),
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
}
