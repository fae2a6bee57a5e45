/**
 * Names and titles people and files store (metric titles, area names, group names, report and survey titles): one
 * rule for all. NUL, the other control characters (bar tab, line feed and carriage return) and the bidirectional
 * overrides, embeddings and isolates (U+202A to U+202E, U+2066 to U+2069) are refused: NUL breaks PostgreSQL text
 * and C strings, and a bidi control can make a name display in another order than it reads (a "Trojan Source" name).
 * Text that passes is normalised to NFC, so the same name typed two ways is stored once.
 */

const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/u;

const NAMES: Record<number, string> = {
  0x00: 'NUL',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
};

const codePoint = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why the text may not be stored as a name or title, or undefined when it may. */
export function unsafeTextProblem(text: string): string | undefined {
  const m = UNSAFE.exec(text);
  if (!m) return undefined;
  const c = m[0].codePointAt(0)!;
  const what = NAMES[c] ? `${codePoint(c)} ${NAMES[c]}` : `${codePoint(c)}`;
  const kind = c >= 0x202a ? 'a bidirectional control character' : 'a control character';
  return `holds ${kind} (${what}) at character ${m.index + 1}; remove it`;
}

/** The text as stored: NFC. Check it with unsafeTextProblem first. */
export const normaliseText = (text: string): string => text.normalize('NFC');

/**
 * Checks a stored name or title for a field: the problem (field, the value shown with its controls escaped, and the
 * message) or undefined. For services that collect field errors.
 */
export function checkStoredText(
  field: string,
  text: string | undefined | null,
): { field: string; value: string; message: string } | undefined {
  if (text == null) return undefined;
  const message = unsafeTextProblem(text);
  return message ? { field, value: escapeControls(text), message } : undefined;
}

/** The text with its unsafe characters written as \u{…}, for messages (so the message itself is safe to show). */
export function escapeControls(text: string): string {
  return text.replace(new RegExp(UNSAFE.source, 'gu'), (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`);
}
