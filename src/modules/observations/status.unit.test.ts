import { describe, expect, it } from 'vitest';
import { parseOptionalNumber, parseStatusCell, parseValueCell } from './status.ts';

describe('value and status cells', () => {
  it("reads publishers' markers, and never an object's own property names as one", () => {
    expect(parseValueCell('..')).toEqual({ ok: true, value: null, status: ['x'] });
    for (const word of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(parseValueCell(word)).toMatchObject({ ok: false });
      expect(parseOptionalNumber(word)).toMatchObject({ ok: false });
      expect(parseStatusCell(word)).toMatchObject({ ok: false });
    }
  });
});
