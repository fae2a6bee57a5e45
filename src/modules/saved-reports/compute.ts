/**
 * Re-computes a saved report's figures from the published data on every view: nothing computed is stored. Parts of a
 * definition that no longer resolve (a metric taken out of or renamed in the catalogue, a deleted group, an unknown
 * code, a period with no data) become marked gaps; the rest of the report stands.
 */
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { type AreasService, parseAt, typesInWords } from '../areas/index.ts';
import { groupStatistics, type MemberValue } from '../compare/index.ts';
import { type GroupsService, type Viewer } from '../groups/index.ts';
import { isCategorical, type Metric, type MetricsService, type PeriodCoverage } from '../metrics/index.ts';
import { type ObservationsService, parsePeriodSelectors, selectPeriods, SelectorError } from '../observations/index.ts';
import { associationSentence, pearson, spearman } from './correlation.ts';
import type { ReportDefinitionT, ReportViewT } from './schemas.ts';

export type Computed = Omit<ReportViewT, 'report'>;
type Gap = Computed['gaps'][number];

/**
 * Why a categorical measure (judgements) is not in a saved report: its charts, tables and correlations treat values as
 * numbers; the council page and the comparison show a judgement as its label and the group's counts.
 */
export const CATEGORICAL_NOT_CHARTED =
  'is a categorical measure (judgements such as Good or Inadequate): saved reports chart and correlate numbers, so it cannot be in one; the council page and the comparison show it as labels and counts';
interface Council {
  id: number;
  code: string;
  name: string;
  type: string;
  chosen: boolean;
  inGroup: boolean;
}

export const defaultPeriods = (chart: ReportDefinitionT['chart']): string =>
  chart === 'trend' ? 'latest:5' : 'latest';

export function createReportComputer(
  db: Db,
  deps: { metrics: MetricsService; groups: GroupsService; areas: AreasService; observations: ObservationsService },
) {
  const { metrics, groups, areas, observations } = deps;

  /** The requested metrics that still exist, in the definition's order, and a gap for each that does not. */
  async function resolveMetrics(ids: string[], gaps: Gap[]): Promise<Metric[]> {
    const rows = await metrics.resolveKnown(ids);
    const byKey = new Map<string, Metric>();
    for (const r of rows) byKey.set(r.slug, r).set(r.code, r);
    const out: Metric[] = [];
    for (const id of ids) {
      const row = byKey.get(id);
      if (row && isCategorical(row)) {
        gaps.push({ kind: 'metric', value: id, message: `Metric "${id}" ${CATEGORICAL_NOT_CHARTED}. It is left out.` });
        continue;
      }
      if (row) {
        if (!out.includes(row)) out.push(row);
        continue;
      }
      let now = '';
      try {
        await metrics.get(id);
      } catch (e) {
        const moved =
          e instanceof AppError && e.status === 301
            ? decodeURIComponent(e.headers.location?.split('/').pop() ?? '')
            : '';
        if (moved) now = ` It may have been replaced by "${moved}"; edit the report to use it.`;
      }
      gaps.push({
        kind: 'metric',
        value: id,
        message: `This report asked for metric "${id}", which is no longer in the catalogue. It is left out; everything else is shown.${now}`,
      });
    }
    return out;
  }

  /** The councils: the chosen ones first, in the order given, then the group's members. */
  async function councils(
    def: ReportDefinitionT,
    owner: Viewer | undefined,
    gaps: Gap[],
    notes: string[],
  ): Promise<{ list: Council[]; group: Computed['group']; areaList: Computed['areas'] }> {
    const list: Council[] = [];
    const areaList: Computed['areas'] = [];
    if (def.areas?.length) {
      const { areas: found, unknown } = await areas.resolveCodes(def.areas);
      for (const u of unknown)
        gaps.push({
          kind: 'area',
          value: u,
          message: `This report asked for the area "${u}", which is not in the geography. It is left out.`,
        });
      const byCode = new Map(found.map((a) => [a.code, a]));
      for (const code of def.areas.map((c) => c.trim().toUpperCase())) {
        const a = byCode.get(code);
        if (!a || list.some((c) => c.id === a.id)) continue;
        const note =
          a.status === 'retired'
            ? `${a.note ?? `${a.code} has ended`}. Its figures are shown as its own, never merged into its successor's.`
            : null;
        if (note) notes.push(note);
        list.push({ id: a.id, code: a.code, name: a.name, type: a.type, chosen: true, inGroup: false });
        areaList.push({ code: a.code, name: a.name, note });
      }
    }
    let group: Computed['group'] = null;
    if (def.group) {
      try {
        // A private report sees the group as its owner does; a shared or public one as anyone (see the service).
        const resolved = await groups.resolve(def.group, parseAt(undefined), owner);
        group = { id: resolved.group.id, name: resolved.group.name, members: resolved.members.length };
        for (const m of resolved.members) {
          const existing = list.find((c) => c.id === m.id);
          if (existing) existing.inGroup = true;
          else list.push({ id: m.id, code: m.code, name: m.name, type: m.type, chosen: false, inGroup: true });
        }
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        gaps.push({
          kind: 'group',
          value: def.group,
          message: `This report asked for the group "${def.group}", which no longer exists or can no longer be used. The chosen councils are shown without it.`,
        });
      }
    }
    return { list, group, areaList };
  }

  function choosePeriods(
    def: ReportDefinitionT,
    m: Metric,
    available: PeriodCoverage[],
    gaps: Gap[],
  ): PeriodCoverage[] {
    const raw = def.periods ?? defaultPeriods(def.chart);
    let chosen: PeriodCoverage[];
    try {
      chosen = selectPeriods(parsePeriodSelectors(raw), available);
    } catch (e) {
      if (!(e instanceof SelectorError)) throw e;
      gaps.push({ kind: 'period', value: raw, message: `The periods "${raw}" can no longer be read: ${e.message}.` });
      return [];
    }
    if (chosen.length === 0) {
      const range = available.length
        ? `it has data from ${available[0]!.label} to ${available.at(-1)!.label}`
        : 'it has no published data yet';
      gaps.push({
        kind: 'period',
        value: raw,
        message: `${m.title} (${m.code}) has no published figures for the periods asked for (${raw}); ${range}.`,
      });
      return [];
    }
    return def.chart === 'trend' ? chosen : chosen.slice(-1);
  }

  return {
    async compute(def: ReportDefinitionT, owner: Viewer | undefined): Promise<Computed> {
      const metricGaps: Gap[] = [];
      const otherGaps: Gap[] = [];
      const notes: string[] = [];
      const [resolved, { list, group, areaList }] = await Promise.all([
        resolveMetrics(def.metrics, metricGaps),
        councils(def, owner, otherGaps, notes),
      ]);
      const gaps = [...metricGaps, ...otherGaps];
      const allPeriods = await metrics.periodsOf(resolved.map((m) => m.id));
      const plans = resolved.map((m) => ({
        m,
        periods: choosePeriods(
          def,
          m,
          allPeriods.filter((p) => p.metric_id === m.id),
          gaps,
        ),
      }));
      const periods = new Map(plans.flatMap((p) => p.periods.map((x) => [x.id, x] as const)));
      // Each council's figures by the figure-source rule: a figure it did not publish itself is its predecessors'.
      const rows = await observations.figures(
        resolved,
        [...periods.values()],
        list.map((c) => c.id),
      );
      const byKey = new Map(rows.map((r) => [`${r.metric_id}:${r.period_id}:${r.area_id}`, r]));
      const sourced = new Set<string>();
      for (const r of rows) {
        const c = r.source && list.find((x) => x.id === r.area_id);
        if (c && r.source) sourced.add(`${c.name}: ${r.source.note}`);
      }
      for (const n of [...sourced].sort()) notes.push(`Figure not published for the council itself — ${n}.`);

      const figures: Computed['figures'] = [];
      const summaries: Computed['summaries'] = [];
      for (const { m, periods } of plans) {
        const types = new Set(m.applicableAreaTypes);
        const otherTier = list.filter((c) => !types.has(c.type));
        if (otherTier.length && periods.length)
          notes.push(
            `${m.title} applies to ${typesInWords([...types])} only: ${otherTier.map((c) => c.name).join(', ')} ${otherTier.length === 1 ? 'is' : 'are'} left out of its statistics.`,
          );
        for (const p of periods) {
          const values: MemberValue[] = list.map((c) => {
            const o = byKey.get(`${m.id}:${p.id}:${c.id}`);
            const status = o?.status ?? [];
            const applicable = types.has(c.type) && !status.includes('z');
            figures.push({
              metric: m.code,
              period: p.iso,
              periodLabel: p.label,
              area: c.code,
              areaName: c.name,
              chosen: c.chosen,
              inGroup: c.inGroup,
              applicable,
              value: o?.value ?? null,
              status,
            });
            return { code: c.code, name: c.name, value: o?.value ?? null, status, applicable };
          });
          const s = groupStatistics(values);
          summaries.push({
            metric: m.code,
            period: p.iso,
            periodLabel: p.label,
            n: s.n - s.notApplicable,
            countWithData: s.countWithData,
            median: s.median,
            q1: s.q1,
            q3: s.q3,
            min: s.min,
            max: s.max,
            method: s.methods.quartiles,
          });
        }
      }

      let scatter: Computed['scatter'] = null;
      const [xp, yp] = plans;
      if (def.chart === 'scatter' && xp && yp && xp.periods[0] && yp.periods[0]) {
        const at = (plan: typeof xp, code: string) =>
          figures.find((f) => f.metric === plan.m.code && f.period === plan.periods[0]!.iso && f.area === code);
        const pairs = list
          .map((c) => [at(xp, c.code), at(yp, c.code)] as const)
          .filter(([a, b]) => a && b && a.applicable && b.applicable && a.value !== null && b.value !== null)
          .map(([a, b]) => [a!.value!, b!.value!] as const);
        const xs = pairs.map((p) => p[0]);
        const ys = pairs.map((p) => p[1]);
        const r = pearson(xs, ys);
        const rho = spearman(xs, ys);
        scatter = {
          x: { metric: xp.m.code, period: xp.periods[0].iso, periodLabel: xp.periods[0].label },
          y: { metric: yp.m.code, period: yp.periods[0].iso, periodLabel: yp.periods[0].label },
          n: pairs.length,
          pearson: r,
          spearman: rho,
          sentence: associationSentence(xp.m.title, yp.m.title, pairs.length, r, rho),
        };
      } else if (def.chart === 'scatter') {
        notes.push(
          'The scatter needs figures for both measures; one of them is missing (see above), so only the table is shown.',
        );
      }
      if (def.chart !== 'trend')
        notes.push(
          `${def.chart === 'bar' ? 'Each bar chart' : 'The scatter'} shows the newest period chosen for each measure.`,
        );
      if (group) notes.push(`The group's membership is as at today (${parseAt(undefined)}).`);

      const licences = [...new Set(plans.map((p) => p.m.source.licence))];
      const attributions = [
        ...new Set(plans.map((p) => (p.m.source.attribution ?? p.m.source.publisher).replace(/\.+$/, ''))),
      ];
      return {
        computedAt: new Date().toISOString(),
        dataAsAt: await observations.lastPublished(),
        gaps,
        group,
        areas: areaList,
        metrics: plans.map(({ m, periods }) => ({
          id: m.code,
          title: m.title,
          unit: m.unit,
          decimalPlaces: m.decimalPlaces,
          polarity: m.polarity,
          caveats: m.caveats,
          source: m.source,
          applicableAreaTypes: m.applicableAreaTypes,
          periods: periods.map((p) => ({ period: p.iso, label: p.label })),
        })),
        figures,
        summaries,
        scatter,
        notes,
        licence: licences.join('; ') || 'OGL-UK-3.0',
        attribution: attributions.join('; '),
      };
    },

    /** Changes whenever a view of this definition may change: publications, groups, the catalogue entries, the date. */
    async stamp(def: ReportDefinitionT): Promise<string> {
      const [published, grouped, rows] = await Promise.all([
        observations.lastPublished(),
        groups.lastModified(),
        metrics.resolveKnown(def.metrics),
      ]);
      return [published, grouped, parseAt(undefined), ...rows.map((r) => `${r.code}@${r.updatedAt}`).sort()]
        .map((p) => p ?? '-')
        .join('|');
    },
  };
}
export type ReportComputer = ReturnType<typeof createReportComputer>;
