/**
 * Our open nearest-neighbours model, built from the data service and stored as two versioned families of comparison
 * groups (councils running district services; councils running county services), and the "similar councils" look-up
 * over any family, ours or published, with per-variable contributions and re-weighting for one's own analysis.
 */
import { geoArea } from 'd3-geo';
import type { Db } from '../../platform/db.ts';
import { AppError, invalidParameter, type FieldError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { type AreasService, today, typePrefixes } from '../areas/index.ts';
import { type GroupsService, type FamilyDto } from '../groups/index.ts';
import type { ImportAdapter } from '../imports/index.ts';
import type { GroupFamilyBundle } from '../groups/index.ts';
import { importWith, type ImportSummary } from '../imports/index.ts';
import type { MapsService } from '../maps/index.ts';
import type { ObservationsService } from '../observations/index.ts';
import {
  nearestNeighbours,
  parseWeights,
  scalings,
  type ModelCouncil,
  type ModelVariable,
  type Neighbour,
  type Scaling,
} from './model.ts';

export const NEIGHBOURS_K = 15;
const EARTH_RADIUS_KM = 6371.0088;

/** The two tiers we build lists for: a unitary council runs both kinds of service and is in both. */
export const TIERS = [
  {
    id: 'district-services',
    family: 'sli-neighbours-district-services',
    types: typePrefixes('lower-tier')!,
    name: 'councils that run district services (unitaries, metropolitan and London boroughs, districts)',
    layer: 'ltla',
  },
  {
    id: 'county-services',
    family: 'sli-neighbours-county-services',
    types: typePrefixes('upper-tier')!,
    name: 'councils that run county services such as social care (unitaries, metropolitan and London boroughs, counties)',
    layer: 'utla',
  },
] as const;
export type Tier = (typeof TIERS)[number];

/** Versions in order, as dotted numbers where they are (2026.2 before 2026.10). */
const byVersion = (a: { version: string }, b: { version: string }) =>
  a.version.localeCompare(b.version, 'en', { numeric: true });

/** The published default variables and weights (equal). Every value comes from the data service; see `source`. */
export const DEFAULT_VARIABLES: ModelVariable[] = [
  {
    id: 'population',
    label: 'Population',
    transform: 'log',
    weight: 1,
    source: 'population.total, latest mid-year estimate (log)',
  },
  {
    id: 'density',
    label: 'Population density',
    transform: 'log',
    weight: 1,
    source: 'population.total ÷ land area in km² from the 2025 boundary file (log); stands in for rurality',
  },
  {
    id: 'aged-65-plus',
    label: 'Share aged 65 and over',
    transform: 'none',
    weight: 1,
    source: 'population.aged-65-plus ÷ population.total',
  },
  {
    id: 'aged-0-17',
    label: 'Share aged 0 to 17',
    transform: 'none',
    weight: 1,
    source: 'population.aged-0-17 ÷ population.total',
  },
  {
    id: 'deprivation',
    label: 'Deprivation (IMD 2025 average score)',
    transform: 'none',
    weight: 1,
    source: "imd2025.score; for a county, its districts' scores weighted by their population",
  },
  {
    id: 'pay',
    label: 'Gross median weekly pay',
    transform: 'log',
    weight: 1,
    source: 'ons-els.gross-median-weekly-pay, latest (log)',
  },
];

interface Inputs {
  councils: Map<string, { code: string; name: string; type: string; values: Partial<Record<string, number>> }>;
  notes: string[];
  periods: Record<string, string>;
}

export function createNeighboursService(
  db: Db,
  deps: {
    areas: AreasService;
    groups: GroupsService;
    observations: ObservationsService;
    maps: MapsService;
    logger?: Logger;
  },
) {
  const { areas, groups, observations, maps } = deps;

  /**
   * Each council's figure for the metric's latest period, or (said so) for the period before when it has none for the
   * latest; a figure it did not publish itself comes from its predecessors by the figure-source rule (the data query
   * applies it to the councils named), and `derived` collects what it says.
   */
  async function latest(
    metric: string,
    notes: string[],
    codes: string[],
    derived: Map<string, Set<string>>,
  ): Promise<{ values: Map<string, number>; period: string }> {
    const r = await observations.query({ metric, period: 'latest:2', area: codes.join(',') }, { unlimited: true });
    const periods = [...new Set(r.observations.map((o) => o.period))].sort();
    const [newest, before] = [periods.at(-1), periods.at(-2)];
    const values = new Map<string, number>();
    const label = (p: string | undefined) => r.observations.find((o) => o.period === p)?.periodLabel ?? 'none';
    const take = (o: (typeof r.observations)[number]) => {
      values.set(o.area, o.value!);
      if (!o.source) return;
      const key = `${o.areaName} (${o.area}): ${o.source.note}`;
      derived.set(key, (derived.get(key) ?? new Set()).add(metric));
    };
    for (const o of r.observations) if (o.value !== null && o.period === newest) take(o);
    const older: string[] = [];
    for (const o of r.observations) {
      if (o.value !== null && o.period === before && !values.has(o.area)) {
        take(o);
        older.push(o.area);
      }
    }
    if (older.length)
      notes.push(
        `${metric}: ${older.join(', ')} had no figure for ${label(newest)}; their ${label(before)} figure is used.`,
      );
    return { values, period: label(newest) };
  }

  /** Land area in km² of every council in the 2025 boundary files (spherical area of the generalised shapes). */
  async function areaKm2(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const layer of ['ltla', 'utla']) {
      for (const f of await maps.getBoundaries(layer, 2025)) {
        let sr = geoArea({ type: 'Feature', properties: {}, geometry: f.geometry } as never);
        if (sr > 2 * Math.PI) sr = 4 * Math.PI - sr; // a ring wound the other way measures the rest of the sphere
        out.set(f.code, sr * EARTH_RADIUS_KM ** 2);
      }
    }
    return out;
  }

  async function gather(): Promise<Inputs> {
    const live = await areas.liveAreas({ types: typePrefixes('council')! });
    const notes: string[] = [];
    const periods: Record<string, string> = {};
    const codes = live.map((c) => c.code);
    const derived = new Map<string, Set<string>>();
    const get = async (code: string) => {
      const r = await latest(code, notes, codes, derived);
      periods[code] = r.period;
      return r.values;
    };
    // One after another, so that the notes and periods come out in the same order every time (the model's fingerprint).
    const total = await get('population.total');
    const old = await get('population.aged-65-plus');
    const young = await get('population.aged-0-17');
    const imd = await get('imd2025.score');
    const pay = await get('ons-els.gross-median-weekly-pay');
    const km2 = await areaKm2();
    if (total.size === 0)
      throw new AppError(
        409,
        'no-inputs',
        'The model needs the population estimates: import them first (sli import population …).',
      );
    for (const [what, metrics] of derived) notes.push(`${what} (${[...metrics].join(', ')}).`);
    const own = (values: Map<string, number>, c: { code: string }): number | undefined => values.get(c.code);
    const count = own;
    const councils: Inputs['councils'] = new Map();
    for (const c of live) {
      const pop = count(total, c);
      const values: Partial<Record<string, number>> = {};
      if (pop !== undefined) {
        values.population = pop;
        const area = km2.get(c.code);
        if (area !== undefined && area > 0) values.density = pop / area;
        const o = count(old, c);
        const y = count(young, c);
        if (o !== undefined) values['aged-65-plus'] = o / pop;
        if (y !== undefined) values['aged-0-17'] = y / pop;
      }
      const d = own(imd, c);
      if (d !== undefined) values.deprivation = d;
      const p = own(pay, c);
      if (p !== undefined && p > 0) values.pay = p;
      councils.set(c.code, { code: c.code, name: c.name, type: c.type, values });
    }
    // Counties: deprivation from their districts, weighted by population (how IoD itself averages neighbourhood
    // scores).
    for (const county of live.filter((c) => c.type === 'E10')) {
      const districts = await areas.liveAreas({ types: ['E07'], parent: { code: county.code, relation: 'county' } });
      const parts = districts
        .map((d) => councils.get(d.code))
        .filter((d) => d?.values.deprivation !== undefined && d.values.population !== undefined);
      if (parts.length === 0 || parts.length < districts.length) continue;
      const w = parts.reduce((s, d) => s + d!.values.population!, 0);
      councils.get(county.code)!.values.deprivation =
        parts.reduce((s, d) => s + d!.values.deprivation! * d!.values.population!, 0) / w;
    }
    if ([...councils.values()].some((c) => c.type === 'E10'))
      notes.push("Counties: deprivation is the population-weighted average of their districts' IMD 2025 scores.");
    return { councils, notes, periods };
  }

  function variablesWith(weights: Record<string, number> | undefined): ModelVariable[] {
    return DEFAULT_VARIABLES.map((v) => ({ ...v, weight: weights?.[v.id] ?? v.weight }));
  }

  /** Checks a weights file: `{ "population": 1, "deprivation": 2, … }`, naming each bad entry. */
  function weightsProblems(raw: unknown): FieldError[] {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      return [
        {
          field: '(root)',
          message: 'must be an object of variable ids and weights, e.g. {"population": 1, "deprivation": 2}',
        },
      ];
    const problems: FieldError[] = [];
    for (const [k, v] of Object.entries(raw)) {
      if (!DEFAULT_VARIABLES.some((d) => d.id === k))
        problems.push({
          field: k,
          message: `is not a variable of the model (${DEFAULT_VARIABLES.map((d) => d.id).join(', ')})`,
        });
      else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100)
        problems.push({ field: k, value: String(v), message: 'must be a number from 0 to 100' });
    }
    if (problems.length === 0 && variablesWith(raw as Record<string, number>).every((v) => v.weight === 0))
      problems.push({ field: '(root)', message: 'at least one variable needs a weight above 0' });
    return problems;
  }

  /** The families (one per tier) as import bundles: every council's 15 nearest of its tier with contributions. */
  function bundles(
    inputs: Inputs,
    variables: ModelVariable[],
    version: string,
  ): { bundles: GroupFamilyBundle[]; excluded: { code: string; name: string; missing: string[] }[] } {
    const excludedAll: { code: string; name: string; missing: string[] }[] = [];
    const out: GroupFamilyBundle[] = [];
    for (const tier of TIERS) {
      const all = [...inputs.councils.values()].filter((c) => tier.types.includes(c.type));
      const complete = (all.filter((c) => variables.every((v) => c.values[v.id] !== undefined)) as ModelCouncil[]).sort(
        (a, b) => a.code.localeCompare(b.code),
      );
      for (const c of all) {
        const missing = variables.filter((v) => c.values[v.id] === undefined).map((v) => v.id);
        if (missing.length && !excludedAll.some((e) => e.code === c.code))
          excludedAll.push({ code: c.code, name: c.name, missing });
      }
      const scaling = scalings(variables, complete);
      const at = { file: `neighbours model ${version}`, line: 0 };
      out.push({
        family: {
          code: tier.family,
          version,
          kind: 'nearest-neighbours',
          name: `Nearest neighbours (this service's open model): ${tier.name}`,
          description: `Each council's ${NEIGHBOURS_K} nearest councils of the same tier by a published, weighted distance over ${variables.length} variables from the data service.`,
          method: `Variables: ${variables.map((v) => `${v.label} (weight ${v.weight})`).join('; ')}. Sizes (population, density, pay) are logged; every variable is standardised to a z-score over the ${complete.length} councils of the tier; the distance is the square root of the weighted sum of squared differences (Euclidean). The ${NEIGHBOURS_K} smallest distances are the neighbours, ties broken by code. Each neighbour carries each variable's share of the distance.`,
          model: {
            variables,
            scaling,
            k: NEIGHBOURS_K,
            tier: tier.id,
            types: tier.types,
            periods: inputs.periods,
            notes: inputs.notes,
            inputs: Object.fromEntries(complete.map((c) => [c.code, c.values])),
          },
          areaTypes: [...tier.types],
          source: {
            publisher: 'This service (open model)',
            licence: 'OGL-UK-3.0',
            attribution:
              'Built from ONS population estimates, MHCLG IoD 2025, ONS earnings (Explore Local Statistics) and ONS boundaries; Open Government Licence v3.0.',
          },
          caveats: `Councils without every variable are left out: ${
            excludedAll
              .filter((e) => all.some((c) => c.code === e.code))
              .map((e) => `${e.name} (${e.code}: no ${e.missing.join(', ')})`)
              .join('; ') || 'none'
          }.`,
          publishedAt: today(),
        },
        groups: complete.map((owner) => ({
          owner: owner.code,
          name: `${owner.name}: ${NEIGHBOURS_K} nearest neighbours (${tier.id.replace('-', ' ')})`,
          members: nearestNeighbours(owner, complete, variables, scaling, NEIGHBOURS_K).map((n) => ({
            code: n.code,
            rank: n.rank,
            distance: Math.round(n.distance * 1e6) / 1e6,
            detail: n.contributions.map((c) => ({ ...c, share: Math.round(c.share * 1e4) / 1e4 })),
          })),
          at,
        })),
      });
    }
    return { bundles: out, excluded: excludedAll };
  }

  /**
   * Builds and stores a version of the model (all or nothing, through the import engine); the same inputs again change
   * nothing.
   */
  async function build(opts: { version?: string | undefined; weights?: unknown; publish?: boolean } = {}): Promise<{
    summary: ImportSummary;
    version: string;
    excluded: { code: string; name: string; missing: string[] }[];
    notes: string[];
  }> {
    if (opts.weights !== undefined) {
      const problems = weightsProblems(opts.weights);
      if (problems.length)
        throw new AppError(400, 'invalid-weights', 'The weights were not used: fix them and build again.', problems);
    }
    const version = opts.version ?? today().replace(/-/g, '.');
    if (!/^[A-Za-z0-9.]+$/.test(version))
      throw invalidParameter('version', 'is letters, digits and dots, e.g. 2026.12.01', version);
    const inputs = await gather();
    const { bundles: made, excluded } = bundles(
      inputs,
      variablesWith(opts.weights as Record<string, number> | undefined),
      version,
    );
    const adapter: ImportAdapter = {
      name: 'neighbours-model',
      summary: 'our nearest-neighbours model',
      files: 'none (built from the data service)',
      signatures: [],
      async *read() {
        for (const b of made) yield { kind: 'groups', groups: b, at: b.groups[0]?.at ?? { file: 'model', line: 0 } };
      },
    };
    const summary = await importWith(db, adapter, { publish: opts.publish ?? true, logger: deps.logger });
    return { summary, version, excluded, notes: inputs.notes };
  }

  /** The newest stored version of a family (versions compared as dotted numbers where they are). */
  function newest(families: FamilyDto[], code: string, version?: string): FamilyDto | undefined {
    const of = families.filter((f) => f.code === code);
    if (version) return of.find((f) => f.version === version);
    return of.sort((a, b) => byVersion(b, a))[0];
  }

  /**
   * A council's similar councils in a family (ours by default: the district-services model, or the county-services
   * model
   * for a county), with rank, distance and each variable's contribution; for our model, optionally re-weighted (not the
   * published list, and said so), and what changed since the previous version.
   */
  async function similar(
    rawCode: string,
    q: { model?: string | undefined; version?: string | undefined; weights?: string | undefined },
  ) {
    const area = await areas.getArea(rawCode);
    const families = await groups.families();
    const defaultModel = area.type === 'E10' ? TIERS[1].family : TIERS[0].family;
    const code = q.model ?? defaultModel;
    const family = newest(families, code, q.version);
    if (!family) {
      const known = [...new Set(families.filter((f) => f.kind === 'nearest-neighbours').map((f) => f.code))];
      if (!families.some((f) => f.code === code))
        throw new AppError(
          400,
          'unknown-model',
          `There is no neighbours model "${code}". Models loaded: ${known.join(', ') || 'none (run sli neighbours build, or import a published family)'}.`,
          [{ field: 'model', value: code, message: 'is not a loaded model' }],
        );
      throw new AppError(
        400,
        'unknown-version',
        `Model ${code} has no version "${q.version}" (versions: ${families
          .filter((f) => f.code === code)
          .map((f) => f.version)
          .join(', ')}).`,
        [{ field: 'version', value: q.version, message: 'is not a version of this model' }],
      );
    }
    const key = `${family.code}@${family.version}:${area.code}`;
    let group;
    try {
      group = await groups.getGroup(key);
    } catch (e) {
      if (e instanceof AppError && e.status === 404)
        throw new AppError(
          404,
          'no-neighbours',
          `${area.name} (${area.code}) has no list in ${family.name} ${family.version}${family.caveats ? `: ${family.caveats}` : ''}`,
        );
      throw e;
    }
    const model = family.model as {
      variables: ModelVariable[];
      scaling: Record<string, Scaling>;
      k: number;
      inputs: Record<string, Record<string, number>>;
    } | null;
    let members = group.members.map((m) => ({
      code: m.code,
      name: m.name,
      type: m.type,
      rank: m.rank,
      distance: m.distance,
      note: m.note,
      contributions: (m.detail as Neighbour['contributions'] | null) ?? null,
      current: m.current,
    }));
    let weighted: Record<string, number> | null = null;
    if (q.weights !== undefined) {
      if (!model)
        throw invalidParameter(
          'weights',
          `only this service's own models can be re-weighted; ${family.name} is published as it is`,
          q.weights,
        );
      const parsed = parseWeights(q.weights, model.variables);
      if (parsed.problem) throw invalidParameter('weights', parsed.problem, q.weights);
      weighted = parsed.weights ?? null;
      const known = new Map((await areas.resolveCodes(Object.keys(model.inputs))).areas.map((a) => [a.code, a]));
      const modelCouncils: ModelCouncil[] = Object.entries(model.inputs).map(([code, values]) => ({
        code,
        name: known.get(code)?.name ?? code,
        type: known.get(code)?.type ?? '',
        values,
      }));
      const owner = modelCouncils.find((c) => c.code === area.code)!;
      members = nearestNeighbours(
        owner,
        modelCouncils,
        model.variables,
        model.scaling,
        model.k,
        weighted ?? undefined,
      ).map((n) => ({
        code: n.code,
        name: n.name,
        type: n.type,
        rank: n.rank,
        distance: n.distance,
        note: null,
        contributions: n.contributions,
        current: true,
      }));
    }
    const previous = families
      .filter((f) => f.code === family.code && byVersion(f, family) < 0)
      .sort((a, b) => byVersion(b, a))[0];
    let changes = null;
    if (previous && !weighted) {
      const before = await groups.getGroup(`${previous.code}@${previous.version}:${area.code}`).catch(() => null);
      if (before) {
        const was = new Set(before.members.map((m) => m.code));
        const now = new Set(members.map((m) => m.code));
        changes = {
          previousVersion: previous.version,
          entered: members.filter((m) => !was.has(m.code)).map((m) => m.code),
          left: before.members.filter((m) => !now.has(m.code)).map((m) => ({ code: m.code, name: m.name })),
        };
      }
    }
    return {
      area: { code: area.code, name: area.name, type: area.type },
      model: {
        id: family.code,
        version: family.version,
        name: family.name,
        kind: family.kind,
        method: family.method,
        caveats: family.caveats,
        variables: model?.variables ?? null,
        source: family.source,
        published: weighted === null,
      },
      group: weighted ? null : key,
      weights: weighted,
      members,
      changes,
      alternatives: [
        ...new Set(
          families
            .filter((f) => f.kind === 'nearest-neighbours' && (f.areaTypes.includes(area.type) || f.code === code))
            .map((f) => f.code),
        ),
      ],
    };
  }

  /**
   * How far a family's lists agree with another's for the councils both cover: the mean share of the other's list
   * (or of ours, if shorter) that our list also holds, and the spread.
   */
  async function overlap(ours: string, theirs: string) {
    const families = await groups.families();
    const a = newest(families, ours.split('@')[0]!, ours.split('@')[1]);
    const b = newest(families, theirs.split('@')[0]!, theirs.split('@')[1]);
    if (!a || !b)
      throw new AppError(
        400,
        'unknown-model',
        `Both families must be loaded: ${[a ? null : ours, b ? null : theirs].filter(Boolean).join(' and ')} is not.`,
      );
    const owners = await groups.neighbourSets(a.code, a.version);
    const others = await groups.neighbourSets(b.code, b.version);
    if (!owners || !others)
      throw new AppError(
        400,
        'unknown-model',
        'Both families must be neighbour sets (nearest-neighbours), not clusters.',
      );
    const shares: number[] = [];
    for (const [code, set] of owners.sets) {
      const other = others.sets.get(code);
      if (!other) continue;
      const mine = new Set(set.members.map((m) => m.code));
      const common = other.members.filter((m) => mine.has(m.code)).length;
      shares.push(common / Math.min(set.members.length, other.members.length));
    }
    shares.sort((x, y) => x - y);
    const mean = shares.reduce((s, x) => s + x, 0) / (shares.length || 1);
    return {
      ours: `${a.code}@${a.version}`,
      theirs: `${b.code}@${b.version}`,
      councils: shares.length,
      meanOverlap: Math.round(mean * 1000) / 1000,
      medianOverlap: shares.length ? shares[Math.floor(shares.length / 2)]! : null,
      noneInCommon: shares.filter((x) => x === 0).length,
    };
  }

  return { build, similar, gather, weightsProblems, overlap };
}
export type NeighboursService = ReturnType<typeof createNeighboursService>;
