/**
 * The route × role matrix of the peer challenge module (src/modules/peer/access.test.ts): every route, what it is asked
 * with, and what each role gets. Engagements, peers and files it names are SYNTHETIC.
 */
export const API = '/api/v1/peer-challenge';
export const ROLES = ['visitor', 'analyst', 'other', 'council', 'peer', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/**
 * What each role gets, in the order of ROLES: a status, or `ok` (past the access rules: any answer but 401, 403, 404
 * and 5xx; a write may be refused for its content, e.g. a second identical step).
 */
type Expect = string;

/** Seeded records the addresses need. */
export interface Seeded {
  draft: number;
  published: number;
  peerId: number;
  spare: number;
  draftRec: string;
  publishedRec: string;
  draftAction: number;
  publishedAction: number;
  privateFile: number;
  publicFile: number;
  draftFile: number;
  wave: number;
}
export interface Case {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  /** The registered route (OpenAPI form for the API, Fastify form for pages). */
  route: string;
  url: (x: Seeded, role: Role) => string;
  body?: (x: Seeded, role: Role) => object;
  form?: boolean;
  expect: Expect;
}

const PUBLIC = '200 200 200 200 200 200 200';
const MANAGERS = '401 403 403 403 403 200 200';
const MANAGERS_WRITE = '401 403 403 403 403 ok ok';
const INSIDE_DRAFT = '404 404 404 200 200 200 200';
const MANAGER_PAGE = '303 403 403 403 403 200 200';
const MANAGER_FORM = '303 403 403 403 403 ok ok';
const outcome = (f: 'findings' | 'recommendations') =>
  f === 'findings'
    ? { component: 'governance-culture', kind: 'strength', text: 'SYNTHETIC' }
    : { component: 'governance-culture', text: 'SYNTHETIC' };
const pdf = Buffer.from('%PDF-1.4\n% SYNTHETIC\n%%EOF\n').toString('base64');

/** Every peer challenge route, API and page, read and write, for a draft and a published engagement of Trafford. */
export const CASES: Case[] = [
  { method: 'GET', route: `${API}/frameworks`, url: () => `${API}/frameworks`, expect: PUBLIC },
  { method: 'GET', route: `${API}/coverage.json`, url: () => `${API}/coverage.json`, expect: MANAGERS },
  { method: 'GET', route: `${API}/coverage.csv`, url: () => `${API}/coverage.csv`, expect: MANAGERS },
  {
    method: 'GET',
    route: `${API}/coverage.csv-metadata.json`,
    url: () => `${API}/coverage.csv-metadata.json`,
    expect: MANAGERS,
  },
  { method: 'GET', route: `${API}/coverage/counts.json`, url: () => `${API}/coverage/counts.json`, expect: PUBLIC },
  { method: 'GET', route: `${API}/pipeline`, url: () => `${API}/pipeline`, expect: MANAGERS },
  { method: 'GET', route: `${API}/calendar`, url: () => `${API}/calendar?year=2026`, expect: MANAGERS },
  { method: 'GET', route: `${API}/calendar.ics`, url: () => `${API}/calendar.ics?year=2026`, expect: MANAGERS },
  { method: 'GET', route: `${API}/engagements`, url: () => `${API}/engagements`, expect: PUBLIC },
  {
    method: 'GET',
    route: `${API}/engagements/{id}`,
    url: (x) => `${API}/engagements/${x.draft}`,
    expect: INSIDE_DRAFT,
  },
  { method: 'GET', route: `${API}/engagements/{id}`, url: (x) => `${API}/engagements/${x.published}`, expect: PUBLIC },
  ...(['action-plan.csv', 'action-plan.csv-metadata.json'] as const).flatMap((f): Case[] => [
    {
      method: 'GET',
      route: `${API}/engagements/{id}/${f}`,
      url: (x) => `${API}/engagements/${x.draft}/${f}`,
      expect: INSIDE_DRAFT,
    },
    {
      method: 'GET',
      route: `${API}/engagements/{id}/${f}`,
      url: (x) => `${API}/engagements/${x.published}/${f}`,
      expect: PUBLIC,
    },
  ]),
  {
    method: 'GET',
    route: `${API}/engagements/{id}.ics`,
    url: (x) => `${API}/engagements/${x.draft}.ics`,
    expect: INSIDE_DRAFT,
  },
  {
    method: 'GET',
    route: `${API}/engagements/{id}.ics`,
    url: (x) => `${API}/engagements/${x.published}.ics`,
    expect: PUBLIC,
  },
  // A peer's visits: managers, administrators and the peer's own user.
  {
    method: 'GET',
    route: `${API}/peers/{id}.ics`,
    url: (x) => `${API}/peers/${x.peerId}.ics`,
    expect: '401 403 403 403 200 200 200',
  },
  {
    method: 'GET',
    route: `${API}/engagements/{id}/documents/{document}/file`,
    url: (x) => `${API}/engagements/${x.draft}/documents/${x.draftFile}/file`,
    expect: INSIDE_DRAFT,
  },
  {
    method: 'GET',
    route: `${API}/engagements/{id}/documents/{document}/file`,
    url: (x) => `${API}/engagements/${x.published}/documents/${x.publicFile}/file`,
    expect: PUBLIC,
  },
  {
    method: 'GET',
    route: `${API}/engagements/{id}/documents/{document}/file`,
    url: (x) => `${API}/engagements/${x.published}/documents/${x.privateFile}/file`,
    expect: INSIDE_DRAFT,
  },
  { method: 'GET', route: `${API}/councils/{code}`, url: () => `${API}/councils/E08000009`, expect: PUBLIC },
  { method: 'GET', route: `${API}/pool`, url: () => `${API}/pool`, expect: MANAGERS },
  { method: 'GET', route: `${API}/pool.csv`, url: () => `${API}/pool.csv`, expect: MANAGERS },
  {
    method: 'GET',
    route: `${API}/pool.csv-metadata.json`,
    url: () => `${API}/pool.csv-metadata.json`,
    expect: MANAGERS,
  },
  { method: 'GET', route: `${API}/recommendations`, url: () => `${API}/recommendations?q=scrutiny`, expect: PUBLIC },
  { method: 'GET', route: `${API}/peers`, url: () => `${API}/peers`, expect: MANAGERS },
  // The evidence pack: read by the council, the team and managers; generated by the council and managers. A user who
  // sees only the published engagement gets 403, one who may not see it 404; a visitor is asked to sign in.
  ...(['json', 'xlsx'] as const).flatMap((f): Case[] => [
    {
      method: 'GET',
      route: `${API}/engagements/{id}/evidence-pack.${f}`,
      url: (x) => `${API}/engagements/${x.draft}/evidence-pack.${f}`,
      expect: '401 404 404 200 200 200 200',
    },
    {
      method: 'GET',
      route: `${API}/engagements/{id}/evidence-pack.${f}`,
      url: (x) => `${API}/engagements/${x.published}/evidence-pack.${f}`,
      expect: '401 403 403 200 200 200 200',
    },
  ]),
  {
    method: 'POST',
    route: `${API}/engagements/{id}/evidence-pack`,
    url: (x) => `${API}/engagements/${x.draft}/evidence-pack`,
    body: () => ({}),
    expect: '401 404 404 ok 403 ok ok',
  },
  {
    method: 'POST',
    route: `${API}/engagements/{id}/evidence-pack`,
    url: (x) => `${API}/engagements/${x.published}/evidence-pack`,
    body: () => ({}),
    expect: '401 403 403 ok 403 ok ok',
  },
  // Evaluation contacts (personal data), days delivered and the evaluation surveys: managers and administrators.
  {
    method: 'GET',
    route: `${API}/engagements/{id}/contacts`,
    url: (x) => `${API}/engagements/${x.draft}/contacts`,
    expect: MANAGERS,
  },
  {
    method: 'PUT',
    route: `${API}/engagements/{id}/contacts`,
    url: (x) => `${API}/engagements/${x.draft}/contacts`,
    body: () => ({ leaderName: 'A Leader (SYNTHETIC)' }),
    expect: MANAGERS_WRITE,
  },
  {
    method: 'PATCH',
    route: `${API}/engagements/{id}/team/{peer}`,
    url: (x) => `${API}/engagements/${x.draft}/team/${x.peerId}`,
    body: () => ({ daysDelivered: 4 }),
    expect: MANAGERS_WRITE,
  },
  {
    method: 'GET',
    route: `${API}/evaluation/questionnaires`,
    url: () => `${API}/evaluation/questionnaires`,
    expect: MANAGERS,
  },
  {
    method: 'POST',
    route: `${API}/evaluation/questionnaires`,
    url: () => `${API}/evaluation/questionnaires`,
    body: () => ({ survey: 'impact' }),
    expect: MANAGERS_WRITE,
  },
  { method: 'GET', route: `${API}/evaluation/waves`, url: () => `${API}/evaluation/waves`, expect: MANAGERS },
  {
    method: 'POST',
    route: `${API}/evaluation/waves`,
    url: () => `${API}/evaluation/waves`,
    body: (_x, role) => ({ survey: 'feedback', name: `Wave ${role}`, opensAt: '2026-12-01', closesAt: '2026-12-31' }),
    expect: MANAGERS_WRITE,
  },
  {
    method: 'POST',
    route: `${API}/evaluation/frames`,
    url: () => `${API}/evaluation/frames`,
    body: (x) => ({ wave: x.wave, from: '2026-01-01', to: '2026-12-31', dryRun: true }),
    expect: MANAGERS_WRITE,
  },
  {
    method: 'POST',
    route: `${API}/evaluation/waves/{wave}/invitations`,
    url: (x) => `${API}/evaluation/waves/${x.wave}/invitations`,
    body: () => ({}),
    expect: MANAGERS_WRITE,
  },
  // Writes of the programme: managers and administrators.
  {
    method: 'POST',
    route: `${API}/engagements`,
    url: () => `${API}/engagements`,
    body: () => ({ council: 'E08000003', kind: 'corporate', requestedOn: '2025-01-10' }),
    expect: MANAGERS_WRITE,
  },
  {
    method: 'POST',
    route: `${API}/engagements/{id}/steps`,
    url: (x) => `${API}/engagements/${x.draft}/steps`,
    body: () => ({ state: 'closed', date: '2026-11-01' }),
    expect: MANAGERS_WRITE,
  },
  {
    method: 'POST',
    route: `${API}/engagements/{id}/team`,
    url: (x) => `${API}/engagements/${x.draft}/team`,
    body: (x) => ({ peerId: x.spare, teamRole: 'officer-peer', daysCommitted: 4 }),
    expect: MANAGERS_WRITE,
  },
  {
    method: 'POST',
    route: `${API}/engagements/{id}/documents`,
    url: (x) => `${API}/engagements/${x.draft}/documents`,
    body: () => ({ kind: 'report', title: 'Draft report (SYNTHETIC)', url: 'https://example.org/d', public: false }),
    expect: '401 404 404 403 403 ok ok',
  },
  {
    method: 'POST',
    route: `${API}/engagements/{id}/documents`,
    url: (x) => `${API}/engagements/${x.published}/documents`,
    body: () => ({ kind: 'report', title: 'Report (SYNTHETIC)', file: { name: 'r.pdf', content: pdf }, public: false }),
    expect: '401 403 403 403 403 ok ok',
  },
  // Findings and recommendations: the team and managers.
  ...(['findings', 'recommendations'] as const).flatMap((f): Case[] => [
    {
      method: 'POST',
      route: `${API}/engagements/{id}/${f}`,
      url: (x) => `${API}/engagements/${x.draft}/${f}`,
      body: () => outcome(f),
      expect: '401 404 404 403 ok ok ok',
    },
    {
      method: 'POST',
      route: `${API}/engagements/{id}/${f}`,
      url: (x) => `${API}/engagements/${x.published}/${f}`,
      body: () => outcome(f),
      expect: '401 403 403 403 ok ok ok',
    },
  ]),
  // The action plan and local focus areas: the council and managers.
  ...(['actions', 'focus-areas'] as const).flatMap((f) =>
    (['draft', 'published'] as const).map((e): Case => ({
      method: 'POST',
      route: `${API}/engagements/{id}/${f}`,
      url: (x) => `${API}/engagements/${x[e]}/${f}`,
      body: (x, role) =>
        f === 'focus-areas'
          ? { name: `Focus of ${role}` }
          : {
              recommendation: e === 'draft' ? x.draftRec : x.publishedRec,
              text: 'SYNTHETIC action',
              ownerRole: 'Chief executive',
              dueDate: '2027-03-31',
            },
      expect: e === 'draft' ? '401 404 404 ok 403 ok ok' : '401 403 403 ok 403 ok ok',
    })),
  ),
  ...(['draft', 'published'] as const).map((e): Case => ({
    method: 'POST',
    route: `${API}/engagements/{id}/actions/{action}/updates`,
    url: (x) => `${API}/engagements/${x[e]}/actions/${e === 'draft' ? x.draftAction : x.publishedAction}/updates`,
    body: () => ({ date: '2026-12-01', status: 'on-track' }),
    expect: e === 'draft' ? '401 404 404 ok 403 ok ok' : '401 403 403 ok 403 ok ok',
  })),
  {
    method: 'POST',
    route: `${API}/peers`,
    url: () => `${API}/peers`,
    body: () => ({ name: 'SYNTHETIC peer', role: 'other' }),
    expect: MANAGERS_WRITE,
  },
  {
    method: 'PATCH',
    route: `${API}/peers/{id}`,
    url: (x) => `${API}/peers/${x.spare}`,
    body: () => ({ availability: 'Spring (SYNTHETIC)' }),
    expect: MANAGERS_WRITE,
  },
  {
    method: 'POST',
    route: `${API}/partnerships`,
    url: () => `${API}/partnerships`,
    body: () => ({ a: 'E08000001', b: 'E08000002', kind: 'shared-service', validFrom: '2020-01-01' }),
    expect: MANAGERS_WRITE,
  },
  {
    method: 'POST',
    route: `${API}/kinds`,
    url: () => `${API}/kinds`,
    body: (_x, role) => ({ code: `kind-${role}`, name: `Kind of ${role}` }),
    expect: MANAGERS_WRITE,
  },
  {
    method: 'POST',
    route: `${API}/deadlines`,
    url: () => `${API}/deadlines`,
    body: () => ({ code: 'closure', dueState: 'closed', months: 24, validFrom: '2030-01-01' }),
    expect: MANAGERS_WRITE,
  },

  // Pages: the public ones, and the managers' (a visitor is sent to sign in).
  { method: 'GET', route: '/peer-challenge', url: () => '/peer-challenge', expect: PUBLIC },
  {
    method: 'GET',
    route: '/peer-challenge/recommendations',
    url: () => '/peer-challenge/recommendations?q=scrutiny',
    expect: PUBLIC,
  },
  {
    method: 'GET',
    route: '/peer-challenge/councils/:code',
    url: () => '/peer-challenge/councils/E08000009',
    expect: PUBLIC,
  },
  { method: 'GET', route: '/peer-challenge/pipeline', url: () => '/peer-challenge/pipeline', expect: MANAGER_PAGE },
  { method: 'GET', route: '/peer-challenge/calendar', url: () => '/peer-challenge/calendar', expect: MANAGER_PAGE },
  { method: 'GET', route: '/peer-challenge/pool', url: () => '/peer-challenge/pool', expect: MANAGER_PAGE },
  { method: 'GET', route: '/peer-challenge/peers/new', url: () => '/peer-challenge/peers/new', expect: MANAGER_PAGE },
  {
    method: 'GET',
    route: '/peer-challenge/peers/:id/change',
    url: (x) => `/peer-challenge/peers/${x.spare}/change`,
    expect: MANAGER_PAGE,
  },
  { method: 'GET', route: '/peer-challenge/evaluation', url: () => '/peer-challenge/evaluation', expect: MANAGER_PAGE },
  {
    method: 'GET',
    route: '/peer-challenge/engagements/:id',
    url: (x) => `/peer-challenge/engagements/${x.draft}`,
    expect: INSIDE_DRAFT,
  },
  {
    method: 'GET',
    route: '/peer-challenge/engagements/:id',
    url: (x) => `/peer-challenge/engagements/${x.published}`,
    expect: PUBLIC,
  },
  {
    method: 'GET',
    route: '/peer-challenge/engagements/:id/evidence-pack',
    url: (x) => `/peer-challenge/engagements/${x.draft}/evidence-pack`,
    expect: '303 404 404 200 200 200 200',
  },
  {
    method: 'GET',
    route: '/peer-challenge/engagements/:id/evidence-pack',
    url: (x) => `/peer-challenge/engagements/${x.published}/evidence-pack`,
    expect: '303 403 403 200 200 200 200',
  },
  // The pages' forms (CSRF token in the form).
  {
    method: 'POST',
    route: '/peer-challenge/engagements/:id/evidence-pack',
    url: (x) => `/peer-challenge/engagements/${x.draft}/evidence-pack`,
    form: true,
    expect: '303 404 404 ok 403 ok ok',
  },
  ...(
    [
      ['steps', MANAGER_FORM, { state: 'closed', date: '2026-11-01' }],
      ['team', MANAGER_FORM, { peerId: '1', teamRole: 'officer-peer', daysCommitted: '4' }],
      ['days', MANAGER_FORM, { peerId: '1', daysDelivered: '4' }],
      ['contacts', MANAGER_FORM, { leaderName: 'SYNTHETIC' }],
      ['documents', '303 404 404 403 403 ok ok', { kind: 'report', title: 'SYNTHETIC', url: 'https://example.org' }],
      ['findings', '303 404 404 403 ok ok ok', { component: 'governance-culture', kind: 'strength', text: 'S' }],
      ['recommendations', '303 404 404 403 ok ok ok', { component: 'governance-culture', text: 'SYNTHETIC' }],
      [
        'actions',
        '303 404 404 ok 403 ok ok',
        { recommendation: 'PC0-R1', text: 'S', ownerRole: 'S', dueDate: '2027-01-01' },
      ],
      ['updates', '303 404 404 ok 403 ok ok', { status: 'on-track', date: '2026-12-01' }],
      ['focus', '303 404 404 ok 403 ok ok', { name: 'SYNTHETIC focus' }],
    ] as const
  ).map(([f, expect, fields]): Case => ({
    method: 'POST',
    route: `/peer-challenge/engagements/:id/${f === 'documents' ? 'documents' : ':form'}`,
    url: (x) => `/peer-challenge/engagements/${x.draft}/${f}`,
    body: (x) => (f === 'updates' ? { ...fields, action: String(x.draftAction) } : fields),
    form: true,
    expect,
  })),
  {
    method: 'POST',
    route: '/peer-challenge/peers/new',
    url: () => '/peer-challenge/peers/new',
    body: () => ({ name: 'SYNTHETIC Form Peer', role: 'director', homeCouncil: 'Hartlepool', active: 'yes' }),
    form: true,
    expect: MANAGER_FORM,
  },
  {
    method: 'POST',
    route: '/peer-challenge/peers/:id/change',
    url: (x) => `/peer-challenge/peers/${x.spare}/change`,
    body: () => ({ availability: 'SYNTHETIC', active: 'yes' }),
    form: true,
    expect: MANAGER_FORM,
  },
  ...(['questionnaires', 'waves', 'frame'] as const).map((a): Case => ({
    method: 'POST',
    route: '/peer-challenge/evaluation/:action',
    url: () => `/peer-challenge/evaluation/${a}`,
    body: () => ({ survey: 'feedback' }),
    form: true,
    expect: MANAGER_FORM,
  })),
  {
    method: 'POST',
    route: '/peer-challenge/evaluation/waves/:wave/invitations',
    url: (x) => `/peer-challenge/evaluation/waves/${x.wave}/invitations`,
    form: true,
    expect: MANAGER_FORM,
  },
];
