import type { LineageAreaRow, LineageLinkRow } from './lineage.ts';
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../../platform/db.ts';

/** A Kysely handle, or anything holding one (the Db, or an import's transaction). */
export type Handle = Kysely<Database> | { kysely: Kysely<Database> };
const k = (h: Handle): Kysely<Database> => ('kysely' in h ? h.kysely : h);

const BATCH = 500;
async function insertBatches<T>(rows: T[], insert: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
}

export interface AreaRow {
  id: number;
  code: string;
  name: string;
  type: string;
  valid_from: string | null;
  valid_to: string | null;
  source: string | null;
  updated_at: string;
}
export interface NewArea {
  code: string;
  name: string;
  type: string;
  valid_from: string | null;
  valid_to: string | null;
  source: string | null;
  updated_at: string;
}
export interface ParentRow {
  area_id: number;
  relation: string;
  parent_id: number;
  valid_from: string;
  valid_to: string | null;
}
export interface NameRow {
  area_id: number;
  name: string;
  valid_from: string;
  valid_to: string | null;
}
export interface SuccessionRow {
  predecessor_id: number;
  successor_id: number;
  change_type: string;
  effective_date: string;
  note: string | null;
}
export interface LinkedArea {
  code: string;
  name: string;
  type: string;
  relation: string;
  valid_from: string;
  valid_to: string | null;
}
export interface SuccessionLink {
  code: string;
  name: string;
  type: string;
  change_type: string;
  effective_date: string;
  note: string | null;
}
export interface ListFilter {
  at: string;
  /** Only areas live at `at`; otherwise any area, whatever its dates. */
  liveOnly: boolean;
  q?: string | undefined;
  types?: string[] | undefined;
  regionCode?: string | undefined;
  limit: number;
  offset: number;
}

type Eb = ExpressionBuilder<Database, 'areas'>;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const liveWhere = (eb: Eb, at: string): Expression<SqlBool> =>
  eb.and([
    eb.or([eb('areas.valid_from', 'is', null), eb('areas.valid_from', '<=', at)]),
    eb.or([eb('areas.valid_to', 'is', null), eb('areas.valid_to', '>=', at)]),
  ]);
/** The name as at a date: the latest name begun by then, else the earliest known, else the area's own. */
const nameAt = (eb: Eb, at: string) =>
  eb.fn.coalesce(
    eb
      .selectFrom('area_names as n1')
      .select('n1.name')
      .whereRef('n1.area_id', '=', 'areas.id')
      .where('n1.valid_from', '<=', at)
      .orderBy('n1.valid_from', 'desc')
      .limit(1),
    eb
      .selectFrom('area_names as n2')
      .select('n2.name')
      .whereRef('n2.area_id', '=', 'areas.id')
      .orderBy('n2.valid_from')
      .limit(1),
    eb.ref('areas.name'),
  );

/** All SQL of the areas module. */
export const areasRepository = {
  // --- applying a geography bundle (inside the import's transaction) ---
  allAreas: (h: Handle): Promise<AreaRow[]> => k(h).selectFrom('areas').selectAll().execute(),
  allParents: (h: Handle): Promise<ParentRow[]> => k(h).selectFrom('area_parents').selectAll().execute(),
  allNames: (h: Handle): Promise<NameRow[]> => k(h).selectFrom('area_names').selectAll().execute(),
  allSuccessions: (h: Handle): Promise<SuccessionRow[]> => k(h).selectFrom('area_successions').selectAll().execute(),

  insertAreas: (h: Handle, rows: NewArea[]) =>
    insertBatches(rows, (part) => k(h).insertInto('areas').values(part).execute()),
  updateArea: (h: Handle, id: number, row: Omit<NewArea, 'code'>) =>
    k(h).updateTable('areas').set(row).where('id', '=', id).execute(),

  async replaceParents(h: Handle, areaIds: number[], rows: ParentRow[]): Promise<void> {
    await insertBatches(areaIds, (ids) => k(h).deleteFrom('area_parents').where('area_id', 'in', ids).execute());
    await insertBatches(rows, (part) => k(h).insertInto('area_parents').values(part).execute());
  },
  async replaceNames(h: Handle, areaIds: number[], rows: NameRow[]): Promise<void> {
    await insertBatches(areaIds, (ids) => k(h).deleteFrom('area_names').where('area_id', 'in', ids).execute());
    await insertBatches(rows, (part) => k(h).insertInto('area_names').values(part).execute());
  },
  async replaceSuccessions(h: Handle, predecessorIds: number[], rows: SuccessionRow[]): Promise<void> {
    await insertBatches(predecessorIds, (ids) =>
      k(h).deleteFrom('area_successions').where('predecessor_id', 'in', ids).execute(),
    );
    await insertBatches(rows, (part) => k(h).insertInto('area_successions').values(part).execute());
  },
  logChanges: (
    h: Handle,
    rows: {
      at: string;
      entity: string;
      action: string;
      entity_key: string;
      import_id: number | null;
      detail: string | null;
    }[],
  ) => insertBatches(rows, (part) => k(h).insertInto('change_log').values(part).execute()),

  // --- reading ---
  async list(h: Handle, f: ListFilter): Promise<{ total: number; rows: AreaRow[] }> {
    let q = k(h).selectFrom('areas');
    if (f.liveOnly) q = q.where((eb) => liveWhere(eb, f.at));
    if (f.types && f.types.length > 0) q = q.where('areas.type', 'in', f.types);
    if (f.q) {
      const like = `%${escapeLike(f.q.toLowerCase())}%`;
      const codeLike = `${escapeLike(f.q.toUpperCase())}%`;
      q = q.where((eb) =>
        eb.or([
          eb(sql`upper(areas.code)`, 'like', sql`${codeLike} escape '\\'`),
          eb(sql`lower(areas.name)`, 'like', sql`${like} escape '\\'`),
          eb.exists(
            eb
              .selectFrom('area_names as an')
              .select('an.area_id')
              .whereRef('an.area_id', '=', 'areas.id')
              .where(sql`lower(an.name)`, 'like', sql`${like} escape '\\'`),
          ),
        ]),
      );
    }
    if (f.regionCode) {
      const code = f.regionCode;
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('area_parents as rp')
            .innerJoin('areas as r', 'r.id', 'rp.parent_id')
            .select('rp.area_id')
            .whereRef('rp.area_id', '=', 'areas.id')
            .where('rp.relation', '=', 'region')
            .where('r.code', '=', code)
            .$if(f.liveOnly, (s) =>
              s
                .where('rp.valid_from', '<=', f.at)
                .where((e) => e.or([e('rp.valid_to', 'is', null), e('rp.valid_to', '>=', f.at)])),
            ),
        ),
      );
    }
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await q
      .select([
        'areas.id',
        'areas.code',
        'areas.type',
        'areas.valid_from',
        'areas.valid_to',
        'areas.source',
        'areas.updated_at',
      ])
      .select((eb) => nameAt(eb, f.at).as('name'))
      .orderBy('name')
      .orderBy('areas.code')
      .limit(f.limit)
      .offset(f.offset)
      .execute();
    return { total: Number(total?.n ?? 0), rows: rows.map((r) => ({ ...r, name: String(r.name) })) };
  },

  byCode: (h: Handle, code: string): Promise<AreaRow | undefined> =>
    k(h).selectFrom('areas').selectAll().where('code', '=', code).executeTakeFirst(),

  byCodes: (h: Handle, codes: string[]): Promise<AreaRow[]> =>
    codes.length === 0
      ? Promise.resolve([])
      : k(h).selectFrom('areas').selectAll().where('code', 'in', codes).execute(),

  namesOf: (h: Handle, areaIds: number[]): Promise<NameRow[]> =>
    areaIds.length === 0
      ? Promise.resolve([])
      : k(h)
          .selectFrom('area_names')
          .selectAll()
          .where('area_id', 'in', areaIds)
          .orderBy('area_id')
          .orderBy('valid_from')
          .execute(),

  /** Parents of some areas (every interval), with the parent's code, name, type and validity. */
  parentsOf: (h: Handle, areaIds: number[], relation?: string): Promise<(LinkedArea & { area_id: number })[]> =>
    areaIds.length === 0
      ? Promise.resolve([])
      : k(h)
          .selectFrom('area_parents as p')
          .innerJoin('areas', 'areas.id', 'p.parent_id')
          .select(['p.area_id', 'areas.code', 'areas.name', 'areas.type', 'p.relation', 'p.valid_from', 'p.valid_to'])
          .where('p.area_id', 'in', areaIds)
          .$if(relation !== undefined, (q) => q.where('p.relation', '=', relation!))
          .orderBy('p.valid_from')
          .execute(),

  /** Areas that have this one as a parent in the relation at a date, with their name at that date. */
  childrenAt: (h: Handle, parentId: number, relation: string, at: string) =>
    k(h)
      .selectFrom('area_parents as p')
      .innerJoin('areas', 'areas.id', 'p.area_id')
      .select(['areas.code', 'areas.type'])
      .select((eb) => nameAt(eb, at).as('name'))
      .where('p.parent_id', '=', parentId)
      .where('p.relation', '=', relation)
      .where('p.valid_from', '<=', at)
      .where((eb) => eb.or([eb('p.valid_to', 'is', null), eb('p.valid_to', '>=', at)]))
      .orderBy('areas.code')
      .execute(),

  /**
   * Areas of some types live at a date (ids for other modules; names for England's regions), optionally only those with
   * a given parent in a relation at that date.
   */
  liveOfTypes: (h: Handle, types: string[], at: string, parent?: { id: number; relation: string }) =>
    k(h)
      .selectFrom('areas')
      .select(['areas.id', 'areas.code', 'areas.type'])
      .select((eb) => nameAt(eb, at).as('name'))
      .where('areas.type', 'in', types)
      .where((eb) => liveWhere(eb, at))
      .$if(parent !== undefined, (q) =>
        q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('area_parents as p')
              .select('p.area_id')
              .whereRef('p.area_id', '=', 'areas.id')
              .where('p.parent_id', '=', parent!.id)
              .where('p.relation', '=', parent!.relation)
              .where('p.valid_from', '<=', at)
              .where((e) => e.or([e('p.valid_to', 'is', null), e('p.valid_to', '>=', at)])),
          ),
        ),
      )
      .orderBy('areas.code')
      .execute(),

  /** Successors (or predecessors) of some areas, with their names. */
  links: (
    h: Handle,
    areaIds: number[],
    direction: 'successors' | 'predecessors',
  ): Promise<(SuccessionLink & { area_id: number; linked_id: number })[]> => {
    if (areaIds.length === 0) return Promise.resolve([]);
    const [from, to] =
      direction === 'successors'
        ? (['s.predecessor_id', 's.successor_id'] as const)
        : (['s.successor_id', 's.predecessor_id'] as const);
    return k(h)
      .selectFrom('area_successions as s')
      .innerJoin('areas', 'areas.id', to)
      .select([
        `${from} as area_id`,
        'areas.id as linked_id',
        'areas.code',
        'areas.name',
        'areas.type',
        's.change_type',
        's.effective_date',
        's.note',
      ])
      .where(from, 'in', areaIds)
      .orderBy('areas.code')
      .execute();
  },

  /** Every area that has a predecessor or a successor, for the figure-source rule (lineage.ts). */
  lineageAreas: (h: Handle): Promise<LineageAreaRow[]> =>
    k(h)
      .selectFrom('areas')
      .select(['id', 'code', 'name', 'type', 'valid_from', 'valid_to'])
      .where((eb) =>
        eb.or([
          eb('id', 'in', eb.selectFrom('area_successions').select('predecessor_id')),
          eb('id', 'in', eb.selectFrom('area_successions').select('successor_id')),
        ]),
      )
      .execute(),

  /** Every succession link. */
  lineageLinks: (h: Handle): Promise<LineageLinkRow[]> =>
    k(h)
      .selectFrom('area_successions')
      .select(['predecessor_id', 'successor_id', 'change_type', 'effective_date'])
      .execute(),

  /** When the geography last changed: the newest area update. */
  lastModified: async (h: Handle): Promise<string | null> => {
    const r = await k(h)
      .selectFrom('areas')
      .select((eb) => eb.fn.max('updated_at').as('at'))
      .executeTakeFirst();
    return r?.at ?? null;
  },
};
