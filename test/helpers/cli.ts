import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestDb } from './db.ts';

/** bin/sli.js, as a user runs it. */
export const SLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'sli.js');

export interface SliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SliOptions {
  /** Added to the environment (after the database's address). */
  env?: Record<string, string>;
  /** Killed (SIGKILL) after this long: a command cut off mid-way. */
  killAfterMs?: number;
  /** Killed (SIGKILL) when this is aborted. */
  kill?: AbortSignal;
}

/** The environment `sli` runs in: this process's, quiet logs, the test database (if any) and `extra`. */
const envFor = (db: TestDb | null, extra: Record<string, string> = {}) => ({
  ...process.env,
  SLI_LOG_LEVEL: 'silent',
  ...(db ? { SLI_DATABASE_URL: db.url } : {}),
  ...extra,
});

/** Runs `sli` in its own process, as a user would, against the test database (or none): its exit status and output. */
export function runSli(db: TestDb | null, args: string[], opts: SliOptions = {}): Promise<SliResult> {
  return new Promise((resolve) => {
    const kill = opts.kill ? { signal: opts.kill, killSignal: 'SIGKILL' as const } : {};
    const child = spawn(process.execPath, [SLI, ...args], { env: envFor(db, opts.env), ...kill });
    child.on('error', () => {}); // the abort's AbortError: the close below says how it ended
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    if (opts.killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** `runSli` waited for in this process: for commands that need no database server of the test's own. */
export function runSliSync(args: string[], opts: Pick<SliOptions, 'env'> = {}): SliResult {
  const r = spawnSync(process.execPath, [SLI, ...args], { encoding: 'utf8', env: envFor(null, opts.env) });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
