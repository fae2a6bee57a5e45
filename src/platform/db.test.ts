import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/helpers/db.ts';
import { migrateToLatest } from './migrate.ts';

describe('database platform', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('migrates to the latest schema and a second run applies nothing', async () => {
    const again = await migrateToLatest(db);
    expect(again.results).toEqual([]);
    const tables = await db.kysely.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['areas', 'metrics', 'observations', 'imports']));
  });

  it('round-trips an area row with an autoincrementing id', async () => {
    const now = new Date().toISOString();
    const row = await db.kysely
      .insertInto('areas')
      .values({ code: 'E06000001', name: 'Hartlepool', type: 'E06', updated_at: now, valid_from: null, valid_to: null, source: 'test' })
      .returning(['id', 'code'])
      .executeTakeFirstOrThrow();
    expect(row.code).toBe('E06000001');
    expect(typeof row.id).toBe('number');
  });
});
