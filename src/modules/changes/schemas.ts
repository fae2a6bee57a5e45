import { Nullable } from '../../platform/schema.ts';
import { Type } from '@sinclair/typebox';

export const ChangesQuery = Type.Object(
  {
    since: Type.String({ description: 'YYYY-MM-DD or an ISO 8601 date-time' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1000 })),
  },
  { additionalProperties: false },
);

const Value = Type.Object({
  value: Nullable(Type.Number()),
  status: Type.Array(Type.String()),
  revision: Type.Integer(),
});

export const ChangeFeed = Type.Object(
  {
    since: Type.String({ description: 'The time asked for, as an ISO 8601 date-time' }),
    truncated: Type.Boolean({ description: 'True when a list holds `limit` entries and more changes follow' }),
    catalogue: Type.Array(
      Type.Object({
        at: Type.String(),
        entity: Type.String({ description: 'What changed: metric, area or import' }),
        action: Type.String({ description: 'created, updated, deleted or published' }),
        key: Type.String({ description: "The entity's code" }),
        importId: Nullable(Type.Integer()),
        detail: Type.Unknown({ description: 'Free-form JSON: what the change log recorded, or null' }),
      }),
      { description: 'Changes to the catalogue and the geography, oldest first' },
    ),
    published: Type.Array(
      Type.Object({
        at: Type.String(),
        importId: Type.Integer(),
        adapter: Type.String(),
        metric: Type.String(),
        inserted: Type.Integer(),
        updated: Type.Integer(),
        unchanged: Type.Integer(),
      }),
      { description: 'Observations published, counted per import and metric' },
    ),
    observations: Type.Array(
      Type.Object({
        at: Type.String(),
        action: Type.Union([Type.Literal('revised'), Type.Literal('deleted')]),
        metric: Type.String(),
        area: Type.String(),
        period: Type.String(),
        periodLabel: Type.String(),
        previous: Value,
        current: Nullable(Value),
        importId: Nullable(Type.Integer()),
      }),
      { description: 'Every observation revised or deleted, with its previous and current value' },
    ),
  },
  { description: 'What changed since the time asked for' },
);
