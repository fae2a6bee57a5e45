/**
 * multipart/form-data for pages that take a file without JavaScript (a questionnaire, a frame's CSV): a content-type
 * parser added to one encapsulated scope (withUploads), never to the whole app. The body is read whole (bounded by
 * `limit` bytes) and becomes an object: each text field a string, each file an Upload (name and bytes). A body that is
 * not well-formed multipart is a 400 naming why.
 */
import type { App } from './app-types.ts';
import { AppError } from './errors.ts';

export interface Upload {
  filename: string;
  contentType: string;
  data: Buffer;
}
/** Each text field a string; each file an Upload, or a list of them when several files share the field's name. */
export type MultipartBody = Record<string, string | Upload | Upload[]>;

export const isUpload = (v: unknown): v is Upload =>
  typeof v === 'object' && v !== null && Buffer.isBuffer((v as Upload).data);

/** The files of a field that may take several (`<input type="file" multiple>`), in the order sent. */
export const uploadsOf = (body: MultipartBody, name: string): Upload[] => {
  const v = body[name];
  return Array.isArray(v) ? v : isUpload(v) ? [v] : [];
};

const bad = (why: string) => new AppError(400, 'bad-upload', `The form could not be read: ${why}.`);

/** Splits a multipart body into its fields and files. An empty file input (no file chosen) is left out. */
export function parseMultipart(body: Buffer, contentType: string): MultipartBody {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) throw bad('no boundary in its content type');
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const out: MultipartBody = Object.create(null) as MultipartBody;
  let at = body.indexOf(delimiter);
  if (at < 0) throw bad('no part starts');
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return out;
    const headEnd = body.indexOf('\r\n\r\n', at);
    const next = body.indexOf(delimiter, at);
    if (headEnd < 0 || next < 0 || headEnd > next) throw bad('a part is cut short');
    const head = body.subarray(at, headEnd).toString('utf8');
    const data = body.subarray(headEnd + 4, next - 2); // less the CRLF before the delimiter
    const disposition = /content-disposition:([^\r\n]*)/i.exec(head)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (!name) throw bad('a part has no name');
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (filename !== undefined) {
      if (filename !== '' || data.length > 0) {
        const contentTypeOf = /content-type:\s*([^\r\n]*)/i.exec(head)?.[1]?.trim() ?? 'application/octet-stream';
        const file = {
          filename: filename.replace(/^.*[\\/]/, ''),
          contentType: contentTypeOf,
          data: Buffer.from(data),
        };
        const held = out[name];
        out[name] = Array.isArray(held) ? [...held, file] : isUpload(held) ? [held, file] : file;
      }
    } else out[name] = data.toString('utf8');
    at = next;
  }
}

/** Registers `routes` in a scope of their own that reads multipart/form-data bodies of up to `limit` bytes. */
export function withUploads(app: App, limit: number, routes: (scope: App) => void): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: limit }, (req, body, done) => {
      try {
        done(null, parseMultipart(body as Buffer, String(req.headers['content-type'] ?? '')));
      } catch (e) {
        done(e as Error, undefined);
      }
    });
    routes(scope as unknown as App);
  });
}
