/**
 * England's figure beside a council's, by the rule the sector overview uses: the publisher's own England figure (kept
 * with the coverage), or the aggregate the import engine computed and kept there where the publisher gives none (its
 * note says how: shown as computed, never as the publisher's), else an aggregate of councils with its method stated
 * (observations/aggregate.ts), else
 * the median of councils, labelled as such and never called England's. The fall-backs read every council of the tier
 * for one period, so each is kept under the imports stamp (by the caller).
 */
import type { AreasService } from '../areas/index.ts';
import type { Metric, PeriodCoverage } from '../metrics/index.ts';
import {
  aggregateEngland,
  aggregationTier,
  isComputedNote,
  medianOfCouncils,
  type ObservationsService,
} from '../observations/index.ts';

export interface EnglandFigure {
  value: number;
  /** england: the publisher's; aggregate: computed from councils (see method); median-of-councils: not England's. */
  kind: 'england' | 'aggregate' | 'median-of-councils';
  label: string;
  method: string | null;
}

const COMPUTED_LABEL = 'England (computed from councils)';

export function createEnglandFigures(deps: { areas: AreasService; observations: ObservationsService }) {
  const { areas, observations } = deps;
  return async function englandFigure(m: Metric, p: PeriodCoverage): Promise<EnglandFigure | null> {
    if (p.england_status !== null && p.england_value !== null)
      return isComputedNote(p.england_note)
        ? { value: p.england_value, kind: 'aggregate', label: COMPUTED_LABEL, method: p.england_note }
        : { value: p.england_value, kind: 'england', label: 'England', method: null };
    const councils = await areas.liveAreas({ types: aggregationTier(m.applicableAreaTypes) }, p.end_date);
    const obs = await observations.grid(
      [m.id],
      [p.id],
      councils.map((c) => c.id),
    );
    const typeOf = new Map(councils.map((c) => [c.id, c.type]));
    const figures = obs.map((o) => ({
      areaType: typeOf.get(o.area_id) ?? '',
      value: o.status.includes('z') ? null : o.value,
      numerator: o.numerator,
      denominator: o.denominator,
    }));
    const agg = aggregateEngland(m.unitType, figures, councils.length);
    if (agg.value !== null) return { value: agg.value, kind: 'aggregate', label: COMPUTED_LABEL, method: agg.method };
    const median = medianOfCouncils(figures, councils.length);
    if (!median) return null;
    return {
      value: median.value,
      kind: 'median-of-councils',
      label: 'Median of councils (not an England figure)',
      method: `${median.method}; no England figure is published (${agg.reason})`,
    };
  };
}
