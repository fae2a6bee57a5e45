import type { Tx } from '../../platform/transaction.ts';
import { countDraft, insertFresh, mergeIntoDraft, mergeIntoPublished, type MergeContext } from './writer-merge.ts';
import { resolveDuplicatesInChunk } from './writer-merge.ts';
import { createStageTable, KEY, STAGE_COLUMNS, VALUE_COLUMNS } from './writer-sql.ts';
import { createStage } from './writer-stage.ts';
import { createSeenTable, recordSeen } from './withdraw.ts';

/** One observation ready to write: ids resolved, status as text. */
export interface StageRow {
  metricId: number;
  periodId: number;
  areaId: number;
  value: number | null;
  status: string;
  lci: number | null;
  uci: number | null;
  ciLevel: number | null;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
  fileNo: number;
  line: number;
}

export interface WriterCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  duplicates: number;
}

export interface WriterConflict {
  fileNo: number;
  line: number;
  metricId: number;
  periodId: number;
  areaId: number;
  message: string;
}

export interface ObservationWriter {
  /**
   * Stages one row: the hot path, so a promise only when the row fills a chunk and it is merged (await it then);
   * otherwise undefined, with nothing to wait for.
   */
  add(row: StageRow): Promise<void> | undefined;
  /** Merges what is staged now, ending the chunk (so that rows added after it are a chunk of their own). */
  endChunk(): Promise<void>;
  /** Fills the stage from a draft import's staged rows (used when publishing a draft). */
  loadDraft(draftImportId: number): Promise<void>;
  /** Merges what is left and returns the counts. Conflicts found are in `conflicts`. */
  finish(): Promise<WriterCounts>;
  readonly conflicts: WriterConflict[];
}

export interface WriterOptions {
  importId: number;
  now: string;
  mode: 'publish' | 'draft';
  chunkSize?: number;
  /** Metrics with published observations before this import; chunks without them skip the revision joins. */
  metricsWithData?: ReadonlySet<number>;
}

/**
 * Writes observations through a temporary staging table, in chunks, and merges each chunk with set-based SQL
 * (writer-merge.ts): duplicate keys in the import are found (identical ones dropped, conflicting ones reported with
 * their lines); in publish mode, changed values are copied to observation_revisions before they are updated and new
 * keys are inserted; in draft mode the chunk goes to staged_observations. Loading the stage is the only per-dialect
 * part (writer-stage.ts): prepared inserts on SQLite, COPY on PostgreSQL. A publication's chunk of fresh data (no
 * metric in it had published rows) skips the stage: inserted straight into observations as the rows come on SQLite,
 * copied straight into them at the chunk's end on PostgreSQL; a key met twice falls back to the merge.
 */
export async function createObservationWriter(tx: Tx, opts: WriterOptions): Promise<ObservationWriter> {
  const chunkSize = opts.chunkSize ?? 250_000;
  const { importId, now, mode, metricsWithData } = opts;
  await createStageTable(tx);
  // The keys a publication holds, where they may meet published rows: what tells rows it no longer holds (withdraw.ts).
  if (mode === 'publish') await createSeenTable(tx);
  const stage = createStage(tx);
  const counts: WriterCounts = { inserted: 0, updated: 0, unchanged: 0, duplicates: 0 };
  const m: MergeContext = { tx, importId, now, counts, conflicts: [] };
  let staged = 0;
  let chunks = 0;
  // Whether the current chunk may touch rows published before this import (else only inserts can happen).
  let touchesExisting = metricsWithData === undefined;

  function endChunk(): void {
    staged = 0;
    chunks++;
    touchesExisting = metricsWithData === undefined;
  }

  /** Fresh data on PostgreSQL goes straight into observations by COPY; true when it did. */
  async function copiedDirect(): Promise<boolean> {
    if (!stage.copyDirect || mode !== 'publish' || touchesExisting || m.conflicts.length > 0) return false;
    const rows = stage.buffered;
    if (rows === 0 || !(await stage.copyDirect(importId, now))) return false;
    m.counts.inserted += rows;
    return true;
  }

  async function mergeChunk(): Promise<void> {
    if (await copiedDirect()) return endChunk();
    await stage.flush();
    if (staged === 0) return;
    const duplicatesBefore = m.counts.duplicates;
    await resolveDuplicatesInChunk(m);
    const later = chunks > 0;
    if (mode === 'draft') await mergeIntoDraft(m, { later });
    else if (touchesExisting) {
      await mergeIntoPublished(m, { later, staged, duplicatesBefore });
      await recordSeen(tx);
    } else await insertFresh(m);
    await tx.run('DELETE FROM import_stage');
    endChunk();
  }

  return {
    conflicts: m.conflicts,
    add(r) {
      if (!touchesExisting && metricsWithData!.has(r.metricId)) {
        touchesExisting = true;
        stage.stopDirect?.(); // SQLite: the rows written directly are staged, for the full merge
      }
      // SQLite: a fresh chunk's rows go straight into observations (PostgreSQL decides at the chunk's end).
      if (staged === 0 && !touchesExisting && mode === 'publish' && m.conflicts.length === 0)
        stage.startDirect?.(importId, now);
      stage.add(r);
      staged++;
      return staged >= chunkSize ? mergeChunk() : undefined;
    },
    endChunk: mergeChunk,
    async loadDraft(draftImportId) {
      staged += await tx.run(
        `INSERT INTO import_stage (${STAGE_COLUMNS.join(',')})
         SELECT ${KEY.join(',')}, ${VALUE_COLUMNS.join(',')}, 0, coalesce(source_line, 0)
         FROM staged_observations WHERE import_id = ?`,
        [draftImportId],
      );
    },
    async finish() {
      await mergeChunk();
      if (mode === 'draft' && m.conflicts.length === 0) await countDraft(m);
      return m.counts;
    },
  };
}

/** Publishes a draft: replays its staged rows through the same merge, then removes them. */
export async function publishStaged(tx: Tx, importId: number, now: string): Promise<WriterCounts> {
  const options = { importId, now, mode: 'publish', chunkSize: Number.MAX_SAFE_INTEGER } as const;
  const writer = await createObservationWriter(tx, options);
  await writer.loadDraft(importId);
  const counts = await writer.finish();
  await tx.run('DELETE FROM staged_observations WHERE import_id = ?', [importId]);
  return counts;
}
