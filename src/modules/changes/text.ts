/**
 * Feed rows as API entries, and each entry in plain English: "Hartlepool's 2022/23 figure for household waste recycled
 * was revised from 41.5% to 42.0% on 10 November 2026 (import #2)."
 */
import { formatDate } from '../../platform/dates.ts';
import { formatValue } from '../maps/index.ts';
import type { FeedRow } from './repository.ts';
import type { FeedEntry } from './schemas.ts';

/** A position as an opaque cursor (base64url), and back; null when the text is no cursor. */
export const encodeCursor = (position: number): string => Buffer.from(`p${position}`).toString('base64url');
export function decodeCursor(cursor: string): number | null {
  const m = /^p(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  return m ? Number(m[1]) : null;
}

/** The day of a change, as London's calendar had it (platform/dates.ts). */
export const longDate = (iso: string): string => formatDate(iso);

const statusList = (s: string | null): string[] => (s ? s.split(',') : []);

/** "Household waste recycled" reads "household waste recycled" mid-sentence; "KS2 …" stays as it is. */
const midSentence = (title: string): string =>
  /^[A-Z][a-z]/.test(title) ? title.charAt(0).toLowerCase() + title.slice(1) : title;

function valueText(value: number | null, status: string[], row: FeedRow): string {
  // A categorical metric's value is a category's position: shown as its label.
  const categories = row.categories ? (JSON.parse(row.categories) as { label: string }[]) : null;
  const shown =
    value === null
      ? 'no figure'
      : categories
        ? (categories[value - 1]?.label ?? String(value))
        : formatValue(value, row.decimal_places ?? 1, row.unit ?? '');
  return status.length > 0 ? `${shown} [${status.join(', ')}]` : shown;
}

/** The version that replaced a revised observation: current, or itself revised since; null for a deletion. */
function replacement(r: FeedRow) {
  if (r.deleted) return null;
  if (r.o_revision !== null) return { value: r.o_value, status: statusList(r.o_status), revision: r.o_revision };
  if (r.r2_revision !== null) return { value: r.r2_value, status: statusList(r.r2_status), revision: r.r2_revision };
  return null;
}

const fmt = (n: number) => n.toLocaleString('en-GB');
const importRef = (id: number | null) => (id === null ? '' : ` (import #${id})`);

interface Withdrawal {
  reason?: string;
  withdrawn?: number;
}
const withdrawalOf = (r: FeedRow): Withdrawal | null => {
  if (!r.withdrawal) return null;
  try {
    return JSON.parse(r.withdrawal) as Withdrawal;
  } catch {
    return null;
  }
};

function observationSummary(r: FeedRow, date: string): string {
  const whose = `${r.area_name ?? r.area}'s ${r.period_label ?? r.period} figure for ${midSentence(r.metric_title ?? r.metric ?? '')}`;
  const previous = valueText(r.value, statusList(r.status), r);
  if (r.deleted) {
    const reason = withdrawalOf(r)?.reason;
    return `${whose} was withdrawn on ${date} (was ${previous}${r.import_id === null ? '' : `; import #${r.import_id}`}${reason ? `: ${reason}` : ''}).`;
  }
  const next = replacement(r);
  const to = next ? ` to ${valueText(next.value, next.status, r)}` : '';
  return `${whose} was revised from ${previous}${to} on ${date}${importRef(r.import_id)}.`;
}

const FIELD_WORDS: Record<string, string> = { decimal_places: 'decimal places', short_title: 'short title' };

function catalogueSummary(r: FeedRow, date: string): string {
  const key = r.entity_key ?? '';
  const on = `on ${date}${importRef(r.import_id)}`;
  switch (r.entity) {
    case 'metric': {
      const named = `“${r.metric_title ?? key}” (${key})`;
      if (r.action === 'created') return `A new measure, ${named}, was added ${on}.`;
      const fields = Object.keys(parseDetail(r.detail) ?? {}).map((f) => FIELD_WORDS[f] ?? f.replaceAll('_', ' '));
      return `The definition of the measure ${named} was changed ${on}${fields.length ? `: ${fields.join(', ')}` : ''}.`;
    }
    case 'area': {
      const named = r.entity_name ? `${r.entity_name} (${key})` : key;
      return r.action === 'created' ? `A new area, ${named}, was added ${on}.` : `The area ${named} was updated ${on}.`;
    }
    case 'group-family':
      return `The comparison group family ${key} was ${r.action === 'created' ? 'added' : 'updated'} ${on}.`;
    case 'import': {
      const w = withdrawalOf(r);
      if (w) {
        const n = w.withdrawn ?? 0;
        return `Import #${key} withdrew ${fmt(n)} observation${n === 1 ? '' : 's'} on ${date}${w.reason ? `: ${w.reason}` : ''}.`;
      }
      return `Import #${key}${r.adapter ? ` (${r.adapter})` : ''} was published on ${date}.`;
    }
    default:
      return `${r.entity ?? 'Something'} ${key} was ${r.action ?? 'changed'} ${on}.`;
  }
}

function publicationSummary(r: FeedRow, date: string): string {
  const counts = [
    r.inserted ? `${fmt(r.inserted)} new` : '',
    r.updated ? `${fmt(r.updated)} revised` : '',
    r.unchanged ? `${fmt(r.unchanged)} unchanged` : '',
  ].filter(Boolean);
  const list = counts.length > 1 ? `${counts.slice(0, -1).join(', ')} and ${counts.at(-1)}` : (counts[0] ?? 'no');
  const figures = (r.inserted ?? 0) + (r.updated ?? 0) + (r.unchanged ?? 0) === 1 ? 'figure' : 'figures';
  return `“${r.metric_title ?? r.metric}” (${r.metric}): ${list} ${figures} published on ${date}${importRef(r.import_id)}.`;
}

function parseDetail(detail: string | null): Record<string, unknown> | null {
  if (!detail) return null;
  try {
    return JSON.parse(detail) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The feed's plain-English line for an entry. */
export function summarise(r: FeedRow): string {
  const date = longDate(r.at);
  if (r.kind === 'observation') return observationSummary(r, date);
  if (r.kind === 'publication') return publicationSummary(r, date);
  return catalogueSummary(r, date);
}

/** A feed row as the API's entry. */
export function toEntry(r: FeedRow): FeedEntry {
  const base = {
    position: encodeCursor(r.id),
    kind: r.kind as FeedEntry['kind'],
    at: r.at,
    importId: r.import_id,
    summary: summarise(r),
  };
  if (r.kind === 'observation') {
    return {
      ...base,
      observation: {
        action: r.deleted ? 'deleted' : 'revised',
        metric: r.metric ?? '',
        area: r.area ?? '',
        areaName: r.area_name ?? '',
        period: r.period ?? '',
        periodLabel: r.period_label ?? '',
        previous: { value: r.value, status: statusList(r.status), revision: r.revision ?? 0 },
        current: replacement(r),
      },
    };
  }
  if (r.kind === 'publication') {
    return {
      ...base,
      publication: {
        adapter: r.adapter ?? '',
        metric: r.metric ?? '',
        inserted: r.inserted ?? 0,
        updated: r.updated ?? 0,
        unchanged: r.unchanged ?? 0,
      },
    };
  }
  return {
    ...base,
    change: {
      entity: r.entity ?? '',
      action: r.action ?? '',
      key: r.entity_key ?? '',
      detail: parseDetail(r.detail),
    },
  };
}
