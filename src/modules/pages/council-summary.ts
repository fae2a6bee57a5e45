/**
 * The summary a council page opens with, from the headline it already has: the measures where the council is in the
 * top or the bottom quarter of the group it is compared with (only measures where higher or lower is better: a
 * quarter of a neutral measure is neither good nor bad), and those that improved or worsened since the period before.
 */
import type { Headline } from '../reports/index.ts';

export interface SummaryItem {
  /** The metric id, also the measure's anchor on the page (#measure-{id}). */
  id: string;
  title: string;
}

export interface CouncilSummary {
  group: string;
  /** Measures with a rank in the group. */
  ranked: number;
  top: SummaryItem[];
  bottom: SummaryItem[];
  improved: SummaryItem[];
  worsened: SummaryItem[];
}

export function councilSummary(headline: Headline): CouncilSummary {
  const items = headline.themes.flatMap((t) => t.items);
  const pick = (keep: (i: (typeof items)[number]) => boolean): SummaryItem[] =>
    items.filter(keep).map((i) => ({ id: i.metric.id, title: i.metric.title }));
  const directed = (i: (typeof items)[number]) => i.metric.polarity !== 'not-applicable';
  const step = (i: (typeof items)[number]) => i.focus.direction.lastStep?.direction;
  return {
    group: headline.group.name,
    ranked: items.filter((i) => i.focus.rank !== null).length,
    top: pick((i) => directed(i) && i.focus.quartileBand === 1),
    bottom: pick((i) => directed(i) && i.focus.quartileBand === 4),
    improved: pick((i) => ['improved', 'improving'].includes(step(i) ?? '')),
    worsened: pick((i) => ['worsened', 'worsening'].includes(step(i) ?? '')),
  };
}
