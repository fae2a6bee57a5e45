/**
 * The plan of deliverables entered through pages (no JavaScript; programme office and administrators): a deliverable
 * added one at a time (/monitoring/deliverables/new: financial year, theme, deliverable, target, due quarter, and an
 * optional measure the platform computes) and a quarter's progress recorded for an entered deliverable
 * (/monitoring/deliverables/{id}/progress). The service checks both (deliverables.ts); a refusal comes back as the
 * GOV.UK error summary, each problem naming its field ("Theme is required …").
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { checkCsrf } from '../accounts/index.ts';
import { today } from '../areas/index.ts';
import { officePage } from './access.ts';
import { QUARTERS } from './dates.ts';
import { MEASURES } from './deliverables.ts';
import type { MonitorService } from './service.ts';

const Str = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const NewForm = Type.Object(
  {
    _csrf: Str(100),
    year: Str(10),
    theme: Str(200),
    deliverable: Str(1000),
    target: Str(30),
    due_quarter: Str(2),
    measure: Str(50),
  },
  { additionalProperties: false },
);
const ProgressForm = Type.Object(
  { _csrf: Str(100), quarter: Str(2), value: Str(30), note: Str(2000) },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** The label each field has on the form, so an error names the field as the user sees it. */
const LABELS: Record<string, string> = {
  year: 'Financial year',
  theme: 'Theme',
  deliverable: 'Deliverable',
  target: 'Target',
  due_quarter: 'Due quarter',
  measure: 'Measure',
  quarter: 'Quarter',
  value: 'Progress',
  note: 'Note',
};

/** A refusal as the error summary and a message per field; anything else is thrown on. */
function formErrors(e: unknown) {
  if (!(e instanceof AppError) || e.status !== 400) throw e;
  const list: FieldError[] = e.errors.length ? e.errors : [{ field: 'form', message: e.message }];
  const text = (x: FieldError) => `${LABELS[x.field] ?? x.field} ${x.message}`;
  return {
    errorList: list.map((x) => ({ text: text(x), href: `#${x.field}` })),
    fieldErrors: Object.fromEntries(list.map((x) => [x.field, text(x)])),
  };
}

const office = (req: FastifyRequest, reply: FastifyReply) => officePage(req, reply, 'The plan of deliverables');

/** The financial year today falls in (2026 for 2026/27). */
const thisFinancialYear = () => {
  const d = today();
  return Number(d.slice(5, 7)) >= 4 ? Number(d.slice(0, 4)) : Number(d.slice(0, 4)) - 1;
};

export function planPages(app: App, monitor: MonitorService): void {
  const newView = (extra: object) => ({
    title: 'Add a deliverable',
    measureItems: [
      { value: '', text: 'None: progress is entered each quarter' },
      ...MEASURES.map((m) => ({ value: m, text: `Computed: ${m}` })),
    ],
    ...extra,
  });

  app.get('/monitoring/deliverables/new', { schema: { hide: true } }, async (req, reply) => {
    if (!office(req, reply)) return reply;
    return reply.view('monitor-deliverable-new.njk', newView({ form: { year: String(thisFinancialYear()) } }));
  });

  app.post('/monitoring/deliverables/new', { schema: { hide: true, body: NewForm } }, async (req, reply) => {
    if (!office(req, reply)) return reply;
    checkCsrf(req);
    const b = req.body;
    try {
      await monitor.plan.add({
        year: b.year ?? '',
        theme: b.theme,
        deliverable: b.deliverable,
        target: b.target,
        dueQuarter: b.due_quarter,
        measure: b.measure,
      });
    } catch (e) {
      return reply.status(400).view('monitor-deliverable-new.njk', newView({ form: b, ...formErrors(e) }));
    }
    const year = Number(b.year);
    return reply.redirect(`/monitoring/quarterly?year=${year}&quarter=${b.due_quarter?.trim().toUpperCase()}`, 303);
  });

  const progressView = async (id: number, extra: object) => {
    const d = await monitor.plan.deliverable(id);
    return { title: `Record progress: ${d.deliverable}`, d, quarters: QUARTERS, ...extra };
  };

  app.get('/monitoring/deliverables/:id/progress', { schema: { hide: true, params: IdParams } }, async (req, reply) => {
    if (!office(req, reply)) return reply;
    return reply.view('monitor-deliverable-progress.njk', await progressView(req.params.id, { form: {} }));
  });

  app.post(
    '/monitoring/deliverables/:id/progress',
    { schema: { hide: true, params: IdParams, body: ProgressForm } },
    async (req, reply) => {
      if (!office(req, reply)) return reply;
      checkCsrf(req);
      const b = req.body;
      const raw = (b.value ?? '').trim();
      try {
        await monitor.plan.setProgress(req.params.id, {
          quarter: b.quarter ?? '',
          value: raw === '' ? null : Number(raw),
          note: b.note,
        });
      } catch (e) {
        const f = formErrors(e);
        return reply
          .status(400)
          .view('monitor-deliverable-progress.njk', await progressView(req.params.id, { form: b, ...f }));
      }
      const d = await monitor.plan.deliverable(req.params.id);
      return reply.redirect(`/monitoring/quarterly?year=${d.year}&quarter=${b.quarter?.trim().toUpperCase()}`, 303);
    },
  );
}
