/**
 * Significance of differences between two columns of a table, row by row. The test is chosen by the data:
 *   weighted data                 -> two-proportion z-test on effective bases (Kish);
 *   waves answered by the same    -> McNemar on the respondents matched by id who answered in both waves (exact
 *   respondents (a panel)            binomial when there are fewer than 25 discordant pairs); a pair of waves counts as
 * a
 *                                    panel when at least half of the smaller wave's answering base is matched;
 *   otherwise (independent)       -> two-proportion z-test (optionally with a continuity correction), or Fisher's
 *                                    exact test when an expected cell count is under 5.
 * With `holm`, p-values are adjusted across all comparisons in the table (Holm's step-down). Only differences with a
 * (adjusted) p-value under alpha are flagged significant.
 */
import { compareIndependent, effectiveBaseZ, holm, mcnemar, type TestName } from '../analysis/significance.ts';
import { matchedPairs } from './columns-by.ts';
import type { Base, Context, TableRow } from './tabulate.ts';

export interface Comparison {
  row: string;
  columns: [string, string];
  test: TestName;
  statistic: number | null;
  pValue: number;
  adjustedPValue?: number;
  significant: boolean;
  /** The second column against the first. */
  direction: 'higher' | 'lower' | 'same';
  /** McNemar: the number of matched respondents. */
  pairs?: number;
}

/** The matched respondents of two waves who answered this question in both, or null when the waves are not a panel. */
function panelFor(
  ctx: Context,
  a: number,
  b: number,
  A: Base,
  B: Base,
  answered: (i: number) => boolean,
): Int32Array | null {
  const { data, settings, set } = ctx;
  if (data.weights || settings.by !== 'wave' || !data.ids) return null;
  const key = `${a}:${b}`;
  let all = ctx.panels.get(key);
  if (!all) {
    all = matchedPairs(set.columns[a]!, set.columns[b]!, data.ids);
    ctx.panels.set(key, all);
  }
  if (all.length === 0) return null;
  const both: number[] = [];
  for (let k = 0; k < all.length; k += 2)
    if (answered(all[k]!) && answered(all[k + 1]!)) both.push(all[k]!, all[k + 1]!);
  return both.length / 2 > 0 && both.length >= Math.min(A.answered, B.answered) ? Int32Array.from(both) : null;
}

export function compareCells(
  rows: TableRow[],
  bases: Base[],
  test: (row: number) => (i: number) => boolean,
  answered: (i: number) => boolean,
  ctx: Context,
): Comparison[] {
  const { data, settings, set } = ctx;
  const out: Comparison[] = [];
  for (const [a, b] of ctx.pairs) {
    const A = bases[a]!,
      B = bases[b]!;
    if (A.suppressed || B.suppressed || A.answered === 0 || B.answered === 0) continue;
    const panel = panelFor(ctx, a, b, A, B, answered);
    rows.forEach((row, r) => {
      const ca = row.cells[a]!,
        cb = row.cells[b]!;
      if (ca.percent === null || cb.percent === null) return;
      let result;
      if (panel) {
        const t = test(r);
        let yesNo = 0,
          noYes = 0;
        for (let k = 0; k < panel.length; k += 2) {
          const x = t(panel[k]!),
            y = t(panel[k + 1]!);
          if (x && !y) yesNo++;
          else if (!x && y) noYes++;
        }
        result = mcnemar(yesNo, noYes);
      } else if (data.weights) {
        result = effectiveBaseZ(ca.percent / 100, A.effectiveBase!, cb.percent / 100, B.effectiveBase!);
      } else {
        result = compareIndependent(ca.count!, A.answered, cb.count!, B.answered, {
          continuityCorrection: settings.continuityCorrection,
        });
      }
      const c: Comparison = {
        row: row.code,
        columns: [set.columns[a]!.key, set.columns[b]!.key],
        test: result.test,
        statistic: result.statistic,
        pValue: result.pValue,
        significant: result.pValue < settings.alpha,
        direction: cb.percent > ca.percent ? 'higher' : cb.percent < ca.percent ? 'lower' : 'same',
      };
      if (panel) c.pairs = panel.length / 2;
      out.push(c);
    });
  }
  if (settings.holm && out.length > 1) {
    const adjusted = holm(out.map((c) => c.pValue));
    out.forEach((c, k) => {
      c.adjustedPValue = adjusted[k]!;
      c.significant = adjusted[k]! < settings.alpha;
    });
  }
  return out;
}
