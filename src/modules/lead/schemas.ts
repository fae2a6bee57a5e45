/** The TypeBox schemas of the leadership programmes API: requests, responses and the OpenAPI entries. */
import { Type } from '@sinclair/typebox';
import { Nullable } from '../../platform/schema.ts';
import { KINDS, PLACE_KINDS, ROLES } from './rules.ts';

const Str = (max: number, description?: string) =>
  Type.String({ maxLength: max, ...(description ? { description } : {}) });
const Day = (description: string) => Type.String({ maxLength: 10, description: `${description} (YYYY-MM-DD)` });
const NStr = Nullable(Type.String());
const StrList = (description: string) => Type.Array(Str(60), { maxItems: 50, description });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const RuleShape = {
  validFrom: Day('First day the rule is in force'),
  validTo: Nullable(Type.String({ description: 'Last day, or null while in force' })),
  roles: Type.Array(Type.String(), { description: `Roles admitted: ${ROLES.join(', ')}` }),
  officerGrades: Nullable(Type.Array(Type.String(), { description: 'Officer grades admitted (null: any)' })),
  parties: Nullable(Type.Array(Type.String(), { description: 'Parties admitted where cross-party (null: any)' })),
  councilTypes: Nullable(Type.Array(Type.String(), { description: 'GSS type prefixes admitted (null: any)' })),
};

export const ProgrammeBody = Type.Object(
  {
    code: Str(60, 'A short stable code, e.g. leadership-academy'),
    name: Str(200),
    kind: Type.String({ enum: [...KINDS] }),
    crossParty: Type.Optional(Type.Boolean()),
    completionMinModules: Type.Optional(
      Nullable(Type.Integer({ description: 'Modules to attend to complete (null: all)' })),
    ),
    rules: Type.Array(
      Type.Object({
        validFrom: Str(10),
        validTo: Type.Optional(Nullable(Str(10))),
        roles: StrList('Roles admitted'),
        officerGrades: Type.Optional(Nullable(StrList('Officer grades admitted'))),
        parties: Type.Optional(Nullable(StrList('Parties admitted'))),
        councilTypes: Type.Optional(Nullable(StrList('GSS type prefixes admitted'))),
      }),
      { maxItems: 20 },
    ),
    windows: Type.Optional(
      Type.Array(Type.Object({ startsOn: Str(10), endsOn: Str(10) }), {
        maxItems: 20,
        description: 'Windows in which each council may hold one subsidised place',
      }),
    ),
    charges: Type.Optional(
      Type.Array(
        Type.Object({
          placeKind: Type.String({ enum: [...PLACE_KINDS] }),
          financialYear: Str(7, 'e.g. 2026-27'),
          amountPence: Type.Integer(),
        }),
        { maxItems: 100 },
      ),
    ),
  },
  { additionalProperties: false },
);
export const CohortBody = Type.Object(
  {
    number: Type.Integer(),
    capacity: Type.Integer(),
    startsOn: Str(10),
    endsOn: Str(10),
    venue: Type.Optional(Nullable(Str(200))),
    online: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const ModuleBody = Type.Object(
  { number: Type.Integer(), title: Str(200), heldOn: Str(10) },
  { additionalProperties: false },
);
export const ApplicationBody = Type.Object(
  {
    council: Str(20, 'GSS code of the council (an older code of a re-coded council is taken as its new code)'),
    name: Str(200),
    email: Str(320),
    role: Type.String({ enum: [...ROLES] }),
    officerGrade: Type.Optional(Nullable(Str(60))),
    party: Type.Optional(Nullable(Str(60))),
    placeKind: Type.Optional(Type.String({ enum: [...PLACE_KINDS] })),
  },
  { additionalProperties: false },
);
export const DecisionBody = Type.Object(
  { decision: Type.String({ enum: ['approved', 'refused'] }), reason: Type.Optional(Str(1000)) },
  { additionalProperties: false },
);
export const BookBody = Type.Object(
  {
    waitlist: Type.Optional(Type.Boolean({ description: 'Join the waiting list when the cohort is full (else 409)' })),
  },
  { additionalProperties: false },
);
export const ReasonBody = Type.Object({ reason: Type.Optional(Str(1000)) }, { additionalProperties: false });
export const AttendanceBody = Type.Object(
  { module: Type.Integer(), attended: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const SurveysQuery = Type.Object(
  { from: Day('Due on or after'), to: Day('Due on or before') },
  { additionalProperties: false },
);
export const TakeUpQuery = Type.Object(
  {
    programme: Str(60, 'Programme code'),
    window: Type.Optional(Day('First day of the window (default: the current)')),
  },
  { additionalProperties: false },
);

export const Created = Type.Object({ id: Type.Integer() }, { description: 'Created: its id' });
export const Done = Type.Object({ ok: Type.Boolean() }, { description: 'Done' });
export const Booked = Type.Object(
  {
    status: Type.String({ enum: ['booked', 'waiting'] }),
    position: Nullable(Type.Integer({ description: 'Place on the waiting list' })),
  },
  { description: 'Booked, or on the waiting list at a position' },
);
export const Attended = Type.Object(
  { completed: Type.Boolean(), attended: Type.Integer(), modules: Type.Integer() },
  { description: 'Attendance recorded: modules attended of the cohort, and whether the person has completed' },
);

const Cohort = {
  id: Type.Integer(),
  number: Type.Integer(),
  capacity: Type.Integer(),
  startsOn: Type.String(),
  endsOn: Type.String(),
  venue: NStr,
  online: Type.Boolean(),
};
export const Programmes = Type.Array(
  Type.Object({
    id: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    crossParty: Type.Boolean(),
    completionMinModules: Nullable(Type.Integer()),
    rules: Type.Array(Type.Object(RuleShape)),
    subsidyWindows: Type.Array(Type.Object({ startsOn: Type.String(), endsOn: Type.String() })),
    charges: Type.Array(
      Type.Object({ placeKind: Type.String(), financialYear: Type.String(), amountPence: Type.Integer() }),
    ),
    cohorts: Type.Array(
      Type.Object({
        ...Cohort,
        booked: Type.Integer(),
        free: Type.Integer(),
        waiting: Type.Integer(),
        modules: Type.Array(
          Type.Object({ id: Type.Integer(), number: Type.Integer(), title: Type.String(), heldOn: Type.String() }),
        ),
      }),
    ),
  }),
  { description: 'Every programme with its rules, windows, charges and cohorts' },
);
export const CohortList = Type.Object(
  {
    cohort: Type.Object(Cohort),
    participants: Type.Array(
      Type.Object({
        id: Type.Integer(),
        name: Type.String(),
        email: Type.String(),
        council: Type.String(),
        role: Type.String(),
        officerGrade: NStr,
        party: NStr,
        placeKind: Type.String(),
        status: Type.String(),
        arrival: Nullable(Type.Integer({ description: 'Order in which the booking was served' })),
        position: Nullable(Type.Integer({ description: 'Place on the waiting list' })),
        offerExpiresAt: NStr,
        chargePence: Nullable(Type.Integer()),
        financialYear: NStr,
        completedOn: NStr,
        moves: Type.Array(Type.Object({ from: NStr, to: Type.String(), reason: Type.String(), at: Type.String() })),
      }),
    ),
  },
  { description: 'The cohort and the participants the viewer may see, each with every move and its reason' },
);
export const SurveyContacts = Type.Array(
  Type.Object({
    participant: Type.Integer(),
    name: Type.String(),
    email: Type.String(),
    council: Type.String(),
    role: Type.String(),
    programme: Type.String(),
    cohort: Type.Integer(),
    kind: Type.String({ enum: ['module-feedback', 'end-feedback', 'impact'] }),
    module: Nullable(Type.Integer()),
    from: Type.String(),
    until: Type.String(),
  }),
  { description: 'Survey contacts due in the dates asked for' },
);
const TakeUpRow = Type.Object({
  code: Type.String(),
  name: Type.String(),
  type: Type.String(),
  region: NStr,
  status: Type.String({ enum: ['used', 'waiting', 'not-used'] }),
  participant: Nullable(Type.Integer()),
});
const Tally = Type.Array(Type.Object({ group: Type.String(), councils: Type.Integer(), used: Type.Integer() }));
const Count = Type.Array(Type.Object({ group: Type.String(), participants: Type.Integer() }));
export const TakeUp = Type.Object(
  {
    programme: Type.String(),
    window: Type.Object({ startsOn: Type.String(), endsOn: Type.String() }),
    councils: Type.Array(TakeUpRow),
    notUsed: Type.Array(TakeUpRow),
    byType: Tally,
    byRegion: Tally,
    participants: Type.Object({ byRole: Count, byParty: Count, byRegion: Count }),
    completion: Type.Object({ endedPlaces: Type.Integer(), completed: Type.Integer() }),
    charges: Type.Array(
      Type.Object({
        council: Type.String(),
        financialYear: Type.String(),
        places: Type.Integer(),
        pence: Type.Integer(),
      }),
    ),
    surveys: Type.Object(
      {
        rates: Type.Array(
          Type.Object({
            survey: Type.String({ enum: ['feedback', 'impact'] }),
            waves: Type.Integer(),
            asked: Type.Integer({ description: "The programme's people in the waves' frames" }),
            answered: Type.Integer({ description: 'Of them, those who submitted' }),
          }),
        ),
        speak: Nullable(
          Type.Object({
            question: Type.String(),
            rows: Type.Array(
              Type.Object({
                label: Type.String(),
                net: Type.Boolean(),
                display: Type.String({
                  description: 'Per cent as displayed (*, 0, -; the count in brackets on a small base)',
                }),
              }),
            ),
            asked: Type.Integer(),
            answered: Type.Integer({ description: 'The base' }),
          }),
        ),
        speakMissing: NStr,
      },
      {
        description:
          'Response rates of the feedback and impact surveys, and the "how would you speak about it" table from the feedback survey (null, with the reason, when no one has answered)',
      },
    ),
  },
  { description: "Take-up of the programme's subsidised places in the window" },
);
