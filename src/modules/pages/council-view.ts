/**
 * View models for the home page (council search) and the council page (facts, geography over time, headline report).
 */
import { AppError } from '../../platform/errors.ts';
import { COUNCIL_TYPES, type AreasService, type AreaDetail } from '../areas/index.ts';
import { type GroupsService, groupPath, type Viewer } from '../groups/index.ts';
import { responsiveLineChart } from '../maps/index.ts';
import type { NeighboursService } from '../neighbours/index.ts';
import type { ObservationsService } from '../observations/index.ts';
import { type HeadlineService, type Headline, type HeadlineItem } from '../reports/index.ts';
import type { SectorService } from '../sector/index.ts';
import { councilSummary } from './council-summary.ts';
import {
  directionTag,
  directionWords,
  englandOffScale,
  englandOnScale,
  formatDate,
  formatValue,
  polarityWords,
  quarterWords,
  valueCell,
} from './format.ts';

const PLURALS: Record<string, string> = {
  E06: 'Unitary authorities',
  E07: 'Shire districts',
  E08: 'Metropolitan districts',
  E09: 'London boroughs and the City of London',
  E10: 'County councils',
};

export function createCouncilPages(deps: {
  areas: AreasService;
  groups: GroupsService;
  headlines: HeadlineService;
  observations: ObservationsService;
  sector: SectorService;
  neighbours: NeighboursService;
}) {
  const { areas, groups, headlines, observations, sector, neighbours } = deps;
  let stampCache: { at: number; value: string } | undefined;
  const noData = async () => (await areas.findAreas({ type: 'council', limit: 1 })).areas.length === 0;

  async function headlineOrReason(
    code: string,
    group: string | undefined,
    viewer: Viewer | undefined,
  ): Promise<{ headline: Headline | null; reason: string | null }> {
    try {
      return { headline: await headlines.headline(code, { group }, viewer), reason: null };
    } catch (e) {
      if (e instanceof AppError && e.status < 500 && e.code !== 'unknown-group' && e.code !== 'invalid-parameter')
        return { headline: null, reason: e.message };
      throw e;
    }
  }

  /**
   * Our model's neighbours of a council, with the two variables adding most to each distance; null before a model is
   * built.
   */
  async function similarOrNull(code: string) {
    try {
      const r = await neighbours.similar(code, {});
      if (!r.model.variables) return null;
      const label = new Map(r.model.variables.map((v) => [v.id, v.label.toLowerCase()]));
      return {
        ...r,
        members: r.members.map((m) => ({
          ...m,
          differs:
            (m.contributions ?? [])
              .filter((c) => c.share >= 0.2)
              .sort((a, b) => b.share - a.share)
              .slice(0, 2)
              .map((c) => `${label.get(c.variable) ?? c.variable} (${Math.round(c.share * 100)}%)`)
              .join(', ') || 'no single variable (spread evenly)',
        })),
      };
    } catch (e) {
      if (e instanceof AppError && e.status < 500) return null;
      throw e;
    }
  }

  return {
    /**
     * Changes whenever anything a council page shows may have changed: data, geography, groups, the basket, the date.
     * Looked up at most once a second, so a publication shows within a second on every instance.
     */
    async stamp(now = Date.now()): Promise<string> {
      if (stampCache && now - stampCache.at < 1000) return stampCache.value;
      const parts = await Promise.all([observations.lastPublished(), groups.lastModified(), sector.basketsLoadedAt()]);
      const value = [...parts, new Date(now).toISOString().slice(0, 10)].map((p) => p ?? '-').join('|');
      stampCache = { at: now, value };
      return value;
    },

    /** No council is held: the database is empty (the pages then say how to load data). */
    noData,

    async home(q: string | undefined) {
      const query = q?.trim() || undefined;
      const results = query ? await areas.findAreas({ q: query, type: 'council', include: 'all', limit: 50 }) : null;
      const byType = query
        ? []
        : await Promise.all(
            Object.entries(PLURALS).map(async ([t, label]) => ({
              type: t,
              label,
              list: (await areas.findAreas({ type: t, limit: 1000 })).areas,
            })),
          );
      const empty = query ? results!.total === 0 && (await noData()) : byType.every((t) => t.list.length === 0);
      return { query, results, byType, noData: empty };
    },

    /** `viewer`: the signed-in user, who may compare with their own private groups (such a page is never cached). */
    async council(code: string, q: { at?: string | undefined; group?: string | undefined }, viewer?: Viewer) {
      const area: AreaDetail = await areas.getArea(code, q.at);
      const isCouncil = COUNCIL_TYPES.includes(area.type);
      const options = isCouncil && area.status === 'current' ? await groups.groupsForArea(area.code) : [];
      // A group is refused where none is compared (so that no page is the same for every `?group=`).
      if (q.group !== undefined && !(isCouncil && area.status === 'current'))
        throw new AppError(
          400,
          'invalid-parameter',
          `group: ${area.name} is not a current council: it is compared with no group`,
          [{ field: 'group', message: 'only a current council is compared with a group', value: q.group }],
        );
      const groupId = q.group ?? (isCouncil ? `type:${area.type}` : undefined);
      const { headline, reason } =
        isCouncil && area.status === 'current'
          ? await headlineOrReason(area.code, groupId, viewer)
          : { headline: null, reason: null };
      // A council created since its trend began: where the rule gives it no figure before it began (money is never
      // added up), its predecessors' own figures, each under its own name (observations.predecessorFigures).
      const began = area.validFrom;
      const before = (i: HeadlineItem) =>
        began && !i.categories ? i.trend.filter((p) => p.value === null && !p.source && p.period < began) : [];
      const askBefore = (headline?.themes ?? []).flatMap((t) => t.items.filter((i) => before(i).length > 0));
      const theirs = new Map(
        askBefore.length
          ? (
              await observations.predecessorFigures(
                area.code,
                askBefore.map((i) => i.metric.id),
              )
            ).map((f) => [f.metric, f])
          : [],
      );
      const predecessorsOf = (i: HeadlineItem) => {
        const f = theirs.get(i.metric.id);
        if (!f) return null;
        const shown = new Set(before(i).map((p) => p.period));
        const cols = f.periods.flatMap((p, k) => (shown.has(p.period) ? [{ ...p, k }] : []));
        if (cols.length === 0) return null;
        return {
          reason: f.reason,
          // Whether any predecessor has a figure to show: else the reason alone.
          anyFigure: f.predecessors.some((a) => cols.some((c) => a.figures[c.k]!.value !== null)),
          periods: cols.map((c) => c.label),
          rows: f.predecessors.map((a) => ({
            name: `${a.name} (${a.code})`,
            cells: cols.map((c) => {
              const x = a.figures[c.k]!;
              return valueCell(x.value, x.status, i.metric.decimalPlaces, i.metric.unit) + (x.source ? '*' : '');
            }),
            sources: cols.flatMap((c) =>
              a.figures[c.k]!.source ? [`${c.label}: ${a.figures[c.k]!.source!.note}`] : [],
            ),
          })),
        };
      };
      const themes = (headline?.themes ?? []).map((t) => ({
        ...t,
        items: t.items.map((i) =>
          i.categories
            ? judgementItem(i, i.categories)
            : {
                id: i.metric.id,
                title: i.metric.title,
                why: i.why,
                period: i.period.label,
                value: valueCell(i.focus.value, i.focus.status, i.metric.decimalPlaces, i.metric.unit),
                valueSource: i.focus.source?.note ?? null,
                rank:
                  i.focus.rank === null ? '–' : `${i.focus.rank}${i.focus.tied ? ' (tied)' : ''} of ${i.focus.rankOf}`,
                quarter: quarterWords(i.focus.quartileBand, i.metric.polarity),
                median: formatValue(i.statistics.median, i.metric.decimalPlaces, i.metric.unit),
                england: i.england
                  ? valueCell(i.england.value, i.england.status, i.metric.decimalPlaces, i.metric.unit)
                  : '–',
                // Computed by this platform where the publisher gives none: how, beside the figure.
                englandMethod: i.england?.method ?? null,
                direction: directionWords(i.focus.direction.lastStep?.direction),
                directionTag: directionTag(i.focus.direction.lastStep?.direction),
                polarity: polarityWords(i.metric.polarity),
                sentence: i.sentence,
                caveats: i.metric.caveats,
                source: i.attribution,
                chart: responsiveLineChart({
                  title: `${i.metric.title}: ${area.name} and the group's median`,
                  description: i.sentence,
                  unit: i.metric.unit,
                  decimalPlaces: i.metric.decimalPlaces,
                  series: [
                    {
                      name: area.name,
                      emphasis: true,
                      points: i.trend.map((p) => ({ label: p.label, value: p.value })),
                    },
                    { name: 'Group median', points: i.trend.map((p) => ({ label: p.label, value: p.groupMedian })) },
                    ...(englandDrawn(i)
                      ? [{ name: 'England', points: i.trend.map((p) => ({ label: p.label, value: p.england })) }]
                      : []),
                  ],
                }),
                chartNote: englandNote(i),
                trend: i.trend.map((p) => ({
                  label: p.label,
                  value: formatValue(p.value, i.metric.decimalPlaces, i.metric.unit),
                  median: formatValue(p.groupMedian, i.metric.decimalPlaces, i.metric.unit),
                  england: formatValue(p.england, i.metric.decimalPlaces, i.metric.unit),
                  source: p.source?.note ?? null,
                })),
                sources: [...new Set(i.trend.flatMap((p) => (p.source ? [`${p.label}: ${p.source.note}`] : [])))],
                predecessors: predecessorsOf(i),
              },
        ),
      }));
      const similar = isCouncil && area.status === 'current' ? await similarOrNull(area.code) : null;
      return {
        area,
        similar,
        dates: {
          at: formatDate(area.at),
          asAt: formatDate(area.asAt),
          validFrom: formatDate(area.validFrom),
          validTo: formatDate(area.validTo),
        },
        names: area.names.map((n) => ({
          name: n.name,
          from: formatDate(n.validFrom),
          to: n.validTo ? formatDate(n.validTo) : 'now',
        })),
        isCouncil,
        groupOptions: options.map((g) => ({
          value: g.id,
          text: `${g.name} (${g.members.length} councils)`,
          selected: g.id === (headline?.group.id ?? groupId),
        })),
        headline,
        summary: headline ? councilSummary(headline) : null,
        groupUrl: headline ? groupPath(headline.group.id) : null,
        headlineReason: reason,
        themes,
        csvUrl: headline
          ? `/api/v1/areas/${area.code}/headline.csv?group=${encodeURIComponent(headline.group.id)}`
          : null,
        jsonUrl: headline
          ? `/api/v1/areas/${area.code}/headline.json?group=${encodeURIComponent(headline.group.id)}`
          : null,
        xlsxUrl: headline
          ? `/api/v1/areas/${area.code}/headline.xlsx?group=${encodeURIComponent(headline.group.id)}`
          : null,
      };
    },
  };
}
export type CouncilPages = ReturnType<typeof createCouncilPages>;

type NumericItem = Pick<HeadlineItem, 'trend' | 'metric'>;

/** Whether England's line is drawn on a measure's trend chart: where it has figures on the council's scale. */
function englandDrawn(i: NumericItem): boolean {
  const england = i.trend.map((p) => p.england);
  if (england.every((v) => v === null)) return false;
  return englandOnScale(england, [...i.trend.map((p) => p.value), ...i.trend.map((p) => p.groupMedian)]);
}

/** Why England's line is missing from the chart when it has figures (off the council's scale), else null. */
function englandNote(i: NumericItem): string | null {
  const latest = i.trend.findLast((p) => p.england !== null)?.england ?? null;
  if (latest === null || englandDrawn(i)) return null;
  return englandOffScale(formatValue(latest, i.metric.decimalPlaces, i.metric.unit));
}

/**
 * A categorical measure (an inspection judgement) on the council page: the council's label and when it was published,
 * the group as counts per judgement and "N of M … or better"; no rank, quarter, median, chart or England figure, since
 * a judgement is never a number.
 */
function judgementItem(i: HeadlineItem, d: NonNullable<HeadlineItem['categories']>) {
  const labelOf = (v: number | null) => (v === null ? '–' : (i.metric.categories?.[v - 1]?.label ?? '–'));
  return {
    categorical: true,
    id: i.metric.id,
    title: i.metric.title,
    why: i.why,
    period: `latest judgements published by ${i.period.label}`,
    value: i.focus.category
      ? `${i.focus.category.label} (published ${i.focus.category.periodLabel})`
      : i.focus.excludedBecause === 'not-applicable'
        ? 'Not applicable'
        : 'No judgement',
    valueSource: i.focus.source?.note ?? null,
    counts: d.counts.map((k) => ({ label: k.label, count: k.count })),
    countsOf: d.of,
    better: d.better ? `${d.better.count} of ${d.of} councils with a judgement are ${d.better.label}` : null,
    sentence: i.sentence,
    caveats: i.metric.caveats,
    source: i.attribution,
    trend: i.trend.map((p) => ({ label: p.label, value: labelOf(p.value) })),
  };
}
