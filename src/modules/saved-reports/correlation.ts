/**
 * The association between two measures across councils, in numbers and in plain words. A scatter of spend against
 * outcome is a value-for-money view, never evidence that one causes the other, and every sentence says so.
 */

/** Pearson's product-moment correlation; null with fewer than 3 pairs or no spread. */
export function pearson(xs: number[], ys: number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 3) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Ranks from 1, ties sharing the mean of their ranks (as Spearman's coefficient needs). */
export function averageRanks(values: number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  for (let k = 0; k < order.length;) {
    let j = k;
    while (j + 1 < order.length && order[j + 1]!.v === order[k]!.v) j++;
    const r = (k + j) / 2 + 1;
    for (let m = k; m <= j; m++) ranks[order[m]!.i] = r;
    k = j + 1;
  }
  return ranks;
}

/** Spearman's rank correlation: Pearson's r of the (tie-averaged) ranks. */
export const spearman = (xs: number[], ys: number[]): number | null => pearson(averageRanks(xs), averageRanks(ys));

export const strengthWords = (r: number): string => {
  const a = Math.abs(r);
  return a < 0.1 ? 'no meaningful' : a < 0.3 ? 'a weak' : a < 0.5 ? 'a moderate' : 'a strong';
};

const NOT_CAUSE =
  'An association between two measures does not show that one causes the other: councils differ in need, deprivation, size and much else that can affect both.';

/** The sentence a scatter carries: the association's direction and strength, the coefficients, and the caution. */
export function associationSentence(x: string, y: string, n: number, r: number | null, rho: number | null): string {
  if (n < 5 || r === null)
    return `Too few councils (${n}) have figures for both ${x} and ${y} to describe an association. ${NOT_CAUSE}`;
  const fmt = (v: number) => v.toFixed(2).replace('-', '−');
  const coefficients = `Pearson's r = ${fmt(r)}${rho !== null ? `; Spearman's rank correlation = ${fmt(rho)}` : ''}; ${n} councils`;
  if (Math.abs(r) < 0.1)
    return `Across the ${n} councils with both figures there is no meaningful linear association between ${x} and ${y} (${coefficients}). ${NOT_CAUSE}`;
  const dir = r > 0 ? 'higher' : 'lower';
  return `Across the ${n} councils with both figures, higher ${x} tended to go with ${dir} ${y}: ${strengthWords(r)} ${r > 0 ? 'positive' : 'negative'} association (${coefficients}). ${NOT_CAUSE}`;
}
