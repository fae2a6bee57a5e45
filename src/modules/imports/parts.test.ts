/**
 * Imports committed in parts (parts.ts), as the first load runs them, on both dialects: another connection's writes go
 * through while the import runs (on SQLite they would otherwise wait for the whole import: the web service's sign-ins
 * during a first load), the rows published are those of one transaction, and an import rejected after parts were
 * committed leaves nothing behind. (An import a stopped load left unfinished: test/first-start.test.ts.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { longCsvAdapter } from './adapters/long-csv.ts';
import { runImport } from './service.ts';

const METRICS_HEADER =
  'code,title,unit,unit_type,decimal_places,polarity,topic,period_type,applicable_area_types,publisher,licence,source_url,description,caveats';
const DATA_HEADER = 'metric,area,period,value,status,lci,uci,numerator,denominator';
const METRICS = 60;
const YEARS = [2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023];

/**
 * Writes every `everyMs` from another connection until stopped, noting for each write how many observations that
 * connection could see then (SQLite: a worker thread with its own connection, whose waits for the lock do not hold up
 * this thread; PostgreSQL: another client of the pool).
 */
interface Writer {
  stop(): Promise<number[]>;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.file);
db.exec('PRAGMA busy_timeout = 60000');
const seen = [];
let running = true;
parentPort.on('message', () => { running = false; });
const insert = db.prepare('INSERT INTO parts_probe (at) VALUES (?)');
const count = db.prepare('SELECT count(*) AS n FROM observations');
(async function loop() {
  while (running) {
    db.exec('BEGIN IMMEDIATE');
    insert.run(new Date().toISOString());
    db.exec('COMMIT');
    seen.push(Number(count.get().n));
    await new Promise((r) => setTimeout(r, workerData.everyMs));
  }
  db.close();
  parentPort.postMessage(seen);
})();
`;

function startWriter(db: TestDb, everyMs: number): Writer {
  if (db.dialect === 'sqlite') {
    const worker = new Worker(WORKER, { eval: true, workerData: { file: db.file, everyMs } });
    return {
      stop: () =>
        new Promise((resolve, reject) => {
          worker.once('message', (seen: number[]) => void worker.terminate().then(() => resolve(seen)));
          worker.once('error', reject);
          worker.postMessage('stop');
        }),
    };
  }
  const seen: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      await db.kysely
        .insertInto('parts_probe' as never)
        .values({ at: new Date().toISOString() } as never)
        .execute();
      const r = await db.kysely
        .selectFrom('observations')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      seen.push(Number(r.n));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}

describe('imports committed in parts', () => {
  let db: TestDb;
  let councils: string[];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'parts-'));

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    await db.kysely.schema.createTable('parts_probe').addColumn('at', 'text').execute();
    const rows = await db.kysely
      .selectFrom('areas')
      .select('code')
      .where((eb) => eb.or([eb('code', 'like', 'E08%'), eb('code', 'like', 'E09%')]))
      .where('valid_to', 'is', null)
      .orderBy('code')
      .execute();
    councils = rows.map((r) => r.code);
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** A long CSV of METRICS metrics × councils × YEARS (`last`: the value of its last row), and its metrics file. */
  function files(name: string, last?: string) {
    const metrics = Array.from(
      { length: METRICS },
      (_, i) =>
        `${name}.m${i},Measure ${i},%,percentage,1,higher-is-better,environment-housing,financial-year,E08 E09,Us,OGL-UK-3.0,,,`,
    );
    const rows: string[] = [];
    for (let i = 0; i < METRICS; i++)
      for (const c of councils)
        for (const y of YEARS) rows.push(`${name}.m${i},${c},${y}-04-01/P1Y,${(i + y) % 100},,,,,`);
    if (last !== undefined) rows[rows.length - 1] = rows.at(-1)!.replace(/,\d+,,,,,$/, `,${last},,,,,`);
    const m = path.join(tmp, `${name}-metrics.csv`);
    const d = path.join(tmp, `${name}-data.csv`);
    writeFileSync(m, [METRICS_HEADER, ...metrics, ''].join('\n'));
    writeFileSync(d, [DATA_HEADER, ...rows, ''].join('\n'));
    return { files: [d, m], rows: rows.length };
  }

  const count = async (table: 'observations' | 'metrics' | 'change_log', like?: string) => {
    let q = db.kysely.selectFrom(table as 'observations').select((e) => e.fn.countAll().as('n'));
    if (like && table === 'metrics') q = q.where('code' as never, 'like', like as never);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };

  it('lets another connection write while it runs, and publishes every row as one transaction would', async () => {
    const { files: f, rows } = files('parts');
    expect(rows).toBeGreaterThan(30_000);
    const writer = startWriter(db, 20);
    const r = await runImport(db, { adapter: longCsvAdapter, files: f, publish: true, inParts: true, partMs: 50 });
    const seen = await writer.stop();
    expect(r.errors).toEqual([]);
    expect(r.state).toBe('published');
    expect(r.observations.inserted).toBe(rows);
    expect(await count('observations')).toBe(rows);
    const imp = await db.kysely
      .selectFrom('imports')
      .select(['state', 'inserted'])
      .where('id', '=', r.importId!)
      .executeTakeFirstOrThrow();
    expect(imp).toEqual({ state: 'published', inserted: rows });
    // Writes committed while the import was under way: on SQLite they saw some of its parts (a transaction
    // holding the lock throughout would have let none in before it ended); on PostgreSQL none of its rows.
    const during = seen.filter((n) => (db.dialect === 'sqlite' ? n > 0 && n < rows : n === 0));
    expect(during.length, `writes seeing: ${seen.join(' ')}`).toBeGreaterThanOrEqual(5);
  });

  it('a rejected import leaves nothing, though some of its parts had been committed', async () => {
    const before = {
      observations: await count('observations'),
      changes: await count('change_log'),
      imports: await db.kysely.selectFrom('imports').select('id').execute(),
    };
    const { files: f } = files('rejected', 'not a number');
    const r = await runImport(db, { adapter: longCsvAdapter, files: f, publish: true, inParts: true, partMs: 20 });
    expect(r.state).toBe('rejected');
    expect(r.errors[0]?.message).toMatch(/not a number|value/i);
    expect(await count('observations')).toBe(before.observations);
    expect(await count('metrics', 'rejected.%')).toBe(0);
    expect(await count('change_log')).toBe(before.changes);
    expect(await db.kysely.selectFrom('imports').select('id').execute()).toEqual(before.imports);
  });
});
