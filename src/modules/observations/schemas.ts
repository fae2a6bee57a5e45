import { MetricSourceSchema } from '../metrics/index.ts';
import { Nullable } from '../../platform/schema.ts';
import { FigureSourceSchema } from '../areas/index.ts';
import { Type, type Static } from '@sinclair/typebox';

/** Cash or real terms (docs/REAL-TERMS.md): the parameters of every query that can deflate £ figures. */
export const PricesParams = {
  prices: Type.Optional(
    Type.Union([Type.Literal('cash'), Type.Literal('real')], {
      description:
        'cash (default): each year in its own prices; real: £ figures deflated to the prices of `base` by a loaded deflator series (docs/REAL-TERMS.md), refused when none is loaded',
    }),
  ),
  base: Type.Optional(
    Type.String({ maxLength: 20, description: 'With prices=real: the base year, e.g. 2023-24 (or 2023/24)' }),
  ),
  deflator: Type.Optional(
    Type.String({
      maxLength: 200,
      description:
        'With prices=real: the deflator metric (an index, England per financial year); default hmt.gdp-deflator',
    }),
  ),
};

export const DataQuery = Type.Object(
  {
    metric: Type.String({ description: 'Metric ids, comma-separated', minLength: 1, maxLength: 4000 }),
    area: Type.Optional(
      Type.String({ description: 'GSS codes, comma-separated; all areas when omitted', maxLength: 20000 }),
    ),
    period: Type.Optional(
      Type.String({
        description:
          'latest (default), latest:N, earliest, earliest:N, all, a label (2023/24), an ISO 8601 period (2023-04-01/P1Y) or a range a..b; comma-separated',
        maxLength: 1000,
      }),
    ),
    ...PricesParams,
  },
  { additionalProperties: false },
);
export type DataQueryT = Static<typeof DataQuery>;

export const Observation = Type.Object({
  metric: Type.String(),
  area: Type.String(),
  areaName: Type.String(),
  period: Type.String(),
  periodLabel: Type.String(),
  value: Nullable(Type.Number()),
  status: Type.Array(Type.String(), {
    description:
      'x not available, c confidential, z not applicable, u low reliability, p provisional, r revised, e estimated, b break in series',
  }),
  lci: Nullable(Type.Number()),
  uci: Nullable(Type.Number()),
  ciLevel: Nullable(Type.Number()),
  numerator: Nullable(Type.Number()),
  denominator: Nullable(Type.Number()),
  note: Nullable(Type.String()),
  source: Nullable(FigureSourceSchema),
  revision: Type.Integer(),
  updatedAt: Type.String(),
  category: Nullable(
    Type.String({
      description:
        "A categorical metric's label for the value (the value is the category's 1-based position); null for a numeric metric",
    }),
  ),
});

export const DataResponse = Type.Object(
  {
    metrics: Type.Array(
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        unit: Type.String(),
        unitType: Type.String(),
        decimalPlaces: Type.Integer(),
        polarity: Type.String(),
        categories: Nullable(
          Type.Array(Type.Object({ code: Type.String(), label: Type.String() }), {
            description: 'A categorical metric: its ordered categories (the value is the 1-based position)',
          }),
        ),
        caveats: Nullable(Type.String()),
        source: MetricSourceSchema,
      }),
    ),
    periods: Type.Array(
      Type.Object({
        metric: Type.String(),
        periods: Type.Array(Type.Object({ period: Type.String(), label: Type.String() })),
      }),
    ),
    observations: Type.Array(Observation),
    notes: Type.Array(Type.String()),
    licence: Type.String(),
    attribution: Type.Array(Type.String()),
  },
  { description: 'The observations asked for, with their metrics, periods, notes, licence and attribution' },
);

export const BulkParams = Type.Object({ id: Type.String({ maxLength: 200, description: 'Metric id' }) });
export const BulkQuery = Type.Object({}, { additionalProperties: false });
