/**
 * An import committed in parts (SQLite, asked for by the first load: app/load.ts). An import is one transaction, and on
 * SQLite a transaction holds the file's one write lock throughout: the web service's writes (a sign-in, a survey
 * answer) would wait for the whole import, many seconds. In parts, while everything the import has written can be
 * undone (new observations of its own written straight into the table, new metric definitions, new periods), it
 * commits about every PART_MS and pauses so that a waiting writer gets in (Tx.yieldLock), so such a write waits about
 * a part. The import is `loading` until its last part publishes it; one rejected or failed after a part was
 * committed is undone at once (abandonImport), and one left `loading` by a process that was stopped is undone before
 * the next load (abandonUnfinished). Once the import writes anything that could not be undone so (a change to a
 * published row, an updated definition, geography, boundaries or groups), it commits no more parts: the rest is all
 * or nothing as usual. Pages may show an import's first parts before it is published (the first load's banner says
 * that data is still loading); the caches keyed on the imports stamp refresh when it is published.
 */
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import { withTransaction, type Tx } from '../../platform/transaction.ts';
import { importsRepository as repo } from './repository.ts';

/** How long one part holds the write lock before it is committed (at the next batch of rows or definition). */
export const PART_MS = 500;
/** Rows written at a time in parts (a part ends only between batches: smaller than the writer's usual 10,000). */
export const PART_ROWS = 2_500;

/**
 * The parts of one import's transaction: where it may commit, and whether it has. `undoable` says whether everything
 * written so far could still be undone by abandonImport; once it is false, no more parts are committed.
 */
export function createParts(tx: Tx, enabled: boolean, undoable: () => boolean) {
  let open = enabled;
  let committed = false;
  return {
    /** Whether a part has been committed (then a failure must be undone by abandonImport). */
    get committed() {
      return committed;
    },
    /** No more parts: something was written that abandonImport could not undo, or the import is finishing. */
    close() {
      open = false;
    },
    /**
     * Runs `read` (which must not write) without the lock, the part before it committed (while parts are open and
     * undoable); else with the lock held, as usual.
     */
    async unlocked<T>(read: () => Promise<T>): Promise<T> {
      if (open && !undoable()) open = false;
      if (!open) return read();
      committed = true;
      return tx.unlocked(read);
    },
    /** Commits the part written so far when it has held the lock PART_MS (while parts are open and undoable). */
    async maybeCommit(): Promise<void> {
      if (open && !undoable()) open = false;
      if (open && (await tx.yieldLock())) committed = true;
    },
  };
}
export type Parts = ReturnType<typeof createParts>;

/** Undoes an import committed in parts that did not finish (its state is `loading`), in one transaction. */
export async function abandonImport(db: Db, importId: number, log?: Logger): Promise<void> {
  const undone = await withTransaction(db, (tx) => repo.undoUnfinishedImport(tx, importId), { long: true });
  log?.warn({ importId, ...undone }, 'unfinished import undone');
}

/** Undoes every import left unfinished (a load stopped part-way): before a load begins again. */
export async function abandonUnfinished(db: Db, log?: Logger): Promise<number> {
  const ids = await repo.unfinishedImports(db);
  for (const id of ids) await abandonImport(db, id, log);
  return ids.length;
}
