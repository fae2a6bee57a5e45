/**
 * England's figure beside a council's, by the rule of observations' national.ts (the one the metric page uses): the
 * publisher's own England figure, or the aggregate the import engine kept where the publisher gives none (its note,
 * "Computed by this platform…", shown as the method), else an aggregate of councils with its method stated, else the
 * median of councils, labelled as such and never called England's. The fall-backs read every council of the tier for
 * one period, so each is kept under the imports stamp (by the caller).
 */
import type { Metric, PeriodCoverage } from '../metrics/index.ts';
import type { ObservationsService } from '../observations/index.ts';

export interface EnglandFigure {
  value: number;
  /** england: the publisher's; aggregate: computed from councils (see method); median-of-councils: not England's. */
  kind: 'england' | 'aggregate' | 'median-of-councils';
  label: string;
  method: string | null;
}

export function createEnglandFigures(deps: { observations: ObservationsService }) {
  return async function englandFigure(m: Metric, p: PeriodCoverage): Promise<EnglandFigure | null> {
    const f = await deps.observations.englandFigure(m, p);
    if (!f) return null;
    return { value: f.value, kind: f.kind === 'published' ? 'england' : f.kind, label: f.label, method: f.method };
  };
}
