import { MetricSourceSchema } from '../metrics/index.ts';
import { Type } from '@sinclair/typebox';

export const SimilarParams = Type.Object({
  code: Type.String({ maxLength: 20, description: 'GSS code of a council' }),
});

export const SimilarQuery = Type.Object(
  {
    model: Type.Optional(
      Type.String({
        maxLength: 80,
        description:
          'A neighbours family: sli-neighbours-district-services (default; counties: sli-neighbours-county-services), dfe-statistical-neighbours, ons-similar-areas-global, …',
      }),
    ),
    version: Type.Optional(Type.String({ maxLength: 40, description: 'The model version (default: the newest)' })),
    weights: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'Our model only: re-weight for your own analysis, e.g. population:2,deprivation:0 (the published list is unchanged)',
      }),
    ),
  },
  { additionalProperties: false },
);

const Contribution = Type.Object({
  variable: Type.String(),
  ownZ: Type.Number(),
  neighbourZ: Type.Number(),
  contribution: Type.Number({
    description: "weight × (difference in z-scores)²: this variable's part of the squared distance",
  }),
  share: Type.Number({ description: 'the contribution as a share of the squared distance (0 to 1)' }),
});

export const SimilarResponse = Type.Object(
  {
    area: Type.Object({ code: Type.String(), name: Type.String(), type: Type.String() }),
    model: Type.Object({
      id: Type.String(),
      version: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      method: Type.Union([Type.String(), Type.Null()]),
      caveats: Type.Union([Type.String(), Type.Null()]),
      variables: Type.Union([
        Type.Array(
          Type.Object({
            id: Type.String(),
            label: Type.String(),
            transform: Type.String(),
            weight: Type.Number(),
            source: Type.String(),
          }),
        ),
        Type.Null(),
      ]),
      source: MetricSourceSchema,
      published: Type.Boolean({ description: 'false when re-weighted: not the published list' }),
    }),
    group: Type.Union([
      Type.String({ description: 'the group id, for /api/v1/compare and /api/v1/groups/{id}' }),
      Type.Null(),
    ]),
    weights: Type.Union([Type.Record(Type.String(), Type.Number()), Type.Null()]),
    members: Type.Array(
      Type.Object({
        code: Type.String(),
        name: Type.String(),
        type: Type.String(),
        rank: Type.Union([Type.Integer(), Type.Null()]),
        distance: Type.Union([Type.Number(), Type.Null()]),
        note: Type.Union([Type.String(), Type.Null()]),
        contributions: Type.Union([Type.Array(Contribution), Type.Null()]),
        current: Type.Boolean(),
      }),
    ),
    changes: Type.Union([
      Type.Object({
        previousVersion: Type.String(),
        entered: Type.Array(Type.String()),
        left: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
      }),
      Type.Null(),
    ]),
    alternatives: Type.Array(Type.String(), { description: 'other neighbour families that cover this council' }),
  },
  { description: "The council's similar councils in the model, nearest first" },
);
