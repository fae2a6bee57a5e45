import { describe, expect, it } from 'vitest';
import { columnsBuilder, LCI, UCI, VALUE } from './columns.ts';

describe('observation columns built a row at a time', () => {
  it('keeps every row, its nulls and its texts as it grows past its first size', () => {
    const b = columnsBuilder();
    const n = 5000;
    for (let i = 0; i < n; i++)
      b.add(
        i,
        i % 10,
        7,
        i % 3 === 0 ? null : i / 2,
        i % 5 === 0 ? i - 1 : null,
        i % 5 === 0 ? i + 1 : null,
        i % 7 === 0 ? 'b' : '',
        i === 4321 ? 'a note' : null,
      );
    const c = b.finish();
    expect(c.n).toBe(n);
    for (const i of [0, 1, 1023, 1024, 2047, 2048, 4321, n - 1]) {
      expect([c.metric[i], c.period[i], c.area[i]], String(i)).toEqual([i, i % 10, 7]);
      expect(c.flags[i]! & VALUE ? c.value[i] : null, String(i)).toBe(i % 3 === 0 ? null : i / 2);
      expect(c.flags[i]! & LCI ? c.lci[i] : null, String(i)).toBe(i % 5 === 0 ? i - 1 : null);
      expect(c.flags[i]! & UCI ? c.uci[i] : null, String(i)).toBe(i % 5 === 0 ? i + 1 : null);
      expect(c.status.get(i), String(i)).toBe(i % 7 === 0 ? 'b' : undefined);
    }
    expect(c.note.get(4321)).toBe('a note');
    expect(c.note.size).toBe(1);
    expect(c.status.size).toBe(Math.ceil(n / 7));
  });
});
