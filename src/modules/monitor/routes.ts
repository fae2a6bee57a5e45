/**
 * The monitoring API: the usage scorecard (JSON and CSV; headline counts public, per-council detail for the programme
 * office and administrators, a council user's own council for them), and for the programme office the plan of
 * deliverables (entered one at a time, progress per quarter) and the quarterly report (JSON and XLSX).
 */
import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { csvStream } from '../../platform/csv.ts';
import { CSVM, csvUrl, csvw, csvwResponse, describedBy } from '../../platform/csvw.ts';
import { problemResponses } from '../../platform/errors.ts';
import { download, NoContent, XLSX } from '../../platform/http.ts';
import { checkCsrf } from '../accounts/index.ts';
import { today } from '../areas/index.ts';
import { isProgrammeOffice, requireProgrammeOffice } from './access.ts';
import { SCORECARD_CSV, SCORECARD_CSV_COLUMNS, scorecardRows } from './csv.ts';
import type { Quarter } from './dates.ts';
import * as S from './schemas.ts';
import type { MonitorService } from './service.ts';
import { quarterlyXlsx } from './spreadsheet.ts';
import { evaluationDocx } from './evaluation-output.ts';

const BASE = '/api/v1/monitoring';
const TAGS = ['monitoring'];

/** The scorecard as this viewer may see it. */
export async function scorecardFor(monitor: MonitorService, req: FastifyRequest, month: string | undefined) {
  const office = isProgrammeOffice(req.user);
  const own = req.user?.role === 'council' ? req.user.council?.code : undefined;
  const card = await monitor.scorecard(month ?? today().slice(0, 7), { detail: office || !!own });
  if (!office && card.detail) return { ...card, detail: card.detail.filter((d) => d.code === own) };
  return card;
}

export function monitorRoutes(app: App, monitor: MonitorService, brandName: string): void {
  app.get(
    `${BASE}/scorecard.json`,
    {
      schema: {
        tags: TAGS,
        summary: 'The usage scorecard for a month, computed live from the platform',
        querystring: S.MonthQuery,
        response: { 200: S.ScorecardResponse, ...problemResponses(400) },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', req.user ? 'private, no-store' : 'public, max-age=300');
      return scorecardFor(monitor, req, req.query.month);
    },
  );
  app.get(
    `${BASE}/scorecard.csv`,
    {
      schema: {
        tags: TAGS,
        summary: 'The scorecard headline figures as CSV, one row per measure and authority type',
        querystring: S.MonthQuery,
        response: {
          200: download('text/csv', 'Tidy: one row per measure', SCORECARD_CSV_COLUMNS),
          ...problemResponses(400),
        },
      },
    },
    async (req, reply) => {
      const card = await monitor.scorecard(req.query.month ?? today().slice(0, 7));
      describedBy(req, reply);
      reply.header('content-disposition', `attachment; filename="scorecard-${card.month}.csv"`);
      reply.type('text/csv; charset=utf-8');
      return reply.send(csvStream(scorecardRows(card), SCORECARD_CSV));
    },
  );
  app.get(
    `${BASE}/scorecard.csv-metadata.json`,
    {
      schema: {
        tags: TAGS,
        summary: 'The CSVW metadata of the scorecard CSV',
        querystring: S.MonthQuery,
        produces: [CSVM],
        response: { 200: csvwResponse, ...problemResponses(400) },
      },
    },
    async (req, reply) => {
      reply.type(CSVM);
      return csvw({
        url: csvUrl(req),
        title: 'Usage scorecard',
        description:
          'Registered users and councils, active councils, metrics published, saved reports and traffic for a month, ' +
          'computed from the platform. Unique visitors are the average of daily counts, never a monthly sum.',
        columns: SCORECARD_CSV,
        licences: ['OGL-UK-3.0'],
        attribution: ['Programme monitoring (this service)'],
      });
    },
  );
  app.get(
    `${BASE}/quarterly.json`,
    {
      schema: {
        tags: TAGS,
        summary: 'The quarterly report: deliverables with progress, and delivery (programme office, administrators)',
        querystring: S.QuarterQuery,
        response: { 200: S.QuarterlyResponse, ...problemResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      requireProgrammeOffice(req);
      reply.header('cache-control', 'private, no-store');
      return monitor.plan.quarterly(req.query.year, req.query.quarter as Quarter);
    },
  );
  app.get(
    `${BASE}/quarterly.xlsx`,
    {
      schema: {
        tags: TAGS,
        summary: 'The quarterly report to the funder as XLSX (programme office, administrators)',
        querystring: S.QuarterQuery,
        response: {
          200: download(XLSX, 'Cover, notes, deliverables and delivery sheets'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (req, reply) => {
      requireProgrammeOffice(req);
      const r = await monitor.plan.quarterly(req.query.year, req.query.quarter as Quarter);
      reply.header('cache-control', 'private, no-store');
      reply.header('content-disposition', `attachment; filename="quarterly-${r.year}-${r.quarter}.xlsx"`);
      reply.type(XLSX);
      return reply.send(await quarterlyXlsx(r, brandName));
    },
  );
  const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  app.get(
    `${BASE}/evaluation.docx`,
    {
      schema: {
        tags: TAGS,
        summary: 'The annual evaluation as DOCX, each figure referring to its table (programme office, administrators)',
        querystring: S.YearQuery,
        response: {
          200: download(DOCX, 'The evaluation document; a year with no evidence in any section is a 400 saying why'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (req, reply) => {
      requireProgrammeOffice(req);
      const e = await monitor.evaluation(req.query.year);
      reply.header('cache-control', 'private, no-store');
      reply.header('content-disposition', `attachment; filename="evaluation-${e.year}.docx"`);
      reply.type(DOCX);
      return reply.send(await evaluationDocx(e, brandName, app.publicOrigin()));
    },
  );
  app.post(
    `${BASE}/deliverables`,
    {
      schema: {
        tags: TAGS,
        summary: 'Adds (or updates, by year, theme and deliverable) a deliverable of the plan',
        body: S.DeliverableBody,
        response: { 201: S.CreatedResponse, ...problemResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      requireProgrammeOffice(req);
      checkCsrf(req);
      const { _csrf, ...body } = req.body;
      void _csrf;
      return reply.status(201).send(await monitor.plan.add(body));
    },
  );
  app.put(
    `${BASE}/deliverables/:id/progress`,
    {
      schema: {
        tags: TAGS,
        summary: "Records a deliverable's progress for a quarter (entered deliverables only)",
        params: S.IdParams,
        body: S.ProgressBody,
        response: { 204: NoContent('Recorded'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      requireProgrammeOffice(req);
      checkCsrf(req);
      await monitor.plan.setProgress(req.params.id, req.body);
      return reply.status(204).send();
    },
  );
}
