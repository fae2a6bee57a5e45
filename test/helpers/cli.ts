import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestDb } from './db.ts';

const SLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'sli.js');

/** Runs `sli` as a user would, in its own process, against the given database (logging silenced). */
export function runSli(db: TestDb, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SLI, ...args], {
      env: { ...process.env, SLI_DATABASE_URL: db.url, SLI_LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
