/** The monitor module's request and response schemas (validation, types and the OpenAPI entries). */
import { Type } from '@sinclair/typebox';

const Share = Type.Union([Type.Number(), Type.Null()], { description: 'A share from 0 to 1; null when the base is 0' });
const Int = Type.Integer();

export const MonthQuery = Type.Object(
  { month: Type.Optional(Type.String({ maxLength: 7, description: 'YYYY-MM; default this month' })) },
  { additionalProperties: false },
);
export const QuarterQuery = Type.Object(
  {
    year: Type.Integer({ minimum: 2000, maximum: 2100, description: 'Financial year (2026 = 2026/27)' }),
    quarter: Type.Union(
      ['Q1', 'Q2', 'Q3', 'Q4'].map((q) => Type.Literal(q)),
      { description: 'Q1 is April to June' },
    ),
  },
  { additionalProperties: false },
);
export const YearQuery = Type.Object(
  { year: Type.Integer({ minimum: 2000, maximum: 2100, description: 'The calendar year evaluated, such as 2026' }) },
  { additionalProperties: false },
);
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const TypeLine = Type.Object({
  type: Type.String(),
  typeName: Type.String(),
  users: Int,
  councils: Int,
  registered: Int,
  registeredShare: Share,
  active30: Int,
  active30Share: Share,
  active60: Int,
  active60Share: Share,
});
const CouncilDetail = Type.Object({
  code: Type.String(),
  name: Type.String(),
  type: Type.String(),
  users: Int,
  active30: Type.Boolean(),
  active60: Type.Boolean(),
});

export const ScorecardResponse = Type.Object(
  {
    month: Type.String(),
    from: Type.String({ format: 'date' }),
    to: Type.String({ format: 'date' }),
    asOf: Type.String({ format: 'date', description: 'Activity is counted to this day (the month end, or today)' }),
    users: Type.Object({
      total: Int,
      sectorBody: Type.Integer({ description: 'Users without a council (the sector body)' }),
      otherCouncils: Type.Integer({ description: 'Users of a council not current at the month end' }),
    }),
    councils: Type.Object({
      byType: Type.Array(TypeLine),
      total: Type.Object({
        users: Int,
        councils: Int,
        registered: Int,
        active30: Int,
        active60: Int,
        registeredShare: Share,
        active30Share: Share,
        active60Share: Share,
      }),
    }),
    metrics: Type.Object({
      published: Int,
      newlyPublished: Int,
      updated: Int,
      newlyPublishedShare: Share,
      updatedShare: Share,
    }),
    savedReports: Type.Object({ total: Int, madeInMonth: Int }),
    traffic: Type.Object({
      days: Int,
      pageViews: Int,
      averageDailyUniqueVisitors: Type.Integer({ description: 'The mean of the daily counts; never a monthly sum' }),
      apiRequests: Int,
      embedsServed: Int,
    }),
    detail: Type.Union([Type.Array(CouncilDetail), Type.Null()], {
      description: 'Per council: for the programme office and administrators; a council user sees its own; else null',
    }),
  },
  { description: 'The scorecard for the month' },
);

export const DeliverableBody = Type.Object(
  {
    year: Type.Integer(),
    theme: Type.Optional(Type.String({ maxLength: 200 })),
    deliverable: Type.Optional(Type.String({ maxLength: 1000 })),
    target: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    dueQuarter: Type.Optional(Type.String({ maxLength: 2 })),
    measure: Type.Optional(Type.Union([Type.String({ maxLength: 50 }), Type.Null()])),
    _csrf: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export const ProgressBody = Type.Object(
  {
    quarter: Type.String({ maxLength: 2 }),
    value: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    _csrf: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** The quarterly report (its shape: deliverables.ts Quarterly), described loosely. */
export const QuarterlyResponse = Type.Unsafe<unknown>(
  Type.Object(
    { year: Int, yearLabel: Type.String(), quarter: Type.String(), from: Type.String(), to: Type.String() },
    { additionalProperties: true, description: "Themes with deliverables and progress, and the quarter's delivery" },
  ),
);
export const CreatedResponse = Type.Object({ id: Int }, { description: 'The deliverable, added or updated' });
