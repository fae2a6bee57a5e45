/**
 * The peer challenge API under /api/v1/peer-challenge: reference data, coverage (JSON, CSV and its metadata), the
 * pipeline, engagements cut to the viewer, the peer pool, and the writes (x-csrf-token header).
 */
import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { csvStream } from '../../platform/csv.ts';
import { CSVM, csvUrl, csvw, csvwResponse, describedBy } from '../../platform/csvw.ts';
import { AppError, problemResponses } from '../../platform/errors.ts';
import { download, noStore, NotModified } from '../../platform/http.ts';
import { checkCsrf, requireRole } from '../accounts/index.ts';
import { today } from '../areas/index.ts';
import { MANAGER_ROLES } from './context.ts';
import {
  ACTION_PLAN_CSV,
  ACTION_PLAN_CSV_COLUMNS,
  actionPlanRows,
  POOL_CSV,
  POOL_CSV_COLUMNS,
  poolCsvRows,
  COVERAGE_CSV,
  COVERAGE_CSV_COLUMNS,
  coverageCsvRows,
} from './csv.ts';
import { visitsCalendar } from './calendar.ts';
import { attachment, DOCUMENT_EXTENSIONS, DOCUMENT_MAX_MB } from './files.ts';
import * as S from './schemas.ts';
import type { PeerService } from './service.ts';

const BASE = '/api/v1/peer-challenge';
const TAGS = ['peer-challenge'];
const LICENCE = {
  licences: ['OGL-UK-3.0'],
  attribution: ['The peer challenge programme (this service)'],
};
const NO_ENGAGEMENT = 'No such engagement, or one not published that you may not see';

/** A file sent as base64 in a JSON body; text that is not base64 is refused naming the field. */
function fromBase64(content: string): Buffer {
  const text = content.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
    throw new AppError(400, 'invalid-input', 'The document was not recorded: file.content is not base64.', [
      { field: 'file.content', message: 'is not base64 text' },
    ]);
  return Buffer.from(text, 'base64');
}

export function peerRoutes(app: App, peer: PeerService): void {
  app.get(
    `${BASE}/frameworks`,
    {
      schema: {
        tags: TAGS,
        summary:
          'The peer challenge frameworks (versioned, with components and prompts), engagement kinds, deadline policy and conflict-of-interest rules',
        response: { 200: S.FrameworkList },
      },
    },
    async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return peer.reference();
    },
  );

  const managers = (req: FastifyRequest) => requireRole(req, MANAGER_ROLES);
  app.get(
    `${BASE}/coverage.json`,
    {
      schema: {
        tags: TAGS,
        summary:
          'Coverage (peer challenge managers and administrators): one row per current council with its last corporate peer challenge on-site date, the latest engagement state and due, overdue, not-due or none; flagged and overdue councils first, with the early-warning evidence',
        querystring: S.CoverageQuery,
        response: { 200: S.Coverage, ...problemResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      managers(req);
      noStore(reply);
      return { at: today(), councils: await peer.coverage(req.query) };
    },
  );
  app.get(
    `${BASE}/coverage.csv`,
    {
      schema: {
        tags: TAGS,
        summary: 'Coverage as CSV, one row per current council (peer challenge managers and administrators)',
        querystring: S.CoverageQuery,
        response: {
          200: download('text/csv', 'One row per current council', COVERAGE_CSV_COLUMNS),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (req, reply) => {
      managers(req);
      const rows = await peer.coverage(req.query);
      noStore(reply);
      describedBy(req, reply);
      reply.header('content-disposition', 'attachment; filename="peer-challenge-coverage.csv"');
      reply.type('text/csv; charset=utf-8');
      return reply.send(csvStream(coverageCsvRows(rows), COVERAGE_CSV));
    },
  );
  app.get(
    `${BASE}/coverage.csv-metadata.json`,
    {
      schema: {
        tags: TAGS,
        summary: 'The CSVW metadata of the coverage CSV (the same access)',
        querystring: S.CoverageQuery,
        produces: [CSVM],
        response: { 200: csvwResponse, ...problemResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      managers(req);
      noStore(reply);
      reply.type(CSVM);
      return csvw({
        url: csvUrl(req),
        title: 'Corporate peer challenge coverage',
        description: `Every current council's last corporate peer challenge and whether the next is due, as at ${today()}.`,
        columns: COVERAGE_CSV,
        ...LICENCE,
      });
    },
  );
  app.get(
    `${BASE}/coverage/counts.json`,
    {
      schema: {
        tags: TAGS,
        summary:
          'Coverage counts (public): how many current councils are due, overdue, not due or have no challenge on record',
        response: { 200: S.CoverageCounts },
      },
    },
    async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return peer.counts();
    },
  );
  app.get(
    `${BASE}/pipeline`,
    {
      schema: {
        tags: TAGS,
        summary: 'Open engagements by state with their overdue deadlines (peer challenge managers and administrators)',
        response: { 200: S.Pipeline, ...problemResponses(401, 403) },
      },
    },
    async (req, reply) => {
      managers(req);
      noStore(reply);
      return { at: today(), states: await peer.pipeline() };
    },
  );

  app.get(
    `${BASE}/engagements`,
    {
      schema: {
        tags: TAGS,
        summary:
          'Engagements you may see: managers and administrators every one, council users their council’s (drafts included), peers those they are on, everyone the published ones',
        querystring: S.ListQuery,
        response: { 200: S.EngagementList, ...problemResponses(400) },
      },
    },
    async (req, reply) => {
      noStore(reply);
      return { engagements: await peer.list(req.user, req.query) };
    },
  );
  app.get(
    `${BASE}/engagements/:id`,
    {
      schema: {
        tags: TAGS,
        summary: 'One engagement, cut to what you may see',
        params: S.IdParams,
        response: { 200: S.EngagementSchema, ...problemResponses(400, [404, NO_ENGAGEMENT]) },
      },
    },
    async (req, reply) => {
      noStore(reply);
      return peer.get(req.user, req.params.id);
    },
  );
  app.get(
    `${BASE}/engagements/:id/action-plan.csv`,
    {
      schema: {
        tags: TAGS,
        summary: "The engagement's action plan as CSV, one row per action (for committee papers)",
        params: S.IdParams,
        response: {
          200: download('text/csv', 'One row per action', ACTION_PLAN_CSV_COLUMNS),
          ...problemResponses(400, [404, NO_ENGAGEMENT]),
        },
      },
    },
    async (req, reply) => {
      const v = await peer.get(req.user, req.params.id);
      noStore(reply);
      describedBy(req, reply);
      reply.header('content-disposition', `attachment; filename="action-plan-${v.council.code}-${v.id}.csv"`);
      reply.type('text/csv; charset=utf-8');
      return reply.send(csvStream(actionPlanRows(v), ACTION_PLAN_CSV));
    },
  );
  app.get(
    `${BASE}/engagements/:id/action-plan.csv-metadata.json`,
    {
      schema: {
        tags: TAGS,
        summary: 'The CSVW metadata of the action plan CSV (the same access)',
        params: S.IdParams,
        produces: [CSVM],
        response: { 200: csvwResponse, ...problemResponses(400, [404, NO_ENGAGEMENT]) },
      },
    },
    async (req, reply) => {
      const v = await peer.get(req.user, req.params.id);
      noStore(reply);
      reply.type(CSVM);
      return csvw({
        url: csvUrl(req),
        title: `Action plan: ${v.council.name} (${v.kind.name}, engagement ${v.id})`,
        description:
          'One row per action of the council’s action plan after its peer challenge, with its latest progress update.',
        columns: ACTION_PLAN_CSV,
        ...LICENCE,
      });
    },
  );
  app.get(
    `${BASE}/engagements/:id.ics`,
    {
      schema: {
        tags: TAGS,
        summary: "The engagement's on-site visit as iCalendar (the same access as the engagement)",
        params: S.IdParams,
        response: {
          200: download('text/calendar', 'An all-day event for the visit'),
          ...problemResponses(400, [404, NO_ENGAGEMENT]),
        },
      },
    },
    async (req, reply) => {
      const v = await peer.get(req.user, req.params.id);
      noStore(reply).type('text/calendar; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="peer-challenge-${v.id}.ics"`);
      return visitsCalendar(`${v.kind.name}: ${v.council.name}`, [v], app.publicOrigin());
    },
  );
  app.get(
    `${BASE}/calendar`,
    {
      schema: {
        tags: TAGS,
        summary:
          "A year's on-site weeks: every visit starting in the year by week, with its team (managers and administrators)",
        querystring: S.CalendarQuery,
        response: { 200: S.Calendar, ...problemResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      noStore(reply);
      return peer.onsiteWeeks(req.user, req.query.year);
    },
  );
  app.get(
    `${BASE}/calendar.ics`,
    {
      schema: {
        tags: TAGS,
        summary: "A year's on-site visits as iCalendar (managers and administrators)",
        querystring: S.CalendarQuery,
        response: {
          200: download('text/calendar', 'An all-day event per visit'),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (req, reply) => {
      const c = await peer.onsiteWeeks(req.user, req.query.year);
      noStore(reply).type('text/calendar; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="peer-challenge-visits-${c.year}.ics"`);
      return visitsCalendar(
        `Peer challenge visits ${c.year}`,
        c.weeks.flatMap((w) => w.visits),
        app.publicOrigin(),
      );
    },
  );
  app.get(
    `${BASE}/peers/:id.ics`,
    {
      schema: {
        tags: TAGS,
        summary: "A peer's on-site weeks as iCalendar (managers, administrators, and the peer)",
        params: S.IdParams,
        response: {
          200: download('text/calendar', 'An all-day event per visit'),
          ...problemResponses(400, 401, 403, [404, 'No such peer']),
        },
      },
    },
    async (req, reply) => {
      const r = await peer.peerVisits(req.user, req.params.id);
      noStore(reply).type('text/calendar; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="peer-${req.params.id}-visits.ics"`);
      return visitsCalendar(`Peer challenge visits: ${r.name}`, r.visits, app.publicOrigin());
    },
  );
  app.get(
    `${BASE}/engagements/:id/documents/:document/file`,
    {
      schema: {
        tags: TAGS,
        summary:
          "An uploaded document's file, with its content type (a public document of a published engagement for everyone; a private one for managers, administrators, the council and the team)",
        params: S.DocumentParams,
        response: {
          200: download('application/octet-stream', 'The file as uploaded (PDF or an office format)'),
          304: NotModified,
          ...problemResponses(400, [404, 'No such document file, or one you may not see']),
        },
      },
    },
    async (req, reply) => {
      const f = await peer.documentFile(req.user, req.params.id, req.params.document);
      const etag = `"${f.sha256}"`;
      reply.header('etag', etag);
      reply.header('cache-control', f.cacheable ? 'public, max-age=3600' : 'private, no-store');
      if (req.headers['if-none-match'] === etag) return reply.status(304).send(null);
      reply.header('content-disposition', attachment(f.filename));
      return reply.type(f.content_type).send(f.data);
    },
  );
  app.get(
    `${BASE}/councils/:code`,
    {
      schema: {
        tags: TAGS,
        summary: "A council's peer challenges: published ones for everyone (report, recommendations, action progress)",
        params: S.CodeParams,
        response: { 200: S.CouncilEngagements, ...problemResponses(400, [404, 'No such council']) },
      },
    },
    async (req, reply) => {
      noStore(reply);
      return peer.council(req.user, req.params.code);
    },
  );
  app.get(
    `${BASE}/pool`,
    {
      schema: {
        tags: TAGS,
        summary:
          'The peer pool as contribution: days donated per peer and per home council, and the councils that give peers but have never had a corporate peer challenge (managers and administrators)',
        response: { 200: S.Pool, ...problemResponses(401, 403) },
      },
    },
    async (req, reply) => {
      noStore(reply);
      return peer.pool(req.user);
    },
  );
  app.get(
    `${BASE}/pool.csv`,
    {
      schema: {
        tags: TAGS,
        summary: 'The peer pool by home council as CSV (managers and administrators)',
        response: {
          200: download('text/csv', 'One row per council that gives peers', POOL_CSV_COLUMNS),
          ...problemResponses(401, 403),
        },
      },
    },
    async (req, reply) => {
      const p = await peer.pool(req.user);
      noStore(reply);
      describedBy(req, reply);
      reply.header('content-disposition', 'attachment; filename="peer-pool-by-council.csv"');
      reply.type('text/csv; charset=utf-8');
      return reply.send(csvStream(poolCsvRows(p.councils), POOL_CSV));
    },
  );
  app.get(
    `${BASE}/pool.csv-metadata.json`,
    {
      schema: {
        tags: TAGS,
        summary: 'The CSVW metadata of the peer pool CSV (the same access)',
        produces: [CSVM],
        response: { 200: csvwResponse, ...problemResponses(401, 403) },
      },
    },
    async (req, reply) => {
      await peer.pool(req.user);
      noStore(reply);
      reply.type(CSVM);
      return csvw({
        url: csvUrl(req),
        title: 'Peer challenge pool by home council',
        description: `Days committed and delivered by each council's peers, as at ${today()}.`,
        columns: POOL_CSV,
        ...LICENCE,
      });
    },
  );
  app.get(
    `${BASE}/recommendations`,
    {
      schema: {
        tags: TAGS,
        summary:
          'Search findings and recommendations across published peer challenges (managers and administrators: all) by words, framework component and council type, with counts by component per year',
        querystring: S.SearchQuery,
        response: { 200: S.SearchResults, ...problemResponses(400) },
      },
    },
    async (req, reply) => {
      noStore(reply);
      return peer.searchOutcomes(req.user, req.query);
    },
  );
  app.get(
    `${BASE}/peers`,
    {
      schema: {
        tags: TAGS,
        summary: 'The peer pool (peer challenge managers and administrators)',
        response: { 200: S.PeerList, ...problemResponses(401, 403) },
      },
    },
    async (req, reply) => {
      noStore(reply);
      return { peers: await peer.peers(req.user) };
    },
  );

  app.patch(
    `${BASE}/peers/:id`,
    {
      schema: {
        tags: TAGS,
        summary:
          "Change a peer's availability, accreditation and training, skills, political group, region or active flag (managers, administrators; x-csrf-token header)",
        params: S.IdParams,
        body: S.PeerPatchBody,
        response: { 200: S.Created, ...problemResponses(400, 401, 403, [404, 'No such peer']) },
      },
    },
    async (req, reply) => {
      if (!req.user) requireRole(req, MANAGER_ROLES);
      checkCsrf(req);
      noStore(reply);
      return { id: await peer.updatePeer(req.user, req.params.id, req.body), warnings: [] };
    },
  );

  // Writes: every one signed in, CSRF-checked, and 201 with what was made (and any warnings).
  const writeErrors = problemResponses(
    400,
    401,
    403,
    [404, NO_ENGAGEMENT],
    [409, 'Refused: conflict of interest, a double-booked peer, or the engagement has ended'],
  );
  const write = <B>(
    url: string,
    summary: string,
    body: B,
    params: typeof S.IdParams | typeof S.ActionParams | undefined,
    run: (req: FastifyRequest) => Promise<{ id: number | string; warnings?: string[] }>,
    bodyLimit?: number,
  ) =>
    app.post(
      url,
      {
        ...(bodyLimit ? { bodyLimit } : {}),
        schema: {
          tags: TAGS,
          summary: `${summary} (x-csrf-token header)`,
          body: body as never,
          ...(params ? { params } : {}),
          response: { 201: S.Created, ...writeErrors },
        },
      },
      async (req, reply) => {
        if (!req.user) requireRole(req, MANAGER_ROLES);
        checkCsrf(req);
        const r = await run(req);
        return noStore(reply)
          .status(201)
          .send({ id: r.id, warnings: r.warnings ?? [] });
      },
    );
  type B<T> = FastifyRequest & { body: T; params: { id: number; action: number } };
  const idOf = (req: FastifyRequest) => (req.params as { id: number }).id;
  write(
    `${BASE}/engagements`,
    'Commission an engagement (managers, administrators)',
    S.NewEngagementBody,
    undefined,
    async (req) => ({
      id: await peer.create(req.user, (req as B<S.NewEngagementT>).body),
    }),
  );
  write(
    `${BASE}/engagements/:id/steps`,
    'Move an engagement to its next state, dated (managers, administrators)',
    S.StepBody,
    S.IdParams,
    async (req) => {
      await peer.step(req.user, idOf(req), (req as B<S.StepT>).body);
      return { id: idOf(req) };
    },
  );
  write(
    `${BASE}/engagements/:id/team`,
    'Add a peer to the team: conflicts and double bookings refused, one-party member teams warned (managers, administrators)',
    S.TeamBody,
    S.IdParams,
    async (req) => {
      const body = (req as B<S.TeamT>).body;
      const r = await peer.addTeamMember(req.user, idOf(req), body);
      return { id: body.peerId, warnings: r.warnings };
    },
  );
  write(
    `${BASE}/engagements/:id/findings`,
    'Record a finding against a framework component (the team, managers)',
    S.FindingBody,
    S.IdParams,
    async (req) => ({
      id: await peer.addFinding(req.user, idOf(req), (req as B<S.FindingT>).body),
    }),
  );
  write(
    `${BASE}/engagements/:id/recommendations`,
    'Record a recommendation; answers its stable id (the team, managers)',
    S.RecommendationBody,
    S.IdParams,
    async (req) => ({
      id: await peer.addRecommendation(req.user, idOf(req), (req as B<S.RecommendationT>).body),
    }),
  );
  write(
    `${BASE}/engagements/:id/actions`,
    "Add an action to the council's action plan (the council, managers)",
    S.ActionBody,
    S.IdParams,
    async (req) => ({
      id: await peer.addAction(req.user, idOf(req), (req as B<S.ActionT>).body),
    }),
  );
  write(
    `${BASE}/engagements/:id/actions/:action/updates`,
    'Record a dated progress update of an action (the council, managers)',
    S.ActionUpdateBody,
    S.ActionParams,
    async (req) => {
      const r = req as B<S.ActionUpdateT>;
      await peer.updateAction(req.user, r.params.id, r.params.action, r.body);
      return { id: r.params.action };
    },
  );
  write(
    `${BASE}/engagements/:id/documents`,
    `Add a document, a link or an uploaded file (${DOCUMENT_EXTENSIONS.map((x) => `.${x}`).join(', ')}; at most ${DOCUMENT_MAX_MB} MB, base64), with its publication date and public flag (managers, administrators)`,
    S.DocumentBody,
    S.IdParams,
    async (req) => {
      const { file, ...body } = (req as B<S.DocumentT>).body;
      return {
        id: await peer.addDocument(req.user, idOf(req), {
          ...body,
          file: file && { filename: file.name, data: fromBase64(file.content) },
        }),
      };
    },
    S.DOCUMENT_BODY_LIMIT,
  );
  write(
    `${BASE}/engagements/:id/focus-areas`,
    'Add a local focus area to the framework for this engagement, before the feedback is presented (the council, managers); findings and recommendations may then name focus:NAME',
    S.FocusAreaBody,
    S.IdParams,
    async (req) => ({
      id: await peer.addFocusArea(req.user, idOf(req), (req as B<S.FocusAreaT>).body),
    }),
  );
  write(`${BASE}/kinds`, 'Add an engagement kind (managers, administrators)', S.KindBody, undefined, async (req) => ({
    id: await peer.addKind(req.user, (req as B<S.KindT>).body),
  }));
  write(
    `${BASE}/deadlines`,
    'Set a deadline policy from a date: the policy in force closes the day before, so visits ending earlier keep theirs (managers, administrators)',
    S.DeadlineBody,
    undefined,
    async (req) => ({ id: await peer.addDeadline(req.user, (req as B<S.DeadlineT>).body) }),
  );
  write(`${BASE}/peers`, 'Add a peer to the pool (managers, administrators)', S.PeerBody, undefined, async (req) => ({
    id: await peer.addPeer(req.user, (req as B<S.PeerT>).body),
  }));
  write(
    `${BASE}/partnerships`,
    'Record a shared chief executive or shared-service partnership (managers, administrators)',
    S.PartnershipBody,
    undefined,
    async (req) => {
      await peer.addPartnership(req.user, (req as B<S.PartnershipT>).body);
      return { id: 0 };
    },
  );
}
