import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readMultipart, uploadsOf } from './multipart.ts';

/** A body as a browser encodes a form (undici's encoder, as in Node's fetch). */
async function encode(form: FormData) {
  const req = new Request('http://x/', { method: 'POST', body: form });
  return { body: Buffer.from(await req.arrayBuffer()), type: req.headers.get('content-type')! };
}

/** The body as a stream of chunks of `size` bytes, counting those read. */
function chunked(body: Buffer, size: number) {
  const read = { chunks: 0 };
  const chunks: Buffer[] = [];
  for (let i = 0; i < body.length; i += size) chunks.push(body.subarray(i, i + size));
  const stream = Readable.from(
    (function* () {
      for (const c of chunks) {
        read.chunks++;
        yield c;
      }
    })(),
    { objectMode: false },
  );
  return { stream, read, total: chunks.length };
}

describe('readMultipart', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'multipart-test-'));
  const dirFor = () => mkdtempSync(path.join(root, 'req-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function sample() {
    const form = new FormData();
    form.append('importer', 'long-csv');
    form.append('files', new Blob(['a,b\n1,2\n']), 'one.csv');
    form.append('files', new Blob(['c\n3\n'.repeat(5000)]), 'C:\\Users\\me\\two.csv');
    form.append('csv', new Blob(['area\nTrafford\n']), 'frame.csv');
    form.append('empty', new Blob([]), '');
    form.append('json', '{ "pages": [] }');
    return encode(form);
  }

  for (const size of [1, 7, 64 * 1024])
    it(`reads text fields, and files to disk as they arrive (chunks of ${size} bytes); no file chosen is none`, async () => {
      const { body, type } = await sample();
      const dir = dirFor();
      const out = await readMultipart(chunked(body, size).stream, type, dir, body.length);
      expect(out.importer).toBe('long-csv');
      expect(out.json).toBe('{ "pages": [] }');
      const files = uploadsOf(out, 'files');
      expect(files.map((f) => [f.filename, f.size, readFileSync(f.path, 'utf8')])).toEqual([
        ['one.csv', 8, 'a,b\n1,2\n'],
        ['two.csv', 20_000, 'c\n3\n'.repeat(5000)],
      ]);
      expect(files.every((f) => path.dirname(f.path) === dir)).toBe(true);
      expect(uploadsOf(out, 'csv').map((f) => f.filename)).toEqual(['frame.csv']);
      expect(uploadsOf(out, 'empty')).toEqual([]);
      expect(readdirSync(dir)).toHaveLength(3);
    });

  it('stops reading at the first byte over the limit, refusing the upload (413) with the limit', async () => {
    const form = new FormData();
    form.append('files', new Blob(['x'.repeat(1024 * 1024)]), 'big.csv');
    const { body, type } = await encode(form);
    const c = chunked(body, 16 * 1024);
    const limit = 100 * 1024;
    let readThen = 0;
    const dir = dirFor();
    const refused = await readMultipart(c.stream, type, dir, limit).catch((e: unknown) => {
      readThen = c.read.chunks;
      return e;
    });
    expect(refused).toMatchObject({ status: 413, code: 'upload-too-large' });
    expect(String((refused as Error).message)).toBe('The upload is larger than 0.1 MB, the most this form takes.');
    // Refused as the limit passed (the stream may have read a little ahead), long before the body's end.
    expect(readThen).toBeGreaterThanOrEqual(Math.ceil((limit + 1) / (16 * 1024)));
    expect(readThen).toBeLessThan(c.total / 2);
    // What was written of the file is under the limit (the caller removes it).
    const written = readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThanOrEqual(limit);
  });

  it('a body that is not multipart, or is cut short, says why', async () => {
    const one = (b: string, type: string) => readMultipart(Readable.from([Buffer.from(b)]), type, dirFor(), 1000);
    await expect(one('x', 'multipart/form-data')).rejects.toThrow(/no boundary/);
    await expect(one('x', 'multipart/form-data; boundary=b')).rejects.toThrow(/no part starts/);
    const { body, type } = await sample();
    const half = Readable.from([body.subarray(0, body.length / 2)]);
    await expect(readMultipart(half, type, dirFor(), body.length)).rejects.toThrow(/cut short/);
    const broken = new Readable({ read() {} });
    const reading = readMultipart(broken, type, dirFor(), body.length);
    broken.push(body.subarray(0, 100));
    broken.destroy(new Error('aborted'));
    await expect(reading).rejects.toThrow(/cut short/);
  });
});
