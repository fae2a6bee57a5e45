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
export const Population = Type.Object(
  {
    source: Text(300),
    date: Type.String({
      maxLength: 10,
      description: 'The date the figures are for, YYYY-MM-DD (mid-2023: 2023-06-30)',
    }),
    measure: Type.Union([Type.Literal('count'), Type.Literal('share')], {
      description: 'count: people; share: per cent of the population (each margin, or the table, sums to 100 ± 0.5)',
    }),
    rows: Type.Array(
      Type.Object(
        {
          age: Nullable(Text(64)),
          sex: Nullable(Text(64)),
          value: Type.Number(),
        },
        { additionalProperties: false },
      ),
      { maxItems: 400 },
    ),
  },
  {
    additionalProperties: false,
    description:
      'The council\'s population for weighting, as the officer entered it: rows of an age answer code and/or a sex answer code (of the "about you" age and sex questions) with a count or percentage; two margins (rows giving age only, and sex only) or an age × sex table (every row both). Responses are raked to both margins; without it, weighted by age only to the ONS mid-year estimate.',
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
    population: Type.Optional(Nullable(Population)),
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

const Share = (description: string) => Nullable(Type.Number({ description }));
/** The results JSON (routes.ts results.json): the dashboard's figures with their weighted counterparts. */
export const Results = Type.Object(
  {
    responses: Type.Integer({ description: 'Counted responses (flagged ok)' }),
    assisted: Type.Integer({ description: 'Of those, entered by staff at an outreach session' }),
    flagged: Type.Array(Type.Object({ flag: Type.String(), n: Type.Integer() }), {
      description: 'Responses kept and not counted, by flag (duplicate, honeypot)',
    }),
    unsolved: Type.Integer({ description: 'Counted open-link budgets sent without a solved proof-of-work' }),
    perDay: Type.Array(Type.Object({ day: Type.String(), n: Type.Integer() })),
    meanTaxChangePct: Share('Mean council tax change, per cent (null: no responses)'),
    meanGapClosed: Share('Mean gap closed, £ a year'),
    weightedMeanTaxChangePct: Share('The same, weighted'),
    weightedMeanGapClosed: Share('The same, weighted'),
    weighting: Type.Object(
      {
        weighted: Type.Boolean(),
        effectiveBase: Type.Number({ description: "Kish's effective base over every counted response" }),
        efficiency: Type.Number({ description: 'Weighting efficiency (effective base ÷ responses), 0–1' }),
        byAge: Type.Integer({ description: 'Responses weighted by age' }),
        bySex: Type.Integer({ description: 'Responses weighted by sex' }),
        basis: Type.Union([Type.Literal('entered'), Type.Literal('ons'), Type.Literal('none')], {
          description:
            'entered: raked to the population an officer entered (age and sex); ons: by age to the ONS mid-year estimate held; none: not weighted',
        }),
        source: Nullable(
          Type.String({ description: 'The population weighted to, its source and date in words (null: not weighted)' }),
        ),
        margins: Type.Array(
          Type.Object({
            variable: Type.Union([Type.Literal('age'), Type.Literal('sex')]),
            question: Type.String({ description: 'The "about you" question' }),
            categories: Type.Array(
              Type.Object({
                code: Type.String(),
                label: Type.String(),
                population: Type.Number({ description: "The category's share of the population, 0–1" }),
                responses: Type.Number({ description: 'Its share of the responses raked, unweighted' }),
                weighted: Type.Number({ description: 'Its share of the responses raked, weighted' }),
              }),
            ),
          }),
          { description: 'The margins raked to (entered population only)' },
        ),
        notes: Type.Array(Type.String(), { description: 'What was weighted to what, and why anything was not' }),
      },
      { description: 'The weighting: its basis, margins, effective base and notes' },
    ),
    items: Type.Array(
      Type.Object({
        code: Type.String(),
        title: Type.String(),
        section: Type.String(),
        meanChange: Share('Mean £ change to the item'),
        weightedMeanChange: Share('The same, weighted'),
        comments: Type.Integer(),
        levels: Type.Array(
          Type.Object({
            code: Type.String(),
            pctChange: Type.Number(),
            consequence: Type.String(),
            n: Type.Integer({ description: 'Responses choosing it' }),
            share: Share('Their share of counted responses, 0–1'),
            weightedShare: Share('The same, weighted'),
          }),
        ),
      }),
    ),
  },
  { description: 'The results: the dashboard figures with weighted shares and means, and the weighting' },
);
