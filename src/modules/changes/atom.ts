/** The change feed as Atom 1.0 (RFC 4287), the newest entries first, with RFC 5005 paging to older ones. */
import type { FeedRow } from './repository.ts';
import { encodeCursor, summarise } from './text.ts';

/** Text for XML content and attributes. */
export const xmlEscape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

export interface AtomFeed {
  /** The service's origin: https://host */
  origin: string;
  /** The feed's own address without paging (its id), and the page's (self). */
  path: string;
  selfPath: string;
  title: string;
  rows: FeedRow[];
  /** The position older entries start before, when there are older entries. */
  older: string | null;
  /** When the feed last changed (the newest entry's time), or now when it has none. */
  updated: string;
}

const entryTitle = (r: FeedRow): string => {
  if (r.kind === 'observation') {
    return `${r.deleted ? 'Withdrawn' : 'Revised'}: ${r.area_name ?? r.area}, ${r.period_label ?? r.period}, ${r.metric_title ?? r.metric}`;
  }
  if (r.kind === 'publication') return `Published: ${r.metric_title ?? r.metric}`;
  if (r.entity === 'metric')
    return `${r.action === 'created' ? 'New measure' : 'Measure changed'}: ${r.metric_title ?? r.entity_key}`;
  if (r.entity === 'import') return `Import #${r.entity_key} published`;
  return `${r.entity ?? 'Change'} ${r.action ?? ''}: ${r.entity_key ?? ''}`.trim();
};

export function atomFeed(f: AtomFeed): string {
  const host = new URL(f.origin).hostname;
  const link = (rel: string, href: string, type?: string) =>
    `  <link rel="${rel}" href="${xmlEscape(f.origin + href)}"${type ? ` type="${type}"` : ''}/>`;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xmlEscape(f.origin + f.path)}</id>`,
    `  <title>${xmlEscape(f.title)}</title>`,
    `  <updated>${xmlEscape(new Date(f.updated).toISOString())}</updated>`,
    '  <author><name>Council performance</name></author>',
    link('self', f.selfPath, 'application/atom+xml'),
    link('first', f.path, 'application/atom+xml'),
    link('alternate', '/changes', 'text/html'),
  ];
  if (f.older) lines.push(link('next', `${f.path}?before=${f.older}`, 'application/atom+xml'));
  for (const r of f.rows) {
    lines.push(
      '  <entry>',
      `    <id>tag:${xmlEscape(host)},2026:changes/${r.id}</id>`,
      `    <title>${xmlEscape(entryTitle(r))}</title>`,
      `    <updated>${xmlEscape(new Date(r.at).toISOString())}</updated>`,
      `    <link rel="alternate" type="text/html" href="${xmlEscape(`${f.origin}/changes?before=${encodeCursor(r.id + 1)}`)}"/>`,
      `    <summary type="text">${xmlEscape(summarise(r))}</summary>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
