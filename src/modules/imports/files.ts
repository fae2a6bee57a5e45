import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import type { ImportIssue } from './adapter.ts';

/** A file given to an import: its name relative to the working directory, checksum and size. */
export interface CheckedFile {
  name: string;
  sha256: string;
  bytes: number;
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) h.update(chunk);
  return h.digest('hex');
}

/** Checks each file before anything is read: a missing one is reported; the others are sized and checksummed. */
export async function checkFiles(
  files: readonly string[],
  report: (issue: ImportIssue) => void,
  displayName: (file: string) => string = (f) => path.relative(process.cwd(), f) || f,
): Promise<CheckedFile[]> {
  const checked: CheckedFile[] = [];
  for (const f of files) {
    const name = displayName(f);
    let bytes: number;
    try {
      bytes = statSync(f).size;
    } catch {
      report({ at: { file: name, line: 0 }, message: 'file not found' });
      continue;
    }
    checked.push({ name, sha256: await sha256(f), bytes });
  }
  return checked;
}
