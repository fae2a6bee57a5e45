import { describe, expect, it } from 'vitest';
import { BinaryCopyReader, BinaryCopyWriter } from './pg-copy.ts';

describe('binary COPY', () => {
  it('BinaryCopyWriter writes rows BinaryCopyReader reads back: ints, floats, texts and NULLs, growing as it goes', () => {
    const w = new BinaryCopyWriter(8); // smaller than one row: it must grow
    const rows = [
      { id: 1, value: 1234.5678, note: 'Kent (E10000016): £557.6m, “quoted”\tand a tab' },
      { id: 2147483647, value: null, note: null },
      { id: -5, value: 0.1 + 0.2, note: '' },
    ];
    const at = Buffer.from('2026-12-07T00:00:00.000Z');
    for (const r of rows) {
      w.row(4);
      w.int4(r.id);
      w.float8(r.value);
      w.text(r.note);
      w.encoded(at);
    }
    const r = new BinaryCopyReader(w.finish());
    for (const row of rows) {
      expect(r.row()).toBe(4);
      expect(r.int4()).toBe(row.id);
      expect(r.float8()).toBe(row.value);
      expect(r.text()).toBe(row.note);
      expect(r.text()).toBe('2026-12-07T00:00:00.000Z');
    }
    expect(r.row()).toBe(-1);
  });

  it('writes −0 as 0, as the text format does, and keeps every other double exactly', () => {
    const w = new BinaryCopyWriter();
    const values = [-0, 5e-324, -1.7976931348623157e308, 1 / 3];
    w.row(values.length);
    for (const v of values) w.float8(v);
    const r = new BinaryCopyReader(w.finish());
    expect(r.row()).toBe(values.length);
    expect(Object.is(r.float8(), 0)).toBe(true);
    for (const v of values.slice(1)) expect(r.float8()).toBe(v);
  });
});
