/**
 * The first start of an empty embedded database: `sli serve` answers at once and loads the publishers' files it finds
 * under SLI_SHARED_DATA in a child process (`sli load --all DIR --ipc`), showing how far it has got on every page, in
 * /readyz and on a progress bar in the terminal.
 *
 * A child process rather than the server's own: SQLite is one synchronous connection per process here, so an import
 * in the server would hold that connection inside its long write transaction (every request would read, and write,
 * inside it) and block the event loop on each bulk statement. The child has its own connection and event loop; the
 * server's readers see the last committed state (WAL) and keep answering. The child commits each import in parts
 * (modules/imports/parts.ts), so the server's writes (a sign-in, a survey answer) wait for a part, not a whole import;
 * while it loads, the server's writes wait up to LOADING_BUSY_TIMEOUT_MS for the lock (SLI_DB_BUSY_TIMEOUT_MS
 * otherwise), and the child's up to a minute for the server's. A killed load leaves the import under way unfinished,
 * and the next load undoes it; a marker file beside the database says a load was begun, so the next start resumes it,
 * skipping what is already published (by the files' SHA-256).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import type { DataLoadStatus } from '../platform/data-load.ts';
import { anySharedData, listImports } from '../modules/imports/index.ts';
import type { LoadEvent } from '../app/load.ts';
import { loadProgressBar } from './load.ts';

const SLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'sli.js');

/**
 * How long the server's writes wait for the loader's write lock while it loads: longer than a part (about 0.25 s, a
 * few seconds at most on a busy machine: geography, the start of a large file), so that a sign-in waits rather than
 * fails. node:sqlite waits synchronously, so other requests wait too meanwhile; only during the first load.
 */
export const LOADING_BUSY_TIMEOUT_MS = 5000;
/** How long the loader waits for the server's writes (short, but a batch process can afford to wait). */
const LOADER_BUSY_TIMEOUT_MS = 60_000;

/** The marker beside an SQLite file saying a first-start load was begun and has not finished. */
const markerOf = (db: Db) => (db.file && db.file !== ':memory:' ? `${db.file}.first-load` : undefined);

/**
 * Starts the first-start load when it applies (SQLite, SLI_AUTOLOAD, and a database with no imports or a load left
 * unfinished); returns what stops it (the child is ended with the server).
 */
export async function firstStart(deps: {
  db: Db;
  config: Config;
  logger: Logger;
  status: DataLoadStatus;
}): Promise<() => void> {
  const { db, config, logger, status } = deps;
  const marker = markerOf(db);
  if (db.dialect !== 'sqlite' || !config.autoload || !marker) return () => {};
  const resuming = existsSync(marker);
  if (!resuming && (await listImports(db, 1)).length > 0) return () => {};
  const dir = config.sharedData;
  if (!anySharedData(dir)) {
    logger.warn(
      `The database is empty and no publisher's file was found in ${dir}: the pages say how to load data (npm run load-shared-data, or set SLI_SHARED_DATA).`,
    );
    status.update({ state: 'idle', dir });
    return () => {};
  }
  writeFileSync(marker, `${new Date().toISOString()} ${dir}\n`);
  logger.info({ dir, resuming }, `loading the publishers' files from ${dir} in the background`);
  status.update({ state: 'loading', dir, n: 0, total: 0, loaded: 0, failed: [], absent: [] });
  const child = fork(SLI, ['--database-url', config.databaseUrl, 'load', '--all', dir, '--ipc'], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, SLI_LOG_LEVEL: 'warn', SLI_DB_BUSY_TIMEOUT_MS: String(LOADER_BUSY_TIMEOUT_MS) },
  });
  // (The server may have closed the database by the time the child has gone.)
  const busy = (ms: number) => db.sqlite?.isOpen && db.sqlite.exec(`PRAGMA busy_timeout = ${Math.trunc(ms)}`);
  busy(Math.max(config.db.busyTimeoutMs, LOADING_BUSY_TIMEOUT_MS));
  child.once('exit', () => busy(config.db.busyTimeoutMs));
  follow(child, { marker, logger, status });
  return () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
}

function follow(
  child: ChildProcess,
  { marker, logger, status }: { marker: string; logger: Logger; status: DataLoadStatus },
): void {
  const bar = loadProgressBar(process.stderr);
  let finished = false;
  const finish = () => {
    finished = true;
    bar.stop();
    rmSync(marker, { force: true });
    const v = status.view();
    status.update({ state: v.failed.length > 0 ? 'failed' : 'done', name: null, publisher: null });
    logger.info({ loaded: v.loaded, failed: v.failed.length, absent: v.absent.length }, 'data load finished');
  };
  child.on('message', (m: LoadEvent) => {
    bar(m);
    const v = status.view();
    switch (m.type) {
      case 'plan':
        status.update({ total: m.total, dir: m.dir });
        break;
      case 'start':
        status.update({ n: m.n, total: m.total, name: m.name, publisher: m.publisher, percent: 0 });
        break;
      case 'progress':
        status.update({ percent: m.totalBytes > 0 ? Math.floor((100 * m.bytes) / m.totalBytes) : 0 });
        break;
      case 'end':
        if (m.outcome === 'loaded' || m.outcome === 'already') status.update({ loaded: v.loaded + 1 });
        if (m.outcome === 'failed') status.update({ failed: [...v.failed, `${m.name}: ${m.message}`] });
        if (m.outcome === 'absent') status.update({ absent: [...v.absent, m.name] });
        logger.info({ entry: m.name, outcome: m.outcome }, `data load ${m.n} of ${v.total}: ${m.name} ${m.outcome}`);
        break;
      case 'finished':
        finish();
        break;
      default: {
        const never: never = m;
        logger.warn({ message: never }, 'data load: unknown message');
      }
    }
  });
  child.on('exit', (code, signal) => {
    if (finished) return;
    bar.stop();
    const v = status.view();
    status.update({ state: 'failed', failed: [...v.failed, `the load stopped (${signal ?? `exit ${code}`})`] });
    logger.error({ code, signal }, 'data load stopped before the end: it resumes at the next start');
  });
}
