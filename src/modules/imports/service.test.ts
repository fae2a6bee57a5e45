import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, seedFixtureAreas, testMetric, type FixtureRow } from '../../../test/helpers/fixtures.ts';
import { calendarYear } from '../observations/index.ts';
import type { ImportAdapter } from './adapter.ts';
import { discardImport, publishImport, runImport } from './service.ts';

const metric = testMetric;
const fixture = fixtureAdapter;
type Row = FixtureRow;

/** A logger at info whose lines are collected, parsed. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream).child({ command: 'import' }) };
}

const tick = () => new Promise((r) => setImmediate(r));
/** One observation of one metric for Hartlepool in 2022. */
const one = (value: number) => fixture([metric('t.one')], [['t.one', 'E06000001', 2022, value]]);

describe('import engine', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
    await seedFixtureAreas(db);
  });
  afterAll(async () => db.drop());
  beforeEach(async () => {
    for (const t of [
      'observation_revisions',
      'observations',
      'staged_observations',
      'staged_metrics',
      'metric_periods',
      'import_metrics',
      'change_log',
      'metric_slugs',
      'metrics',
      'imports',
      'periods',
    ] as const) {
      await db.kysely.deleteFrom(t).execute();
    }
  });

  const countRows = async (t: 'observations' | 'imports' | 'metrics' | 'observation_revisions') =>
    Number(
      (
        await db.kysely
          .selectFrom(t)
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('publishes new observations and a second import of the same data changes nothing and says so', async () => {
    const a = fixture(
      [metric('t.one')],
      [
        ['t.one', 'E06000001', 2022, 50.5],
        ['t.one', 'E08000009', 2022, 60],
        ['t.one', 'E06000001', 2023, null],
      ],
    );
    const first = await runImport(db, { adapter: a, files: [], publish: true });
    expect(first.state).toBe('published');
    expect(first.observations).toMatchObject({ read: 3, inserted: 3, updated: 0, unchanged: 0 });
    expect(first.metrics.created).toBe(1);
    const second = await runImport(db, { adapter: a, files: [], publish: true });
    expect(second.state).toBe('unchanged');
    expect(second.importId).toBeNull();
    expect(second.observations).toMatchObject({ read: 3, inserted: 0, updated: 0, unchanged: 3 });
    expect(second.message).toMatch(/Nothing changed/);
    expect(await countRows('imports')).toBe(1);
    const cov = await db.kysely.selectFrom('metric_periods').selectAll().execute();
    expect(cov.map((c) => c.n_areas).sort()).toEqual([1, 2]);
  });

  it('keeps the previous value, import and time when a value is revised', async () => {
    await runImport(db, {
      adapter: fixture([metric('t.one')], [['t.one', 'E06000001', 2022, 50.5]]),
      files: [],
      publish: true,
      now: new Date('2026-01-01T00:00:00Z'),
    });
    const r = await runImport(db, {
      adapter: fixture([metric('t.one')], [['t.one', 'E06000001', 2022, 51.25]]),
      files: [],
      publish: true,
      now: new Date('2026-02-01T00:00:00Z'),
    });
    expect(r.observations).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });
    const o = await db.kysely.selectFrom('observations').selectAll().executeTakeFirstOrThrow();
    expect(o).toMatchObject({ value: 51.25, revision: 2, import_id: r.importId });
    const rev = await db.kysely.selectFrom('observation_revisions').selectAll().executeTakeFirstOrThrow();
    expect(rev).toMatchObject({
      value: 50.5,
      revision: 1,
      valid_until: '2026-02-01T00:00:00.000Z',
      replaced_by_import_id: r.importId,
    });
  });

  it('publishes over rows written into observations without the importer (the coverage knows nothing of them)', async () => {
    await runImport(db, {
      adapter: fixture([metric('t.one')], [['t.one', 'E06000001', 2022, 50.5]]),
      files: [],
      publish: true,
      now: new Date('2026-01-01T00:00:00Z'),
    });
    // As if written straight into the table: the coverage (metric_periods) says the metric holds nothing, so the next
    // import takes its keys for new (on PostgreSQL, a COPY without a savepoint that meets the key already held).
    await db.kysely.deleteFrom('metric_periods').execute();
    const { lines, logger } = capture();
    const r = await runImport(db, {
      adapter: fixture(
        [metric('t.one')],
        [
          ['t.one', 'E06000001', 2022, 51.25],
          ['t.one', 'E08000009', 2022, 60],
        ],
      ),
      files: [],
      publish: true,
      logger,
      now: new Date('2026-02-01T00:00:00Z'),
    });
    expect(r.state).toBe('published');
    expect(r.observations).toMatchObject({ read: 2, inserted: 1, updated: 1, unchanged: 0 });
    const rows = await db.kysely.selectFrom('observations').select(['value', 'revision']).orderBy('value').execute();
    expect(rows).toEqual([
      { value: 51.25, revision: 2 },
      { value: 60, revision: 1 },
    ]);
    const rev = await db.kysely.selectFrom('observation_revisions').select(['value']).execute();
    expect(rev).toEqual([{ value: 50.5 }]);
    // The coverage is right again.
    const cov = await db.kysely.selectFrom('metric_periods').select(['n_areas']).execute();
    expect(cov).toEqual([{ n_areas: 2 }]);
    const retried = lines.filter((l) => String(l.msg).includes('coverage did not know'));
    expect(retried.length).toBe(db.dialect === 'postgres' ? 1 : 0);
  });

  it('rejects conflicting duplicates inside one chunk, naming both lines, and writes nothing', async () => {
    const r = await runImport(db, {
      adapter: fixture(
        [metric('t.one')],
        [
          ['t.one', 'E06000001', 2022, 1],
          ['t.one', 'E08000009', 2022, 2],
          ['t.one', 'E06000001', 2022, 3],
        ],
      ),
      files: [],
      publish: true,
    });
    expect(r.state).toBe('rejected');
    expect(r.errors[0]).toMatchObject({ at: { file: 'fixture.csv', line: 4 } });
    expect(r.errors[0]!.message).toMatch(/line 2/);
    expect(await countRows('observations')).toBe(0);
    expect(await countRows('metrics')).toBe(0);
    expect(await countRows('imports')).toBe(0);
  });

  it('rejects conflicting duplicates that fall in different chunks', async () => {
    const rows: Row[] = [
      ['t.one', 'E06000001', 2022, 1],
      ['t.one', 'E08000009', 2022, 2],
      ['t.one', 'E08000009', 2023, 2],
      ['t.one', 'E06000001', 2022, 9],
    ];
    const r = await runImport(db, {
      adapter: fixture([metric('t.one')], rows),
      files: [],
      publish: true,
      chunkSize: 2,
    });
    expect(r.state).toBe('rejected');
    expect(r.errors.map((e) => e.at.line)).toEqual([5]);
    expect(await countRows('observations')).toBe(0);
  });

  it('ignores identical duplicates and counts them', async () => {
    const rows: Row[] = [
      ['t.one', 'E06000001', 2022, 1],
      ['t.one', 'E06000001', 2022, 1],
      ['t.one', 'E08000009', 2022, 2],
      ['t.one', 'E06000001', 2022, 1],
    ];
    const r = await runImport(db, {
      adapter: fixture([metric('t.one')], rows),
      files: [],
      publish: true,
      chunkSize: 3,
    });
    expect(r.state).toBe('published');
    expect(r.observations).toMatchObject({ read: 4, inserted: 2, duplicates: 2, unchanged: 0 });
  });

  // More fresh rows than the writer holds before writing them straight into observations (10,000), then a row of a
  // metric with published data (so the last chunk takes the merge) and a key met again after its batch was written:
  // still a duplicate (identical) or a conflict (different), never silently dropped.
  const beyondOneBatch = async (again: number) => {
    await runImport(db, {
      adapter: fixture([metric('t.old')], [['t.old', 'E06000001', 2022, 1]]),
      files: [],
      publish: true,
    });
    const rows: Row[] = [];
    for (let m = 0; m < 60; m++)
      for (let year = 1925; year < 2025; year++)
        for (const area of ['E06000001', 'E08000009']) rows.push([`t.m${m}`, area, year, (m + year) % 100]);
    rows.push(['t.old', 'E06000001', 2022, 2], ['t.m0', 'E06000001', 1925, again]); // 12,002 rows
    const metrics = [metric('t.old'), ...Array.from({ length: 60 }, (_, m) => metric(`t.m${m}`))];
    return runImport(db, { adapter: fixture(metrics, rows), files: [], publish: true });
  };

  it('rejects a conflicting duplicate of a fresh row written in an earlier batch', async () => {
    const r = await beyondOneBatch(99);
    expect(r.state).toBe('rejected');
    expect(r.errors.map((e) => e.at.line)).toEqual([12_003]);
    expect(r.errors[0]!.message).toMatch(/conflicts with an earlier row of this import/);
    expect(await countRows('observations')).toBe(1);
  });

  it('counts an identical duplicate of a fresh row written in an earlier batch', async () => {
    const r = await beyondOneBatch(25);
    expect(r.state).toBe('published');
    expect(r.observations).toMatchObject({ read: 12_002, inserted: 12_000, updated: 1, duplicates: 1 });
    expect(await countRows('observations')).toBe(12_001);
  });

  it('names unknown metrics and areas, refuses areas outside the metric tier, and suggests the successor of a retired code', async () => {
    const r = await runImport(db, {
      adapter: fixture(
        [metric('t.one', { applicableAreaTypes: ['E06', 'E07', 'E08', 'E09'] })],
        [
          ['t.nope', 'E06000001', 2022, 1],
          ['t.one', 'E06999999', 2022, 1],
          ['t.one', 'E07000150', 2022, 1],
          ['t.one', 'E10000014', 2022, 1],
          ['t.one', 'E92000001', 2022, 1],
        ],
      ),
      files: [],
      publish: true,
    });
    expect(r.state).toBe('rejected');
    expect(r.errorCount).toBe(4);
    expect(r.errors[0]).toMatchObject({ field: 'metric', value: 't.nope', at: { line: 2 } });
    expect(r.errors[1]).toMatchObject({ field: 'area', value: 'E06999999', at: { line: 3 } });
    expect(r.errors[2]!.message).toMatch(
      /Corby.*ended on 2021-03-31.*successor is E06000061 \(North Northamptonshire\)/,
    );
    expect(r.errors[3]!.message).toMatch(/applies to E06, E07, E08, E09 areas, not to E10000014/);
    expect(await countRows('metrics')).toBe(0);
  });

  it('rejects an invalid metric definition field by field', async () => {
    const r = await runImport(db, {
      adapter: fixture([metric('t.one', { polarity: 'up' as never, decimalPlaces: 9 })], []),
      files: [],
      publish: true,
    });
    expect(r.state).toBe('rejected');
    expect(r.errors.map((e) => e.field).sort()).toEqual(['decimalPlaces', 'polarity']);
  });

  it('holds a draft until it is published, then applies it with revisions', async () => {
    await runImport(db, {
      adapter: fixture([metric('t.one')], [['t.one', 'E06000001', 2022, 1]]),
      files: [],
      publish: true,
    });
    const draft = await runImport(db, {
      adapter: fixture(
        [metric('t.one')],
        [
          ['t.one', 'E06000001', 2022, 2],
          ['t.one', 'E08000009', 2022, 3],
        ],
      ),
      files: [],
    });
    expect(draft.state).toBe('draft');
    expect(draft.observations).toMatchObject({ inserted: 1, updated: 1, unchanged: 0 });
    expect((await db.kysely.selectFrom('observations').select('value').execute()).map((o) => o.value)).toEqual([1]);
    const counts = await publishImport(db, draft.importId!);
    expect(counts).toMatchObject({ inserted: 1, updated: 1 });
    expect(
      (await db.kysely.selectFrom('observations').select('value').orderBy('value').execute()).map((o) => o.value),
    ).toEqual([2, 3]);
    expect(await countRows('observation_revisions')).toBe(1);
    await expect(publishImport(db, draft.importId!)).rejects.toThrow(/published, not a draft/);
  });

  it('discards a draft without touching published data', async () => {
    const draft = await runImport(db, {
      adapter: fixture([metric('t.one')], [['t.one', 'E06000001', 2022, 2]]),
      files: [],
    });
    await discardImport(db, draft.importId!);
    expect(await countRows('observations')).toBe(0);
    expect(
      Number(
        (
          await db.kysely
            .selectFrom('staged_observations')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(0);
  });

  it("holds a draft's new metric aside: another import cannot use it, and publishing it later applies it to the catalogue then", async () => {
    const draft = await runImport(db, {
      adapter: fixture([metric('t.new', { caveats: 'Draft' })], [['t.new', 'E06000001', 2022, 1]]),
      files: [],
    });
    expect(draft.metrics).toMatchObject({ created: 1 });
    expect(await countRows('metrics')).toBe(0);
    const other = await runImport(db, {
      adapter: fixture([], [['t.new', 'E08000009', 2022, 2]]),
      files: [],
      publish: true,
    });
    expect(other.state).toBe('rejected');
    expect(other.errors[0]!.message).toMatch(/t\.new/);
    // Meanwhile another import publishes the same code with another definition and a figure of its own.
    const first = await runImport(db, {
      adapter: fixture([metric('t.new', { caveats: 'Published first' })], [['t.new', 'E08000009', 2022, 3]]),
      files: [],
      publish: true,
    });
    expect(first.state).toBe('published');
    // The draft does not hold the other import's council: a partial file, so its figure is kept.
    await publishImport(db, draft.importId!, { keepMissing: true });
    const [m] = await db.kysely.selectFrom('metrics').selectAll().execute();
    expect(m).toMatchObject({ code: 't.new', caveats: 'Draft', import_id: draft.importId });
    const obs = await db.kysely.selectFrom('observations').select(['metric_id', 'value']).orderBy('value').execute();
    expect(obs).toEqual([
      { metric_id: m!.id, value: 1 },
      { metric_id: m!.id, value: 3 },
    ]);
    const log = await db.kysely
      .selectFrom('change_log')
      .selectAll()
      .where('entity', '=', 'metric')
      .orderBy('id')
      .execute();
    expect(log.map((l) => [l.action, l.import_id])).toEqual([
      ['created', first.importId],
      ['updated', draft.importId],
    ]);
    expect(JSON.parse(log[1]!.detail!)).toEqual({ caveats: { before: 'Published first', after: 'Draft' } });
  });

  it('a dry run validates and counts but writes nothing', async () => {
    const r = await runImport(db, {
      adapter: fixture([metric('t.one')], [['t.one', 'E06000001', 2022, 2]]),
      files: [],
      dryRun: true,
    });
    expect(r.state).toBe('dry-run');
    expect(r.observations.inserted).toBe(1);
    expect(await countRows('observations')).toBe(0);
    expect(await countRows('metrics')).toBe(0);
  });

  it('stores calendar and financial periods canonically', async () => {
    const a: ImportAdapter = {
      ...fixture([metric('t.one')], []),
      async *read() {
        yield { kind: 'metric', metric: metric('t.one'), at: { file: 'f', line: 1 } };
        yield {
          kind: 'observation',
          observation: {
            metric: 't.one',
            area: 'E06000001',
            period: calendarYear(2021),
            value: 1,
            status: [],
            lci: 0.5,
            uci: 1.5,
            at: { file: 'f', line: 2 },
          },
        };
      },
    };
    await runImport(db, { adapter: a, files: [], publish: true });
    const p = await db.kysely.selectFrom('periods').selectAll().executeTakeFirstOrThrow();
    expect(p).toMatchObject({ iso: '2021-01-01/P1Y', label: '2021', type: 'calendar-year', end_date: '2021-12-31' });
    const o = await db.kysely.selectFrom('observations').selectAll().executeTakeFirstOrThrow();
    expect(o).toMatchObject({ lci: 0.5, uci: 1.5, ci_level: 95 });
  });

  describe('logging', () => {
    it('logs an import started and published with the command, adapter, import id and counts, no values', async () => {
      const { lines, logger } = capture();
      const s = await runImport(db, { adapter: one(50.5), files: [], publish: true, logger });
      await tick();
      expect(lines.map((l) => l.msg)).toEqual(['import started', 'import published']);
      const context = { command: 'import', adapter: 'fixture' };
      expect(lines[0]).toMatchObject({ level: 30, ...context, files: [], publish: true, dryRun: false });
      expect(lines[1]).toMatchObject({ ...context, importId: s.importId, observations: { read: 1, inserted: 1 } });
      expect(JSON.stringify(lines)).not.toContain('50.5');
    });

    it('logs a rejected import with the number of problems and the first few, and a dry run', async () => {
      const { lines, logger } = capture();
      const unknown = ['E99999991', 'E99999992', 'E99999993', 'E99999994'];
      const adapter = fixture(
        [metric('t.one')],
        unknown.map((area): Row => ['t.one', area, 2022, 1]),
      );
      const bad = await runImport(db, { adapter, files: [], publish: true, logger });
      expect(bad.state).toBe('rejected');
      expect((await runImport(db, { adapter: one(2), files: [], dryRun: true, logger })).state).toBe('dry-run');
      await tick();
      const dryRun = 'import dry run: rolled back, nothing written';
      const messages = ['import started', 'import rolled back for problems', 'import started', dryRun];
      expect(lines.map((l) => l.msg)).toEqual(messages);
      expect(lines[1]).toMatchObject({ adapter: 'fixture', problems: 4 });
      expect(lines[1]!.first).toHaveLength(3);
      expect((lines[1]!.first as string[])[0]).toMatch(/^fixture\.csv:\d+: unknown area code "E99999991"/);
    });

    it('logs a draft held, published and another discarded', async () => {
      const { lines, logger } = capture();
      const draft = await runImport(db, { adapter: one(2), files: [], logger });
      await publishImport(db, draft.importId!, { logger });
      const other = await runImport(db, { adapter: one(3), files: [] });
      await discardImport(db, other.importId!, { logger });
      await tick();
      const messages = ['import started', 'import held as a draft', 'draft import published', 'draft import discarded'];
      expect(lines.map((l) => l.msg)).toEqual(messages);
      expect(lines[1]).toMatchObject({ importId: draft.importId, adapter: 'fixture' });
      expect(lines[2]).toMatchObject({ importId: draft.importId, adapter: 'fixture', observations: { inserted: 1 } });
      expect(lines[3]).toMatchObject({ importId: other.importId, adapter: 'fixture' });
    });
  });
});
