import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/helpers/db.ts';
import { createDb } from './db.ts';
import { isDatabaseUnavailable } from './db-errors.ts';
import { migrateTo, migrateToLatest } from './migrate.ts';

describe('database platform', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('a query still running when the service closes its database is "unavailable" (503), not our fault (500)', async () => {
    const other = createDb(db.url);
    await other.kysely.selectFrom('areas').select('id').execute();
    await other.close();
    const error = await other.kysely
      .selectFrom('areas')
      .select('id')
      .execute()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('migrates to the latest schema and a second run applies nothing', async () => {
    const again = await migrateToLatest(db);
    expect(again.results).toEqual([]);
    const tables = await db.kysely.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['areas', 'metrics', 'observations', 'imports']));
  });

  it.runIf(process.env.SLI_TEST_DIALECT === 'postgres')(
    'on PostgreSQL, migrating and introspecting read the own schema alone, while other schemas are made and dropped',
    async () => {
      // Kysely's own introspector read every schema and failed ("relation … does not exist") when another test file's
      // schema was dropped at that moment; two test files at a time made that happen.
      let churning = true;
      const churn = (async () => {
        let n = 0;
        while (churning) {
          const other = await createTestDb('postgres', { migrate: false });
          await other.kysely.schema
            .createTable(`t${n++}`)
            .addColumn('id', 'serial', (c) => c.primaryKey())
            .execute();
          await other.drop();
        }
      })();
      try {
        for (let i = 0; i < 20; i++) {
          expect((await migrateToLatest(db)).results).toEqual([]);
          const tables = await db.kysely.introspection.getTables();
          expect(tables.every((t) => t.schema === db.schema)).toBe(true);
          expect(tables.map((t) => t.name)).toContain('kysely_migration');
        }
      } finally {
        churning = false;
        await churn;
      }
    },
  );

  it('round-trips an area row with an autoincrementing id', async () => {
    const now = new Date().toISOString();
    const row = await db.kysely
      .insertInto('areas')
      .values({
        code: 'E06000001',
        name: 'Hartlepool',
        type: 'E06',
        updated_at: now,
        valid_from: null,
        valid_to: null,
        source: 'test',
      })
      .returning(['id', 'code'])
      .executeTakeFirstOrThrow();
    expect(row.code).toBe('E06000001');
    expect(typeof row.id).toBe('number');
  });

  it("the upgrade that keeps England's figures with the coverage fills them from the observations already published", async () => {
    const old = await createTestDb(undefined, { migrate: false });
    try {
      await migrateTo(old, '2026-12-01T1600-saved-reports');
      const now = '2026-12-01T00:00:00Z';
      const run = (q: ReturnType<typeof sql>) => q.execute(old.kysely);
      await run(
        sql`INSERT INTO areas (id, code, name, type, updated_at) VALUES (1, 'E92000001', 'England', 'E92', ${now}), (2, 'E08000009', 'Trafford', 'E08', ${now})`,
      );
      await run(sql`INSERT INTO metrics (id, code, slug, title, unit, unit_type, decimal_places, polarity, period_type, applicable_area_types, source_publisher, licence, statistics_status, adapter, created_at, updated_at)
        VALUES (7, 't.m', 't-m', 'A measure', '%', 'percentage', 1, 'higher-is-better', 'financial-year', '["E08"]', 'test', 'OGL-UK-3.0', 'official', 'test', ${now}, ${now})`);
      await run(
        sql`INSERT INTO periods (id, iso, label, start_date, end_date, type) VALUES (1, '2023-04-01/P1Y', '2023/24', '2023-04-01', '2024-03-31', 'financial-year'), (2, '2024-04-01/P1Y', '2024/25', '2024-04-01', '2025-03-31', 'financial-year')`,
      );
      await run(sql`INSERT INTO observations (metric_id, period_id, area_id, value, status, lci, uci, note, revision, import_id, updated_at) VALUES
        (7, 1, 1, 50.5, '', 49, 52, NULL, 1, 1, ${now}), (7, 2, 1, NULL, 'x', NULL, NULL, 'not collected', 1, 1, ${now}), (7, 1, 2, 40, '', NULL, NULL, NULL, 1, 1, ${now}), (7, 2, 2, 41, '', NULL, NULL, NULL, 1, 1, ${now})`);
      await run(
        sql`INSERT INTO metric_periods (metric_id, period_id, n_areas, n_values) VALUES (7, 1, 2, 2), (7, 2, 2, 1)`,
      );
      await migrateToLatest(old);
      const rows = await old.kysely
        .selectFrom('metric_periods')
        .select([
          'period_id',
          'n_areas',
          'england_value',
          'england_lci',
          'england_uci',
          'england_status',
          'england_note',
        ])
        .orderBy('period_id')
        .execute();
      expect(rows).toEqual([
        {
          period_id: 1,
          n_areas: 2,
          england_value: 50.5,
          england_lci: 49,
          england_uci: 52,
          england_status: '',
          england_note: null,
        },
        {
          period_id: 2,
          n_areas: 2,
          england_value: null,
          england_lci: null,
          england_uci: null,
          england_status: 'x',
          england_note: 'not collected',
        },
      ]);
    } finally {
      await old.drop();
    }
  });
});
