/** Shared pieces of the server-rendered SVG charts: escaping, number formatting, ids, the accessible root element. */

/**
 * The charts' fonts, as a presentation attribute so that page CSS can override it: Arial or a font with its metrics
 * (textWidth measures labels by Arial's widths); never GOV.UK's GDS Transport.
 */
export const FONT_FAMILY = 'arial, "Liberation Sans", helvetica, sans-serif';
export const TEXT_COLOUR = '#0b0c0c';
export const SECONDARY_TEXT = '#505a5f';
export const GRID_COLOUR = '#b1b4b6';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and attribute values. Control characters XML forbids are dropped. */
export function esc(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

const formatters = new Map<number, Intl.NumberFormat>();
function numberFormat(dp: number): Intl.NumberFormat {
  const d = Math.max(0, Math.min(10, Math.round(dp)));
  let f = formatters.get(d);
  if (!f)
    formatters.set(d, (f = new Intl.NumberFormat('en-GB', { minimumFractionDigits: d, maximumFractionDigits: d })));
  return f;
}

/** A number with its unit symbol where the unit is one: `12.3%`, `£1,234`, otherwise the number alone (`1,234.5`). */
export function formatNumber(value: number, decimalPlaces: number, unit: string): string {
  const n = numberFormat(decimalPlaces).format(Math.abs(value) < 10 ** -(decimalPlaces + 1) ? 0 : value);
  const u = unit.trim();
  if (u === '%') return `${n}%`;
  if (u.startsWith('£')) return n.startsWith('-') ? `-£${n.slice(1)}` : `£${n}`;
  return n;
}

/**
 * The part of a unit that is not written into each number: '' for % and £, `per head` for `£ per head`, else the unit.
 */
export function unitSuffix(unit: string): string {
  const u = unit.trim();
  if (u === '%') return '';
  if (u.startsWith('£')) return u.slice(1).trim();
  return u;
}

/** A value as read aloud or shown in a tooltip: `12.3%`, `£1,234 per head`, `45.6 per 100,000 adults`, or `no data`. */
export function formatValue(value: number | null | undefined, decimalPlaces: number, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'no data';
  const suffix = unitSuffix(unit);
  return `${formatNumber(value, decimalPlaces, unit)}${suffix ? ` ${suffix}` : ''}`;
}

/** Decimal places that tell ticks `step` apart. */
export const tickDecimals = (step: number): number =>
  step > 0 && Number.isFinite(step) ? Math.max(0, Math.min(6, Math.ceil(-Math.log10(step) - 1e-9))) : 0;

/** Rough rendered width of text, for layout: per-character widths of Arial (em), plus 5% to spare. */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const c of text) {
    if (/[ il.,:;'|!/()[\]ftjrI-]/.test(c)) em += 0.3;
    else if (/[0-9a-z]/.test(c)) em += c === 'm' || c === 'w' ? 0.83 : 0.56;
    else if (/[A-Z]/.test(c)) em += c === 'M' || c === 'W' ? 0.9 : 0.69;
    else em += 0.75;
  }
  return em * fontSize * 1.05;
}

/** A short deterministic id from the chart's input (FNV-1a), so several charts on one page do not clash. */
export function contentId(prefix: string, input: unknown): string {
  const s = JSON.stringify(input, (_k, v: unknown) => (v instanceof Map ? [...v.entries()] : v)) ?? '';
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${prefix}-${(h >>> 0).toString(36)}`;
}

/** Rounds for SVG output: at most `dp` decimals, no trailing zeros, no negative zero. */
export function num(n: number, dp = 1): string {
  const r = Math.round(n * 10 ** dp) / 10 ** dp;
  return String(Object.is(r, -0) ? 0 : r);
}

export interface SvgRoot {
  id: string;
  width: number;
  height: number;
  title: string;
  description: string;
  className: string;
}

/**
 * The opening of an accessible SVG: responsive (viewBox, width 100%), role="img" named by its <title> and described by
 * its <desc>, not focusable. Close it with `</svg>`.
 */
export function svgOpen(r: SvgRoot): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="${esc(r.className)}" viewBox="0 0 ${num(r.width, 0)} ${num(r.height, 0)}" width="100%" ` +
    `role="img" aria-labelledby="${r.id}-title ${r.id}-desc" focusable="false" font-family="${esc(FONT_FAMILY)}" font-size="16" fill="${TEXT_COLOUR}">` +
    `<title id="${r.id}-title">${esc(r.title)}</title><desc id="${r.id}-desc">${esc(r.description)}</desc>`
  );
}

/** Words wrapped into lines of at most `max` units of text at `size` (a longer word has a line of its own). */
export function wrapText(text: string, max: number, size: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    const next = line ? `${line} ${w}` : w;
    if (line && textWidth(next, size) > max) {
      lines.push(line);
      line = w;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}
