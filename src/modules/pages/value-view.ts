/**
 * The value-for-money page and embed: each service's spend per head and outcomes as text and tables, a
 * spend-against-outcome scatter per outcome (server-rendered SVG with a table of the same figures), the pattern in
 * words, the caveats beside what they qualify.
 */
import { groupPath, type GroupsService, type Viewer } from '../groups/index.ts';
import { responsiveScatterChart } from '../maps/index.ts';
import type { ValueFigure, ValueForMoneyService, ValueProfile } from '../value/index.ts';
import { directionWords, formatValue, polarityWords, quarterWords, valueCell } from './format.ts';

function figureView(f: ValueFigure) {
  const dp = f.metric.decimalPlaces;
  const u = f.metric.unit;
  return {
    id: f.metric.id,
    title: f.metric.title,
    why: f.why,
    period: f.period.label,
    value: valueCell(f.value, f.status, dp, u),
    figureSource: f.figureSource,
    rank: f.rank === null ? '–' : `${f.rank}${f.tied ? ' (tied)' : ''} of ${f.rankOf}`,
    quarter: quarterWords(f.quartileBand, f.metric.polarity),
    median: formatValue(f.group.median, dp, u),
    england: f.england ? formatValue(f.england.value, dp, u) : 'No figure',
    englandLabel: f.england?.label ?? 'England',
    englandMethod: f.england?.method ?? null,
    direction: directionWords(f.trend.lastStep),
    since: f.trend.since,
    polarity: polarityWords(f.metric.polarity),
    caveats: f.metric.caveats,
    trend: f.trend.points.map((p) => `${p.label}: ${formatValue(p.value, dp, u)}`).join('; '),
    source: f.attribution,
  };
}

function serviceViews(p: ValueProfile) {
  return p.services.map((s) => ({
    id: s.id,
    title: s.title,
    runsService: s.runsService,
    notRunReason: s.notRunReason,
    spend: s.spend.map(figureView),
    outcomes: s.outcomes.map(figureView),
    missing: s.missing,
    caveats: s.caveats,
    scatters: s.scatters.map((x, i) => {
      const about = `${x.spend.title} (${x.spend.period}) against ${x.outcome.title} (${x.outcome.period})`;
      return {
        id: `${s.id}-${i + 1}`,
        title: about,
        sentence: x.group.sentence,
        sameType: x.sameType?.sentence ?? null,
        chart: responsiveScatterChart({
          id: `scatter-${s.id}-${i + 1}`,
          title: `${about}: ${p.area.name} and ${p.group.name}`,
          description: `${x.group.sentence}${x.sameType ? ` ${x.sameType.sentence}` : ''}`,
          x: { title: `${x.spend.title}, ${x.spend.period}`, unit: x.spend.unit, decimalPlaces: x.spend.decimalPlaces },
          y: {
            title: `${x.outcome.title}, ${x.outcome.period}`,
            unit: x.outcome.unit,
            decimalPlaces: x.outcome.decimalPlaces,
          },
          points: x.points.map((pt) => ({
            label: pt.name,
            x: pt.spend,
            y: pt.outcome,
            emphasis: pt.isFocus,
            muted: !pt.inGroup,
          })),
        }),
        polarity: polarityWords(x.outcome.polarity),
        spendHead: `${x.spend.title} (${x.spend.unit}), ${x.spend.period}`,
        outcomeHead: `${x.outcome.title} (${x.outcome.unit}), ${x.outcome.period}`,
        rows: x.points.map((pt) => ({
          name: pt.name,
          code: pt.code,
          isFocus: pt.isFocus,
          inGroup: pt.inGroup,
          spend: formatValue(pt.spend, x.spend.decimalPlaces, x.spend.unit),
          outcome: formatValue(pt.outcome, x.outcome.decimalPlaces, x.outcome.unit),
        })),
        wider: x.sameType !== null,
      };
    }),
  }));
}

export function createValuePages(deps: { value: ValueForMoneyService; groups: GroupsService }) {
  const { value, groups } = deps;
  return {
    async page(code: string, q: { group?: string | undefined }, viewer?: Viewer) {
      const p = await value.profile(code, q, viewer);
      const options = await groups.groupsForArea(p.area.code);
      const query = q.group ? `?group=${encodeURIComponent(p.group.id)}` : '';
      const api = `/api/v1/value-for-money/${p.area.code}`;
      return {
        p,
        services: serviceViews(p),
        groupUrl: groupPath(p.group.id),
        groupOptions: options.map((g) => ({
          value: g.id,
          text: `${g.name} (${g.members.length} councils)`,
          selected: g.id === p.group.id,
        })),
        jsonUrl: `${api}.json${query}`,
        csvUrl: `${api}.csv${query}`,
        xlsxUrl: `${api}.xlsx${query}`,
        pageUrl: `/councils/${p.area.code}/value-for-money${query}`,
        embedUrl: `/embed/value-for-money/${p.area.code}${query}`,
      };
    },
  };
}
export type ValuePages = ReturnType<typeof createValuePages>;
