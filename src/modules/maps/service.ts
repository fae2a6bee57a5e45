import type { Db } from '../../platform/db.ts';
import type { Tx } from '../../platform/transaction.ts';
import type { BoundaryBundle } from './bundle.ts';
import {
  asAreaGeometry,
  geometryText,
  isBoundaryLayer,
  roundGeometry,
  type AreaGeometry,
  type BoundaryFeature,
} from './geometry.ts';
import { mapsRepository as repo, type NewBoundaryRow } from './repository.ts';

export interface BoundaryCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Stores one layer and year of boundaries inside an import's transaction: new areas are inserted, changed names or
 * shapes updated, identical ones left alone (and counted as unchanged). Coordinates are rounded to 4 decimal places.
 * Areas already stored for the layer and year but absent from the bundle are kept.
 */
export async function applyBoundaries(
  tx: Tx,
  bundle: BoundaryBundle,
  ctx: { importId: number; now: string },
): Promise<BoundaryCounts> {
  if (!isBoundaryLayer(bundle.layer)) throw new TypeError(`unknown boundary layer "${bundle.layer}"`);
  const stored = new Map((await repo.listLayer(tx, bundle.layer, bundle.year)).map((r) => [r.code, r]));
  const counts: BoundaryCounts = { created: 0, updated: 0, unchanged: 0 };
  const inserts: NewBoundaryRow[] = [];
  for (const f of bundle.features) {
    const geometry = geometryText(roundGeometry(asAreaGeometry(f.geometry)));
    const row: NewBoundaryRow = {
      layer: bundle.layer,
      year: bundle.year,
      code: f.code,
      name: f.name,
      geometry,
      source: bundle.source,
      import_id: ctx.importId,
      updated_at: ctx.now,
    };
    const before = stored.get(f.code);
    if (!before) {
      inserts.push(row);
      counts.created++;
    } else if (before.geometry === geometry && before.name === f.name) {
      counts.unchanged++;
    } else {
      await repo.updateBoundary(tx, row);
      counts.updated++;
    }
  }
  await repo.insertBoundaries(tx, inserts);
  return counts;
}

export interface BoundaryLayerInfo {
  layer: string;
  year: number;
  features: number;
  updatedAt: string;
}

export interface MapsService {
  /**
   * The boundaries of one layer and year, in code order; empty when none are stored. Parsed shapes are cached in memory
   * and shared: do not change them.
   */
  getBoundaries(layer: string, year: number): Promise<readonly BoundaryFeature[]>;
  /** Every layer and year stored, with its number of areas. */
  availableLayers(): Promise<BoundaryLayerInfo[]>;
  /**
   * The boundary year to draw a period with: the latest stored year not after `year`, else the earliest; undefined when
   * the layer has none.
   */
  boundaryYear(layer: string, year: number): Promise<number | undefined>;
}

export function createMapsService(db: Db): MapsService {
  // Parsed geometries per layer and year, with the fingerprint they were read at: a later import (from this process
  // or the CLI) changes the fingerprint and the layer is read again.
  const cache = new Map<string, { stamp: string; features: readonly BoundaryFeature[] }>();
  return {
    async getBoundaries(layer, year) {
      const key = `${layer}/${year}`;
      const stamp = await repo.layerStamp(db, layer, year);
      const hit = cache.get(key);
      if (hit && hit.stamp === stamp) return hit.features;
      const rows = await repo.listLayer(db, layer, year);
      const features = Object.freeze(
        rows.map((r) => ({ code: r.code, name: r.name, geometry: JSON.parse(r.geometry) as AreaGeometry })),
      );
      cache.set(key, { stamp, features });
      return features;
    },
    availableLayers: () => repo.listLayers(db),
    async boundaryYear(layer, year) {
      const years = (await repo.listLayers(db)).filter((l) => l.layer === layer).map((l) => l.year);
      if (years.length === 0) return undefined;
      const before = years.filter((y) => y <= year);
      return before.length > 0 ? Math.max(...before) : Math.min(...years);
    },
  };
}
