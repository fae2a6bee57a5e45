/** The budget module's TypeBox schemas: the definition (import/export JSON, the API), requests and answers. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../../platform/schema.ts';

const Text = (max = 2000) => Type.String({ maxLength: max });
export const Level = Type.Object(
  { code: Text(64), pctChange: Type.Number(), consequence: Text() },
  { additionalProperties: false },
);
export const Item = Type.Object(
  {
    code: Text(64),
    title: Text(200),
    description: Type.Optional(Nullable(Text())),
    baseline: Type.Number({ description: '£ a year' }),
    floor: Type.Optional(Nullable(Type.Number({ description: '£: the statutory minimum' }))),
    floorReason: Type.Optional(Nullable(Text())),
    ringFenced: Type.Optional(Type.Boolean()),
    contractual: Type.Optional(Type.Boolean()),
    source: Type.Optional(Nullable(Text(500))),
    levels: Type.Array(Level, { maxItems: 20 }),
  },
  { additionalProperties: false },
);
export const Section = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('spending'),
      Type.Literal('efficiencies'),
      Type.Literal('income'),
      Type.Literal('council-tax'),
    ]),
    title: Text(200),
    intro: Type.Optional(Nullable(Text())),
    items: Type.Array(Item, { maxItems: 200 }),
  },
  { additionalProperties: false },
);
export const Constraint = Type.Object(
  {
    kind: Type.Union([Type.Literal('requires'), Type.Literal('excludes')]),
    item: Text(64),
    level: Text(64),
    otherItem: Text(64),
    otherLevel: Text(64),
  },
  { additionalProperties: false },
);
export const AboutYou = Type.Object(
  {
    survey: Text(64),
    version: Type.Integer({ minimum: 1 }),
    questions: Type.Optional(Nullable(Type.Array(Text(64), { maxItems: 20 }))),
    age: Type.Optional(Nullable(Text(64))),
    sex: Type.Optional(Nullable(Text(64))),
  },
  {
    additionalProperties: false,
    description:
      'Optional "about you" questions from a questionnaire of the surveys module (its code and version): the questions to ask (default: every single-choice, dropdown and text question) and which hold age band and sex (weighting)',
  },
);
export const Definition = Type.Object(
  {
    format: Type.Optional(Type.Literal('sli-budget-simulator/1')),
    council: Text(9),
    year: Text(7),
    title: Text(200),
    status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('open'), Type.Literal('closed')])),
    gap: Type.Object(
      {
        kind: Type.Union([Type.Literal('one-year'), Type.Literal('multi-year')]),
        rule: Type.Optional(
          Nullable(
            Type.Union([Type.Literal('each-year'), Type.Literal('cumulative')], {
              description:
                "A multi-year gap: each year's gap met, or the cumulative gap met over the plan (default each-year)",
            }),
          ),
        ),
        years: Type.Array(Type.Object({ year: Text(7), amount: Type.Number() }, { additionalProperties: false }), {
          maxItems: 10,
        }),
      },
      { additionalProperties: false },
    ),
    statedTotal: Nullable(Type.Number()),
    councilTax: Type.Object(
      {
        bandD: Nullable(Type.Number()),
        taxBase: Nullable(Type.Number()),
        capPct: Nullable(Type.Number()),
        capValidFrom: Type.Optional(Nullable(Text(10))),
      },
      { additionalProperties: false },
    ),
    sections: Type.Array(Section, { maxItems: 10 }),
    constraints: Type.Array(Constraint, { maxItems: 500 }),
    aboutYou: Type.Optional(Nullable(AboutYou)),
  },
  { additionalProperties: false, $id: 'BudgetDefinition', description: 'A budget simulator definition' },
);
export type DefinitionT = Static<typeof Definition>;

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const PrefillQuery = Type.Object({ area: Text(9), year: Text(7) }, { additionalProperties: false });
export const CreateBody = Type.Object({ area: Text(9), year: Text(7) }, { additionalProperties: false });
export const CloneBody = Type.Object(
  {
    year: Text(7),
    refresh: Type.Optional(
      Type.Boolean({ description: 'Refresh baselines, Band D, tax base and cap from the pre-fill for the new year' }),
    ),
  },
  { additionalProperties: false },
);
export const Cloned = Type.Object(
  { id: Type.Integer(), openLink: Type.String(), items: Type.Integer(), refreshed: Type.Integer() },
  { description: 'The simulator cloned (a draft) and how many baselines were refreshed' },
);
export const StatusBody = Type.Object({ status: Text(10) }, { additionalProperties: false });
export const LinksBody = Type.Object({ count: Type.Integer() }, { additionalProperties: false });
export const Created = Type.Object(
  { id: Type.Integer(), openLink: Type.String(), items: Type.Integer() },
  { description: 'The simulator set up (a draft)' },
);
export const SimulatorList = Type.Object(
  {
    simulators: Type.Array(
      Type.Object({
        id: Type.Integer(),
        title: Type.String(),
        year: Type.String(),
        status: Type.String(),
        council: Type.String(),
        councilName: Type.String(),
        responses: Type.Integer(),
      }),
    ),
  },
  { description: 'The simulators you may see' },
);
export const Links = Type.Object({ links: Type.Array(Type.String()) }, { description: 'The new links, shown once' });
export const Submitted = Type.Object({ id: Type.Integer(), flag: Type.String() });
