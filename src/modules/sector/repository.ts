import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db.ts';
import type { EarlyWarningFlagsTable, VersionedDefinitionTable } from './tables.ts';

export type Handle = Kysely<Database> | { kysely: Kysely<Database> };
const k = (h: Handle): Kysely<Database> => ('kysely' in h ? h.kysely : h);

export type FlagRow = Omit<EarlyWarningFlagsTable, 'id'> & { id: number };
export type DefinitionRow = Omit<VersionedDefinitionTable, 'id'> & { id: number };
export type DefinitionTable = 'baskets' | 'rule_sets';

/** All SQL of the sector module. */
export const sectorRepository = {
  definitions: (h: Handle, table: DefinitionTable): Promise<DefinitionRow[]> =>
    k(h).selectFrom(table).selectAll().orderBy('code').orderBy('id').execute(),

  /** When a basket or rule set was last loaded (pages that show them change then). */
  lastLoaded: async (h: Handle, table: DefinitionTable): Promise<string | null> => {
    const r = await k(h)
      .selectFrom(table)
      .select((eb) => eb.fn.max('loaded_at').as('at'))
      .executeTakeFirst();
    return (r?.at as string | null | undefined) ?? null;
  },

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

  async insertRun(
    h: Handle,
    row: {
      rule_set_id: number;
      run_at: string;
      data_as_of: string | null;
      councils: number;
      flags: number;
      summary: string;
    },
  ): Promise<number> {
    const r = await k(h).insertInto('screening_runs').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  },

  latestRun: (h: Handle, ruleSetId: number) =>
    k(h)
      .selectFrom('screening_runs')
      .selectAll()
      .where('rule_set_id', '=', ruleSetId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),

  openFlags: (h: Handle, ruleSetId: number): Promise<FlagRow[]> =>
    k(h)
      .selectFrom('early_warning_flags')
      .selectAll()
      .where('rule_set_id', '=', ruleSetId)
      .where('left_at', 'is', null)
      .execute(),

  /** Every flag of a rule set, open and closed, with the council's code and name (the history). */
  flagHistory: (h: Handle, ruleSetId: number, areaId?: number) =>
    k(h)
      .selectFrom('early_warning_flags as f')
      .innerJoin('areas as a', 'a.id', 'f.area_id')
      .select(['f.id', 'f.rule_id', 'f.entered_at', 'f.left_at', 'f.evidence', 'a.code', 'a.name', 'a.type'])
      .where('f.rule_set_id', '=', ruleSetId)
      .$if(areaId !== undefined, (q) => q.where('f.area_id', '=', areaId!))
      .orderBy('a.code')
      .orderBy('f.entered_at')
      .execute(),

  insertFlag: (h: Handle, row: Omit<FlagRow, 'id'>) => k(h).insertInto('early_warning_flags').values(row).execute(),
  refreshFlag: (h: Handle, id: number, evidence: string) =>
    k(h).updateTable('early_warning_flags').set({ evidence }).where('id', '=', id).execute(),
  closeFlag: (h: Handle, id: number, at: string, runId: number) =>
    k(h).updateTable('early_warning_flags').set({ left_at: at, left_run_id: runId }).where('id', '=', id).execute(),

  flagById: (h: Handle, id: number) =>
    k(h).selectFrom('early_warning_flags').selectAll().where('id', '=', id).executeTakeFirst(),
  annotationsOf: (h: Handle, flagIds: number[]) =>
    flagIds.length === 0
      ? Promise.resolve([])
      : k(h).selectFrom('flag_annotations').selectAll().where('flag_id', 'in', flagIds).orderBy('created_at').execute(),
  insertAnnotation: (
    h: Handle,
    row: { flag_id: number; user_id: number | null; author: string; text: string; created_at: string },
  ) => k(h).insertInto('flag_annotations').values(row).execute(),
};
