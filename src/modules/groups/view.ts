/**
 * View models for the group pages: group kinds in words, a group's members as a table, the families, and the custom
 * group form's errors (the service's field errors, named in the form's terms with the value that caused them).
 */
import { formatDate } from '../../platform/dates.ts';
import type { FieldError } from '../../platform/errors.ts';
import { typeInfo } from '../areas/index.ts';
import type { FamilyDto, GroupDto, GroupType, Visibility } from './service.ts';

/** A group's page; ':' and '@' stay readable (type:E08, dfe-statistical-neighbours@2025:E08000009). */
export const groupPath = (id: string): string =>
  `/groups/${encodeURIComponent(id).replace(/%3A/g, ':').replace(/%40/g, '@')}`;

/** What kind of group it is, in words; the built-in kinds in the order the list page shows them. */
const KINDS: Record<GroupType, string> = {
  'authority-type': 'Councils of one type',
  tier: 'Councils running one tier of services',
  region: 'Councils in a region',
  county: 'Districts of a county',
  'combined-authority': 'Councils of a combined authority',
  england: 'England',
  'nearest-neighbours': 'Neighbour set from a published model',
  family: 'Family of similar councils',
  cluster: 'Cluster of similar councils',
  custom: 'Custom group saved by a registered user',
};
export const kindWords = (t: GroupType): string => KINDS[t];

export const VISIBILITY_WORDS: Record<Visibility, string> = {
  private: 'Private: only the person who saved it',
  shared: 'Shared: anyone with the link',
  public: 'Public: listed on the groups page',
};

/** The form's choices, in the user's own terms. */
export const VISIBILITY_CHOICES: Record<Visibility, string> = {
  private: 'Only me',
  shared: 'Anyone with the link',
  public: 'Everyone: list it on the groups page',
};

/** A calendar date in words (platform/dates.ts). */
export const longDate = (iso: string): string => formatDate(iso);

type Listed = Pick<GroupDto, 'id' | 'type' | 'name'> & { members?: unknown[] };

/** Groups under one heading per kind, in the order of KINDS. */
export function byKind(
  groups: Listed[],
): { heading: string; groups: { id: string; name: string; href: string; size: number | null }[] }[] {
  return (Object.keys(KINDS) as GroupType[])
    .map((kind) => ({
      heading: KINDS[kind],
      groups: groups
        .filter((g) => g.type === kind)
        .map((g) => ({ id: g.id, name: g.name, href: groupPath(g.id), size: g.members ? g.members.length : null })),
    }))
    .filter((k) => k.groups.length > 0);
}

export const familyView = (f: FamilyDto) => ({
  id: f.id,
  name: f.name,
  version: f.version,
  kind:
    f.kind === 'nearest-neighbours' ? 'Neighbour sets (one per council)' : f.kind === 'cluster' ? 'Clusters' : 'Family',
  description: f.description,
  method: f.method,
  publisher: f.source.publisher,
  url: f.source.url,
  licence: f.source.licence,
  attribution: f.source.attribution,
  caveats: f.caveats,
  publishedAt: f.publishedAt ? longDate(f.publishedAt.slice(0, 10)) : null,
  groups: f.groups ?? null,
});

export const customView = (g: GroupDto) => ({
  id: g.id,
  name: g.name,
  href: groupPath(g.id),
  description: g.description,
  size: g.members.length,
  createdBy: g.createdBy ?? '',
  visibility: g.visibility ? VISIBILITY_WORDS[g.visibility] : '',
});

/** One group's page: what it is, where it comes from, and its members linked to their council pages. */
export function groupView(g: GroupDto) {
  const ranked = g.type === 'nearest-neighbours' || g.type === 'family';
  const f = g.family;
  return {
    kind: kindWords(g.type),
    at: longDate(g.at),
    path: groupPath(g.id),
    apiHref: `/api/v1/groups/${encodeURIComponent(g.id)}${g.builtIn ? `?at=${g.at}` : ''}`,
    columns: {
      rank: ranked,
      distance: g.members.some((m) => m.distance !== null),
      note: g.members.some((m) => m.note !== null),
    },
    members: g.members.map((m) => ({
      code: m.code,
      name: m.name,
      type: typeInfo(m.type).name,
      rank: m.rank,
      distance: m.distance,
      note: m.note,
      current: m.current,
      href: `/areas/${m.code}?group=${encodeURIComponent(g.id)}`,
    })),
    family: f ? familyView(f) : null,
    visibility: g.visibility ? VISIBILITY_WORDS[g.visibility] : null,
  };
}

/** The custom group form as typed. */
export interface GroupForm {
  name?: string | undefined;
  description?: string | undefined;
  visibility?: string | undefined;
  members?: string | undefined;
}

/**
 * Councils from the textarea: names one a line (a name may hold commas: "Bristol, City of"), or codes one a line or
 * separated by commas, semicolons or spaces.
 */
export const parseMembers = (text: string | undefined): string[] =>
  (text ?? '')
    .split(/[\n;]+/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .flatMap((line) => (/^([A-Za-z]\d{8}[\s,]*)+$/.test(line) ? line.split(/[\s,]+/).filter((c) => c !== '') : [line]));

export interface FormError {
  field: 'name' | 'description' | 'visibility' | 'members';
  href: string;
  text: string;
}

const FIELD_LABELS: Record<FormError['field'], string> = {
  name: 'Name',
  description: 'Description',
  visibility: 'Who can see it',
  members: 'Member councils',
};

/**
 * The service's field errors in the form's terms: `members[3]` is the fourth council listed, named with the code given.
 * Every error names its field and the value that caused it.
 */
export function formErrors(errors: FieldError[]): FormError[] {
  return errors.map((e) => {
    const member = /^members\[(\d+)\]$/.exec(e.field);
    const message = e.message.replace(/members\[(\d+)\]/g, (_m, i: string) => `council ${Number(i) + 1}`);
    if (member)
      return {
        field: 'members',
        href: '#members',
        text: `Council ${Number(member[1]) + 1} in the list, “${e.value ?? ''}”: ${message}`,
      };
    const field: FormError['field'] =
      e.field === 'name' || e.field === 'description' || e.field === 'visibility' ? e.field : 'members';
    const value = field === 'members' ? ` (you listed ${e.value ?? 0})` : e.value?.trim() ? ` (“${e.value}”)` : '';
    return { field, href: `#${field}`, text: `${FIELD_LABELS[field]}${value}: ${message}` };
  });
}
