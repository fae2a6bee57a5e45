/**
 * The grid read: every planned metric × council × period of the windows (each council's figure by the areas module's
 * figure-source rule, through the observations module), in one query, indexed by numbers (no string
 * keys); on PostgreSQL a large grid is read in parts side by side, each handed on as it arrives.
 */
import type { FigureRow, ObservationsService } from '../observations/index.ts';
import type { Planned } from './periods.ts';

export type GridRow = FigureRow;
/** Observations by metric, then by period and area in one number (period × AREA_SLOTS + area). */
type GridIndex = Map<number, Map<number, GridRow>>;
const AREA_SLOTS = 1 << 20;
/**
 * Parts a large grid is read in on PostgreSQL (measured on 2 cores, 60 metrics × 17 areas × 5 periods: 6.4 ms in one,
 * 4.8 in four).
 */
const GRID_PARTS = 4;

/** One metric's observation of an area in a period, if there is one. */
export type Cells = (areaId: number, periodId: number) => GridRow | undefined;

function gridIndex(rows: GridRow[]): GridIndex {
  const out: GridIndex = new Map();
  for (const r of rows) {
    let cells = out.get(r.metric_id);
    if (!cells) out.set(r.metric_id, (cells = new Map()));
    cells.set(r.period_id * AREA_SLOTS + r.area_id, r);
  }
  return out;
}

const cellsOf = (index: GridIndex, metricId: number): Cells => {
  const cells = index.get(metricId);
  return (areaId, periodId) => cells?.get(periodId * AREA_SLOTS + areaId);
};

/** Each metric's cells, by metric id. */
export type CellsOf = (metricId: number) => Cells;

/** Figures already read (observations.figures), indexed for comparisons: a caller may keep it and hand it back. */
export function gridCells(rows: GridRow[]): CellsOf {
  const index = gridIndex(rows);
  return (metricId) => cellsOf(index, metricId);
}

/**
 * Where a comparison's cells come from instead of a read of its own: the planned metrics (each with its window) for
 * these areas. The value-for-money profile hands in the figures of every council of the type, kept while no import
 * changes them (every figure by the same rule, so the answer is the one a read would give).
 */
export type GridSource = (planned: Planned[], areaIds: number[]) => Promise<CellsOf>;

/**
 * Reads the observations of the planned metrics for these areas over each metric's window and hands every metric its
 * cells. On PostgreSQL a large grid is read in parts side by side (each part's cells are an index descent apiece, and
 * the server has more than one core), each part handed on as it arrives while the others are still being read.
 */
export async function readGrid(
  observations: ObservationsService,
  opts: { pool: boolean; windowSize: number },
  planned: Planned[],
  areaIds: number[],
  each: (p: Planned, cells: Cells) => void,
  source?: GridSource,
): Promise<void> {
  if (source) {
    const cells = await source(planned, areaIds);
    for (const p of planned) each(p, cells(p.m.id));
    return;
  }
  const big = planned.length >= 8 && planned.length * areaIds.length * opts.windowSize > 2000;
  const parts = opts.pool && big ? GRID_PARTS : 1;
  await Promise.all(
    Array.from({ length: parts }, async (_, k) => {
      const from = Math.floor((k * planned.length) / parts);
      const part = planned.slice(from, Math.floor(((k + 1) * planned.length) / parts));
      const periods = new Map(part.flatMap((p) => p.window.map((w) => [w.id, w] as const)));
      const index = gridIndex(
        await observations.figures(
          part.map((p) => p.m),
          [...periods.values()],
          areaIds,
        ),
      );
      for (const p of part) each(p, cellsOf(index, p.m.id));
    }),
  );
}
