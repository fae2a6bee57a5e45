import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../../src/platform/db.ts';
import { migrateToLatest } from '../../src/platform/migrate.ts';

export const TEST_PG_URL = process.env.SLI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type TestDialect = 'sqlite' | 'postgres';
export const testDialect = (): TestDialect => (process.env.SLI_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite');

export interface TestDb extends Db {
  /** The URL another process (the CLI) can use to reach the same database. */
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a temporary SQLite file, or a new schema in the PostgreSQL test
 * database (left empty with `migrate: false`). PostgreSQL must be reachable: a test run never skips it silently.
 */
export async function createTestDb(
  dialect: TestDialect = testDialect(),
  opts: { migrate?: boolean } = {},
): Promise<TestDb> {
  const migrate = opts.migrate ?? true;
  if (dialect === 'postgres') {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    try {
      await admin.connect();
    } catch (e) {
      throw new Error(
        `PostgreSQL is not reachable at ${TEST_PG_URL} (${String(e)}). The test suite runs on both databases; start PostgreSQL or set SLI_TEST_PG_URL.`,
      );
    }
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const url = `${TEST_PG_URL}?schema=${schema}`;
    const db = createDb(url);
    if (migrate) await migrateToLatest(db);
    return Object.assign(db, {
      url,
      async drop() {
        await db.close();
        const c = new pg.Client({ connectionString: TEST_PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA ${schema} CASCADE`);
        await c.end();
      },
    });
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sli-test-'));
  const url = `sqlite:${path.join(dir, 'test.sqlite')}`;
  const db = createDb(url);
  if (migrate) await migrateToLatest(db);
  return Object.assign(db, {
    url,
    async drop() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
