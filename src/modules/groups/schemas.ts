import { Nullable } from '../../platform/schema.ts';
import { CloneType, Type, type Static } from '@sinclair/typebox';

const DateString = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });
const AreaRef = Type.Object({ code: Type.String(), name: Type.String() });

export const Family = Type.Object({
  id: Type.String({ description: '<code>@<version>' }),
  code: Type.String(),
  version: Type.String(),
  kind: Type.String({ description: 'nearest-neighbours, family or cluster' }),
  name: Type.String(),
  description: Nullable(Type.String()),
  method: Nullable(Type.String()),
  model: Type.Unknown({
    description: 'For a model this service builds: its variables, weights and method, so that it can be reproduced',
  }),
  areaTypes: Type.Array(Type.String()),
  source: Type.Object({
    publisher: Type.String(),
    url: Nullable(Type.String()),
    licence: Type.String(),
    attribution: Nullable(Type.String()),
  }),
  caveats: Nullable(Type.String()),
  publishedAt: Nullable(Type.String()),
  groups: Type.Optional(Type.Integer({ description: 'Number of groups in the family' })),
});

const GroupType = Type.Union([
  Type.Literal('authority-type'),
  Type.Literal('tier'),
  Type.Literal('region'),
  Type.Literal('county'),
  Type.Literal('combined-authority'),
  Type.Literal('england'),
  Type.Literal('nearest-neighbours'),
  Type.Literal('family'),
  Type.Literal('cluster'),
  Type.Literal('custom'),
]);

const GroupFields = {
  id: Type.String({
    description:
      'Stable id: type:E08, tier:upper, region:E12000002, county:E10000014, combined-authority:E47000001, england, <family>@<version>:<code>, custom-<n>',
  }),
  type: GroupType,
  name: Type.String(),
  description: Nullable(Type.String()),
  builtIn: Type.Boolean({ description: 'Derived from the geography as at the date, not stored' }),
  at: Type.String({ description: 'The date the membership describes' }),
  owner: Nullable(AreaRef),
  family: Nullable(Family),
  memberTypes: Type.Array(Type.String(), { description: 'GSS prefixes the members are drawn from' }),
  licence: Type.String(),
  attribution: Type.String(),
  visibility: Type.Optional(
    Type.Union([Type.Literal('private'), Type.Literal('shared'), Type.Literal('public')], {
      description: 'Custom groups: private (its owner only), shared (anyone with the link) or public (listed)',
    }),
  ),
  createdBy: Type.Optional(Type.String({ description: 'Custom groups: the name of the registered user who saved it' })),
};

export const GroupMember = Type.Object({
  code: Type.String(),
  name: Type.String(),
  type: Type.String(),
  rank: Nullable(Type.Integer({ description: 'Rank in a neighbour set (1 = nearest)' })),
  distance: Nullable(Type.Number()),
  note: Nullable(Type.String({ description: "e.g. the publisher's closeness band" })),
  detail: Type.Unknown({ description: "For our own model: each variable's contribution to the distance" }),
  current: Type.Boolean({ description: 'False when the code had ended by the date asked for' }),
});

export const GroupSummary = Type.Object(GroupFields);
export const GroupDetail = Type.Object({ ...GroupFields, members: Type.Array(GroupMember) });
export const GroupResponse = CloneType(GroupDetail, { description: 'The group: members, model, source and licence' });
export const GroupCreated = CloneType(GroupDetail, { description: 'The group saved, with its id (Location: its URL)' });
export const MyGroups = Type.Object({ groups: Type.Array(GroupDetail) }, { description: 'Your custom groups' });

export const GroupListQuery = Type.Object(
  {
    area: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z]\\d{8}$',
        description: 'Only the groups a council can be compared with: built-in ones, its neighbour sets and clusters',
      }),
    ),
    at: Type.Optional(DateString('Membership as at this date (default today)')),
  },
  { additionalProperties: false },
);
export type GroupListQueryT = Static<typeof GroupListQuery>;

export const GroupList = Type.Object(
  {
    at: Type.String(),
    // With members first: the serializer writes an item by the first schema it fits, and a summary fits every group.
    groups: Type.Array(Type.Union([GroupDetail, GroupSummary]), { description: 'With ?area=, each with its members' }),
    families: Type.Array(Family),
  },
  { description: 'The groups as at the date, and the published families' },
);

export const GroupParams = Type.Object({ id: Type.String({ maxLength: 200 }) });
export const GroupQuery = Type.Object(
  { at: Type.Optional(DateString('Membership as at this date (default today)')) },
  { additionalProperties: false },
);

export const CustomGroupBody = Type.Object(
  {
    name: Type.String({ maxLength: 200, description: 'A name for the group, e.g. "Our CIPFA-style family"' }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    members: Type.Array(Type.String({ maxLength: 20 }), {
      maxItems: 600,
      description: 'GSS codes of current councils, 2 to 500, no repeats',
    }),
    visibility: Type.Optional(
      Type.String({ description: 'private (default: you only), shared (anyone with the link) or public (listed)' }),
    ),
  },
  { additionalProperties: false },
);
