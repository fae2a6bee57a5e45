import { Type, type Static } from '@sinclair/typebox';
import { ComparisonSchema as Comparison } from '../compare/index.ts';

export const HeadlineQuery = Type.Object(
  {
    basket: Type.Optional(
      Type.String({ maxLength: 120, description: 'The key measures: a basket id (default sector-key)' }),
    ),
    group: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'The comparison group (default: councils of the same type); see /api/v1/groups?area=CODE',
      }),
    ),
    period: Type.Optional(Type.String({ maxLength: 100, description: 'latest (default) or a period label' })),
    window: Type.Optional(Type.Integer({ minimum: 2, maximum: 20, description: 'Periods in each trend (default 5)' })),
  },
  { additionalProperties: false },
);
export type HeadlineQueryT = Static<typeof HeadlineQuery>;

const Reasoned = Type.Object({ metric: Type.String(), title: Type.String(), reason: Type.String() });

export const Headline = Type.Object(
  {
    area: Type.Object({ code: Type.String(), name: Type.String(), type: Type.String() }),
    group: Type.Object({ id: Type.String(), name: Type.String() }),
    basket: Type.Object({ id: Type.String(), version: Type.String(), name: Type.String() }),
    themes: Type.Array(
      Type.Object({
        theme: Type.String(),
        title: Type.String(),
        items: Type.Array(
          Type.Composite([Type.Omit(Comparison, ['members', 'area']), Type.Object({ why: Type.String() })]),
        ),
      }),
    ),
    notApplicable: Type.Array(Reasoned, {
      description:
        'Key measures of services this council does not run (e.g. a district and adult social care), with who runs them',
    }),
    noData: Type.Array(Reasoned),
    notes: Type.Array(Type.String()),
    licences: Type.Array(Type.String()),
    attribution: Type.Array(Type.String()),
  },
  { description: "The council's headline report: its key measures by service area against the group" },
);

export const HeadlineParams = Type.Object({
  code: Type.String({ pattern: '^[A-Za-z]\\d{8}$', description: 'GSS code of a council' }),
});
