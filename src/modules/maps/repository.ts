import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db.ts';

/** Anything with a Kysely handle: the Db, or a Tx (whose handle is bound to its transaction). */
type Handle = { kysely: Kysely<Database> };

export interface BoundaryRow {
  code: string;
  name: string;
  geometry: string;
}

/** A stored shape with the boundary years it is in force in. */
export interface ShapeRow extends BoundaryRow {
  layer: string;
  year_from: number;
  year_to: number;
  source: string | null;
  import_id: number | null;
  updated_at: string;
}

export interface LayerRow {
  layer: string;
  year: number;
  features: number;
  updatedAt: string;
}

const INSERT_BATCH = 100;

/** The shapes of one layer in force in one year. */
const inYear = (h: Handle, layer: string, year: number) =>
  h.kysely
    .selectFrom('boundary_shapes')
    .where('layer', '=', layer)
    .where('year_from', '<=', year)
    .where('year_to', '>=', year);

/** All SQL of the maps module. */
export const mapsRepository = {
  async listLayer(h: Handle, layer: string, year: number): Promise<BoundaryRow[]> {
    return inYear(h, layer, year).select(['code', 'name', 'geometry']).orderBy('code').execute();
  },

  /** Every shape of a layer over all its years, by code and first year. */
  async listShapes(h: Handle, layer: string): Promise<ShapeRow[]> {
    const rows = await h.kysely
      .selectFrom('boundary_shapes')
      .selectAll()
      .where('layer', '=', layer)
      .orderBy('code')
      .orderBy('year_from')
      .execute();
    return rows.map((r) => ({ ...r, year_from: Number(r.year_from), year_to: Number(r.year_to) }));
  },

  /** The boundary years stored for one layer, earliest first. */
  async layerYears(h: Handle, layer: string): Promise<number[]> {
    const rows = await h.kysely
      .selectFrom('boundary_shapes')
      .select(['year_from', 'year_to'])
      .distinct()
      .where('layer', '=', layer)
      .execute();
    const years = new Set<number>();
    for (const r of rows) for (let y = Number(r.year_from); y <= Number(r.year_to); y++) years.add(y);
    return [...years].sort((a, b) => a - b);
  },

  /** The codes stored for one layer and year, without their shapes. */
  async layerCodes(h: Handle, layer: string, year: number): Promise<string[]> {
    return (await inYear(h, layer, year).select('code').execute()).map((r) => r.code);
  },

  /**
   * A cheap fingerprint of one layer and year (count, latest import and change), to know when a cached copy is stale.
   */
  async layerStamp(h: Handle, layer: string, year: number): Promise<string> {
    const r = await inYear(h, layer, year)
      .select((e) => [
        e.fn.countAll<number>().as('n'),
        e.fn.max('import_id').as('imp'),
        e.fn.max('updated_at').as('at'),
      ])
      .executeTakeFirst();
    return `${Number(r?.n ?? 0)}|${r?.imp ?? ''}|${r?.at ?? ''}`;
  },

  /** Every layer and year stored, with its number of areas and latest change. */
  async listLayers(h: Handle): Promise<LayerRow[]> {
    const rows = await h.kysely
      .selectFrom('boundary_shapes')
      .select(['layer', 'year_from', 'year_to', 'updated_at'])
      .execute();
    const byYear = new Map<string, LayerRow>();
    for (const r of rows)
      for (let year = Number(r.year_from); year <= Number(r.year_to); year++) {
        const key = `${r.layer}/${year}`;
        const l = byYear.get(key) ?? { layer: r.layer, year, features: 0, updatedAt: r.updated_at };
        l.features++;
        if (r.updated_at > l.updatedAt) l.updatedAt = r.updated_at;
        byYear.set(key, l);
      }
    return [...byYear.values()].sort((a, b) => a.layer.localeCompare(b.layer) || a.year - b.year);
  },

  async insertShapes(h: Handle, rows: ShapeRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      await h.kysely
        .insertInto('boundary_shapes')
        .values(rows.slice(i, i + INSERT_BATCH))
        .execute();
    }
  },

  async deleteShapes(h: Handle, layer: string, codes: string[]): Promise<void> {
    for (let i = 0; i < codes.length; i += INSERT_BATCH) {
      await h.kysely
        .deleteFrom('boundary_shapes')
        .where('layer', '=', layer)
        .where('code', 'in', codes.slice(i, i + INSERT_BATCH))
        .execute();
    }
  },
};
