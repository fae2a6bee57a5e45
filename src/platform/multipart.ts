/**
 * multipart/form-data for pages that take a file without JavaScript (a publisher's file, a questionnaire, a frame's
 * CSV): a content-type parser added to one encapsulated scope (withUploads), never to the whole app. The body is read
 * as it streams in, never held whole: each text field becomes a string, each file is written to a private temporary
 * directory as its bytes arrive and becomes an Upload (its name, type, path and size). The limit counts the whole
 * body as it arrives: one byte over it and reading stops, the files are removed and the request is refused (413,
 * saying the limit). The directory is removed when the response has been sent, when the client goes away, and at
 * once when the body is refused or cut short. A body that is not well-formed multipart is a 400 naming why.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { App } from './app-types.ts';
import { AppError } from './errors.ts';

export interface Upload {
  filename: string;
  contentType: string;
  /** Where its bytes were written as they arrived (removed with the request's temporary directory). */
  path: string;
  size: number;
}
/** Each text field a string; each file an Upload, or a list of them when several files share the field's name. */
export type MultipartBody = Record<string, string | Upload | Upload[]>;

export const isUpload = (v: unknown): v is Upload =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Upload).path === 'string' &&
  typeof (v as Upload).size === 'number';

/** The files of a field that may take several (`<input type="file" multiple>`), in the order sent. */
export const uploadsOf = (body: MultipartBody, name: string): Upload[] => {
  const v = body[name];
  return Array.isArray(v) ? v : isUpload(v) ? [v] : [];
};

/** An upload's bytes (for the small files a form reads whole: a questionnaire, a CSV of contacts). */
export const readUpload = (u: Upload): Promise<Buffer> => readFile(u.path);

const bad = (why: string) => new AppError(400, 'bad-upload', `The form could not be read: ${why}.`);
const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
/** The refusal of a body over the limit (a page may say more: withUploads' `tooLarge`). */
export const uploadTooLarge = (limit: number) =>
  new AppError(413, 'upload-too-large', `The upload is larger than ${mb(limit)}, the most this form takes.`);

/** The longest a part's headers may be. */
const MAX_HEAD = 16 * 1024;

/**
 * Reads a multipart body from `stream` into its fields and files, each file written under `dir` as it arrives; more
 * than `limit` bytes in all is refused with `tooLarge()` at once (the stream is paused, not destroyed, so that the
 * refusal can still be sent). An empty file input (no file chosen) is left out. On any failure the files
 * written so far stay in `dir` for the caller to remove.
 */
export function readMultipart(
  stream: Readable,
  contentType: string,
  dir: string,
  limit: number,
  tooLarge: () => AppError = () => uploadTooLarge(limit),
): Promise<MultipartBody> {
  return new Promise((resolve, reject) => {
    let parser: ReturnType<typeof multipartParser>;
    const off = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onCut);
      stream.off('close', onCut);
    };
    const fail = (e: unknown) => {
      off();
      // Nothing more is read (an HTTP server discards the rest once the refusal is sent).
      stream.pause();
      parser?.close();
      reject(e as Error);
    };
    const onData = (chunk: Buffer) => {
      try {
        parser.push(chunk);
      } catch (e) {
        fail(e);
      }
    };
    const onEnd = () => {
      off();
      try {
        resolve(parser.end());
      } catch (e) {
        fail(e);
      }
    };
    // The client went away (or the connection failed) before the body ended.
    const onCut = () => fail(bad('it was cut short'));
    try {
      parser = multipartParser(contentType, dir, limit, tooLarge);
    } catch (e) {
      reject(e as Error);
      return;
    }
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onCut);
    stream.once('close', onCut);
  });
}

/** The state machine behind readMultipart: chunks pushed in order, then the body at the end. */
function multipartParser(contentType: string, dir: string, limit: number, tooLarge: () => AppError) {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) throw bad('no boundary in its content type');
  const dash = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  // Between parts the delimiter follows a line break; the first opens the body (after any preamble).
  const delimiter = Buffer.concat([Buffer.from('\r\n'), dash]);
  const out: MultipartBody = Object.create(null) as MultipartBody;
  let state: 'preamble' | 'after-delimiter' | 'head' | 'body' | 'done' = 'preamble';
  let buf: Buffer = Buffer.alloc(0);
  let total = 0;
  let files = 0;
  type Part = { name: string; filename?: string; type: string; fd?: number; path?: string; size: number };
  let part: Part = { name: '', type: '', size: 0 };
  let text: Buffer[] = [];

  const write = (data: Buffer) => {
    if (data.length === 0) return;
    part.size += data.length;
    if (part.fd !== undefined) writeSync(part.fd, data);
    else text.push(data);
  };
  const closeFile = () => {
    if (part.fd === undefined) return;
    closeSync(part.fd);
    delete part.fd;
  };
  const finishPart = () => {
    if (part.filename === undefined) {
      out[part.name] = Buffer.concat(text).toString('utf8');
      return;
    }
    closeFile();
    if (part.filename === '' && part.size === 0) return rmSync(part.path!, { force: true });
    const file: Upload = {
      filename: part.filename.replace(/^.*[\\/]/, ''),
      contentType: part.type,
      path: part.path!,
      size: part.size,
    };
    const held = out[part.name];
    out[part.name] = Array.isArray(held) ? [...held, file] : isUpload(held) ? [held, file] : file;
  };
  const startPart = (head: string) => {
    const disposition = /content-disposition:([^\r\n]*)/i.exec(head)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (!name) throw bad('a part has no name');
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const type = /content-type:\s*([^\r\n]*)/i.exec(head)?.[1]?.trim() ?? 'application/octet-stream';
    part = { name, type, size: 0, ...(filename === undefined ? {} : { filename }) };
    text = [];
    if (filename !== undefined) {
      part.path = path.join(dir, `part-${++files}`);
      part.fd = openSync(part.path, 'wx', 0o600);
    }
  };
  /** One step of the state machine over `buf`; false when it needs more bytes. */
  const step = (): boolean => {
    switch (state) {
      case 'preamble': {
        const at = buf.indexOf(dash);
        if (at < 0) {
          buf = buf.subarray(Math.max(0, buf.length - dash.length));
          return false;
        }
        buf = buf.subarray(at + dash.length);
        state = 'after-delimiter';
        return true;
      }
      case 'after-delimiter': {
        if (buf.length < 2) return false;
        const two = buf.subarray(0, 2).toString('latin1');
        if (two !== '--' && two !== '\r\n') throw bad('a delimiter is not followed by a line break');
        buf = buf.subarray(2);
        state = two === '--' ? 'done' : 'head';
        return state === 'head';
      }
      case 'head': {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buf.length > MAX_HEAD) throw bad("a part's headers are too long");
          return false;
        }
        startPart(buf.subarray(0, end).toString('utf8'));
        buf = buf.subarray(end + 4);
        state = 'body';
        return true;
      }
      case 'body': {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          // All but what could be the start of the delimiter is the part's.
          const keep = Math.min(buf.length, delimiter.length - 1);
          write(buf.subarray(0, buf.length - keep));
          buf = buf.subarray(buf.length - keep);
          return false;
        }
        write(buf.subarray(0, at));
        finishPart();
        buf = buf.subarray(at + delimiter.length);
        state = 'after-delimiter';
        return true;
      }
      case 'done':
        return false;
      default: {
        const never: never = state;
        throw new Error(`unknown state ${String(never)}`);
      }
    }
  };
  return {
    push(chunk: Buffer) {
      total += chunk.length;
      if (total > limit) throw tooLarge();
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (step());
    },
    end(): MultipartBody {
      if (state === 'preamble') throw bad('no part starts');
      if (state !== 'done') throw bad('it was cut short');
      return out;
    },
    /** Closes the file being written (after a failure). */
    close: closeFile,
  };
}

/** The temporary directory of each request whose body was read here, removed when the request is over. */
const dirs = new WeakMap<FastifyRequest, string>();
const removeDir = (req: FastifyRequest) => {
  const dir = dirs.get(req);
  if (!dir) return;
  dirs.delete(req);
  rmSync(dir, { recursive: true, force: true });
};

/**
 * Registers `routes` in a scope of their own that reads multipart/form-data bodies of up to `limit` bytes, streamed
 * to a temporary directory (see above). `tooLarge` is the refusal of a larger body (default: uploadTooLarge).
 */
export function withUploads(
  app: App,
  limit: number,
  routes: (scope: App) => void,
  opts: { tooLarge?: () => AppError } = {},
): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser('multipart/form-data', { bodyLimit: limit }, (req, payload, done) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'sli-upload-'));
      dirs.set(req, dir);
      const type = String(req.headers['content-type'] ?? '');
      readMultipart(payload as unknown as Readable, type, dir, limit, opts.tooLarge).then(
        (body) => done(null, body),
        (e: unknown) => {
          removeDir(req);
          done(e as Error, undefined);
        },
      );
    });
    scope.addHook('onResponse', async (req) => removeDir(req));
    scope.addHook('onRequestAbort', async (req) => removeDir(req));
    routes(scope as unknown as App);
  });
}
