/**
 * The pattern in a spend-against-outcome scatter, in plain words: which way the outcome tends to go among councils
 * that spend more, how strongly (Pearson's r, from the saved-reports module's correlation), and for how many councils.
 * It describes an association among councils, never a cause, and never calls a council "efficient".
 */
import { pearson } from '../saved-reports/index.ts';

/** Fewer councils than this with both figures: no pattern is described. */
export const MIN_COUNCILS = 8;

export interface Association {
  n: number;
  r: number | null;
  sentence: string;
}

const fmtR = (r: number) => r.toFixed(2).replace('-', '−');

/** How strong an association is, in words (|r| under 0.1 none, under 0.3 slight, under 0.5 moderate, else clear). */
export const strength = (r: number): string => {
  const a = Math.abs(r);
  return a < 0.3 ? 'slightly' : a < 0.5 ? 'moderately' : 'clearly';
};

/**
 * "Councils in this group that spend more per head tend to have slightly higher carer-reported quality of life
 * (r = 0.31, 15 councils)."
 */
export function describeAssociation(
  pairs: { spend: number; outcome: number }[],
  words: { who: string; per: string; spend: string; outcome: string },
): Association {
  const n = pairs.length;
  const r =
    n >= 3
      ? pearson(
          pairs.map((p) => p.spend),
          pairs.map((p) => p.outcome),
        )
      : null;
  const tail = 'This is an association among councils, not evidence that spending more or less causes the outcome.';
  if (n < MIN_COUNCILS || r === null)
    return {
      n,
      r,
      sentence: `Too few ${words.who} (${n}) have both figures to describe a pattern (at least ${MIN_COUNCILS} are needed).`,
    };
  const counted = `(r = ${fmtR(r)}, ${n} councils)`;
  if (Math.abs(r) < 0.1)
    return {
      n,
      r,
      sentence: `Among ${words.who}, ${words.outcome} shows no clear pattern with ${words.spend} ${counted}. ${tail}`,
    };
  const cap = words.who.charAt(0).toUpperCase() + words.who.slice(1);
  return {
    n,
    r,
    sentence: `${cap} that spend more ${words.per} tend to have ${strength(r)} ${r > 0 ? 'higher' : 'lower'} ${words.outcome} ${counted}. ${tail}`,
  };
}
