import { describe, expect, it } from 'vitest';
import { checkStoredText, escapeControls, normaliseText, unsafeTextProblem } from './text.ts';

describe('stored names and titles (platform/text.ts)', () => {
  it('refuses NUL, other control characters and every bidi override, embedding and isolate, naming it', () => {
    for (let c = 0x202a; c <= 0x202e; c++) expect(unsafeTextProblem(`a${String.fromCodePoint(c)}b`)).toMatch(/U\+202/);
    for (let c = 0x2066; c <= 0x2069; c++) expect(unsafeTextProblem(`a${String.fromCodePoint(c)}b`)).toMatch(/U\+206/);
    expect(unsafeTextProblem('a\u0000b')).toBe('holds a control character (U+0000 NUL) at character 2; remove it');
    expect(unsafeTextProblem('bell\u0007')).toMatch(/U\+0007/);
    expect(unsafeTextProblem('x\u202Ey')).toBe(
      'holds a bidirectional control character (U+202E RIGHT-TO-LEFT OVERRIDE) at character 2; remove it',
    );
  });

  it('lets ordinary text through: accents, Welsh, right-to-left scripts, tabs and new lines', () => {
    for (const ok of ['Newcastle upon Tyne', 'Ynys Môn', 'Bro Morgannwg', 'مجلس', 'two\tcolumns', 'line\r\nbreak'])
      expect(unsafeTextProblem(ok), ok).toBeUndefined();
  });

  it('names the field and shows the value with its controls escaped; normalises to NFC', () => {
    expect(checkStoredText('name', 'a\u202Eb')).toEqual({
      field: 'name',
      value: 'a\\u{202e}b',
      message: expect.stringContaining('U+202E'),
    });
    expect(checkStoredText('name', undefined)).toBeUndefined();
    expect(escapeControls('ok')).toBe('ok');
    expect(normaliseText('Cafe\u0301')).toBe('Caf\u00e9');
  });
});
