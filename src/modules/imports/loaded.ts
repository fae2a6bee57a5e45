/**
 * What of the shared-data list is already in the database: an entry is loaded when a published import of its importer
 * holds files with the same checksums (so a resumed or repeated load skips it without reading it again), and our
 * neighbours model is current when it was built after every other published import.
 */
import type { Db } from '../../platform/db.ts';
import { checkFiles, type CheckedFile } from './files.ts';
import { importsRepository as repo } from './repository.ts';

export interface LoadedState {
  /** Whether a published import of `importer` holds every one of these files (same SHA-256). */
  holds(importer: string, files: readonly string[]): Promise<boolean>;
  /** The newest published import of `adapter` is newer than every published import of the others (false: none). */
  newest(adapter: string): boolean;
}

export async function loadedState(db: Db): Promise<LoadedState> {
  const rows = await repo.publishedFiles(db);
  const byAdapter = new Map<string, Set<string>>();
  const lastOf = new Map<string, number>();
  for (const r of rows) {
    const set = byAdapter.get(r.adapter) ?? new Set<string>();
    for (const f of JSON.parse(r.files) as CheckedFile[]) set.add(f.sha256);
    byAdapter.set(r.adapter, set);
    lastOf.set(r.adapter, r.id);
  }
  return {
    async holds(importer, files) {
      const known = byAdapter.get(importer);
      if (!known) return false;
      const checked = await checkFiles(files, () => {});
      return checked.length === files.length && checked.every((f) => known.has(f.sha256));
    },
    newest(adapter) {
      const mine = lastOf.get(adapter);
      if (mine === undefined) return false;
      return [...lastOf].every(([a, id]) => a === adapter || id < mine);
    },
  };
}
