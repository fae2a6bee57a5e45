/**
 * The composition root: every service of every module is built here, once, and handed what it needs. Routes, pages,
 * the CLI, tests and benchmarks take their services from here; no module builds another module's service.
 */
import type { AppDeps } from '../platform/app-types.ts';
import { loadConfig } from '../platform/config.ts';
import type { Db } from '../platform/db.ts';
import { createLogger } from '../platform/logger.ts';
import { createAccountsService, createOnboarding } from '../modules/accounts/index.ts';
import { createAreasService } from '../modules/areas/index.ts';
import { createChangesService } from '../modules/changes/index.ts';
import { createCompareService } from '../modules/compare/index.ts';
import { createEmailService } from '../modules/email/index.ts';
import { createGroupsService } from '../modules/groups/index.ts';
import { createMapsService } from '../modules/maps/index.ts';
import { createImportsService, createUploads } from '../modules/imports/index.ts';
import { createMetricsService } from '../modules/metrics/index.ts';
import { createNeighboursService } from '../modules/neighbours/index.ts';
import { createObservationsService } from '../modules/observations/index.ts';
import {
  createAnalysisPages,
  createCouncilPages,
  createEarlyWarningPages,
  createMetricPages,
  createValuePages,
} from '../modules/pages/index.ts';
import { createDailySalts, createMonitor } from '../modules/monitor/index.ts';
import { createPeerService } from '../modules/peer/index.ts';
import { createBudgetService } from '../modules/budget/index.ts';
import { createLeadService } from '../modules/lead/index.ts';
import { createHeadlineService } from '../modules/reports/index.ts';
import { createBuilder, createReportComputer, createSavedReportsService } from '../modules/saved-reports/index.ts';
import { createEarlyWarning, createSectorService } from '../modules/sector/index.ts';
import { createSurveys } from '../modules/surveys/index.ts';
import { createValueForMoneyService } from '../modules/value/index.ts';

export function createServices({ db, config, logger }: AppDeps) {
  // The data service: geography, catalogue, observations, shapes, the change feed.
  const areas = createAreasService(db);
  // Imports first: the catalogue previews a draft's definitions (?draft=N) through it.
  const imports = createImportsService(db);
  // Analysts' uploads, held as drafts (on SQLite each import on a connection of its own).
  const uploads = createUploads(db, {
    databaseUrl: config.databaseUrl,
    busyTimeoutMs: config.db.busyTimeoutMs,
    logger,
  });
  const metrics = createMetricsService(db, { drafts: imports.drafts });
  const observations = createObservationsService(db, { metrics, areas }, { maxRows: config.maxDataRows });
  const maps = createMapsService(db);
  const changes = createChangesService(db);
  // Outgoing mail (queued in the database; the web service's worker sends it).
  const email = createEmailService(db, { smtp: config.smtp, mail: config.mail, logger });
  // Accounts and comparison groups.
  const accounts = createAccountsService(db, { areas, logger });
  // Invitations, password resets and self-registration, their links sent through the mail queue.
  const onboarding = createOnboarding(db, { areas, mailer: email, logger });
  const groups = createGroupsService(db, { areas });
  const neighbours = createNeighboursService(db, { areas, groups, observations, maps, logger });
  // Comparison, the sector overview and the reports built on them.
  const compare = createCompareService(db, { metrics, groups, areas, observations });
  const sector = createSectorService(db, { metrics, observations, areas, groups });
  const earlyWarning = createEarlyWarning(db, { sector, metrics, observations, areas, groups, logger });
  const headlines = createHeadlineService(db, { compare, sector, metrics, areas });
  const value = createValueForMoneyService(db, { compare, metrics, areas, observations });
  const computer = createReportComputer(db, { metrics, groups, areas, observations });
  const savedReports = createSavedReportsService(db, { computer, metrics, areas, groups });
  const reportBuilder = createBuilder(db, { metrics, groups, areas });
  // Evaluation.
  const surveys = createSurveys(db, { areas, mailer: email, config: config.surveys, logger });
  // Peer challenge.
  const peer = createPeerService(db, { areas, groups, earlyWarning, headlines, value, surveys, logger });
  // The day's salt for hashing client addresses: one set for the request recorder and the budget module's open links.
  const salts = createDailySalts(db);
  // Budget consultations.
  const budget = createBudgetService(db, {
    areas,
    metrics,
    observations,
    salts,
    questionnaires: surveys.surveys,
    logger,
  });
  // Leadership programmes.
  const lead = createLeadService(db, { areas, logger, surveys });
  // Programme monitoring: the request recorder, the usage scorecard, delivery and the plan of deliverables.
  const monitor = createMonitor(db, {
    areas,
    accounts,
    changes,
    savedReports,
    peer,
    surveys: surveys.surveys,
    leadership: lead,
    sector,
    surveyTables: surveys.tables,
    questionnaires: surveys.surveys,
    peerCoverage: (on: string) => peer.counts(on),
    logger,
    recorder: { salts },
  });
  // The pages that compose several modules.
  const pages = {
    councils: createCouncilPages({ areas, groups, headlines, observations, sector, neighbours }),
    metrics: createMetricPages({ metrics, observations, maps, areas }),
    analysis: createAnalysisPages({ compare, groups, metrics, areas, sector, observations }),
    earlyWarning: createEarlyWarningPages({ earlyWarning }),
    value: createValuePages({ value, groups }),
  };
  return {
    areas,
    imports,
    uploads,
    metrics,
    observations,
    maps,
    changes,
    email,
    accounts,
    onboarding,
    groups,
    neighbours,
    compare,
    sector,
    earlyWarning,
    headlines,
    value,
    savedReports,
    reportBuilder,
    surveys,
    peer,
    budget,
    monitor,
    lead,
    pages,
  };
}

export type Services = ReturnType<typeof createServices>;

/**
 * Every service over an open database with the default configuration (or `env` over it) and a silent logger: for
 * tests, benchmarks and scripts that hold a database handle but no app.
 */
export function servicesFor(db: Db, env: Record<string, string> = {}): Services {
  // The handle is already open: the URL in this config is never used to connect.
  const databaseUrl = db.dialect === 'postgres' ? 'postgres://already-open' : 'sqlite:already-open';
  const config = loadConfig({ SLI_LOG_LEVEL: 'silent', ...env }, { databaseUrl });
  return createServices({ db, config, logger: createLogger('silent') });
}
