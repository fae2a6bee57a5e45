import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSli } from '../../../test/helpers/cli.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, seedFixtureAreas, testMetric, type FixtureRow } from '../../../test/helpers/fixtures.ts';
import { createDb } from '../../platform/db.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { recordFeedEntries } from './feed.ts';
import { ImportStateError, publishImport, runImport } from './index.ts';

const sli = runSli;

const metric = testMetric('t.w', { title: 'Household waste recycled' });
const COUNCILS = ['E06000001', 'E08000009', 'E08000003'];
const rows = (years: number[], councils = COUNCILS, add = 0): FixtureRow[] =>
  years.flatMap((y) => councils.map((a, i): FixtureRow => ['t.w', a, y, 40 + i + (y - 2021) / 10 + add]));
const fixture = (r: FixtureRow[]) => fixtureAdapter([metric], r);

describe('withdrawals', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
    await seedFixtureAreas(db);
    const first = await runImport(db, { adapter: fixture(rows([2021, 2022])), files: [], publish: true });
    expect(first.observations.inserted).toBe(6);
  });
  afterAll(async () => db.drop());

  const published = () =>
    db.kysely
      .selectFrom('observations as o')
      .innerJoin('areas as a', 'a.id', 'o.area_id')
      .innerJoin('periods as p', 'p.id', 'o.period_id')
      .select(['a.code', 'p.label', 'o.value'])
      .orderBy('p.label')
      .orderBy('a.code')
      .execute();
  const deletions = () =>
    db.kysely
      .selectFrom('observation_revisions as r')
      .innerJoin('areas as a', 'a.id', 'r.area_id')
      .innerJoin('periods as p', 'p.id', 'r.period_id')
      .select(['a.code', 'p.label', 'r.value', 'r.revision', 'r.replaced_by_import_id'])
      .where('r.deleted', '=', 1)
      .orderBy('r.id')
      .execute();
  const coverage = async (label: string) =>
    (
      await db.kysely
        .selectFrom('metric_periods as mp')
        .innerJoin('periods as p', 'p.id', 'mp.period_id')
        .select('mp.n_areas')
        .where('p.label', '=', label)
        .executeTakeFirst()
    )?.n_areas;

  it('refuses a re-published file that no longer holds a published row, saying how many and how to confirm', async () => {
    const before = await published();
    // 2021/22 without Manchester, and one value changed: 2022/23 is not in this file, so not in its scope.
    const r = await runImport(db, {
      adapter: fixture([...rows([2021], COUNCILS.slice(0, 1), 1), ...rows([2021], COUNCILS.slice(1, 2))]),
      files: [],
      publish: true,
    });
    expect(r.state).toBe('rejected');
    expect(r.message).toBe(
      'Nothing was published: 1 published observation of the metrics and periods in this import is no longer in it ' +
        '(for example t.w, E08000003, 2021/22). To withdraw it (kept in the change feed as deletions, with the previous ' +
        'values), import again with --withdraw-missing (or, for a partial file, --keep-missing); otherwise check the ' +
        'file is complete.',
    );
    expect(await published()).toEqual(before);
    const dry = await runImport(db, { adapter: fixture(rows([2021], COUNCILS.slice(0, 2))), files: [], dryRun: true });
    expect(dry.state).toBe('dry-run');
    expect(dry.message).toContain('1 published observation of the same metrics and periods is not in this import');
  });

  it('rows another adapter published in the same metric and period are not the file’s to withdraw', async () => {
    const other = { ...fixture([['t.w', 'E06000061', 2021, 12]]), name: 'other-publisher' };
    expect((await runImport(db, { adapter: other, files: [], publish: true, keepMissing: true })).state).toBe(
      'published',
    );
    // (Published, not unchanged: the metric's definition names the adapter that last defined it.)
    const r = await runImport(db, { adapter: fixture(rows([2021])), files: [], publish: true });
    expect(r.state).toBe('published');
    expect(r.observations).toMatchObject({ unchanged: 3, withdrawn: 0 });
    expect((await published()).filter((o) => o.code === 'E06000061')).toHaveLength(1);
  });

  it('--withdraw-missing deletes them, keeping each in observation_revisions with its previous value, in the feed', async () => {
    const r = await runImport(db, {
      adapter: fixture([...rows([2021], COUNCILS.slice(0, 2))]),
      files: [],
      publish: true,
      withdrawMissing: true,
    });
    expect(r.state).toBe('published');
    expect(r.observations).toMatchObject({ withdrawn: 1, unchanged: 2, updated: 0 });
    expect(r.message).toContain('1 withdrawn (no longer in the file; previous values kept)');
    expect((await published()).map((o) => `${o.label} ${o.code}`)).toEqual([
      '2021/22 E06000001',
      '2021/22 E06000061',
      '2021/22 E08000009',
      '2022/23 E06000001',
      '2022/23 E08000003',
      '2022/23 E08000009',
    ]);
    expect(await deletions()).toEqual([
      { code: 'E08000003', label: '2021/22', value: 42, revision: 1, replaced_by_import_id: r.importId },
    ]);
    expect(await coverage('2021/22')).toBe(2 + 1);
    const feed = await db.kysely
      .selectFrom('feed_entries')
      .select(['kind', 'import_id'])
      .where('import_id', '=', r.importId)
      .orderBy('id')
      .execute();
    expect(feed.map((f) => f.kind)).toEqual(['observation', 'publication', 'catalogue']);
  });

  it('a draft says what publishing it would withdraw; publishing asks for --withdraw-missing or --keep-missing', async () => {
    const draft = await runImport(db, { adapter: fixture(rows([2022], COUNCILS.slice(1), 5)), files: [] });
    expect(draft.state).toBe('draft');
    expect(draft.message).toContain(
      `1 published observation of the same metrics and periods is not in this import: publishing withdraws them only when confirmed ("sli imports publish ${draft.importId} --withdraw-missing", or --keep-missing).`,
    );
    const id = draft.importId!;
    const feedOf = async (importId: number) =>
      (
        await db.kysely
          .selectFrom('feed_entries')
          .select('kind')
          .where('import_id', '=', importId)
          .orderBy('id')
          .execute()
      ).map((f) => f.kind);
    expect(await feedOf(id)).toEqual([]); // a draft is not in the change feed
    const refused = publishImport(db, id);
    await expect(refused).rejects.toThrow(ImportStateError);
    await expect(publishImport(db, id)).rejects.toThrow(/1 published observation of the metrics and periods/);
    const counts = await publishImport(db, id, { withdrawMissing: true });
    expect(counts).toMatchObject({ updated: 2, withdrawn: 1 });
    expect(await feedOf(id)).toEqual(['observation', 'observation', 'observation', 'publication', 'catalogue']);
    expect((await deletions()).at(-1)).toEqual({
      code: 'E06000001',
      label: '2022/23',
      value: 40.1,
      revision: 1,
      replaced_by_import_id: id,
    });
  });

  it('sli imports withdraw withdraws one figure with a reason; it refuses what does not exist', async () => {
    const ok = await sli(db, [
      'imports',
      'withdraw',
      '--metric',
      't.w',
      '--area',
      'E08000009',
      '--period',
      '2022/23',
      '--reason',
      'Published in error',
    ]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toBe('');
    const importId = Number(/as import #(\d+)/.exec(ok.stdout)?.[1]);
    expect(ok.stdout).toBe(`Withdrew 1 observation(s) as import #${importId} (e.g. t.w, E08000009, 2022/23).\n`);
    expect((await deletions()).at(-1)).toEqual({
      code: 'E08000009',
      label: '2022/23',
      value: 45.1,
      revision: 2,
      replaced_by_import_id: importId,
    });
    const imp = await db.kysely.selectFrom('imports').selectAll().where('id', '=', importId).executeTakeFirstOrThrow();
    expect(imp).toMatchObject({ adapter: 'withdraw', state: 'published' });
    expect(JSON.parse(imp.summary!)).toMatchObject({ withdrawn: 1, reason: 'Published in error' });

    const again = await sli(db, [
      'imports',
      'withdraw',
      '--metric',
      't.w',
      '--area',
      'E08000009',
      '--period',
      '2022/23',
      '--reason',
      'x',
    ]);
    expect(again.status).toBe(2);
    expect(again.stderr).toBe('sli: nothing withdrawn: there is no published observation of t.w, E08000009, 2022/23\n');
    const unknown = await sli(db, [
      'imports',
      'withdraw',
      '--metric',
      't.nope',
      '--period',
      '2022/23',
      '--reason',
      'x',
    ]);
    expect(unknown.stderr).toBe('sli: nothing withdrawn: there is no metric "t.nope"\n');
  });

  it('a second publication takes feed positions only after the first commits (one writer at a time)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let firstIds: number[] = [];
    const first = withTransaction(db, async (tx) => {
      await tx.run(
        `INSERT INTO change_log (at, entity, action, entity_key, import_id) VALUES ('x', 'import', 'published', '901', 901)`,
      );
      await recordFeedEntries(tx, 901, '2026-12-02T00:00:00Z');
      firstIds = (await tx.all<{ id: number }>('SELECT id FROM feed_entries WHERE import_id = 901')).map((r) => r.id);
      await gate;
    });
    await new Promise((r) => setTimeout(r, 100));
    // Another connection, as another process would be: it cannot write its entries while the first is open.
    const other = createDb(db.url, { busyTimeoutMs: 0, lockTimeoutMs: 300 });
    try {
      const second = withTransaction(other, async (tx) => {
        await tx.run(
          `INSERT INTO change_log (at, entity, action, entity_key, import_id) VALUES ('x', 'import', 'published', '902', 902)`,
        );
        await recordFeedEntries(tx, 902, '2026-12-02T00:00:00Z');
      });
      await expect(second).rejects.toThrow(/lock|busy|locked/i);
      // A reader meanwhile sees none of the first's positions: nothing it could page past.
      expect(await other.kysely.selectFrom('feed_entries').select('id').where('import_id', '=', 901).execute()).toEqual(
        [],
      );
      release();
      await first;
      await withTransaction(other, async (tx) => {
        await tx.run(
          `INSERT INTO change_log (at, entity, action, entity_key, import_id) VALUES ('x', 'import', 'published', '902', 902)`,
        );
        await recordFeedEntries(tx, 902, '2026-12-02T00:00:00Z');
      });
      const secondIds = (
        await other.kysely.selectFrom('feed_entries').select('id').where('import_id', '=', 902).execute()
      ).map((r) => r.id);
      expect(firstIds).toHaveLength(1);
      expect(secondIds[0]).toBeGreaterThan(firstIds[0]!);
    } finally {
      release();
      await other.close();
    }
  });
});
