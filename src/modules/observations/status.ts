/**
 * Observation status codes (conventions.md) and the mapping of publishers' own markers onto them.
 * A marker never goes into `value`: it becomes a status and the value is null.
 */
export const STATUS_CODES = {
  x: 'not available',
  c: 'confidential or suppressed',
  z: 'not applicable',
  u: 'low reliability',
  p: 'provisional',
  r: 'revised',
  e: 'estimated',
  b: 'break in series',
} as const;
export type StatusCode = keyof typeof STATUS_CODES;

export const isStatusCode = (s: string): s is StatusCode => Object.hasOwn(STATUS_CODES, s);

/** Publisher markers found in value columns, mapped to our codes. */
const MARKER_TABLE: Record<string, StatusCode> = {
  '..': 'x',
  '.': 'x',
  '-': 'x',
  ':': 'x',
  'n/a': 'x',
  na: 'x',
  nan: 'x',
  '#n/a': 'x',
  dna: 'x',
  x: 'x',
  '[x]': 'x',
  c: 'c',
  '[c]': 'c',
  '*': 'c',
  supp: 'c',
  suppressed: 'c',
  z: 'z',
  '[z]': 'z',
  u: 'u',
  '[u]': 'u',
  low: 'u',
};
/** A publisher's marker's status code; only the table's own keys (never `constructor` or `__proto__`). */
const marker = (s: string): StatusCode | undefined => (Object.hasOwn(MARKER_TABLE, s) ? MARKER_TABLE[s] : undefined);

export type ValueCell = { ok: true; value: number | null; status: StatusCode[] } | { ok: false; message: string };

/**
 * Reads a value cell: a number (thousands separators and a trailing % are tolerated), an empty cell (null, status x),
 * or a publisher marker (null, mapped status). Anything else is an error naming the value.
 */
export function parseValueCell(raw: string | undefined): ValueCell {
  const s = (raw ?? '').trim();
  if (s === '') return { ok: true, value: null, status: ['x'] };
  const known = marker(s.toLowerCase());
  if (known) return { ok: true, value: null, status: [known] };
  const n = parseNumber(s);
  if (n === undefined)
    return { ok: false, message: `"${s}" is not a number or a known marker (.., -, :, [c], [x], [z], NA)` };
  return { ok: true, value: n, status: [] };
}

/** Parses a plain number; undefined when the text is not one. */
export function parseNumber(s: string): number | undefined {
  const t = s
    .trim()
    .replace(/,(?=\d{3}(\D|$))/g, '')
    .replace(/%$/, '');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** Parses an optional number cell (CI bounds, numerators): empty or a marker gives null. */
export function parseOptionalNumber(
  raw: string | undefined,
): { ok: true; value: number | null } | { ok: false; message: string } {
  const s = (raw ?? '').trim();
  if (s === '' || marker(s.toLowerCase())) return { ok: true, value: null };
  const n = parseNumber(s);
  return n === undefined ? { ok: false, message: `"${s}" is not a number` } : { ok: true, value: n };
}

/** Status codes from a publisher's status column: our letters, bracketed or not, comma/space separated. */
export function parseStatusCell(
  raw: string | undefined,
): { ok: true; status: StatusCode[] } | { ok: false; message: string } {
  const s = (raw ?? '').trim();
  if (s === '') return { ok: true, status: [] };
  const out: StatusCode[] = [];
  for (const part of s.split(/[\s,;]+/)) {
    const p = part.replace(/^\[|\]$/g, '').toLowerCase();
    const code = isStatusCode(p) ? p : marker(p);
    if (!code) return { ok: false, message: `"${part}" is not a status code (${Object.keys(STATUS_CODES).join(' ')})` };
    if (!out.includes(code)) out.push(code);
  }
  return { ok: true, status: out };
}

export const statusToText = (s: readonly StatusCode[]): string => [...s].sort().join(',');
export const statusFromText = (s: string): StatusCode[] => (s === '' ? [] : (s.split(',') as StatusCode[]));
