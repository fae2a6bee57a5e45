import type { App } from '../../platform/app-types.ts';
import { csvStream } from '../../platform/csv.ts';
import { CSVM, csvUrl, csvwResponse, describedBy } from '../../platform/csvw.ts';
import { problemResponses } from '../../platform/errors.ts';
import { conditional, download, NotModified } from '../../platform/http.ts';
import { checkCsrf, requireRole, ANALYST_ROLES as ANALYSTS } from '../accounts/index.ts';
import {
  Annotation,
  AnnotationBody,
  BasketList,
  DirectionQuery,
  DirectionReport,
  EarlyWarningQuery,
  EarlyWarningResults,
  EveryCouncilQuery,
  EveryCouncilReport,
  FlagParams,
  RuleSetList,
  ScreeningQuery,
  ScreeningRun,
} from './schemas.ts';
import type { EarlyWarning } from './early-warning.ts';
import type { SectorService } from './service.ts';
import {
  DIRECTION_CSV,
  DIRECTION_CSV_COLUMNS,
  EVERY_COUNCIL_CSV,
  EVERY_COUNCIL_CSV_COLUMNS,
  everyCouncilCsvRows,
  directionCsvRows,
  sectorCsvw,
} from './csv.ts';

const directionErrors = problemResponses(400, [404, 'No such basket, or none loaded']);
const screeningErrors = problemResponses(400, 401, 403, [404, 'No such rule set, or none loaded']);

export function sectorRoutes(
  app: App,
  sector: SectorService,
  earlyWarning: EarlyWarning,
  lastPublished: () => Promise<string | null>,
): void {
  app.get(
    '/api/v1/sector/rules',
    {
      schema: {
        tags: ['sector'],
        summary:
          'Early-warning rule sets: every rule with its plain-English statement and parameters (public; screening results are not)',
        response: { 200: RuleSetList },
      },
    },
    async () => ({ ruleSets: await earlyWarning.ruleSets() }),
  );

  app.get(
    '/api/v1/sector/baskets',
    {
      schema: {
        tags: ['sector'],
        summary: 'Baskets of key metrics (named, versioned), with why each metric is in',
        response: { 200: BasketList },
      },
    },
    async () => ({
      baskets: await sector.baskets(),
    }),
  );

  app.get(
    '/api/v1/sector/direction-of-travel.json',
    {
      schema: {
        tags: ['sector'],
        summary:
          'Direction of travel of a basket: every metric with baseline and latest period and value, change, classification and reason; counts by service area; methodology',
        querystring: DirectionQuery,
        response: { 200: DirectionReport, 304: NotModified, ...directionErrors },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await lastPublished())) return reply;
      sector.parseArea(req.query.area);
      return sector.directionOfTravel(req.query);
    },
  );

  app.get(
    '/api/v1/sector/direction-of-travel/councils.json',
    {
      schema: {
        tags: ['sector'],
        summary:
          'Direction of travel of a basket for every current council against its own baseline: counts per council and by service area (with clustering flags), and per metric how many councils improved or worsened',
        querystring: EveryCouncilQuery,
        response: { 200: EveryCouncilReport, 304: NotModified, ...directionErrors },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await lastPublished())) return reply;
      return sector.directionForEveryCouncil(req.query);
    },
  );

  app.get(
    '/api/v1/sector/direction-of-travel/councils.csv',
    {
      schema: {
        tags: ['sector'],
        summary: 'The same as CSV, one row per council',
        querystring: EveryCouncilQuery,
        response: {
          200: download('text/csv', 'One row per council', EVERY_COUNCIL_CSV_COLUMNS),
          304: NotModified,
          ...directionErrors,
        },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await lastPublished())) return reply;
      const r = await sector.directionForEveryCouncil(req.query);
      describedBy(req, reply)
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="direction-of-travel-councils-${r.basket.id}-${r.basket.version}.csv"`,
        );
      return reply.send(csvStream(everyCouncilCsvRows(r), EVERY_COUNCIL_CSV));
    },
  );
  app.get(
    '/api/v1/sector/direction-of-travel/councils.csv-metadata.json',
    {
      schema: {
        tags: ['sector'],
        summary: "The CSVW metadata of the every-council CSV: its columns, licence and the basket's caveats",
        querystring: EveryCouncilQuery,
        produces: [CSVM],
        response: { 200: csvwResponse, 304: NotModified, ...directionErrors },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await lastPublished())) return reply;
      const r = await sector.directionForEveryCouncil(req.query);
      reply.type(CSVM);
      return sectorCsvw(r, await sector.metricsOf(r.metrics.map((m) => m.id)), {
        url: csvUrl(req),
        title: `Direction of travel of every council: ${r.basket.name} (${r.basket.id}, version ${r.basket.version})`,
        description:
          "One row per current council: how many of the basket's metrics improved, stayed the same or worsened against its own baseline, and the service areas where worsening clusters.",
        columns: EVERY_COUNCIL_CSV,
      });
    },
  );

  app.get(
    '/api/v1/sector/direction-of-travel.csv',
    {
      schema: {
        tags: ['sector'],
        summary: 'The same as CSV, one row per metric',
        querystring: DirectionQuery,
        response: {
          200: download('text/csv', 'One row per metric', DIRECTION_CSV_COLUMNS),
          304: NotModified,
          ...directionErrors,
        },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await lastPublished())) return reply;
      sector.parseArea(req.query.area);
      const r = await sector.directionOfTravel(req.query);
      describedBy(req, reply).header(
        'content-disposition',
        `attachment; filename="direction-of-travel-${r.basket.id}-${r.area?.code ?? 'england'}.csv"`,
      );
      reply.type('text/csv; charset=utf-8');
      return reply.send(csvStream(directionCsvRows(r), DIRECTION_CSV));
    },
  );
  app.get(
    '/api/v1/sector/direction-of-travel.csv-metadata.json',
    {
      schema: {
        tags: ['sector'],
        summary:
          "The CSVW metadata of the direction-of-travel CSV: its columns, licence, attribution and the metrics' caveats",
        querystring: DirectionQuery,
        produces: [CSVM],
        response: { 200: csvwResponse, 304: NotModified, ...directionErrors },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await lastPublished())) return reply;
      sector.parseArea(req.query.area);
      const r = await sector.directionOfTravel(req.query);
      reply.type(CSVM);
      return sectorCsvw(r, await sector.metricsOf(r.metrics.map((m) => m.metric.id)), {
        url: csvUrl(req),
        title: `Direction of travel of ${r.area?.name ?? 'England'}: ${r.basket.name} (${r.basket.id}, version ${r.basket.version})`,
        description:
          'One row per metric of the basket: baseline and latest figures, the change, its classification and the reason.',
        columns: DIRECTION_CSV,
      });
    },
  );

  // Screening results: analysts and administrators only. Writes with a session cookie carry the x-csrf-token header
  // (the token is in GET /api/v1/me).
  app.get(
    '/api/v1/sector/early-warning.json',
    {
      schema: {
        tags: ['sector'],
        summary:
          'Early-warning screening results (analysts and administrators): ' +
          'the latest run and the flags with their evidence, dates and annotations',
        querystring: EarlyWarningQuery,
        response: { 200: EarlyWarningResults, ...screeningErrors },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      reply.header('cache-control', 'private, no-store');
      return earlyWarning.results(req.query);
    },
  );

  app.post(
    '/api/v1/sector/early-warning/runs',
    {
      schema: {
        tags: ['sector'],
        summary: 'Screen every council now against a rule set (analysts and administrators; x-csrf-token header)',
        querystring: ScreeningQuery,
        response: { 201: ScreeningRun, ...screeningErrors },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      checkCsrf(req);
      const r = await earlyWarning.screen(req.query.rules);
      return reply
        .status(201)
        .send({ runId: r.runId, runAt: r.runAt, councils: r.councils, rules: r.rules, flagged: r.results.length });
    },
  );

  app.post(
    '/api/v1/sector/early-warning/flags/:id/annotations',
    {
      schema: {
        tags: ['sector'],
        summary: 'Annotate a flag, e.g. "support offered" (analysts and administrators; x-csrf-token header)',
        params: FlagParams,
        body: AnnotationBody,
        response: { 201: Annotation, ...problemResponses(400, 401, 403, [404, 'No such flag']) },
      },
    },
    async (req, reply) => {
      const user = requireRole(req, ANALYSTS);
      checkCsrf(req);
      await earlyWarning.annotate(req.params.id, { id: user.id, name: user.name }, req.body.text);
      return reply.status(201).send({ flag: req.params.id, author: user.name, text: req.body.text.trim() });
    },
  );
}
