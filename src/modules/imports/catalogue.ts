import type { Tx } from '../../platform/transaction.ts';
import { importsRepository as repo, type AreaRef, type StoredMetric } from './repository.ts';

/**
 * What an import checks rows against, read once inside its transaction and kept current as the import writes:
 * new metrics and periods are added, and the areas are read again after a geography bundle is applied.
 */
export interface ImportCatalogue {
  areas: Map<string, AreaRef>;
  metrics: Map<string, StoredMetric>;
  /** Period ids by ISO interval. */
  periods: Map<string, number>;
  /** Each metric's applicable area types, parsed when first needed and dropped when this import changes the metric. */
  applicability: Map<number, string[]>;
}

export async function loadCatalogue(tx: Tx): Promise<ImportCatalogue> {
  const areas = await repo.loadAreas(tx);
  const metrics = await repo.loadMetrics(tx);
  const periods = await repo.loadPeriods(tx);
  return { areas, metrics, periods, applicability: new Map() };
}
