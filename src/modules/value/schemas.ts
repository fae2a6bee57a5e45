import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../../platform/schema.ts';
import { PricesParams } from '../observations/index.ts';

const Num = Nullable(Type.Number());
const Str = Nullable(Type.String());

export const ValueParams = Type.Object({
  code: Type.String({ pattern: '^[A-Za-z]\\d{8}$', description: 'GSS code of a council' }),
});
export const ValueQuery = Type.Object(
  {
    group: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'The comparison group (default: councils of the same type); see /api/v1/groups?area=CODE',
      }),
    ),
    window: Type.Optional(Type.Integer({ minimum: 2, maximum: 20, description: 'Periods in each trend (default 5)' })),
    ...PricesParams,
  },
  { additionalProperties: false },
);
export type ValueQueryT = Static<typeof ValueQuery>;

const England = Nullable(
  Type.Object({
    value: Type.Number(),
    kind: Type.Union([Type.Literal('england'), Type.Literal('aggregate'), Type.Literal('median-of-councils')], {
      description:
        "england: the publisher's figure; aggregate: computed from councils (method); median-of-councils: not an England figure",
    }),
    label: Type.String(),
    method: Str,
  }),
);

const Figure = Type.Object({
  role: Type.Union([Type.Literal('spend'), Type.Literal('outcome')]),
  base: Str,
  why: Str,
  metric: Type.Object({
    id: Type.String(),
    title: Type.String(),
    unit: Type.String(),
    unitType: Type.String(),
    decimalPlaces: Type.Integer(),
    polarity: Type.String(),
    caveats: Str,
  }),
  period: Type.Object({ period: Type.String(), label: Type.String() }),
  prices: Nullable(
    Type.Union([Type.Literal('cash'), Type.Literal('real')], {
      description:
        "A £ measure's figures (the council's, the group's, England's, the trend) in cash or real terms; null for other units",
    }),
  ),
  value: Num,
  status: Type.Array(Type.String()),
  figureSource: Str,
  rank: Nullable(Type.Integer({ description: '1 = best by polarity (highest value when the metric has none)' })),
  rankOf: Type.Integer(),
  tied: Type.Boolean(),
  quartileBand: Nullable(Type.Integer({ minimum: 1, maximum: 4 })),
  group: Type.Object({ median: Num, q1: Num, q3: Num, countWithData: Type.Integer(), n: Type.Integer() }),
  england: England,
  trend: Type.Object({
    lastStep: Str,
    since: Str,
    overWindow: Str,
    points: Type.Array(
      Type.Object({ period: Type.String(), label: Type.String(), value: Num, groupMedian: Num, england: Num }),
    ),
  }),
  sentence: Type.String(),
  licence: Type.String(),
  attribution: Type.String(),
});

const Association = Type.Object({ n: Type.Integer(), r: Num, sentence: Type.String() });
const Axis = {
  id: Type.String(),
  title: Type.String(),
  unit: Type.String(),
  decimalPlaces: Type.Integer(),
  period: Type.String(),
};
const Scatter = Type.Object({
  spend: Type.Object(Axis),
  outcome: Type.Object({ ...Axis, polarity: Type.String() }),
  points: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      spend: Type.Number(),
      outcome: Type.Number(),
      inGroup: Type.Boolean(),
      isFocus: Type.Boolean(),
    }),
  ),
  group: Association,
  sameType: Nullable(Association),
});
const Reasoned = Type.Object({ metric: Type.String(), title: Type.String(), reason: Type.String() });

export const ValueProfileSchema = Type.Object(
  {
    area: Type.Object({ code: Type.String(), name: Type.String(), type: Type.String() }),
    group: Type.Object({ id: Type.String(), name: Type.String(), types: Type.Array(Type.String()) }),
    mapping: Type.Object({ id: Type.String(), version: Type.String(), name: Type.String() }),
    prices: Type.Object(
      {
        basis: Type.Union([Type.Literal('cash'), Type.Literal('real')]),
        base: Nullable(Type.Object({ period: Type.String(), label: Type.String() })),
        deflator: Nullable(Type.Object({ id: Type.String(), title: Type.String(), publisher: Type.String() })),
        note: Type.String(),
      },
      {
        description:
          "The price basis of every £ figure: cash, or real terms at the base year's prices (docs/REAL-TERMS.md)",
      },
    ),
    services: Type.Array(
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        runsService: Type.Boolean(),
        notRunReason: Str,
        spend: Type.Array(Figure),
        outcomes: Type.Array(Figure),
        missing: Type.Array(Reasoned),
        scatters: Type.Array(Scatter),
        caveats: Type.Array(Type.String()),
      }),
    ),
    caveats: Type.Array(Type.String()),
    notes: Type.Array(Type.String()),
    licences: Type.Array(Type.String()),
    attribution: Type.Array(Type.String()),
  },
  { description: "A council's value-for-money profile: spend per head beside outcomes, by service" },
);
