/**
 * Analysts' uploads: a publisher's file(s) or a long CSV handed to an importer through the web, held as a DRAFT
 * import (nothing public until it is published), and the draft published or discarded from its page. The files, as
 * the form's reader wrote them while they streamed in (platform/multipart.ts), are moved into a private temporary
 * directory under their own names (so the report says `their-file.csv:12`, and the importers that read a year or a
 * layer from a file's name still can), read by the same import engine as the command line, then removed.
 *
 * On SQLite the import runs on a connection of its own: the web service's one connection is shared by every request,
 * and an import's write transaction on it would take in every request made meanwhile. Its readers keep seeing the
 * last committed state (WAL).
 */
import { copyFileSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, sqlitePathFromUrl, type Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { checkStoredText } from '../../platform/text.ts';
import type { ImportIssue } from './adapter.ts';
import { findAdapter } from './registry.ts';
import { discardImport, publishImport, type ImportSummary } from './service.ts';
import { importFiles } from './run-files.ts';

export interface UploadedFile {
  /** The name the browser gave (only its last part is kept). */
  filename: string;
  /** Where it was written as it arrived (moved from there; removed with the upload's directory). */
  path: string;
  size: number;
}

/** Moves a file (copies it when it is on another file system). */
function move(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    copyFileSync(from, to);
  }
}

export interface UploadDeps {
  /** The database URL, to open the import's own SQLite connection (the same file as `db`). */
  databaseUrl: string;
  busyTimeoutMs: number;
  logger?: Logger;
}

/** A file name as kept: its last part, without control or bidi characters, path separators or a leading dot. */
function safeName(raw: string, field: string): string {
  const base = raw.split(/[\\/]/).pop()!.trim();
  const problem = checkStoredText(field, base);
  if (problem) throw new AppError(400, 'invalid-file', `${field}: the file name ${problem.message}`, [problem]);
  if (!base || base.startsWith('.') || base.length > 200)
    throw new AppError(400, 'invalid-file', `${field}: "${base}" is not a usable file name`, [
      { field, message: 'is not a usable file name', value: base },
    ]);
  return base;
}

export function createUploads(db: Db, deps: UploadDeps) {
  /** The connection an import or publication runs on: its own on SQLite (closed after), else the pool. */
  async function onImportConnection<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const own =
      db.dialect === 'sqlite' && db.file && db.file !== ':memory:' && sqlitePathFromUrl(deps.databaseUrl) === db.file;
    if (!own) return fn(db);
    const conn = createDb(deps.databaseUrl, { busyTimeoutMs: deps.busyTimeoutMs });
    try {
      return await fn(conn);
    } finally {
      await conn.close();
    }
  }
  const log = deps.logger?.child({ via: 'upload' });

  return {
    /**
     * Checks the upload and holds it as a draft import: the summary (state `draft`, or `rejected` with every problem
     * at its file and line, files named as uploaded). Refuses an unknown importer or no file, naming the field.
     */
    async stage(importer: string, files: readonly UploadedFile[]): Promise<ImportSummary> {
      const adapter = findAdapter(importer);
      if (!adapter)
        throw new AppError(400, 'invalid-parameter', 'importer: choose one of the importers listed', [
          { field: 'importer', message: 'choose one of the importers listed', value: importer },
        ]);
      const given = files.filter((f) => f.filename !== '' || f.size > 0);
      if (given.length === 0)
        throw new AppError(400, 'invalid-parameter', 'files: choose the file or files to upload', [
          { field: 'files', message: 'choose the file or files to upload' },
        ]);
      const names = given.map((f) => safeName(f.filename, 'files'));
      const twice = names.find((n, i) => names.indexOf(n) !== i);
      if (twice)
        throw new AppError(400, 'invalid-parameter', `files: "${twice}" is given twice`, [
          { field: 'files', message: 'is given twice', value: twice },
        ]);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'sli-upload-'));
      try {
        const paths = names.map((n, i) => {
          const p = path.join(dir, n);
          move(given[i]!.path, p);
          return p;
        });
        const shown = (file: string) =>
          (path.isAbsolute(file) ? file : path.resolve(file)).startsWith(dir) ? path.basename(file) : file;
        const summary = await onImportConnection((conn) =>
          importFiles(conn, adapter.name, paths, {
            publish: false,
            displayName: (f) => path.basename(f),
            ...(log ? { logger: log } : {}),
          }),
        );
        const rename = (e: ImportIssue): ImportIssue => ({ ...e, at: { ...e.at, file: shown(e.at.file) } });
        return { ...summary, errors: summary.errors.map(rename) };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },

    /** Publishes a draft (missing rows: withdrawn or kept, as the analyst chose; else refused, saying how many). */
    publish: (id: number, missing?: 'withdraw' | 'keep') =>
      onImportConnection((conn) =>
        publishImport(conn, id, {
          withdrawMissing: missing === 'withdraw',
          keepMissing: missing === 'keep',
          ...(log ? { logger: log } : {}),
        }),
      ),

    discard: (id: number) => onImportConnection((conn) => discardImport(conn, id, log ? { logger: log } : {})),
  };
}
export type Uploads = ReturnType<typeof createUploads>;
