/** The TypeBox schemas of the peer challenge evaluation API (contacts, questionnaires, waves, frames) and of days. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../../platform/schema.ts';

const Str = (max: number, description?: string) =>
  Type.String({ maxLength: max, ...(description ? { description } : {}) });
const Kind = Type.Union([Type.Literal('feedback'), Type.Literal('impact')], {
  description: 'feedback (soon after the visit) or impact (about a year on)',
});

export const MemberParams = Type.Object({ id: Type.Integer({ minimum: 1 }), peer: Type.Integer({ minimum: 1 }) });
export const DaysBody = Type.Object(
  {
    daysDelivered: Nullable(
      Type.Number({ description: 'Days the team member delivered, whole or half (0 to 30); null clears the figure' }),
    ),
  },
  { additionalProperties: false },
);
export type DaysT = Static<typeof DaysBody>;
export const DaysRecorded = Type.Object(
  {
    peerId: Type.Integer(),
    name: Type.String(),
    daysCommitted: Type.Number(),
    daysDelivered: Nullable(Type.Number()),
  },
  { description: "The team member's days committed and delivered, as recorded" },
);

const Person = Type.Object({ name: Nullable(Type.String()), email: Nullable(Type.String()) });
export const Contacts = Type.Object(
  { leader: Person, chiefExecutive: Person },
  { description: "The council's leader and chief executive recorded on the engagement (personal data)" },
);
export const ContactsBody = Type.Object(
  {
    leaderName: Type.Optional(Str(200)),
    leaderEmail: Type.Optional(Str(320)),
    chiefExecutiveName: Type.Optional(Str(200)),
    chiefExecutiveEmail: Type.Optional(Str(320)),
  },
  { additionalProperties: false },
);
export type ContactsT = Static<typeof ContactsBody>;

export const Questionnaires = Type.Array(
  Type.Object({
    kind: Kind,
    code: Type.String(),
    title: Type.String(),
    shippedVersion: Type.Integer(),
    versions: Type.Array(Type.Integer(), { description: 'Versions loaded as survey definitions' }),
  }),
  { description: 'The standard feedback and impact questionnaires, as shipped and as loaded' },
);
export const LoadBody = Type.Object({ survey: Kind }, { additionalProperties: false });
export const Loaded = Type.Object(
  {
    created: Type.Boolean(),
    definition: Type.Object({
      code: Type.String(),
      version: Type.Integer(),
      title: Type.String(),
      questions: Type.Integer(),
      fingerprint: Type.String(),
      loadedBy: Nullable(Type.String()),
      loadedAt: Type.String(),
    }),
  },
  { description: 'The questionnaire as loaded (created: false when that version was loaded already)' },
);

export const Wave = Type.Object(
  {
    id: Type.Integer(),
    survey: Type.String(),
    version: Type.Integer(),
    name: Type.String(),
    mode: Type.String(),
    opensAt: Type.String(),
    closesAt: Type.String(),
    state: Type.String(),
    openLink: Nullable(Type.String()),
    createdBy: Nullable(Type.String()),
    createdAt: Type.String(),
  },
  { description: 'A wave of a peer challenge questionnaire: personal links to a frame, between two dates' },
);
export const EvaluationWaves = Type.Array(Type.Object({ ...Wave.properties, kind: Kind }), {
  description: 'The waves of the feedback and impact questionnaires, newest first',
});
export const WaveBody = Type.Object(
  {
    survey: Kind,
    name: Str(200),
    opensAt: Str(40, 'First day open (YYYY-MM-DD)'),
    closesAt: Str(40, 'Last day open (YYYY-MM-DD)'),
  },
  { additionalProperties: false },
);
export type WaveT = Static<typeof WaveBody>;

export const FrameBody = Type.Object(
  {
    wave: Type.Integer({ minimum: 1, description: 'A wave of a peer challenge questionnaire' }),
    from: Str(10, 'Feedback survey: feedback presented from this date; impact survey: this date less monthsAfter'),
    to: Str(10, 'The end of the range (inclusive)'),
    monthsAfter: Type.Optional(
      Type.Integer({ description: 'Impact survey: months between the feedback and the survey (1 to 36; 12)' }),
    ),
    dryRun: Type.Optional(Type.Boolean({ description: 'true: list the engagements and members, build nothing' })),
  },
  { additionalProperties: false },
);
export type FrameT = Static<typeof FrameBody>;
const Asked = Type.Object({
  name: Nullable(Type.String()),
  email: Type.Boolean({ description: 'An address is recorded' }),
});
export const FrameResult = Type.Object(
  {
    wave: Wave,
    survey: Kind,
    from: Type.String(),
    to: Type.String(),
    monthsAfter: Nullable(Type.Integer()),
    feedbackFrom: Type.String({ description: 'Feedback presented from this date…' }),
    feedbackTo: Type.String({ description: '…to this date (inclusive)' }),
    candidates: Type.Array(
      Type.Object({
        engagement: Type.Integer(),
        council: Type.Object({ code: Type.String(), name: Type.String() }),
        kind: Type.String(),
        feedbackPresented: Type.String(),
        leader: Asked,
        chiefExecutive: Asked,
        outcome: Type.Union([
          Type.Literal('included'),
          Type.Literal('already-in-frame'),
          Type.Literal('later-engagement-of-council'),
          Type.Literal('not-a-council'),
        ]),
      }),
    ),
    toAdd: Type.Integer({ description: 'Frame members (council and role) to add' }),
    withEmail: Type.Integer({ description: 'Of them, with an email address for the invitation' }),
    built: Type.Boolean(),
    added: Type.Integer(),
    frame: Type.Integer({ description: "The wave's frame size" }),
  },
  { description: 'The engagements taken into the frame (or, with dryRun, that would be), and what was added' },
);
export const WaveParams = Type.Object({ wave: Type.Integer({ minimum: 1 }) });
export const Queued = Type.Object(
  { queued: Type.Integer({ description: 'Invitations queued' }) },
  { description: 'How many invitations were queued to be emailed' },
);
