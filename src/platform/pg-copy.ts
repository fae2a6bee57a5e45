/**
 * PostgreSQL's binary COPY out, for bulk reads: the rows come as typed fields, read straight into numbers, with no text
 * to parse and no object per field (the text protocol's parsing costs more than the query on a few thousand rows).
 */
import copyStreams from 'pg-copy-streams';
import type pg from 'pg';
import { withPoolClient } from './db.ts';

/** The bytes of `COPY (query) TO STDOUT (FORMAT binary)` on a client from the pool. */
export async function copyOutBinary(client: pg.PoolClient, query: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const b of client.query(copyStreams.to(`COPY (${query}) TO STDOUT (FORMAT binary)`)))
    chunks.push(b as Buffer);
  return Buffer.concat(chunks);
}

/** The same on a client taken from the pool for the copy and given back (discarded if its connection failed). */
export function copyOutFromPool(pool: pg.Pool, query: string): Promise<Buffer> {
  return withPoolClient(pool, (client) => copyOutBinary(client, query));
}

/** Ids are written into a COPY's query (COPY takes no parameters): they must be integers. */
export function idList(ids: readonly number[]): string {
  for (const id of ids) if (!Number.isSafeInteger(id)) throw new Error(`not an id: ${id}`);
  return ids.join(',');
}

/**
 * Reads the binary COPY format: a header, then per row a field count and each field as a length (−1 for NULL) and its
 * bytes. Fields are read in the query's order with the method for their type (int4, float8, text).
 */
export class BinaryCopyReader {
  private readonly buf: Buffer;
  private o: number;
  constructor(buf: Buffer) {
    this.buf = buf;
    this.o = 11 + 4; // signature, flags
    this.o += 4 + buf.readInt32BE(this.o); // header extension
  }

  /** The next row's field count, or −1 at the end. */
  row(): number {
    const n = this.buf.readInt16BE(this.o);
    this.o += 2;
    return n;
  }

  /** A NOT NULL int4. */
  int4(): number {
    const x = this.buf.readInt32BE(this.o + 4);
    this.o += 8;
    return x;
  }

  /** A float8, or null. */
  float8(): number | null {
    const len = this.buf.readInt32BE(this.o);
    this.o += 4;
    if (len < 0) return null;
    const x = this.buf.readDoubleBE(this.o);
    this.o += len;
    return x;
  }

  /** A text, or null; `emptyAsNull` treats '' as null too. */
  text(emptyAsNull = false): string | null {
    const len = this.buf.readInt32BE(this.o);
    this.o += 4;
    if (len < 0) return null;
    if (len === 0) return emptyAsNull ? null : '';
    const s = this.buf.toString('utf8', this.o, this.o + len);
    this.o += len;
    return s;
  }
}

/** The binary COPY format's signature, flags and header extension length. */
const SIGNATURE = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);

/**
 * Writes the binary COPY format (`COPY table (…) FROM STDIN (FORMAT binary)`): per row its field count, then each
 * field in the table's column order with the method for its type. The server takes the numbers as they are, with no
 * text to print here and parse there. A float8 of −0 is written as 0, as text COPY (String(−0)) writes it.
 */
export class BinaryCopyWriter {
  private buf: Buffer;
  private view: DataView;
  private o: number;
  constructor(capacity = 65_536) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, 64));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    SIGNATURE.copy(this.buf, 0);
    this.o = SIGNATURE.length;
  }

  private room(n: number): void {
    if (this.o + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.o + n));
    this.buf.copy(bigger, 0, 0, this.o);
    this.buf = bigger;
    this.view = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
  }

  /** Starts a row of `fields` fields. */
  row(fields: number): void {
    this.room(2);
    this.view.setInt16(this.o, fields);
    this.o += 2;
  }

  /** A NULL field when `v` is null (true), else nothing. */
  private nulled(v: unknown): v is null {
    if (v !== null) return false;
    this.room(4);
    this.view.setInt32(this.o, -1);
    this.o += 4;
    return true;
  }

  int4(v: number | null): void {
    if (this.nulled(v)) return;
    this.room(8);
    this.view.setInt32(this.o, 4);
    this.view.setInt32(this.o + 4, v);
    this.o += 8;
  }

  float8(v: number | null): void {
    if (this.nulled(v)) return;
    this.room(12);
    this.view.setInt32(this.o, 8);
    this.view.setFloat64(this.o + 4, v === 0 ? 0 : v);
    this.o += 12;
  }

  text(v: string | null): void {
    if (this.nulled(v)) return;
    this.room(4 + v.length * 3);
    const n = v.length === 0 ? 0 : this.buf.write(v, this.o + 4, 'utf8');
    this.view.setInt32(this.o, n);
    this.o += 4 + n;
  }

  /** A text field already encoded (UTF-8), such as one the same for every row. */
  encoded(b: Buffer): void {
    this.room(4 + b.length);
    this.view.setInt32(this.o, b.length);
    b.copy(this.buf, this.o + 4);
    this.o += 4 + b.length;
  }

  /** The bytes written, with the trailer. */
  finish(): Buffer {
    this.room(2);
    this.view.setInt16(this.o, -1);
    this.o += 2;
    return this.buf.subarray(0, this.o);
  }
}
