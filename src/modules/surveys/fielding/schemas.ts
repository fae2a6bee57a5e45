/**
 * TypeBox schemas of the surveys API: what the fielding routes accept and answer, and the shapes every surveys route
 * shares (the problem answer of any 4xx, CSV and spreadsheet downloads). Response schemas also serialise: a property
 * missing here is missing from the answer, so each lists every property its object has, in the order it is built.
 */
import { Type } from '@sinclair/typebox';
import { problemResponses } from '../../../platform/errors.ts';
import { download } from '../../../platform/http.ts';
import { Nullable } from '../../../platform/schema.ts';

const Ref = Type.Object({ code: Type.String(), name: Type.String() });

/** The problems any surveys route may answer, each the platform's one problem shape as application/problem+json. */
export const PROBLEMS = problemResponses(400, 401, 403, 404, 409);
/** A download: CSV text, or an XLSX workbook. */
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const csvFile = (description: string) => download('text/csv', description);
export const xlsxFile = (description: string) => download(XLSX, description);

export const DefinitionSummary = Type.Object({
  code: Type.String({ description: 'Stable code of the questionnaire across versions' }),
  version: Type.Integer(),
  title: Type.String(),
  questions: Type.Integer(),
  fingerprint: Type.String({ description: 'SHA-256 of the SurveyJS JSON as loaded' }),
  loadedBy: Nullable(Type.String()),
  loadedAt: Type.String(),
});
export const DefinitionDetail = Type.Object(
  {
    ...DefinitionSummary.properties,
    definition: Type.Unknown({
      description: 'The normalised definition: questions with codes, kinds, answers, grid rows, nets, routing',
    }),
    source: Type.Unknown({ description: 'The SurveyJS JSON as loaded' }),
  },
  { description: 'One questionnaire version, normalised and as loaded' },
);
export const DefinitionList = Type.Object(
  { definitions: Type.Array(DefinitionSummary) },
  { description: 'The questionnaire versions loaded, by code and version' },
);
export const LoadResult = Type.Object(
  {
    created: Type.Boolean({ description: 'False when this version was already loaded with the same content' }),
    definition: DefinitionSummary,
  },
  { description: 'The version loaded (201), or already loaded with the same content (200)' },
);
export const SurveyJsBody = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'A SurveyJS survey (the documented subset) with "code" and "version" (a whole number, higher than any ' +
      'loaded before)',
  },
);
export const DefinitionParams = Type.Object({
  code: Type.String({ maxLength: 100 }),
  version: Type.Integer({ minimum: 1 }),
});

const WaveMode = Type.Union([Type.Literal('frame'), Type.Literal('open')], {
  description: 'frame: personal links to a sample frame; open: one anonymous link for a public consultation',
});
export const WaveBody = Type.Object(
  {
    survey: Type.String({ maxLength: 100, description: 'The questionnaire code' }),
    version: Type.Integer({ minimum: 1, description: 'The one version this wave uses' }),
    name: Type.String({ maxLength: 200 }),
    mode: WaveMode,
    opensAt: Type.String({
      maxLength: 40,
      description: 'YYYY-MM-DD (the start of that day in London) or an ISO 8601 instant',
    }),
    closesAt: Type.String({
      maxLength: 40,
      description: 'YYYY-MM-DD (the wave closes at the end of that day in London) or an ISO 8601 instant',
    }),
  },
  { additionalProperties: false },
);
export const Wave = Type.Object(
  {
    id: Type.Integer(),
    survey: Type.String(),
    version: Type.Integer(),
    name: Type.String(),
    mode: WaveMode,
    opensAt: Type.String(),
    closesAt: Type.String(),
    state: Type.Union([Type.Literal('scheduled'), Type.Literal('open'), Type.Literal('closed')]),
    openLink: Nullable(Type.String({ description: 'Path of the anonymous link (open waves)' })),
    createdBy: Nullable(Type.String()),
    createdAt: Type.String(),
  },
  { description: 'A wave: one questionnaire version in the field between two instants' },
);
export const WaveList = Type.Object({ waves: Type.Array(Wave) }, { description: 'Waves by questionnaire and opening' });
export const WaveListQuery = Type.Object(
  { survey: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false },
);
export const WaveParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const FrameRule = Type.Object(
  {
    types: Type.Array(Type.String({ maxLength: 40 }), {
      minItems: 1,
      maxItems: 10,
      description: 'Council types: GSS prefixes (E06…E10) or names (unitary, county, upper-tier, lower-tier, council)',
    }),
    role: Type.String({ maxLength: 200, description: 'The one named role asked in each council' }),
    at: Type.Optional(
      Type.String({
        pattern: '^\\d{4}-\\d{2}-\\d{2}$',
        description: "Councils live on this date (default the wave's opening date)",
      }),
    ),
  },
  { additionalProperties: false },
);
const FrameListed = Type.Object(
  {
    area: Type.String({
      maxLength: 200,
      description: "The council's name (as held, matched without punctuation) or GSS code",
    }),
    role: Type.String({ maxLength: 200 }),
    contact: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(
      Type.String({ maxLength: 320, description: 'Where invitations and reminders go (personal data; never logged)' }),
    ),
  },
  { additionalProperties: false },
);
export const FrameBody = Type.Object(
  {
    rule: Type.Optional(FrameRule),
    members: Type.Optional(Type.Array(FrameListed, { maxItems: 5000 })),
    csv: Type.Optional(
      Type.String({
        maxLength: 1_000_000,
        description: "CSV with a header: area (the council's name or GSS code), role, contact (optional)",
      }),
    ),
    role: Type.Optional(Type.String({ maxLength: 200, description: 'Role for CSV lines without one' })),
  },
  { additionalProperties: false },
);
export const FrameResult = Type.Object(
  { added: Type.Integer(), frame: Type.Integer({ description: 'Members in the frame now' }) },
  { description: 'Members added to the frame' },
);
const FrameMember = Type.Object({
  id: Type.Integer(),
  area: Nullable(Ref),
  authorityType: Nullable(Type.String({ description: "GSS prefix as at the frame's date" })),
  region: Nullable(Ref),
  role: Nullable(Type.String()),
  contact: Nullable(Type.String()),
  linkIssued: Type.Boolean(),
  status: Type.Union([Type.Literal('not-started'), Type.Literal('in-progress'), Type.Literal('submitted')]),
});
export const FrameList = Type.Object(
  { wave: Wave, members: Type.Array(FrameMember) },
  { description: "The wave and its frame's members with their state" },
);
export const LinksQuery = Type.Object(
  { reissue: Type.Optional(Type.Boolean({ description: 'New links for every member; the old ones stop working' })) },
  { additionalProperties: false },
);

const RateLine = Type.Object({
  code: Type.String(),
  label: Type.String(),
  frame: Nullable(Type.Integer({ description: 'Frame members (null without a frame)' })),
  submitted: Type.Integer({ description: 'Respondents who have submitted' }),
  inProgress: Type.Integer(),
  notStarted: Nullable(Type.Integer()),
  rate: Nullable(Type.Number({ description: 'Submitted as a share of the frame, 0 to 1' })),
});
export const Rates = Type.Object(
  {
    wave: Wave,
    at: Type.String(),
    overall: RateLine,
    byAuthorityType: Type.Array(RateLine),
    byRegion: Type.Array(RateLine),
  },
  { description: 'Response rates as at now: overall, by authority type and by region' },
);

export const ResponsesQuery = Type.Object(
  {
    include: Type.Optional(
      Type.Union([Type.Literal('submitted'), Type.Literal('all')], {
        description: 'submitted (default), or all: the working copies of responses not yet submitted too',
      }),
    ),
  },
  { additionalProperties: false },
);
export const Responses = Type.Object(
  {
    wave: Wave,
    columns: Type.Array(Type.String(), {
      description:
        'The CSV columns: wave, respondent_id, submitted_at, authority_type, region, role, then one column ' +
        'per question (multiple choice: one per answer, 1/0; grids: one per row)',
    }),
    detailColumns: Type.Array(Type.String(), {
      description:
        'Further fields of each row here (not in the CSV): response_id, status, revision, area_code, ' +
        'area_name, region_code',
    }),
    rows: Type.Array(Type.Record(Type.String(), Nullable(Type.Union([Type.String(), Type.Number()])))),
  },
  { description: 'The raw responses, one wide row each' },
);
