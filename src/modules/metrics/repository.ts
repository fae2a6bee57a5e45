import { sql, type Selectable } from 'kysely';
import type { Db } from '../../platform/db.ts';
import { parseDerivation } from './derivation.ts';
import type { MetricsTable } from './tables.ts';
import type { Metric, MetricCategory, Polarity, StatisticsStatus, TopicId, UnitType } from './types.ts';

export interface MetricCoverageRow {
  metric_id: number;
  first_iso: string | null;
  last_iso: string | null;
  n_periods: number;
}

export type MetricRow = Selectable<MetricsTable>;

/**
 * A period a metric has data for, with its coverage (areas with a row, areas with a value) and England's own figure as
 * kept beside it (status null: England has none). Periods keep their stored field names wherever they travel.
 */
export interface PeriodCoverage {
  metric_id: number;
  id: number;
  iso: string;
  label: string;
  type: string;
  start_date: string;
  end_date: string;
  n_areas: number;
  n_values: number;
  england_value: number | null;
  england_status: string | null;
  /** The note of England's figure: "Computed by this platform, …" when the publisher gives none (isComputedNote). */
  england_note: string | null;
}

/**
 * Named mapper from a catalogue row to the domain's Metric: the one place the area types are parsed and the
 * vocabulary (validated when the metric was imported) is typed.
 */
export function toMetric(r: MetricRow): Metric {
  return {
    id: r.id,
    code: r.code,
    slug: r.slug,
    title: r.title,
    shortTitle: r.short_title,
    description: r.description,
    definition: r.definition,
    caveats: r.caveats,
    topic: r.topic_id as TopicId | null,
    subtopic: r.subtopic,
    unit: r.unit,
    unitType: r.unit_type as UnitType,
    decimalPlaces: r.decimal_places,
    multiplier: r.multiplier,
    polarity: r.polarity as Polarity,
    periodType: r.period_type,
    applicableAreaTypes: JSON.parse(r.applicable_area_types) as string[],
    source: { publisher: r.source_publisher, url: r.source_url, licence: r.licence, attribution: r.attribution },
    statisticsStatus: r.statistics_status as StatisticsStatus,
    numeratorLabel: r.numerator_label,
    denominatorLabel: r.denominator_label,
    calculation: r.calculation,
    derivation: parseDerivation(r.derivation),
    releasedAt: r.released_at,
    nextReleaseAt: r.next_release_at,
    categories: r.categories === null ? null : (JSON.parse(r.categories) as MetricCategory[]),
    updatedAt: r.updated_at,
  };
}
const toMetrics = (rows: MetricRow[]): Metric[] => rows.map(toMetric);

/** All SQL of the metrics catalogue; metrics come back as domain objects (toMetric). */
export function createMetricsRepository(db: Db) {
  const k = db.kysely;
  /** Periods with data, oldest first per metric, with the number of areas and of figures and England's own figure. */
  const periods = () =>
    k
      .selectFrom('metric_periods as mp')
      .innerJoin('periods as p', 'p.id', 'mp.period_id')
      .select([
        'mp.metric_id',
        'mp.n_areas',
        'mp.n_values',
        'mp.england_value',
        'mp.england_status',
        'mp.england_note',
        'p.id',
        'p.iso',
        'p.label',
        'p.type',
        'p.start_date',
        'p.end_date',
      ])
      .orderBy('mp.metric_id')
      .orderBy('p.start_date')
      .orderBy('p.end_date');
  return {
    listTopics: () => k.selectFrom('topics').selectAll().orderBy('sort_order').execute(),

    /** Every published metric that has data: its id, title and service area only (the compare form's choices). */
    choices: () =>
      k
        .selectFrom('metrics as m')
        .select(['m.code', 'm.title', 'm.topic_id'])
        .where((eb) =>
          eb.exists(eb.selectFrom('metric_periods as mp').select('mp.metric_id').whereRef('mp.metric_id', '=', 'm.id')),
        )
        .orderBy('m.topic_id')
        .orderBy('m.title')
        .execute(),

    list: (f: { topic?: string | undefined; q?: string | undefined; limit: number; offset: number }) => {
      let q = k.selectFrom('metrics').selectAll();
      if (f.topic) q = q.where('topic_id', '=', f.topic);
      if (f.q) {
        const like = `%${f.q.toLowerCase()}%`;
        q = q.where((eb) =>
          eb.or([
            eb(eb.fn('lower', ['title']), 'like', like),
            eb(eb.fn('lower', ['code']), 'like', like),
            eb(eb.fn('lower', ['description']), 'like', like),
          ]),
        );
      }
      return q.orderBy('topic_id').orderBy('title').limit(f.limit).offset(f.offset).execute().then(toMetrics);
    },

    count: async (f: { topic?: string | undefined; q?: string | undefined }) => {
      let q = k.selectFrom('metrics').select((eb) => eb.fn.countAll<number>().as('n'));
      if (f.topic) q = q.where('topic_id', '=', f.topic);
      if (f.q) {
        const like = `%${f.q.toLowerCase()}%`;
        q = q.where((eb) =>
          eb.or([
            eb(eb.fn('lower', ['title']), 'like', like),
            eb(eb.fn('lower', ['code']), 'like', like),
            eb(eb.fn('lower', ['description']), 'like', like),
          ]),
        );
      }
      return Number((await q.executeTakeFirstOrThrow()).n);
    },

    categoricalWithData: (): Promise<Metric[]> =>
      k
        .selectFrom('metrics as m')
        .selectAll('m')
        .where('m.unit_type', '=', 'category')
        .where((eb) =>
          eb.exists(eb.selectFrom('metric_periods as mp').select('mp.metric_id').whereRef('mp.metric_id', '=', 'm.id')),
        )
        .orderBy('m.code')
        .execute()
        .then(toMetrics),

    byCodeOrSlug: async (id: string): Promise<Metric | undefined> => {
      const row = await k
        .selectFrom('metrics')
        .selectAll()
        .where((eb) => eb.or([eb('code', '=', id), eb('slug', '=', id)]))
        .executeTakeFirst();
      return row && toMetric(row);
    },

    byOldSlug: (slug: string) =>
      k
        .selectFrom('metric_slugs')
        .innerJoin('metrics', 'metrics.id', 'metric_slugs.metric_id')
        .select('metrics.code')
        .where('metric_slugs.slug', '=', slug)
        .executeTakeFirst(),

    byCodes: (codes: string[]): Promise<Metric[]> =>
      codes.length === 0
        ? Promise.resolve([])
        : k
            .selectFrom('metrics')
            .selectAll()
            .where((eb) => eb.or([eb('code', 'in', codes), eb('slug', 'in', codes)]))
            .execute()
            .then(toMetrics),

    /** Periods with data for metrics, oldest first, with the number of areas. */
    periodsOf: (metricIds: number[]): Promise<PeriodCoverage[]> =>
      metricIds.length === 0 ? Promise.resolve([]) : periods().where('mp.metric_id', 'in', metricIds).execute(),

    /**
     * The same for metrics named by their codes (as baskets name them), without waiting for their ids: one round trip
     * fewer. Codes only: with slugs too, PostgreSQL's planner scans the whole coverage table (measured: 6 ms, not 0.8).
     */
    periodsOfCodes: (codes: string[]): Promise<PeriodCoverage[]> =>
      codes.length === 0
        ? Promise.resolve([])
        : periods().innerJoin('metrics as m', 'm.id', 'mp.metric_id').where('m.code', 'in', codes).execute(),

    /** Metrics by code only (baskets name metrics by code), over the code index. */
    byExactCodes: (codes: string[]): Promise<Metric[]> =>
      codes.length === 0
        ? Promise.resolve([])
        : k.selectFrom('metrics').selectAll().where('code', 'in', codes).execute().then(toMetrics),

    /** First and last period per metric (for the catalogue). */
    coverage: (metricIds: number[]) =>
      metricIds.length === 0
        ? Promise.resolve([] as MetricCoverageRow[])
        : (k
            .selectFrom('metric_periods as mp')
            .innerJoin('periods as p', 'p.id', 'mp.period_id')
            .select([
              'mp.metric_id',
              sql<string>`min(p.start_date || ' ' || p.iso)`.as('first_iso'),
              sql<string>`max(p.end_date || ' ' || p.iso)`.as('last_iso'),
              (eb) => eb.fn.countAll<number>().as('n_periods'),
            ])
            .where('mp.metric_id', 'in', metricIds)
            .groupBy('mp.metric_id')
            .execute() as Promise<MetricCoverageRow[]>),

    periodsByIso: (isos: string[]) =>
      isos.length === 0 ? Promise.resolve([]) : k.selectFrom('periods').selectAll().where('iso', 'in', isos).execute(),
  };
}
export type MetricsRepository = ReturnType<typeof createMetricsRepository>;
