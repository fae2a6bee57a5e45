/**
 * The officers' edit pages of a draft simulator, plain forms without JavaScript: /budget/simulators/{id}/edit (title,
 * year, the gap year by year and its balance rule, the stated total, council tax and its referendum cap, section
 * titles; the items listed with a link each; an item added) and /budget/simulators/{id}/items/{code} (one item: title,
 * baseline, floor and its reason, ring-fenced and contractual flags, its options with their consequences; or removed).
 * Every save is the whole definition validated by the model's one rule; a refusal shows the form again as typed, with
 * an error summary naming the item and field.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { noStore } from '../../platform/http.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { checkCsrf } from '../accounts/index.ts';
import { definitionFromForm, describe, itemFromForm, SPARE_LEVELS, SPARE_YEARS } from './edit-form.ts';
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

export function budgetEditPages(app: App, budget: BudgetService): void {
  /** The draft an officer may change, or why not (404 unseen, 403 no permission). */
  async function editable(req: FastifyRequest, id: number): Promise<StoredSimulator> {
    const s = await budget.get(id, req.user);
    if (!canSetUp(req.user, s.definition.council))
      throw new AppError(
        403,
        'forbidden',
        'Changing this simulator needs the consultation permission for its council.',
      );
    return s;
  }
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
        return { field: where.id, message: `${where.words}: ${x.message}` };
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
      constraints: d.constraints.map((c) => `${c.item} “${c.level}” ${c.kind} ${c.otherItem} “${c.otherLevel}”`),
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
}
