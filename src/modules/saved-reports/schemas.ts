import { MetricSourceSchema } from '../metrics/index.ts';
import { Nullable } from '../../platform/schema.ts';
import { CloneType, Type, type Static } from '@sinclair/typebox';

const Num = Nullable(Type.Number());

export const CHART_TYPES = ['bar', 'trend', 'scatter'] as const;
export const VISIBILITIES = ['private', 'shared', 'public'] as const;
export type ChartType = (typeof CHART_TYPES)[number];
export type Visibility = (typeof VISIBILITIES)[number];

export const ReportDefinition = Type.Object(
  {
    metrics: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
      minItems: 1,
      maxItems: 12,
      description:
        'Metric ids, 1 to 12. For a scatter: exactly two, the spend measure (x) first and the outcome (y) second',
    }),
    areas: Type.Optional(
      Type.Array(Type.String({ maxLength: 20 }), {
        maxItems: 20,
        description:
          'GSS codes of the councils the report is about (highlighted); a trend needs at least one, at most 6',
      }),
    ),
    group: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'A comparison group id (built-in, published, or a custom group you may see); see /api/v1/groups',
      }),
    ),
    periods: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'latest, latest:N, or periods such as 2022/23,2023/24 or 2019/20..2023/24 (default latest for bar and scatter, latest:5 for trend). Bar and scatter show the newest period chosen',
      }),
    ),
    chart: Type.Union([Type.Literal('bar'), Type.Literal('trend'), Type.Literal('scatter')], {
      description:
        'bar (one bar per council, chosen councils highlighted, group median marked), trend (lines over the periods for the chosen councils and the group median), scatter (spend against outcome per council)',
    }),
  },
  { additionalProperties: false },
);
export type ReportDefinitionT = Static<typeof ReportDefinition>;

const VisibilitySchema = Type.Union([Type.Literal('private'), Type.Literal('shared'), Type.Literal('public')], {
  description:
    'private (you, analysts and administrators), shared (anyone with the permalink) or public (listed at /reports)',
});

export const ReportBody = Type.Object(
  {
    title: Type.String({ maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    definition: ReportDefinition,
    visibility: Type.Optional(VisibilitySchema),
  },
  { additionalProperties: false },
);
export type ReportBodyT = Static<typeof ReportBody>;

export const ReportPatch = Type.Object(
  {
    title: Type.Optional(Type.String({ maxLength: 200 })),
    description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    definition: Type.Optional(ReportDefinition),
    visibility: Type.Optional(VisibilitySchema),
  },
  { additionalProperties: false },
);
export type ReportPatchT = Static<typeof ReportPatch>;

export const SlugParams = Type.Object({ slug: Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$' }) });

export const ReportSummary = Type.Object({
  slug: Type.String(),
  title: Type.String(),
  description: Nullable(Type.String()),
  visibility: Type.String(),
  owner: Type.String({ description: 'The name of the registered user who saved it' }),
  definition: ReportDefinition,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  links: Type.Object({ self: Type.String(), page: Type.String(), csv: Type.String(), embed: Type.String() }),
});
export const ReportSaved = CloneType(ReportSummary, { description: 'The report saved (Location: its URL)' });
export const ReportChanged = CloneType(ReportSummary, { description: 'The report as changed' });
export const ReportList = Type.Object({ reports: Type.Array(ReportSummary) }, { description: 'Saved reports' });

export const Gap = Type.Object({
  kind: Type.Union([Type.Literal('metric'), Type.Literal('group'), Type.Literal('area'), Type.Literal('period')]),
  value: Type.String(),
  message: Type.String(),
});

export const ReportMetric = Type.Object({
  id: Type.String(),
  title: Type.String(),
  unit: Type.String(),
  decimalPlaces: Type.Integer(),
  polarity: Type.String(),
  caveats: Nullable(Type.String()),
  source: MetricSourceSchema,
  applicableAreaTypes: Type.Array(Type.String()),
  periods: Type.Array(Type.Object({ period: Type.String(), label: Type.String() }), {
    description: 'The periods shown for this metric, oldest first',
  }),
});

export const Figure = Type.Object({
  metric: Type.String(),
  period: Type.String(),
  periodLabel: Type.String(),
  area: Type.String(),
  areaName: Type.String(),
  chosen: Type.Boolean({ description: 'One of the councils the report is about' }),
  inGroup: Type.Boolean(),
  applicable: Type.Boolean({
    description: 'False when the metric does not apply to this type of council (left out of the statistics)',
  }),
  value: Num,
  status: Type.Array(Type.String()),
});

export const Summary = Type.Object({
  metric: Type.String(),
  period: Type.String(),
  periodLabel: Type.String(),
  n: Type.Integer(),
  countWithData: Type.Integer(),
  median: Num,
  q1: Num,
  q3: Num,
  min: Num,
  max: Num,
  method: Type.String(),
});

export const Scatter = Type.Object({
  x: Type.Object({ metric: Type.String(), period: Type.String(), periodLabel: Type.String() }),
  y: Type.Object({ metric: Type.String(), period: Type.String(), periodLabel: Type.String() }),
  n: Type.Integer({ description: 'Councils with a figure on both measures' }),
  pearson: Num,
  spearman: Num,
  sentence: Type.String({ description: 'The association in plain words; never a claim of cause' }),
});

export const ReportView = Type.Object(
  {
    report: ReportSummary,
    computedAt: Type.String({
      description: 'Figures are computed from the published data on every request, never stored',
    }),
    dataAsAt: Nullable(Type.String({ description: 'The newest publication behind the figures' })),
    gaps: Type.Array(Gap, {
      description:
        'Parts of the definition that no longer resolve (e.g. a metric removed from the catalogue); the rest of the report stands',
    }),
    group: Nullable(Type.Object({ id: Type.String(), name: Type.String(), members: Type.Integer() })),
    areas: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), note: Nullable(Type.String()) })),
    metrics: Type.Array(ReportMetric),
    figures: Type.Array(Figure),
    summaries: Type.Array(Summary, {
      description: 'The statistics of the councils compared (the group and the chosen councils) per metric and period',
    }),
    scatter: Nullable(Scatter),
    notes: Type.Array(Type.String()),
    licence: Type.String(),
    attribution: Type.String(),
  },
  { description: 'The report with its figures computed from the published data now' },
);
export type ReportViewT = Static<typeof ReportView>;
