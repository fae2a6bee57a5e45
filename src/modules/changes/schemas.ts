import { Nullable } from '../../platform/schema.ts';
import { Type, type Static } from '@sinclair/typebox';

const Cursor = (description: string) => Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description });

export const ChangesQuery = Type.Object(
  {
    cursor: Type.Optional(
      Cursor('Where to resume: the `next` of an earlier response (entries after it). Not with `since`.'),
    ),
    since: Type.Optional(
      Type.String({
        description:
          'Start at the first entry published at or after this time: YYYY-MM-DD or an ISO 8601 date-time. Not with `cursor`.',
      }),
    ),
    metric: Type.Optional(Type.String({ maxLength: 200, description: "Only this metric's entries (id or slug)" })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1000 })),
  },
  { additionalProperties: false },
);

export const AtomQuery = Type.Object(
  { before: Type.Optional(Cursor('Older entries: those before this position (the `next` link of a page)')) },
  { additionalProperties: false },
);
export const MetricParams = Type.Object({ id: Type.String({ maxLength: 200, description: 'Metric id or slug' }) });

export const PageQuery = Type.Object(
  {
    after: Type.Optional(Cursor('Newer changes: those after this position')),
    before: Type.Optional(Cursor('Older changes: those before this position')),
  },
  { additionalProperties: false },
);

const Value = Type.Object({
  value: Nullable(Type.Number()),
  status: Type.Array(Type.String()),
  revision: Type.Integer(),
});

export const FeedEntry = Type.Object({
  position: Type.String({ description: "This entry's position: as a `cursor`, resumes after it" }),
  kind: Type.Union([Type.Literal('catalogue'), Type.Literal('observation'), Type.Literal('publication')]),
  at: Type.String({ description: 'When the change was published (ISO 8601)' }),
  importId: Nullable(Type.Integer({ description: 'The import that made it' })),
  summary: Type.String({ description: 'What changed, in plain English' }),
  change: Type.Optional(
    Type.Object(
      {
        entity: Type.String({ description: 'What changed: metric, area, group-family or import' }),
        action: Type.String({ description: 'created, updated or published' }),
        key: Type.String({ description: "The entity's code (an import's number)" }),
        detail: Type.Unknown({ description: 'Free-form JSON: what the change log recorded, or null' }),
      },
      { description: 'kind catalogue: a change to the catalogue or the geography' },
    ),
  ),
  publication: Type.Optional(
    Type.Object(
      {
        adapter: Type.String(),
        metric: Type.String(),
        inserted: Type.Integer(),
        updated: Type.Integer(),
        unchanged: Type.Integer(),
      },
      { description: "kind publication: one metric's observations an import published, counted" },
    ),
  ),
  observation: Type.Optional(
    Type.Object(
      {
        action: Type.Union([Type.Literal('revised'), Type.Literal('deleted')]),
        metric: Type.String(),
        area: Type.String(),
        areaName: Type.String(),
        period: Type.String(),
        periodLabel: Type.String(),
        previous: Value,
        current: Type.Union([Value, Type.Null()], {
          description: 'The value this change set (null for a deletion); it may have been revised again since',
        }),
      },
      { description: 'kind observation: one observation revised or withdrawn, with its previous value' },
    ),
  ),
});
export type FeedEntry = Static<typeof FeedEntry>;

export const ChangeFeed = Type.Object(
  {
    entries: Type.Array(FeedEntry, { description: 'Oldest first, in the order they were published' }),
    next: Type.String({
      description:
        'The cursor to ask for next (also in the Link header, rel="next"): it resumes after the last entry of this page, ' +
        'or where this page started when it is empty, so polling it later returns what was published since',
    }),
    more: Type.Boolean({ description: 'True when more entries follow now' }),
  },
  {
    description:
      'One ordered feed of every change: catalogue changes, publications and revised or withdrawn observations',
  },
);
