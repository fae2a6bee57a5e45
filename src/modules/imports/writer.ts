import type { Tx } from '../../platform/transaction.ts';
import { countDraft, insertFresh, mergeIntoDraft, mergeIntoPublished, type MergeContext } from './writer-merge.ts';
import { resolveDuplicatesInChunk } from './writer-merge.ts';
import { createStageTable, KEY, STAGE_COLUMNS, VALUE_COLUMNS } from './writer-sql.ts';
import { createStage } from './writer-stage.ts';
import { createSeenTable, recordSeen } from './withdraw.ts';
import { FreshCoverage } from './fresh-coverage.ts';

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
  /** Stages a row; a promise only when a full chunk is being merged (the hot path allocates none otherwise). */
  add(row: StageRow): Promise<void> | undefined;
  /** Fills the stage from a draft import's staged rows (used when publishing a draft). */
  loadDraft(draftImportId: number): Promise<void>;
  /** Merges what is left and returns the counts. Conflicts found are in `conflicts`. */
  finish(): Promise<WriterCounts>;
  readonly conflicts: WriterConflict[];
  /**
   * Whether keys this publication holds were recorded in import_seen (chunks that may touch published rows): without
   * any, it can leave no published row out (withdraw.ts findMissing).
   */
  readonly seen: boolean;
  /**
   * Publish mode with `metricsWithData`: the coverage of the metrics none of whose keys may already be held (not in
   * `keysMayExist`), tallied as their rows were written (fresh-coverage.ts); complete once `finish` has returned
   * without conflicts.
   */
  readonly freshCoverage: FreshCoverage | undefined;
}

export interface WriterOptions {
  importId: number;
  now: string;
  mode: 'publish' | 'draft';
  chunkSize?: number;
  /** Metrics with published observations before this import; chunks without them skip the revision joins. */
  metricsWithData?: ReadonlySet<number>;
  /**
   * Metrics whose rows may meet keys already in the observations table (default: `metricsWithData`). A caller that
   * knows which of its rows are new (the derivation) narrows it, so chunks of new keys take the insert-only path.
   */
  keysMayExist?: ReadonlySet<number>;
  /** Record the keys a publication holds, for withdrawals (withdraw.ts); default true. */
  trackSeen?: boolean;
  /** England's area id, for the coverage of metrics without published observations. */
  englandId?: () => number | undefined;
  /**
   * Metrics without published observations whose figures are kept as written (`freshCoverage.written`), for the
   * derivation that follows the publication to read instead of the table.
   */
  keepWritten?: (metricId: number) => boolean;
  /**
   * Called after each chunk while every chunk so far has only inserted new rows (straight into observations, or from
   * the staging table as insertFresh does), so that all the writer has written is new rows of this import: where an
   * import committed in parts may commit (imports/parts.ts).
   */
  afterNewRows?: () => Promise<void>;
  /** Fresh rows written straight into observations at a time (default DIRECT_BATCH; smaller for parts). */
  directBatch?: number;
}

/** Rows of fresh data written straight into observations at a time (smaller than a chunk). */
const DIRECT_BATCH = 10_000;
/**
 * Rows of fresh data whose keys are all new COPYed at a time on PostgreSQL, while the next are read: small, so that
 * little is left to wait for when the reading ends.
 */
const PIPELINED_BATCH = 2_000;

/**
 * Writes observations through a temporary staging table, in chunks, and merges each chunk with set-based SQL
 * (writer-merge.ts): duplicate keys in the import are found (identical ones dropped, conflicting ones reported with
 * their lines); in publish mode, changed values are copied to observation_revisions before they are updated and new
 * keys are inserted; in draft mode the chunk goes to staged_observations. Loading the stage is the only per-dialect
 * part (writer-stage.ts): prepared inserts on SQLite, COPY on PostgreSQL; fresh data skips the staging table.
 */
export async function createObservationWriter(tx: Tx, opts: WriterOptions): Promise<ObservationWriter> {
  const chunkSize = opts.chunkSize ?? 250_000;
  const directBatch = opts.directBatch ?? DIRECT_BATCH;
  const { importId, now, mode, metricsWithData } = opts;
  const keysMayExist = opts.keysMayExist ?? metricsWithData;
  const trackSeen = mode === 'publish' && opts.trackSeen !== false;
  // The staging table and the keys a publication holds where they may meet published rows (what tells rows it no
  // longer holds: withdraw.ts) are made when first needed: an import of fresh data needs neither.
  let stageMade: Promise<void> | undefined;
  const stageReady = () => (stageMade ??= createStageTable(tx));
  let seen = false;
  const fresh =
    mode === 'publish' && metricsWithData
      ? new FreshCoverage(opts.englandId ?? (() => undefined), metricsWithData, opts.keepWritten)
      : undefined;
  const stage = createStage(tx, stageReady);
  const counts: WriterCounts = { inserted: 0, updated: 0, unchanged: 0, duplicates: 0 };
  const m: MergeContext = { tx, importId, now, counts, conflicts: [] };
  let staged = 0;
  let chunks = 0;
  // Whether the current chunk may touch rows published before this import (else only inserts can happen).
  let touchesExisting = keysMayExist === undefined;
  // Whether the chunk may hold a key twice: a key came back, or a row was not tallied (only rows of metrics without
  // published data are). Else the search for duplicates is skipped.
  let mayRepeat = !fresh;
  // Whether every chunk so far only inserted new rows (nothing but new rows of this import written).
  let onlyNew = true;
  const afterChunk = () => (onlyNew ? opts.afterNewRows?.() : undefined);

  // Set once a chunk taken for new met keys held before this import (the coverage did not know of them): from then on
  // every chunk takes the merge, and the tally is given up (fresh-coverage.ts abandon).
  let coverageWrong = false;

  function endChunk(): void {
    staged = 0;
    chunks++;
    touchesExisting = keysMayExist === undefined || coverageWrong;
    mayRepeat = !fresh;
  }

  /**
   * Fresh data goes straight into observations (COPY on PostgreSQL, prepared inserts on SQLite); true when it did. When
   * no key of the chunk can be held already or met twice, PostgreSQL's COPY runs on while the next rows are read.
   */
  async function copiedDirect(): Promise<boolean> {
    if (!stage.copyDirect || mode !== 'publish' || touchesExisting || m.conflicts.length > 0) return false;
    const rows = stage.buffered;
    if (rows === 0) return false;
    if (!mayRepeat && stage.startDirect) await stage.startDirect(importId, now);
    else if (!(await stage.copyDirect(importId, now))) return false;
    m.counts.inserted += rows;
    return true;
  }

  async function mergeChunk(): Promise<void> {
    if (await copiedDirect()) {
      endChunk();
      return afterChunk();
    }
    await stage.flush();
    if (staged === 0) return;
    const duplicatesBefore = m.counts.duplicates;
    if (touchesExisting || mayRepeat) await resolveDuplicatesInChunk(m);
    const later = chunks > 0;
    if (mode === 'draft') {
      onlyNew = false;
      await mergeIntoDraft(m, { later });
    } else if (touchesExisting || !(await insertFresh(m))) {
      if (!touchesExisting) {
        coverageWrong = true;
        fresh?.abandon();
      }
      onlyNew = false;
      await mergeIntoPublished(m, { later, staged, duplicatesBefore });
      if (trackSeen) {
        if (!seen) await createSeenTable(tx);
        seen = true;
        await recordSeen(tx);
      }
    }
    await tx.run('DELETE FROM import_stage');
    endChunk();
    return afterChunk();
  }

  return {
    conflicts: m.conflicts,
    freshCoverage: fresh,
    get seen() {
      return seen;
    },
    add(r) {
      // Rows of metrics whose keys are all new are tallied (fresh-coverage.ts); a key that comes back is a duplicate.
      if (!fresh) {
        mayRepeat = true;
        if (!touchesExisting && keysMayExist?.has(r.metricId)) touchesExisting = true;
      } else if (keysMayExist!.has(r.metricId)) touchesExisting = mayRepeat = true;
      else if (!fresh.add(r)) mayRepeat = true;
      stage.add(r);
      staged++;
      if (staged >= chunkSize) return mergeChunk();
      // Fresh rows go straight into observations a batch at a time, so they are not held in memory for a whole chunk
      // (held long, they would be promoted and copied by the garbage collector); the batch ends the chunk.
      if (!touchesExisting && stage.copyDirect && mode === 'publish') {
        const batch = stage.startDirect && !mayRepeat ? PIPELINED_BATCH : directBatch;
        if (staged >= batch) return mergeChunk();
      }
      return undefined;
    },
    async loadDraft(draftImportId) {
      await stageReady();
      staged += await tx.run(
        `INSERT INTO import_stage (${STAGE_COLUMNS.join(',')})
         SELECT ${KEY.join(',')}, ${VALUE_COLUMNS.join(',')}, 0, coalesce(source_line, 0)
         FROM staged_observations WHERE import_id = ?`,
        [draftImportId],
      );
    },
    async finish() {
      await mergeChunk();
      await stage.settle();
      if (mode === 'draft' && m.conflicts.length === 0) await countDraft(m);
      return m.counts;
    },
  };
}

/** Publishes a draft: replays its staged rows through the same merge, then removes them. */
export async function publishStaged(
  tx: Tx,
  importId: number,
  now: string,
): Promise<{ counts: WriterCounts; seen: boolean }> {
  const options = { importId, now, mode: 'publish', chunkSize: Number.MAX_SAFE_INTEGER } as const;
  const writer = await createObservationWriter(tx, options);
  await writer.loadDraft(importId);
  const counts = await writer.finish();
  await tx.run('DELETE FROM staged_observations WHERE import_id = ?', [importId]);
  return { counts, seen: writer.seen };
}
