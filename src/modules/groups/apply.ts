import { createHash } from 'node:crypto';
import type { SourceIssue } from '../../platform/source.ts';
import type { GroupFamilyBundle } from './bundle.ts';
import { groupsRepository as repo, type Handle } from './repository.ts';
import type { GroupMembersTable } from './tables.ts';
import { checkStoredText } from '../../platform/text.ts';

export interface GroupCounts {
  families: { created: number; updated: number; unchanged: number };
  groups: number;
  members: number;
  issues: SourceIssue[];
}

const FAMILY_CODE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const VERSION = /^[A-Za-z0-9.]+$/;

/** The public id of a family's group: `<family>@<version>:<owner code>` or `…:cluster-<label>`. */
export function familyGroupKey(
  code: string,
  version: string,
  g: { owner?: string | undefined; cluster?: string | undefined },
): string {
  return `${code}@${version}:${g.owner ?? `cluster-${(g.cluster ?? '').toLowerCase()}`}`;
}

/**
 * Stores one family of comparison groups inside an import's transaction. Every owner and member must be an area we
 * hold (problems are returned, not thrown, so the import lists them all and writes nothing). The same family and
 * version imported again unchanged is left alone; changed lists replace the family's groups and are logged.
 */
export async function applyGroupFamily(
  h: Handle,
  bundle: GroupFamilyBundle,
  ctx: { importId: number | null; now: string },
): Promise<GroupCounts> {
  const f = bundle.family;
  const counts: GroupCounts = { families: { created: 0, updated: 0, unchanged: 0 }, groups: 0, members: 0, issues: [] };
  const at0 = bundle.groups[0]?.at ?? { file: f.code, line: 0 };
  if (!FAMILY_CODE.test(f.code))
    counts.issues.push({
      at: at0,
      field: 'family',
      value: f.code,
      message: 'a family code is lower-case words joined by hyphens',
    });
  if (!VERSION.test(f.version))
    counts.issues.push({
      at: at0,
      field: 'version',
      value: f.version,
      message: 'a version is letters, digits and dots',
    });
  const unsafeFamily = checkStoredText('family name', f.name);
  if (unsafeFamily) counts.issues.push({ at: at0, ...unsafeFamily });
  const areas = new Map((await repo.areaKeys(h)).map((a) => [a.code, a]));
  const keys = new Set<string>();
  for (const g of bundle.groups) {
    const unsafeName = checkStoredText('group name', g.name);
    if (unsafeName) counts.issues.push({ at: g.at, ...unsafeName });
    const key = familyGroupKey(f.code, f.version, g);
    if (keys.has(key))
      counts.issues.push({
        at: g.at,
        field: g.owner ? 'owner' : 'cluster',
        value: g.owner ?? g.cluster,
        message: `the group ${key} appears twice`,
      });
    keys.add(key);
    if (g.owner && !areas.has(g.owner))
      counts.issues.push({
        at: g.at,
        field: 'owner',
        value: g.owner,
        message: `"${g.owner}" is not an area code we hold; load the geography first or correct the code`,
      });
    const seen = new Set<string>();
    for (const m of g.members) {
      if (!areas.has(m.code))
        counts.issues.push({
          at: m.at ?? g.at,
          field: 'member',
          value: m.code,
          message: `"${m.code}" is not an area code we hold`,
        });
      if (seen.has(m.code))
        counts.issues.push({
          at: m.at ?? g.at,
          field: 'member',
          value: m.code,
          message: `${m.code} is listed twice in the group ${key}`,
        });
      if (m.code === g.owner)
        counts.issues.push({
          at: g.at,
          field: 'member',
          value: m.code,
          message: `a neighbour set does not list its own council (${m.code})`,
        });
      seen.add(m.code);
    }
  }
  if (counts.issues.length > 0) return counts;

  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify({
        ...bundle,
        groups: bundle.groups.map(({ at: _at, ...g }) => ({ ...g, members: g.members.map(({ at: _m, ...m }) => m) })),
      }),
    )
    .digest('hex');
  const stored = await repo.familyByCode(h, f.code, f.version);
  if (stored && stored.fingerprint === fingerprint) {
    counts.families.unchanged++;
    return counts;
  }
  const row = {
    kind: f.kind,
    name: f.name,
    description: f.description ?? null,
    method: f.method ?? null,
    model: f.model === undefined ? null : JSON.stringify(f.model),
    area_types: JSON.stringify(f.areaTypes),
    publisher: f.source.publisher,
    url: f.source.url ?? null,
    licence: f.source.licence,
    attribution: f.source.attribution ?? null,
    caveats: f.caveats ?? null,
    published_at: f.publishedAt ?? null,
    fingerprint,
    import_id: ctx.importId,
    updated_at: ctx.now,
  };
  let familyId: number;
  if (stored) {
    familyId = stored.id;
    await repo.deleteFamilyGroups(h, familyId);
    await repo.updateFamily(h, familyId, row);
    counts.families.updated++;
  } else {
    familyId = await repo.insertFamily(h, { ...row, code: f.code, version: f.version, created_at: ctx.now });
    counts.families.created++;
  }
  await repo.logChange(h, {
    at: ctx.now,
    entity: 'group-family',
    action: stored ? 'updated' : 'created',
    entity_key: `${f.code}@${f.version}`,
    import_id: ctx.importId,
    detail: null,
  });

  const members: GroupMembersTable[] = [];
  for (const g of bundle.groups) {
    const groupId = await repo.insertGroup(h, {
      family_id: familyId,
      key: familyGroupKey(f.code, f.version, g),
      type: g.owner ? 'nearest-neighbours' : f.kind === 'cluster' ? 'cluster' : 'family',
      name: g.name,
      description: g.description ?? null,
      owner_area_id: g.owner ? areas.get(g.owner)!.id : null,
      owner_user_id: null,
      visibility: 'public',
      created_at: ctx.now,
      updated_at: ctx.now,
    });
    counts.groups++;
    for (const m of g.members) {
      members.push({
        group_id: groupId,
        area_id: areas.get(m.code)!.id,
        rank: m.rank ?? null,
        distance: m.distance ?? null,
        note: m.note ?? null,
        detail: m.detail === undefined ? null : JSON.stringify(m.detail),
      });
    }
  }
  await repo.insertMembers(h, members);
  counts.members = members.length;
  return counts;
}
