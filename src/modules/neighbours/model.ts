/**
 * Our open nearest-neighbours model, the arithmetic only: each variable is transformed (log for sizes), standardised to
 * z-scores over the councils of a tier, weighted, and councils are compared by Euclidean distance. For any pair the
 * distance splits exactly into each variable's contribution, so "why are these two neighbours" has a plain answer.
 */

export interface ModelVariable {
  id: string;
  label: string;
  /** log: natural log before standardising (population, density), none: as it is. */
  transform: 'log' | 'none';
  /** Published default weight; a user may re-weight for their own analysis. */
  weight: number;
  /** How the value is obtained from the data service (metric codes, periods, arithmetic). */
  source: string;
}

export interface ModelCouncil {
  code: string;
  name: string;
  type: string;
  /** Raw (untransformed) values by variable id. */
  values: Record<string, number>;
}

export interface Scaling {
  mean: number;
  sd: number;
}

export interface Neighbour {
  code: string;
  name: string;
  type: string;
  rank: number;
  distance: number;
  /** Each variable's part of the squared distance (weight × difference in z²), and its share of the whole. */
  contributions: { variable: string; ownZ: number; neighbourZ: number; contribution: number; share: number }[];
}

const transformed = (v: ModelVariable, x: number) => (v.transform === 'log' ? Math.log(x) : x);

/** Mean and (population) standard deviation of each variable after its transform, over the given councils. */
export function scalings(variables: ModelVariable[], councils: ModelCouncil[]): Record<string, Scaling> {
  const out: Record<string, Scaling> = {};
  for (const v of variables) {
    const xs = councils.map((c) => transformed(v, c.values[v.id]!));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    out[v.id] = { mean, sd: sd > 0 ? sd : 1 };
  }
  return out;
}

export const zScore = (v: ModelVariable, s: Scaling, x: number) => (transformed(v, x) - s.mean) / s.sd;

/**
 * The k councils nearest to `owner` among `councils` (the owner itself left out), with weights that may differ from the
 * published ones. Ties in distance are broken by code so the list is reproducible.
 */
export function nearestNeighbours(
  owner: ModelCouncil,
  councils: ModelCouncil[],
  variables: ModelVariable[],
  scaling: Record<string, Scaling>,
  k: number,
  weights?: Record<string, number>,
): Neighbour[] {
  const w = (v: ModelVariable) => weights?.[v.id] ?? v.weight;
  const z = (c: ModelCouncil) => variables.map((v) => zScore(v, scaling[v.id]!, c.values[v.id]!));
  const own = z(owner);
  const scored = councils
    .filter((c) => c.code !== owner.code)
    .map((c) => {
      const theirs = z(c);
      const parts = variables.map((v, i) => w(v) * (own[i]! - theirs[i]!) ** 2);
      const total = parts.reduce((s, x) => s + x, 0);
      return { c, theirs, parts, total };
    })
    .sort((a, b) => a.total - b.total || a.c.code.localeCompare(b.c.code))
    .slice(0, k);
  return scored.map(({ c, theirs, parts, total }, i) => ({
    code: c.code,
    name: c.name,
    type: c.type,
    rank: i + 1,
    distance: Math.sqrt(total),
    contributions: variables.map((v, j) => ({
      variable: v.id,
      ownZ: own[j]!,
      neighbourZ: theirs[j]!,
      contribution: parts[j]!,
      share: total > 0 ? parts[j]! / total : 0,
    })),
  }));
}

/** Parses `population:2,deprivation:0.5` into weights, naming the bad part. */
export function parseWeights(
  raw: string | undefined,
  variables: ModelVariable[],
): { weights?: Record<string, number>; problem?: string } {
  if (raw === undefined || raw.trim() === '') return {};
  const weights: Record<string, number> = {};
  for (const part of raw.split(',')) {
    const [id, w] = part.split(':').map((s) => s.trim());
    if (!id || !variables.some((v) => v.id === id))
      return { problem: `"${id ?? ''}" is not a variable of this model (${variables.map((v) => v.id).join(', ')})` };
    const n = Number(w);
    if (w === undefined || w === '' || !Number.isFinite(n) || n < 0 || n > 100)
      return { problem: `the weight of ${id} must be a number from 0 to 100, not "${w ?? ''}"` };
    weights[id] = n;
  }
  if (variables.every((v) => (weights[v.id] ?? v.weight) === 0))
    return { problem: 'at least one variable needs a weight above 0' };
  return { weights };
}
