/**
 * A fresh, migrated database for a benchmark: a file under bench/tmp, or a schema in the PostgreSQL test database. Each
 * is named after the benchmark and this process's id, so two benchmark runs at once (or a benchmark beside another
 * helper's) never share a file or a schema; `drop` removes it at the end as before.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDb, type Db } from '../src/platform/db.ts';
import { migrateToLatest } from '../src/platform/migrate.ts';

const tmp = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'tmp');
export const DEFAULT_PG_URL = process.env.SLI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A name unique to this run: the benchmark's name and the process id, as a SQL identifier. */
export const runName = (name: string, pid = process.pid): string => `${name.replace(/\W/g, '_')}_${pid}`;

export type FreshDb = (dialect: string, name: string) => Promise<{ db: Db; url: string; drop: () => Promise<void> }>;

/** `drop` closes the database and removes the file or the schema. */
export async function freshDb(
  dialect: string,
  name: string,
  pgUrl = DEFAULT_PG_URL,
): Promise<{ db: Db; url: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    mkdirSync(tmp, { recursive: true });
    const file = path.join(tmp, `${runName(name)}.sqlite`);
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
  const schema = `bench_${runName(name)}`;
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
