import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Full-text search of peer challenge findings and recommendations. The one migration branches per dialect: on SQLite
 * an external-content FTS5 index per table (porter stemming over unicode61), kept by triggers; on PostgreSQL a stored
 * generated tsvector column per table (English configuration) with a GIN index. The peer repository hides the
 * difference.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  for (const table of ['peer_findings', 'peer_recommendations']) {
    const t = sql.raw(table);
    const fts = sql.raw(`${table}_fts`);
    if (dialect === 'postgres') {
      await sql`alter table ${t} add column search tsvector generated always as (to_tsvector('english', text)) stored`.execute(
        db,
      );
      await sql`create index ${sql.raw(`${table}_search`)} on ${t} using gin (search)`.execute(db);
      continue;
    }
    await sql`create virtual table ${fts} using fts5(text, content='${sql.raw(table)}', content_rowid='id', tokenize='porter unicode61')`.execute(
      db,
    );
    await sql`create trigger ${sql.raw(`${table}_fts_ai`)} after insert on ${t} begin
      insert into ${fts}(rowid, text) values (new.id, new.text); end`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_fts_ad`)} after delete on ${t} begin
      insert into ${fts}(${fts}, rowid, text) values ('delete', old.id, old.text); end`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_fts_au`)} after update of text on ${t} begin
      insert into ${fts}(${fts}, rowid, text) values ('delete', old.id, old.text);
      insert into ${fts}(rowid, text) values (new.id, new.text); end`.execute(db);
    await sql`insert into ${fts}(${fts}) values ('rebuild')`.execute(db);
  }
}
