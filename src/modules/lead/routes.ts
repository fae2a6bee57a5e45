/**
 * The leadership programmes API under /api/v1/leadership: programmes and cohorts (public, nothing personal), the
 * programme office's set-up, applications and the waiting list (x-csrf-token header), attendance, survey contacts and
 * take-up (JSON and CSV).
 */
import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { columnNames, csvColumns, csvStream } from '../../platform/csv.ts';
import { CSVM, csvUrl, csvw, csvwResponse, describedBy } from '../../platform/csvw.ts';
import { problemResponses } from '../../platform/errors.ts';
import { download, noStore } from '../../platform/http.ts';
import { checkCsrf, requireRole } from '../accounts/index.ts';
import { OFFICE_ROLES } from './context.ts';
import type { TakeUp } from './progress.ts';
import * as S from './schemas.ts';
import type { LeadService } from './service.ts';

const BASE = '/api/v1/leadership';
const TAGS = ['leadership'];
const writeErrors = problemResponses(400, 401, 403, 404, 409);

export const TAKE_UP_CSV = csvColumns([
  ['area', 'Area code', 'string', 'GSS code of the current council'],
  ['area_name', 'Council', 'string', "The council's name"],
  ['area_type', 'Council type', 'string', 'GSS type prefix'],
  ['region', 'Region code', 'string', 'GSS code of the region'],
  [
    'status',
    'Subsidised place',
    'string',
    'used (booked, offered or completed), waiting (applied or on the list) or not-used',
  ],
  ['participant', 'Participant', 'integer', 'Id of the participant holding or claiming the place'],
]);
export const takeUpCsvRows = (t: TakeUp) =>
  t.councils.map((r) => [r.code, r.name, r.type, r.region, r.status, r.participant]);

type Req<B> = FastifyRequest & { body: B; params: { id: number } };

export function leadRoutes(app: App, lead: LeadService): void {
  app.get(
    `${BASE}/programmes`,
    {
      schema: {
        tags: TAGS,
        summary:
          'Leadership programmes with their dated eligibility rules, subsidised-place windows, charges, and cohorts with dates, venue, modules and places booked, free and waiting (no personal data)',
        response: { 200: S.Programmes },
      },
    },
    async (_req, reply) => {
      reply.header('cache-control', 'no-cache');
      return lead.reference();
    },
  );

  const write = <B>(
    url: string,
    summary: string,
    body: unknown,
    response: unknown,
    run: (req: Req<B>) => Promise<unknown>,
    status = 200,
  ) =>
    app.post(
      url,
      {
        schema: {
          tags: TAGS,
          summary: `${summary} (x-csrf-token header)`,
          body: body as never,
          ...(url.includes(':id') ? { params: S.IdParams } : {}),
          response: { [status]: response, ...writeErrors } as never,
        },
      },
      async (req, reply) => {
        if (!req.user) requireRole(req, OFFICE_ROLES);
        checkCsrf(req);
        const out = await run(req as Req<B>);
        return noStore(reply).status(status).send(out);
      },
    );
  type Body<T> = T extends { static: infer U } ? U : never;
  write<Body<typeof S.ProgrammeBody>>(
    `${BASE}/programmes`,
    'Set up a programme with its eligibility rules, windows and charges (programme office, administrators)',
    S.ProgrammeBody,
    S.Created,
    async (req) => ({ id: await lead.createProgramme(req.user, req.body) }),
    201,
  );
  write<Body<typeof S.CohortBody>>(
    `${BASE}/programmes/:id/cohorts`,
    'Add a numbered cohort to a programme (programme office, administrators)',
    S.CohortBody,
    S.Created,
    async (req) => ({ id: await lead.createCohort(req.user, req.params.id, req.body) }),
    201,
  );
  write<Body<typeof S.ModuleBody>>(
    `${BASE}/cohorts/:id/modules`,
    "Add a dated module to a cohort; a date outside the cohort's dates is refused (programme office, administrators)",
    S.ModuleBody,
    S.Created,
    async (req) => ({ id: await lead.addModule(req.user, req.params.id, req.body) }),
    201,
  );
  write<Body<typeof S.ApplicationBody>>(
    `${BASE}/cohorts/:id/applications`,
    "Put a person forward for a cohort (a council user for their own council, or the programme office); an ineligible person or a council's second subsidised place in a window is refused",
    S.ApplicationBody,
    S.Created,
    async (req) => ({ id: await lead.apply(req.user, req.params.id, req.body) }),
    201,
  );
  write<Body<typeof S.DecisionBody>>(
    `${BASE}/applications/:id/decision`,
    'Approve or refuse an application (programme office, administrators)',
    S.DecisionBody,
    S.Done,
    async (req) => {
      await lead.decide(req.user, req.params.id, req.body.decision as 'approved' | 'refused', req.body.reason);
      return { ok: true };
    },
  );
  write<Body<typeof S.BookBody>>(
    `${BASE}/applications/:id/book`,
    'Book an approved application: a place if one is free (capacity and the subsidised entitlement checked in the same transaction), else the waiting list when asked, else 409',
    S.BookBody,
    S.Booked,
    async (req) => lead.book(req.user, req.params.id, req.body ?? {}),
  );
  write<Body<typeof S.ReasonBody>>(
    `${BASE}/applications/:id/accept`,
    'Take up an offered place before the offer expires',
    S.ReasonBody,
    S.Done,
    async (req) => {
      await lead.accept(req.user, req.params.id);
      return { ok: true };
    },
  );
  write<Body<typeof S.ReasonBody>>(
    `${BASE}/applications/:id/withdraw`,
    'Withdraw a person; a freed place is offered to the first eligible person on the list, with an expiry',
    S.ReasonBody,
    S.Done,
    async (req) => {
      await lead.withdraw(req.user, req.params.id, req.body?.reason);
      return { ok: true };
    },
  );
  write<Body<typeof S.ReasonBody>>(
    `${BASE}/cohorts/:id/settle`,
    "Lapse the cohort's expired offers and offer free places to the first eligible people on the list (programme office, administrators)",
    S.ReasonBody,
    S.Done,
    async (req) => {
      await lead.settleCohort(req.user, req.params.id);
      return { ok: true };
    },
  );
  write<Body<typeof S.AttendanceBody>>(
    `${BASE}/applications/:id/attendance`,
    "Record attendance at a module; completion follows the programme's rule (programme office, administrators)",
    S.AttendanceBody,
    S.Attended,
    async (req) => lead.attend(req.user, req.params.id, req.body),
  );

  app.get(
    `${BASE}/cohorts/:id/participants`,
    {
      schema: {
        tags: TAGS,
        summary:
          "A cohort's participants and waiting list in order, with every move and its reason (programme office and administrators: all; a council user: their council's)",
        params: S.IdParams,
        response: { 200: S.CohortList, ...problemResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      noStore(reply);
      return lead.cohortList(req.user, req.params.id);
    },
  );
  app.get(
    `${BASE}/surveys-due.json`,
    {
      schema: {
        tags: TAGS,
        summary:
          "Survey contacts due between two dates, from each person's own dates: feedback after each module attended and at the end of the cohort, impact 6–12 months after completion (programme office, administrators)",
        querystring: S.SurveysQuery,
        response: { 200: S.SurveyContacts, ...problemResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      noStore(reply);
      return lead.surveysDue(req.user, req.query);
    },
  );
  app.get(
    `${BASE}/take-up.json`,
    {
      schema: {
        tags: TAGS,
        summary:
          "Take-up of a programme's subsidised places in a window: every current council (a predecessor's place counts for its successor), by type and region, those not used; participants by role, party and region (counts: no councillor counts are held); completion; charges per council and financial year; survey response rates and the feedback survey's \"how would you speak about it\" table (programme office, administrators)",
        querystring: S.TakeUpQuery,
        response: { 200: S.TakeUp, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      noStore(reply);
      const t = await lead.takeUp(req.user, req.query);
      return { ...t, surveys: await lead.surveyResults(t.programme) };
    },
  );
  app.get(
    `${BASE}/take-up.csv`,
    {
      schema: {
        tags: TAGS,
        summary: 'Take-up as CSV, one row per current council (programme office, administrators)',
        querystring: S.TakeUpQuery,
        response: {
          200: download('text/csv', 'One row per current council', columnNames(TAKE_UP_CSV)),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (req, reply) => {
      const t = await lead.takeUp(req.user, req.query);
      noStore(reply);
      describedBy(req, reply);
      reply.header('content-disposition', `attachment; filename="leadership-take-up-${t.programme}.csv"`);
      reply.type('text/csv; charset=utf-8');
      return reply.send(csvStream(takeUpCsvRows(t), TAKE_UP_CSV));
    },
  );
  app.get(
    `${BASE}/take-up.csv-metadata.json`,
    {
      schema: {
        tags: TAGS,
        summary: 'The CSVW metadata of the take-up CSV (the same access)',
        querystring: S.TakeUpQuery,
        produces: [CSVM],
        response: { 200: csvwResponse, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const t = await lead.takeUp(req.user, req.query);
      noStore(reply);
      reply.type(CSVM);
      return csvw({
        url: csvUrl(req),
        title: `Take-up of subsidised places: ${t.programme}`,
        description: `Every current council against its subsidised place on ${t.programme} in the window ${t.window.startsOn} to ${t.window.endsOn}.`,
        columns: TAKE_UP_CSV,
        licences: ['OGL-UK-3.0'],
        attribution: ['Leadership programmes (this service)'],
      });
    },
  );
}
