/**
 * Comparison groups as first-class objects (conventions.md): built-in groups derived from the geography as at a date
 * (same authority type, councils of one tier, a region, the districts of a county, a combined authority, England),
 * published families and our own neighbours model (stored by imports), and custom groups.
 *
 * Ids, stable and readable in URLs:
 *   type:E08                         every council of one type
 *   tier:upper | tier:lower          every council running upper-tier (or lower-tier) services
 *   region:E12000002                 every council in a region
 *   county:E10000014                 the districts of a county
 *   combined-authority:E47000001     the councils of a combined authority
 *   england                          every council in England
 *   <family>@<version>:<GSS code>    a council's neighbours in a family, e.g. dfe-statistical-neighbours@2025:E08000009
 *   <family>@<version>:cluster-<x>   a cluster, e.g. ons-cluster-global@2026:cluster-a
 *   custom-<n>                       a custom group saved by a registered user
 */
import type { Db } from '../../platform/db.ts';
import { randomUUID } from 'node:crypto';
import { AppError, invalidParameter, notFound, type FieldError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { COUNCIL_TYPES, type AreasService, parseAt, typeInfo, type AreaRef, type LiveArea } from '../areas/index.ts';
import { groupsRepository as repo, type FamilyRow, type GroupRow, type MemberRow } from './repository.ts';
import { checkStoredText, normaliseText } from '../../platform/text.ts';

export type GroupType =
  | 'authority-type'
  | 'tier'
  | 'region'
  | 'county'
  | 'combined-authority'
  | 'england'
  | 'nearest-neighbours'
  | 'family'
  | 'cluster'
  | 'custom';

export interface FamilyDto {
  id: string;
  code: string;
  version: string;
  kind: string;
  name: string;
  description: string | null;
  method: string | null;
  model: unknown;
  areaTypes: string[];
  source: { publisher: string; url: string | null; licence: string; attribution: string | null };
  caveats: string | null;
  publishedAt: string | null;
  groups?: number;
}

export interface GroupMemberDto {
  code: string;
  name: string;
  type: string;
  rank: number | null;
  distance: number | null;
  note: string | null;
  /** For our own model: each variable's contribution to the distance. */
  detail: unknown;
  /**
   * False when the member's code had ended by the date asked for (published families keep the codes they were built
   * on).
   */
  current: boolean;
}

export interface GroupDto {
  id: string;
  type: GroupType;
  name: string;
  description: string | null;
  builtIn: boolean;
  /** The date the membership describes (built-in groups follow the geography). */
  at: string;
  owner: AreaRef | null;
  family: FamilyDto | null;
  /** GSS prefixes the members are drawn from; a comparison narrows built-in groups to the metric's tier. */
  memberTypes: string[];
  members: GroupMemberDto[];
  licence: string;
  attribution: string;
  /** Custom groups only: who may open it, and the name of the registered user who saved it. */
  visibility?: Visibility;
  createdBy?: string;
}

/** Members as the compare module needs them. */
export interface ResolvedGroup {
  group: GroupDto;
  members: (LiveArea & { rank: number | null; distance: number | null })[];
}

export const TIER_TYPES = { upper: ['E06', 'E08', 'E09', 'E10'], lower: ['E06', 'E07', 'E08', 'E09'] } as const;
const GEOGRAPHY_ATTRIBUTION =
  'Membership from the geography: Office for National Statistics, Open Geography Portal, Open Government Licence v3.0.';

export function toFamilyDto(f: FamilyRow, groups?: number): FamilyDto {
  return {
    id: `${f.code}@${f.version}`,
    code: f.code,
    version: f.version,
    kind: f.kind,
    name: f.name,
    description: f.description,
    method: f.method,
    model: f.model ? (JSON.parse(f.model) as unknown) : null,
    areaTypes: JSON.parse(f.area_types) as string[],
    source: { publisher: f.publisher, url: f.url, licence: f.licence, attribution: f.attribution },
    caveats: f.caveats,
    publishedAt: f.published_at,
    ...(groups !== undefined ? { groups } : {}),
  };
}

const toMemberDto = (m: MemberRow, at: string): GroupMemberDto => ({
  code: m.code,
  name: m.name,
  type: m.type,
  rank: m.rank,
  distance: m.distance,
  note: m.note,
  detail: m.detail ? (JSON.parse(m.detail) as unknown) : null,
  current: !(m.valid_to !== null && m.valid_to < at) && !(m.valid_from !== null && m.valid_from > at),
});

/** A stored group (a family's, or a custom one) as the API shows it, and its members with their area ids. */
function toResolved(
  row: GroupRow,
  at: string,
  family: FamilyRow | undefined,
  members: MemberRow[],
  owner: AreaRef | undefined,
  names: Map<number, string>,
): ResolvedGroup {
  const fam = family ? toFamilyDto(family) : null;
  const group: GroupDto = {
    id: row.key,
    type: row.type as GroupType,
    name: row.name,
    description: row.description,
    builtIn: false,
    at,
    owner: owner ?? null,
    family: fam,
    memberTypes: fam?.areaTypes ?? [...new Set(members.map((m) => m.type))].sort(),
    members: members.map((m) => toMemberDto(m, at)),
    licence: fam?.source.licence ?? 'OGL-UK-3.0',
    attribution:
      fam?.source.attribution ?? fam?.source.publisher ?? 'Custom group defined by a registered user of this service.',
    ...(row.type === 'custom'
      ? {
          visibility: row.visibility as Visibility,
          createdBy: (row.owner_user_id !== null ? names.get(row.owner_user_id) : undefined) ?? 'a former user',
        }
      : {}),
  };
  return {
    group,
    members: members.map((m) => ({
      id: m.area_id,
      code: m.code,
      name: m.name,
      type: m.type,
      rank: m.rank,
      distance: m.distance,
    })),
  };
}

type BuiltIn =
  | { kind: 'authority-type'; prefix: string }
  | { kind: 'tier'; tier: 'upper' | 'lower' }
  | { kind: 'region' | 'county' | 'combined-authority'; code: string }
  | { kind: 'england' };

/** Parses a built-in group id; undefined for a stored group's id. Throws for a malformed built-in id. */
export function parseBuiltIn(id: string): BuiltIn | undefined {
  if (id === 'england') return { kind: 'england' };
  const m = /^(type|tier|region|county|combined-authority):(.+)$/.exec(id);
  if (!m) return undefined;
  const [, kind, arg] = m as unknown as [string, string, string];
  const bad = (what: string) => invalidParameter('group', `"${arg}" is not ${what}`, id);
  switch (kind) {
    case 'type':
      if (!COUNCIL_TYPES.includes(arg.toUpperCase())) throw bad('a council type (E06, E07, E08, E09 or E10)');
      return { kind: 'authority-type', prefix: arg.toUpperCase() };
    case 'tier':
      if (arg !== 'upper' && arg !== 'lower') throw bad('a tier (upper or lower)');
      return { kind: 'tier', tier: arg };
    case 'region':
      if (!/^E12\d{6}$/i.test(arg)) throw bad('a region code such as E12000002');
      return { kind: 'region', code: arg.toUpperCase() };
    case 'county':
      if (!/^E10\d{6}$/i.test(arg)) throw bad('a county code such as E10000014');
      return { kind: 'county', code: arg.toUpperCase() };
    default:
      if (!/^E47\d{6}$/i.test(arg)) throw bad('a combined authority code such as E47000001');
      return { kind: 'combined-authority', code: arg.toUpperCase() };
  }
}

/** Who is asking: a private custom group is visible to its owner only. */
export interface Viewer {
  id: number;
  role: string;
}

export interface CustomGroupInput {
  name: string;
  description?: string | undefined;
  members: string[];
  visibility?: string | undefined;
}

export const VISIBILITIES = ['private', 'shared', 'public'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** A custom group may be deleted by its owner or an administrator. */
const mayDelete = (row: GroupRow, viewer: Viewer | undefined): boolean =>
  viewer !== undefined && row.type === 'custom' && (row.owner_user_id === viewer.id || viewer.role === 'admin');

export interface GroupsService {
  getGroup(id: string, at?: string, viewer?: Viewer): Promise<GroupDto>;
  /** The group's members as at a date with their area ids, for comparisons. */
  resolve(id: string, at?: string, viewer?: Viewer): Promise<ResolvedGroup>;
  /**
   * Saves a custom group for a registered user. Every member must be a current council: duplicates, unknown codes and
   * retired codes (naming the successor to use) are refused field by field, and nothing is saved.
   */
  createCustom(owner: Viewer, input: CustomGroupInput, now?: Date): Promise<GroupDto>;
  /** A user's own custom groups. */
  customGroupsOf(owner: Viewer): Promise<GroupDto[]>;
  /** The custom groups their owners made public (listed for everyone), by name. */
  publicCustomGroups(): Promise<GroupDto[]>;
  /** Deletes a custom group: its owner or an administrator only. */
  deleteCustom(viewer: Viewer, id: string): Promise<void>;
  /** True when the viewer may delete the group (a custom group they own, or any custom group for an administrator). */
  canDelete(viewer: Viewer | undefined, id: string): Promise<boolean>;
  /** Every family with its number of groups. */
  families(): Promise<FamilyDto[]>;
  /**
   * The groups a council can be compared with at a date: built-in ones, the neighbour sets it owns and the clusters it
   * is in.
   */
  groupsForArea(code: string, at?: string): Promise<GroupDto[]>;
  /**
   * The built-in groups that exist at a date (types, tiers, regions, counties, combined authorities, England), without
   * members.
   */
  builtInGroups(at?: string): Promise<Omit<GroupDto, 'members'>[]>;
  /**
   * Each council's neighbour set in the newest version of a family, keyed by the owner's code (for screening every
   * council at once); undefined when the family is not loaded.
   */
  neighbourSets(
    familyCode: string,
    version?: string,
  ): Promise<
    | {
        family: FamilyDto;
        sets: Map<string, { groupId: string; members: { id: number; code: string; name: string; type: string }[] }>;
      }
    | undefined
  >;
  lastModified(): Promise<string | null>;
}

export function createGroupsService(db: Db, deps: { areas: AreasService }): GroupsService {
  const { areas } = deps;

  async function builtIn(b: BuiltIn, id: string, at: string): Promise<ResolvedGroup> {
    let types: string[] = [...COUNCIL_TYPES];
    let name: string;
    let owner: AreaRef | null = null;
    let parent: { code: string; relation: string } | undefined;
    let type: GroupType;
    switch (b.kind) {
      case 'authority-type':
        types = [b.prefix];
        name = `${typeInfo(b.prefix).name}s in England`.replace('ys in', 'ies in');
        type = 'authority-type';
        break;
      case 'tier':
        types = [...TIER_TYPES[b.tier]];
        name =
          b.tier === 'upper'
            ? 'Councils running upper-tier services (counties and single-tier councils)'
            : 'Councils running lower-tier services (districts and single-tier councils)';
        type = 'tier';
        break;
      case 'england':
        name = 'All councils in England';
        type = 'england';
        break;
      case 'region':
      case 'county':
      case 'combined-authority': {
        const [area] = (await areas.resolveCodes([b.code])).areas;
        if (!area || area.type !== b.code.slice(0, 3)) throw notFound('Group', id);
        owner = { code: area.code, name: area.name };
        parent = { code: b.code, relation: b.kind };
        types = b.kind === 'county' ? ['E07'] : [...COUNCIL_TYPES];
        name =
          b.kind === 'region'
            ? `Councils in ${area.name}`
            : b.kind === 'county'
              ? `Districts of ${area.name}`
              : `Councils of ${area.name}`;
        type = b.kind;
        break;
      }
      default: {
        const never: never = b;
        throw new Error(`unknown built-in group ${JSON.stringify(never)}`);
      }
    }
    const live = await areas.liveAreas({ types, parent }, at);
    const group: GroupDto = {
      id,
      type,
      name,
      description: `Built from the geography as at ${at}.`,
      builtIn: true,
      at,
      owner,
      family: null,
      memberTypes: types,
      members: live.map((a) => ({
        code: a.code,
        name: a.name,
        type: a.type,
        rank: null,
        distance: null,
        note: null,
        detail: null,
        current: true,
      })),
      licence: 'OGL-UK-3.0',
      attribution: GEOGRAPHY_ATTRIBUTION,
    };
    return { group, members: live.map((a) => ({ ...a, rank: null, distance: null })) };
  }

  async function stored(row: GroupRow, at: string): Promise<ResolvedGroup> {
    const [family, members, owner, names] = await Promise.all([
      row.family_id !== null ? repo.familyById(db, row.family_id) : Promise.resolve(undefined),
      repo.membersOf(db, [row.id]),
      row.owner_area_id !== null ? repo.areaRef(db, row.owner_area_id) : Promise.resolve(undefined),
      repo.userNames(db, row.owner_user_id !== null ? [row.owner_user_id] : []),
    ]);
    return toResolved(row, at, family, members, owner, names);
  }

  /** Custom groups (no family, no owner area) with their members and owners' names read in one query each. */
  async function storedCustom(rows: GroupRow[], at: string): Promise<GroupDto[]> {
    const [members, names] = await Promise.all([
      repo.membersOf(
        db,
        rows.map((r) => r.id),
      ),
      repo.userNames(
        db,
        rows.flatMap((r) => (r.owner_user_id !== null ? [r.owner_user_id] : [])),
      ),
    ]);
    const byGroup = new Map<number, MemberRow[]>(rows.map((r) => [r.id, []]));
    for (const m of members) byGroup.get(m.group_id)?.push(m);
    return rows.map((r) => toResolved(r, at, undefined, byGroup.get(r.id)!, undefined, names).group);
  }

  async function resolve(rawId: string, rawAt?: string, viewer?: Viewer): Promise<ResolvedGroup> {
    const id = rawId.trim();
    const at = parseAt(rawAt);
    const b = parseBuiltIn(id);
    if (b) return builtIn(b, id, at);
    const row = await repo.groupByKey(db, id);
    if (!row || (row.type === 'custom' && row.visibility === 'private' && row.owner_user_id !== viewer?.id))
      throw notFound('Group', id);
    return stored(row, at);
  }

  async function createCustom(owner: Viewer, input: CustomGroupInput, now = new Date()): Promise<GroupDto> {
    const errors: FieldError[] = [];
    const name = normaliseText((input.name ?? '').trim());
    if (name === '' || name.length > 120)
      errors.push({ field: 'name', value: input.name, message: 'is required, up to 120 characters' });
    const unsafeName = checkStoredText('name', name);
    if (unsafeName) errors.push(unsafeName);
    const visibility = input.visibility ?? 'private';
    if (!(VISIBILITIES as readonly string[]).includes(visibility))
      errors.push({ field: 'visibility', value: visibility, message: `must be one of ${VISIBILITIES.join(', ')}` });
    const codes = (input.members ?? []).map((c) => String(c).trim().toUpperCase());
    if (codes.length < 2 || codes.length > 500)
      errors.push({ field: 'members', value: String(codes.length), message: 'a group has from 2 to 500 councils' });
    const first = new Map<string, number>();
    codes.forEach((c, i) => {
      if (!/^E\d{8}$/.test(c))
        errors.push({ field: `members[${i}]`, value: c, message: 'is not an English GSS code such as E08000009' });
      else if (first.has(c))
        errors.push({
          field: `members[${i}]`,
          value: c,
          message: `is listed twice (also at members[${first.get(c)}])`,
        });
      else first.set(c, i);
    });
    const { areas: found, unknown } = await areas.resolveCodes([...first.keys()]);
    for (const u of unknown)
      errors.push({ field: `members[${first.get(u)}]`, value: u, message: 'is not an area code we know' });
    for (const a of found) {
      if (a.status === 'retired')
        errors.push({
          field: `members[${first.get(a.code)}]`,
          value: a.code,
          message: `${a.note ?? `${a.code} has ended`}: use the current code`,
        });
      else if (!COUNCIL_TYPES.includes(a.type))
        errors.push({
          field: `members[${first.get(a.code)}]`,
          value: a.code,
          message: `${a.name} is not a council (type ${a.type})`,
        });
    }
    if (errors.length)
      throw new AppError(400, 'invalid-group', 'The group was not saved: correct the fields listed.', errors);
    const stamp = now.toISOString();
    const id = await withTransaction(db, async (tx) => {
      const gid = await repo.insertGroup(tx, {
        family_id: null,
        key: `custom-new-${randomUUID()}`,
        type: 'custom',
        name,
        description: input.description?.trim() || null,
        owner_area_id: null,
        owner_user_id: owner.id,
        visibility,
        created_at: stamp,
        updated_at: stamp,
      });
      await repo.setGroupKey(tx, gid, `custom-${gid}`);
      const byCode = new Map(found.map((a) => [a.code, a.id]));
      await repo.insertMembers(
        tx,
        [...first.keys()].map((c, i) => ({
          group_id: gid,
          area_id: byCode.get(c)!,
          rank: i + 1,
          distance: null,
          note: null,
          detail: null,
        })),
      );
      return gid;
    });
    return (await resolve(`custom-${id}`, undefined, owner)).group;
  }

  async function deleteCustom(viewer: Viewer, rawId: string): Promise<void> {
    const row = await repo.groupByKey(db, rawId.trim());
    if (!row || row.type !== 'custom' || (row.visibility === 'private' && !mayDelete(row, viewer)))
      throw notFound('Group', rawId);
    if (!mayDelete(row, viewer))
      throw new AppError(403, 'forbidden', 'Only the owner of a group or an administrator can delete it.');
    await withTransaction(db, (tx) => repo.deleteGroup(tx, row.id));
  }

  return {
    resolve,
    createCustom,
    customGroupsOf: async (owner) => storedCustom(await repo.groupsOfUser(db, owner.id), parseAt(undefined)),
    publicCustomGroups: async () => storedCustom(await repo.publicCustomGroups(db), parseAt(undefined)),
    deleteCustom,
    canDelete: async (viewer, id) => {
      const row = await repo.groupByKey(db, id.trim());
      return row !== undefined && mayDelete(row, viewer);
    },
    getGroup: async (id, at, viewer) => (await resolve(id, at, viewer)).group,

    async families() {
      const [rows, counts] = await Promise.all([repo.families(db), repo.countGroupsByFamily(db)]);
      return rows.map((f) => toFamilyDto(f, counts.get(f.id) ?? 0));
    },

    async groupsForArea(rawCode, rawAt) {
      const at = parseAt(rawAt);
      const area = await areas.getArea(rawCode, at);
      const ids: string[] = [];
      if (COUNCIL_TYPES.includes(area.type)) {
        ids.push(`type:${area.type}`);
        if (area.type !== 'E07') ids.push('tier:upper');
        if (area.type !== 'E10') ids.push('tier:lower');
      }
      if (area.parents.region) ids.push(`region:${area.parents.region.code}`);
      if (area.parents.county) ids.push(`county:${area.parents.county.code}`);
      if (area.parents.combinedAuthority) ids.push(`combined-authority:${area.parents.combinedAuthority.code}`);
      ids.push('england');
      const [areaRow] = (await areas.resolveCodes([area.code])).areas;
      const storedRows = areaRow ? await repo.groupsForArea(db, areaRow.id) : [];
      const out: GroupDto[] = [];
      for (const id of ids) out.push((await resolve(id, at)).group);
      for (const r of storedRows) out.push((await stored(r, at)).group);
      return out;
    },

    async builtInGroups(rawAt) {
      const at = parseAt(rawAt);
      const ids = [...COUNCIL_TYPES.map((t) => `type:${t}`), 'tier:upper', 'tier:lower', 'england'];
      const parents = await areas.liveAreas({ types: ['E12', 'E10', 'E47'] }, at);
      for (const p of parents)
        ids.push(`${p.type === 'E12' ? 'region' : p.type === 'E10' ? 'county' : 'combined-authority'}:${p.code}`);
      const out: Omit<GroupDto, 'members'>[] = [];
      for (const id of ids) {
        const { members: _m, ...g } = (await resolve(id, at)).group;
        out.push(g);
      }
      return out;
    },

    async neighbourSets(familyCode, version) {
      const versions = (await repo.families(db)).filter(
        (f) =>
          f.code === familyCode && f.kind === 'nearest-neighbours' && (version === undefined || f.version === version),
      );
      const newest = versions.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id).at(-1);
      if (!newest) return undefined;
      const sets = new Map<
        string,
        { groupId: string; members: { id: number; code: string; name: string; type: string }[] }
      >();
      for (const r of await repo.neighbourSets(db, newest.id)) {
        let s = sets.get(r.owner);
        if (!s) sets.set(r.owner, (s = { groupId: r.key, members: [] }));
        s.members.push({ id: r.id, code: r.code, name: r.name, type: r.type });
      }
      return { family: toFamilyDto(newest), sets };
    },

    lastModified: async () => {
      const [g, a] = await Promise.all([repo.lastModified(db), areas.lastModified()]);
      return (
        [g, a]
          .filter((x): x is string => !!x)
          .sort()
          .at(-1) ?? null
      );
    },
  };
}
