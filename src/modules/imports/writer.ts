import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import copyStreams from 'pg-copy-streams';
import type { Tx } from '../../platform/transaction.ts';

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

const VALUE_COLUMNS = ['value', 'status', 'lci', 'uci', 'ci_level', 'numerator', 'denominator', 'note'] as const;
const KEY = ['metric_id', 'period_id', 'area_id'] as const;
const STAGE_COLUMNS = [...KEY, ...VALUE_COLUMNS, 'file_no', 'line'] as const;

function differs(tx: Tx, a: string, b: string): string {
  const op = tx.dialect === 'postgres' ? 'IS DISTINCT FROM' : 'IS NOT';
  return `(${VALUE_COLUMNS.map((c) => (c === 'status' ? `${a}.status <> ${b}.status` : `${a}.${c} ${op} ${b}.${c}`)).join(' OR ')})`;
}
const keyJoin = (a: string, b: string) => KEY.map((k) => `${a}.${k} = ${b}.${k}`).join(' AND ');

/** A primary-key violation on either engine. */
function isKeyViolation(e: unknown): boolean {
  const err = e as { code?: string; errcode?: number; message?: string };
  return err.code === '23505' || /UNIQUE constraint failed|PRIMARY KEY/i.test(err.message ?? '');
}

/** Text-format COPY escaping. */
function copyField(v: number | string | null): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export interface ObservationWriter {
  add(row: StageRow): Promise<void>;
  /** Fills the stage from a draft import's staged rows (used when publishing a draft). */
  loadDraft(draftImportId: number): Promise<void>;
  /** Merges what is left and returns the counts. Conflicts found are in `conflicts`. */
  finish(): Promise<WriterCounts>;
  readonly conflicts: WriterConflict[];
}

/**
 * Writes observations through a temporary staging table, in chunks, and merges each chunk with set-based SQL:
 * duplicate keys in the import are found (identical ones dropped, conflicting ones reported with their lines);
 * in publish mode, changed values are copied to observation_revisions before they are updated and new keys are
 * inserted; in draft mode the chunk goes to staged_observations. Loading the stage is the only per-dialect part:
 * prepared inserts on SQLite, COPY on PostgreSQL.
 */
export async function createObservationWriter(
  tx: Tx,
  opts: {
    importId: number;
    now: string;
    mode: 'publish' | 'draft';
    chunkSize?: number;
    /** Metrics with published observations before this import; chunks without them skip the revision joins. */
    metricsWithData?: ReadonlySet<number>;
  },
): Promise<ObservationWriter> {
  const chunkSize = opts.chunkSize ?? 250_000;
  const { importId, now } = opts;
  const real = tx.dialect === 'postgres' ? 'double precision' : 'REAL';
  await tx.run('DROP TABLE IF EXISTS import_stage');
  await tx.run(
    `CREATE TEMP TABLE import_stage (metric_id INTEGER NOT NULL, period_id INTEGER NOT NULL, area_id INTEGER NOT NULL,
      value ${real}, status TEXT NOT NULL, lci ${real}, uci ${real}, ci_level ${real}, numerator ${real}, denominator ${real},
      note TEXT, file_no INTEGER NOT NULL, line INTEGER NOT NULL)${tx.dialect === 'postgres' ? ' ON COMMIT DROP' : ''}`,
  );
  const counts: WriterCounts = { inserted: 0, updated: 0, unchanged: 0, duplicates: 0 };
  const conflicts: WriterConflict[] = [];
  let staged = 0;
  let chunks = 0;
  // Whether the current chunk may touch rows published before this import (else only inserts can happen).
  let touchesExisting = opts.metricsWithData === undefined;

  const insertStage = tx.sqlite?.prepare(`INSERT INTO import_stage VALUES (${STAGE_COLUMNS.map(() => '?').join(',')})`);
  // PostgreSQL: each row's key and values as COPY text, with its file and line kept apart, so one buffer can feed
  // either the staging table or (for fresh data) the observations table directly.
  let cores: string[] = [];
  let locations: string[] = [];

  async function copy(table: string, columns: readonly string[], suffix: (i: number) => string): Promise<void> {
    const parts: string[] = new Array(cores.length);
    for (let i = 0; i < cores.length; i++) parts[i] = cores[i]! + suffix(i);
    const stream = tx.pg!.query(copyStreams.from(`COPY ${table} (${columns.join(',')}) FROM STDIN`));
    await pipeline(Readable.from([parts.join('')]), stream);
  }

  async function loadPgChunk(): Promise<void> {
    if (cores.length === 0) return;
    await copy('import_stage', STAGE_COLUMNS, (i) => locations[i]!);
    cores = [];
    locations = [];
  }

  /** Fresh data on PostgreSQL: COPY straight into observations; false (and nothing written) on a key violation. */
  async function copyDirect(): Promise<boolean> {
    await tx.run('SAVEPOINT import_direct');
    const suffix = `\t1\t${importId}\t${now}\n`;
    try {
      await copy('observations', [...KEY, ...VALUE_COLUMNS, 'revision', 'import_id', 'updated_at'], () => suffix);
    } catch (e) {
      if (!isKeyViolation(e)) throw e;
      await tx.run('ROLLBACK TO SAVEPOINT import_direct');
      await tx.run('RELEASE SAVEPOINT import_direct');
      return false;
    }
    await tx.run('RELEASE SAVEPOINT import_direct');
    counts.inserted += cores.length;
    cores = [];
    locations = [];
    staged = 0;
    chunks++;
    touchesExisting = opts.metricsWithData === undefined;
    return true;
  }

  /** Duplicate keys inside the chunk: identical rows collapse to one; different values are conflicts. */
  async function resolveDuplicatesInChunk(): Promise<void> {
    const rows = await tx.all<Record<(typeof STAGE_COLUMNS)[number], number | string | null>>(
      `SELECT s.* FROM import_stage s JOIN (SELECT ${KEY.join(',')} FROM import_stage GROUP BY ${KEY.join(',')} HAVING count(*) > 1) d
       ON ${keyJoin('s', 'd')} ORDER BY s.metric_id, s.period_id, s.area_id, s.file_no, s.line`,
    );
    if (rows.length === 0) return;
    const drop: [number, number][] = [];
    let first: (typeof rows)[number] | undefined;
    for (const r of rows) {
      if (!first || KEY.some((k) => r[k] !== first![k])) {
        first = r;
        continue;
      }
      const same = VALUE_COLUMNS.every((c) => r[c] === first![c]);
      if (same) {
        drop.push([Number(r.file_no), Number(r.line)]);
        counts.duplicates++;
      } else {
        conflicts.push({
          fileNo: Number(r.file_no),
          line: Number(r.line),
          metricId: Number(r.metric_id),
          periodId: Number(r.period_id),
          areaId: Number(r.area_id),
          message: `conflicts with line ${String(first.line)}: the same metric, area and period with a different value (${String(r.value)} here, ${String(first.value)} there)`,
        });
      }
    }
    for (let i = 0; i < drop.length; i += 500) {
      const part = drop.slice(i, i + 500);
      await tx.run(
        `DELETE FROM import_stage WHERE (file_no, line) IN (${part.map(() => '(?,?)').join(',')})`,
        part.flat(),
      );
    }
  }

  /** A key this import already wrote in an earlier chunk: identical is a duplicate, different is a conflict. */
  async function resolveDuplicatesAcrossChunks(target: string, targetFilter: string): Promise<void> {
    const rows = await tx.all<{ file_no: number; line: number; metric_id: number; period_id: number; area_id: number; differ: number; value: number | null; prev: number | null }>(
      `SELECT s.file_no, s.line, s.metric_id, s.period_id, s.area_id, s.value, o.value AS prev,
        CASE WHEN ${differs(tx, 'o', 's')} THEN 1 ELSE 0 END AS differ
       FROM import_stage s JOIN ${target} o ON ${keyJoin('o', 's')} WHERE ${targetFilter}`,
      [importId],
    );
    const drop: [number, number][] = [];
    for (const r of rows) {
      if (Number(r.differ) === 1) {
        conflicts.push({
          fileNo: Number(r.file_no),
          line: Number(r.line),
          metricId: r.metric_id,
          periodId: r.period_id,
          areaId: r.area_id,
          message: `conflicts with an earlier row of this import: the same metric, area and period with a different value (${String(r.value)} here, ${String(r.prev)} earlier)`,
        });
      } else {
        drop.push([Number(r.file_no), Number(r.line)]);
        counts.duplicates++;
      }
    }
    for (let i = 0; i < drop.length; i += 500) {
      const part = drop.slice(i, i + 500);
      await tx.run(`DELETE FROM import_stage WHERE (file_no, line) IN (${part.map(() => '(?,?)').join(',')})`, part.flat());
    }
  }

  async function mergeChunk(): Promise<void> {
    if (tx.dialect === 'postgres') {
      if (opts.mode === 'publish' && !touchesExisting && conflicts.length === 0 && cores.length > 0 && (await copyDirect())) return;
      await loadPgChunk();
    }
    if (staged === 0) return;
    const before = counts.duplicates;
    await resolveDuplicatesInChunk();
    if (opts.mode === 'publish' && !touchesExisting) {
      // Fresh data: a plain insert (the fastest path on both engines). A key violation means keys this import wrote
      // in an earlier chunk: undo the insert, sort those out (identical: dropped; different: conflicts), insert again.
      const insert = (onConflict: string) =>
        tx.run(
          `INSERT INTO observations (${KEY.join(',')}, ${VALUE_COLUMNS.join(',')}, revision, import_id, updated_at)
           SELECT ${KEY.join(',')}, ${VALUE_COLUMNS.join(',')}, 1, ?, ? FROM import_stage WHERE true ${onConflict}`,
          [importId, now],
        );
      if (conflicts.length === 0) {
        await tx.run('SAVEPOINT import_chunk');
        let inserted: number;
        try {
          inserted = await insert('');
        } catch (e) {
          if (!isKeyViolation(e)) throw e;
          await tx.run('ROLLBACK TO SAVEPOINT import_chunk');
          await resolveDuplicatesAcrossChunks('observations', 'o.import_id = ?');
          inserted = conflicts.length === 0 ? await insert('ON CONFLICT DO NOTHING') : 0;
        }
        await tx.run('RELEASE SAVEPOINT import_chunk');
        counts.inserted += inserted;
      }
    } else if (opts.mode === 'publish') {
      if (chunks > 0) await resolveDuplicatesAcrossChunks('observations', 'o.import_id = ?');
      if (conflicts.length === 0) {
        await tx.run(
          `INSERT INTO observation_revisions (${KEY.join(',')}, revision, ${VALUE_COLUMNS.join(',')}, import_id, valid_until, replaced_by_import_id, deleted)
           SELECT ${KEY.map((k) => `o.${k}`).join(',')}, o.revision, ${VALUE_COLUMNS.map((c) => `o.${c}`).join(',')}, o.import_id, ?, ?, 0
           FROM observations o JOIN import_stage s ON ${keyJoin('o', 's')} WHERE o.import_id <> ? AND ${differs(tx, 'o', 's')}`,
          [now, importId, importId],
        );
        const updated = await tx.run(
          `UPDATE observations SET ${VALUE_COLUMNS.map((c) => `${c} = s.${c}`).join(', ')},
             revision = observations.revision + 1, import_id = ?, updated_at = ?
           FROM import_stage s WHERE ${keyJoin('observations', 's')} AND observations.import_id <> ? AND ${differs(tx, 'observations', 's')}`,
          [importId, now, importId],
        );
        const inserted = await tx.run(
          `INSERT INTO observations (${KEY.join(',')}, ${VALUE_COLUMNS.join(',')}, revision, import_id, updated_at)
           SELECT ${KEY.join(',')}, ${VALUE_COLUMNS.join(',')}, 1, ?, ? FROM import_stage WHERE true ON CONFLICT DO NOTHING`,
          [importId, now],
        );
        counts.updated += updated;
        counts.inserted += inserted;
        counts.unchanged += staged - (counts.duplicates - before) - updated - inserted;
      }
    } else {
      if (chunks > 0) await resolveDuplicatesAcrossChunks('staged_observations', 'o.import_id = ?');
      if (conflicts.length === 0) {
        await tx.run(
          `INSERT INTO staged_observations (import_id, ${KEY.join(',')}, ${VALUE_COLUMNS.join(',')}, source_line)
           SELECT ?, ${KEY.join(',')}, ${VALUE_COLUMNS.join(',')}, line FROM import_stage WHERE true ON CONFLICT DO NOTHING`,
          [importId],
        );
      }
    }
    await tx.run('DELETE FROM import_stage');
    staged = 0;
    chunks++;
    touchesExisting = opts.metricsWithData === undefined;
  }

  return {
    conflicts,
    async add(r) {
      if (!touchesExisting && opts.metricsWithData!.has(r.metricId)) touchesExisting = true;
      if (insertStage) {
        insertStage.run(r.metricId, r.periodId, r.areaId, r.value, r.status, r.lci, r.uci, r.ciLevel, r.numerator, r.denominator, r.note, r.fileNo, r.line);
      } else {
        cores.push(
          `${r.metricId}\t${r.periodId}\t${r.areaId}\t${copyField(r.value)}\t${copyField(r.status)}\t${copyField(r.lci)}\t${copyField(r.uci)}\t${copyField(r.ciLevel)}\t${copyField(r.numerator)}\t${copyField(r.denominator)}\t${copyField(r.note)}`,
        );
        locations.push(`\t${r.fileNo}\t${r.line}\n`);
      }
      staged++;
      if (staged >= chunkSize) await mergeChunk();
    },
    async loadDraft(draftImportId) {
      staged += await tx.run(
        `INSERT INTO import_stage (${STAGE_COLUMNS.join(',')})
         SELECT ${KEY.join(',')}, ${VALUE_COLUMNS.join(',')}, 0, coalesce(source_line, 0) FROM staged_observations WHERE import_id = ?`,
        [draftImportId],
      );
    },
    async finish() {
      await mergeChunk();
      if (opts.mode === 'draft' && conflicts.length === 0) {
        const [d] = await tx.all<{ total: number; fresh: number | null; changed: number | null }>(
          `SELECT count(*) AS total,
             sum(CASE WHEN o.metric_id IS NULL THEN 1 ELSE 0 END) AS fresh,
             sum(CASE WHEN o.metric_id IS NOT NULL AND ${differs(tx, 'o', 's')} THEN 1 ELSE 0 END) AS changed
           FROM staged_observations s LEFT JOIN observations o ON ${keyJoin('o', 's')} WHERE s.import_id = ?`,
          [importId],
        );
        counts.inserted = Number(d?.fresh ?? 0);
        counts.updated = Number(d?.changed ?? 0);
        counts.unchanged = Number(d?.total ?? 0) - counts.inserted - counts.updated;
      }
      return counts;
    },
  };
}

/** Publishes a draft: replays its staged rows through the same merge, then removes them. */
export async function publishStaged(tx: Tx, importId: number, now: string): Promise<WriterCounts> {
  const writer = await createObservationWriter(tx, { importId, now, mode: 'publish', chunkSize: Number.MAX_SAFE_INTEGER });
  await writer.loadDraft(importId);
  const counts = await writer.finish();
  await tx.run('DELETE FROM staged_observations WHERE import_id = ?', [importId]);
  return counts;
}
