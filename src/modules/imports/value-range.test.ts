import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, seedFixtureAreas, testMetric } from '../../../test/helpers/fixtures.ts';
import { migrateTo, migrateToLatest } from '../../platform/migrate.ts';
import { runImport } from './service.ts';

describe("a metric's plausible range", () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
    await seedFixtureAreas(db);
  });
  afterAll(async () => db.drop());

  const stored = (code: string) =>
    db.kysely
      .selectFrom('metrics')
      .select(['value_min', 'value_max'])
      .where('code', '=', code)
      .executeTakeFirstOrThrow();

  it('is stored from the definition (its own valueRange, else its unit type) and checked by later imports of data alone', async () => {
    const gap = testMetric('t.gap', { valueRange: { min: -100 } });
    const first = await runImport(db, {
      adapter: fixtureAdapter([gap, testMetric('t.pct')], [['t.gap', 'E06000001', 2022, -12.5]]),
      files: [],
      publish: true,
    });
    expect(first.state, first.message).toBe('published');
    expect(await stored('t.gap')).toEqual({ value_min: -100, value_max: 100 });
    expect(await stored('t.pct')).toEqual({ value_min: 0, value_max: 100 });
    // Observations alone, against the catalogue's stored range.
    const later = await runImport(db, {
      adapter: fixtureAdapter(
        [],
        [
          ['t.gap', 'E06000001', 2023, -150],
          ['t.pct', 'E06000001', 2023, -1],
        ],
      ),
      files: [],
      publish: true,
    });
    expect(later.state).toBe('rejected');
    expect(later.errors.map((e) => `${e.at.line} ${e.field} ${e.value}: ${e.message}`)).toEqual([
      "2 value -150: -150 is outside the metric's plausible range: values must be between -100 and 100 (metric t.gap, unit percentage)",
      "3 value -1: -1 is outside the metric's plausible range: values must be between 0 and 100 (metric t.pct, unit percentage)",
    ]);
  });

  it('refuses a definition whose minimum is above its maximum', async () => {
    const r = await runImport(db, {
      adapter: fixtureAdapter([testMetric('t.bad', { valueRange: { min: 10, max: 5 } })], []),
      files: [],
      publish: true,
    });
    expect(r.state).toBe('rejected');
    expect(r.errors[0]).toMatchObject({
      field: 'valueRange',
      message: expect.stringMatching(/minimum above its maximum/),
    });
  });

  it('the upgrade gives metrics already stored the range of their unit type', async () => {
    const old = await createTestDb(undefined, { migrate: false });
    try {
      await migrateTo(old, '2026-12-01T1700-national-figures');
      const now = '2026-12-01T00:00:00Z';
      for (const [id, unit] of [
        [1, 'percentage'],
        [2, 'count'],
        [3, 'currency'],
        [4, 'rate-per-1000'],
      ] as const) {
        await sql`INSERT INTO metrics (id, code, slug, title, unit, unit_type, decimal_places, polarity, period_type, applicable_area_types, source_publisher, licence, statistics_status, adapter, created_at, updated_at)
          VALUES (${id}, ${`t.${id}`}, ${`t-${id}`}, 'A measure', 'u', ${unit}, 1, 'higher-is-better', 'financial-year', '["E08"]', 'test', 'OGL-UK-3.0', 'official', 'test', ${now}, ${now})`.execute(
          old.kysely,
        );
      }
      await migrateToLatest(old);
      const rows = await old.kysely
        .selectFrom('metrics')
        .select(['unit_type', 'value_min', 'value_max'])
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { unit_type: 'percentage', value_min: 0, value_max: 100 },
        { unit_type: 'count', value_min: 0, value_max: null },
        { unit_type: 'currency', value_min: null, value_max: null },
        { unit_type: 'rate-per-1000', value_min: 0, value_max: null },
      ]);
    } finally {
      await old.drop();
    }
  });
});
