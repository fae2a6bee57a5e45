import type { Db } from '../../platform/db.ts';
import { geographyGeneration } from './apply.ts';
import { Lineage } from './lineage.ts';
import { invalidParameter, notFound } from '../../platform/errors.ts';
import {
  areasRepository as repo,
  type AreaRow,
  type Handle,
  type LinkedArea,
  type SuccessionLink,
} from './repository.ts';
import { AreaNameIndex, areaField, typedCode, type AreaField, type NameMatch } from './names.ts';
import {
  COUNCIL_TYPES,
  childRelation,
  describeDate,
  GSS_CODE,
  isIsoDate,
  statusAt,
  today,
  typeInfo,
  typePrefixes,
  TYPE_WORDS,
  type Status,
  type Tier,
} from './types.ts';

export interface AreaRef {
  code: string;
  name: string;
}
export interface AreaSummary {
  code: string;
  name: string;
  type: string;
  typeName: string;
  tier: Tier;
  validFrom: string | null;
  validTo: string | null;
  status: Status;
  region: AreaRef | null;
}
export interface AreaLink extends AreaRef {
  type: string;
  changeType: string;
  effectiveDate: string;
  note: string | null;
}
export interface AreaChild extends AreaRef {
  type: string;
  typeName: string;
}
export interface AreaDetail extends AreaSummary {
  /** The date asked for (default today). */
  at: string;
  /**
   * The date the name, parents and children describe: `at`, or the area's last (first) day when it had ended (not
   * begun).
   */
  asAt: string;
  names: { name: string; validFrom: string; validTo: string | null }[];
  parents: {
    region: AreaRef | null;
    county: AreaRef | null;
    upperTier: AreaRef | null;
    metropolitanCounty: AreaRef | null;
    combinedAuthority: AreaRef | null;
    fireRescueAuthority: AreaRef | null;
  };
  children: AreaChild[];
  predecessors: AreaLink[];
  successors: AreaLink[];
}
export interface FindAreasQuery {
  q?: string | undefined;
  type?: string | undefined;
  region?: string | undefined;
  at?: string | undefined;
  include?: 'live' | 'all' | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}
export interface AreaList {
  total: number;
  limit: number;
  offset: number;
  at: string;
  areas: AreaSummary[];
}
export interface ResolvedArea {
  id: number;
  code: string;
  name: string;
  type: string;
  validFrom: string | null;
  validTo: string | null;
  status: Status;
  successors: AreaRef[];
  /** For a retired code: when it ended and what replaced it, to tell users. */
  note: string | null;
}

/** Licence and attribution carried by every areas response. */
export const GEOGRAPHY_LICENCE = {
  licence: 'OGL-UK-3.0',
  attribution:
    'Codes, names, parents and changes: Office for National Statistics, Open Geography Portal, Open Government Licence v3.0 (contains public sector information). Council start and end dates, replaced-by and former codes: mySociety, uk_local_authority_names_and_codes, CC BY 4.0.',
  sources: [
    { publisher: 'Office for National Statistics', licence: 'OGL-UK-3.0', url: 'https://geoportal.statistics.gov.uk/' },
    {
      publisher: 'mySociety',
      licence: 'CC-BY-4.0',
      url: 'https://github.com/mysociety/uk_local_authority_names_and_codes',
    },
  ],
};

/** The date to answer for: `at` when given (a real date), else today. */
export function parseAt(at: string | undefined): string {
  if (at === undefined) return today();
  if (!isIsoDate(at)) throw invalidParameter('at', 'is not a real date written YYYY-MM-DD', at);
  return at;
}

function parseTypes(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const prefixes = new Set<string>();
  for (const word of raw.split(',')) {
    const p = typePrefixes(word);
    if (!p)
      throw invalidParameter(
        'type',
        `"${word.trim()}" is not an area type; use a GSS prefix or one of ${TYPE_WORDS.filter((w) => !/^E\d/.test(w)).join(', ')}`,
        raw,
      );
    for (const x of p) prefixes.add(x);
  }
  return [...prefixes];
}

/** The interval covering a date, for each relation. */
function coveringAt<T extends { relation: string; valid_from: string; valid_to: string | null }>(
  rows: T[],
  at: string,
): Map<string, T> {
  const m = new Map<string, T>();
  for (const r of rows) if (r.valid_from <= at && (r.valid_to === null || r.valid_to >= at)) m.set(r.relation, r);
  return m;
}

const ref = (r: { code: string; name: string } | undefined): AreaRef | null =>
  r ? { code: r.code, name: r.name } : null;
const link = (l: SuccessionLink): AreaLink => ({
  code: l.code,
  name: l.name,
  type: l.type,
  changeType: l.change_type,
  effectiveDate: l.effective_date,
  note: l.note,
});

function summary(a: AreaRow, at: string, region: AreaRef | null): AreaSummary {
  const t = typeInfo(a.type);
  const v = { validFrom: a.valid_from, validTo: a.valid_to };
  return {
    code: a.code,
    name: a.name,
    type: a.type,
    typeName: t.name,
    tier: t.tier,
    validFrom: v.validFrom,
    validTo: v.validTo,
    status: statusAt(v, at),
    region,
  };
}

export interface AreasService {
  findAreas(query: FindAreasQuery): Promise<AreaList>;
  /** One area as at a date (default today); a retired code is answered with status retired and its successors. */
  getArea(code: string, at?: string): Promise<AreaDetail>;
  /** GSS codes → areas (retired ones too, with their successors); codes we do not hold are listed as unknown. */
  resolveCodes(codes: string[]): Promise<{ areas: ResolvedArea[]; unknown: string[] }>;
  /** Ids and codes of the areas of some types (GSS prefixes or readable names) live at a date (default today). */
  listAreaIdsByType(types: string[], at?: string): Promise<{ id: number; code: string }[]>;
  /**
   * Areas of some GSS types live at a date (default today), with their names then; optionally only those whose parent
   * in
   * a relation (region, county, combined-authority…) is the given area at that date.
   */
  /** The predecessors of many areas at once (with their ids), by area id. */
  predecessorsOf(areaIds: number[]): Promise<Map<number, (AreaLink & { id: number })[]>>;
  liveAreas(
    q: { types: string[]; parent?: { code: string; relation: string } | undefined },
    at?: string,
  ): Promise<LiveArea[]>;
  /** When the geography last changed, for Last-Modified. */
  lastModified(): Promise<string | null>;
  /**
   * A council by what someone typed: its GSS code, or its name as held at the date or another (names.ts); several
   * councils are choices, none unknown. Councils live at `at` (default today).
   */
  matchArea(text: string, at?: string): Promise<AreaMatch>;
  /**
   * A form's council field as typed and matched (names.ts areaField): the council, or why not in words with the
   * choices an ambiguous name could be. Null when nothing was typed: the form says whether the field was needed.
   */
  councilField(text: string | undefined, at?: string): Promise<AreaField<AreaChoice> | null>;
  /** Councils whose code or name starts with what was typed, the closest first: an autocomplete's suggestions. */
  suggestAreas(text: string, limit?: number, at?: string): Promise<AreaChoice[]>;
  /**
   * The figure-source rule over the geography (lineage.ts): every reader of figures asks it where a council's figure
   * comes from. Kept while the geography is unchanged.
   */
  lineage(): Promise<Lineage>;
}

/** A council found by name: its code, its name at the date, its type and the type's name. */
export interface AreaChoice {
  code: string;
  name: string;
  type: string;
  typeName: string;
}
export type AreaMatch = NameMatch<AreaChoice>;

export interface LiveArea {
  id: number;
  code: string;
  name: string;
  type: string;
}

const choice = (a: AreaChoice): AreaChoice => ({ code: a.code, name: a.name, type: a.type, typeName: a.typeName });

export function createAreasService(db: Db | Handle): AreasService {
  let kept: { stamp: string | null; generation: number; checkedAt: number; lineage: Promise<Lineage> } | undefined;
  // The councils' names by date, indexed once per date while the geography is unchanged (a few hundred councils).
  const nameIndexes = new Map<
    string,
    { stamp: string | null; generation: number; index: Promise<AreaNameIndex<AreaChoice>> }
  >();
  async function nameIndex(at: string): Promise<AreaNameIndex<AreaChoice>> {
    const stamp = await repo.lastModified(db);
    const held = nameIndexes.get(at);
    if (held && held.stamp === stamp && held.generation === geographyGeneration()) return held.index;
    const index = (async () => {
      const live = await repo.liveOfTypes(db, [...COUNCIL_TYPES], at);
      const names = await repo.namesOf(
        db,
        live.map((a) => a.id),
      );
      const others = new Map<number, string[]>();
      for (const n of names) others.set(n.area_id, [...(others.get(n.area_id) ?? []), n.name]);
      return new AreaNameIndex(
        live.map((a) => ({
          code: a.code,
          name: String(a.name),
          type: a.type,
          typeName: typeInfo(a.type).name,
          otherNames: (others.get(a.id) ?? []).filter((n) => n !== String(a.name)),
        })),
      );
    })();
    if (nameIndexes.size > 8) nameIndexes.clear();
    nameIndexes.set(at, { stamp, generation: geographyGeneration(), index });
    index.catch(() => nameIndexes.delete(at));
    return index;
  }
  return {
    async matchArea(text, rawAt) {
      const index = await nameIndex(parseAt(rawAt));
      const m = index.match(text);
      if (m.kind === 'match') return { ...m, area: choice(m.area) };
      if (m.kind === 'choices') return { kind: 'choices', choices: m.choices.map(choice) };
      const code = typedCode(text);
      if (!code) return m;
      // A code of a council not live at the date (a retired one): still the council asked for.
      const found = (await this.resolveCodes([code])).areas[0];
      return found
        ? {
            kind: 'match',
            by: 'code',
            area: { code: found.code, name: found.name, type: found.type, typeName: typeInfo(found.type).name },
          }
        : m;
    },
    async councilField(text, at) {
      const value = text?.trim();
      return value ? areaField(value, await this.matchArea(value, at)) : null;
    },
    async suggestAreas(text, limit = 10, rawAt) {
      return (await nameIndex(parseAt(rawAt))).suggest(text, limit).map(choice);
    },
    async lineage() {
      // The geography changes only with an import: in this process it says so (geographyGeneration); another instance's
      // import is noticed within a second by the areas' newest update.
      const now = Date.now();
      if (kept && kept.generation === geographyGeneration() && now - kept.checkedAt < 1000) return kept.lineage;
      const stamp = await repo.lastModified(db);
      if (kept && kept.stamp === stamp && kept.generation === geographyGeneration()) {
        kept.checkedAt = now;
        return kept.lineage;
      }
      const lineage = Promise.all([repo.lineageAreas(db), repo.lineageLinks(db)]).then(
        ([areaRows, links]) => new Lineage(areaRows, links),
      );
      kept = { stamp, generation: geographyGeneration(), checkedAt: now, lineage };
      lineage.catch(() => (kept = undefined));
      return lineage;
    },
    async findAreas(query) {
      const at = parseAt(query.at);
      const types = parseTypes(query.type);
      let regionCode: string | undefined;
      if (query.region !== undefined) {
        regionCode = query.region.trim().toUpperCase();
        const region = /^E12\d{6}$/.test(regionCode) ? await repo.byCode(db, regionCode) : undefined;
        if (!region)
          throw invalidParameter('region', 'is not a region code such as E12000002 (North West)', query.region);
      }
      const limit = query.limit ?? 100;
      const offset = query.offset ?? 0;
      const q = query.q?.trim() || undefined;
      const { total, rows } = await repo.list(db, {
        at,
        liveOnly: query.include !== 'all',
        q,
        types,
        regionCode,
        limit,
        offset,
      });
      const regions = await repo.parentsOf(
        db,
        rows.map((r) => r.id),
        'region',
      );
      const areas = rows.map((r) => {
        const d = describeDate({ validFrom: r.valid_from, validTo: r.valid_to }, at);
        const region = regions.find(
          (p) => p.area_id === r.id && p.valid_from <= d && (p.valid_to === null || p.valid_to >= d),
        );
        return summary(r, at, ref(region));
      });
      return { total, limit, offset, at, areas };
    },

    async getArea(rawCode, rawAt) {
      const code = rawCode.trim().toUpperCase();
      if (!GSS_CODE.test(code))
        throw invalidParameter('code', 'is not a GSS code: a letter and eight digits, such as E08000009', rawCode);
      const at = parseAt(rawAt);
      const a = await repo.byCode(db, code);
      if (!a) throw notFound('Area', code);
      const asAt = describeDate({ validFrom: a.valid_from, validTo: a.valid_to }, at);
      const [names, parentRows, successors, predecessors] = await Promise.all([
        repo.namesOf(db, [a.id]),
        repo.parentsOf(db, [a.id]),
        repo.links(db, [a.id], 'successors'),
        repo.links(db, [a.id], 'predecessors'),
      ]);
      const named = names.filter((n) => n.valid_from <= asAt).at(-1) ?? names[0];
      const area = { ...a, name: named?.name ?? a.name };
      const p = coveringAt<LinkedArea>(parentRows, asAt);
      const t = typeInfo(a.type);
      const self = t.tier === 'unitary' || t.tier === 'upper' ? { code: a.code, name: area.name } : undefined;
      const relation = childRelation(a.type);
      const children =
        a.type === 'E92'
          ? await repo.liveOfTypes(db, ['E12'], asAt)
          : relation
            ? await repo.childrenAt(db, a.id, relation, asAt)
            : [];
      return {
        ...summary(area, at, ref(p.get('region'))),
        at,
        asAt,
        names: names.map((n) => ({ name: n.name, validFrom: n.valid_from, validTo: n.valid_to })),
        parents: {
          region: ref(p.get('region')),
          county: ref(p.get('county')),
          upperTier: ref(self ?? p.get('upper-tier')),
          metropolitanCounty: ref(p.get('metropolitan-county')),
          combinedAuthority: ref(p.get('combined-authority')),
          fireRescueAuthority: ref(p.get('fire-rescue-authority')),
        },
        children: children.map((c) => ({
          code: c.code,
          name: String(c.name),
          type: c.type,
          typeName: typeInfo(c.type).name,
        })),
        predecessors: predecessors.map(link),
        successors: successors.map(link),
      };
    },

    async resolveCodes(codes) {
      const wanted = [...new Set(codes.map((c) => c.trim().toUpperCase()).filter((c) => c !== ''))];
      const rows = await repo.byCodes(db, wanted);
      const found = new Map(rows.map((r) => [r.code, r]));
      const succ = await repo.links(
        db,
        rows.filter((r) => r.valid_to !== null).map((r) => r.id),
        'successors',
      );
      const now = today();
      const areas = wanted.flatMap((code): ResolvedArea[] => {
        const r = found.get(code);
        if (!r) return [];
        const successors = succ.filter((s) => s.area_id === r.id).map((s) => ({ code: s.code, name: s.name }));
        const v = { validFrom: r.valid_from, validTo: r.valid_to };
        const status = statusAt(v, now);
        const note =
          status === 'retired'
            ? `${r.code} (${r.name}) ended on ${r.valid_to}${successors.length ? `; its successor${successors.length > 1 ? 's are' : ' is'} ${successors.map((s) => `${s.code} (${s.name})`).join(' and ')}` : ''}`
            : null;
        return [
          {
            id: r.id,
            code: r.code,
            name: r.name,
            type: r.type,
            validFrom: r.valid_from,
            validTo: r.valid_to,
            status,
            successors,
            note,
          },
        ];
      });
      return { areas, unknown: wanted.filter((c) => !found.has(c)) };
    },

    async listAreaIdsByType(types, rawAt) {
      const at = parseAt(rawAt);
      const prefixes = parseTypes(types.join(',')) ?? [];
      if (prefixes.length === 0) return [];
      return (await repo.liveOfTypes(db, prefixes, at)).map((r) => ({ id: r.id, code: r.code }));
    },

    async predecessorsOf(areaIds) {
      const out = new Map<number, (AreaLink & { id: number })[]>();
      for (let i = 0; i < areaIds.length; i += 500) {
        for (const l of await repo.links(db, areaIds.slice(i, i + 500), 'predecessors')) {
          const list = out.get(l.area_id) ?? [];
          list.push({ ...link(l), id: l.linked_id });
          out.set(l.area_id, list);
        }
      }
      return out;
    },

    async liveAreas(q, rawAt) {
      const at = parseAt(rawAt);
      if (q.types.length === 0) return [];
      let parent: { id: number; relation: string } | undefined;
      if (q.parent) {
        const p = await repo.byCode(db, q.parent.code);
        if (!p) return [];
        parent = { id: p.id, relation: q.parent.relation };
      }
      const rows = await repo.liveOfTypes(db, q.types, at, parent);
      return rows.map((r) => ({ id: r.id, code: r.code, name: String(r.name), type: r.type }));
    },

    lastModified: () => repo.lastModified(db),
  };
}
