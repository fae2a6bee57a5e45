import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import type { VersionedDefinitionTable } from './tables.ts';

export type Handle = Kysely<Database> | { kysely: Kysely<Database> };
const k = (h: Handle): Kysely<Database> => ('kysely' in h ? h.kysely : h);

export type DefinitionRow = Omit<VersionedDefinitionTable, 'id'> & { id: number };
export type DefinitionTable = 'baskets' | 'rule_sets';

/** All SQL of the sector module. */
export const sectorRepository = {
  definitions: (h: Handle, table: DefinitionTable): Promise<DefinitionRow[]> => k(h).selectFrom(table).selectAll().orderBy('code').orderBy('id').execute(),

  definition: (h: Handle, table: DefinitionTable, code: string, version?: string): Promise<DefinitionRow | undefined> =>
    k(h)
      .selectFrom(table)
      .selectAll()
      .where('code', '=', code)
      .$if(version !== undefined, (q) => q.where('version', '=', version!))
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),

  async insertDefinition(h: Handle, table: DefinitionTable, row: Omit<DefinitionRow, 'id'>): Promise<number> {
    const r = await k(h).insertInto(table).values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  },
};
