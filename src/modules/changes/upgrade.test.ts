import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDb } from '../../../test/helpers/db.ts';
import { migrateTo, migrateToLatest } from '../../platform/migrate.ts';
import { createChangesService } from './service.ts';

describe('the feed_entries upgrade', () => {
  it('puts the changes already published in the feed, oldest first, leaving out a draft’s', async () => {
    const old = await createTestDb(undefined, { migrate: false });
    try {
      await migrateTo(old, '2026-12-01T1700-national-figures');
      const [t1, t2, t3] = ['2026-11-01T10:00:00.000Z', '2026-11-02T10:00:00.000Z', '2026-11-03T10:00:00.000Z'];
      const run = (q: ReturnType<typeof sql>) => q.execute(old.kysely);
      await run(
        sql`INSERT INTO areas (id, code, name, type, updated_at) VALUES (2, 'E08000009', 'Trafford', 'E08', ${t1})`,
      );
      await run(sql`INSERT INTO metrics (id, code, slug, title, unit, unit_type, decimal_places, polarity, period_type, applicable_area_types, source_publisher, licence, statistics_status, adapter, created_at, updated_at)
        VALUES (7, 't.m', 't-m', 'Household waste recycled', '%', 'percentage', 1, 'higher-is-better', 'financial-year', '["E08"]', 'test', 'OGL-UK-3.0', 'official', 'test', ${t1}, ${t1})`);
      await run(
        sql`INSERT INTO periods (id, iso, label, start_date, end_date, type) VALUES (1, '2023-04-01/P1Y', '2023/24', '2023-04-01', '2024-03-31', 'financial-year')`,
      );
      await run(sql`INSERT INTO imports (id, adapter, files, state, created_at, published_at, inserted, updated, unchanged, rejected)
        VALUES (1, 'test', '[]', 'published', ${t1}, ${t1}, 1, 0, 0, 0), (2, 'test', '[]', 'draft', ${t2}, NULL, 0, 0, 0, 0),
          (3, 'test', '[]', 'published', ${t3}, ${t3}, 0, 1, 0, 0)`);
      await run(sql`INSERT INTO observations (metric_id, period_id, area_id, value, status, revision, import_id, updated_at)
        VALUES (7, 1, 2, 28.4, '', 2, 3, ${t3})`);
      await run(sql`INSERT INTO observation_revisions (id, metric_id, period_id, area_id, revision, value, status, import_id, valid_until, replaced_by_import_id, deleted)
        VALUES (5, 7, 1, 2, 1, 28.1, '', 1, ${t3}, 3, 0)`);
      await run(
        sql`INSERT INTO import_metrics (import_id, metric_id, inserted, updated, unchanged) VALUES (1, 7, 1, 0, 0), (3, 7, 0, 1, 0)`,
      );
      await run(sql`INSERT INTO change_log (id, at, entity, action, entity_key, import_id, detail) VALUES
        (11, ${t1}, 'metric', 'created', 't.m', 1, NULL), (12, ${t1}, 'import', 'published', '1', 1, NULL),
        (13, ${t2}, 'metric', 'updated', 't.m', 2, '{"title":{"before":"a","after":"b"}}'),
        (14, ${t3}, 'import', 'published', '3', 3, NULL)`);
      await migrateToLatest(old);

      const rows = await old.kysely
        .selectFrom('feed_entries')
        .select(['kind', 'ref_id', 'metric_id', 'import_id', 'at'])
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { kind: 'catalogue', ref_id: 11, metric_id: 7, import_id: 1, at: t1 },
        { kind: 'publication', ref_id: 1, metric_id: 7, import_id: 1, at: t1 },
        { kind: 'catalogue', ref_id: 12, metric_id: null, import_id: 1, at: t1 },
        { kind: 'observation', ref_id: 5, metric_id: 7, import_id: 3, at: t3 },
        { kind: 'publication', ref_id: 3, metric_id: 7, import_id: 3, at: t3 },
        { kind: 'catalogue', ref_id: 14, metric_id: null, import_id: 3, at: t3 },
      ]);
      const feed = await createChangesService(old).feed({ limit: 10 });
      expect(feed.entries.map((e) => e.summary)).toEqual([
        'A new measure, “Household waste recycled” (t.m), was added on 1 November 2026 (import #1).',
        '“Household waste recycled” (t.m): 1 new figure published on 1 November 2026 (import #1).',
        'Import #1 (test) was published on 1 November 2026.',
        "Trafford's 2023/24 figure for household waste recycled was revised from 28.1% to 28.4% on 3 November 2026 (import #3).",
        '“Household waste recycled” (t.m): 1 revised figure published on 3 November 2026 (import #3).',
        'Import #3 (test) was published on 3 November 2026.',
      ]);
    } finally {
      await old.drop();
    }
  });
});
