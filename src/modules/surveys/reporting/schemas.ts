/** TypeBox schemas of the reporting API and pages: what they accept and (the API) what they answer. */
import { Type } from '@sinclair/typebox';
import { TEST_NAMES } from '../analysis/significance.ts';
import { QUESTION_KINDS } from '../definition/types.ts';
import { Nullable } from '../../../platform/schema.ts';
import { Wave } from '../fielding/schemas.ts';
import { PROBLEM_KINDS } from './responses.ts';
import { TABLE_BREAKDOWNS } from './wave-tables.ts';

const WaveIds = Type.String({
  pattern: '^\\d+(,\\d+)*$',
  maxLength: 200,
  description: 'wave ids, comma-separated (one questionnaire)',
});

export const TablesQuery = Type.Object(
  {
    waves: WaveIds,
    by: Type.Optional(
      Type.Union(
        TABLE_BREAKDOWNS.map((b) => Type.Literal(b)),
        {
          description: 'breakdown: wave (a series), authority_type, region or role',
        },
      ),
    ),
    holm: Type.Optional(Type.Boolean()),
    continuityCorrection: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const SeriesQuery = Type.Object(
  {
    waves: WaveIds,
    question: Type.String({ maxLength: 100 }),
    answer: Type.String({ maxLength: 100 }),
    holm: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const TextsQuery = Type.Object(
  { waves: WaveIds, question: Type.String({ maxLength: 100 }) },
  { additionalProperties: false },
);
export const ThemeBody = Type.Object(
  {
    responseId: Type.Integer({ minimum: 1 }),
    question: Type.String({ maxLength: 100 }),
    themes: Type.Union([
      Type.Array(Type.String({ maxLength: 60 }), { maxItems: 20 }),
      Type.String({ maxLength: 1000 }),
    ]),
    waves: Type.Optional(WaveIds),
    _csrf: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

// What the reporting API answers (the tables' format is in docs/surveys.md; `sli survey tabulate` writes the same).
/** One of a list of strings (a union of literals, typed as the list's members). */
const Literals = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>(
    Type.Union(
      values.map((v) => Type.Literal(v)),
      description ? { description } : {},
    ),
  );

const Comparison = Type.Object({
  row: Type.String(),
  columns: Type.Array(Type.String(), { minItems: 2, maxItems: 2, description: 'The two columns compared (keys)' }),
  test: Literals(TEST_NAMES, 'The test the data called for'),
  statistic: Nullable(Type.Number({ description: 'z, or χ² for McNemar; null where there is none' })),
  pValue: Type.Number({ description: 'Two-tailed' }),
  significant: Type.Boolean(),
  direction: Literals(['higher', 'lower', 'same'] as const, 'The second column against the first'),
  pairs: Type.Optional(Type.Integer({ description: 'McNemar: matched respondents' })),
  adjustedPValue: Type.Optional(Type.Number({ description: "With Holm's correction" })),
});
const Base = Type.Object({
  column: Type.String(),
  asked: Type.Integer({ description: 'Respondents the routing put the question to' }),
  answered: Type.Integer(),
  suppressed: Type.Boolean({ description: 'Fewer than the minimum base answering in a breakdown column' }),
  weightedAnswered: Type.Optional(Type.Number()),
  effectiveBase: Type.Optional(Type.Number({ description: 'Kish effective base (weighted data)' })),
});
const Cell = Type.Object({
  column: Type.String(),
  count: Nullable(Type.Integer()),
  percent: Nullable(Type.Number({ description: 'Unrounded percentage of those answering' })),
  display: Type.String({ description: 'As a published table shows it: 45, 45 (9), *, 0, - or [c]' }),
  weightedCount: Type.Optional(Nullable(Type.Number())),
});
const TableRow = Type.Object({
  code: Type.String(),
  label: Type.String(),
  net: Type.Boolean(),
  parts: Type.Optional(Type.Array(Type.String(), { description: "A net's answer codes" })),
  cells: Type.Array(Cell),
});
const Summary = Type.Object({
  column: Type.String(),
  mean: Nullable(Type.Number()),
  median: Nullable(Type.Number()),
  min: Nullable(Type.Number()),
  max: Nullable(Type.Number()),
});
const SurveyTable = Type.Object({
  code: Type.String({ description: 'The question, or QUESTION_ROW for a grid row' }),
  question: Type.String(),
  row: Type.Optional(Type.String()),
  title: Type.String(),
  kind: Literals(QUESTION_KINDS),
  notes: Type.Array(Type.String()),
  bases: Type.Array(Base),
  rows: Type.Array(TableRow),
  summary: Type.Optional(Type.Array(Summary, { description: 'Number questions: per column' })),
  comparisons: Type.Array(Comparison),
});
const Problem = Type.Object({
  kind: Literals(PROBLEM_KINDS),
  at: Type.String({ description: 'file:line (response:ID from the database), or the file for a column problem' }),
  column: Type.String(),
  value: Type.String(),
  message: Type.String(),
});
export const WaveTablesResult = Type.Object(
  {
    waves: Type.Array(Wave),
    format: Type.Literal('sli-survey-tables/1'),
    survey: Type.Object({ code: Type.String(), title: Type.String(), version: Type.Integer() }),
    settings: Type.Object({
      by: Nullable(Type.String()),
      weights: Nullable(Type.String()),
      smallBase: Type.Integer(),
      minBase: Type.Integer(),
      alpha: Type.Number(),
      continuityCorrection: Type.Boolean(),
      holm: Type.Boolean(),
    }),
    columns: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), respondents: Type.Integer() })),
    tables: Type.Array(SurveyTable),
    problems: Type.Array(Problem, { description: 'The first 200 problems in full' }),
    problemCounts: Type.Record(Type.String(), Type.Integer(), { description: 'Every problem, counted by kind' }),
  },
  { description: 'The waves and their report tables: bases, nets, percentages and significant differences' },
);

const SeriesPoint = Type.Object({
  wave: Type.String(),
  asked: Type.Integer(),
  answered: Type.Integer(),
  percent: Nullable(Type.Number()),
  display: Type.String(),
  vsFirst: Nullable(Comparison),
  vsPrevious: Nullable(Comparison),
  effectiveBase: Type.Optional(Type.Number()),
});
export const SeriesResult = Type.Object(
  {
    survey: Type.Object({ code: Type.String(), version: Type.Integer() }),
    table: Type.String(),
    answer: Type.String(),
    title: Type.String(),
    label: Type.String(),
    weighted: Type.Boolean(),
    points: Type.Array(SeriesPoint),
  },
  { description: 'One measure across waves, tested against the first and the previous wave' },
);

export const TextsResult = Type.Object(
  {
    question: Type.String(),
    title: Type.String(),
    answers: Type.Array(
      Type.Object({
        wave: Type.String(),
        authorityType: Nullable(Type.String()),
        region: Nullable(Type.String()),
        responseId: Type.Integer({ description: 'For tagging themes; never published' }),
        text: Type.String(),
        themes: Type.Array(Type.String()),
      }),
    ),
    themeCounts: Type.Array(Type.Object({ theme: Type.String(), answers: Type.Integer() })),
    untagged: Type.Integer({ description: 'Answers with no theme yet' }),
    minBase: Type.Integer({
      description: 'A type and region are shown only when at least this many councils of the wave share them',
    }),
    labelsWithheld: Type.Integer({ description: 'Answers whose type and region are withheld (a small cell)' }),
  },
  { description: "Free-text answers with the respondent's type and region only, their themes and theme counts" },
);
export const ThemesResult = Type.Object(
  { responseId: Type.Integer(), question: Type.String(), themes: Type.Array(Type.String()) },
  { description: "The answer's themes now" },
);
