/**
 * Stopping the service with requests in flight (issue 16): the app stops taking requests, lets those in flight finish,
 * closes, and only then is the database closed, as `sli serve` does on SIGTERM. A handler still reading the database
 * after its client went away used to meet a destroyed driver ("driver has already been destroyed", logged as an
 * error); now it finishes first. Run in-process on both databases with a route of the test's own that holds its
 * handler open until the test lets it go, and as a real `sli serve` process stopped by SIGTERM.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import type { Logger } from '../src/platform/logger.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { capturedLogger } from './helpers/log.ts';
import { SLI } from './helpers/cli.ts';

const errorsIn = (lines: Record<string, unknown>[]) => lines.filter((l) => Number(l.level) >= 50);

/** A real app on `db`, logging to a capture, with a route of the test's own held open until `release()`. */
async function heldApp(db: TestDb) {
  const { logger, lines } = capturedLogger();
  const config = loadConfig({ SLI_LOG_LEVEL: 'info' }, { databaseUrl: db.url });
  const app: App = await buildApp({ db, config, logger: logger as unknown as Logger });
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let arrive!: () => void;
  const entered = new Promise<void>((r) => (arrive = r));
  const read = () =>
    db.kysely
      .selectFrom('metrics')
      .select((e) => e.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
  const results: unknown[] = [];
  // The handler waits for the test, then reads the database twice with a pause between.
  app.get('/test-held', { schema: { hide: true } }, async () => {
    arrive();
    await gate;
    const a = await read();
    await new Promise((r) => setTimeout(r, 20));
    const b = await read();
    results.push([Number(a.n), Number(b.n)]);
    return { n: Number(b.n) };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  let dbClosed = false;
  // As `sli serve` stops: the app, then the database.
  const stop = async () => {
    await app.close();
    await db.close();
    dbClosed = true;
  };
  return { app, base, lines, release, entered, results, stop, dbClosed: () => dbClosed };
}

describe('stopping the service with requests in flight', () => {
  const dbs: TestDb[] = [];
  const fresh = async () => {
    const db = await createTestDb();
    dbs.push(db);
    return db;
  };
  afterAll(async () => {
    for (const db of dbs) await db.drop().catch(() => undefined);
  });

  it('a handler still reading the database after its client left finishes before the database closes', async () => {
    const h = await heldApp(await fresh());
    const gone = new AbortController();
    const left = fetch(`${h.base}/test-held`, { signal: gone.signal }).catch((e: unknown) => e);
    await h.entered;
    gone.abort(); // the client leaves while its handler is held
    await left;
    const stopping = h.stop();
    await new Promise((r) => setTimeout(r, 200));
    expect(h.dbClosed(), 'the database waits for the request in flight').toBe(false);
    h.release();
    await stopping;
    expect(h.results).toEqual([[0, 0]]); // it read the database to the end
    expect(errorsIn(h.lines)).toEqual([]);
    expect(h.lines.some((l) => String(l.msg).startsWith('stopping: waiting for the requests in flight'))).toBe(true);
  });

  it('a request in flight when the service stops gets its answer, and one arriving meanwhile a 503', async () => {
    const h = await heldApp(await fresh());
    const waiting = fetch(`${h.base}/test-held`).then(async (r) => ({ status: r.status, body: await r.text() }));
    await h.entered;
    const stopping = h.stop();
    await new Promise((r) => setTimeout(r, 100));
    // Fastify answers a request that reaches the closing app with 503 (or the connection is refused).
    const late = await fetch(`${h.base}/api/v1/metrics`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);
    h.release();
    await stopping;
    expect(await waiting).toEqual({ status: 200, body: JSON.stringify({ n: 0 }) });
    expect(errorsIn(h.lines)).toEqual([]);
  });

  it('sli serve stops on SIGTERM with exit code 0 and nothing logged as an error', async () => {
    const other = await createTestDb();
    try {
      const child = spawn(process.execPath, [SLI, 'serve', '--port', '0'], {
        env: {
          ...process.env,
          SLI_DATABASE_URL: other.url,
          SLI_LOG_LEVEL: 'info',
          SLI_SHARED_DATA: '/nonexistent-shared-data',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const deadline = Date.now() + 90_000;
      let base: string | undefined;
      while (!base && Date.now() < deadline) {
        base = /listening on (http:\/\/[^\s"]+)/.exec(out)?.[1];
        if (!base) await new Promise((r) => setTimeout(r, 100));
      }
      expect(base, out).toBeDefined();
      // Requests in flight when the signal comes: each is answered, or refused with a 503 while stopping.
      const inFlight = Array.from({ length: 8 }, () =>
        fetch(`${base}/api/v1/metrics?limit=100`).then(
          (r) => r.status,
          () => 'refused',
        ),
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      for (const s of await Promise.all(inFlight)) expect([200, 503, 'refused']).toContain(s);
      const logged = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(errorsIn(logged), out).toEqual([]);
      expect(out).not.toMatch(/driver has already been destroyed/);
    } finally {
      await other.drop();
    }
  });
});
