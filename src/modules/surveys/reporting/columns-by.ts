/** Table columns: everyone, then one column per value of the breakdown (waves in order, or a respondent column). */
import type { ResponseData } from './responses.ts';

export interface TableColumn {
  key: string;
  label: string;
  kind: 'total' | 'group';
  /** Respondents in the column (indices), those with a zero weight left out. */
  members: Int32Array;
}

const natural = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export interface ColumnSet {
  columns: TableColumn[];
  /**
   * For each respondent, the index of their breakdown column (-1 none: only in the total; -2 left out: zero weight).
   */
  groupOf: Int16Array;
}

/** `order` lists breakdown values in the order wanted (e.g. waves by date); others follow in natural order. */
export function columnsFor(data: ResponseData, by: string | null, order: readonly string[] = []): ColumnSet {
  const keep = (i: number) => !data.weights || data.weights[i]! > 0;
  const all: number[] = [];
  const groups = new Map<string, number[]>();
  for (let i = 0; i < data.n; i++) {
    if (!keep(i)) continue;
    all.push(i);
    if (data.by) {
      const v = data.by[i]!;
      if (v === '') continue;
      let g = groups.get(v);
      if (!g) groups.set(v, (g = []));
      g.push(i);
    }
  }
  const cols: TableColumn[] = [
    { key: 'total', label: by ? 'All respondents' : 'Total', kind: 'total', members: Int32Array.from(all) },
  ];
  const groupOf = new Int16Array(data.n).fill(-1);
  for (let i = 0; i < data.n; i++) if (!keep(i)) groupOf[i] = -2;
  const rank = (v: string) => {
    const i = order.indexOf(v);
    return i < 0 ? order.length : i;
  };
  for (const key of [...groups.keys()].sort((a, b) => rank(a) - rank(b) || natural.compare(a, b))) {
    const members = Int32Array.from(groups.get(key)!);
    for (const i of members) groupOf[i] = cols.length;
    cols.push({ key: `${by}:${key}`, label: key, kind: 'group', members });
  }
  return { columns: cols, groupOf };
}

/**
 * Respondents present in both columns, matched by respondent id: pairs of indices (first column, second column),
 * flattened. Used to tell a panel (the same people in two waves) from independent samples.
 */
export function matchedPairs(a: TableColumn, b: TableColumn, ids: string[]): Int32Array {
  const byId = new Map<string, number>();
  for (const i of a.members) if (ids[i]) byId.set(ids[i]!, i);
  const out: number[] = [];
  for (const j of b.members) {
    const i = ids[j] ? byId.get(ids[j]!) : undefined;
    if (i !== undefined) out.push(i, j);
  }
  return Int32Array.from(out);
}

/**
 * Which columns are compared: for waves, each wave against the first and against the one before (a series);
 * for any other breakdown, every pair of groups. Indices into the columns (the total is never compared).
 */
export function pairsFor(columns: TableColumn[], waves: boolean): Array<[number, number]> {
  const groups = columns.flatMap((c, k) => (c.kind === 'group' ? [k] : []));
  const out: Array<[number, number]> = [];
  const seen = new Set<string>();
  const add = (a: number, b: number) => {
    const key = `${a}-${b}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push([a, b]);
    }
  };
  if (waves) {
    for (let j = 1; j < groups.length; j++) {
      add(groups[0]!, groups[j]!);
      add(groups[j - 1]!, groups[j]!);
    }
  } else {
    for (let a = 0; a < groups.length; a++) for (let b = a + 1; b < groups.length; b++) add(groups[a]!, groups[b]!);
  }
  return out;
}

/** Kish effective base from the sum of weights and the sum of squared weights. */
export const kishBase = (sumW: number, sumW2: number) => (sumW2 > 0 ? (sumW * sumW) / sumW2 : 0);
