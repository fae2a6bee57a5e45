import path from 'node:path';
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { SourceLocation } from '../../platform/source.ts';
import { RollbackSignal, withTransaction, type Tx } from '../../platform/transaction.ts';
import type { MetricCategory } from '../metrics/index.ts';
import type { AdapterContext, ImportAdapter, ImportItem } from './adapter.ts';
import { createBundleStep, type BundleAppliers } from './bundles-step.ts';
import { loadCatalogue, type ImportCatalogue } from './catalogue.ts';
import { ImportFileError } from './csv.ts';
import { checkFiles } from './files.ts';
import { logOutcome } from './import-log.ts';
import { createMetricStep } from './metrics-step.ts';
import { createObservationStep } from './observations-step.ts';
import { createProblems, type Problems } from './problems.ts';
import { applyStagedMetrics } from './staged-metrics.ts';
import { importsRepository as repo } from './repository.ts';
import * as text from './summary.ts';
import { changedAnything, emptyTally, summarise, type ImportSummary, type ImportTally } from './summary.ts';
import { createObservationWriter, publishStaged, type ObservationWriter, type WriterCounts } from './writer.ts';
import { isKeyViolation } from './writer-sql.ts';
import { recordFeedEntries } from './feed.ts';
import { derivedNote, recomputeDerived, type DerivedOutcome } from './derived/step.ts';
import { isDerivationInput } from './derived/specs.ts';
import { countMissingInDraft, findMissing, selectForWithdrawal, withdrawGathered } from './withdraw.ts';
import { abandonImport, createParts, PART_MS, PART_ROWS, type Parts } from './parts.ts';

export type { ImportSummary } from './summary.ts';

export interface ImportRequest extends BundleAppliers {
  adapter: ImportAdapter;
  files: string[];
  /** Publish at once; otherwise the import is held as a draft until `publishImport`. */
  publish?: boolean;
  /** Validate and count, then roll back: nothing is written. */
  dryRun?: boolean;
  /**
   * Withdraw published rows of the metrics and periods this import covers that it no longer holds (withdraw.ts says
   * which); without it, such an import is refused, saying how many rows are missing.
   */
  withdrawMissing?: boolean;
  /** Publish a partial file: leave such rows as they are (said in the message). */
  keepMissing?: boolean;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  now?: Date;
  /** For a file whose header fits another adapter: a hint naming it. */
  suggestAdapter?: (file: string) => Promise<string | undefined>;
  /** Rows per staging chunk (tests use small chunks to exercise the cross-chunk paths). */
  chunkSize?: number;
  /** How a file is named in the import's record (default: its path relative to the working directory). */
  displayName?: (file: string) => string;
  /** Logs the start and the outcome (info); the CLI's logger carries the command. Nothing is logged without one. */
  logger?: Logger;
  /**
   * SQLite, publishing: commit in parts while what is written can be undone (parts.ts), so that another process's
   * writes wait about a part, not the whole import (the first load).
   */
  inParts?: boolean;
  /** How long a part holds the lock (default PART_MS; tests use shorter parts). */
  partMs?: number;
}

/** Publications of at least this many new or changed observations refresh the planner's statistics. */
const STATISTICS_AFTER_ROWS = 50_000;

/**
 * Imports publishers' files through an adapter: validation first, then all or nothing in one transaction.
 * A changed value keeps its previous value, import and time in observation_revisions; re-importing the same file
 * changes nothing and says so (no import is recorded).
 */
export async function runImport(db: Db, req: ImportRequest): Promise<ImportSummary> {
  const log = req.logger?.child({ adapter: req.adapter.name });
  log?.info({ files: req.files, publish: !!req.publish, dryRun: !!req.dryRun }, 'import started');
  let summary: ImportSummary;
  try {
    summary = await importAllOrNothing(db, req);
  } catch (e) {
    if (!keysUnknownToCoverage(db, e)) throw e;
    // A COPY of keys taken for new met one already in the table (written there without the importer, so the coverage
    // did not know of it): PostgreSQL has aborted the transaction, so the whole import runs again through the merge.
    log?.warn({ err: e }, 'import met keys the coverage did not know of; running it again through the merge');
    summary = await importAllOrNothing(db, req, { mergeAll: true });
  }
  if (log) logOutcome(log, summary);
  const written = summary.observations.inserted + summary.observations.updated;
  if (summary.state === 'published' && written >= STATISTICS_AFTER_ROWS) await repo.refreshStatistics(db);
  return summary;
}

/**
 * Whether an import failed where a pipelined COPY met a key already held (writer-stage.ts startDirect: no savepoint on
 * PostgreSQL): the key violation itself, or the aborted transaction a statement queued behind the COPY then met.
 */
function keysUnknownToCoverage(db: Db, e: unknown): boolean {
  if (db.dialect !== 'postgres') return false;
  return isKeyViolation(e) || (e as { code?: string }).code === '25P02';
}

/** The steps an import hands its items to, built inside its transaction. */
function createSteps(tx: Tx, req: ImportRequest, ctx: StepContext) {
  const { tally, problems } = ctx;
  const shared = { importId: ctx.importId, now: ctx.now, catalogue: ctx.catalogue, report: problems.report };
  return {
    metrics: createMetricStep(tx, { ...shared, adapter: req.adapter.name, mode: ctx.mode, counts: tally.metrics }),
    observations: createObservationStep(tx, { ...ctx, counts: tally.observations }),
    bundles: createBundleStep(tx, req, { ...shared, counts: tally.bundles }),
  };
}

interface StepContext {
  importId: number;
  mode: 'publish' | 'draft';
  now: string;
  catalogue: ImportCatalogue;
  writer: ObservationWriter;
  tally: ImportTally;
  problems: Problems;
}
type Steps = ReturnType<typeof createSteps>;

/** What adapters are handed while reading: where to report problems, progress and rows left out, the known areas. */
function adapterContext(req: ImportRequest, { tally, problems, catalogue }: StepContext): AdapterContext {
  const totalBytes = tally.files.reduce((s, f) => s + f.bytes, 0);
  return {
    error: problems.report,
    progress: (bytes: number) => req.onProgress?.(bytes, totalBytes),
    skipped: (_at: SourceLocation, reason: string) => {
      tally.skipped[reason] = (tally.skipped[reason] ?? 0) + 1;
    },
    notice: (text: string) => void tally.notices.push(text),
    area: (code: string) => catalogue.areas.get(code),
    metric: (code: string) => {
      const m = catalogue.metrics.get(code);
      if (!m) return undefined;
      const categories = m.categories ? (JSON.parse(m.categories) as MetricCategory[]) : undefined;
      return { code, unitType: m.unit_type, ...(categories ? { categories } : {}) };
    },
  };
}

/** Whether a metric (by id) may be an input of the derivation: its figures are kept as written, for it to read. */
function derivationInputs(catalogue: ImportCatalogue): (metricId: number) => boolean {
  const codes = new Map<number, string>();
  return (metricId) => {
    if (!codes.has(metricId)) for (const m of catalogue.metrics.values()) codes.set(m.id, m.code);
    const code = codes.get(metricId);
    return code !== undefined && isDerivationInput(code);
  };
}

/** Where an item came from. */
const itemAt = (item: ImportItem): SourceLocation | undefined =>
  item.kind === 'observation' ? item.observation.at : item.kind === 'geography' ? undefined : item.at;

/**
 * Reads every item the adapter yields and hands each to its step; a file the reader refuses is one more problem. So
 * is anything else an adapter throws (bad input it did not foresee): it is reported at the last line read, never
 * left to end the command with a stack trace. A step's own failure (the database) still propagates.
 */
async function readAll(req: ImportRequest, steps: Steps, ctx: AdapterContext, parts: Parts): Promise<void> {
  let lastAt: SourceLocation | undefined;
  const items = req.adapter.read(req.files, ctx)[Symbol.asyncIterator]();
  // What an adapter reads before its first item (ELS reads its whole observations file once) holds no lock in parts.
  let first = true;
  const failed = (e: unknown): ImportFileError => {
    if (e instanceof ImportFileError) return e;
    req.logger?.warn({ adapter: req.adapter.name, err: e }, 'adapter failed while reading');
    const at = lastAt ?? { file: req.files[0] ? path.relative(process.cwd(), req.files[0]) : '(no file)', line: 0 };
    const where = lastAt ? 'reading stopped after this line' : 'reading stopped';
    return new ImportFileError(at, `${where}: ${(e as Error).message}`);
  };
  try {
    for (;;) {
      // The adapter's own failure, told apart from a step's (no function of its own: this runs once a row).
      let r: IteratorResult<ImportItem>;
      try {
        if (first) {
          first = false;
          r = await parts.unlocked(() => items.next());
        } else r = await items.next();
      } catch (e) {
        throw failed(e);
      }
      if (r.done) break;
      const item = r.value;
      lastAt = itemAt(item) ?? lastAt;
      // New metric definitions are written together, before anything else needs them.
      if (item.kind !== 'metric' && steps.metrics.pending) await steps.metrics.flush();
      switch (item.kind) {
        case 'metric':
          await steps.metrics.onMetric(item.metric, item.at);
          await parts.maybeCommit();
          break;
        case 'observation': {
          const wait = steps.observations.onObservation(item.observation);
          if (wait) await wait;
          break;
        }
        case 'geography':
          await steps.bundles.onGeography(item.geography);
          break;
        case 'boundaries':
          await steps.bundles.onBoundaries(item.boundaries);
          break;
        case 'groups':
          await steps.bundles.onGroups(item.groups);
          break;
        default: {
          const never: never = item;
          throw new Error(`unknown import item ${JSON.stringify(never)}`);
        }
      }
    }
  } catch (e) {
    await items.return?.().catch(() => undefined); // the reader closes its files
    if (!(e instanceof ImportFileError)) throw e;
    const hint = e.wrongHeader && req.suggestAdapter ? await req.suggestAdapter(path.resolve(e.at.file)) : undefined;
    ctx.error({ at: e.at, message: hint ? `${e.message}; ${hint}` : e.message });
  }
}

/** Merges what the writer holds (unless a problem was found) and reports its conflicts with file and line. */
async function finishWriting(steps: Steps, { writer, tally, problems }: StepContext): Promise<void> {
  let counts: WriterCounts = { inserted: 0, updated: 0, unchanged: 0, duplicates: 0 };
  if (problems.count === 0) counts = await writer.finish();
  for (const c of writer.conflicts) {
    const at = { file: steps.observations.fileName(c.fileNo), line: c.line };
    problems.report({ at, message: c.message });
  }
  const { inserted, updated, unchanged, duplicates } = counts;
  Object.assign(tally.observations, { inserted, updated, unchanged, duplicates });
}

/** `mergeAll`: every row through the merge, none taken for new because the coverage says so (the retry above). */
async function importAllOrNothing(
  db: Db,
  req: ImportRequest,
  opts: { mergeAll?: boolean } = {},
): Promise<ImportSummary> {
  const now = (req.now ?? new Date()).toISOString();
  const problems = createProblems();
  const tally = emptyTally(await checkFiles(req.files, problems.report, req.displayName));
  const summary = (state: ImportSummary['state'], importId: number | null, message: string) =>
    summarise(req.adapter.name, tally, problems, { state, importId, message });
  if (problems.count > 0) return summary('rejected', null, text.filesRejectedMessage(problems.count));

  const mode = req.publish || req.dryRun ? 'publish' : 'draft';
  const inParts = !!req.inParts && !!req.publish && !req.dryRun && db.dialect === 'sqlite';
  let parts: Parts | undefined;
  let partsOf = 0;
  const abandon = () => (parts?.committed ? abandonImport(db, partsOf, req.logger) : undefined);
  try {
    const result = await transact();
    if (result.state !== 'published') await abandon();
    return result;
  } catch (e) {
    await abandon()?.catch(() => undefined);
    throw e;
  }

  function transact() {
    return withTransaction(
      db,
      async (tx) => {
        await repo.ensureTopics(tx);
        const state = inParts ? 'loading' : mode === 'publish' ? 'published' : 'draft';
        const files = JSON.stringify(tally.files);
        const importId = await repo.createImport(tx, { adapter: req.adapter.name, files, state, now });
        partsOf = importId;
        // Parts are committed only while all written could be undone: no definition changed, no bundle applied.
        const b = tally.bundles;
        const undoable = () => tally.metrics.updated === 0 && !b.geography && !b.boundaries && !b.groups;
        const p = (parts = createParts(tx, inParts, undoable));
        const catalogue = await loadCatalogue(tx);
        const metricsWithData = opts.mergeAll ? undefined : await repo.metricsWithData(tx);
        const chunk = req.chunkSize ? { chunkSize: req.chunkSize } : {};
        const englandId = () => catalogue.areas.get('E92000001')?.id;
        const afterNewRows = () => p.maybeCommit();
        const batch = inParts ? { directBatch: PART_ROWS } : {};
        const keepWritten = req.publish && !req.dryRun ? derivationInputs(catalogue) : undefined;
        const options = {
          importId,
          now,
          mode,
          metricsWithData,
          englandId,
          keepWritten,
          afterNewRows,
          ...batch,
          ...chunk,
        } as const;
        const writer = await createObservationWriter(tx, options);
        const ctx: StepContext = { importId, mode, now, catalogue, writer, tally, problems };
        const steps = createSteps(tx, req, ctx);
        await readAll(req, steps, adapterContext(req, ctx), p);
        await steps.metrics.flush();
        tally.metricsDefined = steps.metrics.definedHere.size;
        await finishWriting(steps, ctx);
        p.close();

        if (problems.count > 0)
          throw new RollbackSignal(summary('rejected', null, text.rejectedMessage(problems.count)));
        const missingNote = await settleMissing(tx, req, ctx, (m) => summary('rejected', null, m));
        if (!changedAnything(tally) && mode === 'publish') {
          const message = text.unchangedMessage(tally) + missingNote;
          throw new RollbackSignal(summary(req.dryRun ? 'dry-run' : 'unchanged', null, message));
        }
        const { rowsRead } = steps.observations;
        const tallied = writer.freshCoverage?.byMetric;
        if (mode === 'publish') await repo.refreshCoverage(tx, [...rowsRead.keys()], importId, rowsRead, tallied);
        const { observations: obs, metrics, bundles } = tally;
        await repo.finishImport(tx, importId, {
          inserted: obs.inserted,
          updated: obs.updated,
          unchanged: obs.unchanged,
          rejected: obs.rejected,
          summary: JSON.stringify({ observations: obs, metrics, geography: bundles.geography }),
        });
        if (inParts) await repo.setImportState(tx, importId, 'published', now);
        const what = text.outcomeText(tally);
        if (req.dryRun) throw new RollbackSignal(summary('dry-run', null, text.dryRunMessage(what) + missingNote));
        if (mode === 'draft') return summary('draft', importId, text.draftMessage(importId, what) + missingNote);
        await repo.logChange(tx, { at: now, entity: 'import', action: 'published', key: String(importId), importId });
        await recordFeedEntries(tx, importId, now);
        const written = writer.freshCoverage?.written;
        const touched = [...rowsRead.keys()];
        const derived = await recomputeDerived(tx, { trigger: importId, touched, now, written, catalogue });
        return summary(
          'published',
          importId,
          text.publishedMessage(importId, what) + missingNote + derivedNote(derived),
        );
      },
      { long: true, ...(inParts ? { yieldAfterMs: req.partMs ?? PART_MS } : {}) },
    );
  }
}

/**
 * Published rows the import no longer holds (withdraw.ts): a publication withdraws them when asked to and is refused
 * otherwise; a dry run or a draft only says how many there are (the returned note, else '').
 */
async function settleMissing(
  tx: Tx,
  req: ImportRequest,
  { importId, now, tally, writer }: StepContext,
  refused: (message: string) => ImportSummary,
): Promise<string> {
  const confirm = (id: number | string) => `"sli imports publish ${id} --withdraw-missing", or --keep-missing`;
  if (!req.publish && !req.dryRun) {
    const n = await countMissingInDraft(tx, importId, req.adapter.name);
    return n > 0 ? text.missingNote(n, confirm(importId)) : '';
  }
  const missing = await findMissing(tx, req.adapter.name, writer.seen);
  if (missing.count === 0) return '';
  if (req.withdrawMissing) {
    tally.observations.withdrawn = (await withdrawGathered(tx, importId, now)).withdrawn;
    return '';
  }
  if (req.keepMissing) return text.keptNote(missing.count);
  const again = 'import again with --withdraw-missing (or, for a partial file, --keep-missing)';
  if (req.dryRun) return text.missingNote(missing.count, again);
  throw new RollbackSignal(refused(text.missingMessage(missing, again)));
}

export class ImportStateError extends Error {}

/** How publishing or discarding a draft is run: its time (default now) and where to log it. */
export interface DraftOptions {
  now?: Date;
  logger?: Logger;
  /** Publishing: withdraw published rows of the draft's metrics and periods it no longer holds (else refused). */
  withdrawMissing?: boolean;
  /** Publishing a partial draft: leave such rows as they are. */
  keepMissing?: boolean;
}

/** The draft import, or an ImportStateError saying why it cannot be published or discarded. */
async function draftOf(tx: Tx, importId: number, refusal: (state: string) => string) {
  const imp = await repo.getImport(tx, importId);
  if (!imp) throw new ImportStateError(`import #${importId} does not exist`);
  if (imp.state !== 'draft') throw new ImportStateError(`import #${importId} ${refusal(imp.state)}`);
  return imp;
}

/**
 * Publishes a draft import: its held-aside metric definitions are applied to the catalogue first, then its staged
 * observations go through the same merge as a direct publish, all in one transaction.
 */
export async function publishImport(
  db: Db,
  importId: number,
  opts: DraftOptions = {},
): Promise<WriterCounts & { withdrawn: number }> {
  const now = (opts.now ?? new Date()).toISOString();
  const { counts, adapter, derived } = await withTransaction(
    db,
    async (tx) => {
      const imp = await draftOf(tx, importId, (state) => `is ${state}, not a draft`);
      await applyStagedMetrics(tx, importId, now);
      await repo.redateChanges(tx, importId, now);
      const metricIds = (
        await tx.all<{ metric_id: number; n: number }>(
          'SELECT metric_id, count(*) AS n FROM staged_observations WHERE import_id = ? GROUP BY metric_id',
          [importId],
        )
      ).map((r) => ({ id: r.metric_id, n: Number(r.n) }));
      const staged = await publishStaged(tx, importId, now);
      const counts = { ...staged.counts, withdrawn: 0 };
      const missing = await findMissing(tx, imp.adapter, staged.seen);
      if (missing.count > 0 && !opts.withdrawMissing && !opts.keepMissing) {
        const confirm = `publish it with "sli imports publish ${importId} --withdraw-missing" (or, for a partial file, --keep-missing)`;
        throw new ImportStateError(`import #${importId}: ${text.missingMessage(missing, confirm)}`);
      }
      if (missing.count > 0 && opts.withdrawMissing) {
        counts.withdrawn = (await withdrawGathered(tx, importId, now)).withdrawn;
      }
      await repo.refreshCoverage(
        tx,
        metricIds.map((m) => m.id),
        importId,
        new Map(metricIds.map((m) => [m.id, m.n])),
      );
      await repo.setImportState(tx, importId, 'published', now);
      const { inserted, updated, unchanged } = counts;
      await repo.finishImport(tx, importId, {
        inserted,
        updated,
        unchanged,
        rejected: 0,
        summary: imp.summary ?? '{}',
      });
      await repo.logChange(tx, { at: now, entity: 'import', action: 'published', key: String(importId), importId });
      await recordFeedEntries(tx, importId, now);
      const touched = metricIds.map((m) => m.id);
      const derived = await recomputeDerived(tx, { trigger: importId, touched, now });
      return { counts, adapter: imp.adapter, derived };
    },
    { long: true },
  );
  opts.logger?.info(
    { importId, adapter, observations: counts, derivedImport: derived?.importId },
    'draft import published',
  );
  if (counts.inserted + counts.updated >= STATISTICS_AFTER_ROWS) await repo.refreshStatistics(db);
  return counts;
}

/** Discards a draft import, its held-aside metric definitions and its staged observations. */
export async function discardImport(db: Db, importId: number, opts: DraftOptions = {}): Promise<void> {
  const adapter = await withTransaction(db, async (tx) => {
    const imp = await draftOf(tx, importId, (state) => `is ${state}; only drafts can be discarded`);
    await tx.run('DELETE FROM staged_observations WHERE import_id = ?', [importId]);
    await repo.deleteStagedMetrics(tx, importId);
    await repo.setImportState(tx, importId, 'discarded', (opts.now ?? new Date()).toISOString());
    return imp.adapter;
  });
  opts.logger?.info({ importId, adapter }, 'draft import discarded');
}

/** An explicit withdrawal: one metric's published observations for an area, a period or both, and why. */
export interface WithdrawRequest {
  metric: string;
  area?: string;
  /** An ISO 8601 interval (2023-04-01/P1Y) or a period's label (2023/24). */
  period?: string;
  reason: string;
  now?: Date;
  logger?: Logger;
}

/**
 * Withdraws published observations explicitly (`sli imports withdraw`): recorded as an import of its own (adapter
 * "withdraw", published at once, the reason in its summary and change log), each row kept in observation_revisions as
 * a deletion with its previous value, the coverage refreshed and the feed written, all in one transaction.
 */
export async function withdrawObservations(
  db: Db,
  req: WithdrawRequest,
): Promise<{ importId: number; withdrawn: number; examples: string[] }> {
  const reason = req.reason.trim();
  if (!reason) throw new ImportStateError('say why the observations are withdrawn (--reason "…")');
  if (!req.area && !req.period) {
    throw new ImportStateError(
      'name an area (--area), a period (--period) or both: a whole metric is not withdrawn at once',
    );
  }
  const now = (req.now ?? new Date()).toISOString();
  const result = await withTransaction(
    db,
    async (tx) => {
      const ids = await repo.keyIds(tx, req);
      const unknown = [
        ids.metricId === undefined && `no metric "${req.metric}"`,
        req.area && ids.areaId === undefined && `no area "${req.area}"`,
        req.period && ids.periodId === undefined && `no period "${req.period}"`,
      ].filter(Boolean);
      if (unknown.length > 0) throw new ImportStateError(`nothing withdrawn: there is ${unknown.join(', ')}`);
      const gathered = await selectForWithdrawal(tx, {
        metricId: ids.metricId!,
        ...(ids.areaId === undefined ? {} : { areaId: ids.areaId }),
        ...(ids.periodId === undefined ? {} : { periodId: ids.periodId }),
      });
      if (gathered.count === 0) {
        const what = [req.metric, req.area, req.period].filter(Boolean).join(', ');
        throw new ImportStateError(`nothing withdrawn: there is no published observation of ${what}`);
      }
      const importId = await repo.createImport(tx, { adapter: WITHDRAW_ADAPTER, files: '[]', state: 'published', now });
      const { withdrawn, metricIds } = await withdrawGathered(tx, importId, now);
      await repo.refreshCoverage(tx, metricIds, importId, new Map());
      const detail = { withdrawn, reason, metric: req.metric, area: req.area ?? null, period: req.period ?? null };
      const summary = JSON.stringify(detail);
      await repo.finishImport(tx, importId, { inserted: 0, updated: 0, unchanged: 0, rejected: 0, summary });
      await repo.logChange(tx, {
        at: now,
        entity: 'import',
        action: 'published',
        key: String(importId),
        importId,
        detail,
      });
      await recordFeedEntries(tx, importId, now);
      await recomputeDerived(tx, { trigger: importId, touched: metricIds, now });
      return { importId, withdrawn, examples: gathered.examples };
    },
    { long: true },
  );
  req.logger?.info({ importId: result.importId, withdrawn: result.withdrawn }, 'observations withdrawn');
  return result;
}

/**
 * Recomputes every derived figure from the published inputs (`sli imports derive`): what a publication does for the
 * inputs it touched, for all of them; for a database loaded before the derivations existed. Undefined: nothing changed.
 */
export async function deriveAll(db: Db, opts: DraftOptions = {}): Promise<DerivedOutcome | undefined> {
  const now = (opts.now ?? new Date()).toISOString();
  const outcome = await withTransaction(
    db,
    async (tx) => {
      const ids = (await tx.all<{ id: number }>('SELECT id FROM metrics')).map((r) => Number(r.id));
      return recomputeDerived(tx, { trigger: null, touched: ids, now, withdrawNarrowed: true });
    },
    { long: true },
  );
  opts.logger?.info({ derivedImport: outcome?.importId, written: outcome?.written ?? 0 }, 'derived figures recomputed');
  return outcome;
}

/** The adapter name an explicit withdrawal is recorded under. */
export const WITHDRAW_ADAPTER = 'withdraw';

export const listImports = (db: Db, limit?: number) => repo.listImports(db, limit);

/** A value that changes whenever an import is made, published or discarded: what caches of the catalogue key on. */
export const importsStamp = (db: Db) => repo.stamp(db);
