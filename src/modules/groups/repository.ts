import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db.ts';
import type { ComparisonGroupsTable, GroupFamiliesTable, GroupMembersTable } from './tables.ts';

/** A Kysely handle, or anything holding one (the Db, or an import's transaction). */
export type Handle = Kysely<Database> | { kysely: Kysely<Database> };
const k = (h: Handle): Kysely<Database> => ('kysely' in h ? h.kysely : h);

const BATCH = 500;
async function insertBatches<T>(rows: T[], insert: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
}

export type FamilyRow = Omit<GroupFamiliesTable, 'id'> & { id: number };
export type NewFamily = Omit<GroupFamiliesTable, 'id'>;
export type GroupRow = Omit<ComparisonGroupsTable, 'id'> & { id: number };
export type NewGroup = Omit<ComparisonGroupsTable, 'id'>;
export interface MemberRow {
  group_id: number;
  area_id: number;
  code: string;
  name: string;
  type: string;
  valid_from: string | null;
  valid_to: string | null;
  rank: number | null;
  distance: number | null;
  note: string | null;
  detail: string | null;
}
export interface AreaKey {
  id: number;
  code: string;
  type: string;
}

/** All SQL of the groups module. */
export const groupsRepository = {
  areaKeys: (h: Handle): Promise<AreaKey[]> => k(h).selectFrom('areas').select(['id', 'code', 'type']).execute(),

  areaRef: (h: Handle, id: number): Promise<{ code: string; name: string } | undefined> =>
    k(h).selectFrom('areas').select(['code', 'name']).where('id', '=', id).executeTakeFirst(),

  familyByCode: (h: Handle, code: string, version: string): Promise<FamilyRow | undefined> =>
    k(h)
      .selectFrom('group_families')
      .selectAll()
      .where('code', '=', code)
      .where('version', '=', version)
      .executeTakeFirst(),

  families: (h: Handle): Promise<FamilyRow[]> =>
    k(h).selectFrom('group_families').selectAll().orderBy('code').orderBy('version').execute(),

  familyById: (h: Handle, id: number): Promise<FamilyRow | undefined> =>
    k(h).selectFrom('group_families').selectAll().where('id', '=', id).executeTakeFirst(),

  async insertFamily(h: Handle, row: NewFamily): Promise<number> {
    const r = await k(h).insertInto('group_families').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  },

  updateFamily: (h: Handle, id: number, row: Omit<NewFamily, 'code' | 'version' | 'created_at'>) =>
    k(h).updateTable('group_families').set(row).where('id', '=', id).execute(),

  deleteFamilyGroups: async (h: Handle, familyId: number) => {
    await k(h)
      .deleteFrom('group_members')
      .where('group_id', 'in', (eb) =>
        eb.selectFrom('comparison_groups').select('id').where('family_id', '=', familyId),
      )
      .execute();
    await k(h).deleteFrom('comparison_groups').where('family_id', '=', familyId).execute();
  },

  async insertGroup(h: Handle, row: NewGroup): Promise<number> {
    const r = await k(h).insertInto('comparison_groups').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  },

  insertMembers: (h: Handle, rows: GroupMembersTable[]) =>
    insertBatches(rows, (part) => k(h).insertInto('group_members').values(part).execute()),

  replaceMembers: async (h: Handle, groupId: number, rows: GroupMembersTable[]) => {
    await k(h).deleteFrom('group_members').where('group_id', '=', groupId).execute();
    await insertBatches(rows, (part) => k(h).insertInto('group_members').values(part).execute());
  },

  updateGroup: (h: Handle, id: number, row: Partial<Omit<NewGroup, 'key' | 'created_at'>>) =>
    k(h).updateTable('comparison_groups').set(row).where('id', '=', id).execute(),

  deleteGroup: async (h: Handle, id: number) => {
    await k(h).deleteFrom('group_members').where('group_id', '=', id).execute();
    await k(h).deleteFrom('comparison_groups').where('id', '=', id).execute();
  },

  groupByKey: (h: Handle, key: string): Promise<GroupRow | undefined> =>
    k(h).selectFrom('comparison_groups').selectAll().where('key', '=', key).executeTakeFirst(),

  /** Groups of a family (optionally only the one owned by an area), in key order. */
  groupsOfFamily: (h: Handle, familyId: number, ownerAreaId?: number): Promise<GroupRow[]> =>
    k(h)
      .selectFrom('comparison_groups')
      .selectAll()
      .where('family_id', '=', familyId)
      .$if(ownerAreaId !== undefined, (q) => q.where('owner_area_id', '=', ownerAreaId!))
      .orderBy('key')
      .execute(),

  /** Every owner's members in one family version, for screening all councils at once. */
  neighbourSets: (h: Handle, familyId: number) =>
    k(h)
      .selectFrom('comparison_groups as g')
      .innerJoin('areas as o', 'o.id', 'g.owner_area_id')
      .innerJoin('group_members as m', 'm.group_id', 'g.id')
      .innerJoin('areas as a', 'a.id', 'm.area_id')
      .select(['g.key', 'o.code as owner', 'a.id', 'a.code', 'a.name', 'a.type', 'm.rank'])
      .where('g.family_id', '=', familyId)
      .orderBy('g.key')
      .orderBy('m.rank')
      .execute(),

  /** Groups owned by an area or containing it as a member (published families only). */
  groupsForArea: (h: Handle, areaId: number): Promise<GroupRow[]> =>
    k(h)
      .selectFrom('comparison_groups')
      .selectAll()
      .where('family_id', 'is not', null)
      .where((eb) =>
        eb.or([
          eb('owner_area_id', '=', areaId),
          eb.and([
            eb('type', '=', 'cluster'),
            eb.exists(
              eb
                .selectFrom('group_members as gm')
                .select('gm.area_id')
                .whereRef('gm.group_id', '=', 'comparison_groups.id')
                .where('gm.area_id', '=', areaId),
            ),
          ]),
        ]),
      )
      .orderBy('key')
      .execute(),

  setGroupKey: (h: Handle, id: number, key: string) =>
    k(h).updateTable('comparison_groups').set({ key }).where('id', '=', id).execute(),

  /** The names of the users who saved custom groups, by user id. */
  userNames: async (h: Handle, ids: number[]): Promise<Map<number, string>> => {
    if (ids.length === 0) return new Map();
    const rows = await k(h)
      .selectFrom('users')
      .select(['id', 'name'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  },

  /** Custom groups owned by a user. */
  groupsOfUser: (h: Handle, userId: number): Promise<GroupRow[]> =>
    k(h).selectFrom('comparison_groups').selectAll().where('owner_user_id', '=', userId).orderBy('name').execute(),

  /** Public custom groups. */
  publicCustomGroups: (h: Handle): Promise<GroupRow[]> =>
    k(h)
      .selectFrom('comparison_groups')
      .selectAll()
      .where('type', '=', 'custom')
      .where('visibility', '=', 'public')
      .orderBy('name')
      .execute(),

  membersOf: (h: Handle, groupIds: number[]): Promise<MemberRow[]> =>
    groupIds.length === 0
      ? Promise.resolve([])
      : k(h)
          .selectFrom('group_members as m')
          .innerJoin('areas as a', 'a.id', 'm.area_id')
          .select([
            'm.group_id',
            'm.area_id',
            'a.code',
            'a.name',
            'a.type',
            'a.valid_from',
            'a.valid_to',
            'm.rank',
            'm.distance',
            'm.note',
            'm.detail',
          ])
          .where('m.group_id', 'in', groupIds)
          .orderBy('m.group_id')
          .orderBy('m.rank')
          .orderBy('a.code')
          .execute(),

  countGroupsByFamily: async (h: Handle): Promise<Map<number, number>> => {
    const rows = await k(h)
      .selectFrom('comparison_groups')
      .select(['family_id'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('family_id', 'is not', null)
      .groupBy('family_id')
      .execute();
    return new Map(rows.map((r) => [r.family_id!, Number(r.n)]));
  },

  logChange: (
    h: Handle,
    row: {
      at: string;
      entity: string;
      action: string;
      entity_key: string;
      import_id: number | null;
      detail: string | null;
    },
  ) => k(h).insertInto('change_log').values(row).execute(),

  lastModified: async (h: Handle): Promise<string | null> => {
    const r = await k(h)
      .selectFrom('comparison_groups')
      .select((eb) => eb.fn.max('updated_at').as('at'))
      .executeTakeFirst();
    return r?.at ?? null;
  },
};
