/**
 * England's (E92) and each region's (E12) figure for a summable input where the publisher gives none, by the one
 * aggregation rule (observations/aggregate.ts): counts summed over one tier, amounts over every council of every tier
 * the measure applies to (never police or fire spending, mostly other bodies': specs.ts isSummableInput), and only
 * when every council live at the period's end has a figure. The note of each figure says it was computed here and how.
 * A figure the publisher gives is never replaced.
 */
import type { LineageArea } from '../../areas/index.ts';
import { aggregateFigures, aggregateTotal, aggregationTier, amountTier } from '../../observations/index.ts';
import type { DerivedRow, InputInfo, InputPoint } from './compute.ts';

/** An area as the figure-source rule knows it. */
export type AggregationArea = LineageArea;

export interface AggregationGeography {
  england: AggregationArea | undefined;
  regions: AggregationArea[];
  councils: AggregationArea[];
  /** The region of a council at a date (ISO), if any. */
  regionOf: (councilId: number, date: string) => number | undefined;
}

export interface AggregatePeriod {
  id: number;
  end: string;
}

const live = (a: AggregationArea, date: string) =>
  (!a.validFrom || a.validFrom <= date) && (!a.validTo || a.validTo >= date);

const LOWER = ['E06', 'E07', 'E08', 'E09'];

/**
 * The council types an input's total may be summed over, in order of preference, and whether it is an amount. A count
 * is summed over one layer that covers England once: the upper tier where the measure applies to counties, else (or
 * when a county has no figure) the lower tier. An amount is summed over the tiers that hold any of it in the period: a
 * county service's spend is the counties' and unitaries' (districts report none), a district service's the districts'
 * and unitaries' (police and fire spending is never summed: specs.ts isSummableInput).
 */
function tiersOf(input: InputInfo, holding: Set<string>): { tiers: Set<string>[]; amount: boolean } {
  if (input.unitType === 'count') {
    const first = aggregationTier(input.applicableAreaTypes);
    const tiers = [
      first,
      ...(first.includes('E07') ? [] : [LOWER.filter((t) => input.applicableAreaTypes.includes(t))]),
    ];
    return { tiers: tiers.map((t) => new Set(t)), amount: false };
  }
  const types = amountTier(input.applicableAreaTypes).filter((t) => holding.has(t));
  return { tiers: [new Set(types)], amount: true };
}

interface Councils {
  byId: Map<number, AggregationArea>;
  /** The live councils of some types at a date, for England (key 0) and by region. */
  membersOf: (types: Set<string>, date: string) => Map<number, AggregationArea[]>;
}

/** Worked out once per geography (a publication derives a hundred inputs or more on the same one) and tier and date. */
const councilsKept = new WeakMap<AggregationGeography, Councils>();

function councilsOf(geo: AggregationGeography): Councils {
  const kept = councilsKept.get(geo);
  if (kept) return kept;
  const memberCache = new Map<string, Map<number, AggregationArea[]>>();
  const membersOf = (types: Set<string>, date: string) => {
    const key = `${[...types].sort().join()}|${date}`;
    let m = memberCache.get(key);
    if (!m) {
      const all: AggregationArea[] = [];
      m = new Map<number, AggregationArea[]>([[0, all]]);
      for (const c of geo.councils) {
        if (!types.has(c.type) || !live(c, date)) continue;
        all.push(c);
        const r = geo.regionOf(c.id, date);
        if (r === undefined) continue;
        const list = m.get(r);
        if (list) list.push(c);
        else m.set(r, [c]);
      }
      memberCache.set(key, m);
    }
    return m;
  };
  const councils = { byId: new Map(geo.councils.map((c) => [c.id, c])), membersOf };
  councilsKept.set(geo, councils);
  return councils;
}

/**
 * The computed England and regional rows of one summable input, for every period it has council figures in; `ours`
 * says whether a stored figure was computed here (so it may be recomputed) rather than given by the publisher.
 */
export function aggregateInput(
  input: InputInfo,
  periods: AggregatePeriod[],
  geo: AggregationGeography,
  ours: (areaId: number, periodId: number) => boolean,
): DerivedRow[] {
  const out: DerivedRow[] = [];
  const { byId, membersOf } = councilsOf(geo);
  // One pass over the figures for every period: the council types with any amount other than 0, and the latest start
  // of a council with a figure (a file published on later boundaries, Census 2021 households on 2023 councils, is
  // summed over those councils).
  const holdingIn = new Map<number, Set<string>>();
  const latestStart = new Map<number, string>();
  input.series.forEach((byPeriod, areaId) => {
    const c = byId.get(areaId);
    if (!c) return;
    byPeriod.forEach((point, periodId) => {
      const v = point.value;
      if (v === null) return;
      let holding = holdingIn.get(periodId);
      if (!holding) holdingIn.set(periodId, (holding = new Set()));
      if (v !== 0) holding.add(c.type);
      if (c.validFrom && c.validFrom > (latestStart.get(periodId) ?? '')) latestStart.set(periodId, c.validFrom);
    });
  });
  const scopes = [...(geo.england ? [geo.england] : []), ...geo.regions];
  for (const p of periods) {
    const holding = holdingIn.get(p.id) ?? new Set<string>();
    const start = latestStart.get(p.id);
    const boundaries = start && start > p.end ? start : p.end;
    const dates = boundaries === p.end ? [p.end] : [p.end, boundaries];
    const { tiers, amount } = tiersOf(input, holding);
    // The councils of each tier and date, for England (key 0) and by region: looked up once a period, not a scope.
    const memberSets = tiers.map((types) => dates.map((date) => membersOf(types, date)));
    for (const area of scopes) {
      const given = input.series.get(area.id)?.get(p.id);
      if (given && !ours(area.id, p.id)) continue; // the publisher's own figure stands
      let reason = '';
      let done = false;
      for (let t = 0; t < tiers.length && !done; t++) {
        const types = tiers[t]!;
        for (let d = 0; d < dates.length; d++) {
          const date = dates[d]!;
          const members = memberSets[t]![d]!.get(area === geo.england ? 0 : area.id) ?? [];
          // Counted and summed in the councils' order, with the statuses carried (provisional, estimated).
          let any = false;
          let withValue = 0;
          let sum = 0;
          const statuses: string[] = [];
          for (const m of members) {
            const x = input.series.get(m.id)?.get(p.id);
            if (x === undefined) continue;
            any = true;
            if (x.value !== null) {
              withValue++;
              sum += x.value;
            }
            for (const s of x.status) if ((s === 'p' || s === 'e') && !statuses.includes(s)) statuses.push(s);
          }
          if (members.length === 0 || !any) continue;
          const agg =
            input.unitType === 'count' || amount
              ? aggregateTotal(area.name, withValue, sum, members.length, { amount })
              : aggregateFigures(area.name, input.unitType, [], members.length, { amount }); // no figure: why
          if (agg.value === null) {
            reason ||= agg.reason;
            continue;
          }
          const on = date === p.end ? '' : `, on the councils of ${date} (the boundaries the figures are published on)`;
          const kinds = [...types].sort().join(', ');
          const only = amount ? '; councils only (no police, no GLA)' : '';
          out.push({
            areaId: area.id,
            periodId: p.id,
            value: agg.value, // in the input's own unit (for example £ thousand): its multiplier still applies
            status: statuses,
            numerator: null,
            denominator: null,
            note: `Computed by this platform, not published: ${agg.method} (${kinds})${on}${only}`,
          });
          done = true;
          break;
        }
      }
      if (!done && given && reason) out.push(noFigure(area.id, p.id, `Not computed: ${reason}`));
    }
  }
  return out;
}

const noFigure = (areaId: number, periodId: number, note: string): DerivedRow => ({
  areaId,
  periodId,
  value: null,
  status: ['x'],
  numerator: null,
  denominator: null,
  note,
});

/** Adds computed rows to an input's series so that derived metrics of England and the regions can be computed. */
export function withAggregates(input: InputInfo, rows: DerivedRow[]): void {
  for (const r of rows) {
    const byPeriod = input.series.get(r.areaId) ?? new Map<number, InputPoint>();
    byPeriod.set(r.periodId, { value: r.value, status: r.status, numerator: null, denominator: null, computed: true });
    input.series.set(r.areaId, byPeriod);
  }
}
