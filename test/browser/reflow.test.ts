/// <reference lib="dom" />
/**
 * WCAG 2.2 1.4.10 Reflow, for every page type the app serves: at 320 CSS px no page scrolls sideways (a data table may,
 * inside its own focusable, labelled region), no chart label is drawn under 12 px, and the page passes axe-core. The
 * page types are enumerated from the registered routes (app.pageRoutes()): a GET page route this test does not visit
 * fails it, so a new page type cannot be missed. Also: a printed council page is a clean summary, and no page carries
 * GOV.UK's brand.
 */
import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, serveToChromium, type BrowserServer } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { fixtureAdapter, syntheticJudgement, testMetric } from '../helpers/fixtures.ts';
import { ELS_FILES, importPublished, seedAreas } from '../helpers/seed.ts';
import { answerAndSubmit, isoIn, PERCEPTION_V1, surveysFor } from '../helpers/surveys.ts';
import { GOVUK_BRAND } from '../helpers/brand.ts';
import { librariesSection } from '../helpers/budget.ts';
import { runImport } from '../../src/modules/imports/index.ts';
import { servicesFor } from '../../src/app/services.ts';

const PASSWORD = 'correct horse battery staple';
type Who = 'visitor' | 'council' | 'analyst' | 'admin';
/** Routes that answer with a document to save (Content-Disposition: attachment) rather than a page to show. */
const DOCUMENTS = ['/sector/report.html'];

/** Seeded records the visited addresses need (filled in beforeAll). */
interface Seeded {
  reportSlug: string;
  draftId: number;
  waveId: number;
  openLink: string;
  started: string;
  sent: string;
  engagementId: number;
  peerId: number;
  budgetKey: string;
  budgetId: number;
  cohortId: number;
  deliverableId: number;
}
/** Route pattern, the address visited for it (one or more per route), who visits (default a visitor). */
const VISITS: [string, string | ((x: Seeded) => string), Who?][] = [
  ['/', '/'],
  ['/', '/?q=Traff'],
  ['*', '/no-such-page'],
  ['/account', '/account', 'council'],
  ['/areas/:code', '/areas/E08000009'],
  ['/areas/:code', '/areas/E07000117'],
  // A council created since 2019 (Cumberland, 2023): its predecessors' own figures in tables of their own.
  ['/areas/:code', '/areas/E06000063'],
  ['/areas/:code', '/areas/E12000002'],
  ['/metrics', '/metrics'],
  ['/metrics/:id', '/metrics/oflog.asc5?area=E08000009'],
  // A categorical measure: its map coloured by judgement, the counts and the movement between judgements.
  ['/metrics/:id', '/metrics/t.judgement?area=E08000009'],
  ['/compare', '/compare'],
  ['/compare', '/compare?metric=oflog.asc5&area=E08000009&group=type%3AE08'],
  ['/compare', '/compare?metric=defra.household-recycling-rate&area=E07000117&group=type%3AE07'],
  ['/embed/compare', '/embed/compare?metric=defra.household-recycling-rate&area=E07000117&group=type%3AE07'],
  ['/groups', '/groups'],
  ['/groups/:id', `/groups/${encodeURIComponent('type:E08')}`],
  ['/groups/new', '/groups/new', 'council'],
  ['/reports', '/reports'],
  ['/reports/new', '/reports/new', 'council'],
  ['/reports/:slug', (x) => `/reports/${x.reportSlug}`],
  ['/embed/reports/:slug', (x) => `/embed/reports/${x.reportSlug}`],
  ['/changes', '/changes'],
  ['/sector', '/sector'],
  ['/sector', '/sector?area=E08000009'],
  ['/sector/report.html', '/sector/report.html'],
  ['/sector/early-warning', '/sector/early-warning', 'analyst'],
  ['/imports', '/imports', 'analyst'],
  ['/imports/:id', (x) => `/imports/${x.draftId}`, 'analyst'],
  ['/imports/upload', '/imports/upload', 'analyst'],
  ['/councils/:code/value-for-money', '/councils/E08000009/value-for-money'],
  ['/embed/value-for-money/:code', '/embed/value-for-money/E08000009'],
  ['/peer-challenge', '/peer-challenge'],
  ['/peer-challenge', '/peer-challenge', 'admin'],
  ['/peer-challenge/pipeline', '/peer-challenge/pipeline', 'admin'],
  ['/peer-challenge/engagements/:id', (x) => `/peer-challenge/engagements/${x.engagementId}`, 'admin'],
  [
    '/peer-challenge/engagements/:id/evidence-pack',
    (x) => `/peer-challenge/engagements/${x.engagementId}/evidence-pack`,
    'admin',
  ],
  ['/peer-challenge/councils/:code', '/peer-challenge/councils/E08000009'],
  ['/peer-challenge/recommendations', '/peer-challenge/recommendations?q=budget'],
  ['/peer-challenge/pool', '/peer-challenge/pool', 'admin'],
  ['/peer-challenge/peers/new', '/peer-challenge/peers/new', 'admin'],
  ['/peer-challenge/peers/:id/change', (x) => `/peer-challenge/peers/${x.peerId}/change`, 'admin'],
  ['/peer-challenge/calendar', '/peer-challenge/calendar?year=2024', 'admin'],
  ['/peer-challenge/evaluation', '/peer-challenge/evaluation', 'admin'],
  ['/leadership', '/leadership'],
  ['/leadership/take-up', '/leadership/take-up?programme=reflow', 'admin'],
  ['/leadership/cohorts/:id', (x) => `/leadership/cohorts/${x.cohortId}`, 'admin'],
  ['/leadership/cohorts/:id/apply', (x) => `/leadership/cohorts/${x.cohortId}/apply`, 'council'],
  ['/leadership/evaluation', '/leadership/evaluation', 'admin'],
  ['/budget', '/budget', 'analyst'],
  ['/budget/simulators/:id', (x) => `/budget/simulators/${x.budgetId}`, 'analyst'],
  ['/budget/upload', '/budget/upload', 'analyst'],
  ['/budget/simulators/:id/edit', (x) => `/budget/simulators/${x.budgetId}/edit`, 'analyst'],
  ['/budget/simulators/:id/items/:code', (x) => `/budget/simulators/${x.budgetId}/items/libraries`, 'analyst'],
  ['/budget/simulators/:id/replace', (x) => `/budget/simulators/${x.budgetId}/replace`, 'analyst'],
  ['/budget/simulators/:id/preview', (x) => `/budget/simulators/${x.budgetId}/preview`, 'analyst'],
  ['/budget/simulators/:id/rules/:n', (x) => `/budget/simulators/${x.budgetId}/rules/new`, 'analyst'],
  ['/budget/simulators/:id/population', (x) => `/budget/simulators/${x.budgetId}/population`, 'analyst'],
  ['/budget/simulators/:id/preview/section/:n', (x) => `/budget/simulators/${x.budgetId}/preview/section/1`, 'analyst'],
  ['/budget/simulators/:id', (x) => `/budget/simulators/${x.budgetId}?by=AGE`, 'analyst'],
  ['/budget/:key', (x) => `/budget/${x.budgetKey}`],
  ['/budget/:key/section/:n', (x) => `/budget/${x.budgetKey}/section/1`],
  ['/budget/:key/done', (x) => `/budget/${x.budgetKey}/done`],
  ['/budget/:key/you-said-we-did', (x) => `/budget/${x.budgetKey}/you-said-we-did`],
  ['/budget/simulators/:id/assisted', (x) => `/budget/simulators/${x.budgetId}/assisted`, 'analyst'],
  ['/budget/simulators/:id/comments/:item', (x) => `/budget/simulators/${x.budgetId}/comments/libraries`, 'analyst'],
  ['/budget/simulators/:id/outcome', (x) => `/budget/simulators/${x.budgetId}/outcome`, 'analyst'],
  ['/monitoring', '/monitoring'],
  ['/monitoring', '/monitoring', 'admin'],
  ['/monitoring/privacy', '/monitoring/privacy'],
  ['/monitoring/quarterly', '/monitoring/quarterly?year=2026&quarter=Q2', 'admin'],
  ['/monitoring/evaluation', '/monitoring/evaluation', 'admin'],
  ['/monitoring/deliverables/new', '/monitoring/deliverables/new', 'admin'],
  ['/monitoring/deliverables/:id/progress', (x) => `/monitoring/deliverables/${x.deliverableId}/progress`, 'admin'],
  ['/admin/users', '/admin/users', 'admin'],
  ['/admin/users/invite', '/admin/users/invite', 'admin'],
  ['/admin/email', '/admin/email', 'admin'],
  ['/admin/council-domains', '/admin/council-domains', 'admin'],
  ['/forgot-password', '/forgot-password'],
  ['/register', '/register'],
  // A link that was never issued: the page that says so.
  ['/password/:token', '/password/not-a-real-token'],
  ['/sign-in', '/sign-in'],
  ['/surveys', '/surveys', 'analyst'],
  ['/surveys/:code/waves/:id', (x) => `/surveys/council-perception/waves/${x.waveId}`, 'analyst'],
  ['/surveys/:code/waves/:id/fielding', (x) => `/surveys/council-perception/waves/${x.waveId}/fielding`, 'analyst'],
  ['/surveys/questionnaires/new', '/surveys/questionnaires/new', 'analyst'],
  ['/surveys/waves/new', '/surveys/waves/new', 'analyst'],
  ['/surveys/tables', (x) => `/surveys/tables?waves=${x.waveId}`, 'analyst'],
  ['/surveys/texts', (x) => `/surveys/texts?waves=${x.waveId}&question=Q3`, 'analyst'],
  ['/surveys/series', (x) => `/surveys/series?waves=${x.waveId}&question=Q1&answer=1`, 'analyst'],
  ['/s/:key', (x) => x.openLink],
  ['/s/:key/:token', (x) => x.started],
  ['/s/:key/:token/q/:page', (x) => `${x.started}/q/Q1`],
  ['/s/:key/:token/check', (x) => `${x.sent}/check`],
  ['/s/:key/:token/done', (x) => `${x.sent}/done`],
  ['/s/:key/:token/opt-out', (x) => `${x.started}/opt-out`],
];

describe('every page type at 320 CSS px', () => {
  let db: TestDb;
  let server: BrowserServer;
  const contexts = {} as Record<Who, BrowserContext>;
  const seeded = {} as Seeded;

  beforeAll(async () => {
    // Which seeding step is running, printed if the seed is still running near the hook's timeout (a hang).
    let stage = 'seed the data';
    const watchdog = setTimeout(() => console.error(`reflow seed still at: ${stage}`), 280_000);
    watchdog.unref();
    db = await createTestDb('sqlite');
    await seedAreas(db);
    await importPublished(db, [
      ['boundaries', ['boundaries/england_ltla_2025.geojson', 'boundaries/england_utla_2025.geojson']],
      ['oflog-asc', ['performance/oflog_adult_social_care_2015_2023.csv']],
      ['defra-recycling', ['performance/defra_household_recycling_rate_2015_2024.csv']],
      ['population', ['performance/population/ons_mid_year_population_2019_2020_la.csv']],
      ['imd', ['performance/deprivation/imd2025_england_lad24.csv']],
      ['els', ELS_FILES],
      // The real Ofsted file: one judgement per council, so /sector shows the latest judgements by council type.
      ['ofsted-ilacs', ['performance/ofsted/ofsted_ilacs_latest_judgement_by_la.csv']],
    ]);
    // A categorical measure (SYNTHETIC judgements in two years) for its map, counts and movement between judgements.
    const grades = ['E08000009', 'E08000003', 'E06000001', 'E09000001', 'E10000003'];
    const judged = await runImport(db, {
      adapter: fixtureAdapter(
        [syntheticJudgement()],
        grades.flatMap((area, i): [string, string, number, number][] => [
          ['t.judgement', area, 2023, (i % 4) + 1],
          ['t.judgement', area, 2024, ((i + 1) % 4) + 1],
        ]),
      ),
      files: [],
      publish: true,
    });
    if (judged.state !== 'published') throw new Error(`t.judgement: ${judged.message}`);
    const services = servicesFor(db);
    const nn = await services.neighbours.build({ version: '1' });
    if (nn.summary.state !== 'published') throw new Error(`neighbours: ${nn.summary.message}`);
    await services.sector.loadBasket({
      id: 'sector-key',
      version: 'reflow',
      name: 'Key measures',
      description: 'For the reflow test',
      baseline: '2018-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [
        { metric: 'oflog.asc5', why: 'Reablement outcomes.' },
        { metric: 'oflog.asc2', why: 'Quality of life of people who use services.' },
        { metric: 'oflog.asc7', why: 'Workforce.' },
        { metric: 'defra.household-recycling-rate', why: 'A service every council runs.' },
        { metric: 'ofsted-ilacs.overall-effectiveness', why: "Children's services, as judged by Ofsted." },
        // Judgements in two years: /sector and its report show the movement between judgements by council type.
        { metric: 't.judgement', why: 'A synthetic judgement.' },
      ],
    });
    await services.earlyWarning.load({
      id: 'sector-early-warning',
      version: 'reflow',
      name: 'Reflow rules',
      description: 'For the reflow test',
      rules: [
        {
          id: 'bottom-quartile',
          type: 'bottom-quartile',
          statement: 'In the bottom quarter of councils of its type on at least 2 key measures.',
          params: { basket: 'sector-key', k: 2, group: 'same-type' },
        },
      ],
    });
    await services.earlyWarning.screen();
    // A draft import (a new measure with a long caveat) for the analyst's import pages.
    const draft = await runImport(db, {
      adapter: fixtureAdapter(
        [
          testMetric('t.fresh', {
            title: 'A brand new measure with a rather long title that a narrow screen must wrap',
            caveats: 'A much longer caveat that explains the new collection method, which a narrow screen must wrap.',
          }),
        ],
        [['t.fresh', 'E08000009', 2022, 2]],
      ),
      files: [],
    });
    const officer = await services.accounts.addUser({
      email: 'officer@trafford.example',
      name: 'Trafford Officer',
      role: 'council',
      council: 'E08000009',
      password: PASSWORD,
    });
    await services.accounts.addUser({
      email: 'analyst@reflow.example',
      name: 'Reflow Analyst',
      role: 'analyst',
      password: PASSWORD,
    });
    const admin = await services.accounts.addUser({
      email: 'admin@reflow.example',
      name: 'Reflow Admin',
      role: 'admin',
      password: PASSWORD,
    });
    const reflowAdmin = {
      id: admin,
      email: 'admin@reflow.example',
      name: 'Reflow Admin',
      role: 'admin' as const,
      council: null,
      csrfToken: '',
    };
    const engagementId = await services.peer.create(reflowAdmin, {
      council: 'E08000009',
      kind: 'corporate',
      requestedOn: '2024-01-10',
      focusAreas: ['Town centres'],
      onsiteStart: '2024-03-12',
      onsiteEnd: '2024-03-15',
    });
    await services.peer.generatePack(reflowAdmin, engagementId);
    const peerId = await services.peer.addPeer(reflowAdmin, {
      name: 'Reflow Peer',
      role: 'councillor',
      homeCouncil: 'E08000009',
      politicalGroup: 'Independent',
      skills: ['finance', 'scrutiny'],
    });
    const programmeId = await services.lead.createProgramme(reflowAdmin, {
      code: 'reflow',
      name: 'Leadership Academy',
      kind: 'leadership-academy',
      rules: [{ validFrom: '2020-01-01', roles: ['councillor', 'leader'] }],
      windows: [{ startsOn: '2024-04-01', endsOn: '2027-03-31' }],
    });
    const cohortId = await services.lead.createCohort(reflowAdmin, programmeId, {
      number: 1,
      capacity: 1,
      startsOn: '2025-09-01',
      endsOn: '2025-12-01',
      venue: 'Warwick',
    });
    await services.lead.addModule(reflowAdmin, cohortId, { number: 1, title: 'Leading places', heldOn: '2025-09-10' });
    for (const n of [1, 2]) {
      const id = await services.lead.apply(reflowAdmin, cohortId, {
        council: 'E08000009',
        name: `Councillor ${n}`,
        email: `c${n}@reflow.example`,
        role: 'councillor',
      });
      await services.lead.decide(reflowAdmin, id, 'approved');
      await services.lead.book(reflowAdmin, id, { waitlist: true });
    }
    const report = await services.savedReports.create(
      { id: officer, role: 'council' },
      {
        title: 'Reablement in the metropolitan districts',
        definition: { chart: 'bar', metrics: ['oflog.asc5'], areas: ['E08000009'], group: 'type:E08' },
        visibility: 'public',
      },
    );

    const aboutYou = JSON.parse(await readFile('examples/surveys/resident-about-you.json', 'utf8')) as unknown;
    await services.surveys.surveys.loadDefinition(aboutYou, { name: 'Reflow Analyst' });
    const budgetSim = await services.budget.create(
      {
        council: 'E08000009',
        year: '2024-25',
        title: 'Balance the budget',
        status: 'open',
        gap: {
          kind: 'multi-year',
          years: [
            { year: '2024-25', amount: 1_000_000 },
            { year: '2025-26', amount: 1_000_000 },
          ],
        },
        statedTotal: null,
        councilTax: { bandD: 1500, taxBase: 10_000, capPct: 4.99 },
        sections: [
          librariesSection(
            'Libraries and a rather long title for a service that a narrow screen must wrap',
            'Public Libraries and Museums Act 1964: a comprehensive and efficient service',
          ),
        ],
        constraints: [],
        aboutYou: { survey: 'resident-about-you', version: 1, age: 'AGE', sex: 'SEX' },
      },
      'system',
    );
    // A resident's budget with a comment (themed), and the budget the council set.
    const sent0 = await services.budget.submit(budgetSim, {
      posted: () => 'cut-10',
      comments: () => 'Keep the mobile library and the Saturday opening hours at the central library',
      consent: true,
      client: '192.0.2.1',
    });
    await services.budget.tagComment(budgetSim, sent0.id, 'libraries', 'mobile library, opening hours', 'Reflow');
    await services.budget.setOutcome(budgetSim, { 'amount-libraries': '9,500,000' }, null);
    stage = 'serve and seed the survey';
    server = await serveToChromium(db);
    // A survey: a frame wave with one council's answers sent and another's started, and an open wave.
    const s = surveysFor(db);
    const by = { name: 'Reflow Analyst' };
    await s.surveys.loadDefinition(PERCEPTION_V1, by);
    const newWave = (name: string, mode: 'frame' | 'open') =>
      s.surveys.createWave(
        { survey: 'council-perception', version: 1, name, mode, opensAt: isoIn(-1), closesAt: isoIn(30) },
        by,
      );
    const wave = await newWave('Reflow wave', 'frame');
    await s.frames.build(wave.id, {
      members: ['E08000009', 'E06000001'].map((area) => ({ area, role: 'Chief Executive' })),
    });
    const links = await s.frames.issueLinks(wave.id, server.base, false);
    const pathOf = (area: string) => new URL(links.find((l) => l.area_code === area)!.link).pathname;
    const sent = pathOf('E08000009');
    await answerAndSubmit(db, sent, [
      ['Q1', '1'],
      ['Q2', ['peer']],
      ['Q3', 'Clear advice from peers'],
      ['Q4.a', '1'],
      ['Q4.b', '2'],
    ]);
    const started = pathOf('E06000001');
    const openWave = await newWave('Consultation', 'open');

    Object.assign(seeded, {
      reportSlug: report.slug,
      draftId: draft.importId!,
      waveId: wave.id,
      openLink: openWave.openLink!,
      started,
      sent,
      engagementId,
      peerId,
      budgetKey: budgetSim.openKey,
      budgetId: budgetSim.id,
      cohortId,
      deliverableId: (
        await servicesFor(db).monitor.plan.add({
          year: 2026,
          theme: 'Leadership',
          deliverable: 'Run three Essentials cohorts',
          target: 3,
          dueQuarter: 'Q3',
        })
      ).id,
    } satisfies Seeded);
    stage = 'browser contexts';
    for (const who of ['visitor', 'council', 'analyst', 'admin'] as const)
      contexts[who] = await server.browser.newContext({
        javaScriptEnabled: false,
        viewport: { width: 320, height: 640 },
      });
    for (const [who, email] of [
      ['council', 'officer@trafford.example'],
      ['analyst', 'analyst@reflow.example'],
      ['admin', 'admin@reflow.example'],
    ] as const) {
      stage = `sign in (${who})`;
      const page = await server.open('/sign-in', contexts[who]);
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      // Closing a page while its navigation commits can hang Chromium's close for ever (crbug.com/536385539, seen
      // here as a seed stuck until the hook's timeout): wait for the signed-in page before closing.
      await Promise.all([
        page.waitForURL((u) => u.pathname !== '/sign-in'),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      await page.close();
    }
    stage = 'start the survey';
    // The started respondent has begun: the question page is theirs to answer.
    const start = await server.open(started, contexts.visitor);
    await Promise.all([
      start.waitForURL((u) => u.pathname !== started),
      start.getByRole('button', { name: 'Start now' }).click(),
    ]);
    await start.close();
    clearTimeout(watchdog);
    // Seeding imports the real files, and each publication now also derives its measures: allow it the time.
  }, 300_000);
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  /** What breaks reflow on the page as shown: its scroll width, small chart text, unlabelled scroll regions. */
  const reflowProblems = (page: Page) =>
    page.evaluate(() => {
      const problems: string[] = [];
      const width = document.documentElement.scrollWidth;
      if (width > 320) {
        const wide = Array.from(document.querySelectorAll('body *'))
          .filter((e) => e.getBoundingClientRect().right > 321 && !e.closest('.app-table-scroll'))
          .slice(-3)
          .map(
            (e) =>
              `${e.tagName.toLowerCase()}.${Array.from(e.classList).join('.')} (${Math.round(e.getBoundingClientRect().right)} px)`,
          );
        problems.push(`scroll width ${width} px; widest: ${wide.join(', ')}`);
      }
      for (const t of Array.from(document.querySelectorAll('svg text'))) {
        if (!(t as SVGTextElement).getClientRects().length || !t.textContent?.trim()) continue;
        const m = (t as SVGTextElement).getScreenCTM();
        if (!m) continue;
        const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
        if (px < 11.95) problems.push(`chart text "${t.textContent.trim().slice(0, 30)}" at ${px.toFixed(1)} px`);
      }
      for (const r of Array.from(document.querySelectorAll('.app-table-scroll'))) {
        const labelled = r.getAttribute('aria-label') || r.getAttribute('aria-labelledby');
        if (r.getAttribute('role') !== 'region' || r.getAttribute('tabindex') !== '0' || !labelled)
          problems.push(`a table's scroll region is not a focusable, labelled region: ${r.outerHTML.slice(0, 120)}`);
      }
      for (const t of Array.from(document.querySelectorAll('main table'))) {
        if (t.scrollWidth > (t.parentElement?.clientWidth ?? 0) + 1 && !t.closest('.app-table-scroll'))
          problems.push(
            `a table wider than its column outside a scroll region: ${t.querySelector('caption')?.textContent ?? ''}`,
          );
      }
      return problems.slice(0, 12);
    });

  it('visits one page of every GET page route the app registers', () => {
    const routes = server.app.pageRoutes();
    expect(routes).toContain('/areas/:code');
    const visited = new Set(VISITS.map(([route]) => route));
    const missing = routes.filter((r) => !visited.has(r));
    expect(missing, `page routes the reflow test does not visit: add them to VISITS`).toEqual([]);
  });

  it.each(VISITS)(
    '%s does not scroll sideways at 320 px, its chart labels are at least 12 px, and it passes axe',
    async (route, address, who = 'visitor') => {
      const url = typeof address === 'string' ? address : address(seeded);
      const page = await contexts[who].newPage();
      if (DOCUMENTS.includes(route)) {
        // A document to keep (sent as an attachment): shown as a browser shows the saved file, at an address of its
        // own (answered from the download) so that axe can check it as shown.
        const res = await page.request.get(`${server.base}${url}`);
        expect(res.status(), url).toBe(200);
        const body = await res.text();
        const saved = `${server.base}/saved${url}`;
        await page.route(saved, (r) => r.fulfill({ contentType: 'text/html; charset=utf-8', body }));
        await page.goto(saved);
      } else {
        const res = await page.goto(`${server.base}${url}`);
        expect(res?.status(), url).toBeLessThan(500);
        if (who !== 'visitor') expect(new URL(page.url()).pathname, `${url} as ${who}`).not.toBe('/sign-in');
      }
      const html = await page.content();
      expect(GOVUK_BRAND.filter((re) => re.test(html)).map(String), `${url}: GOV.UK's brand`).toEqual([]);
      expect(await reflowProblems(page), url).toEqual([]);
      await expectNoAxeViolations(page, { asShown: DOCUMENTS.includes(route) });
      await page.close();
    },
  );

  it('a printed council page is a clean summary: no navigation or forms, every section open, nothing cut off', async () => {
    const page = await contexts.visitor.newPage();
    await page.setViewportSize({ width: 700, height: 1000 });
    await page.goto(`${server.base}/areas/E08000009`);
    await page.emulateMedia({ media: 'print' });
    const shown = (selector: string) =>
      page.locator(selector).evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).length);
    expect(await shown('.govuk-service-navigation, .app-header, form, .govuk-footer, .app-contents')).toBe(0);
    expect(await shown('#summary')).toBe(1);
    // Details print open: every trend table is shown.
    const tables = await page.locator('details table').count();
    expect(tables).toBeGreaterThan(0);
    expect(await shown('details table')).toBe(tables);
    // Nothing wider than the page: tables shrink to it rather than scroll.
    const wide = await page.evaluate(() =>
      Array.from(document.querySelectorAll('body *'))
        .filter((e) => e.getBoundingClientRect().right > 701)
        .slice(-3)
        .map((e) => `${e.tagName.toLowerCase()}.${Array.from(e.classList).join('.')}`),
    );
    expect(wide).toEqual([]);
    await page.close();
  });
});
