import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { App } from '../../platform/app-types.ts';
import { problemResponses } from '../../platform/errors.ts';
import { conditional, download, NotModified } from '../../platform/http.ts';
import { checkCsrf, requireRole } from '../accounts/index.ts';
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

type Report = Awaited<ReturnType<SectorService['directionOfTravel']>>;

export const DIRECTION_CSV_COLUMNS = [
  'basket',
  'basket_version',
  'area',
  'theme',
  'metric',
  'metric_title',
  'polarity',
  'baseline_period',
  'baseline_label',
  'baseline_value',
  'baseline_source',
  'latest_period',
  'latest_label',
  'latest_value',
  'latest_source',
  'change',
  'relative_change',
  'classification',
  'reason',
  'group',
  'group_improved',
  'group_no_change',
  'group_worsened',
  'relative_to_group',
  'unit',
  'notes',
] as const;

type EveryCouncil = Awaited<ReturnType<SectorService['directionForEveryCouncil']>>;

export const EVERY_COUNCIL_CSV_COLUMNS = [
  'basket',
  'basket_version',
  'area',
  'area_name',
  'area_type',
  'metrics',
  'classified',
  'improved',
  'no_change',
  'worsened',
  'no_polarity',
  'not_comparable',
  'no_data',
  'flagged_service_areas',
] as const;

export function everyCouncilCsvRows(r: EveryCouncil): (string | number | null)[][] {
  return r.councils.map((c) => {
    const o = c.summary.overall;
    return [
      r.basket.id,
      r.basket.version,
      c.code,
      c.name,
      c.type,
      o.metrics,
      o.classified,
      o.improved,
      o.noChange,
      o.worsened,
      o.noPolarity,
      o.notComparable,
      o.noData,
      c.summary.byTheme
        .filter((t) => t.flagged)
        .map((t) => t.title)
        .join('; ') || null,
    ];
  });
}

export function directionCsvRows(r: Report): (string | number | null)[][] {
  return r.metrics.map((m) => [
    r.basket.id,
    r.basket.version,
    r.area?.code ?? 'E92000001',
    m.theme,
    m.metric.id,
    m.metric.title,
    m.metric.polarity,
    m.baseline?.period ?? null,
    m.baseline?.label ?? null,
    m.baseline?.value ?? null,
    m.baseline?.source ?? null,
    m.latest?.period ?? null,
    m.latest?.label ?? null,
    m.latest?.value ?? null,
    m.latest?.source ?? null,
    m.change,
    m.relativeChange,
    m.classification,
    m.reason,
    m.group?.id ?? null,
    m.group?.improved ?? null,
    m.group?.noChange ?? null,
    m.group?.worsened ?? null,
    m.group?.relativeToGroup ?? null,
    m.metric.unit,
    [m.baseline?.note, m.latest?.note, m.baseline?.method, m.latest?.method].filter((x) => !!x).join('; ') || null,
  ]);
}

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
      reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="direction-of-travel-councils-${r.basket.id}-${r.basket.version}.csv"`,
        );
      return reply.send(
        Readable.from(everyCouncilCsvRows(r)).pipe(
          stringify({ header: true, columns: [...EVERY_COUNCIL_CSV_COLUMNS] }),
        ),
      );
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
      reply.header(
        'content-disposition',
        `attachment; filename="direction-of-travel-${r.basket.id}-${r.area?.code ?? 'england'}.csv"`,
      );
      reply.type('text/csv; charset=utf-8');
      return reply.send(
        Readable.from(directionCsvRows(r)).pipe(stringify({ header: true, columns: [...DIRECTION_CSV_COLUMNS] })),
      );
    },
  );

  // Screening results: analysts and administrators only. Writes with a session cookie carry the x-csrf-token header
  // (the token is in GET /api/v1/me).
  const ANALYSTS = ['analyst', 'admin'] as const;
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
