import { describe, expect, it } from 'vitest';
import { parseMultipart, uploadsOf } from './multipart.ts';

/** A body as a browser encodes a form (undici's encoder, as in Node's fetch). */
async function encode(form: FormData) {
  const req = new Request('http://x/', { method: 'POST', body: form });
  return { body: Buffer.from(await req.arrayBuffer()), type: req.headers.get('content-type')! };
}

describe('parseMultipart', () => {
  it('reads text fields and files; several files under one name are kept in order; no file chosen is none', async () => {
    const form = new FormData();
    form.append('importer', 'long-csv');
    form.append('files', new Blob(['a,b\n1,2\n']), 'one.csv');
    form.append('files', new Blob(['c\n3\n']), 'two.csv');
    form.append('csv', new Blob(['area\nTrafford\n']), 'frame.csv');
    form.append('empty', new Blob([]), '');
    const { body, type } = await encode(form);
    const out = parseMultipart(body, type);
    expect(out.importer).toBe('long-csv');
    expect(uploadsOf(out, 'files').map((f) => [f.filename, f.data.toString()])).toEqual([
      ['one.csv', 'a,b\n1,2\n'],
      ['two.csv', 'c\n3\n'],
    ]);
    expect(uploadsOf(out, 'csv').map((f) => f.filename)).toEqual(['frame.csv']);
    expect(uploadsOf(out, 'empty')).toEqual([]);
    expect(uploadsOf(out, 'importer')).toEqual([]);
  });

  it('a body that is not multipart says why', () => {
    expect(() => parseMultipart(Buffer.from('x'), 'multipart/form-data')).toThrow(/no boundary/);
    expect(() => parseMultipart(Buffer.from('x'), 'multipart/form-data; boundary=b')).toThrow(/no part starts/);
  });
});
