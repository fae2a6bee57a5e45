import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Db, Dialect } from './db.ts';
import * as m20261123T0500 from './migrations/2026-11-23T0500-data-service.ts';
import * as m20261123T0700 from './migrations/2026-11-23T0700-boundaries.ts';
import * as m20261124T1200 from './migrations/2026-11-24T1200-groups.ts';
import * as m20261124T1300 from './migrations/2026-11-24T1300-sector.ts';
import * as m20261124T1400 from './migrations/2026-11-24T1400-accounts.ts';
import * as m20261201T1300 from './migrations/2026-12-01T1300-surveys.ts';
import * as m20261201T1500 from './migrations/2026-12-01T1500-survey-themes.ts';
import * as m20261201T1600 from './migrations/2026-12-01T1600-saved-reports.ts';
import * as m20261201T1700 from './migrations/2026-12-01T1700-national-figures.ts';
import * as m20261206T0800 from './migrations/2026-12-06T0800-boundary-shapes.ts';
import * as m20261206T0800b from './migrations/2026-12-06T0800-staged-metrics.ts';
import * as m20261206T0900 from './migrations/2026-12-06T0900-metric-value-range.ts';
import * as m20261206T0950 from './migrations/2026-12-06T0950-login-throttles.ts';
import * as m20261206T1000 from './migrations/2026-12-06T1000-feed-entries.ts';
import * as m20261210T1300 from './migrations/2026-12-10T1300-peer-evidence-packs.ts';
import * as m20261210T1500 from './migrations/2026-12-10T1500-budget.ts';
import * as m20261207T0800 from './migrations/2026-12-07T0800-metrics-catalogue-order.ts';
import * as m20261208T0800 from './migrations/2026-12-08T0800-categorical-metrics.ts';
import * as m20261208T0900 from './migrations/2026-12-08T0900-email-queue.ts';
import * as m20261208T0910 from './migrations/2026-12-08T0910-account-tokens.ts';
import * as m20261208T0920 from './migrations/2026-12-08T0920-peer-challenge.ts';
import * as m20261208T1100 from './migrations/2026-12-08T1100-metric-derivation.ts';
import * as m20261209T0900 from './migrations/2026-12-09T0900-peer-search.ts';
import * as m20261209T0910 from './migrations/2026-12-09T0910-survey-mailings.ts';
import * as m20261209T1400 from './migrations/2026-12-09T1400-peer-evaluation.ts';
import * as m20261210T1700 from './migrations/2026-12-10T1700-monitor.ts';
import * as m20261211T0660 from './migrations/2026-12-11T0660-monitor-live.ts';
import * as m20261210T1600 from './migrations/2026-12-10T1600-leadership.ts';
import * as m20261211T0600 from './migrations/2026-12-11T0600-budget-safety.ts';
import * as m20261211T0650 from './migrations/2026-12-11T0650-budget-gap-rule.ts';
import * as m20261211T0670 from './migrations/2026-12-11T0670-budget-about-you.ts';
import * as m20261212T0720 from './migrations/2026-12-12T0720-budget-proof-of-work.ts';
import * as m20261212T0750 from './migrations/2026-12-12T0750-group-office.ts';
import * as m20261213T0810 from './migrations/2026-12-13T0810-invitations-frame-numbers.ts';
import * as m20261213T0820 from './migrations/2026-12-13T0820-budget-population.ts';
import * as m20261214T0100 from './migrations/2026-12-14T0100-peer-document-files.ts';
import * as m20261214T0200 from './migrations/2026-12-14T0200-survey-links-and-retention.ts';

type DialectMigration = { up: (db: Parameters<Migration['up']>[0], dialect: Dialect) => Promise<void> };

/** One explicit, ordered list of migrations (timestamped names). */
const MIGRATIONS: Record<string, DialectMigration> = {
  '2026-11-23T0500-data-service': m20261123T0500,
  '2026-11-23T0700-boundaries': m20261123T0700,
  '2026-11-24T1200-groups': m20261124T1200,
  '2026-11-24T1300-sector': m20261124T1300,
  '2026-11-24T1400-accounts': m20261124T1400,
  '2026-12-01T1300-surveys': m20261201T1300,
  '2026-12-01T1500-survey-themes': m20261201T1500,
  '2026-12-01T1600-saved-reports': m20261201T1600,
  '2026-12-01T1700-national-figures': m20261201T1700,
  '2026-12-06T0800-boundary-shapes': m20261206T0800,
  '2026-12-06T0800-staged-metrics': m20261206T0800b,
  '2026-12-06T0900-metric-value-range': m20261206T0900,
  '2026-12-06T0950-login-throttles': m20261206T0950,
  '2026-12-06T1000-feed-entries': m20261206T1000,
  '2026-12-10T1300-peer-evidence-packs': m20261210T1300,
  '2026-12-10T1500-budget': m20261210T1500,
  '2026-12-07T0800-metrics-catalogue-order': m20261207T0800,
  '2026-12-08T0800-categorical-metrics': m20261208T0800,
  '2026-12-08T0900-email-queue': m20261208T0900,
  '2026-12-08T0910-account-tokens': m20261208T0910,
  '2026-12-08T0920-peer-challenge': m20261208T0920,
  '2026-12-08T1100-metric-derivation': m20261208T1100,
  '2026-12-09T0900-peer-search': m20261209T0900,
  '2026-12-09T0910-survey-mailings': m20261209T0910,
  '2026-12-09T1400-peer-evaluation': m20261209T1400,
  '2026-12-10T1700-monitor': m20261210T1700,
  '2026-12-10T1600-leadership': m20261210T1600,
  '2026-12-11T0660-monitor-live': m20261211T0660,
  '2026-12-11T0600-budget-safety': m20261211T0600,
  '2026-12-11T0650-budget-gap-rule': m20261211T0650,
  '2026-12-11T0670-budget-about-you': m20261211T0670,
  '2026-12-12T0720-budget-proof-of-work': m20261212T0720,
  '2026-12-12T0750-group-office': m20261212T0750,
  '2026-12-13T0810-invitations-frame-numbers': m20261213T0810,
  '2026-12-13T0820-budget-population': m20261213T0820,
  '2026-12-14T0100-peer-document-files': m20261214T0100,
  '2026-12-14T0200-survey-links-and-retention': m20261214T0200,
};

function provider(dialect: Dialect): MigrationProvider {
  return {
    getMigrations: async () =>
      Object.fromEntries(
        Object.entries(MIGRATIONS).map(([name, m]) => [name, { up: (db) => m.up(db, dialect) } satisfies Migration]),
      ),
  };
}

export class MigrationError extends Error {}

/** Brings the schema up to date. Safe to call on every start: applied migrations are skipped. */
export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  return migrate(db, (m) => m.migrateToLatest());
}

/** Brings the schema up to a named migration and no further (tests of an upgrade over existing data). */
export async function migrateTo(db: Db, name: string): Promise<MigrationResultSet> {
  if (!(name in MIGRATIONS)) throw new MigrationError(`There is no migration named ${name}.`);
  return migrate(db, (m) => m.migrateTo(name));
}

async function migrate(db: Db, run: (m: Migrator) => Promise<MigrationResultSet>): Promise<MigrationResultSet> {
  // With a schema, Kysely must be told: its "does the migration table exist" check otherwise looks in every schema.
  const migrator = new Migrator({
    db: db.kysely,
    provider: provider(db.dialect),
    ...(db.schema ? { migrationTableSchema: db.schema } : {}),
  });
  const result = await run(migrator);
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new MigrationError(
      `Migration ${failed?.migrationName ?? '(unknown)'} failed on ${db.description}: ${String(result.error)}`,
    );
  }
  return result;
}
