/**
 * The booking pages (no JavaScript needed; forms post, are CSRF-checked and answer 303 back, or the page again with
 * the GOV.UK error summary naming each field and why): /leadership/cohorts/{id} (the cohort, its participants and
 * waiting list with every move's reason; the programme office approves, refuses, books, withdraws and records
 * attendance per module there; a council user sees and acts on its own people) and /leadership/cohorts/{id}/apply
 * (a council's member services officer, a group office for members of its political group, or the programme office
 * puts a person forward; the council by name with the areas autocomplete, or its code without JavaScript). The form
 * goes first to a "Check your answers" page (every check the application makes, nothing stored yet): each answer has a
 * Change button that posts the answers back to the form at that question (`#field`), and "Put forward" submits them.
 * The answers travel as hidden fields of the CSRF-checked POST, never in a URL.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { AppError } from '../../platform/errors.ts';
import { checkCsrf, pageFor } from '../accounts/index.ts';
import { isGroupOffice, isOffice, NOMINATING_ROLES } from './context.ts';
import { ROLE_LABELS } from './evaluation.ts';
import { PLACE_KINDS, ROLES } from './rules.ts';
import type { LeadService } from './service.ts';

const Form = Type.Record(Type.String(), Type.String({ maxLength: 1000 }));
const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const ACTIONS = ['decision', 'book', 'accept', 'withdraw', 'attendance'] as const;
const ActionParams = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  action: Type.Union(ACTIONS.map((a) => Type.Literal(a))),
});
const CohortQuery = Type.Object(
  { done: Type.Optional(Type.String({ maxLength: 20 })), p: Type.Optional(Type.String({ maxLength: 12 })) },
  { additionalProperties: false },
);
const PAGE_ROLES = NOMINATING_ROLES;
/** The application form's questions in order: the check page's rows and hidden fields. */
const APPLY_FIELDS = ['council', 'name', 'email', 'role', 'officerGrade', 'party', 'placeKind'] as const;

export const PLACE_NAMES: Record<string, string> = {
  subsidised: 'Subsidised (one per council in each window)',
  'full-fee': 'Full fee',
  bursary: 'Bursary',
};
const STATUS_NAMES: Record<string, string> = {
  applied: 'Applied',
  approved: 'Approved',
  refused: 'Refused',
  booked: 'Booked',
  waiting: 'Waiting',
  offered: 'Offered a place',
  completed: 'Completed',
  withdrawn: 'Withdrawn',
  lapsed: 'Offer lapsed',
};
const FIELD_NAMES: Record<string, string> = {
  council: 'Council',
  name: 'Name',
  email: 'Email address',
  role: 'Role',
  officerGrade: 'Officer grade',
  party: 'Party',
  placeKind: 'Kind of place',
  cohort: 'Cohort',
  reason: 'Reason',
  module: 'Module',
  survey: 'Questionnaire',
  wave: 'Wave',
  programme: 'Programme',
  from: 'From',
  to: 'To',
  opensAt: 'First day open',
  closesAt: 'Last day open',
};
const DONE: Record<string, string> = {
  applied: 'The application is made. The programme office will decide on it.',
  decision: 'The decision is recorded.',
  book: 'The booking is recorded.',
  accept: 'The offered place is taken up.',
  withdraw: 'The person is withdrawn; a freed place goes to the first eligible person on the waiting list.',
  attendance: 'Attendance is recorded.',
};

/** An error summary item for each field problem: "Role is not eligible (…)" linked to the field. */
export const fieldProblems = (e: AppError, href: (field: string) => string) =>
  (e.errors.length ? e.errors : [{ field: '', message: e.message }]).map((x) => ({
    href: href(x.field),
    text: x.field ? `${FIELD_NAMES[x.field] ?? x.field} ${x.message}` : x.message,
  }));
const expected = (e: unknown): e is AppError => e instanceof AppError && [400, 404, 409].includes(e.status);

export function bookingPages(app: App, lead: LeadService): void {
  async function cohortOf(id: number) {
    for (const p of await lead.reference()) {
      const c = p.cohorts.find((x) => x.id === id);
      if (c) return { programme: p, cohort: c };
    }
    throw new AppError(404, 'not-found', `Cohort ${id} does not exist.`);
  }

  async function cohortPage(
    req: FastifyRequest,
    reply: FastifyReply,
    id: number,
    q: { done?: string | undefined; p?: string | undefined },
    errors: { href: string; text: string }[] = [],
  ) {
    const { programme, cohort } = await cohortOf(id);
    const list = await lead.cohortList(req.user, id);
    const moduleNumbers = cohort.modules.map((m) => m.number);
    return reply.view('lead-cohort.njk', {
      title: `${errors.length ? 'Error: ' : ''}Cohort ${cohort.number}, ${programme.name}`,
      programme,
      cohort,
      participants: list.participants.map((p) => ({
        ...p,
        roleName: ROLE_LABELS[p.role] ?? p.role,
        statusName: STATUS_NAMES[p.status] ?? p.status,
        placeName: PLACE_NAMES[p.placeKind] ?? p.placeKind,
      })),
      waiting: list.participants.filter((p) => p.status === 'waiting'),
      office: isOffice(req.user),
      moduleNumbers,
      notice: q.done ? (DONE[q.done] ?? null) : null,
      errors,
    });
  }

  app.get(
    '/leadership/cohorts/:id',
    { schema: { hide: true, params: Id, querystring: CohortQuery } },
    async (req, reply) => {
      if (!pageFor(req, reply, PAGE_ROLES)) return reply;
      return cohortPage(req, reply, req.params.id, req.query);
    },
  );

  const applyPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    id: number,
    form: Record<string, string>,
    errors: { href: string; text: string }[] = [],
    council: unknown = null,
  ) => {
    const { programme, cohort } = await cohortOf(id);
    const user = req.user!;
    return reply.view('lead-apply.njk', {
      title: `${errors.length ? 'Error: ' : ''}Put someone forward for cohort ${cohort.number}, ${programme.name}`,
      programme,
      cohort,
      form,
      errors,
      errorFields: new Set(errors.map((e) => e.href.slice(1))),
      errorText: Object.fromEntries(errors.map((e) => [e.href.slice(1), e.text])),
      council: council ?? (await lead.councilField(form.council, cohort.startsOn)),
      ownCouncil: isOffice(user) || isGroupOffice(user) ? null : user.council,
      group: isGroupOffice(user) ? (user.politicalGroup ?? null) : null,
      roles: ROLES.map((r) => ({ value: r, text: ROLE_LABELS[r] ?? r })),
      placeKinds: PLACE_KINDS.map((k) => ({ value: k, text: PLACE_NAMES[k] ?? k })),
    });
  };

  app.get('/leadership/cohorts/:id/apply', { schema: { hide: true, params: Id } }, async (req, reply) => {
    if (!pageFor(req, reply, PAGE_ROLES)) return reply;
    const own = isOffice(req.user) ? '' : (req.user!.council?.code ?? '');
    const party = isGroupOffice(req.user) ? (req.user!.politicalGroup ?? '') : '';
    return applyPage(req, reply, req.params.id, { council: own, party, placeKind: 'full-fee' });
  });

  /** The check-your-answers page: each answer as the person will be put forward, with a Change button. */
  const checkPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    id: number,
    answers: Record<(typeof APPLY_FIELDS)[number], string>,
    councilName: string,
  ) => {
    const { programme, cohort } = await cohortOf(id);
    const show: Record<string, string> = {
      council: `${councilName} (${answers.council})`,
      role: ROLE_LABELS[answers.role] ?? answers.role,
      placeKind: PLACE_NAMES[answers.placeKind] ?? answers.placeKind,
    };
    const rows = APPLY_FIELDS.filter((f) => f !== 'officerGrade' || answers.role === 'officer').map((f) => ({
      field: f,
      key: f === 'name' ? 'Full name' : (FIELD_NAMES[f] ?? f),
      value: show[f] ?? (answers[f] || 'Not given'),
    }));
    return reply.view('lead-apply-check.njk', {
      title: `Check your answers: cohort ${cohort.number}, ${programme.name}`,
      programme,
      cohort,
      rows,
      hidden: APPLY_FIELDS.map((f) => ({ name: f, value: answers[f] })),
    });
  };

  app.post('/leadership/cohorts/:id/apply', { schema: { hide: true, params: Id, body: Form } }, async (req, reply) => {
    if (!pageFor(req, reply, PAGE_ROLES)) return reply;
    checkCsrf(req);
    const b = req.body;
    const { cohort } = await cohortOf(req.params.id);
    const field = await lead.councilField(b.council, cohort.startsOn);
    if (!field?.area) {
      const text = field?.error ?? 'Enter the council, by its name or its code';
      return applyPage(req, reply.status(400), req.params.id, b, [{ href: '#council', text }], {
        ...(field ?? { value: '', area: null, choices: [] }),
        error: text,
      });
    }
    // "Change" on the check page: the form again with the answers, at the question (the button's `#field`).
    if (b.change) return applyPage(req, reply, req.params.id, b);
    const answers = Object.fromEntries(APPLY_FIELDS.map((f) => [f, (b[f] ?? '').trim()])) as Record<
      (typeof APPLY_FIELDS)[number],
      string
    >;
    answers.council = field.area.code;
    if (answers.role !== 'officer') answers.officerGrade = '';
    const input = { ...answers, officerGrade: answers.officerGrade || null, party: answers.party || null };
    try {
      if (b.confirm !== 'yes') {
        await lead.checkApplication(req.user, req.params.id, input);
        return checkPage(req, reply, req.params.id, answers, field.area.name);
      }
      await lead.apply(req.user, req.params.id, input);
    } catch (e) {
      if (!expected(e) && !(e instanceof AppError && e.status === 403 && e.errors.length)) throw e;
      const errors = fieldProblems(e as AppError, (f) => `#${f in FIELD_NAMES && f !== 'cohort' ? f : 'name'}`);
      return applyPage(req, reply.status((e as AppError).status), req.params.id, b, errors);
    }
    return reply.redirect(`/leadership/cohorts/${req.params.id}?done=applied`, 303);
  });

  app.post(
    '/leadership/applications/:id/:action',
    { schema: { hide: true, params: ActionParams, body: Form } },
    async (req, reply) => {
      if (!pageFor(req, reply, PAGE_ROLES)) return reply;
      checkCsrf(req);
      const { id, action } = req.params;
      const b = req.body;
      const cohortId = Number(b.cohort);
      if (!Number.isInteger(cohortId)) throw new AppError(400, 'invalid-input', 'The form has no cohort.');
      const v = req.user;
      try {
        switch (action) {
          case 'decision':
            await lead.decide(v, id, b.decision === 'refused' ? 'refused' : 'approved', b.reason);
            break;
          case 'book':
            await lead.book(v, id, { waitlist: b.waitlist === 'yes' });
            break;
          case 'accept':
            await lead.accept(v, id);
            break;
          case 'withdraw':
            await lead.withdraw(v, id, b.reason);
            break;
          case 'attendance':
            await lead.attend(v, id, {
              module: b.module ? Number(b.module) : Number.NaN,
              attended: b.attended !== 'no',
            });
            break;
        }
      } catch (e) {
        if (!expected(e)) throw e;
        const errors =
          e.code === 'cohort-full'
            ? [{ href: `#p${id}-actions`, text: `${e.message} Add the person to the waiting list instead.` }]
            : fieldProblems(e, (f) => `#p${id}-${f === 'module' || f === 'reason' ? f : 'actions'}`);
        return cohortPage(req, reply.status(e.status), cohortId, {}, errors);
      }
      return reply.redirect(`/leadership/cohorts/${cohortId}?done=${action}&p=${id}#p${id}`, 303);
    },
  );
}
