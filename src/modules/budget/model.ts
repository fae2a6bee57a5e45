/**
 * The budget simulator's rules, pure: the definition (what a council sets up), its validation with a reason per row and
 * field, and the arithmetic of a resident's budget (how much of the gap each choice closes, floors, constraints). The
 * service, the pages, the import/export and the benchmark all compute through here, so a submission is recomputed by
 * the same rule that drew the page.
 */
import type { FieldError } from '../../platform/errors.ts';
import { checkStoredText } from '../../platform/text.ts';
import type { AboutYouRef } from './about.ts';
import type { PopulationDef } from './population.ts';

export const SECTION_KINDS = ['spending', 'efficiencies', 'income', 'council-tax'] as const;
export type SectionKind = (typeof SECTION_KINDS)[number];
export const SECTION_TITLES: Record<SectionKind, string> = {
  spending: 'Spending on services',
  efficiencies: 'Efficiencies',
  income: 'Income and fees',
  'council-tax': 'Council tax',
};
export const STATUSES = ['draft', 'open', 'closed'] as const;
export type SimulatorStatus = (typeof STATUSES)[number];
export const GAP_KINDS = ['one-year', 'multi-year'] as const;
export type GapKind = (typeof GAP_KINDS)[number];
/**
 * How a multi-year gap is balanced. A resident's choices change the base budget, so they recur in every year of the
 * plan. `each-year`: they must close every year's gap (the largest binds). `cumulative`: over the plan they must add up
 * to the gaps added up (an early surplus, carried in reserves, covers a later shortfall). Never the whole plan's gap in
 * one year (the "impossible game").
 */
export const GAP_RULES = ['each-year', 'cumulative'] as const;
export type GapRule = (typeof GAP_RULES)[number];
export const GAP_RULE_TEXT: Record<GapRule, string> = {
  'each-year': 'each year’s gap must be met',
  cumulative: 'the gap over the whole plan must be met (a surplus in one year covers a later year)',
};

export interface LevelDef {
  code: string;
  /** The change to the item's baseline, per cent (−20 is a fifth less; for council tax, the Band D change). */
  pctChange: number;
  /** What this level means for residents, in plain English. */
  consequence: string;
}
export interface ItemDef {
  code: string;
  title: string;
  description?: string | null;
  /** £ a year (spending: net spend; income: income; council tax: the council tax requirement). */
  baseline: number;
  /** £: the statutory minimum residents cannot cut below. */
  floor?: number | null;
  floorReason?: string | null;
  ringFenced?: boolean;
  contractual?: boolean;
  /** Where a pre-filled baseline came from (metric, area, period). */
  source?: string | null;
  levels: LevelDef[];
}
export interface SectionDef {
  kind: SectionKind;
  title: string;
  intro?: string | null;
  items: ItemDef[];
}
export interface ConstraintDef {
  kind: 'requires' | 'excludes';
  item: string;
  level: string;
  otherItem: string;
  otherLevel: string;
}
export interface CouncilTaxDef {
  /** £: the council's own Band D. */
  bandD: number | null;
  /** Band D equivalent properties. */
  taxBase: number | null;
  /** The referendum cap, per cent (dated: capValidFrom). */
  capPct: number | null;
  capValidFrom?: string | null;
}
export interface Definition {
  council: string;
  year: string;
  title: string;
  status?: SimulatorStatus;
  /** Each year's amount is that year's shortfall against the base budget, as the medium-term plan shows it. */
  gap: { kind: GapKind; rule?: GapRule | null; years: { year: string; amount: number }[] };
  /** £: what the spending items add up to (the council's net spend); null when not stated. */
  statedTotal: number | null;
  councilTax: CouncilTaxDef;
  sections: SectionDef[];
  constraints: ConstraintDef[];
  /** Optional "about you" questions from a questionnaire of the surveys module (about.ts). */
  aboutYou?: AboutYouRef | null;
  /** Optional: the council's population by age and sex for weighting, as an officer entered it (population.ts). */
  population?: PopulationDef | null;
}

/** Where in a definition a path points, for messages (the JSON path, or a sheet, row and column from XLSX). */
export type Locate = (path: string) => string;
const plain: Locate = (p) => p;

/** Closing the gap: spending and efficiencies close it by cutting, income and council tax by raising. */
export const sign = (kind: SectionKind): number => (kind === 'spending' || kind === 'efficiencies' ? -1 : 1);
/** £ of the gap a level closes (positive closes it). */
export const closes = (kind: SectionKind, baseline: number, pct: number): number => (sign(kind) * baseline * pct) / 100;
/** The floor in force: a ring-fenced or contractual item cannot go below its baseline. */
export const effectiveFloor = (i: ItemDef): number | null =>
  i.ringFenced || i.contractual ? Math.max(i.floor ?? -Infinity, i.baseline) : (i.floor ?? null);
/** The level a resident starts on: no change, else the first. */
export const defaultLevel = (i: ItemDef): number =>
  Math.max(
    0,
    i.levels.findIndex((l) => l.pctChange === 0),
  );
/** The rule in force: a one-year gap has none; a multi-year gap stated without one is balanced each year. */
export const gapRule = (d: Pick<Definition, 'gap'>): GapRule | null =>
  d.gap.kind === 'one-year' ? null : (d.gap.rule ?? 'each-year');
/**
 * The £ a year residents' recurring choices must close: a one-year gap's amount; each year's gap met: the largest;
 * the cumulative gap met: the plan's gaps added up, spread over its years (n × closed ≥ Σ gaps).
 */
export function target(d: Pick<Definition, 'gap'>): number {
  const amounts = d.gap.years.map((y) => y.amount);
  if (amounts.length === 0) return 0;
  const rule = gapRule(d);
  if (rule === null) return amounts[0]!;
  if (rule === 'each-year') return Math.max(...amounts);
  return amounts.reduce((a, b) => a + b, 0) / amounts.length;
}
/** Year by year: the gap, and what recurring choices closing `closed` a year have met (cumulative: to date). */
export function yearBalances(d: Pick<Definition, 'gap'>, closed: number): YearBalance[] {
  const cumulative = gapRule(d) === 'cumulative';
  let gapToDate = 0;
  return d.gap.years.map((y, i) => {
    gapToDate += y.amount;
    const gap = cumulative ? gapToDate : y.amount;
    const met = cumulative ? closed * (i + 1) : closed;
    return { year: y.year, gap, closed: met, balance: met - gap, met: met - gap >= -0.5 };
  });
}
export interface YearBalance {
  year: string;
  /** £: the year's gap (cumulative rule: the plan's gap to the end of this year). */
  gap: number;
  /** £: what the choices close in that year (cumulative rule: to the end of this year). */
  closed: number;
  balance: number;
  met: boolean;
}
/** Rounding of pre-filled baselines (£ thousand) allowed between the items' sum and the stated total, per item. */
export const TOTAL_TOLERANCE_PER_ITEM = 1000;

const CODE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const YEAR = /^(\d{4})-(\d{2})$/;
const money = (n: number) => `£${Math.round(n).toLocaleString('en-GB')}`.replace('£-', '−£');

/** Every problem with a definition, each naming where (the path, or sheet/row/column through `locate`) and why. */
export function validateDefinition(d: Definition, locate: Locate = plain): FieldError[] {
  const errors: FieldError[] = [];
  const err = (path: string, message: string, value?: unknown) =>
    errors.push({ field: locate(path), message, ...(value !== undefined ? { value: String(value) } : {}) });
  const text = (path: string, v: string | null | undefined, required = true) => {
    if (required && (!v || v.trim() === '')) return err(path, 'is required');
    const p = checkStoredText(locate(path), v);
    if (p) errors.push(p);
  };
  text('title', d.title);
  if (!YEAR.test(d.year) || Number(YEAR.exec(d.year)![2]) !== (Number(YEAR.exec(d.year)![1]) + 1) % 100)
    err('year', 'must be a financial year such as 2024-25', d.year);
  if (d.status !== undefined && !STATUSES.includes(d.status))
    err('status', `must be one of ${STATUSES.join(', ')}`, d.status);
  if (!GAP_KINDS.includes(d.gap.kind)) err('gap.kind', `must be one of ${GAP_KINDS.join(', ')}`, d.gap.kind);
  if (d.gap.years.length === 0) err('gap.years', 'needs at least one year');
  if (d.gap.kind === 'one-year' && d.gap.years.length > 1)
    err('gap.years', 'a one-year gap has one year; use multi-year for a plan');
  if (d.gap.kind === 'multi-year' && d.gap.years.length < 2)
    err('gap.years', 'a multi-year gap needs two years or more');
  if (d.gap.rule != null && !GAP_RULES.includes(d.gap.rule))
    err('gap.rule', `must be one of ${GAP_RULES.join(', ')}`, d.gap.rule);
  d.gap.years.forEach((y, i) => {
    const prev = d.gap.years[i - 1]?.year;
    if (!YEAR.test(y.year)) err(`gap.years[${i}].year`, 'must be a financial year such as 2024-25', y.year);
    else if (prev && YEAR.test(prev) && Number(y.year.slice(0, 4)) !== Number(prev.slice(0, 4)) + 1)
      err(`gap.years[${i}].year`, `must be the year after ${prev}`, y.year);
    if (!Number.isFinite(y.amount) || y.amount < 0) err(`gap.years[${i}].amount`, 'must be £0 or more', y.amount);
  });
  const ct = d.councilTax;
  if (ct.capPct !== null && !(Number.isFinite(ct.capPct) && ct.capPct >= 0 && ct.capPct <= 100))
    err('councilTax.capPct', 'must be a percentage from 0 to 100', ct.capPct);
  if (ct.bandD !== null && !(ct.bandD > 0)) err('councilTax.bandD', 'must be more than £0', ct.bandD);
  if (ct.taxBase !== null && !(ct.taxBase > 0)) err('councilTax.taxBase', 'must be more than 0', ct.taxBase);

  const levelsOf = new Map<string, Set<string>>();
  let spendingSum = 0;
  let spendingItems = 0;
  d.sections.forEach((s, si) => {
    const sp = `sections[${si}]`;
    if (!SECTION_KINDS.includes(s.kind)) err(`${sp}.kind`, `must be one of ${SECTION_KINDS.join(', ')}`, s.kind);
    text(`${sp}.title`, s.title);
    s.items.forEach((it, ii) => {
      const ip = `${sp}.items[${ii}]`;
      if (!CODE.test(it.code))
        err(`${ip}.code`, 'must be lower-case letters, digits, dots, hyphens (up to 64)', it.code);
      else if (levelsOf.has(it.code)) err(`${ip}.code`, 'is used by another item', it.code);
      levelsOf.set(it.code, new Set(it.levels.map((l) => l.code)));
      text(`${ip}.title`, it.title);
      text(`${ip}.description`, it.description, false);
      text(`${ip}.floorReason`, it.floorReason, false);
      if (!Number.isFinite(it.baseline)) err(`${ip}.baseline`, 'must be an amount in £', it.baseline);
      if (s.kind === 'spending') {
        spendingSum += it.baseline;
        spendingItems++;
      }
      const floor = effectiveFloor(it);
      if (it.floor != null) {
        if (!Number.isFinite(it.floor) || it.floor < 0) err(`${ip}.floor`, 'must be £0 or more', it.floor);
        else if (it.floor > it.baseline) err(`${ip}.floor`, `is above the baseline ${money(it.baseline)}`, it.floor);
        if (!it.floorReason?.trim())
          err(`${ip}.floorReason`, 'is required when there is a floor: residents are shown why');
      }
      if (it.levels.length === 0) err(`${ip}.levels`, 'needs at least one level');
      const codes = new Set<string>();
      it.levels.forEach((l, li) => {
        const lp = `${ip}.levels[${li}]`;
        if (!CODE.test(l.code)) err(`${lp}.code`, 'must be lower-case letters, digits, dots, hyphens', l.code);
        else if (codes.has(l.code)) err(`${lp}.code`, 'is used twice in this item', l.code);
        codes.add(l.code);
        text(`${lp}.consequence`, l.consequence);
        if (!Number.isFinite(l.pctChange) || l.pctChange < -100 || l.pctChange > 1000)
          err(`${lp}.pctChange`, 'must be a percentage change from −100 to 1000', l.pctChange);
        const after = it.baseline * (1 + l.pctChange / 100);
        if (floor !== null && s.kind !== 'income' && s.kind !== 'council-tax' && after < floor - 0.5) {
          const why = it.ringFenced
            ? 'the item is ring-fenced'
            : it.contractual
              ? 'the item is contractual'
              : it.floorReason;
          err(
            `${lp}.pctChange`,
            `takes ${it.title} to ${money(after)}, below its floor of ${money(floor)} (${why ?? 'statutory minimum'})`,
            l.pctChange,
          );
        }
        if (s.kind === 'council-tax' && ct.capPct !== null && l.pctChange > ct.capPct + 1e-9)
          err(`${lp}.pctChange`, `is above the referendum cap of ${ct.capPct}% for ${d.year}`, l.pctChange);
      });
    });
  });
  if (d.sections.every((s) => s.items.length === 0)) err('sections', 'needs at least one item');
  if (d.statedTotal !== null && spendingItems > 0) {
    const tolerance = TOTAL_TOLERANCE_PER_ITEM * spendingItems;
    if (Math.abs(spendingSum - d.statedTotal) > tolerance)
      err(
        'statedTotal',
        `the spending items add up to ${money(spendingSum)}, not the stated total ${money(d.statedTotal)} (a difference of ${money(spendingSum - d.statedTotal)}; rounding of up to ${money(tolerance)} is allowed)`,
        d.statedTotal,
      );
  }
  validateConstraints(d.constraints, levelsOf, err);
  return errors;
}

function validateConstraints(
  cs: ConstraintDef[],
  levelsOf: Map<string, Set<string>>,
  err: (path: string, message: string, value?: unknown) => void,
): void {
  const direct = { found: false };
  const report = err;
  err = (path, message, value) => {
    direct.found = true;
    report(path, message, value);
  };
  const key = (c: ConstraintDef) => `${c.item}:${c.level}>${c.otherItem}:${c.otherLevel}`;
  const seen = new Map<string, ConstraintDef['kind']>();
  const requiresOf = new Map<string, { item: string; level: string; at: number }[]>();
  cs.forEach((c, i) => {
    const p = `constraints[${i}]`;
    if (c.kind !== 'requires' && c.kind !== 'excludes') err(`${p}.kind`, 'must be requires or excludes', c.kind);
    for (const [field, item, level] of [
      ['item', c.item, c.level],
      ['otherItem', c.otherItem, c.otherLevel],
    ] as const) {
      const levels = levelsOf.get(item);
      if (!levels) err(`${p}.${field}`, 'is not an item of this simulator', item);
      else if (!levels.has(level))
        err(`${p}.${field === 'item' ? 'level' : 'otherLevel'}`, `is not a level of ${item}`, level);
    }
    if (c.item === c.otherItem)
      err(`${p}.otherItem`, 'names the same item: a choice cannot require or exclude its own item', c.otherItem);
    const before = seen.get(key(c));
    if (before && before !== c.kind)
      err(
        p,
        `contradicts another constraint: ${c.item}:${c.level} both requires and excludes ${c.otherItem}:${c.otherLevel}`,
      );
    seen.set(key(c), c.kind);
    if (c.kind === 'requires') {
      const list = requiresOf.get(`${c.item}:${c.level}`) ?? [];
      const clash = list.find((r) => r.item === c.otherItem && r.level !== c.otherLevel);
      if (clash)
        err(
          p,
          `contradicts constraint ${clash.at + 1}: ${c.item}:${c.level} cannot require two levels of ${c.otherItem} (${clash.level} and ${c.otherLevel})`,
        );
      list.push({ item: c.otherItem, level: c.otherLevel, at: i });
      requiresOf.set(`${c.item}:${c.level}`, list);
    }
  });
  if (!direct.found) impossibleChoices(cs, err);
}

/**
 * Rules that contradict each other through a chain: a choice whose requirements, followed through every rule, force
 * two options of one item (its own included) or two options one rule excludes together could never be made. Named at
 * the choice's first rule, with the chain.
 */
function impossibleChoices(cs: ConstraintDef[], err: (path: string, message: string, value?: unknown) => void): void {
  const choice = (item: string, level: string) => `${item} “${level}”`;
  cs.forEach((c, i) => {
    if (cs.findIndex((x) => x.item === c.item && x.level === c.level) !== i) return;
    const forced = new Map<string, string>([[c.item, c.level]]);
    const queue: [string, string][] = [[c.item, c.level]];
    let clash: string | null = null;
    while (queue.length && !clash) {
      const [item, level] = queue.shift()!;
      for (const r of cs) {
        if (r.kind !== 'requires' || r.item !== item || r.level !== level) continue;
        const had = forced.get(r.otherItem);
        if (had === undefined) {
          forced.set(r.otherItem, r.otherLevel);
          queue.push([r.otherItem, r.otherLevel]);
        } else if (had !== r.otherLevel) {
          clash = `it would need both ${choice(r.otherItem, had)} and ${choice(r.otherItem, r.otherLevel)}`;
          break;
        }
      }
    }
    for (const r of clash ? [] : cs)
      if (r.kind === 'excludes' && forced.get(r.item) === r.level && forced.get(r.otherItem) === r.otherLevel) {
        clash = `it would need ${choice(r.item, r.level)} and ${choice(r.otherItem, r.otherLevel)}, which another rule excludes together`;
        break;
      }
    if (clash)
      err(
        `constraints[${i}]`,
        `contradicts the other rules: ${choice(c.item, c.level)} could never be chosen, as ${clash}`,
        `${c.item}:${c.level}`,
      );
  });
}

/** A definition's items in order, each with its section kind (the order of the stored `levels` text). */
export function flatItems(d: Pick<Definition, 'sections'>): (ItemDef & { kind: SectionKind; section: number })[] {
  return d.sections.flatMap((s, section) => s.items.map((i) => ({ ...i, kind: s.kind, section })));
}

export interface BudgetResult {
  /** £ of the gap the choices close. */
  closed: number;
  target: number;
  /** closed − target: 0 or more is balanced. */
  balance: number;
  balanced: boolean;
  /** The gap's rule (null: one year) and each year of the plan as the rule reads it. */
  rule: GapRule | null;
  years: YearBalance[];
  /** The council tax change (sum of the council tax items' levels), per cent. */
  taxChangePct: number;
  /** Per item: £ change to the item (baseline × pct) and £ of the gap closed. */
  changes: { change: number; closes: number }[];
  problems: { item: number; message: string }[];
}

/** A resident's budget: `levels[i]` the chosen level's position for item i. Refused levels are for the caller. */
export function computeBudget(
  d: Pick<Definition, 'sections' | 'gap' | 'constraints'>,
  levels: readonly number[],
): BudgetResult {
  const items = flatItems(d);
  let closed = 0;
  let tax = 0;
  const changes = items.map((it, i) => {
    const l = it.levels[levels[i] ?? defaultLevel(it)]!;
    const change = (it.baseline * l.pctChange) / 100;
    const c = closes(it.kind, it.baseline, l.pctChange);
    closed += c;
    if (it.kind === 'council-tax') tax += l.pctChange;
    return { change, closes: c };
  });
  const problems: BudgetResult['problems'] = [];
  const index = new Map(items.map((it, i) => [it.code, i]));
  for (const c of d.constraints) {
    const a = index.get(c.item);
    const b = index.get(c.otherItem);
    if (a === undefined || b === undefined) continue;
    const chosen = (i: number) => items[i]!.levels[levels[i] ?? defaultLevel(items[i]!)]!.code;
    if (chosen(a) !== c.level) continue;
    const other = items[b]!;
    const otherLevel = other.levels.find((l) => l.code === c.otherLevel);
    if (c.kind === 'requires' && chosen(b) !== c.otherLevel)
      problems.push({
        item: b,
        message: `${items[a]!.title}: your choice needs ${other.title} set to “${otherLevel?.consequence ?? c.otherLevel}”`,
      });
    if (c.kind === 'excludes' && chosen(b) === c.otherLevel)
      problems.push({
        item: b,
        message: `${items[a]!.title}: your choice cannot go with ${other.title} set to “${otherLevel?.consequence ?? c.otherLevel}”`,
      });
  }
  const t = target(d);
  const balance = closed - t;
  // Balanced against the target is each year's gap met (each-year) or the plan's gap met by its end (cumulative).
  const years = yearBalances(d, closed);
  const balanced = balance >= -0.5;
  return { closed, target: t, balance, balanced, rule: gapRule(d), years, taxChangePct: tax, changes, problems };
}

/**
 * The levels a resident posted, checked against the definition: each a position the item offers. Answers the
 * positions or the items whose level was not offered (a tampered or stale form).
 */
export function parseLevels(
  d: Pick<Definition, 'sections'>,
  posted: (code: string) => string | undefined,
): { levels: number[]; refused: { item: string; value: string }[] } {
  const refused: { item: string; value: string }[] = [];
  const levels = flatItems(d).map((it) => {
    const v = posted(it.code);
    if (v === undefined || v === '') return defaultLevel(it);
    const at = it.levels.findIndex((l) => l.code === v);
    if (at < 0) {
      refused.push({ item: it.code, value: v });
      return defaultLevel(it);
    }
    return at;
  });
  return { levels, refused };
}

export { money as formatPounds };
