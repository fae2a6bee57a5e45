/**
 * MHCLG "Council Tax levels set by local authorities in England" (Table 9 and the CTR workbooks), 2014-15 to 2023-24:
 * ctr_band_d_by_authority_2014-15_to_2023-24.csv (financial_year, ecode, ons_code, authority, class, role,
 * band_d_own_incl_parish, band_d_own_excl_parish, band_d_area_total, council_tax_requirement_gbp,
 * taxbase_band_d_equiv, source_file), in £ (not thousands).
 *
 * Each authority's own Band D (with and without parish precepts), the whole Band D bill in a billing authority's area
 * (with the county, police and fire precepts; billing authorities only, from 2015-16), the council tax requirement and
 * the tax base in Band D equivalent dwellings. A blank cell is imported as not available (x); the area bill is not read
 * for precepting authorities (it does not apply to them, so nothing is left out: a figure there is an error). England's
 * row is kept: its Band D is the England average.
 */
import type { AdapterContext, ImportAdapter, ImportItem } from '../adapter.ts';
import type { MetricDefinition, UnitType } from '../../metrics/index.ts';
import { readCsv } from '../csv.ts';
import { FINANCE_AREA_TYPES, financeCell, MHCLG_SOURCE, notes, rowPlace, rowYear } from './mhclg-finance.ts';

const NAME = 'council-tax';
const PREFIX = 'mhclg-ctr';
const COLUMNS = [
  'financial_year',
  'ecode',
  'ons_code',
  'authority',
  'class',
  'role',
  'band_d_own_incl_parish',
  'band_d_own_excl_parish',
  'band_d_area_total',
  'council_tax_requirement_gbp',
  'taxbase_band_d_equiv',
];
const URL = 'https://www.gov.uk/government/collections/council-tax-statistics';
const BILLING_TYPES = ['E06', 'E07', 'E08', 'E09'];

interface Column {
  code: string;
  title: string;
  short: string;
  description: string;
  unit: string;
  unitType: UnitType;
  decimalPlaces: number;
  areaTypes: string[];
  billingOnly?: boolean;
}

const CAVEATS =
  'As set by each authority for the year (the budget, not the outturn), in pounds. Each year is taken from that year’s own publication (2014-15 from the previous-year column of the 2015-16 one). ' +
  "A Band D of 0 in the source (Buckinghamshire 2020-21, its first year as a unitary) is imported as not available. Councils abolished since 2019 keep their own figures under their old codes; a new council's page shows its predecessors' figures as theirs. " +
  'Police and crime commissioners are not held by this platform and are left out; the GLA is left out because MHCLG files it under the London region code.';

const COLUMN_SPECS: Record<string, Column> = {
  band_d_own_incl_parish: {
    code: `${PREFIX}.band-d.own-incl-parish`,
    title: "Band D council tax: the authority's own, including parish precepts",
    short: 'Band D (own, with parishes)',
    description:
      "The council tax for a Band D dwelling set by the authority itself, including the average parish precept in a billing authority's area.",
    unit: '£',
    unitType: 'currency',
    decimalPlaces: 2,
    areaTypes: FINANCE_AREA_TYPES,
  },
  band_d_own_excl_parish: {
    code: `${PREFIX}.band-d.own`,
    title: "Band D council tax: the authority's own, excluding parish precepts",
    short: 'Band D (own)',
    description: 'The council tax for a Band D dwelling set by the authority itself, without parish precepts.',
    unit: '£',
    unitType: 'currency',
    decimalPlaces: 2,
    areaTypes: FINANCE_AREA_TYPES,
  },
  band_d_area_total: {
    code: `${PREFIX}.band-d.area-total`,
    title: "Band D council tax: the whole bill in the billing authority's area",
    short: 'Band D (whole bill)',
    description:
      "The average Band D bill in a billing authority's area: its own and the parish, county, police, fire and combined authority precepts.",
    unit: '£',
    unitType: 'currency',
    decimalPlaces: 2,
    areaTypes: BILLING_TYPES,
    billingOnly: true,
  },
  council_tax_requirement_gbp: {
    code: `${PREFIX}.council-tax-requirement`,
    title: 'Council tax requirement (budget)',
    short: 'Council tax requirement',
    description: 'The amount the authority budgets to raise from council tax in the year, in pounds.',
    unit: '£',
    unitType: 'currency',
    decimalPlaces: 0,
    areaTypes: FINANCE_AREA_TYPES,
  },
  taxbase_band_d_equiv: {
    code: `${PREFIX}.tax-base`,
    title: 'Council tax base (Band D equivalent dwellings)',
    short: 'Tax base',
    description:
      'The number of dwellings council tax is set on, counted as Band D equivalents after discounts, exemptions and council tax support.',
    unit: 'Band D equivalent dwellings',
    unitType: 'count',
    decimalPlaces: 0,
    areaTypes: FINANCE_AREA_TYPES,
  },
};

export const COUNCIL_TAX_METRICS: MetricDefinition[] = Object.entries(COLUMN_SPECS).map(([column, c]) => ({
  code: c.code,
  title: c.title,
  shortTitle: c.short,
  description: c.description,
  definition: `MHCLG, Council Tax levels set by local authorities in England (Band D and council tax requirement tables), column ${column}.`,
  caveats: CAVEATS,
  topic: 'workforce-finance',
  subtopic: 'Council tax',
  unit: c.unit,
  unitType: c.unitType,
  decimalPlaces: c.decimalPlaces,
  polarity: 'not-applicable',
  periodType: 'financial-year',
  applicableAreaTypes: [...c.areaTypes],
  source: MHCLG_SOURCE('Council Tax levels set by local authorities in England', URL),
  statisticsStatus: 'official-accredited',
  publisherCode: column,
}));

async function* read(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  if (files.length !== 1)
    throw new Error(`${NAME} takes one file (ctr_band_d_by_authority_2014-15_to_2023-24.csv), not ${files.length}`);
  let first = true;
  for await (const row of readCsv(files[0]!, { required: COLUMNS, adapter: NAME }, ctx)) {
    if (first) {
      first = false;
      for (const metric of COUNCIL_TAX_METRICS) yield { kind: 'metric', metric, at: { file: row.at.file, line: 1 } };
    }
    const period = rowYear(row, ctx);
    if (!period) continue;
    const role = (row.get('role') ?? '').trim();
    if (role !== 'billing' && role !== 'precepting') {
      ctx.error({ at: row.at, field: 'role', value: role, message: `"${role}" is neither billing nor precepting` });
      continue;
    }
    const place = rowPlace(row, period, ctx);
    if (!place) continue;
    for (const [column, spec] of Object.entries(COLUMN_SPECS)) {
      if (spec.billingOnly && role !== 'billing') {
        if ((row.get(column) ?? '').trim() !== '')
          ctx.error({
            at: row.at,
            field: column,
            value: row.get(column),
            message: 'the whole Band D bill is given for billing authorities only',
          });
        continue; // not applicable to a precepting authority: nothing to import
      }
      const cell = financeCell(row.get(column));
      if (!cell.ok) {
        ctx.error({ at: row.at, field: column, value: row.get(column), message: cell.message });
        continue;
      }
      if (cell.value !== null && cell.value < 0) {
        ctx.error({ at: row.at, field: column, value: row.get(column), message: `${cell.value} cannot be negative` });
        continue;
      }
      yield {
        kind: 'observation',
        observation: {
          metric: spec.code,
          area: place.code,
          period,
          value: cell.value,
          status: cell.status,
          note: notes(place.note, cell.note),
          at: row.at,
        },
      };
    }
  }
}

export const councilTaxAdapter: ImportAdapter = {
  name: NAME,
  summary:
    'MHCLG council tax levels 2014-15 to 2023-24: own Band D (with and without parishes), the whole Band D bill, council tax requirement, tax base',
  files: 'ctr_band_d_by_authority_2014-15_to_2023-24.csv',
  signatures: [COLUMNS],
  read,
};
