import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { PASSWORD, signIn, signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { addPeerManager, ADMIN_ACTOR, PEER_MANAGER_EMAIL } from '../../../test/helpers/peer.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { servicesFor } from '../../app/services.ts';
import type { App } from '../../platform/app-types.ts';
import { STATES } from './states.ts';

const API = '/api/v1/peer-challenge';
const ROLES = ['visitor', 'analyst', 'other', 'council', 'peer', 'manager', 'admin'] as const;
type Role = (typeof ROLES)[number];
/**
 * What each role gets, in the order of ROLES: a status, or `ok` (past the access rules: any answer but 401, 403, 404
 * and 5xx; a write may be refused for its content, e.g. a second identical step).
 */
type Expect = string;

/** Seeded records the addresses need. */
interface Seeded {
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
interface Case {
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
const CASES: Case[] = [
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

/** Every route of Fastify's route tree (printRoutes) as "METHOD /path", HEAD left out. */
function registered(tree: string): string[] {
  const stack: string[] = [];
  return tree.split('\n').flatMap((line) => {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?/.exec(line);
    if (!m) return [];
    const depth = m[1]!.length / 4;
    const path = `${depth > 0 ? stack[depth - 1] : ''}${m[2]}`.replace(/^\/\//, '/');
    stack[depth] = path;
    return (m[3] ?? '')
      .split(', ')
      .filter((v) => v && v !== 'HEAD')
      .map((v) => `${v} ${depth > 0 && !path.startsWith('/') ? `/${path}` : path}`);
  });
}

/**
 * Route × role, on both dialects: every peer challenge route (the API's from the OpenAPI document, the pages' from the
 * registered routes, so a new route missing here fails the test) asked by a visitor, an analyst, another council's
 * user, the council's own user, a peer on the team (a user of another council), a peer challenge manager and an
 * administrator, for a draft and a published engagement. Engagements, peers and files are SYNTHETIC.
 */
describe('peer challenge access: route × role', () => {
  let db: TestDb;
  let app: App;
  const who = {} as Record<Role, Signed | null>;
  const x = {} as Seeded;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    app = await createTestApp(db);
    const s = servicesFor(db);
    const everyone = await signInEveryRole(db, app);
    await addPeerManager(db, PASSWORD);
    await s.accounts.addUser({
      email: 'peer@example.org',
      name: 'P',
      password: PASSWORD,
      role: 'council',
      council: 'E08000035',
    });
    Object.assign(who, {
      visitor: null,
      analyst: everyone.analyst,
      other: everyone.other,
      council: everyone.owner,
      peer: await signIn(app, 'peer@example.org', PASSWORD),
      manager: await signIn(app, PEER_MANAGER_EMAIL, PASSWORD),
      admin: everyone.admin,
    });
    const a = ADMIN_ACTOR;
    const p = s.peer;
    x.peerId = await p.addPeer(a, {
      name: 'Lead Chief',
      role: 'chief-executive',
      homeCouncil: 'E06000001',
      userEmail: 'peer@example.org',
    });
    x.spare = await p.addPeer(a, { name: 'Spare Director', role: 'director', homeCouncil: 'E06000002' });
    const walk = async (id: number, year: string, until: string) => {
      for (const [state, date, extra] of [
        ['scoping', `${year}-01-20`, {}],
        ['scheduled', `${year}-02-01`, { onsiteStart: `${year}-03-10`, onsiteEnd: `${year}-03-13` }],
        ['position-statement-received', `${year}-02-20`, {}],
        ['on-site', `${year}-03-10`, {}],
        ['feedback-presented', `${year}-03-13`, {}],
        ['draft-report', `${year}-04-10`, {}],
        ['factual-accuracy-check', `${year}-04-20`, {}],
        ['report-published', `${year}-05-20`, {}],
      ] as const) {
        const at = (await p.get(a, id)).state;
        if (STATES.indexOf(state) <= STATES.indexOf(at as (typeof STATES)[number])) continue;
        await p.step(a, id, { state, date, ...extra });
        if (state === until) return;
      }
    };
    x.published = await p.create(a, { council: 'E08000009', kind: 'corporate', requestedOn: '2024-01-10' });
    x.draft = await p.create(a, { council: 'E08000009', kind: 'corporate', requestedOn: '2026-01-10' });
    await walk(x.published, '2024', 'feedback-presented');
    await walk(x.draft, '2026', 'on-site');
    for (const id of [x.published, x.draft])
      await p.addTeamMember(a, id, { peerId: x.peerId, teamRole: 'lead-officer-peer', daysCommitted: 4 });
    x.publishedRec = await p.addRecommendation(a, x.published, {
      component: 'governance-culture',
      text: 'Strengthen scrutiny.',
    });
    x.draftRec = await p.addRecommendation(a, x.draft, {
      component: 'governance-culture',
      text: 'Strengthen draft scrutiny.',
    });
    const action = { text: 'SYNTHETIC', ownerRole: 'Chief executive', dueDate: '2027-03-31' };
    x.publishedAction = await p.addAction(a, x.published, { recommendation: x.publishedRec, ...action });
    x.draftAction = await p.addAction(a, x.draft, { recommendation: x.draftRec, ...action });
    const file = { filename: 'report.pdf', data: Buffer.from('%PDF-1.4\n% SYNTHETIC\n%%EOF\n') };
    x.publicFile = await p.addDocument(a, x.published, {
      kind: 'report',
      title: 'Report',
      file,
      publishedAt: '2024-05-20',
      public: true,
    });
    x.privateFile = await p.addDocument(a, x.published, {
      kind: 'position-statement',
      title: 'Statement',
      file,
      public: false,
    });
    x.draftFile = await p.addDocument(a, x.draft, {
      kind: 'position-statement',
      title: 'Draft statement',
      file,
      public: false,
    });
    await walk(x.published, '2024', 'report-published');
    for (const id of [x.published, x.draft]) await p.generatePack(a, id);
    await p.loadQuestionnaire(a, 'feedback');
    x.wave = (
      await p.createEvaluationWave(a, {
        survey: 'feedback',
        name: 'Wave',
        opensAt: '2026-12-01',
        closesAt: '2026-12-31',
      })
    ).id;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('every peer challenge route is in the matrix (API from OpenAPI, pages from the registered routes)', async () => {
    const doc = (await app.inject('/api/v1/openapi.json')).json<{ paths: Record<string, Record<string, unknown>> }>();
    const api = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith(API))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const pages = registered(app.printRoutes({ commonPrefix: false })).filter((r) => / \/peer-challenge/.test(r));
    const covered = new Set(CASES.map((c) => `${c.method} ${c.route}`));
    expect([...api, ...pages].filter((r) => !covered.has(r)).sort()).toEqual([]);
    expect(pages.length).toBeGreaterThan(10);
    expect([...covered].filter((r) => !api.includes(r) && !pages.includes(r))).toEqual([]);
  });

  it('each role gets what the access rules say, on every route', async () => {
    const wrong: string[] = [];
    for (const c of CASES) {
      const expected = c.expect.split(' ');
      expect(expected, c.route).toHaveLength(ROLES.length);
      for (const [i, role] of ROLES.entries()) {
        const w = who[role];
        const url = c.url(x, role);
        const body = c.body?.(x, role);
        const res = c.form
          ? await app.inject({
              method: c.method,
              url,
              headers: { 'content-type': 'application/x-www-form-urlencoded', ...(w ? { cookie: w.cookie } : {}) },
              payload: new URLSearchParams({
                ...(body as Record<string, string>),
                ...(w ? { _csrf: w.csrf } : {}),
              }).toString(),
            })
          : await app.inject({
              method: c.method,
              url,
              headers: w ? { cookie: w.cookie, ...(c.method === 'GET' ? {} : { 'x-csrf-token': w.csrf }) } : {},
              ...(body ? { payload: body } : {}),
            });
        const want = expected[i]!;
        const got = res.statusCode;
        const fine = want === 'ok' ? ![401, 403, 404].includes(got) && got < 500 : String(got) === want;
        if (!fine) wrong.push(`${c.method} ${url} as ${role}: ${got}, expected ${want} (${res.body.slice(0, 120)})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('what each role sees: engagements listed and searched, drafts only for the council, the team and managers', async () => {
    for (const role of ROLES) {
      const w = who[role];
      const headers = w ? { cookie: w.cookie } : {};
      const listed = (await app.inject({ url: `${API}/engagements`, headers }))
        .json()
        .engagements.map((e: { id: number }) => e.id);
      const found = (await app.inject({ url: `${API}/recommendations?q=scrutiny`, headers }))
        .json()
        .results.map((r: { id: string }) => r.id);
      const inside = ['council', 'peer', 'manager', 'admin'].includes(role);
      expect(listed.includes(x.draft), role).toBe(inside);
      expect(listed.includes(x.published), role).toBe(true);
      expect(found.includes(x.draftRec), role).toBe(inside);
      expect(found.includes(x.publishedRec), role).toBe(true);
    }
  });
});
