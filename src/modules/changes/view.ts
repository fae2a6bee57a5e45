/** The /changes page's view model: the entries in plain English, grouped by the day they were published. */
import type { RecentPage } from './service.ts';
import { longDate, summarise } from './text.ts';

export interface ChangesDay {
  date: string;
  entries: { summary: string; kind: string }[];
}

/** `paged`: the page was asked for before or after a position (an empty one is then not an empty feed). */
export function changesView(page: RecentPage, paged: boolean) {
  const days: ChangesDay[] = [];
  for (const r of page.rows) {
    const date = longDate(r.at);
    let day = days.at(-1);
    if (day?.date !== date) days.push((day = { date, entries: [] }));
    day.entries.push({ summary: summarise(r), kind: r.kind });
  }
  return {
    title: 'Recent changes',
    days,
    paged,
    newer: page.newer ? `/changes?after=${page.newer}` : null,
    older: page.older ? `/changes?before=${page.older}` : null,
  };
}
