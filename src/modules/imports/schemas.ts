import { Type } from '@sinclair/typebox';
import { Nullable } from '../../platform/schema.ts';

export const ImportParams = Type.Object({ id: Type.Integer({ minimum: 1, description: 'Import number' }) });

export const ImportListQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) },
  { additionalProperties: false },
);

const State = Type.Union([
  Type.Literal('draft'),
  Type.Literal('published'),
  Type.Literal('discarded'),
  // Being loaded in parts (parts.ts): published when its last part is.
  Type.Literal('loading'),
]);

const ObservationCounts = Type.Object(
  {
    inserted: Type.Integer({ description: 'New observations' }),
    updated: Type.Integer({ description: 'Changed observations (previous values kept as revisions)' }),
    unchanged: Type.Integer(),
  },
  { description: 'For a draft, as counted against the published data when it was made; else what it wrote' },
);

export const ImportRow = Type.Object({
  id: Type.Integer(),
  adapter: Type.String(),
  state: State,
  createdAt: Type.String(),
  publishedAt: Nullable(Type.String()),
  observations: ObservationCounts,
});

export const ImportList = Type.Object(
  { imports: Type.Array(ImportRow) },
  { description: 'Imports, newest first (analysts and administrators)' },
);

const FieldValue = Nullable(Type.Union([Type.String(), Type.Number()]));

export const MetricChange = Type.Object({
  id: Type.String({ description: 'The metric id' }),
  slug: Type.String({ description: 'Its slug, or the one a new metric would get' }),
  title: Type.String(),
  action: Type.Union([Type.Literal('new'), Type.Literal('changed')]),
  fields: Type.Array(
    Type.Object({
      field: Type.String({ description: 'The catalogue field, as the change feed names it (e.g. caveats, polarity)' }),
      before: FieldValue,
      after: FieldValue,
    }),
    { description: 'Field by field, old and new (a new metric: every field it sets, before null)' },
  ),
});

export const ImportDetail = Type.Composite(
  [
    ImportRow,
    Type.Object({
      files: Type.Array(Type.Object({ name: Type.String(), sha256: Type.String(), bytes: Type.Integer() })),
      withdrawn: Nullable(
        Type.Integer({
          description:
            'A draft: published observations of its metrics and periods it no longer holds, which publishing would withdraw (when confirmed). Otherwise null',
        }),
      ),
      metrics: Type.Array(MetricChange, {
        description:
          'A draft: what publishing it would change in the catalogue now. Published: what it changed. Discarded: none',
      }),
    }),
  ],
  { description: 'One import; for a draft, the preview of what publishing it would change' },
);
