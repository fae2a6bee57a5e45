import { Nullable } from '../../platform/schema.ts';
import { Type, type Static } from '@sinclair/typebox';

const Num = Nullable(Type.Number());

export const DirectionQuery = Type.Object(
  {
    basket: Type.Optional(
      Type.String({
        maxLength: 120,
        description: 'Basket id, or id@version (default: the latest version of sector-key)',
      }),
    ),
    area: Type.Optional(
      Type.String({
        maxLength: 20,
        description: 'A council: its direction against its own baseline (default: England as a whole)',
      }),
    ),
    group: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'With area: also against this comparison group (see /api/v1/groups?area=CODE)',
      }),
    ),
    baseline: Type.Optional(
      Type.String({ maxLength: 20, description: 'Override the baseline: a date or a year such as 2019/20' }),
    ),
    latest: Type.Optional(
      Type.String({ maxLength: 20, description: 'Override the comparison period: latest, a date or a year' }),
    ),
  },
  { additionalProperties: false },
);
export type DirectionQueryT = Static<typeof DirectionQuery>;

const EndPoint = Type.Object({
  period: Type.String(),
  label: Type.String(),
  value: Num,
  status: Type.Array(Type.String()),
  lci: Num,
  uci: Num,
  source: Type.String({
    description:
      'publisher, aggregate (method stated), predecessor (a council this one replaced), or median (the median of councils where no England figure can be made; never called England)',
  }),
  method: Nullable(Type.String()),
  note: Nullable(Type.String()),
  category: Type.Optional(
    Nullable(
      Type.String({
        description:
          "A categorical measure's judgement (e.g. Good): the label the value, its position in the ordered list, stands for",
      }),
    ),
  ),
});

const MovementCells = {
  compared: Type.Integer({ description: 'Councils with two judgements held' }),
  up: Type.Integer({ description: 'Moved to a better judgement (earlier in the list without polarity)' }),
  same: Type.Integer(),
  down: Type.Integer({ description: 'Moved to a worse judgement (later in the list without polarity)' }),
  one: Type.Integer({ description: 'Councils with only one judgement held' }),
  betterBefore: Nullable(
    Type.Integer({ description: 'Of those compared, in the better half ("Good or better") before' }),
  ),
  betterNow: Nullable(Type.Integer({ description: 'Of those compared, in the better half now' })),
};

const Judgements = Type.Object(
  {
    upHeading: Type.String(),
    downHeading: Type.String(),
    betterLabel: Nullable(Type.String({ description: 'e.g. "Good or better"; null without polarity' })),
    rows: Type.Array(
      Type.Object({ ...MovementCells, type: Type.String({ description: 'GSS type, e.g. E10' }), name: Type.String() }),
    ),
    total: Type.Object(MovementCells),
  },
  {
    description:
      'A categorical measure for England: councils by how their latest judgement moved against the one before it, by council type (counts, never an average)',
  },
);

const DistributionCells = {
  councils: Type.Integer({ description: "Current councils of the type (of the measure's types)" }),
  judged: Type.Integer({ description: 'Of those, with a judgement held' }),
  counts: Type.Array(Type.Object({ code: Type.String(), label: Type.String(), count: Type.Integer() }), {
    description: 'Councils per judgement, best first (every judgement listed, zero counts included)',
  }),
  better: Nullable(Type.Integer({ description: 'Of those judged, in the better half ("Good or better") now' })),
  without: Type.Integer({ description: 'Councils with no judgement held' }),
};

const LatestJudgements = Type.Object(
  {
    betterLabel: Nullable(Type.String({ description: 'e.g. "Good or better"; null without polarity' })),
    rows: Type.Array(
      Type.Object({
        ...DistributionCells,
        type: Type.String({ description: 'GSS type, e.g. E10' }),
        name: Type.String(),
      }),
    ),
    total: Type.Object(DistributionCells),
    published: Nullable(
      Type.Object(
        { from: Type.String(), fromLabel: Type.String(), to: Type.String(), toLabel: Type.String() },
        { description: 'The earliest and the latest publication date of the judgements counted' },
      ),
    ),
    headline: Type.String({ description: 'e.g. "Good or better: 80 of 151 councils"' }),
    note: Type.String({ description: "That these are each council's latest judgement, and the dates they span" }),
    movement: Nullable(
      Type.String({
        description:
          'Null when a movement between judgements is shown; else why none can be (e.g. one judgement per council in the published file)',
      }),
    ),
  },
  {
    description:
      "A categorical measure for England: each council's latest judgement now, counted by judgement and council type (counts, never an average)",
  },
);

const Counts = {
  metrics: Type.Integer(),
  classified: Type.Integer(),
  improved: Type.Integer(),
  noChange: Type.Integer(),
  worsened: Type.Integer(),
  noPolarity: Type.Integer({
    description: 'Increased or decreased: measures without polarity, left out of the improvement counts',
  }),
  notComparable: Type.Integer(),
  noData: Type.Integer(),
};

const Summary = Type.Object({
  overall: Type.Object(Counts),
  byTheme: Type.Array(
    Type.Object({
      ...Counts,
      theme: Type.String(),
      title: Type.String(),
      flagged: Type.Boolean(),
      flagReason: Nullable(Type.String()),
    }),
  ),
});

export const MetricDirection = Type.Object({
  metric: Type.Object({
    id: Type.String(),
    title: Type.String(),
    unit: Type.String(),
    decimalPlaces: Type.Integer(),
    polarity: Type.String(),
  }),
  theme: Type.String(),
  why: Type.String(),
  baseline: Nullable(EndPoint),
  latest: Nullable(EndPoint),
  change: Num,
  relativeChange: Num,
  classification: Type.String({
    description: 'improved, no-change, worsened, increased, decreased, not-comparable or no-data',
  }),
  reason: Type.String({
    description:
      'e.g. "within tolerance (0.4% < 2%)", "confidence intervals overlap", "no polarity", "break in series at 2020"',
  }),
  rule: Type.String(),
  group: Type.Optional(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      compared: Type.Integer(),
      improved: Type.Integer(),
      noChange: Type.Integer(),
      worsened: Type.Integer(),
      notComparable: Type.Integer(),
      medianRelativeChange: Num,
      relativeToGroup: Nullable(
        Type.String({
          description: "better, worse or similar: the council's change against the group's median change",
        }),
      ),
    }),
  ),
  judgements: Type.Optional(Judgements),
  latestJudgements: Type.Optional(LatestJudgements),
});

export const DirectionReport = Type.Object(
  {
    basket: Type.Object({
      id: Type.String(),
      version: Type.String(),
      name: Type.String(),
      description: Type.String(),
      baseline: Type.String(),
      latest: Type.String(),
      tolerance: Type.Number(),
    }),
    area: Nullable(Type.Object({ code: Type.String(), name: Type.String(), type: Type.String() })),
    group: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
    metrics: Type.Array(MetricDirection),
    summary: Summary,
    flags: Type.Array(Type.String()),
    methodology: Type.Array(Type.String()),
    licence: Type.String(),
    attribution: Type.Array(Type.String()),
  },
  { description: "The basket's direction of travel, for England or one council" },
);

export const EveryCouncilQuery = Type.Object(
  {
    basket: DirectionQuery.properties.basket,
    baseline: DirectionQuery.properties.baseline,
    latest: DirectionQuery.properties.latest,
  },
  { additionalProperties: false },
);

export const EveryCouncilReport = Type.Object(
  {
    basket: DirectionReport.properties.basket,
    councils: Type.Array(
      Type.Object({
        code: Type.String(),
        name: Type.String(),
        type: Type.String(),
        summary: Summary,
        flags: Type.Array(Type.String()),
      }),
      { description: 'Every current council against its own baseline' },
    ),
    metrics: Type.Array(
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        theme: Type.String(),
        polarity: Type.String(),
        councils: Type.Object(Counts, {
          description: 'How many councils the measure applies to improved, stayed the same, worsened, and so on',
        }),
      }),
    ),
    methodology: Type.Array(Type.String()),
    licence: Type.String(),
  },
  { description: "Every current council's direction of travel against its own baseline" },
);

export const BasketList = Type.Object(
  {
    baskets: Type.Array(
      Type.Object({
        id: Type.String(),
        code: Type.String(),
        version: Type.String(),
        name: Type.String(),
        description: Type.String(),
        baseline: Type.String(),
        latest: Type.String(),
        tolerance: Type.Number(),
        loadedAt: Type.String(),
        metrics: Type.Array(
          Type.Object({
            metric: Type.String(),
            theme: Type.Optional(Type.String()),
            why: Type.String(),
            baseline: Type.Optional(Type.String()),
            latest: Type.Optional(Type.String()),
          }),
        ),
      }),
    ),
  },
  { description: 'Every basket loaded, every version' },
);

export const RuleSetList = Type.Object(
  {
    ruleSets: Type.Array(
      Type.Object({
        id: Type.String(),
        code: Type.String(),
        version: Type.String(),
        name: Type.String(),
        description: Type.String(),
        loadedAt: Type.String(),
        rules: Type.Array(
          Type.Object({
            id: Type.String(),
            type: Type.String(),
            statement: Type.String(),
            source: Type.Optional(Type.String()),
            params: Type.Unknown(),
          }),
        ),
      }),
    ),
  },
  { description: 'Every rule set loaded, every version' },
);

export const EarlyWarningQuery = Type.Object(
  {
    rules: Type.Optional(
      Type.String({
        maxLength: 120,
        description: 'Rule set id, optionally @version (default: sector-early-warning, latest version)',
      }),
    ),
    area: Type.Optional(Type.String({ pattern: '^[EeWwSsNn]\\d{8}$', description: 'Only this council' })),
    include: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('all')], {
        description: 'open (default): flags now raised; all: the history, with when each was raised and cleared',
      }),
    ),
  },
  { additionalProperties: false },
);

const Flag = Type.Object({
  id: Type.Integer(),
  rule: Type.String(),
  area: Type.Object({ code: Type.String(), name: Type.String(), type: Type.String() }),
  enteredAt: Type.String(),
  leftAt: Type.Union([Type.String(), Type.Null()]),
  evidence: Type.Object({ summary: Type.String(), items: Type.Array(Type.Record(Type.String(), Type.Unknown())) }),
  annotations: Type.Array(Type.Object({ author: Type.String(), text: Type.String(), createdAt: Type.String() })),
});

export const EarlyWarningResults = Type.Object(
  {
    ruleSet: Type.Object({ id: Type.String(), version: Type.String(), name: Type.String() }),
    lastRun: Type.Union([
      Type.Null(),
      Type.Object({
        id: Type.Integer(),
        runAt: Type.String(),
        dataAsOf: Type.Union([Type.String(), Type.Null()]),
        councils: Type.Integer(),
        flags: Type.Integer(),
        rules: Type.Array(
          Type.Object({
            rule: Type.String(),
            status: Type.String(),
            error: Type.Union([Type.String(), Type.Null()]),
            flagged: Type.Integer(),
          }),
        ),
      }),
    ]),
    flags: Type.Array(Flag),
  },
  { description: 'The latest screening run and its flags' },
);

export const ScreeningQuery = Type.Object(
  {
    rules: Type.Optional(
      Type.String({ maxLength: 120, description: 'Rule set id, optionally @version (default: sector-early-warning)' }),
    ),
  },
  { additionalProperties: false },
);

export const ScreeningRun = Type.Object(
  {
    runId: Nullable(Type.Integer()),
    runAt: Type.String(),
    councils: Type.Integer({ description: 'Councils screened' }),
    rules: Type.Array(
      Type.Object({
        id: Type.String(),
        type: Type.String(),
        statement: Type.String(),
        status: Type.Union([Type.Literal('ok'), Type.Literal('failed')]),
        error: Nullable(Type.String()),
        flagged: Type.Integer(),
      }),
    ),
    flagged: Type.Integer({ description: 'Councils with at least one flag' }),
  },
  { description: 'The run: when, how many councils were screened and flagged, and each rule' },
);

export const FlagParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const AnnotationBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

export const Annotation = Type.Object(
  { flag: Type.Integer(), author: Type.String(), text: Type.String() },
  { description: 'The note added to the flag' },
);
