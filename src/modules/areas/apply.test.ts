import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import type { Database } from '../../platform/db.ts';
import type { GeographyBundle } from './bundle.ts';
import { applyGeography } from './index.ts';

const bundle = (over: Partial<GeographyBundle> = {}): GeographyBundle => ({
  source: 'test geography',
  areas: [
    { code: 'E12000002', name: 'North West', validFrom: null, validTo: null },
    { code: 'E08000009', name: 'Trafford', validFrom: '1974-04-01', validTo: null },
    { code: 'E10000006', name: 'Cumbria', validFrom: null, validTo: '2023-03-31' },
    { code: 'E07000026', name: 'Allerdale', validFrom: null, validTo: '2023-03-31' },
    { code: 'E06000063', name: 'Cumberland', validFrom: '2023-04-01', validTo: null },
    {
      code: 'E07000083',
      name: 'North Gloucestershire',
      validFrom: null,
      validTo: null,
      names: [
        { name: 'Tewkesbury', validFrom: '2019-04-01', validTo: '2025-03-31' },
        { name: 'North Gloucestershire', validFrom: '2025-04-01', validTo: null },
      ],
    },
  ],
  parents: [
    { code: 'E08000009', relation: 'region', parent: 'E12000002', validFrom: '2019-04-01', validTo: null },
    { code: 'E07000026', relation: 'region', parent: 'E12000002', validFrom: '2019-04-01', validTo: '2023-03-31' },
    { code: 'E07000026', relation: 'county', parent: 'E10000006', validFrom: '2019-04-01', validTo: '2023-03-31' },
    { code: 'E06000063', relation: 'region', parent: 'E12000002', validFrom: '2023-04-01', validTo: null },
  ],
  successions: [
    { predecessor: 'E07000026', successor: 'E06000063', changeType: 'merger', effectiveDate: '2023-04-01' },
    {
      predecessor: 'E10000006',
      successor: 'E06000063',
      changeType: 'split',
      effectiveDate: '2023-04-01',
      note: 'county abolished',
    },
  ],
  ...over,
});

describe('applyGeography', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => db.drop());

  const apply = (b: GeographyBundle, now = '2026-01-01T00:00:00.000Z') =>
    db.kysely.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('imports')
        .values({
          adapter: 'areas-vintages',
          files: '[]',
          state: 'published',
          created_at: now,
          published_at: now,
          inserted: 0,
          updated: 0,
          unchanged: 0,
          rejected: 0,
          summary: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { importId: id, counts: await applyGeography(trx, b, { importId: id, now }) };
    });
  const count = async (
    k: Kysely<Database>,
    table: 'areas' | 'area_parents' | 'area_names' | 'area_successions' | 'change_log',
  ) =>
    Number(
      (
        await k
          .selectFrom(table)
          .select((e) => e.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const log = (importId: number) =>
    db.kysely.selectFrom('change_log').selectAll().where('import_id', '=', importId).orderBy('entity_key').execute();

  it('creates areas with their type from the code, parents, names and successions, and logs each area as created', async () => {
    const { importId, counts } = await apply(bundle());
    expect(counts).toEqual({ created: 6, updated: 0, unchanged: 0, parents: 4, successions: 2, issues: [] });
    const trafford = await db.kysely
      .selectFrom('areas')
      .selectAll()
      .where('code', '=', 'E08000009')
      .executeTakeFirstOrThrow();
    expect(trafford).toMatchObject({
      name: 'Trafford',
      type: 'E08',
      valid_from: '1974-04-01',
      valid_to: null,
      source: 'test geography',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
    expect([
      await count(db.kysely, 'area_parents'),
      await count(db.kysely, 'area_names'),
      await count(db.kysely, 'area_successions'),
    ]).toEqual([4, 2, 2]);
    const entries = await log(importId);
    expect(entries.map((e) => `${e.entity} ${e.action} ${e.entity_key}`)).toContain('area created E07000026');
    expect(entries).toHaveLength(6);
    expect(JSON.parse(entries.find((e) => e.entity_key === 'E07000026')!.detail!)).toEqual({
      before: null,
      after: { name: 'Allerdale', type: 'E07', validFrom: null, validTo: '2023-03-31' },
    });
  });

  it('reports everything unchanged and writes nothing when the same bundle is applied again', async () => {
    const before = await Promise.all(
      (['areas', 'area_parents', 'area_names', 'area_successions', 'change_log'] as const).map((t) =>
        count(db.kysely, t),
      ),
    );
    const { counts } = await apply(bundle(), '2026-02-01T00:00:00.000Z');
    expect(counts).toEqual({ created: 0, updated: 0, unchanged: 6, parents: 0, successions: 0, issues: [] });
    expect(
      await Promise.all(
        (['areas', 'area_parents', 'area_names', 'area_successions', 'change_log'] as const).map((t) =>
          count(db.kysely, t),
        ),
      ),
    ).toEqual(before);
    const latest = await db.kysely
      .selectFrom('areas')
      .select((e) => e.fn.max('updated_at').as('at'))
      .executeTakeFirstOrThrow();
    expect(latest.at).toBe('2026-01-01T00:00:00.000Z');
  });

  it('counts an area whose name, parents or successors changed as updated, and logs what it was and became', async () => {
    const b = bundle();
    b.areas[1] = { code: 'E08000009', name: 'Trafford Council', validFrom: '1974-04-01', validTo: null };
    b.parents[2] = {
      code: 'E07000026',
      relation: 'county',
      parent: 'E10000006',
      validFrom: '2014-04-01',
      validTo: '2023-03-31',
    };
    b.successions[1] = {
      predecessor: 'E10000006',
      successor: 'E06000063',
      changeType: 'merger',
      effectiveDate: '2023-04-01',
    };
    const { importId, counts } = await apply(b, '2026-03-01T00:00:00.000Z');
    expect(counts).toEqual({ created: 0, updated: 3, unchanged: 3, parents: 2, successions: 1, issues: [] });
    const entries = await log(importId);
    expect(entries.map((e) => `${e.action} ${e.entity_key}`)).toEqual([
      'updated E07000026',
      'updated E08000009',
      'updated E10000006',
    ]);
    expect(JSON.parse(entries[1]!.detail!)).toEqual({
      before: { name: 'Trafford' },
      after: { name: 'Trafford Council' },
    });
    expect(JSON.parse(entries[0]!.detail!)).toEqual({
      before: { parents: ['county E10000006 2019-04-01..2023-03-31', 'region E12000002 2019-04-01..2023-03-31'] },
      after: { parents: ['county E10000006 2014-04-01..2023-03-31', 'region E12000002 2019-04-01..2023-03-31'] },
    });
    expect(JSON.parse(entries[2]!.detail!)).toEqual({
      before: { successors: ['E06000063 split 2023-04-01 (county abolished)'] },
      after: { successors: ['E06000063 merger 2023-04-01'] },
    });
    const stored = await db.kysely
      .selectFrom('areas')
      .select(['name', 'updated_at'])
      .where('code', '=', 'E08000009')
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ name: 'Trafford Council', updated_at: '2026-03-01T00:00:00.000Z' });
  });

  it('keeps areas that a later bundle leaves out: a code never disappears', async () => {
    const b = bundle();
    b.areas = b.areas.filter((a) => a.code !== 'E07000083');
    await apply(b, '2026-04-01T00:00:00.000Z');
    const kept = await db.kysely.selectFrom('areas').select('code').where('code', '=', 'E07000083').executeTakeFirst();
    expect(kept).toEqual({ code: 'E07000083' });
    expect(await count(db.kysely, 'area_names')).toBe(2);
  });

  it('refuses a bundle naming an area it does not hold, and writes nothing', async () => {
    const before = await count(db.kysely, 'areas');
    const b = bundle({
      areas: [...bundle().areas, { code: 'E07000999', name: 'Nowhere', validFrom: null, validTo: null }],
    });
    b.parents.push({
      code: 'E07000999',
      relation: 'county',
      parent: 'E10000099',
      validFrom: '2019-04-01',
      validTo: null,
    });
    await expect(apply(b)).rejects.toThrow(/E07000999's county E10000099 is not a known area/);
    expect(await count(db.kysely, 'areas')).toBe(before);
  });

  it('writes large bundles in batches: 1,200 areas with 1,200 parents in one call', async () => {
    const many: GeographyBundle = {
      source: 'batch test',
      areas: [
        { code: 'E12000002', name: 'North West', validFrom: null, validTo: null },
        ...Array.from({ length: 1200 }, (_, i) => ({
          code: `W99${String(i).padStart(6, '0')}`,
          name: `Area ${i}`,
          validFrom: null,
          validTo: null,
        })),
      ],
      parents: Array.from({ length: 1200 }, (_, i) => ({
        code: `W99${String(i).padStart(6, '0')}`,
        relation: 'region' as const,
        parent: 'E12000002',
        validFrom: '2019-04-01',
        validTo: null,
      })),
      successions: [],
    };
    const started = Date.now();
    const { counts } = await apply(many, '2026-05-01T00:00:00.000Z');
    // North West's source changed.
    expect(counts).toEqual({ created: 1200, updated: 1, unchanged: 0, parents: 1200, successions: 0, issues: [] });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await apply(many, '2026-05-02T00:00:00.000Z')).counts).toEqual({
      created: 0,
      updated: 0,
      unchanged: 1201,
      parents: 0,
      successions: 0,
      issues: [],
    });
  });
});
