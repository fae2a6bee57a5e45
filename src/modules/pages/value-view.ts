/**
 * The value-for-money page and embed: each service's spend per head and outcomes as text and tables, a
 * spend-against-outcome scatter per outcome (server-rendered SVG with a table of the same figures), the pattern in
 * words, the caveats beside what they qualify.
 */
import { AppError } from '../../platform/errors.ts';
import { groupPath, type GroupsService, type Viewer } from '../groups/index.ts';
import { responsiveScatterChart } from '../maps/index.ts';
import type { ValueFigure, ValueForMoneyService, ValueProfile } from '../value/index.ts';
import { directionWords, formatValue, polarityWords, quarterWords, valueCell } from './format.ts';

function figureView(f: ValueFigure, atPrices: string | null) {
  const dp = f.metric.decimalPlaces;
  const u = f.metric.unit;
  return {
    id: f.metric.id,
    title: f.metric.title,
    why: f.why,
    period: f.period.label,
    /** "At 2023/24 prices" for a £ measure in real terms. */
    prices: f.prices === 'real' ? atPrices : null,
    value: valueCell(f.value, f.status, dp, u),
    figureSource: f.figureSource,
    rank: f.rank === null ? '–' : `${f.rank}${f.tied ? ' (tied)' : ''} of ${f.rankOf}`,
    quarter: quarterWords(f.quartileBand, f.metric.polarity),
    median: formatValue(f.group.median, dp, u),
    england: f.england ? formatValue(f.england.value, dp, u) : 'No figure',
    englandLabel: f.england?.label ?? 'England',
    englandMethod: f.england?.method ?? null,
    direction: directionWords(f.trend.lastStep),
    // The year compared with, as people write it (the trend's point of that period).
    since: f.trend.points.find((p) => p.period === f.trend.since)?.label ?? f.trend.since,
    polarity: polarityWords(f.metric.polarity),
    caveats: f.metric.caveats,
    trend: f.trend.points.map((p) => `${p.label}: ${formatValue(p.value, dp, u)}`).join('; '),
    source: f.attribution,
  };
}

function serviceViews(p: ValueProfile) {
  const atPrices = p.prices.base ? `At ${p.prices.base.label} prices` : null;
  // The scatter's spend axis and column in real terms say at which year's prices.
  const spendAt = p.prices.base ? `, at ${p.prices.base.label} prices` : '';
  const view = (f: ValueFigure) => figureView(f, atPrices);
  return p.services.map((s) => ({
    id: s.id,
    title: s.title,
    runsService: s.runsService,
    notRunReason: s.notRunReason,
    spend: s.spend.map(view),
    outcomes: s.outcomes.map(view),
    missing: s.missing,
    caveats: s.caveats,
    scatters: s.scatters.map((x, i) => {
      const about = `${x.spend.title} (${x.spend.period}${spendAt}) against ${x.outcome.title} (${x.outcome.period})`;
      return {
        id: `${s.id}-${i + 1}`,
        title: about,
        sentence: x.group.sentence,
        sameType: x.sameType?.sentence ?? null,
        chart: responsiveScatterChart({
          id: `scatter-${s.id}-${i + 1}`,
          title: `${about}: ${p.area.name} and ${p.group.name}`,
          description: `${x.group.sentence}${x.sameType ? ` ${x.sameType.sentence}` : ''}`,
          x: {
            title: `${x.spend.title}, ${x.spend.period}${spendAt}`,
            unit: x.spend.unit,
            decimalPlaces: x.spend.decimalPlaces,
          },
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
        spendHead: `${x.spend.title} (${x.spend.unit}), ${x.spend.period}${spendAt}`,
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

/** What the page and the embed are asked for: the group, and cash or real terms (docs/REAL-TERMS.md). */
export interface ValuePageQuery {
  group?: string | undefined;
  prices?: string | undefined;
  base?: string | undefined;
  deflator?: string | undefined;
}

/** A refusal of real terms (no deflator, a base year it has no index for, a bad `prices`) shown on the page. */
const PRICE_FIELDS = new Set(['prices', 'base', 'deflator']);
const priceProblem = (e: unknown): e is AppError =>
  e instanceof AppError && e.status === 400 && e.errors.some((x) => PRICE_FIELDS.has(x.field));

export function createValuePages(deps: { value: ValueForMoneyService; groups: GroupsService }) {
  const { value, groups } = deps;
  return {
    /**
     * The profile as asked for; when real terms are refused, the profile in cash terms with the reason (`problem`, an
     * error summary on the page, status 400). The page's form sends a base year with cash terms too: ignored then.
     */
    async page(code: string, q: ValuePageQuery, viewer?: Viewer) {
      const real = q.prices === 'real';
      const deflatorP = value.deflator(q.deflator || undefined);
      let problem: { text: string; field: string } | null = null;
      let p: ValueProfile;
      try {
        if (q.prices && !real && q.prices !== 'cash')
          throw new AppError(400, 'invalid-parameter', 'prices: choose cash terms or real terms', [
            { field: 'prices', message: 'is not cash or real', value: q.prices },
          ]);
        const prices = real ? { prices: 'real' as const, base: q.base ?? '', deflator: q.deflator || undefined } : {};
        p = await value.profile(code, { group: q.group, ...prices }, viewer);
      } catch (e) {
        if (!priceProblem(e)) throw e;
        problem = { text: e.message, field: e.errors.find((x) => PRICE_FIELDS.has(x.field))!.field };
        p = await value.profile(code, { group: q.group }, viewer);
      }
      const deflator = await deflatorP;
      const options = await groups.groupsForArea(p.area.code);
      const params = new URLSearchParams();
      if (q.group) params.set('group', p.group.id);
      if (p.prices.basis === 'real') {
        params.set('prices', 'real');
        params.set('base', p.prices.base!.label.replace('/', '-'));
        if (q.deflator) params.set('deflator', p.prices.deflator!.id);
      }
      const query = params.size ? `?${params.toString()}` : '';
      const api = `/api/v1/value-for-money/${p.area.code}`;
      const chosenBase = p.prices.base?.label ?? deflator?.years.at(-1)?.label;
      return {
        p,
        problem,
        // Where the error summary's link goes: the control when there is one, else the sentence about cash terms.
        problemHref: problem && deflator ? `#${problem.field === 'base' ? 'base' : 'prices'}` : '#prices-basis',
        real: p.prices.basis === 'real',
        pricesCaption: p.prices.base ? `£ figures in real terms at ${p.prices.base.label} prices` : null,
        deflator: deflator
          ? {
              ...deflator,
              // Another deflator than the default, named in the address: kept by the form.
              param: q.deflator || null,
              years: deflator.years.map((y) => ({
                value: y.label.replace('/', '-'),
                text: y.label,
                selected: y.label === chosenBase,
              })),
            }
          : null,
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
