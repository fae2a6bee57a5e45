/**
 * A code's shapes over the boundary years as a list of ranges that never overlap: putting a shape over some years
 * replaces what was there for those years (splitting a range it falls inside) and joins it with a neighbouring range
 * of the same name and shape, so each distinct shape is kept once for as long as it lasts.
 */
export interface ShapeRange<M> {
  from: number;
  to: number;
  name: string;
  /** The geometry as stored text (compared as text). */
  geometry: string;
  /** What is stored beside the shape (its source and import): kept with the shape when a range is cut. */
  meta: M;
}

const sameShape = <M>(a: ShapeRange<M>, b: ShapeRange<M>) => a.name === b.name && a.geometry === b.geometry;

/** The ranges with `r` put over its years, in year order. */
export function putRange<M>(ranges: readonly ShapeRange<M>[], r: ShapeRange<M>): ShapeRange<M>[] {
  const out: ShapeRange<M>[] = [];
  for (const s of ranges) {
    if (s.to < r.from || s.from > r.to) out.push(s);
    else {
      if (s.from < r.from) out.push({ ...s, to: r.from - 1 });
      if (s.to > r.to) out.push({ ...s, from: r.to + 1 });
    }
  }
  out.push(r);
  out.sort((a, b) => a.from - b.from);
  const joined: ShapeRange<M>[] = [];
  for (const s of out) {
    const last = joined.at(-1);
    if (last && last.to + 1 === s.from && sameShape(last, s)) {
      // The range that keeps the shape's earlier years is extended; the one put takes precedence for its metadata.
      joined[joined.length - 1] = { ...(s === r ? r : last), from: last.from, to: s.to };
    } else joined.push(s);
  }
  return joined;
}

/** Whether the ranges already give `r`'s name and shape for every one of its years. */
export function alreadyHas<M>(ranges: readonly ShapeRange<M>[], r: ShapeRange<M>): boolean {
  for (let y = r.from; y <= r.to; y++)
    if (!ranges.some((s) => s.from <= y && y <= s.to && sameShape(s, r))) return false;
  return true;
}

/** Whether any of the ranges covers one of `r`'s years. */
export const overlapsAny = <M>(ranges: readonly ShapeRange<M>[], r: { from: number; to: number }): boolean =>
  ranges.some((s) => s.from <= r.to && r.from <= s.to);
