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
  type BoundaryLayer,
} from './geometry.ts';
import { mapsRepository as repo, type ShapeRow } from './repository.ts';
import { alreadyHas, overlapsAny, putRange, type ShapeRange } from './ranges.ts';
import { projectBoundaries, type ProjectedPaths } from './choropleth.ts';
import { chooseVintage, vintageCaption, vintageCandidates } from './vintage.ts';

export interface BoundaryCounts {
  created: number;
  updated: number;
  unchanged: number;
}

type StoredMeta = Pick<ShapeRow, 'source' | 'import_id' | 'updated_at'>;

/**
 * Stores a layer's boundaries inside an import's transaction. Each feature's shape is put over its years: a feature
 * whose code has nothing stored in those years is counted created, one whose years already have this name and shape
 * unchanged, and any other updated. Each distinct shape is kept once with the years it is in force in (see ranges.ts).
 * Coordinates are rounded to 4 decimal places. Areas and years stored but absent from the bundle are kept.
 */
export async function applyBoundaries(
  tx: Tx,
  bundle: BoundaryBundle,
  ctx: { importId: number; now: string },
): Promise<BoundaryCounts> {
  if (!isBoundaryLayer(bundle.layer)) throw new TypeError(`unknown boundary layer "${bundle.layer}"`);
  const stored = new Map<string, ShapeRange<StoredMeta>[]>();
  for (const r of await repo.listShapes(tx, bundle.layer)) {
    const list = stored.get(r.code) ?? [];
    const meta = { source: r.source, import_id: r.import_id, updated_at: r.updated_at };
    list.push({ from: r.year_from, to: r.year_to, name: r.name, geometry: r.geometry, meta });
    stored.set(r.code, list);
  }
  const counts: BoundaryCounts = { created: 0, updated: 0, unchanged: 0 };
  const meta: StoredMeta = { source: bundle.source, import_id: ctx.importId, updated_at: ctx.now };
  const changed = new Set<string>();
  for (const f of bundle.features) {
    if (!Number.isInteger(f.from) || !Number.isInteger(f.to) || f.from > f.to)
      throw new TypeError(`${f.code}: the years ${f.from} to ${f.to} are not a range of years`);
    const geometry = geometryText(roundGeometry(asAreaGeometry(f.geometry)));
    const range = { from: f.from, to: f.to, name: f.name, geometry, meta };
    const before = stored.get(f.code) ?? [];
    if (alreadyHas(before, range)) {
      counts.unchanged++;
      continue;
    }
    if (overlapsAny(before, range)) counts.updated++;
    else counts.created++;
    stored.set(f.code, putRange(before, range));
    changed.add(f.code);
  }
  // Each changed code's ranges are written again whole (a handful of rows per code).
  const codes = [...changed].sort();
  await repo.deleteShapes(tx, bundle.layer, codes);
  await repo.insertShapes(
    tx,
    codes.flatMap((code) =>
      stored.get(code)!.map((r) => ({
        layer: bundle.layer,
        code,
        year_from: r.from,
        year_to: r.to,
        name: r.name,
        geometry: r.geometry,
        ...r.meta,
      })),
    ),
  );
  return counts;
}

export interface BoundaryLayerInfo {
  layer: string;
  year: number;
  features: number;
  updatedAt: string;
}

/** The boundaries a period's map is drawn on (see vintage.ts for the rule). */
export interface PeriodBoundaries {
  layer: BoundaryLayer;
  /** The stored boundary year drawn. */
  year: number;
  /**
   * The vintage in force on the period's first day. `year` differs when that vintage is not stored, or when the period
   * ran across a reorganisation and its figures are for the later councils.
   */
  wanted: number;
  /** Whether boundaries of the `wanted` vintage are stored. */
  wantedStored: boolean;
  features: readonly BoundaryFeature[];
  /** The features projected for a map (renderChoropleth's `projected`), kept until the boundaries change. */
  paths: ProjectedPaths;
  /** For the map's key: "Boundaries: local authority districts as at April 2023". */
  caption: string;
  /** Codes with a figure that these boundaries do not have (their councils are in the table only). */
  notDrawn: string[];
}

export interface MapsService {
  /**
   * The boundaries of one layer and year, in code order; empty when none are stored. Parsed shapes are cached in memory
   * and shared: do not change them.
   */
  getBoundaries(layer: string, year: number): Promise<readonly BoundaryFeature[]>;
  /**
   * The boundaries of one layer and year projected for a map (no backdrop), in getBoundaries' order. Projected once
   * and kept with the parsed shapes, under the same stamp: an import that changes the boundaries projects them again.
   */
  projectedBoundaries(layer: string, year: number): Promise<ProjectedPaths>;
  /** Every layer and year stored, with its number of areas. */
  availableLayers(): Promise<BoundaryLayerInfo[]>;
  /**
   * The boundaries to draw a period's map on: the vintage in force on the period's first day, or, for a period that
   * ran across a reorganisation, the later vintage when it draws more of the councils with a figure (`withFigures`,
   * GSS codes). Undefined when the layer has no boundaries stored. Every map of a period picks its boundaries here.
   */
  boundariesForPeriod(
    layer: BoundaryLayer,
    period: { start: string; end: string },
    withFigures: Iterable<string>,
  ): Promise<PeriodBoundaries | undefined>;
}

export function createMapsService(db: Db): MapsService {
  // Parsed geometries per layer and year, with the fingerprint they were read at: a later import (from this process
  // or the CLI) changes the fingerprint and the layer is read again.
  // The projected paths (the costly part of a map: most of a metric page's time) are kept in the same entry, so they
  // are projected again exactly when the shapes are read again.
  type Entry = { stamp: string; features: readonly BoundaryFeature[]; paths?: ProjectedPaths };
  const cache = new Map<string, Entry>();
  const entry = async (layer: string, year: number): Promise<Entry> => {
    const key = `${layer}/${year}`;
    const stamp = await repo.layerStamp(db, layer, year);
    const hit = cache.get(key);
    if (hit && hit.stamp === stamp) return hit;
    const rows = await repo.listLayer(db, layer, year);
    const features = Object.freeze(
      rows.map((r) => ({ code: r.code, name: r.name, geometry: JSON.parse(r.geometry) as AreaGeometry })),
    );
    const fresh: Entry = { stamp, features };
    cache.set(key, fresh);
    return fresh;
  };
  const getBoundaries = async (layer: string, year: number) => (await entry(layer, year)).features;
  const projectedBoundaries = async (layer: string, year: number): Promise<ProjectedPaths> => {
    const e = await entry(layer, year);
    e.paths ??= Object.freeze(projectBoundaries(e.features));
    return e.paths;
  };
  return {
    getBoundaries,
    projectedBoundaries,
    availableLayers: () => repo.listLayers(db),
    async boundariesForPeriod(layer, period, withFigures) {
      const figures = new Set(withFigures);
      const stored = await repo.layerYears(db, layer);
      const { wanted, years } = vintageCandidates(period, stored);
      if (years.length === 0) return undefined;
      // A period within one vintage has one candidate; one across a reorganisation is weighed by the figures.
      const drawn: number[] = [];
      if (years.length > 1)
        for (const y of years) drawn.push((await repo.layerCodes(db, layer, y)).filter((c) => figures.has(c)).length);
      const year = chooseVintage(years, drawn)!;
      const e = await entry(layer, year);
      const features = e.features;
      e.paths ??= Object.freeze(projectBoundaries(features));
      const have = new Set(features.map((f) => f.code));
      return {
        layer,
        year,
        wanted,
        wantedStored: stored.includes(wanted),
        features,
        paths: e.paths,
        caption: vintageCaption(layer, year),
        notDrawn: [...figures].filter((c) => !have.has(c)).sort(),
      };
    },
  };
}
