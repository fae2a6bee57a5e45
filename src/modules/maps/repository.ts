import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db.ts';

/** Anything with a Kysely handle: the Db, or a Tx (whose handle is bound to its transaction). */
type Handle = { kysely: Kysely<Database> };

export interface BoundaryRow {
  code: string;
  name: string;
  geometry: string;
}

export interface NewBoundaryRow extends BoundaryRow {
  layer: string;
  year: number;
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

/** All SQL of the maps module. */
export const mapsRepository = {
  async listLayer(h: Handle, layer: string, year: number): Promise<BoundaryRow[]> {
    return h.kysely
      .selectFrom('area_boundaries')
      .select(['code', 'name', 'geometry'])
      .where('layer', '=', layer)
      .where('year', '=', year)
      .orderBy('code')
      .execute();
  },

  /**
   * A cheap fingerprint of one layer and year (count, latest import and change), to know when a cached copy is stale.
   */
  async layerStamp(h: Handle, layer: string, year: number): Promise<string> {
    const r = await h.kysely
      .selectFrom('area_boundaries')
      .select((e) => [
        e.fn.countAll<number>().as('n'),
        e.fn.max('import_id').as('imp'),
        e.fn.max('updated_at').as('at'),
      ])
      .where('layer', '=', layer)
      .where('year', '=', year)
      .executeTakeFirst();
    return `${Number(r?.n ?? 0)}|${r?.imp ?? ''}|${r?.at ?? ''}`;
  },

  async listLayers(h: Handle): Promise<LayerRow[]> {
    const rows = await h.kysely
      .selectFrom('area_boundaries')
      .select((e) => ['layer', 'year', e.fn.countAll<number>().as('n'), e.fn.max('updated_at').as('at')])
      .groupBy(['layer', 'year'])
      .orderBy('layer')
      .orderBy('year')
      .execute();
    return rows.map((r) => ({ layer: r.layer, year: Number(r.year), features: Number(r.n), updatedAt: String(r.at) }));
  },

  async insertBoundaries(h: Handle, rows: NewBoundaryRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      await h.kysely
        .insertInto('area_boundaries')
        .values(rows.slice(i, i + INSERT_BATCH))
        .execute();
    }
  },

  async updateBoundary(h: Handle, row: NewBoundaryRow): Promise<void> {
    await h.kysely
      .updateTable('area_boundaries')
      .set({
        name: row.name,
        geometry: row.geometry,
        source: row.source,
        import_id: row.import_id,
        updated_at: row.updated_at,
      })
      .where('layer', '=', row.layer)
      .where('year', '=', row.year)
      .where('code', '=', row.code)
      .execute();
  },
};
