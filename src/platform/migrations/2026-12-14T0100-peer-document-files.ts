import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Uploaded files of peer challenge documents (a position statement, report, action plan or progress review report
 * uploaded rather than linked): the bytes in the database (bytea / blob) beside the document's row, with the file's
 * name, checked content type, size and SHA-256.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('peer_document_files')
    .addColumn('document_id', 'integer', (c) => c.primaryKey().references('peer_documents.id'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('data', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .execute();
}
