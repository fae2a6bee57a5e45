/**
 * The value-for-money profile of a council: for each service of the mapping (value-for-money.json), spend per head
 * beside the service's outcome measures, for the council, its comparison group (by default the councils of its type,
 * as the headline report) and England, with rank, quartile and trend, from compare's statistics (compareMany: the same
 * membership, figure-source and ranking rules as every comparison); a spend-against-outcome scatter per outcome with
 * the pattern in words; and caveats where tiers, definitions or years differ. Spend per head is the derived metric
 * `<net current expenditure>.per-head`: when it is not in the catalogue the profile says so, it never computes its own.
 */
import type { Db } from '../../platform/db.ts';
import { stampedMemo } from '../../platform/stamped.ts';
import type { AreasService, LiveArea, ResolvedArea } from '../areas/index.ts';
import { createGroupMemo, gridCells, type CompareService, type Comparison, type GridSource } from '../compare/index.ts';
import type { ResolvedGroup, Viewer } from '../groups/index.ts';
import { importsStamp } from '../imports/index.ts';
import type { Metric, MetricsService, PeriodCoverage } from '../metrics/index.ts';
import {
  DEFAULT_DEFLATOR,
  isMoney,
  type Deflation,
  type FigureRow,
  type ObservationsService,
  type PricesQuery,
} from '../observations/index.ts';
import { describeAssociation } from './association.ts';
import { createEnglandFigures, type EnglandFigure } from './england.ts';
import { basesOf, defaultMapping, spendCode, type ValueMapping, type ValueServiceDef } from './mapping.ts';
import type { ScatterPointT, ValueFigure, ValuePrices, ValueProfile, ValueScatter, ValueService } from './types.ts';

export type { ValueFigure, ValuePrices, ValueProfile, ValueScatter, ValueService } from './types.ts';

/** The group, the trend's length and cash or real terms (docs/REAL-TERMS.md: prices, base, deflator). */
export interface ValueQuery extends PricesQuery {
  group?: string | undefined;
  window?: number | undefined;
}

/** What the profile says about its prices: cash, or real terms at the base year's prices by the deflator named. */
function pricesOf(d: Deflation | undefined): ValuePrices {
  if (!d)
    return {
      basis: 'cash',
      base: null,
      deflator: null,
      note: "Cash terms: £ figures are in each year's own prices, not adjusted for inflation.",
    };
  return {
    basis: 'real',
    base: { period: d.base.iso, label: d.base.label },
    deflator: { id: d.deflator.code, title: d.deflator.title, publisher: d.deflator.publisher },
    note: d.note,
  };
}

/**
 * The comparisons' cells in real terms: each £ figure deflated (observations' real terms: value × index(base) ÷
 * index(year), not available where the deflator has no index), so the group's statistics, ranks, medians, trends and
 * directions are all taken from the deflated figures by compare's own rules. Other units are handed on as they are.
 */
function deflatedGrid(source: GridSource, d: Deflation): GridSource {
  return async (planned, areaIds) => {
    const cells = await source(planned, areaIds);
    const money = new Map<number, { m: Metric; periods: Map<number, { iso: string; label: string }> }>();
    for (const p of planned)
      if (d.factor(p.m, p.chosen.iso) !== undefined)
        money.set(p.m.id, { m: p.m, periods: new Map(p.window.map((w) => [w.id, w])) });
    return (metricId) => {
      const own = cells(metricId);
      const x = money.get(metricId);
      if (!x) return own;
      const done = new Map<FigureRow, FigureRow>();
      return (areaId, periodId) => {
        const r = own(areaId, periodId);
        if (!r) return r;
        let out = done.get(r);
        if (!out) done.set(r, (out = d.figure(x.m, x.periods.get(periodId)!, r)));
        return out;
      };
    };
  };
}

const TYPE_NAMES: Record<string, string> = {
  E06: 'unitary authority',
  E07: 'shire district',
  E08: 'metropolitan district',
  E09: 'London borough',
  E10: 'county council',
};

const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s);

export function createValueForMoneyService(
  db: Db,
  deps: { compare: CompareService; metrics: MetricsService; areas: AreasService; observations: ObservationsService },
  options: { mapping?: ValueMapping } = {},
) {
  const { compare, metrics, areas, observations } = deps;
  const mapping = options.mapping ?? defaultMapping();
  const englandOf = createEnglandFigures(deps);
  const codes = [
    ...new Set(
      mapping.services.flatMap((s) => [
        ...basesOf(s).map((b) => spendCode(s.spend, b)),
        ...s.outcomes.map((o) => o.metric),
      ]),
    ),
  ];

  /**
   * The mapping's metrics and periods, built-in groups' members and England's fall-back figures change only when an
   * import is made, published or discarded: kept under the imports stamp (custom groups never are). Figures are read
   * afresh on every profile.
   */
  const remembered = stampedMemo();

  function figure(
    c: Comparison,
    role: ValueFigure['role'],
    base: string | null,
    why: string | null,
    england: EnglandFigure | null,
    real: boolean,
  ): ValueFigure {
    const f = c.focus;
    const m = c.metric;
    return {
      role,
      base,
      why,
      metric: {
        id: m.id,
        title: m.title,
        unit: m.unit,
        unitType: m.unitType,
        decimalPlaces: m.decimalPlaces,
        polarity: m.polarity,
        caveats: m.caveats,
      },
      period: c.period,
      prices: isMoney(m.unitType) ? (real ? 'real' : 'cash') : null,
      value: f.value,
      status: f.status,
      figureSource: f.source?.note ?? null,
      rank: f.rank,
      rankOf: f.rankOf,
      tied: f.tied,
      quartileBand: f.quartileBand,
      group: {
        median: c.statistics.median,
        q1: c.statistics.q1,
        q3: c.statistics.q3,
        countWithData: c.statistics.countWithData,
        n: c.statistics.n,
      },
      england,
      trend: {
        lastStep: f.direction.lastStep?.direction ?? null,
        since: f.direction.lastStep?.from ?? null,
        overWindow: f.direction.overWindow?.direction ?? null,
        points: c.trend.map((p) => ({
          period: p.period,
          label: p.label,
          value: p.value,
          groupMedian: p.groupMedian,
          england: p.england,
        })),
      },
      sentence: c.sentence,
      licence: c.licence,
      attribution: c.attribution,
    };
  }

  /**
   * The councils a scatter may show (`areas`: every council of the type and every member of the group; `byName`: the
   * same, sorted by name), which of them are in the group, and the council's own id.
   */
  type ScatterSet = { areas: LiveArea[]; byName: LiveArea[]; inGroup: Set<number>; focusId: number; wider: boolean };

  /** Each council's figure of a metric in one period, by area id (values only: not applicable and missing left out). */
  type Values = (metricId: number, periodIso: string) => Map<number, number>;

  function scatter(
    spend: Comparison,
    outcome: Comparison,
    values: Values,
    set: ScatterSet,
    per: string,
    focusType: string,
    ids: { spend: number; outcome: number },
  ): ValueScatter {
    const ws = values(ids.spend, spend.period.period);
    const wo = values(ids.outcome, outcome.period.period);
    const points: ScatterPointT[] = [];
    const sameType: { spend: number; outcome: number }[] = [];
    const group: { spend: number; outcome: number }[] = [];
    // The points by name (the areas sorted once a profile, not once a scatter), the council's own last.
    let own: ScatterPointT | undefined;
    for (const a of set.byName) {
      const x = ws.get(a.id);
      const y = wo.get(a.id);
      if (x === undefined || y === undefined) continue;
      const isFocus = a.id === set.focusId;
      const inGroup = isFocus || set.inGroup.has(a.id);
      if (!inGroup && a.type !== focusType) continue;
      const point = { code: a.code, name: a.name, spend: x, outcome: y, inGroup, isFocus };
      if (isFocus) own = point;
      else points.push(point);
    }
    if (own) points.push(own);
    for (const a of set.areas) {
      const x = ws.get(a.id);
      const y = wo.get(a.id);
      if (x === undefined || y === undefined) continue;
      const inGroup = set.inGroup.has(a.id) || a.id === set.focusId;
      if (!inGroup && a.type !== focusType) continue;
      if (inGroup) group.push({ spend: x, outcome: y });
      if (a.type === focusType) sameType.push({ spend: x, outcome: y });
    }
    const words = {
      per,
      spend: lowerFirst(spend.metric.title),
      outcome: lowerFirst(outcome.metric.shortTitle ?? outcome.metric.title),
    };
    const typeName = TYPE_NAMES[focusType] ?? 'council';
    const axis = (c: Comparison) => ({
      id: c.metric.id,
      title: c.metric.title,
      unit: c.metric.unit,
      decimalPlaces: c.metric.decimalPlaces,
      period: c.period.label,
    });
    return {
      spend: axis(spend),
      outcome: { ...axis(outcome), polarity: outcome.metric.polarity },
      points,
      group: describeAssociation(group, { ...words, who: 'councils in this group' }),
      sameType: set.wider ? describeAssociation(sameType, { ...words, who: `${typeName}s in England` }) : null,
    };
  }

  /**
   * The scatters' figures: each wanted metric in its compared period for every council of the council's own type and
   * every member of the group, by the figure-source rule (observations.figures). The same type's figures change only
   * with an import, so they are read once per imports stamp; the group's other members (a custom group's councils of
   * other types) are read each time. Group membership here is the group's as at today.
   */
  async function figuresFor(
    wanted: { m: Metric; p: PeriodCoverage }[],
    ctx: {
      focus: ResolvedArea;
      wider: boolean;
      stamp: string;
      sameType: ResolvedGroup;
      resolved: ResolvedGroup;
    },
  ): Promise<{ values: Values; set: ScatterSet }> {
    const { focus, wider, stamp, sameType, resolved } = ctx;
    const byId = new Map<number, LiveArea>();
    for (const a of sameType.members) byId.set(a.id, a);
    const others = [...resolved.members, focus].filter((a) => !byId.has(a.id));
    for (const a of others) byId.set(a.id, a);
    const areaList = [...byId.values()];
    const set = {
      areas: areaList,
      byName: [...areaList].sort((a, b) => a.name.localeCompare(b.name)),
      inGroup: new Set(resolved.members.map((a) => a.id)),
      focusId: focus.id,
      wider,
    };
    const metricsWanted = [...new Map(wanted.map((w) => [w.m.id, w.m])).values()];
    const periodList = [...new Map(wanted.map((w) => [w.p.id, w.p])).values()];
    const isoOf = new Map(periodList.map((p) => [p.id, p.iso]));
    const read = async (ids: number[]) => {
      const rows =
        metricsWanted.length === 0 || ids.length === 0
          ? []
          : await observations.figures(metricsWanted, periodList, ids);
      const index = new Map<string, Map<number, number>>();
      for (const r of rows) {
        if (r.value === null || r.status.includes('z')) continue;
        const k = `${r.metric_id}|${isoOf.get(r.period_id)}`;
        let cells = index.get(k);
        if (!cells) index.set(k, (cells = new Map()));
        cells.set(r.area_id, r.value);
      }
      return index;
    };
    const key = `figures:${sameType.group.id}@${sameType.group.at}:${metricsWanted.map((m) => m.id)}:${periodList.map((p) => p.id)}`;
    const [kept, fresh] = await Promise.all([
      remembered(stamp, key, () => read(sameType.members.map((a) => a.id))),
      read(others.map((a) => a.id)),
    ]);
    const values: Values = (metricId, iso) => {
      const k = `${metricId}|${iso}`;
      const own = kept.get(k);
      const more = fresh.get(k);
      return more ? new Map([...(own ?? []), ...more]) : (own ?? new Map());
    };
    return { values, set };
  }

  /**
   * The comparisons' figures (compareMany's cells): every wanted metric over its window for every council of the
   * council's own type, read once per imports stamp (the figures change only with an import) and shared by every
   * council of the type and every group within it; a group's members of other types (a custom group, or a council
   * whose code had ended by the period's last day) are read each time. The same rule and the same read as compare's
   * own (observations.figures), so the answer is the one a read would give.
   */
  function keptGrid(stamp: string, sameType: ResolvedGroup): GridSource {
    const inType = new Set(sameType.members.map((a) => a.id));
    return async (planned, areaIds) => {
      const ms = planned.map((p) => p.m);
      const ps = [...new Map(planned.flatMap((p) => p.window.map((w) => [w.id, w] as const))).values()];
      const key = `grid:${sameType.group.id}@${sameType.group.at}:${ms.map((m) => m.id)}:${ps.map((p) => p.id)}`;
      const others = areaIds.filter((id) => !inType.has(id));
      const [kept, fresh] = await Promise.all([
        remembered(stamp, key, async () => gridCells(await observations.figures(ms, ps, [...inType]))),
        others.length > 0 ? observations.figures(ms, ps, others).then(gridCells) : null,
      ]);
      if (!fresh) return kept;
      return (metricId) => {
        const own = kept(metricId);
        const more = fresh(metricId);
        return (areaId, periodId) => more(areaId, periodId) ?? own(areaId, periodId);
      };
    };
  }

  return {
    mapping,

    /**
     * The deflator real terms would use (default hmt.gdp-deflator) and its years, or undefined when none is loaded:
     * what the page offers. The default's is kept under the imports stamp.
     */
    async deflator(
      code?: string,
    ): Promise<{ id: string; title: string; years: { period: string; label: string }[] } | undefined> {
      const read = async () => {
        const d = await observations.deflator(code);
        return (
          d && {
            id: d.metric.code,
            title: d.metric.title,
            years: d.years.map((y) => ({ period: y.period.iso, label: y.period.label })),
          }
        );
      };
      // Only the default is kept: any other id is a string a visitor chooses.
      if (code !== undefined && code !== DEFAULT_DEFLATOR) return read();
      return remembered(await importsStamp(db), 'deflator', read);
    },

    async profile(code: string, q: ValueQuery = {}, viewer?: Viewer): Promise<ValueProfile> {
      const today = new Date().toISOString().slice(0, 10);
      const focusP = compare.focusArea(code);
      const stampP = importsStamp(db);
      const groupOf = (id: string, at: string): Promise<ResolvedGroup> =>
        id.startsWith('custom-')
          ? compare.groupFor(id, at, viewer)
          : stampP.then((stamp) => remembered(stamp, `group:${id}@${at}`, () => compare.groupFor(id, at)));
      const defsP = stampP.then((stamp) =>
        remembered(stamp, 'definitions', async () => {
          const [rows, periods] = await Promise.all([metrics.byCodes(codes), metrics.periodsOfCodes(codes)]);
          return { rows, periods };
        }),
      );
      // Cash or real terms: refused here (no deflator, a base year it has no index for) as the data query refuses.
      const prices = { prices: q.prices, base: q.base, deflator: q.deflator };
      // Kept under the imports stamp for the default deflator and a base year spelt 2023-24 or 2023/24 (what the page
      // sends); any other spelling is read afresh, so no visitor can multiply what is kept.
      const keep =
        q.prices === 'real' &&
        (q.deflator ?? DEFAULT_DEFLATOR) === DEFAULT_DEFLATOR &&
        /^\d{4}[-/]\d{2}$/.test(q.base ?? '');
      const deflationP = keep
        ? stampP.then((stamp) =>
            remembered(stamp, `real:${q.base!.replace('/', '-')}`, () => observations.realTerms(prices)),
          )
        : observations.realTerms(prices);
      deflationP.catch(() => undefined); // refused: thrown below, where it is awaited, not as an unhandled rejection
      const focus: ResolvedArea = await focusP;
      const groupId = q.group ?? `type:${focus.type}`;
      const sameTypeId = `type:${focus.type}`;
      const [resolved, defs, stamp, deflation] = await Promise.all([
        groupOf(groupId, today),
        defsP,
        stampP,
        deflationP,
      ]);
      const { rows } = defs;
      const byCode = new Map(rows.map((r) => [r.code, r]));
      const basis = deflation ? `real:${deflation.deflator.code}@${deflation.base.iso}` : 'cash';
      // In real terms England's figure of each £ measure and year (in the periods' coverage, the trend's) is deflated.
      const periods = deflation
        ? await remembered(stamp, `periods:${basis}`, async () => {
            const byId = new Map(rows.map((r) => [r.id, r]));
            return defs.periods.map((p) => {
              const f = deflation.factor(byId.get(p.metric_id)!, p.iso);
              if (f === undefined || p.england_value === null) return p;
              return { ...p, england_value: f === null ? null : p.england_value * f };
            });
          })
        : defs.periods;
      const runs = (s: ValueServiceDef) => s.runBy.includes(focus.type);
      const applicable: Metric[] = [];
      for (const s of mapping.services) {
        if (!runs(s)) continue;
        for (const c of [...basesOf(s).map((b) => spendCode(s.spend, b)), ...s.outcomes.map((o) => o.metric)]) {
          const m = byCode.get(c);
          if (m && m.applicableAreaTypes.includes(focus.type) && !applicable.includes(m)) applicable.push(m);
        }
      }
      const wider = groupId !== sameTypeId;
      const sameType = wider ? await groupOf(sameTypeId, today) : resolved;
      // The headline's path: only the council's own trend; the group's statistics are computed all the same. The
      // figures of every council of the type are kept (keptGrid), so a profile reads only other councils' figures.
      // The group's medians and statistics are the same for every council of it: kept with the figures (the stamp).
      // In real terms the cells are deflated on the way in (deflatedGrid) and the medians kept apart from cash ones.
      const memo = remembered(stamp, `group-memo:${basis}`, () => Promise.resolve(createGroupMemo()));
      const kept = keptGrid(stamp, sameType);
      const source = deflation ? deflatedGrid(kept, deflation) : kept;
      const opts = { window: q.window, periods, focusOnly: true, source, memo: await memo };
      const results = await compare.compareMany(applicable, focus, (at) => groupOf(groupId, at), opts);
      const periodOf = new Map<string, PeriodCoverage>();
      for (const p of periods) periodOf.set(`${p.metric_id}|${p.iso}`, p);
      const englandFor = (c: Comparison): Promise<EnglandFigure | null> => {
        const m = byCode.get(c.metric.id)!;
        const p = periodOf.get(`${m.id}|${c.period.period}`);
        if (!p) return Promise.resolve(null);
        const f = deflation?.factor(m, p.iso);
        const cash = remembered(stamp, `england:${m.id}:${p.id}`, () => englandOf(m, p));
        if (f === undefined) return cash;
        return cash.then((e) => (e && f !== null ? { ...e, value: e.value * f } : null));
      };
      const compared = (code: string): Comparison | string => {
        const r = results.get(code);
        if (!r) return 'no data';
        return 'problem' in r ? r.problem : r;
      };

      let upperTier: { code: string; name: string } | null | undefined;
      const services: ValueService[] = [];
      // The scatters' figures are read once for every service, after the comparisons (figuresFor below).
      const wanted: { m: Metric; p: PeriodCoverage }[] = [];
      const asked: {
        into: ValueScatter[];
        spend: Comparison;
        outcome: Comparison;
        per: string;
        ids: { spend: number; outcome: number };
      }[] = [];
      for (const s of mapping.services) {
        const caveats = [...s.caveats];
        if (!runs(s)) {
          if (focus.type === 'E07' && upperTier === undefined)
            upperTier = (await areas.getArea(focus.code)).parents.upperTier;
          const who =
            focus.type === 'E07' && upperTier
              ? ` ${upperTier.name} (${upperTier.code}) runs it for ${focus.name}.`
              : '';
          services.push({
            id: s.id,
            title: s.title,
            runsService: false,
            notRunReason: `${focus.name} is a ${TYPE_NAMES[focus.type] ?? focus.type}, which does not run ${lowerFirst(s.title)}, so it is not compared on it.${who}`,
            spend: [],
            outcomes: [],
            missing: [],
            scatters: [],
            caveats,
          });
          continue;
        }
        const missing: ValueService['missing'] = [];
        const spend: { c: Comparison; f: ValueFigure }[] = [];
        for (const base of basesOf(s)) {
          const id = spendCode(s.spend, base);
          const m = byCode.get(id);
          const words = base === 'per-head' ? 'per head' : 'per household';
          if (!m) {
            if (base === 'per-head')
              missing.push({ metric: id, title: `Spend ${words}`, reason: `spend ${words} is not derived yet` });
            continue;
          }
          const c = compared(id);
          if (typeof c === 'string') {
            missing.push({ metric: id, title: m.title, reason: c });
            continue;
          }
          spend.push({ c, f: figure(c, 'spend', base, null, await englandFor(c), !!deflation) });
        }
        const outcomes: { c: Comparison; f: ValueFigure }[] = [];
        for (const o of s.outcomes) {
          const m = byCode.get(o.metric);
          if (!m) {
            missing.push({
              metric: o.metric,
              title: o.metric,
              reason: 'not in the catalogue (its data are not loaded)',
            });
            continue;
          }
          if (!m.applicableAreaTypes.includes(focus.type)) {
            missing.push({
              metric: o.metric,
              title: m.title,
              reason: `published for ${m.applicableAreaTypes.join(', ')} councils, not ${focus.type}`,
            });
            continue;
          }
          const c = compared(o.metric);
          if (typeof c === 'string') {
            missing.push({ metric: o.metric, title: m.title, reason: c });
            continue;
          }
          outcomes.push({ c, f: figure(c, 'outcome', null, o.why, await englandFor(c), !!deflation) });
        }
        const scatters: ValueScatter[] = [];
        const first = spend[0];
        if (first) {
          const per = first.f.base === 'per-head' ? 'per head' : 'per household';
          for (const o of outcomes) {
            const ids = { spend: byCode.get(first.c.metric.id)!.id, outcome: byCode.get(o.c.metric.id)!.id };
            for (const c of [first.c, o.c]) {
              const m = byCode.get(c.metric.id)!;
              const p = periodOf.get(`${m.id}|${c.period.period}`);
              if (p) wanted.push({ m, p });
            }
            asked.push({ into: scatters, spend: first.c, outcome: o.c, per, ids });
          }
          const years = [...new Set(outcomes.map((o) => o.f.period.label))].filter((l) => l !== first.f.period.label);
          if (years.length)
            caveats.push(
              `The spend is for ${first.f.period.label}; ${years.length === 1 ? 'an outcome is' : 'outcomes are'} for ${years.join(', ')}: the years differ, and each figure names its own.`,
            );
        }
        if (s.outcomes.length === 0 && s.noOutcomes)
          missing.push({ metric: '', title: 'Outcome measures', reason: s.noOutcomes });
        services.push({
          id: s.id,
          title: s.title,
          runsService: true,
          notRunReason: null,
          spend: spend.map((x) => x.f),
          outcomes: outcomes.map((x) => x.f),
          missing,
          scatters,
          caveats,
        });
      }
      const figures = services.flatMap((s) => [...s.spend, ...s.outcomes]);
      const caveats: string[] = [];
      const values = await figuresFor(wanted, { focus, wider, stamp, sameType, resolved });
      const metricOf = new Map(rows.map((r) => [r.id, r]));
      // The scatter's spend in real terms: every council's figure of the year times the same factor (r is unchanged).
      const scatterValues: Values = deflation
        ? (metricId, iso) => {
            const cash = values.values(metricId, iso);
            const f = deflation.factor(metricOf.get(metricId)!, iso);
            if (f === undefined) return cash;
            return f === null ? new Map() : new Map([...cash].map(([id, v]) => [id, v * f]));
          }
        : values.values;
      for (const x of asked)
        x.into.push(scatter(x.spend, x.outcome, scatterValues, values.set, x.per, focus.type, x.ids));
      const types = [...new Set(resolved.members.map((m) => m.type))].sort();
      if (types.some((t) => t === 'E10') && types.some((t) => t !== 'E10'))
        caveats.push(
          'The group holds county councils and councils of other types: a county spends on county services only, while a unitary authority also runs district services (waste collection, housing, planning), so spend per head is not like for like between them.',
        );
      if (focus.type === 'E07' || focus.type === 'E10')
        caveats.push(
          `${focus.name} is a ${TYPE_NAMES[focus.type]} in a two-tier area: the county and the districts each spend on their own services, and neither figure is the whole area's.`,
        );
      const terms = deflation
        ? `in real terms at ${deflation.base.label} prices (deflated by ${deflation.deflator.title})`
        : 'in cash terms';
      caveats.push(
        `Spend is net current expenditure (spending less income from fees, charges and specific grants) ${terms}, per resident unless marked per household; it reflects need, local choices and how services are organised as well as how they are run.`,
      );
      const comparisons = [...results.values()].filter((r): r is Comparison => !('problem' in r));
      const priceNotes: string[] = [];
      if (deflation) {
        priceNotes.push(deflation.note);
        const missingYears = new Set<string>();
        for (const f of figures)
          for (const p of f.trend.points)
            if (f.prices === 'real' && deflation.factor(byCode.get(f.metric.id)!, p.period) === null)
              missingYears.add(p.label);
        if (missingYears.size)
          priceNotes.push(
            `Real terms: the deflator ${deflation.deflator.code} has no index for ${[...missingYears].sort().join(', ')}, so £ figures of ${missingYears.size === 1 ? 'that year are' : 'those years are'} not available (x).`,
          );
      }
      return {
        area: { code: focus.code, name: focus.name, type: focus.type },
        group: { id: resolved.group.id, name: resolved.group.name, types },
        mapping: { id: mapping.id, version: mapping.version, name: mapping.name },
        prices: pricesOf(deflation),
        services,
        caveats,
        notes: [...priceNotes, ...new Set(comparisons.flatMap((c) => c.notes))],
        licences: [...new Set(figures.map((f) => f.licence))],
        attribution: [...new Set(figures.map((f) => f.attribution))],
      };
    },
  };
}
export type ValueForMoneyService = ReturnType<typeof createValueForMoneyService>;
