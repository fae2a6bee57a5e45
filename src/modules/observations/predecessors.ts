/**
 * A council's predecessors' own figures for the periods before it began for which the figure-source rule gives it
 * none (docs/FIGURE-SOURCES.md): money, which is never added up, for a council made from several (Buckinghamshire's
 * county council and four districts in 2020), or a county that kept only its own part of the area's spending. They are
 * shown as the predecessors', each under its own name and code, with the reason the council has no figure of its own,
 * never summed into one (conventions: "show it as the predecessor's"). A predecessor's own figure follows the same rule
 * (Somerset West and Taunton, 2019, before Somerset, 2023).
 */
import type { AreasService, Lineage, LineageArea } from '../areas/index.ts';
import type { Metric, MetricsService } from '../metrics/index.ts';
import type { FigureMetric, FigureRow } from './service.ts';

export interface PredecessorFigures {
  metric: string;
  /** Why the council has no figure of its own for these periods (the areas module's lineage.whyNone). */
  reason: string;
  periods: { period: string; label: string }[];
  /** Each predecessor the measure applies to, with its own figure (or null) for each period, in `periods`' order. */
  predecessors: {
    code: string;
    name: string;
    figures: { value: number | null; status: string[]; source: FigureRow['source'] }[];
  }[];
}

type Figures = (
  metrics: readonly FigureMetric[],
  periods: readonly { id: number; start_date: string }[],
  areaIds: number[],
) => Promise<FigureRow[]>;

const key = (m: number, p: number, a: number) => `${m}|${p}|${a}`;

/** "Its predecessors' own figures" note for a data query's reader: which codes to ask for and why. */
export function predecessorsNote(area: LineageArea, why: string, preds: LineageArea[]): string {
  const codes = preds.map((p) => `${p.code} (${p.name})`).join(', ');
  return `${why}. Its predecessors' own figures for those periods are under their own codes, never added into ${area.name}'s: ${codes}.`;
}

export function createPredecessorFigures(deps: { areas: AreasService; metrics: MetricsService; figures: Figures }) {
  const { areas, metrics, figures } = deps;

  /** Per metric with periods before the council began and no figure for it by the rule: its predecessors'. */
  return async function predecessorFigures(code: string, metricCodes: string[]): Promise<PredecessorFigures[]> {
    const { areas: found } = await areas.resolveCodes([code]);
    const area = found[0];
    if (!area?.validFrom || metricCodes.length === 0) return [];
    const lineage: Lineage = await areas.lineage();
    const preds = lineage.predecessors(area.id);
    if (preds.length === 0) return [];
    const ms: Metric[] = await metrics.resolveKnown(metricCodes);
    const periods = (await metrics.periodsOf(ms.map((m) => m.id))).filter((p) => p.start_date < area.validFrom!);
    if (periods.length === 0) return [];
    const unique = [...new Map(periods.map((p) => [p.id, p])).values()];
    const [own, theirs] = await Promise.all([
      figures(ms, unique, [area.id]),
      figures(
        ms,
        unique,
        preds.map((p) => p.id),
      ),
    ]);
    const held = new Set(own.filter((r) => r.value !== null).map((r) => key(r.metric_id, r.period_id, r.area_id)));
    const index = new Map(theirs.map((r) => [key(r.metric_id, r.period_id, r.area_id), r]));
    const out: PredecessorFigures[] = [];
    for (const m of ms) {
      const missing = periods.filter((p) => p.metric_id === m.id && !held.has(key(m.id, p.id, area.id)));
      const applies = preds.filter((p) => m.applicableAreaTypes.includes(p.type));
      if (missing.length === 0 || applies.length === 0) continue;
      out.push({
        metric: m.code,
        reason:
          lineage.whyNone(area.id, missing[0]!.start_date, m) ??
          `${area.name} (${area.code}) began on ${area.validFrom}`,
        periods: missing.map((p) => ({ period: p.iso, label: p.label })),
        predecessors: applies.map((a) => ({
          code: a.code,
          name: a.name,
          figures: missing.map((p) => {
            const r = index.get(key(m.id, p.id, a.id));
            return { value: r?.value ?? null, status: r?.status ?? [], source: r?.source ?? null };
          }),
        })),
      });
    }
    return out;
  };
}
