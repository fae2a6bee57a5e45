/**
 * The service survives its database going away: connections terminated (idle and in flight), connections refused or
 * hanging, a table locked, a write lock held by another process (SQLite). Requests meanwhile answer 503
 * database-unavailable with a Retry-After (never 500), /readyz answers within a second, and once the database answers
 * again requests succeed without restarting anything. On PostgreSQL every fault is made on a database of the test's
 * own, reached through a small TCP proxy the test can close; the shared server itself is never stopped.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testDialect } from './helpers/db.ts';
import { cookiesOf } from './helpers/auth.ts';
import { buildApp, type App } from '../src/app/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createDb, type Db } from '../src/platform/db.ts';
import { createLogger } from '../src/platform/logger.ts';
import { migrateToLatest } from '../src/platform/migrate.ts';
import { withTransaction, type Tx } from '../src/platform/transaction.ts';
import { isDatabaseUnavailable } from '../src/platform/db-errors.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A route that reads the database on every request: a catalogue search (the plain catalogue is kept per stamp). */
const PROBE = '/api/v1/metrics?q=the';

/** A real app over `url` with the service's database options from `env` (as `sli serve` opens it). */
async function serve(url: string, env: Record<string, string>, lost: Error[] = []): Promise<{ app: App; db: Db }> {
  const config = loadConfig({ SLI_LOG_LEVEL: 'silent', ...env }, { databaseUrl: url });
  const db = createDb(url, { ...config.db, onConnectionError: (e) => lost.push(e) });
  const app = await buildApp({ db, config, logger: createLogger('silent') });
  await app.ready();
  return { app, db };
}

/** Times a request made through `app.inject`. */
async function timed(app: App, url: string) {
  const started = performance.now();
  const res = await app.inject(url);
  return { res, ms: performance.now() - started };
}

function expectUnavailable(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) {
  expect(res.statusCode).toBe(503);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.headers['retry-after']).toBe('5');
  expect(res.json()).toMatchObject({ status: 503, code: 'database-unavailable' });
}

/**
 * While a fault lasts: a request answers 503 database-unavailable in `[at least, under]` ms and /readyz 503 within
 * a second. Returns the times, for the test's annotation.
 */
async function expectFault(app: App, [atLeast, under]: [number, number]): Promise<string> {
  const { res, ms } = await timed(app, PROBE);
  expectUnavailable(res);
  expect(ms).toBeGreaterThanOrEqual(atLeast);
  expect(ms).toBeLessThan(under);
  const ready = await timed(app, '/readyz');
  expect(ready.res.statusCode).toBe(503);
  expect(ready.ms).toBeLessThan(1000);
  return `503 in ${ms.toFixed(0)} ms, /readyz 503 in ${ready.ms.toFixed(0)} ms`;
}

/**
 * Once the fault is over, the same app answers again by itself within a few seconds: a check or a query that was still
 * waiting when the fault ended (a readiness check shared by later calls, a backend still queued on a lock) may answer
 * 503 once more before it finishes, so each address is asked until it answers 200, for at most 5 s.
 */
async function expectRecovered(app: App, urls = [PROBE, '/readyz']) {
  for (const url of urls) {
    const started = performance.now();
    let status = (await app.inject(url)).statusCode;
    while (status !== 200 && performance.now() - started < 5000) {
      await sleep(100);
      status = (await app.inject(url)).statusCode;
    }
    expect(status, `${url} after the fault`).toBe(200);
  }
}

/**
 * A TCP proxy in front of PostgreSQL. `refuse()` closes its listener and cuts every connection through it (as a server
 * going down); `hang()` accepts connections and never answers (as an unreachable host); `open()` serves again on the
 * same port.
 */
class PgProxy {
  port = 0;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly upstream: { host: string; port: number };
  constructor(target: string) {
    const u = new URL(target);
    this.upstream = { host: u.hostname, port: Number(u.port || 5432) };
  }

  private track(s: net.Socket) {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => s.destroy());
  }

  private async listen(handler: (client: net.Socket) => void) {
    const server = net.createServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  open() {
    return this.listen((client) => {
      const up = net.connect(this.upstream.port, this.upstream.host);
      this.track(client);
      this.track(up);
      client.on('close', () => up.destroy());
      up.on('close', () => client.destroy());
      client.pipe(up);
      up.pipe(client);
    });
  }

  hang() {
    return this.listen((client) => this.track(client));
  }

  async refuse() {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** 20 clients asking in a loop until stopped, counting statuses (with the codes of 5xx problems; /readyz apart). */
function load(base: string, paths: string[], concurrency = 20) {
  const statuses = new Map<string, number>();
  let stopped = false;
  const count = (k: string) => statuses.set(k, (statuses.get(k) ?? 0) + 1);
  const worker = async (w: number) => {
    for (let i = w; !stopped; i++) {
      const p = paths[i % paths.length]!;
      try {
        const res = await fetch(`${base}${p}`);
        const body = await res.text();
        if (p === '/readyz') count(`readyz ${res.status}`);
        else if (res.status >= 500) {
          const problem = res.headers.get('content-type')?.includes('problem+json');
          const code = problem ? (JSON.parse(body) as { code: string }).code : '?';
          count(`${res.status} ${code}${res.headers.get('retry-after') ? '' : ' without retry-after'}`);
        } else count(String(res.status));
      } catch (e) {
        count(`fetch failed: ${(e as Error).message}`);
      }
    }
  };
  const running = Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return {
    async stop() {
      stopped = true;
      await running;
      return Object.fromEntries([...statuses].sort());
    },
  };
}

// Each database's faults are registered only in its own project (not skipped in the other).
if (testDialect() === 'postgres')
  describe('when PostgreSQL goes away', () => {
    const name = `sli_fault_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    const proxy = new PgProxy(TEST_PG_URL);
    const lost: Error[] = [];
    let app: App;
    let db: Db;
    let base = '';
    let url = '';

    const terminate = async () => {
      const sql =
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()';
      return (await admin.query(sql, [name])).rowCount ?? 0;
    };

    /** Another session holding ACCESS EXCLUSIVE locks on `tables` until the returned function is called. */
    async function lockTables(tables: string[]): Promise<() => Promise<void>> {
      const locker = new pg.Client({ connectionString: dbUrl(TEST_PG_URL) });
      locker.on('error', () => {}); // terminated with the app's connections under load: it only has to let go
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${tables.join(', ')} IN ACCESS EXCLUSIVE MODE`);
      return async () => {
        await locker.query('ROLLBACK').catch(() => {});
        await locker.end().catch(() => {});
      };
    }

    const dbUrl = (server: string) => {
      const u = new URL(server);
      u.pathname = `/${name}`;
      return u.toString();
    };

    beforeAll(async () => {
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const migrating = createDb(dbUrl(TEST_PG_URL));
      await migrateToLatest(migrating);
      await migrating.close();
      await proxy.open();
      const u = new URL(dbUrl(TEST_PG_URL));
      u.host = `127.0.0.1:${proxy.port}`;
      url = u.toString();
      ({ app, db } = await serve(url, { SLI_DB_LOCK_TIMEOUT_MS: '300', SLI_DB_CONNECT_TIMEOUT_MS: '500' }, lost));
      base = await app.listen({ port: 0, host: '127.0.0.1' });
    });

    afterAll(async () => {
      await app?.close();
      await db?.close();
      await proxy.refuse();
      await terminate().catch(() => 0);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });

    it('answers 200 while the database does', async () => {
      expect((await app.inject(PROBE)).statusCode).toBe(200);
      expect((await app.inject('/readyz')).statusCode).toBe(200);
    });

    it('lives through its idle connections being terminated, and the next requests succeed', async () => {
      // Several connections in the pool, then every one of them terminated while idle.
      await Promise.all(Array.from({ length: 10 }, () => app.inject(PROBE)));
      const before = lost.length;
      expect(await terminate()).toBeGreaterThan(1);
      await sleep(200);
      expect(lost.length).toBeGreaterThan(before); // told, not thrown
      for (let i = 0; i < 5; i++) expect((await app.inject(PROBE)).statusCode).toBe(200);
      expect((await app.inject('/readyz')).statusCode).toBe(200);
    });

    it('answers 503 to a request whose connection is terminated under it, then recovers', async ({ annotate }) => {
      // The request waits on a lock (up to 5 s here), so it is surely in flight when its backend is terminated.
      const patient = await serve(url, { SLI_DB_LOCK_TIMEOUT_MS: '5000' });
      try {
        const release = await lockTables(['metrics']);
        try {
          const inFlight = timed(patient.app, PROBE);
          await sleep(300);
          // The request's queries waiting on the lock (the catalogue's list and count run side by side).
          const killed = await admin.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
            [name],
          );
          expect(killed.rowCount).toBeGreaterThanOrEqual(1);
          const { res, ms } = await inFlight;
          expectUnavailable(res);
          expect(ms).toBeLessThan(3000);
          await annotate(`503 after ${ms.toFixed(0)} ms (terminated at about 300 ms)`);
        } finally {
          await release();
        }
        await expectRecovered(patient.app, [PROBE]);
      } finally {
        await patient.app.close();
        await patient.db.close();
      }
    });

    it('answers 503 while connections are refused, /readyz 503 within 1 s, then recovers', async ({ annotate }) => {
      await proxy.refuse();
      try {
        await annotate(await expectFault(app, [0, 1000]));
        // An HTML page says the same in a page.
        const page = await app.inject({ url: '/metrics', headers: { accept: 'text/html' } });
        expect(page.statusCode).toBe(503);
        expect(page.headers['retry-after']).toBe('5');
      } finally {
        await proxy.open();
      }
      await expectRecovered(app);
    });

    it('answers 503 when connecting hangs (connect timeout), /readyz within 1 s, then recovers', async ({
      annotate,
    }) => {
      await proxy.refuse(); // the pool's connections go too, so the next request connects afresh
      await sleep(200); // (once the pool has seen them close)
      await proxy.hang();
      try {
        await annotate(await expectFault(app, [450, 2000])); // SLI_DB_CONNECT_TIMEOUT_MS=500
      } finally {
        await proxy.refuse();
        await proxy.open();
      }
      await expectRecovered(app);
    });

    it('answers 503 after the lock timeout on a locked table, /readyz in 1 s, then recovers', async ({ annotate }) => {
      const release = await lockTables(['metrics', 'imports']);
      try {
        await annotate(await expectFault(app, [250, 1500])); // SLI_DB_LOCK_TIMEOUT_MS=300
      } finally {
        await release();
      }
      await expectRecovered(app);
    });

    it('answers 503 when the statement timeout fires (no lock timeout set)', async ({ annotate }) => {
      const strict = await serve(url, { SLI_DB_LOCK_TIMEOUT_MS: '0', SLI_DB_STATEMENT_TIMEOUT_MS: '400' });
      try {
        const release = await lockTables(['metrics', 'imports']);
        try {
          await annotate(await expectFault(strict.app, [350, 2000])); // SLI_DB_STATEMENT_TIMEOUT_MS=400
        } finally {
          await release();
        }
        await expectRecovered(strict.app);
      } finally {
        await strict.app.close();
        await strict.db.close();
      }
    });

    it('counts a real deadlock as the database being unavailable for now (503), not a fault of ours (500)', async () => {
      const plain = createDb(dbUrl(TEST_PG_URL));
      const other = new pg.Client({ connectionString: dbUrl(TEST_PG_URL) });
      await other.connect();
      try {
        await other.query('CREATE TABLE IF NOT EXISTS deadlock_probe (id int PRIMARY KEY, v int)');
        await other.query('INSERT INTO deadlock_probe VALUES (1, 0), (2, 0) ON CONFLICT DO NOTHING');
        // The other session waits longest before checking, so the service's own transaction is the one rolled back.
        await other.query("SET deadlock_timeout = '10s'");
        await other.query('BEGIN');
        await other.query('UPDATE deadlock_probe SET v = v + 1 WHERE id = 1');
        let step!: () => void;
        const holding = new Promise<void>((r) => (step = r));
        const mine = withTransaction(plain, async (tx) => {
          await tx.run('UPDATE deadlock_probe SET v = v + 1 WHERE id = 2');
          step();
          await tx.run('UPDATE deadlock_probe SET v = v + 1 WHERE id = 1');
        });
        await holding;
        const theirs = other.query('UPDATE deadlock_probe SET v = v + 1 WHERE id = 2');
        const error = await mine.then(
          () => undefined,
          (e: unknown) => e,
        );
        await theirs;
        await other.query('COMMIT');
        expect(error).toMatchObject({ code: '40P01' });
        expect(isDatabaseUnavailable(error)).toBe(true);
      } finally {
        await other.end();
        await plain.close();
      }
    });

    it("gives an import's transaction no statement timeout, and keeps it on other transactions", async () => {
      const short = createDb(dbUrl(TEST_PG_URL), { statementTimeoutMs: 100 });
      try {
        const slow = (tx: Tx) =>
          tx.all<{ t: string }>("SELECT current_setting('statement_timeout') AS t, pg_sleep(0.3)");
        expect((await withTransaction(short, slow, { long: true }))[0]!.t).toBe('0');
        await expect(withTransaction(short, slow)).rejects.toMatchObject({ code: '57014' });
      } finally {
        await short.close();
      }
    });

    it('under load, answers only 200 or 503 through every fault, all 200 once it is back', async ({ annotate }) => {
      const paths = [PROBE, '/api/v1/areas', '/readyz', '/metrics'];
      const faulty = load(base, paths);
      await sleep(500);
      for (let i = 0; i < 3; i++) {
        await terminate();
        await sleep(300);
      }
      const release = await lockTables(['metrics', 'imports', 'areas']);
      await sleep(1000);
      await release();
      await sleep(300);
      await proxy.refuse();
      await sleep(1000);
      await proxy.open();
      await sleep(300);
      await terminate();
      await sleep(500);
      const during = await faulty.stop();
      await annotate(`statuses while faults came and went: ${JSON.stringify(during)}`);
      const expected = ['200', '503 database-unavailable', 'readyz 200', 'readyz 503'];
      expect(Object.keys(during).filter((k) => !expected.includes(k))).toEqual([]);
      expect(during['503 database-unavailable']).toBeGreaterThan(0);

      const healthy = load(base, paths);
      await sleep(1500);
      const after = await healthy.stop();
      await annotate(`statuses after recovery: ${JSON.stringify(after)}`);
      expect(Object.keys(after)).toEqual(['200', 'readyz 200']);
    });
  });

if (testDialect() === 'sqlite')
  describe('when another process holds the SQLite write lock', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sli-busy-'));
    const url = `sqlite:${path.join(dir, 'busy.sqlite')}`;
    let app: App;
    let db: Db;

    beforeAll(async () => {
      const migrating = createDb(url);
      await migrateToLatest(migrating);
      await migrating.close();
      ({ app, db } = await serve(url, { SLI_DB_BUSY_TIMEOUT_MS: '200' }));
    });

    afterAll(async () => {
      await app?.close();
      await db?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers a write 503 after the busy timeout, reads go on, then recovers', async ({ annotate }) => {
      const form = await app.inject('/sign-in');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
      // A failed sign-in writes the attempt (the rate limit counts it).
      const signIn = () =>
        app.inject({
          method: 'POST',
          url: '/sign-in',
          headers: { cookie: cookiesOf(form), 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ email: 'nobody@example.org', password: 'wrong', _csrf: csrf }).toString(),
        });
      const other = new DatabaseSync(db.file!);
      try {
        other.exec('BEGIN IMMEDIATE');
        const started = performance.now();
        const res = await signIn();
        const ms = performance.now() - started;
        expectUnavailable(res);
        expect(ms).toBeLessThan(1500);
        await annotate(`503 in ${ms.toFixed(0)} ms (SLI_DB_BUSY_TIMEOUT_MS=200, and the sign-in's password hashing)`);
        // Reads do not wait for the writer (WAL).
        expect((await app.inject(PROBE)).statusCode).toBe(200);
        expect((await app.inject('/readyz')).statusCode).toBe(200);
        other.exec('ROLLBACK');
        expect((await signIn()).statusCode).toBe(401);
      } finally {
        other.close();
      }
    });
  });
