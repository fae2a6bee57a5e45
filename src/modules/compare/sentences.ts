/**
 * Neutral generated sentences for comparisons ("Trafford is in the top quarter of its 15 nearest neighbours on this
 * measure; the difference from their median is not statistically significant."). They state position, significance
 * and direction without judging; "top" means best by the metric's polarity and is only used when it has one.
 */
import type { GroupDto } from '../groups/index.ts';
import type { Polarity } from '../metrics/index.ts';
import type { DirectionResult } from './direction.ts';
import type { GroupStatistics, MemberPosition } from './stats.ts';

const BAND_POLARITY = ['in the top quarter', 'above the median', 'below the median', 'in the bottom quarter'] as const;
const BAND_NEUTRAL = [
  'among the highest quarter of values',
  'above the median value',
  'below the median value',
  'among the lowest quarter of values',
] as const;

export interface SentenceInput {
  name: string;
  /** e.g. "its 15 nearest neighbours (our model, version 1)" or "the 36 metropolitan districts". */
  groupPhrase: string;
  periodLabel: string;
  polarity: Polarity;
  position: MemberPosition;
  stats: GroupStatistics;
  lastStep: DirectionResult | null;
  previousLabel?: string | undefined;
}

export function positionSentence(i: SentenceInput): string {
  const p = i.position;
  if (p.excludedBecause === 'not-applicable') return `This measure does not apply to ${i.name}.`;
  if (p.excludedBecause === 'no-data' || p.rank === null || p.quartileBand === null)
    return `There is no figure for ${i.name} for ${i.periodLabel}.`;
  if (i.stats.countWithData < 4)
    return `${i.name} is one of only ${i.stats.countWithData} councils in ${i.groupPhrase} with a figure for ${i.periodLabel}, too few to place it in quarters.`;
  const band = (i.polarity === 'not-applicable' ? BAND_NEUTRAL : BAND_POLARITY)[p.quartileBand - 1];
  const mid = p.distanceFromMedian === 0 ? 'at the median of' : `${band} of`;
  let s = `${i.name} is ${mid} ${i.groupPhrase} on this measure for ${i.periodLabel}`;
  if (i.polarity !== 'not-applicable') s += ` (ranked ${p.rank}${p.tied ? ', tied,' : ''} of ${p.rankOf})`;
  if (p.significance === 'not-different') s += '; the difference from their median is not statistically significant';
  else if (p.significance)
    s += `; it is statistically significantly ${p.significance === 'above' ? 'higher' : 'lower'} than their median`;
  s += '.';
  const d = i.lastStep;
  if (d && i.previousLabel) {
    switch (d.direction) {
      case 'improving':
        s += ` It has improved since ${i.previousLabel}.`;
        break;
      case 'worsening':
        s += ` It has worsened since ${i.previousLabel}.`;
        break;
      case 'no-change':
        s += ` It has not changed materially since ${i.previousLabel}: ${d.reason}.`;
        break;
      case 'increasing':
        s += ` It has increased since ${i.previousLabel}.`;
        break;
      case 'decreasing':
        s += ` It has decreased since ${i.previousLabel}.`;
        break;
      case 'not-comparable':
        s += ` It cannot be compared with ${i.previousLabel}: ${d.reason}.`;
        break;
      default: {
        const never: never = d.direction;
        throw new Error(`unknown direction ${String(never)}`);
      }
    }
  }
  return s;
}

/**
 * How a sentence names the councils compared, e.g. "the 36 metropolitan districts", "its 15 nearest neighbours (…)".
 */
export function describeGroup(g: GroupDto, compared: number): string {
  switch (g.type) {
    case 'authority-type':
      return `the ${compared} ${g.name.replace(/ in England$/, '').toLowerCase()}`;
    case 'tier':
      return `the ${compared} ${g.name.charAt(0).toLowerCase()}${g.name.slice(1)}`;
    case 'region':
      return `the ${compared} councils in ${g.owner?.name ?? 'the region'}`;
    case 'county':
      return `the ${compared} districts of ${g.owner?.name ?? 'the county'}`;
    case 'combined-authority':
      return `the ${compared} councils of ${g.owner?.name ?? 'the combined authority'}`;
    case 'england':
      return `all ${compared} councils in England`;
    case 'nearest-neighbours':
      return `its ${compared - 1} nearest neighbours (${g.family?.name ?? g.name})`;
    case 'family':
    case 'cluster':
    case 'custom':
      return `the ${compared} councils in the group "${g.name}"`;
    default: {
      const never: never = g.type;
      throw new Error(`unknown group type ${String(never)}`);
    }
  }
}
