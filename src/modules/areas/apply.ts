import type { SourceIssue } from '../../platform/source.ts';
import type { GeographyBundle } from './bundle.ts';
import { lineageProblems } from './lineage.ts';
import {
  areasRepository as repo,
  type Handle,
  type NameRow,
  type NewArea,
  type ParentRow,
  type SuccessionRow,
} from './repository.ts';
import { GSS_CODE } from './types.ts';

export interface GeographyCounts {
  /** Areas new to the database. */
  created: number;
  /** Areas whose name, type, dates, source, names over time, parents or successors changed. */
  updated: number;
  unchanged: number;
  /** Parent rows written (for the areas whose parents changed). */
  parents: number;
  /** Succession rows written (for the predecessors whose successions changed). */
  successions: number;
  /** What makes the succession links contradict themselves (lineage.ts): any of these refuses the import. */
  issues: SourceIssue[];
}

const FIELDS = ['name', 'type', 'valid_from', 'valid_to', 'source'] as const;
type Field = (typeof FIELDS)[number];
const CAMEL: Record<Field, string> = {
  name: 'name',
  type: 'type',
  valid_from: 'validFrom',
  valid_to: 'validTo',
  source: 'source',
};

/**
 * Refuses a bundle that contradicts itself: a bad or repeated code, a reference to an unknown area, overlapping keys.
 */
function checkBundle(bundle: GeographyBundle, known: Set<string>): void {
  const codes = new Set<string>();
  for (const a of bundle.areas) {
    if (!GSS_CODE.test(a.code)) throw new TypeError(`geography bundle: "${a.code}" is not a GSS code`);
    if (codes.has(a.code)) throw new TypeError(`geography bundle: area ${a.code} is listed twice`);
    codes.add(a.code);
  }
  const exists = (c: string) => codes.has(c) || known.has(c);
  const keys = new Set<string>();
  for (const p of bundle.parents) {
    if (!codes.has(p.code))
      throw new TypeError(`geography bundle: parent row for ${p.code}, which is not among the bundle's areas`);
    if (!exists(p.parent))
      throw new TypeError(`geography bundle: ${p.code}'s ${p.relation} ${p.parent} is not a known area`);
    const key = `${p.code}|${p.relation}|${p.validFrom}`;
    if (keys.has(key))
      throw new TypeError(`geography bundle: two ${p.relation} parents of ${p.code} from ${p.validFrom}`);
    keys.add(key);
  }
  for (const s of bundle.successions) {
    if (!codes.has(s.predecessor))
      throw new TypeError(`geography bundle: succession from ${s.predecessor}, which is not among the bundle's areas`);
    if (!exists(s.successor))
      throw new TypeError(`geography bundle: ${s.predecessor}'s successor ${s.successor} is not a known area`);
  }
}

const group = <T>(rows: T[], key: (r: T) => number): Map<number, T[]> => {
  const m = new Map<number, T[]>();
  for (const r of rows) (m.get(key(r)) ?? m.set(key(r), []).get(key(r))!).push(r);
  return m;
};
const sameList = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

let generation = 0;
/** Counts the geography applied in this process (committed or not), so that what is kept from it is read again. */
export const geographyGeneration = (): number => generation;

/**
 * Applies a geography bundle inside the caller's transaction (it never opens one): areas are upserted by code, and the
 * names over time, parents and successions of the bundle's areas are replaced by the bundle's. Only what differs is
 * written; each created or changed area is recorded in the change log with what it was and what it became. Areas
 * missing from the bundle are kept (a retired code never disappears).
 */
export async function applyGeography(
  h: Handle,
  bundle: GeographyBundle,
  ctx: { importId: number; now: string },
): Promise<GeographyCounts> {
  const before = await repo.allAreas(h);
  checkBundle(bundle, new Set(before.map((a) => a.code)));
  const stored = new Map(before.map((a) => [a.code, a]));
  generation++;
  const counts: GeographyCounts = {
    created: 0,
    updated: 0,
    unchanged: 0,
    parents: 0,
    successions: 0,
    issues: [],
  };

  const inserts: NewArea[] = [];
  const fieldChanges = new Map<string, { before: Record<string, unknown>; after: Record<string, unknown> }>();
  for (const a of bundle.areas) {
    const row: NewArea = {
      code: a.code,
      name: a.name,
      type: a.code.slice(0, 3),
      valid_from: a.validFrom,
      valid_to: a.validTo,
      source: bundle.source,
      updated_at: ctx.now,
    };
    const old = stored.get(a.code);
    if (!old) {
      inserts.push(row);
      continue;
    }
    const changed = FIELDS.filter((f) => old[f] !== row[f]);
    if (changed.length > 0) {
      fieldChanges.set(a.code, {
        before: Object.fromEntries(changed.map((f) => [CAMEL[f], old[f]])),
        after: Object.fromEntries(changed.map((f) => [CAMEL[f], row[f]])),
      });
    }
  }
  await repo.insertAreas(h, inserts);
  const all = inserts.length > 0 ? await repo.allAreas(h) : before;
  const idOf = new Map(all.map((a) => [a.code, a.id]));
  const codeOf = new Map(all.map((a) => [a.id, a.code]));
  const id = (code: string) => idOf.get(code)!;
  const created = new Set(inserts.map((r) => r.code));

  // Parents, names and successions as comparable text, per area.
  const parentText = (r: ParentRow) => `${r.relation} ${codeOf.get(r.parent_id)} ${r.valid_from}..${r.valid_to ?? ''}`;
  const nameText = (r: NameRow) => `${r.name} ${r.valid_from}..${r.valid_to ?? ''}`;
  const succText = (r: SuccessionRow) =>
    `${codeOf.get(r.successor_id)} ${r.change_type} ${r.effective_date}${r.note ? ` (${r.note})` : ''}`;
  const oldParents = group(await repo.allParents(h), (r) => r.area_id);
  const oldNames = group(await repo.allNames(h), (r) => r.area_id);
  const oldSuccs = group(await repo.allSuccessions(h), (r) => r.predecessor_id);
  const newParents = group(
    bundle.parents.map((p): ParentRow => ({
      area_id: id(p.code),
      relation: p.relation,
      parent_id: id(p.parent),
      valid_from: p.validFrom,
      valid_to: p.validTo,
    })),
    (r) => r.area_id,
  );
  const newNames = group(
    bundle.areas.flatMap((a) =>
      (a.names ?? []).map((n): NameRow => ({
        area_id: id(a.code),
        name: n.name,
        valid_from: n.validFrom,
        valid_to: n.validTo,
      })),
    ),
    (r) => r.area_id,
  );
  const newSuccs = group(
    bundle.successions.map((s): SuccessionRow => ({
      predecessor_id: id(s.predecessor),
      successor_id: id(s.successor),
      change_type: s.changeType,
      effective_date: s.effectiveDate,
      note: s.note ?? null,
    })),
    (r) => r.predecessor_id,
  );

  const parentIds: number[] = [];
  const nameIds: number[] = [];
  const succIds: number[] = [];
  const log: {
    at: string;
    entity: string;
    action: string;
    entity_key: string;
    import_id: number;
    detail: string | null;
  }[] = [];
  for (const a of bundle.areas) {
    const areaId = id(a.code);
    const detail: { before: Record<string, unknown>; after: Record<string, unknown> } = { before: {}, after: {} };
    const compare = <T>(
      label: string,
      olds: T[] | undefined,
      news: T[] | undefined,
      text: (r: T) => string,
      changedIds: number[],
    ) => {
      const o = (olds ?? []).map(text);
      const n = (news ?? []).map(text);
      if (sameList(o, n)) return;
      changedIds.push(areaId);
      detail.before[label] = o.sort();
      detail.after[label] = n.sort();
    };
    compare('parents', oldParents.get(areaId), newParents.get(areaId), parentText, parentIds);
    compare('names', oldNames.get(areaId), newNames.get(areaId), nameText, nameIds);
    compare('successors', oldSuccs.get(areaId), newSuccs.get(areaId), succText, succIds);
    if (created.has(a.code)) {
      counts.created++;
      log.push({
        at: ctx.now,
        entity: 'area',
        action: 'created',
        entity_key: a.code,
        import_id: ctx.importId,
        detail: JSON.stringify({
          before: null,
          after: { name: a.name, type: a.code.slice(0, 3), validFrom: a.validFrom, validTo: a.validTo },
        }),
      });
      continue;
    }
    const fields = fieldChanges.get(a.code);
    if (fields) {
      Object.assign(detail.before, fields.before);
      Object.assign(detail.after, fields.after);
    }
    if (Object.keys(detail.after).length === 0) {
      counts.unchanged++;
      continue;
    }
    counts.updated++;
    await repo.updateArea(h, areaId, {
      name: a.name,
      type: a.code.slice(0, 3),
      valid_from: a.validFrom,
      valid_to: a.validTo,
      source: bundle.source,
      updated_at: ctx.now,
    });
    log.push({
      at: ctx.now,
      entity: 'area',
      action: 'updated',
      entity_key: a.code,
      import_id: ctx.importId,
      detail: JSON.stringify(detail),
    });
  }

  const rowsFor = <T>(ids: number[], byArea: Map<number, T[]>) => ids.flatMap((i) => byArea.get(i) ?? []);
  const parentRows = rowsFor(parentIds, newParents);
  const succRows = rowsFor(succIds, newSuccs);
  if (parentIds.length > 0) await repo.replaceParents(h, parentIds, parentRows);
  if (nameIds.length > 0) await repo.replaceNames(h, nameIds, rowsFor(nameIds, newNames));
  if (succIds.length > 0) await repo.replaceSuccessions(h, succIds, succRows);
  await repo.logChanges(h, log);
  counts.parents = parentRows.length;
  counts.successions = succRows.length;
  // The figure-source rule reads the links whole: a council its own predecessor, a cycle, or one area passed whole to
  // two councils would make it wrong, so the import is refused, naming them.
  const at = { file: bundle.source, line: 0 };
  for (const message of lineageProblems(await repo.lineageAreas(h), await repo.lineageLinks(h)))
    counts.issues.push({ at, field: 'successor', message });
  return counts;
}
