import { CategorySchema, MetricSourceSchema } from '../metrics/index.ts';
import { Nullable } from '../../platform/schema.ts';
import { Type, type Static } from '@sinclair/typebox';
import { GroupSummary } from '../groups/index.ts';
import { FigureSourceSchema } from '../areas/index.ts';

const Num = Nullable(Type.Number());

export const CompareQuery = Type.Object(
  {
    metric: Type.String({ minLength: 1, maxLength: 200, description: 'Metric id' }),
    area: Type.String({ minLength: 1, maxLength: 20, description: 'GSS code of the council to compare' }),
    group: Type.String({ minLength: 1, maxLength: 200, description: 'Group id (see /api/v1/groups?area=CODE)' }),
    period: Type.Optional(
      Type.String({
        maxLength: 100,
        description: 'One period: latest (default), a label such as 2023/24, or an ISO period',
      }),
    ),
    window: Type.Optional(
      Type.Integer({
        minimum: 2,
        maximum: 20,
        description: 'Periods in the trend window, the chosen one included (default 5)',
      }),
    ),
    at: Type.Optional(
      Type.String({
        pattern: '^\\d{4}-\\d{2}-\\d{2}$',
        description: 'Group membership as at this date (default: the end of the period, or today)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CompareQueryT = Static<typeof CompareQuery>;

export const Direction = Type.Object({
  direction: Type.Union([
    Type.Literal('improving'),
    Type.Literal('worsening'),
    Type.Literal('no-change'),
    Type.Literal('increasing'),
    Type.Literal('decreasing'),
    Type.Literal('not-comparable'),
  ]),
  from: Type.String(),
  to: Type.String(),
  change: Num,
  relativeChange: Num,
  reason: Type.String(),
  rule: Type.String({
    description: 'intervals (overlapping confidence intervals), tolerance (relative change) or none',
  }),
});

export const Statistics = Type.Object({
  n: Type.Integer({ description: 'Councils compared (the council and the group)' }),
  notApplicable: Type.Integer({
    description: 'Excluded: the measure does not apply to them (status z or another tier)',
  }),
  countWithData: Type.Integer(),
  noData: Type.Integer({
    description: 'The measure applies but there is no value (not available, suppressed, not submitted)',
  }),
  mean: Num,
  weightedMean: Num,
  weightedMeanMethod: Nullable(Type.String()),
  median: Num,
  q1: Num,
  q3: Num,
  min: Num,
  max: Num,
  scaledMad: Num,
  methods: Type.Object({
    quartiles: Type.String(),
    rank: Type.String(),
    distance: Type.String(),
    significance: Type.String(),
    membership: Type.Optional(
      Type.String({
        description: "Whose figures are ranked: the group's members as at a date, and how codes are read",
      }),
    ),
  }),
});

const Categories = Type.Array(Type.Object({ code: Type.String(), label: Type.String() }), {
  description: 'A categorical measure: its ordered categories (the value is the 1-based position)',
});

export const CategoryDistribution = Type.Object(
  {
    counts: Type.Array(Type.Composite([CategorySchema, Type.Object({ count: Type.Integer() })]), {
      description: 'Councils compared with a judgement, per category, best first',
    }),
    of: Type.Integer({ description: 'Councils with a judgement: the base of the counts' }),
    better: Nullable(
      Type.Object({
        label: Type.String({ description: 'e.g. "Good or better": the better half of the ordered scale' }),
        count: Type.Integer(),
        method: Type.String(),
      }),
    ),
    asAt: Type.String({ description: "Each council's latest judgement published on or before this date" }),
    method: Type.String(),
  },
  { description: 'A categorical measure only: the group as counts per category, never an average' },
);

export const MemberResult = Type.Object({
  code: Type.String(),
  name: Type.String(),
  category: Type.Optional(
    Nullable(
      Type.Object(
        { code: Type.String(), label: Type.String(), period: Type.String(), periodLabel: Type.String() },
        { description: "A categorical measure: the council's latest judgement and when it was published" },
      ),
    ),
  ),
  type: Type.String(),
  isFocus: Type.Boolean(),
  value: Num,
  status: Type.Array(Type.String()),
  lci: Num,
  uci: Num,
  numerator: Num,
  denominator: Num,
  note: Nullable(Type.String()),
  rank: Nullable(Type.Integer({ description: '1 = best by polarity (highest value when the metric has none)' })),
  rankOf: Type.Integer(),
  tied: Type.Boolean(),
  quartileBand: Nullable(Type.Integer({ minimum: 1, maximum: 4, description: '1 = top (best) quarter' })),
  distanceFromMedian: Num,
  robustDistance: Nullable(Type.Number({ description: 'Distance from the median in scaled MADs' })),
  significance: Nullable(
    Type.String({ description: 'above, below or not-different (only where the council has a confidence interval)' }),
  ),
  excludedBecause: Nullable(Type.String({ description: 'not-applicable or no-data' })),
  source: Nullable(FigureSourceSchema),
  neighbourRank: Nullable(Type.Integer()),
  direction: Type.Object({
    lastStep: Nullable(Direction),
    overWindow: Nullable(Direction),
    consecutive: Type.Integer(),
  }),
});

export const Comparison = Type.Object(
  {
    metric: Type.Object({
      id: Type.String(),
      title: Type.String(),
      shortTitle: Nullable(Type.String()),
      unit: Type.String(),
      unitType: Type.String(),
      decimalPlaces: Type.Integer(),
      polarity: Type.String(),
      caveats: Nullable(Type.String()),
      source: MetricSourceSchema,
      topic: Nullable(Type.String()),
      applicableAreaTypes: Type.Array(Type.String()),
      categories: Type.Optional(Nullable(Categories)),
    }),
    area: Type.Object({ code: Type.String(), name: Type.String(), type: Type.String() }),
    group: Type.Composite([GroupSummary, Type.Object({ compared: Type.Integer() })]),
    period: Type.Object({ period: Type.String(), label: Type.String() }),
    window: Type.Array(Type.Object({ period: Type.String(), label: Type.String() })),
    trend: Type.Array(
      Type.Object({
        period: Type.String(),
        label: Type.String(),
        value: Num,
        source: Nullable(FigureSourceSchema),
        groupMedian: Num,
        england: Num,
      }),
    ),
    statistics: Statistics,
    categories: Type.Optional(CategoryDistribution),
    focus: MemberResult,
    members: Type.Array(MemberResult, { description: 'Every council compared, the council included, best rank first' }),
    england: Nullable(
      Type.Object({
        value: Num,
        status: Type.Array(Type.String()),
        method: Nullable(
          Type.String({
            description:
              "Null for the publisher's own England figure; where the publisher gives none, how this platform computed it from the councils (a sum, or a rate from summed numerators and denominators)",
          }),
        ),
      }),
    ),
    sentence: Type.String(),
    notes: Type.Array(Type.String()),
    licence: Type.String(),
    attribution: Type.String(),
  },
  { description: 'The council compared with the group: statistics, every member and the direction of travel' },
);
