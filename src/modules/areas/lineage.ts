/**
 * Where a council's figure comes from: the one rule every reader of figures uses (docs/LINEAGE.md).
 *
 * For a council, a metric and a period, the figure is the first of:
 * 1. the council's own, as published;
 * 2. for a period that began before the council existed, its predecessors' figures, by the succession links of the
 *    geography (area_successions). The predecessors are looked at tier by tier: the lower-tier layer (districts,
 *    unitaries, metropolitan and London boroughs) and the upper-tier layer (counties, unitaries, boroughs), each
 *    covering England once. A layer can stand for the council when every predecessor in it passed whole to this council
 *    (a merger or a new code, never a split or a boundary change) and the metric is published for every one of them:
 *    - one such predecessor is the *same area* (a re-coding such as Barnsley and Sheffield in 2025; a county that
 *      became a unitary on the same boundary, such as Buckinghamshire, North Yorkshire and Somerset, for county
 *      services only: for a measure districts publish too, such as spend, a county's figure is only the county
 *      council's part): its figure is used as it is, marked;
 *    - several are an *aggregate*: counts are summed; rates and percentages are combined only from their numerators and
 *      denominators (Σ numerators ÷ Σ denominators × the unit's scale), never as a mean of rates; anything else is not
 *      aggregated. Every predecessor must have a figure;
 *    a predecessor's own figure may itself come from its predecessors (Somerset West and Taunton, 2019, before
 *    Somerset, 2023);
 * 3. otherwise none: the series breaks where the council began (a split county such as Cumbria, or a measure that
 *    cannot be added up), and the reason says so.
 * Pure: the geography comes in as rows; figures are looked up through a function.
 */

export interface LineageAreaRow {
  id: number;
  code: string;
  name: string;
  type: string;
  valid_from: string | null;
  valid_to: string | null;
}
export interface LineageLinkRow {
  predecessor_id: number;
  successor_id: number;
  change_type: string;
  effective_date: string;
}

/** The layers that each cover England once: a council's predecessors are read within one layer at a time. */
const LAYERS = [
  { id: 'upper', types: new Set(['E06', 'E08', 'E09', 'E10']) },
  { id: 'lower', types: new Set(['E06', 'E07', 'E08', 'E09']) },
] as const;
/** Succession types by which a predecessor's whole area passed to its successor. */
const WHOLE = new Set(['merger', 'new-code']);

/** The scale of a rate: stored value = numerator ÷ denominator × scale. */
export const RATE_SCALES: Readonly<Record<string, number>> = {
  percentage: 100,
  'rate-per-1000': 1000,
  'rate-per-10000': 10_000,
  'rate-per-100000': 100_000,
  ratio: 1,
};

export interface LineageArea {
  id: number;
  code: string;
  name: string;
  type: string;
  validFrom: string | null;
  validTo: string | null;
}

/** What the metric must say for its figures to be derived: where it applies and what its unit is. */
export interface LineageMetric {
  applicableAreaTypes: readonly string[];
  unitType: string;
}

/** The fields of a figure the rule reads and writes (observations in any reader's shape). */
export interface FigurePoint {
  value: number | null;
  status: readonly string[];
  numerator?: number | null;
  denominator?: number | null;
}

/** How a figure not published for the council itself was obtained, to show beside it. */
export interface FigureSource {
  kind: 'same-area' | 'aggregate';
  /** The councils whose published figures it comes from (the original codes). */
  areas: { code: string; name: string }[];
  /** Plain English, e.g. "figure for Sheffield (E08000019): same area, code changed in 2025". */
  note: string;
}

export type Derivation =
  | { kind: 'same-area'; from: LineageArea; changeType: string; effectiveDate: string }
  | { kind: 'aggregate'; members: LineageArea[]; effectiveDate: string }
  | { kind: 'none'; reason: string };

export interface DerivedFigure<P extends FigurePoint> {
  point: P;
  source: FigureSource | null;
}

const label = (a: { code: string; name: string }) => `${a.name} (${a.code})`;
const year = (date: string) => date.slice(0, 4);
function listing(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export class Lineage {
  private readonly areas = new Map<number, LineageArea>();
  private readonly preds = new Map<number, (LineageLinkRow & { area: LineageArea })[]>();
  private readonly succs = new Map<number, number[]>();
  /** Derivations worked out, by the metric's applicable area types (all they depend on) and area. */
  private readonly derivations = new WeakMap<readonly string[], Map<number, Derivation | undefined>>();

  constructor(areaRows: LineageAreaRow[], links: LineageLinkRow[]) {
    for (const a of areaRows)
      this.areas.set(a.id, {
        id: a.id,
        code: a.code,
        name: a.name,
        type: a.type,
        validFrom: a.valid_from,
        validTo: a.valid_to,
      });
    for (const l of links) {
      const area = this.areas.get(l.predecessor_id);
      if (!area || !this.areas.has(l.successor_id)) continue;
      const list = this.preds.get(l.successor_id) ?? [];
      list.push({ ...l, area });
      this.preds.set(l.successor_id, list);
      const s = this.succs.get(l.predecessor_id) ?? [];
      s.push(l.successor_id);
      this.succs.set(l.predecessor_id, s);
    }
    for (const list of this.preds.values()) list.sort((a, b) => a.area.code.localeCompare(b.area.code));
  }

  /** The area, if the geography holds it with predecessors or successors. */
  area(id: number): LineageArea | undefined {
    return this.areas.get(id);
  }

  /** True when the area has predecessors whose figures may stand for its own in earlier periods. */
  hasPredecessors(id: number): boolean {
    return (this.preds.get(id)?.length ?? 0) > 0;
  }

  /** The areas the area directly replaced, by code (none for an area that replaced none). */
  predecessors(id: number): LineageArea[] {
    return (this.preds.get(id) ?? []).map((l) => l.area);
  }

  /** The areas themselves and every predecessor, transitively: what a reader must read to derive their figures. */
  withSources(areaIds: Iterable<number>): number[] {
    const out = new Set<number>();
    const visit = (id: number) => {
      if (out.has(id)) return;
      out.add(id);
      for (const p of this.preds.get(id) ?? []) visit(p.predecessor_id);
    };
    for (const id of areaIds) visit(id);
    return [...out];
  }

  /**
   * The later code of the same council: follows re-codings (new-code links) forward, so that Sheffield E08000019 is
   * known as E08000039. Undefined when the area was never re-coded.
   */
  recodedAs(id: number): LineageArea | undefined {
    let cur = id;
    let found: LineageArea | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const next = (this.succs.get(cur) ?? []).filter((s) =>
        this.preds.get(s)!.some((l) => l.predecessor_id === cur && l.change_type === 'new-code'),
      );
      if (next.length !== 1) break;
      cur = next[0]!;
      found = this.areas.get(cur);
    }
    return found;
  }

  /**
   * The same council over time: the area and every area that passed whole into it (a merger or a new code), followed
   * back transitively. A split or a boundary change does not carry a predecessor's identity into its successors.
   */
  sameCouncil(id: number): number[] {
    const out = new Set<number>();
    const visit = (a: number) => {
      if (out.has(a)) return;
      out.add(a);
      for (const p of this.preds.get(a) ?? []) if (WHOLE.has(p.change_type)) visit(p.predecessor_id);
    };
    visit(id);
    return [...out];
  }

  /** How a figure for the area in a period before it existed is obtained for a metric (undefined: no predecessors). */
  derivation(areaId: number, metric: LineageMetric): Derivation | undefined {
    let known = this.derivations.get(metric.applicableAreaTypes);
    if (!known) this.derivations.set(metric.applicableAreaTypes, (known = new Map()));
    if (known.has(areaId)) return known.get(areaId);
    const d = this.deriveHow(areaId, metric);
    known.set(areaId, d);
    return d;
  }

  private deriveHow(areaId: number, metric: LineageMetric): Derivation | undefined {
    const links = this.preds.get(areaId);
    if (!links || links.length === 0) return undefined;
    const applies = new Set(metric.applicableAreaTypes);
    const reasons: string[] = [];
    const aggregates: { members: LineageArea[]; effectiveDate: string }[] = [];
    for (const layer of LAYERS) {
      const inLayer = links.filter((l) => layer.types.has(l.area.type));
      if (inLayer.length === 0) continue;
      // A measure districts publish too (spend, for one) is, for a county, only the county council's part: a county's
      // figure stands for a unitary only for county services.
      const countyPart = inLayer.filter((l) => l.area.type === 'E10');
      if (countyPart.length > 0 && applies.has('E07')) {
        reasons.push(
          `${listing(countyPart.map((l) => label(l.area)))} published only the county council's part of a measure districts publish too`,
        );
        continue;
      }
      const split = inLayer.filter((l) => !WHOLE.has(l.change_type));
      if (split.length > 0) {
        reasons.push(`${listing(split.map((l) => label(l.area)))} did not pass whole to it (${split[0]!.change_type})`);
        continue;
      }
      const notPublished = inLayer.filter((l) => !applies.has(l.area.type));
      if (notPublished.length > 0) {
        reasons.push(`the measure is not published for ${listing(notPublished.map((l) => label(l.area)))}`);
        continue;
      }
      if (inLayer.length === 1) {
        const l = inLayer[0]!;
        return { kind: 'same-area', from: l.area, changeType: l.change_type, effectiveDate: l.effective_date };
      }
      aggregates.push({ members: inLayer.map((l) => l.area), effectiveDate: inLayer[0]!.effective_date });
    }
    const aggregate = aggregates[0];
    if (aggregate) return { kind: 'aggregate', ...aggregate };
    return { kind: 'none', reason: reasons.join('; ') || 'no predecessor covers the same area' };
  }

  /**
   * The figure for an area in a period: its own when `get` has one; else, for a period that began before the area
   * existed, its predecessors' by the rule; else undefined. `get(areaId)` looks up a published figure of this metric
   * and period.
   */
  figure<P extends FigurePoint>(
    areaId: number,
    periodStart: string,
    metric: LineageMetric,
    get: (areaId: number) => P | undefined,
  ): DerivedFigure<P> | undefined {
    const own = get(areaId);
    if (own) return { point: own, source: null };
    return this.derived(areaId, periodStart, metric, get, 0);
  }

  /** Why an area has no figure for a period before it began, or undefined when it existed or has no predecessors. */
  whyNone(areaId: number, periodStart: string, metric: LineageMetric): string | undefined {
    const a = this.areas.get(areaId);
    if (!a?.validFrom || periodStart >= a.validFrom) return undefined;
    const d = this.derivation(areaId, metric);
    if (!d) return undefined;
    const began = `${label(a)} began on ${a.validFrom}`;
    if (d.kind === 'none') return `${began}; earlier figures are not comparable: ${d.reason} (a break in series)`;
    if (d.kind === 'same-area') return `${began}; ${label(d.from)}, the same area, has no figure for that period`;
    const replaced = listing(d.members.map(label));
    if (metric.unitType !== 'count' && RATE_SCALES[metric.unitType] === undefined)
      return `${began}; a measure in ${metric.unitType} is not added up over the councils it replaced (${replaced})`;
    return `${began}; not every council it replaced (${replaced}) has a figure that can be added up`;
  }

  private derived<P extends FigurePoint>(
    areaId: number,
    periodStart: string,
    metric: LineageMetric,
    get: (areaId: number) => P | undefined,
    depth: number,
  ): DerivedFigure<P> | undefined {
    const a = this.areas.get(areaId);
    if (!a?.validFrom || periodStart >= a.validFrom || depth > 10) return undefined;
    const d = this.derivation(areaId, metric);
    if (!d || d.kind === 'none') return undefined;
    const of = (id: number) => {
      const own = get(id);
      return own ? { point: own, source: null } : this.derived(id, periodStart, metric, get, depth + 1);
    };
    if (d.kind === 'same-area') {
      const f = of(d.from.id);
      if (!f) return undefined;
      const why =
        d.changeType === 'new-code'
          ? `same area, code changed in ${year(d.effectiveDate)}`
          : `same area, the ${d.from.type === 'E10' ? 'county council' : 'council'} it replaced in ${year(d.effectiveDate)}`;
      const via = f.source ? ` (${f.source.note})` : '';
      return {
        point: f.point,
        source: {
          kind: 'same-area',
          areas: f.source?.areas ?? [{ code: d.from.code, name: d.from.name }],
          note: `figure for ${label(d.from)}: ${why}${via}`,
        },
      };
    }
    const parts = d.members.map((m) => of(m.id));
    if (parts.some((p) => p === undefined || p.point.value === null)) return undefined;
    const figures = parts as DerivedFigure<P>[];
    const combined = combine(
      metric.unitType,
      figures.map((f) => f.point),
    );
    if (!combined) return undefined;
    const statuses = [...new Set(figures.flatMap((f) => [...f.point.status]))];
    const base = figures[0]!.point;
    const point = {
      ...base,
      value: combined.value,
      numerator: combined.numerator,
      denominator: combined.denominator,
      status: statuses,
      lci: null,
      uci: null,
      note: null,
    } as P;
    const how = combined.numerator !== null ? 'numerators and denominators summed' : 'sum';
    return {
      point,
      source: {
        kind: 'aggregate',
        areas: figures.flatMap((f, i) => f.source?.areas ?? [{ code: d.members[i]!.code, name: d.members[i]!.name }]),
        note: `${how} of the figures for ${listing(d.members.map(label))}, the councils it replaced in ${year(d.effectiveDate)}`,
      },
    };
  }
}

/**
 * Predecessors' figures as one: counts summed; rates and percentages from their numerators and denominators only
 * (values that are not numerator ÷ denominator × scale are not combined); anything else not at all.
 */
export function combine(
  unitType: string,
  points: FigurePoint[],
): { value: number; numerator: number | null; denominator: number | null } | undefined {
  if (points.length === 0 || points.some((p) => p.value === null)) return undefined;
  if (unitType === 'count')
    return { value: points.reduce((s, p) => s + p.value!, 0), numerator: null, denominator: null };
  const scale = RATE_SCALES[unitType];
  if (scale === undefined) return undefined;
  if (!points.every((p) => p.numerator != null && p.denominator != null && p.denominator > 0)) return undefined;
  const consistent = points.every(
    (p) => Math.abs((p.numerator! / p.denominator!) * scale - p.value!) <= Math.max(0.051, Math.abs(p.value!) * 0.005),
  );
  if (!consistent) return undefined;
  const numerator = points.reduce((s, p) => s + p.numerator!, 0);
  const denominator = points.reduce((s, p) => s + p.denominator!, 0);
  return { value: (numerator / denominator) * scale, numerator, denominator };
}

/**
 * Problems with a geography's succession links that would make the rule wrong: a council its own predecessor, a
 * cycle, or two councils each said to have received the whole of one predecessor's area.
 */
export function lineageProblems(areaRows: LineageAreaRow[], links: LineageLinkRow[]): string[] {
  const byId = new Map(areaRows.map((a) => [a.id, a]));
  const name = (id: number) => {
    const a = byId.get(id);
    return a ? label(a) : `area #${id}`;
  };
  const problems: string[] = [];
  for (const l of links)
    if (l.predecessor_id === l.successor_id) problems.push(`${name(l.successor_id)} is given as its own predecessor`);
  const wholeTo = new Map<number, Set<number>>();
  for (const l of links) {
    if (!WHOLE.has(l.change_type)) continue;
    const s = wholeTo.get(l.predecessor_id) ?? new Set<number>();
    s.add(l.successor_id);
    wholeTo.set(l.predecessor_id, s);
  }
  for (const [p, s] of wholeTo)
    if (s.size > 1)
      problems.push(
        `${name(p)} is said to have passed whole (merger or new code) to ${listing([...s].map(name))}; a whole area can pass to one council only (use split)`,
      );
  const recodes = new Map<number, number[]>();
  for (const l of links)
    if (l.change_type === 'new-code')
      recodes.set(l.successor_id, [...(recodes.get(l.successor_id) ?? []), l.predecessor_id]);
  for (const [s, ps] of recodes)
    if (ps.length > 1)
      problems.push(
        `${name(s)} is given as the new code of ${ps.length} councils, ${listing(ps.map(name).sort())}; a new code continues one council only (use merger)`,
      );
  const next = new Map<number, number[]>();
  for (const l of links)
    if (l.predecessor_id !== l.successor_id)
      next.set(l.predecessor_id, [...(next.get(l.predecessor_id) ?? []), l.successor_id]);
  const state = new Map<number, 1 | 2>();
  const cycle = (id: number, path: number[]): number[] | undefined => {
    if (state.get(id) === 2) return undefined;
    if (state.get(id) === 1) return [...path.slice(path.indexOf(id)), id];
    state.set(id, 1);
    for (const n of next.get(id) ?? []) {
      const c = cycle(n, [...path, id]);
      if (c) return c;
    }
    state.set(id, 2);
    return undefined;
  };
  for (const id of next.keys()) {
    const c = cycle(id, []);
    if (c) {
      problems.push(`the succession links form a cycle: ${c.map(name).join(' → ')}`);
      break;
    }
  }
  return problems;
}
