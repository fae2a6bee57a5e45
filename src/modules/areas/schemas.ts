import { Nullable } from '../../platform/schema.ts';
import { Type, type Static } from '@sinclair/typebox';

const DateString = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });

export const AreaRef = Type.Object({ code: Type.String(), name: Type.String() });

/** Where a figure came from when it is not the council's own publication (the figure-source rule, lineage.ts). */
export const FigureSourceSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('same-area'), Type.Literal('aggregate')], {
      description:
        "same-area: a predecessor on the same area (a code change, or the county council a unitary replaced on the same boundary); aggregate: the predecessors' figures added up (counts summed, rates from numerators and denominators)",
    }),
    areas: Type.Array(AreaRef, { description: 'The councils whose published figures it comes from' }),
    note: Type.String({ description: 'e.g. "figure for Sheffield (E08000019): same area, code changed in 2025"' }),
  },
  { description: "Where a figure came from when it is not the council's own publication" },
);

const Licence = {
  licence: Type.String({
    description: 'Licence of the geography: OGL-UK-3.0 (ONS); dates and former codes from mySociety are CC BY 4.0',
  }),
  attribution: Type.String(),
  sources: Type.Array(Type.Object({ publisher: Type.String(), licence: Type.String(), url: Type.String() })),
};

export const AreaSummary = Type.Object({
  code: Type.String({ description: 'ONS GSS code' }),
  name: Type.String({ description: 'Name as at the date asked for' }),
  type: Type.String({ description: 'GSS prefix, e.g. E07' }),
  typeName: Type.String(),
  tier: Type.Union(
    [
      Type.Literal('unitary'),
      Type.Literal('upper'),
      Type.Literal('lower'),
      Type.Literal('combined-authority'),
      Type.Literal('fire-rescue-authority'),
      Type.Literal('none'),
    ],
    {
      description:
        'unitary: single tier (unitary authorities, metropolitan districts, London boroughs); upper: counties; lower: shire districts',
    },
  ),
  validFrom: Nullable(
    Type.String({ description: 'First day of the code; null when it began before the records held' }),
  ),
  validTo: Nullable(Type.String({ description: 'Last day of the code; null while current' })),
  status: Type.Union([Type.Literal('current'), Type.Literal('retired'), Type.Literal('not-yet-created')], {
    description: 'As at the date asked for',
  }),
  region: Nullable(AreaRef),
});

const Link = Type.Object({
  code: Type.String(),
  name: Type.String(),
  type: Type.String(),
  changeType: Type.String({ description: 'merger, split, new-code, boundary-change or abolition' }),
  effectiveDate: Type.String(),
  note: Nullable(Type.String()),
});

export const AreaDetail = Type.Composite(
  [
    AreaSummary,
    Type.Object({
      at: Type.String({ description: 'The date asked for (default today)' }),
      asAt: Type.String({
        description: 'The date the name, parents and children describe: `at`, or the last day of a retired area',
      }),
      names: Type.Array(
        Type.Object({ name: Type.String(), validFrom: Type.String(), validTo: Nullable(Type.String()) }),
        { description: 'Names over time, when the name changed' },
      ),
      parents: Type.Object({
        region: Nullable(AreaRef),
        county: Nullable(AreaRef),
        upperTier: Nullable(AreaRef),
        metropolitanCounty: Nullable(AreaRef),
        combinedAuthority: Nullable(AreaRef),
        fireRescueAuthority: Nullable(AreaRef),
      }),
      children: Type.Array(
        Type.Object({ code: Type.String(), name: Type.String(), type: Type.String(), typeName: Type.String() }),
        {
          description:
            "A county's districts, a region's councils, a combined or fire authority's members, England's regions",
        },
      ),
      predecessors: Type.Array(Link),
      successors: Type.Array(Link),
      ...Licence,
    }),
  ],
  { description: 'The area as at the date asked for' },
);

export const AreaListQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Part of a name (any name the area has had) or the start of a GSS code',
      }),
    ),
    type: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'GSS prefixes or names, comma-separated: unitary, shire-district, metropolitan-district, london-borough, county, region, combined-authority, fire-rescue-authority, upper-tier, lower-tier, council…',
      }),
    ),
    region: Type.Optional(Type.String({ maxLength: 20, description: 'Region GSS code, e.g. E12000002' })),
    at: Type.Optional(DateString('Areas live at this date, with their names then (default today)')),
    include: Type.Optional(
      Type.Union([Type.Literal('live'), Type.Literal('all')], {
        description: 'all: retired and not-yet-created areas too (default live)',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
export type AreaListQueryT = Static<typeof AreaListQuery>;

export const AreaList = Type.Object(
  {
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
    at: Type.String(),
    areas: Type.Array(AreaSummary),
    ...Licence,
  },
  { description: 'One page of the areas found, with the geography licence' },
);

export const AreaParams = Type.Object({
  code: Type.String({ pattern: '^[A-Za-z]\\d{8}$', description: 'GSS code, e.g. E08000009' }),
});
export const AreaQuery = Type.Object(
  { at: Type.Optional(DateString('Describe the area as at this date (default today)')) },
  { additionalProperties: false },
);

export const AreaSearchQuery = Type.Object(
  {
    q: Type.String({ maxLength: 100, description: 'What was typed: the start of a council’s name or code' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
    at: Type.Optional(DateString('Councils live at this date; default today')),
  },
  { additionalProperties: false },
);
const AreaChoice = Type.Object({
  code: Type.String({ description: 'ONS GSS code' }),
  name: Type.String({ description: 'Name as at the date asked for' }),
  type: Type.String({ description: 'GSS prefix, e.g. E07' }),
  typeName: Type.String(),
});
export const AreaSearch = Type.Object(
  { q: Type.String(), areas: Type.Array(AreaChoice), ...Licence },
  { description: 'The councils found for what was typed, the closest first' },
);
export type AreaSearch = Static<typeof AreaSearch>;
