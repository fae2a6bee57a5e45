/**
 * A simulator drafted from the data service: the council's published net current expenditure by service (MHCLG
 * revenue outturn, the mhclg-service-spend import) or, where the revenue account budget (RA) lines are loaded for the
 * council and year, by sub-service; income from sales, fees and charges by service where the long RSX file is loaded;
 * Band D and tax base from the council-tax import; the referendum cap from the dated caps. Every item names the line it
 * came from. The gap and the consequences are placeholders an officer replaces: the draft says so.
 */
import { AppError } from '../../platform/errors.ts';
import type { AreasService } from '../areas/index.ts';
import { raLineCode, serviceMetricCode, SERVICE_SPEND_SERVICES } from '../imports/index.ts';
import type { Metric, MetricsService } from '../metrics/index.ts';
import { financialYear, type ObservationsService } from '../observations/index.ts';
import type { Definition, ItemDef, LevelDef, SectionDef } from './model.ts';
import { SECTION_TITLES } from './model.ts';

const YEAR = /^(\d{4})-(\d{2})$/;
const RA_LINES = Array.from({ length: 849 }, (_, i) => raLineCode(i + 1));
const NCE = 'net_current_expenditure';
const SERVICE_CODES = Object.keys(SERVICE_SPEND_SERVICES).filter((s) => s !== 'totsx');
const TOTAL = serviceMetricCode('totsx', NCE);
const SFC = (s: string) => serviceMetricCode(s, 'sales_fees_charges');
const BAND_D = 'mhclg-ctr.band-d.own';
const TAX_BASE = 'mhclg-ctr.tax-base';
/** Services with statutory duties the draft gives a floor (90% of the baseline), for the officer to confirm. */
const STATUTORY: Record<string, string> = {
  asc: 'Statutory duty: the Care Act 2014 requires the council to meet eligible needs for care and support',
  csc: 'Statutory duty: the Children Act 1989 requires the council to safeguard and support children in need',
};
const SPEND_STEPS = [-20, -10, -5, 0, 5];
const INCOME_STEPS = [0, 5, 10];

export interface PrefillServices {
  areas: AreasService;
  metrics: MetricsService;
  observations: ObservationsService;
  taxCaps: (year: string) => Promise<{ kind: string; cap_pct: number; valid_from: string }[]>;
}

const pounds = (n: number) => `£${Math.round(n).toLocaleString('en-GB')}`;

function spendLevels(title: string, baseline: number, floor: number | null): LevelDef[] {
  if (baseline <= 0) return [{ code: 'same', pctChange: 0, consequence: `No change: ${title} is net income` }];
  return SPEND_STEPS.filter((p) => floor === null || baseline * (1 + p / 100) >= floor).map((p) => ({
    code: p === 0 ? 'same' : p < 0 ? `cut-${-p}` : `add-${p}`,
    pctChange: p,
    consequence:
      p === 0
        ? `Keep ${title} as it is`
        : `${p < 0 ? 'Spend' : 'Spend'} ${pounds(Math.abs((baseline * p) / 100))} ${p < 0 ? 'less' : 'more'} a year on ${title} (${Math.abs(p)}% ${p < 0 ? 'less' : 'more'}) [draft: describe what residents would notice]`,
  }));
}

export function createPrefill({ areas, metrics, observations, taxCaps }: PrefillServices) {
  /** The draft for a council (GSS code) and financial year ("2023-24"); refused with the reason when none is held. */
  return async function prefill(code: string, year: string): Promise<Definition> {
    const m = YEAR.exec(year);
    if (!m || Number(m[2]) !== (Number(m[1]) + 1) % 100)
      throw new AppError(400, 'invalid-year', `"${year}" is not a financial year such as 2023-24.`, [
        { field: 'year', value: year, message: 'must be a financial year such as 2023-24' },
      ]);
    const area = (await areas.resolveCodes([code.trim().toUpperCase()])).areas[0];
    if (!area)
      throw new AppError(404, 'unknown-area', `There is no council ${code}.`, [
        { field: 'area', value: code, message: 'is not a council code we know' },
      ]);
    const period = financialYear(Number(m[1]));
    const codes = [
      ...SERVICE_CODES.flatMap((s) => [serviceMetricCode(s, NCE), SFC(s)]),
      TOTAL,
      BAND_D,
      TAX_BASE,
      ...RA_LINES,
    ];
    const [known, periods] = await Promise.all([metrics.byCodes(codes), metrics.periodsOfCodes(codes)]);
    const p = periods.find((x) => x.iso === period.iso);
    if (!p)
      throw new AppError(404, 'no-finance-data', `No council finance figures are loaded for ${year}.`, [
        {
          field: 'year',
          value: year,
          message: 'has no published spending by service; import mhclg-service-spend first',
        },
      ]);
    const rows = await observations.figures(known, [{ id: p.id, start_date: p.start_date }], [area.id]);
    const byId = new Map(known.map((k) => [k.id, k]));
    const value = new Map<string, { value: number; metric: Metric }>();
    for (const r of rows) {
      const metric = byId.get(r.metric_id);
      if (metric && r.value !== null) value.set(metric.code, { value: r.value * (metric.multiplier || 1), metric });
    }
    const source = (metricCode: string) =>
      `${metricCode}, ${area.code}, ${year}${value.get(metricCode)?.metric.multiplier === 1000 ? ' (£ thousand × 1,000)' : ''}`;

    const ra = raItems(value, source);
    const spendingItems: ItemDef[] = ra?.items ?? [];
    let statedTotal: number | null = ra?.total ?? null;
    if (!ra) {
      for (const s of SERVICE_CODES) {
        const c = serviceMetricCode(s, NCE);
        const v = value.get(c);
        if (!v || v.value === 0) continue;
        const svc = SERVICE_SPEND_SERVICES[s]!;
        const floor = STATUTORY[s] && v.value > 0 ? Math.round(v.value * 0.9) : null;
        spendingItems.push({
          code: svc.slug,
          title: svc.short,
          description: `Net current expenditure on ${svc.title}, ${year} (outturn).`,
          baseline: v.value,
          floor,
          floorReason: floor !== null ? `${STATUTORY[s]} [draft: 90% of spend; confirm the minimum]` : null,
          ringFenced: s === 'phs' && v.value > 0, // the public health grant is ring-fenced
          contractual: false,
          source: source(c),
          levels: [],
        });
      }
      for (const it of spendingItems)
        it.levels = spendLevels(it.title.toLowerCase(), it.baseline, it.ringFenced ? it.baseline : (it.floor ?? null));
      statedTotal = value.get(TOTAL)?.value ?? null;
    }
    if (spendingItems.length === 0)
      throw new AppError(404, 'no-finance-data', `No spending by service is loaded for ${area.name} in ${year}.`, [
        { field: 'area', value: area.code, message: `has no published net current expenditure for ${year}` },
      ]);

    const incomeItems: ItemDef[] = [];
    for (const s of SERVICE_CODES) {
      const v = value.get(SFC(s));
      if (!v || v.value <= 0) continue;
      const svc = SERVICE_SPEND_SERVICES[s]!;
      incomeItems.push({
        code: `fees-${svc.slug}`,
        title: `Fees and charges: ${svc.short.toLowerCase()}`,
        description: `Income from sales, fees and charges for ${svc.title}, ${year}.`,
        baseline: v.value,
        source: source(SFC(s)),
        levels: INCOME_STEPS.map((pct) => ({
          code: pct === 0 ? 'same' : `raise-${pct}`,
          pctChange: pct,
          consequence:
            pct === 0
              ? 'Keep fees and charges as they are'
              : `Raise ${pounds((v.value * pct) / 100)} more a year from fees and charges (${pct}% more) [draft: name the charges]`,
        })),
      });
    }

    const bandD = value.get(BAND_D)?.value ?? null;
    const taxBase = value.get(TAX_BASE)?.value ?? null;
    const caps = await taxCaps(year);
    const core = caps.find((c) => c.kind === 'core');
    const care = caps.find((c) => c.kind === 'social-care');
    const socialCare = ['E06', 'E08', 'E09', 'E10'].includes(area.type);
    const capPct = core ? core.cap_pct + (socialCare && care ? care.cap_pct : 0) : null;
    const taxItems: ItemDef[] = [];
    if (bandD !== null && taxBase !== null) {
      const requirement = bandD * taxBase;
      const steps = [0, 1, 2, ...(capPct !== null ? [capPct] : [])].filter(
        (x, i, a) => a.indexOf(x) === i && (capPct === null || x <= capPct),
      );
      taxItems.push({
        code: 'council-tax',
        title: 'Council tax',
        description: `Band D ${pounds(bandD)} a year; ${Math.round(taxBase).toLocaleString('en-GB')} Band D equivalent homes.`,
        baseline: requirement,
        source: `${source(BAND_D)} × ${source(TAX_BASE)}`,
        levels: steps.map((pct) => ({
          code: pct === 0 ? 'same' : `raise-${String(pct).replace('.', '-')}`,
          pctChange: pct,
          consequence:
            pct === 0
              ? 'Keep council tax as it is'
              : `Raise council tax by ${pct}%: ${pounds((bandD * pct) / 100)} a year more for a Band D home, ${pounds((requirement * pct) / 100)} in all`,
        })),
      });
    }
    const total = statedTotal ?? spendingItems.reduce((a, i) => a + i.baseline, 0);
    const gap = Math.round((total * 0.03) / 100_000) * 100_000;
    const sections: SectionDef[] = [
      { kind: 'spending', title: SECTION_TITLES.spending, items: spendingItems },
      ...(incomeItems.length ? [{ kind: 'income' as const, title: SECTION_TITLES.income, items: incomeItems }] : []),
      ...(taxItems.length
        ? [{ kind: 'council-tax' as const, title: SECTION_TITLES['council-tax'], items: taxItems }]
        : []),
    ];
    return {
      council: area.code,
      year,
      title: `Balance ${area.name}'s budget`,
      status: 'draft',
      gap: { kind: 'one-year', years: [{ year: nextYear(year), amount: gap }] },
      statedTotal,
      councilTax: {
        bandD,
        taxBase,
        capPct,
        capValidFrom: core?.valid_from ?? null,
      },
      sections,
      constraints: [],
    };
  };

  /** Sub-service items from the RA budget lines held for the council and year (totals left out), or undefined. */
  function raItems(
    value: Map<string, { value: number; metric: Metric }>,
    source: (c: string) => string,
  ): { items: ItemDef[]; total: number | null } | undefined {
    const lines = RA_LINES.map((c, i) => ({ c, line: i + 1, v: value.get(c) })).filter((x) => x.v);
    if (lines.length === 0) return undefined;
    const tse = lines.find((x) => /^total service expenditure/i.test(x.v!.metric.title));
    const items: ItemDef[] = [];
    for (const { c, line, v } of lines) {
      if (tse && line >= tse.line) break;
      const title = v!.metric.title.replace(/: budgeted net current expenditure$/, '');
      if (/^total\b|net current expenditure/i.test(title) || v!.value === 0) continue;
      items.push({
        code: `ra-${line}`,
        title,
        description: `Budgeted net current expenditure, RA line ${line}.`,
        baseline: v!.value,
        source: source(c),
        levels: spendLevels(title.toLowerCase(), v!.value, null),
      });
    }
    return items.length ? { items, total: tse ? tse.v!.value : null } : undefined;
  }
}

function nextYear(year: string): string {
  const y = Number(year.slice(0, 4)) + 1;
  return `${y}-${String((y + 1) % 100).padStart(2, '0')}`;
}

export type Prefill = ReturnType<typeof createPrefill>;
