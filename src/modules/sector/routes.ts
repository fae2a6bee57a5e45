import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { App } from '../../platform/app.ts';
import { conditional } from '../../platform/http.ts';
import { BasketList, DirectionQuery, DirectionReport, RuleSetList } from './schemas.ts';
import type { EarlyWarning } from './early-warning.ts';
import type { SectorService } from './service.ts';

type Report = Awaited<ReturnType<SectorService['directionOfTravel']>>;

export const DIRECTION_CSV_COLUMNS = [
  'basket', 'basket_version', 'area', 'theme', 'metric', 'metric_title', 'polarity', 'baseline_period', 'baseline_label', 'baseline_value',
  'baseline_source', 'latest_period', 'latest_label', 'latest_value', 'latest_source', 'change', 'relative_change', 'classification', 'reason',
  'group', 'group_improved', 'group_no_change', 'group_worsened', 'relative_to_group', 'unit', 'notes',
] as const;

export function directionCsvRows(r: Report): (string | number | null)[][] {
  return r.metrics.map((m) => [
    r.basket.id, r.basket.version, r.area?.code ?? 'E92000001', m.theme, m.metric.id, m.metric.title, m.metric.polarity,
    m.baseline?.period ?? null, m.baseline?.label ?? null, m.baseline?.value ?? null, m.baseline?.source ?? null,
    m.latest?.period ?? null, m.latest?.label ?? null, m.latest?.value ?? null, m.latest?.source ?? null,
    m.change, m.relativeChange, m.classification, m.reason,
    m.group?.id ?? null, m.group?.improved ?? null, m.group?.noChange ?? null, m.group?.worsened ?? null, m.group?.relativeToGroup ?? null,
    m.metric.unit, [m.baseline?.note, m.latest?.note, m.baseline?.method, m.latest?.method].filter((x) => !!x).join('; ') || null,
  ]);
}

export function sectorRoutes(app: App, sector: SectorService, earlyWarning: EarlyWarning, lastPublished: () => Promise<string | null>): void {
  app.get(
    '/api/v1/sector/rules',
    { schema: { tags: ['sector'], summary: 'Early-warning rule sets: every rule with its plain-English statement and parameters (public; screening results are not)', response: { 200: RuleSetList } } },
    async () => ({ ruleSets: await earlyWarning.ruleSets() }),
  );

  app.get('/api/v1/sector/baskets', { schema: { tags: ['sector'], summary: 'Baskets of key metrics (named, versioned), with why each metric is in', response: { 200: BasketList } } }, async () => ({
    baskets: await sector.baskets(),
  }));

  app.get(
    '/api/v1/sector/direction-of-travel.json',
    {
      schema: {
        tags: ['sector'],
        summary: 'Direction of travel of a basket: every metric with baseline and latest period and value, change, classification and reason; counts by service area; methodology',
        querystring: DirectionQuery,
        response: { 200: DirectionReport },
      },
    },
    async (req, reply) => {
      if (await conditional(req, reply, await lastPublished())) return reply;
      sector.parseArea(req.query.area);
      return sector.directionOfTravel(req.query);
    },
  );

  app.get(
    '/api/v1/sector/direction-of-travel.csv',
    { schema: { tags: ['sector'], summary: 'The same as CSV, one row per metric', querystring: DirectionQuery, produces: ['text/csv'] } },
    async (req, reply) => {
      if (await conditional(req, reply, await lastPublished())) return reply;
      sector.parseArea(req.query.area);
      const r = await sector.directionOfTravel(req.query);
      reply.header('content-disposition', `attachment; filename="direction-of-travel-${r.basket.id}-${r.area?.code ?? 'england'}.csv"`);
      reply.type('text/csv; charset=utf-8');
      return reply.send(Readable.from(directionCsvRows(r)).pipe(stringify({ header: true, columns: [...DIRECTION_CSV_COLUMNS] })));
    },
  );
}
