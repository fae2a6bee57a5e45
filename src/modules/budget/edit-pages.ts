/**
 * The officers' edit pages of a draft simulator, plain forms without JavaScript: /budget/simulators/{id}/edit (title,
 * year, the gap year by year and its balance rule, the stated total, council tax and its referendum cap, section
 * titles; the items listed with a link each; an item added) and /budget/simulators/{id}/items/{code} (one item: title,
 * baseline, floor and its reason, ring-fenced and contractual flags, its options with their consequences; or removed)
 * and /budget/simulators/{id}/rules/{n|new} (a rule between choices: X requires Y, X excludes Z; added, changed or
 * removed).
 * Every save is the whole definition validated by the model's one rule; a refusal shows the form again as typed, with
 * an error summary naming the item and field.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { noStore } from '../../platform/http.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { checkCsrf } from '../accounts/index.ts';
import {
  definitionFromForm,
  describe,
  itemFromForm,
  RULE_KINDS,
  ruleFromForm,
  ruleText,
  SPARE_LEVELS,
  SPARE_YEARS,
} from './edit-form.ts';
import { flatItems, formatPounds, GAP_RULE_TEXT, SECTION_TITLES, type Definition } from './model.ts';
import { Form } from './pages.ts';
import type { StoredSimulator } from './repository.ts';
import { canSetUp, type BudgetService } from './service.ts';
import { signInFirst } from './setup-pages.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const ItemParams = Type.Object({
  id: IdParams.properties.id,
  code: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' }),
});

const RuleParams = Type.Object({ id: IdParams.properties.id, n: Type.String({ pattern: '^(new|[1-9][0-9]{0,3})$' }) });

/** The simulator an officer may change, or why not (404 unseen, 403 no permission). */
export async function editableBy(budget: BudgetService, req: FastifyRequest, id: number): Promise<StoredSimulator> {
  const s = await budget.get(id, req.user);
  if (!canSetUp(req.user, s.definition.council))
    throw new AppError(403, 'forbidden', 'Changing this simulator needs the consultation permission for its council.');
  return s;
}

export function budgetEditPages(app: App, budget: BudgetService): void {
  const editable = (req: FastifyRequest, id: number) => editableBy(budget, req, id);
  /** Saves a whole definition; a refusal answers the errors, each naming where on these pages. */
  async function save(s: StoredSimulator, d: Definition, req: FastifyRequest, onItem?: string) {
    try {
      await budget.replace(s.id, d, req.user);
      return [];
    } catch (e) {
      // Not a draft, or holding responses: the error page says why. Field errors: the form again.
      if (!(e instanceof AppError) || e.status !== 400 || !e.errors.length) throw e;
      return e.errors.map((x) => {
        const where = describe(d, x.field, onItem);
        return { field: where.id, message: `${where.words}: ${x.message}`, path: x.field, value: x.value };
      });
    }
  }
  const summary = (errors: FieldError[]) => errors.map((e) => ({ text: e.message, href: `#${e.field}` }));
  const errorOf = (errors: FieldError[], id: string) => errors.find((e) => e.field === id)?.message;

  function definitionPage(
    s: StoredSimulator,
    d: Definition,
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[] = [],
  ) {
    const yearRows = [...d.gap.years, ...Array.from({ length: SPARE_YEARS }, () => null)].map((y, i) => ({
      i,
      year: y?.year ?? '',
      amount: y ? String(y.amount) : '',
      yearError: errorOf(errors, `year-${i}`),
      amountError: errorOf(errors, `amount-${i}`),
    }));
    return reply.view('budget-edit.njk', {
      title: `Change ${s.definition.title}`,
      s,
      d,
      csrf: req.user!.csrfToken,
      draft: s.status === 'draft',
      errors: summary(errors),
      err: Object.fromEntries(errors.map((e) => [e.field, e.message])),
      yearRows,
      rules: Object.entries(GAP_RULE_TEXT).map(([value, text]) => ({
        value,
        text,
        checked: (d.gap.rule ?? 'each-year') === value,
      })),
      sectionKinds: Object.entries(SECTION_TITLES).map(([value, text]) => ({ value, text })),
      sections: d.sections.map((sec, i) => ({
        i,
        ...sec,
        items: sec.items.map((it) => ({
          code: it.code,
          title: it.title,
          baseline: formatPounds(it.baseline),
          options: it.levels.length,
          flagged: errors.some((e) => e.field === `item-${it.code}`),
        })),
      })),
      constraints: d.constraints.map((c, n) => ({ n, text: ruleText(d, c) })),
    });
  }

  app.get('/budget/simulators/:id/edit', { schema: { hide: true, params: IdParams } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    noStore(reply);
    const s = await editable(req, req.params.id);
    return definitionPage(s, s.definition, req, reply);
  });
  app.post(
    '/budget/simulators/:id/edit',
    { schema: { hide: true, params: IdParams, body: Form } },
    async (req, reply) => {
      checkCsrf(req);
      const s = await editable(req, req.params.id);
      const { definition, errors } = definitionFromForm(s.definition, req.body);
      if (!errors.length) errors.push(...(await save(s, definition, req)));
      if (!errors.length) return reply.redirect(`/budget/simulators/${s.id}`, 303);
      reply.status(400);
      return definitionPage(s, definition, req, reply, errors);
    },
  );
  app.post(
    '/budget/simulators/:id/items',
    { schema: { hide: true, params: IdParams, body: Form } },
    async (req, reply) => {
      checkCsrf(req);
      const s = await editable(req, req.params.id);
      const d = structuredClone(s.definition);
      const kind = req.body.kind ?? '';
      let section = d.sections.find((x) => x.kind === kind);
      if (!section && kind in SECTION_TITLES) {
        section = {
          kind: kind as keyof typeof SECTION_TITLES,
          title: SECTION_TITLES[kind as keyof typeof SECTION_TITLES],
          items: [],
        };
        d.sections.push(section);
      }
      const code = (req.body.code ?? '').trim();
      const errors: FieldError[] = section ? [] : [{ field: 'new-kind', message: 'New item: choose its section' }];
      if (section)
        section.items.push({
          code,
          title: (req.body.title ?? '').trim(),
          baseline: Number((req.body.baseline ?? '').replace(/[£,\s]/g, '')) || 0,
          levels: [{ code: 'same', pctChange: 0, consequence: 'No change' }],
        });
      if (!errors.length)
        errors.push(
          ...(await save(s, d, req, code)).map((e) => ({
            ...e,
            field: ['code', 'title', 'baseline'].includes(e.field) ? `new-${e.field}` : e.field,
          })),
        );
      if (!errors.length) return reply.redirect(`/budget/simulators/${s.id}/items/${code}`, 303);
      reply.status(400);
      return definitionPage(s, s.definition, req, reply, errors);
    },
  );

  function itemPage(
    s: StoredSimulator,
    d: Definition,
    code: string,
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[] = [],
  ) {
    const it = flatItems(d).find((i) => i.code === code);
    if (!it) throw new AppError(404, 'not-found', `Simulator ${s.id} has no item ${code}.`);
    const levels = [...it.levels, ...Array.from({ length: SPARE_LEVELS }, () => null)].map((l, i) => ({
      i,
      code: l?.code ?? '',
      pctChange: l ? String(l.pctChange) : '',
      consequence: l?.consequence ?? '',
      err: {
        code: errorOf(errors, `level-${i}-code`),
        pctChange: errorOf(errors, `level-${i}-pctChange`),
        consequence: errorOf(errors, `level-${i}-consequence`),
      },
    }));
    return reply.view('budget-item.njk', {
      title: `Change ${it.title}`,
      s,
      it,
      sectionTitle: d.sections[it.section]?.title,
      csrf: req.user!.csrfToken,
      errors: summary(errors),
      err: Object.fromEntries(errors.map((e) => [e.field, e.message])),
      levels,
      money: (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n)),
    });
  }
  app.get('/budget/simulators/:id/items/:code', { schema: { hide: true, params: ItemParams } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    noStore(reply);
    const s = await editable(req, req.params.id);
    return itemPage(s, s.definition, req.params.code, req, reply);
  });
  app.post(
    '/budget/simulators/:id/items/:code',
    { schema: { hide: true, params: ItemParams, body: Form } },
    async (req, reply) => {
      checkCsrf(req);
      const s = await editable(req, req.params.id);
      const d = structuredClone(s.definition);
      const code = req.params.code;
      const sec = d.sections.find((x) => x.items.some((i) => i.code === code));
      if (!sec) throw new AppError(404, 'not-found', `Simulator ${s.id} has no item ${code}.`);
      const at = sec.items.findIndex((i) => i.code === code);
      if (req.body.remove === 'yes') {
        sec.items.splice(at, 1);
        const errors = await save(s, d, req);
        if (!errors.length) return reply.redirect(`/budget/simulators/${s.id}/edit`, 303);
        reply.status(400);
        return itemPage(s, s.definition, code, req, reply, errors);
      }
      const { item, errors } = itemFromForm(sec.items[at]!, req.body);
      sec.items[at] = item;
      if (!errors.length) errors.push(...(await save(s, d, req, code)));
      if (!errors.length) return reply.redirect(`/budget/simulators/${s.id}/edit`, 303);
      reply.status(400);
      return itemPage(s, d, code, req, reply, errors);
    },
  );

  /**
   * A rule between choices (X requires Y; X excludes Z): its own page, new or by its number, with the options as
   * "Item: option" choices. Saved as the whole definition, so a rule naming no option, or contradicting the others,
   * is refused with the field and value named.
   */
  function rulePage(
    s: StoredSimulator,
    n: number | null,
    form: { when: string; kind: string; then: string },
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[] = [],
  ) {
    const options = (selected: string) => [
      { value: '', text: 'Choose an option' },
      ...flatItems(s.definition).flatMap((it) =>
        it.levels.map((l) => {
          const value = `${it.code}|${l.code}`;
          return { value, text: `${it.title}: ${l.consequence} (${l.code})`, selected: value === selected };
        }),
      ),
    ];
    return reply.view('budget-rule.njk', {
      title: n === null ? 'Add a rule between choices' : `Change rule ${n + 1}`,
      s,
      isNew: n === null,
      number: n === null ? 'new' : n + 1,
      csrf: req.user!.csrfToken,
      errors: summary(errors),
      err: Object.fromEntries(errors.map((e) => [e.field, e.message])),
      when: options(form.when),
      then: options(form.then),
      kinds: RULE_KINDS.map((k) => ({ value: k.value, text: k.text, checked: form.kind === k.value })),
    });
  }
  const ruleNumber = (s: StoredSimulator, raw: string): number | null => {
    if (raw === 'new') return null;
    const n = Number(raw) - 1;
    if (!Number.isInteger(n) || n < 0 || n >= s.definition.constraints.length)
      throw new AppError(404, 'not-found', `Simulator ${s.id} has no rule ${raw}.`);
    return n;
  };
  app.get('/budget/simulators/:id/rules/:n', { schema: { hide: true, params: RuleParams } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    noStore(reply);
    const s = await editable(req, req.params.id);
    const n = ruleNumber(s, req.params.n);
    const c = n === null ? null : s.definition.constraints[n]!;
    const form = c
      ? { when: `${c.item}|${c.level}`, kind: c.kind, then: `${c.otherItem}|${c.otherLevel}` }
      : { when: '', kind: '', then: '' };
    return rulePage(s, n, form, req, reply);
  });
  app.post(
    '/budget/simulators/:id/rules/:n',
    { schema: { hide: true, params: RuleParams, body: Form } },
    async (req, reply) => {
      checkCsrf(req);
      const s = await editable(req, req.params.id);
      const n = ruleNumber(s, req.params.n);
      const d = structuredClone(s.definition);
      const form = { when: req.body.when ?? '', kind: req.body.kind ?? '', then: req.body.then ?? '' };
      let errors: FieldError[] = [];
      if (req.body.remove === 'yes' && n !== null) d.constraints.splice(n, 1);
      else {
        const rule = ruleFromForm(form);
        errors = rule.errors;
        if (n === null) d.constraints.push(rule.constraint);
        else d.constraints[n] = rule.constraint;
      }
      const at = n ?? d.constraints.length - 1;
      if (!errors.length)
        errors = (await save(s, d, req)).map((e) => {
          // The form's fields, for the rule on this page, with the value refused.
          const raw = /^constraints\[(\d+)\](?:\.(\w+))?/.exec(e.path);
          const value = e.value !== undefined ? ` (“${e.value}”)` : '';
          if (!raw || Number(raw[1]) !== at) return { field: e.field, message: `${e.message}${value}` };
          const field = raw[2] === 'kind' ? 'kind' : raw[2] === 'item' || raw[2] === 'level' ? 'when' : 'then';
          return { field, message: `${e.message}${value}` };
        });
      if (!errors.length) return reply.redirect(`/budget/simulators/${s.id}/edit#constraints`, 303);
      reply.status(400);
      return rulePage(s, n, form, req, reply, errors);
    },
  );
}
