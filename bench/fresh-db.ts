/** A fresh, migrated database for a benchmark: a file under bench/tmp, or a schema in the PostgreSQL test database. */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDb, type Db } from '../src/platform/db.ts';
import { migrateToLatest } from '../src/platform/migrate.ts';

const tmp = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'tmp');
export const DEFAULT_PG_URL = process.env.SLI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type FreshDb = (dialect: string, name: string) => Promise<{ db: Db; url: string; drop: () => Promise<void> }>;

/** `drop` closes the database and removes the file or the schema. */
export async function freshDb(
  dialect: string,
  name: string,
  pgUrl = DEFAULT_PG_URL,
): Promise<{ db: Db; url: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    mkdirSync(tmp, { recursive: true });
    const file = path.join(tmp, `${name}.sqlite`);
    const clean = () => {
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    };
    clean();
    const url = `sqlite:${file}`;
    const db = createDb(url);
    await migrateToLatest(db);
    return {
      db,
      url,
      drop: async () => {
        await db.close();
        clean();
      },
    };
  }
  const schema = `bench_${name.replace(/\W/g, '_')}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(q);
    await c.end();
  };
  await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  const url = `${pgUrl}?schema=${schema}`;
  const db = createDb(url);
  await migrateToLatest(db);
  return {
    db,
    url,
    drop: async () => {
      await db.close();
      await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}
