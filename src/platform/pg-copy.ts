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
