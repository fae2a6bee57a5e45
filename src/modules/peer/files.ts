/**
 * Uploaded document files: which kinds are taken (PDF and the office formats a council's report or action plan comes
 * in), how large, and the content type each is served with. The type is decided from the name's extension and checked
 * against the file's own first bytes; what the browser said is never believed.
 */
import { createHash } from 'node:crypto';

/** The largest document file taken, in bytes (10 MB). */
export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;
export const DOCUMENT_MAX_MB = DOCUMENT_MAX_BYTES / 1024 / 1024;

const PDF = Buffer.from('%PDF-');
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** Extension → the content type served and the bytes the file must start with. */
const TYPES: Record<string, { type: string; magic: Buffer; name: string }> = {
  pdf: { type: 'application/pdf', magic: PDF, name: 'PDF' },
  docx: {
    type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    magic: ZIP,
    name: 'Word',
  },
  xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', magic: ZIP, name: 'Excel' },
  pptx: {
    type: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    magic: ZIP,
    name: 'PowerPoint',
  },
  odt: { type: 'application/vnd.oasis.opendocument.text', magic: ZIP, name: 'OpenDocument text' },
  ods: { type: 'application/vnd.oasis.opendocument.spreadsheet', magic: ZIP, name: 'OpenDocument spreadsheet' },
};
export const DOCUMENT_EXTENSIONS = Object.keys(TYPES);

export interface CheckedFile {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  data: Buffer;
}

/** A file's name as kept and served: no path, no control or bidi characters, at most 200 characters. */
export function cleanFilename(name: string): string {
  const base = name
    .replace(/^.*[\\/]/, '')
    .replace(/[\p{Cc}\p{Cf}"]/gu, '')
    .trim();
  return base.length > 200 ? base.slice(base.length - 200) : base;
}

/** The file checked, or why it is refused (the message names the rule). */
export function checkDocumentFile(name: string, data: Buffer): CheckedFile | { problem: string } {
  const filename = cleanFilename(name);
  if (data.length === 0) return { problem: 'is empty' };
  if (data.length > DOCUMENT_MAX_BYTES)
    return {
      problem: `is ${(data.length / 1024 / 1024).toFixed(1)} MB; a document file may be at most ${DOCUMENT_MAX_MB} MB`,
    };
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? '';
  const t = TYPES[ext];
  if (!t)
    return { problem: `must be one of these kinds of file: ${DOCUMENT_EXTENSIONS.map((x) => `.${x}`).join(', ')}` };
  if (!data.subarray(0, t.magic.length).equals(t.magic))
    return { problem: `is named .${ext} but is not a ${t.name} file` };
  return {
    filename,
    contentType: t.type,
    size: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
    data,
  };
}

/** Content-Disposition for a download: an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
