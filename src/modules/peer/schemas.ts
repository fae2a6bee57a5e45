/** The TypeBox schemas of the peer challenge API: requests, responses and the OpenAPI entries. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../../platform/schema.ts';
import { DOCUMENT_MAX_BYTES, DOCUMENT_MAX_MB } from './files.ts';

/** The longest base64 text of a document file (4 characters per 3 bytes), and the body that may carry it. */
export const DOCUMENT_BASE64_MAX = Math.ceil(DOCUMENT_MAX_BYTES / 3) * 4;
export const DOCUMENT_BODY_LIMIT = DOCUMENT_BASE64_MAX + 64 * 1024;

const Str = (max: number, description?: string) =>
  Type.String({ maxLength: max, ...(description ? { description } : {}) });
const Date_ = (description: string) => Type.String({ maxLength: 10, description: `${description} (YYYY-MM-DD)` });
const NDate = Nullable(Type.String());

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const ActionParams = Type.Object({ id: Type.Integer({ minimum: 1 }), action: Type.Integer({ minimum: 1 }) });
export const DocumentParams = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  document: Type.Integer({ minimum: 1 }),
});
export const CalendarQuery = Type.Object(
  { year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, description: 'The year (default this year)' })) },
  { additionalProperties: false },
);
export const Calendar = Type.Object(
  {
    year: Type.Integer(),
    visits: Type.Integer({ description: 'Visits starting in the year (withdrawn ones left out)' }),
    weeks: Type.Array(
      Type.Object({
        week: Type.String({ description: 'The Monday of the week the visits start in (YYYY-MM-DD)' }),
        visits: Type.Array(
          Type.Object({
            id: Type.Integer(),
            council: Type.Object({ code: Type.String(), name: Type.String() }),
            kind: Type.Object({ name: Type.String() }),
            onsite: Type.Object({ start: NDate, end: NDate }),
            state: Type.String(),
            team: Type.Array(Type.Object({ peerId: Type.Integer(), name: Type.String(), teamRole: Type.String() })),
          }),
        ),
      }),
    ),
  },
  { description: "A year's on-site weeks" },
);
export const CodeParams = Type.Object({ code: Str(20, 'GSS code of the council') });

export const FrameworkList = Type.Object(
  {
    frameworks: Type.Array(
      Type.Object({
        id: Type.Integer(),
        code: Type.String(),
        version: Type.String(),
        name: Type.String(),
        validFrom: Type.String(),
        validTo: NDate,
        components: Type.Array(
          Type.Object({ code: Type.String(), title: Type.String(), prompts: Type.Array(Type.String()) }),
        ),
      }),
    ),
    kinds: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), corporate: Type.Boolean() })),
    deadlines: Type.Array(
      Type.Object({
        code: Type.String(),
        dueState: Type.String(),
        months: Type.Integer(),
        validFrom: Type.String(),
        validTo: NDate,
      }),
    ),
    conflictRules: Type.Array(
      Type.Object({
        code: Type.String(),
        description: Type.String(),
        params: Type.Record(Type.String(), Type.Unknown()),
      }),
    ),
  },
  { description: 'The frameworks, kinds, deadline policy and conflict rules' },
);

export const CoverageQuery = Type.Object(
  {
    type: Type.Optional(Str(50, 'Council types: GSS prefixes (E06,E07) or words (district, upper-tier)')),
    region: Type.Optional(Str(9, 'Region code, e.g. E12000002')),
    status: Type.Optional(
      Type.Union([Type.Literal('due'), Type.Literal('overdue'), Type.Literal('not-due'), Type.Literal('none')]),
    ),
    flagged: Type.Optional(Type.Boolean({ description: 'true: only councils with open early-warning flags' })),
  },
  { additionalProperties: false },
);
export type CoverageQueryT = Static<typeof CoverageQuery>;

const CoverageRowSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  type: Type.String(),
  region: Nullable(Type.String()),
  regionName: Nullable(Type.String()),
  lastOnsite: NDate,
  lastEngagement: Nullable(Type.Integer()),
  state: Nullable(Type.String()),
  status: Type.String({ description: 'due (within 12 months of five years), overdue, not-due or none' }),
  dueBy: NDate,
  flags: Type.Array(Type.Object({ rule: Type.String(), since: Type.String(), evidence: Type.String() })),
});
export const Coverage = Type.Object(
  { at: Type.String(), councils: Type.Array(CoverageRowSchema) },
  { description: 'One row per current council' },
);
export const CoverageCounts = Type.Object(
  {
    at: Type.String(),
    councils: Type.Integer(),
    due: Type.Integer(),
    overdue: Type.Integer(),
    notDue: Type.Integer(),
    none: Type.Integer(),
  },
  { description: 'How many current councils are in each coverage status' },
);

const DeadlineSchema = Type.Object({
  code: Type.String(),
  dueState: Type.String(),
  dueBy: Type.String(),
  metOn: NDate,
  overdue: Type.Boolean(),
});
export const Pipeline = Type.Object(
  {
    at: Type.String(),
    states: Type.Array(
      Type.Object({
        state: Type.String(),
        engagements: Type.Array(
          Type.Object({
            id: Type.Integer(),
            council: Type.Object({ code: Type.String(), name: Type.String() }),
            kind: Type.String(),
            onsite: Type.Object({ start: NDate, end: NDate }),
            overdue: Type.Array(DeadlineSchema),
          }),
        ),
      }),
    ),
  },
  { description: 'Open engagements by state' },
);

export const EngagementSchema = Type.Object(
  {
    id: Type.Integer(),
    council: Type.Object({ code: Type.String(), name: Type.String(), currentCode: Type.String() }),
    kind: Type.Object({ code: Type.String(), name: Type.String() }),
    framework: Type.Object({
      code: Type.String(),
      version: Type.String(),
      name: Type.String(),
      components: Type.Array(Type.Object({ code: Type.String(), title: Type.String() })),
    }),
    scope: Nullable(Type.String()),
    focusAreas: Type.Array(Type.String()),
    state: Type.String(),
    stateLabel: Type.String(),
    onsite: Type.Object({ start: NDate, end: NDate }),
    steps: Type.Array(Type.Object({ state: Type.String(), date: Type.String(), reason: Nullable(Type.String()) })),
    deadlines: Type.Array(DeadlineSchema),
    standing: Type.String({ description: 'How you see it: manager, council, peer or public' }),
    team: Type.Array(
      Type.Object({
        peerId: Type.Integer(),
        name: Type.String(),
        role: Type.String(),
        politicalGroup: Nullable(Type.String()),
        teamRole: Type.String(),
        daysCommitted: Type.Number(),
        daysDelivered: Nullable(Type.Number()),
      }),
    ),
    findings: Type.Array(
      Type.Object({ id: Type.Integer(), component: Type.String(), kind: Type.String(), text: Type.String() }),
    ),
    recommendations: Type.Array(
      Type.Object({
        id: Type.String({ description: 'Stable id, e.g. PC12-R3' }),
        component: Type.String(),
        text: Type.String(),
        actions: Type.Array(
          Type.Object({
            id: Type.Integer(),
            text: Type.String(),
            ownerRole: Type.String(),
            dueDate: Type.String(),
            status: Type.String(),
            evidence: Type.Array(Type.String()),
            updates: Type.Array(
              Type.Object({ date: Type.String(), status: Type.String(), note: Nullable(Type.String()) }),
            ),
          }),
        ),
      }),
    ),
    documents: Type.Array(
      Type.Object({
        id: Type.Integer(),
        kind: Type.String(),
        title: Type.String(),
        url: Type.String({ description: 'The link, or for an uploaded file the address it is served at' }),
        publishedAt: NDate,
        public: Type.Boolean(),
        file: Nullable(
          Type.Object({
            name: Type.String(),
            contentType: Type.String(),
            size: Type.Integer({ description: 'Bytes' }),
            sha256: Type.String(),
          }),
        ),
      }),
    ),
  },
  { description: 'An engagement, cut to what you may see' },
);
export const EngagementList = Type.Object(
  { engagements: Type.Array(EngagementSchema) },
  { description: 'The engagements you may see' },
);
export const CouncilEngagements = Type.Object(
  {
    council: Type.Object({ code: Type.String(), name: Type.String(), currentCode: Type.String() }),
    engagements: Type.Array(EngagementSchema),
  },
  { description: "The council's engagements you may see" },
);
export const ListQuery = Type.Object(
  { council: Type.Optional(Str(20, 'GSS code')), state: Type.Optional(Str(40, 'A state')) },
  { additionalProperties: false },
);

export const NewEngagementBody = Type.Object(
  {
    council: Str(20, 'GSS code of the council as at the request'),
    kind: Str(60, 'An engagement kind (see /api/v1/peer-challenge/frameworks)'),
    framework: Type.Optional(Str(40, 'Framework version; default the one in force on requestedOn')),
    scope: Type.Optional(Str(2000)),
    focusAreas: Type.Optional(Type.Array(Str(200), { maxItems: 10 })),
    requestedOn: Date_('When the council asked'),
    onsiteStart: Type.Optional(Date_("The visit's first day")),
    onsiteEnd: Type.Optional(Date_("The visit's last day")),
  },
  { additionalProperties: false },
);
export const StepBody = Type.Object(
  {
    state: Str(40, 'The next state (or withdrawn / postponed with a reason)'),
    date: Date_('When it happened'),
    reason: Type.Optional(Str(1000)),
    onsiteStart: Type.Optional(Date_("The visit's first day")),
    onsiteEnd: Type.Optional(Date_("The visit's last day")),
  },
  { additionalProperties: false },
);
export const TeamBody = Type.Object(
  {
    peerId: Type.Integer({ minimum: 1 }),
    teamRole: Str(
      40,
      'lead-officer-peer, lead-member-peer, officer-peer, member-peer, peer-challenge-manager or support',
    ),
    daysCommitted: Type.Number({ minimum: 0, maximum: 30 }),
    daysDelivered: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 30 }))),
  },
  { additionalProperties: false },
);
export const PeerBody = Type.Object(
  {
    name: Str(200),
    userEmail: Type.Optional(Str(320, 'The registered user this peer signs in as')),
    homeCouncil: Type.Optional(Str(20)),
    role: Str(40, 'chief-executive, director, leader, cabinet-member, councillor or other'),
    politicalGroup: Type.Optional(Str(100)),
    skills: Type.Optional(Type.Array(Str(100), { maxItems: 30 })),
    region: Type.Optional(Str(9)),
    accreditation: Type.Optional(Str(200)),
    accreditedAt: Type.Optional(Date_('Accredited or last trained on')),
    availability: Type.Optional(Str(500)),
    formerEmployers: Type.Optional(
      Type.Array(Type.Object({ council: Str(20), until: Date_('Employed until') }, { additionalProperties: false }), {
        maxItems: 20,
      }),
    ),
  },
  { additionalProperties: false },
);
const Clearable = (max: number, description: string) =>
  Type.Optional(Nullable(Str(max, `${description} (null clears it)`)));
export const PeerPatchBody = Type.Object(
  {
    active: Type.Optional(Type.Boolean({ description: 'false: kept in the history, not offered for teams' })),
    availability: Clearable(500, 'When the peer can serve'),
    accreditation: Clearable(200, 'Accreditation and training status'),
    accreditedAt: Type.Optional(Nullable(Date_('Accredited or last trained on'))),
    skills: Type.Optional(Type.Array(Str(100), { maxItems: 30 })),
    politicalGroup: Clearable(100, 'Political group (member peers)'),
    region: Clearable(9, 'GSS code of the region'),
  },
  { additionalProperties: false },
);
export type PeerPatchT = Static<typeof PeerPatchBody>;
export const PeerList = Type.Object(
  {
    peers: Type.Array(
      Type.Object({
        id: Type.Integer(),
        name: Type.String(),
        role: Type.String(),
        homeCouncil: Nullable(Type.String()),
        politicalGroup: Nullable(Type.String()),
        skills: Type.Array(Type.String()),
        region: Nullable(Type.String()),
        accreditation: Nullable(Type.String()),
        accreditedAt: NDate,
        availability: Nullable(Type.String()),
        active: Type.Boolean(),
      }),
    ),
  },
  { description: 'The peer pool' },
);
export const PartnershipBody = Type.Object(
  {
    a: Str(20, 'GSS code of one council'),
    b: Str(20, 'GSS code of the other'),
    kind: Str(40, 'shared-chief-executive or shared-service'),
    validFrom: Date_('From'),
    validTo: Type.Optional(Date_('Until')),
  },
  { additionalProperties: false },
);
export const KindBody = Type.Object(
  {
    code: Str(40, 'A new kind code, e.g. planning (lower-case letters, digits and hyphens)'),
    name: Str(200, 'e.g. Planning peer review'),
    corporate: Type.Optional(
      Type.Boolean({ description: 'true: counts towards five-yearly coverage as a corporate peer challenge' }),
    ),
  },
  { additionalProperties: false },
);
export type KindT = Static<typeof KindBody>;
export const DeadlineBody = Type.Object(
  {
    code: Str(40, 'The deadline, e.g. report (an existing one gets a new policy from validFrom; a new code is added)'),
    dueState: Str(40, 'The step that meets it, e.g. report-published'),
    months: Type.Integer({ description: "Months after the visit's last day" }),
    validFrom: Date_('In force for visits ending from'),
  },
  { additionalProperties: false },
);
export type DeadlineT = Static<typeof DeadlineBody>;
export const FocusAreaBody = Type.Object(
  { name: Str(200, 'A local focus area the council adds to the framework for its challenge') },
  { additionalProperties: false },
);
export type FocusAreaT = Static<typeof FocusAreaBody>;
export const FindingBody = Type.Object(
  { component: Str(200), kind: Str(40, 'strength or area-for-consideration'), text: Str(4000) },
  { additionalProperties: false },
);
export const RecommendationBody = Type.Object(
  {
    component: Str(200, "A component code of the engagement's framework, or focus:<local focus area>"),
    text: Str(4000),
  },
  { additionalProperties: false },
);
export const ActionBody = Type.Object(
  {
    recommendation: Str(40, 'The recommendation id, e.g. PC12-R3'),
    text: Str(2000),
    ownerRole: Str(200),
    dueDate: Date_('Due'),
    status: Type.Optional(Str(20, 'not-started, on-track, at-risk or complete')),
    evidence: Type.Optional(Type.Array(Str(2000), { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export const ActionUpdateBody = Type.Object(
  {
    date: Date_('The update'),
    status: Str(20, 'not-started, on-track, at-risk or complete'),
    note: Type.Optional(Str(2000)),
  },
  { additionalProperties: false },
);
export const DocumentBody = Type.Object(
  {
    kind: Str(40, 'position-statement, report, action-plan or progress-review-report'),
    title: Str(300),
    url: Type.Optional(Str(2000, 'A link to the document (or give its file)')),
    file: Type.Optional(
      Type.Object(
        {
          name: Str(300, 'The file name, with its extension (.pdf, .docx, .xlsx, .pptx, .odt or .ods)'),
          content: Type.String({
            maxLength: DOCUMENT_BASE64_MAX,
            description: `The file, base64-encoded: at most ${DOCUMENT_MAX_MB} MB`,
          }),
        },
        { additionalProperties: false },
      ),
    ),
    publishedAt: Type.Optional(Date_('Published')),
    public: Type.Boolean(),
  },
  { additionalProperties: false },
);
export const Created = Type.Object(
  {
    id: Type.Union([Type.Integer(), Type.String()]),
    warnings: Type.Array(Type.String()),
  },
  { description: 'Created: its id (a recommendation’s stable id) and any warnings' },
);
export const Done = Type.Object({ ok: Type.Boolean() });
export type NewEngagementT = Static<typeof NewEngagementBody>;
export type StepT = Static<typeof StepBody>;
export type TeamT = Static<typeof TeamBody>;
export type PeerT = Static<typeof PeerBody>;
export type PartnershipT = Static<typeof PartnershipBody>;
export type FindingT = Static<typeof FindingBody>;
export type RecommendationT = Static<typeof RecommendationBody>;
export type ActionT = Static<typeof ActionBody>;
export type ActionUpdateT = Static<typeof ActionUpdateBody>;
export type DocumentT = Static<typeof DocumentBody>;

export const SearchQuery = Type.Object(
  {
    q: Type.Optional(Str(200, 'Words to find (all of them, English stemming); punctuation and operators are ignored')),
    component: Type.Optional(
      Str(100, 'A framework component code, e.g. governance-culture, or focus:… for a local focus'),
    ),
    type: Type.Optional(Str(50, 'Council types: GSS prefixes (E06,E07) or words (district, upper-tier)')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'How many results (default 50)' })),
  },
  { additionalProperties: false },
);
export type SearchQueryT = Static<typeof SearchQuery>;

export const SearchResults = Type.Object(
  {
    q: Type.String({ description: 'The words searched for, after punctuation and common words were dropped' }),
    component: Nullable(Type.String()),
    type: Nullable(Type.String()),
    scope: Type.String({
      description:
        "published (everyone), published-and-own (a council user: its council's engagements too; a peer: those they are on; drafts included) or all (managers and administrators)",
    }),
    total: Type.Integer(),
    limit: Type.Integer(),
    results: Type.Array(
      Type.Object({
        kind: Type.String({ description: 'recommendation or finding' }),
        id: Type.String({ description: "The recommendation's stable id, or finding-N" }),
        engagement: Type.Integer(),
        council: Type.Object({ code: Type.String(), name: Type.String(), currentCode: Type.String() }),
        councilType: Nullable(Type.String()),
        year: Nullable(Type.String({ description: 'Year of the on-site visit' })),
        component: Type.String(),
        componentTitle: Type.String(),
        findingKind: Nullable(Type.String()),
        text: Type.String(),
        published: Type.Boolean({
          description:
            'false for a draft (an engagement not yet published: seen by managers, the council and the team)',
        }),
      }),
    ),
    counts: Type.Array(
      Type.Object({
        component: Type.String(),
        title: Type.String(),
        year: Nullable(Type.String()),
        recommendations: Type.Integer(),
        findings: Type.Integer(),
      }),
      { description: 'Every match (not only the page shown), by component and year of the visit' },
    ),
  },
  {
    description:
      'Matching findings and recommendations (latest visits first, up to the limit) and the counts of every match',
  },
);

const PoolCouncilSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  type: Type.String(),
  peers: Type.Integer(),
  activePeers: Type.Integer(),
  engagements: Type.Integer(),
  daysCommitted: Type.Number(),
  daysDelivered: Type.Number(),
  daysDonated: Type.Number({ description: 'Days delivered where recorded, else days committed' }),
  coverage: Nullable(Type.String()),
  neverChallenged: Type.Boolean(),
});
export const Pool = Type.Object(
  {
    totals: Type.Object({
      peers: Type.Integer(),
      activePeers: Type.Integer(),
      daysCommitted: Type.Number(),
      daysDelivered: Type.Number(),
      daysDonated: Type.Number(),
    }),
    peers: Type.Array(
      Type.Object({
        id: Type.Integer(),
        name: Type.String(),
        role: Type.String(),
        active: Type.Boolean(),
        homeCouncil: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
        engagements: Type.Integer(),
        daysCommitted: Type.Number(),
        daysDelivered: Type.Number(),
        daysDonated: Type.Number(),
      }),
    ),
    councils: Type.Array(PoolCouncilSchema),
    neverChallenged: Type.Array(PoolCouncilSchema),
  },
  {
    description:
      'Days committed and delivered per peer and per home council (most first), and the councils that give peers but have no corporate peer challenge on record',
  },
);
