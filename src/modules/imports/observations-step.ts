import type { Tx } from '../../platform/transaction.ts';
import { statusToText, type Period } from '../observations/index.ts';
import type { ObservationRecord } from './adapter.ts';
import type { ImportCatalogue } from './catalogue.ts';
import { checkObservation } from './observation-checks.ts';
import type { Problems } from './problems.ts';
import { importsRepository as repo, type AreaRef, type StoredMetric } from './repository.ts';
import type { ObservationWriter, StageRow } from './writer.ts';

export interface ObservationCounts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  rejected: number;
  /** Published rows in the import's scope it no longer holds, withdrawn with --withdraw-missing. */
  withdrawn: number;
}

function stageRow(o: ObservationRecord, m: StoredMetric, a: AreaRef, periodId: number, fileNo: number): StageRow {
  return {
    metricId: m.id,
    periodId,
    areaId: a.id,
    value: o.value,
    status: o.status.length === 0 ? '' : statusToText(o.status),
    lci: o.lci ?? null,
    uci: o.uci ?? null,
    ciLevel: o.ciLevel ?? (o.lci != null || o.uci != null ? 95 : null),
    numerator: o.numerator ?? null,
    denominator: o.denominator ?? null,
    note: o.note ?? null,
    fileNo,
    line: o.at.line,
  };
}

/**
 * The observations of an import (the hot path: one call a row): each is checked and, while no problem has been
 * found in the import, handed to the writer with its ids resolved (a new period is stored on first sight). After
 * the first problem nothing more is written, but checking goes on so that every problem is listed.
 */
export function createObservationStep(
  tx: Tx,
  ctx: { catalogue: ImportCatalogue; writer: ObservationWriter; problems: Problems; counts: ObservationCounts },
) {
  const { catalogue, writer, problems, counts } = ctx;
  /** Rows handed to the writer, by metric id (the per-import counts of each metric are derived from them). */
  const rowsRead = new Map<number, number>();
  // Files as the adapter names them in locations, numbered for the staging table.
  const fileNames: string[] = [];
  const fileNo = new Map<string, number>();
  const fileIndex = (name: string) => {
    let n = fileNo.get(name);
    if (n === undefined) fileNo.set(name, (n = fileNames.push(name) - 1));
    return n;
  };

  async function storePeriod(period: Period): Promise<number> {
    const id = await repo.insertPeriod(tx, period);
    catalogue.periods.set(period.iso, id);
    return id;
  }

  /** One row; a promise only when it has to wait (a new period stored, a chunk merged). */
  function onObservation(o: ObservationRecord): Promise<void> | undefined {
    counts.read++;
    const before = problems.count;
    const m = catalogue.metrics.get(o.metric);
    const a = catalogue.areas.get(o.area);
    checkObservation(o, m, a, catalogue, problems.report);
    if (problems.count > before) {
      counts.rejected++;
      return;
    }
    if (problems.count > 0) return; // keep validating, stop writing
    // Without a problem both were found.
    const period = catalogue.periods.get(o.period.iso);
    if (period === undefined) return storePeriod(o.period).then((id) => write(o, m!, a!, id));
    return write(o, m!, a!, period);
  }

  function write(o: ObservationRecord, m: StoredMetric, a: AreaRef, period: number): Promise<void> | undefined {
    rowsRead.set(m.id, (rowsRead.get(m.id) ?? 0) + 1);
    return writer.add(stageRow(o, m, a, period, fileIndex(o.at.file)));
  }

  return { onObservation, rowsRead, fileName: (n: number) => fileNames[n] ?? '?' };
}
