/**
 * England's and each English region's figure for a measure in one period, as the pages show them beside the
 * councils' (the metric page, the value-for-money profile): the publisher's own; or the aggregate the import engine
 * computed and kept where the publisher gives none (its note says how); or, where neither is held, one made now from
 * the councils of the area by the one rule (aggregate.ts: counts over one tier, rates from summed numerators and
 * denominators); else the median of those councils, labelled as such and never called the area's figure. A
 * categorical measure has none: its councils are counted by label (metrics' categoryCounts), never averaged.
 */
import type { AreasService, LiveArea } from '../areas/index.ts';
import { isCategorical, type Metric, type PeriodCoverage } from '../metrics/index.ts';
import {
  aggregateFigures,
  aggregationTier,
  isComputedNote,
  medianOfCouncils,
  type CouncilFigure,
} from './aggregate.ts';
import type { GridRow } from './repository.ts';
import { statusFromText } from './status.ts';

export interface AreaFigure {
  code: string;
  name: string;
  value: number;
  status: string[];
  /** published: the publisher's own; aggregate: computed from its councils (method); median-of-councils: not its. */
  kind: 'published' | 'aggregate' | 'median-of-councils';
  /** Its name beside the councils': "England", "England (computed from councils)", "Median of councils (not …)". */
  label: string;
  /** How it was computed; null for the publisher's own. */
  method: string | null;
}

export interface NationalFigures {
  england: AreaFigure | null;
  regions: AreaFigure[];
}

const ENGLAND = 'E92000001';

/**
 * The figure of `scope` (England, or a region's name) made from its councils' figures where none is held: their
 * aggregate when the measure allows one, else their median (when at least half the councils have a figure), labelled
 * as not the area's figure.
 */
export function figureFromCouncils(
  scope: string,
  unitType: string,
  figures: CouncilFigure[],
  expectedCouncils: number,
): Pick<AreaFigure, 'value' | 'kind' | 'label' | 'method'> | null {
  const agg = aggregateFigures(scope, unitType, figures, expectedCouncils);
  if (agg.value !== null)
    return { value: agg.value, kind: 'aggregate', label: `${scope} (computed from councils)`, method: agg.method };
  const median = medianOfCouncils(figures, expectedCouncils);
  if (!median) return null;
  return {
    value: median.value,
    kind: 'median-of-councils',
    label: `Median of councils (not ${scope === 'England' ? 'an England' : `a ${scope}`} figure)`,
    method: `${median.method}; no ${scope} figure is published (${agg.reason})`,
  };
}

/** A held figure of England or a region: the publisher's, or one the import engine computed (its note says how). */
function held(area: { code: string; name: string }, value: number, status: string[], note: string | null): AreaFigure {
  return isComputedNote(note)
    ? { ...area, value, status, kind: 'aggregate', label: `${area.name} (computed from councils)`, method: note }
    : { ...area, value, status, kind: 'published', label: area.name, method: null };
}

export function createNationalFigures(deps: {
  areas: AreasService;
  grid: (metricIds: number[], periodIds: number[], areaIds: number[]) => Promise<GridRow[]>;
}) {
  const { areas, grid } = deps;

  /** The councils' figures for the rule: a figure marked not applicable (z) is no figure. */
  async function councilFigures(m: Metric, p: PeriodCoverage, councils: LiveArea[]): Promise<CouncilFigure[]> {
    const typeOf = new Map(councils.map((c) => [c.id, c.type]));
    const rows = await grid(
      [m.id],
      [p.id],
      councils.map((c) => c.id),
    );
    return rows.map((o) => ({
      areaType: typeOf.get(o.area_id) ?? '',
      value: statusFromText(o.status).includes('z') ? null : o.value,
      numerator: o.numerator,
      denominator: o.denominator,
    }));
  }

  /** England's figure in a period, by the rule above (the coverage keeps England's own and its note). */
  async function england(m: Metric, p: PeriodCoverage): Promise<AreaFigure | null> {
    if (isCategorical(m)) return null;
    const area = { code: ENGLAND, name: 'England' };
    if (p.england_status !== null && p.england_value !== null)
      return held(area, p.england_value, statusFromText(p.england_status), p.england_note);
    const councils = await areas.liveAreas({ types: aggregationTier(m.applicableAreaTypes) }, p.end_date);
    const made = figureFromCouncils('England', m.unitType, await councilFigures(m, p, councils), councils.length);
    return made && { ...area, status: [], ...made };
  }

  /** Each region's figure in a period, by the same rule, over the councils in the region at the period's end. */
  async function regions(m: Metric, p: PeriodCoverage): Promise<AreaFigure[]> {
    if (isCategorical(m)) return [];
    const list = await areas.liveAreas({ types: ['E12'] }, p.end_date);
    const stored = new Map(
      (
        await grid(
          [m.id],
          [p.id],
          list.map((r) => r.id),
        )
      ).map((r) => [r.area_id, r]),
    );
    const tier = aggregationTier(m.applicableAreaTypes);
    const out: AreaFigure[] = [];
    for (const r of list) {
      const area = { code: r.code, name: r.name };
      const own = stored.get(r.id);
      if (own && own.value !== null) {
        out.push(held(area, own.value, statusFromText(own.status), own.note));
        continue;
      }
      const councils = await areas.liveAreas({ types: tier, parent: { code: r.code, relation: 'region' } }, p.end_date);
      if (councils.length === 0) continue;
      const made = figureFromCouncils(r.name, m.unitType, await councilFigures(m, p, councils), councils.length);
      if (made) out.push({ ...area, status: [], ...made });
    }
    return out;
  }

  return { england, regions };
}
