import { Type, type Static } from '@sinclair/typebox';

export const Source = Type.Object({
  publisher: Type.String(),
  url: Type.Union([Type.String(), Type.Null()]),
  licence: Type.String(),
  attribution: Type.Union([Type.String(), Type.Null()]),
});

export const PeriodRef = Type.Object({
  period: Type.String({ description: 'ISO 8601 interval, e.g. 2023-04-01/P1Y' }),
  label: Type.String({ description: 'Readable label, e.g. 2023/24' }),
});

export const Category = Type.Object(
  {
    code: Type.String(),
    label: Type.String(),
    position: Type.Integer({ description: 'The value an observation of this category stores (1-based)' }),
  },
  { description: "One category of a categorical metric, in the metric's order" },
);

export const Metric = Type.Object({
  id: Type.String({ description: 'Stable metric id' }),
  slug: Type.String(),
  title: Type.String(),
  shortTitle: Type.Union([Type.String(), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  definition: Type.Union([Type.String(), Type.Null()]),
  caveats: Type.Union([Type.String(), Type.Null()]),
  topic: Type.Union([Type.String(), Type.Null()]),
  subtopic: Type.Union([Type.String(), Type.Null()]),
  unit: Type.String(),
  unitType: Type.String(),
  decimalPlaces: Type.Integer(),
  multiplier: Type.Number(),
  polarity: Type.Union([
    Type.Literal('higher-is-better'),
    Type.Literal('lower-is-better'),
    Type.Literal('not-applicable'),
  ]),
  periodType: Type.String(),
  applicableAreaTypes: Type.Array(Type.String()),
  source: Source,
  statisticsStatus: Type.String(),
  numeratorLabel: Type.Union([Type.String(), Type.Null()]),
  denominatorLabel: Type.Union([Type.String(), Type.Null()]),
  releasedAt: Type.Union([Type.String(), Type.Null()]),
  nextReleaseAt: Type.Union([Type.String(), Type.Null()]),
  categories: Type.Union([Type.Array(Category), Type.Null()], {
    description:
      'A categorical metric (unitType category): its ordered categories. An observation stores the position and is shown ' +
      'by its label; polarity lower-is-better means the first category is the best. Never averaged. Null for a numeric metric.',
  }),
  earliestPeriod: Type.Union([PeriodRef, Type.Null()]),
  latestPeriod: Type.Union([PeriodRef, Type.Null()]),
  periodCount: Type.Integer(),
  updatedAt: Type.String(),
});
export type MetricDto = Static<typeof Metric>;

export const MetricPeriod = Type.Object({
  period: Type.String(),
  label: Type.String(),
  type: Type.String(),
  start: Type.String(),
  end: Type.String(),
  areas: Type.Integer({ description: 'Areas with a row for this period' }),
  values: Type.Integer({ description: 'Areas with a value (not a marker) for this period' }),
});

export const DraftPreview = Type.Object(
  {
    importId: Type.Integer(),
    status: Type.Union([Type.Literal('new'), Type.Literal('changed'), Type.Literal('unchanged')], {
      description: 'What the draft does to this metric: adds it, changes its definition, or leaves it as it is',
    }),
  },
  { description: 'Present only with ?draft=N (analysts): the draft import whose definition this is' },
);

export const MetricDetail = Type.Composite(
  [Metric, Type.Object({ periods: Type.Array(MetricPeriod), draft: Type.Optional(DraftPreview) })],
  { description: 'The metric with its definition, source, licence and the periods it has data for' },
);

export const MetricParams = Type.Object({ id: Type.String({ maxLength: 200, description: 'Metric id or slug' }) });

export const MetricQuery = Type.Object(
  {
    draft: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'Analysts and administrators: the definition as this draft import would make it (published periods only)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Topic = Type.Object({ id: Type.String(), title: Type.String(), description: Type.String() });
export const TopicList = Type.Object({ topics: Type.Array(Topic) }, { description: 'The service areas' });

export const MetricListQuery = Type.Object(
  {
    topic: Type.Optional(Type.String({ description: 'Service area (board theme) id' })),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Words in the title, id or description' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
export type MetricListQueryT = Static<typeof MetricListQuery>;

export const MetricList = Type.Object(
  {
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
    topics: Type.Array(Topic),
    metrics: Type.Array(Metric),
  },
  { description: 'One page of the catalogue, with the service areas' },
);
