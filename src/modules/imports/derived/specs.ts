/**
 * The derived finance measures: each a metric definition whose `derivation` names its inputs and formula. They are
 * defined only when their inputs are in the catalogue, and computed by the import engine (derived/step.ts) whenever a
 * publication changes an input. Cash terms: the figures are in the prices of each year.
 *
 * The contract other modules rely on (the value-for-money profile): for each net current expenditure metric X
 * (`mhclg-rsx.<service>.net-current-expenditure`), spend per head is `X.per-head` (£ per person) and, where households
 * are the fairer base (environmental services, which hold waste), spend per household is `X.per-household`.
 */
import type { MetricDefinition, MetricDerivation } from '../../metrics/index.ts';
import { RA_NOT_SUMMED } from '../adapters/mhclg-revenue-budget.ts';
import { RSX_NOT_SUMMED } from '../adapters/mhclg-service-spend.ts';
import { COUNCIL_TYPES, LOWER_TIER } from '../adapters/tiers.ts';

/** What a spec needs to know of an input metric in the catalogue. */
export interface InputMetric {
  code: string;
  title: string;
  short_title: string | null;
  unit: string;
  multiplier: number;
}

const NCE = /^mhclg-rsx\.([a-z-]+)\.net-current-expenditure$/;
export const POPULATION = 'population.total';
export const HOUSEHOLDS = 'census2021.households';
/** Services whose spend is also given per household: waste is in environmental and regulatory services. */
const PER_HOUSEHOLD = new Set(['environmental-regulatory']);
/** Services no council runs (police) or not a council's: no per-head figure. */
const NO_PER_HEAD = new Set(['police']);

const RESERVES = (slug: string) => `mhclg-rs.usable-reserves.${slug}.31-march`;
const NRE = 'mhclg-rs.net-revenue-expenditure';
const CTR = 'mhclg-ctr.council-tax-requirement';
const TAX_BASE = 'mhclg-ctr.tax-base';
const BAND_D: Record<string, string> = {
  'mhclg-ctr.band-d.own': "the authority's own Band D",
  'mhclg-ctr.band-d.area-total': "the whole Band D bill in the billing authority's area",
};

const DERIVED_SOURCE: MetricDefinition['source'] = {
  publisher: 'Derived by this platform from MHCLG and ONS figures',
  licence: 'OGL-UK-3.0',
  attribution:
    'Derived from MHCLG local authority finance statistics and ONS population estimates. Contains public sector information licensed under the Open Government Licence v3.0.',
};

const common = {
  topic: 'workforce-finance',
  subtopic: 'Council finances (derived)',
  polarity: 'not-applicable',
  periodType: 'financial-year',
  statisticsStatus: 'derived',
  source: DERIVED_SOURCE,
} as const;

const CASH = 'Cash terms: each year in its own prices (ask for real terms with a loaded deflator). ';

function ratio(numerator: string[], denominator: string, nearest: boolean, scale: number, text: string) {
  return {
    formula: 'ratio',
    numerator,
    denominator,
    denominatorPeriod: nearest ? 'nearest-held' : 'same',
    scale,
    text,
  } satisfies MetricDerivation;
}

/** The service an input's spend is for: "Adult social care" of "Adult social care: net current expenditure". */
const serviceName = (x: InputMetric) => (x.short_title ?? x.title).replace(/: net current expenditure$/i, '');

function perHead(x: InputMetric, service: string): MetricDefinition {
  const name = serviceName(x);
  return {
    code: `${x.code}.per-head`,
    title: `${name}: net current expenditure per head`,
    shortTitle: `${name} spend per head`,
    description: `Net current expenditure on ${service.replace(/-/g, ' ')} per resident, in pounds.`,
    definition: `${x.code} (in pounds) ÷ ${POPULATION}, the ONS mid-year population estimate of the year held nearest to the financial year.`,
    caveats:
      CASH +
      'The population is the mid-year estimate held nearest to the financial year (this platform holds mid-2019 and mid-2020 only); each figure’s note names the year used. ' +
      "A county's and a district's spend per head are each their own council's part of the area's spending.",
    ...common,
    unit: '£ per person',
    unitType: 'currency-per-head',
    decimalPlaces: 2,
    applicableAreaTypes: [...COUNCIL_TYPES],
    valueRange: { min: null },
    numeratorLabel: 'Net current expenditure (£)',
    denominatorLabel: 'Population',
    calculation: 'Net current expenditure ÷ mid-year population (nearest year held)',
    derivation: ratio(
      [x.code],
      POPULATION,
      true,
      1,
      `net current expenditure (${x.code}) × its multiplier ÷ the mid-year population (${POPULATION}) of the year held nearest to the financial year`,
    ),
  };
}

function perHousehold(x: InputMetric, service: string): MetricDefinition {
  const name = serviceName(x);
  return {
    code: `${x.code}.per-household`,
    title: `${name}: net current expenditure per household`,
    shortTitle: `${name} spend per household`,
    description: `Net current expenditure on ${service.replace(/-/g, ' ')} (which includes waste collection and disposal) per household, in pounds.`,
    definition: `${x.code} (in pounds) ÷ ${HOUSEHOLDS}, the households counted by Census 2021.`,
    caveats:
      CASH +
      'Households from Census 2021 (on 2023 boundaries) for every year: districts abolished in 2023 have no household count, so no figure. ' +
      'Counties (waste disposal authorities) have no household count of their own and no figure.',
    ...common,
    unit: '£ per household',
    unitType: 'currency-per-head',
    decimalPlaces: 2,
    applicableAreaTypes: [...LOWER_TIER],
    valueRange: { min: null },
    numeratorLabel: 'Net current expenditure (£)',
    denominatorLabel: 'Households',
    calculation: 'Net current expenditure ÷ households (Census 2021)',
    derivation: ratio(
      [x.code],
      HOUSEHOLDS,
      true,
      1,
      `net current expenditure (${x.code}) × its multiplier ÷ the households counted by Census 2021 (${HOUSEHOLDS})`,
    ),
  };
}

function bandDChange(code: string, what: string, percent: boolean): MetricDefinition {
  return {
    code: `${code}.change${percent ? '-percent' : ''}`,
    title: `Change on the year in ${what}${percent ? ' (per cent)' : ' (£)'}`,
    shortTitle: `Band D change${percent ? ' (%)' : ' (£)'}${code.endsWith('area-total') ? ', whole bill' : ''}`,
    description: `How much ${what} rose (or fell) from the year before${percent ? ', as a percentage of the year before' : ', in pounds'}.`,
    definition: percent
      ? `(${code} − ${code} the year before) ÷ ${code} the year before × 100.`
      : `${code} − ${code} the year before.`,
    caveats:
      'Cash terms. A council’s first year compares with its predecessor’s figure only where the figure-source rule allows (a re-coding or the same area); otherwise there is no change figure.',
    ...common,
    unit: percent ? '%' : '£',
    unitType: percent ? 'percentage' : 'currency',
    decimalPlaces: percent ? 1 : 2,
    applicableAreaTypes: code.endsWith('area-total') ? ['E06', 'E07', 'E08', 'E09'] : [...COUNCIL_TYPES, 'E31', 'E47'],
    valueRange: { min: null, max: null },
    calculation: percent ? 'Percentage change on the previous year' : 'Change on the previous year',
    derivation: {
      formula: percent ? 'percent-change-on-year' : 'change-on-year',
      numerator: [code],
      denominator: null,
      denominatorPeriod: null,
      scale: 1,
      text: percent
        ? `(${code} this year − the year before) ÷ the year before × 100`
        : `${code} this year − the year before`,
    },
  };
}

function reservesShare(inputs: string[], title: string, short: string, kinds: string): MetricDefinition {
  return {
    code: `mhclg-rs.usable-reserves.${short}.31-march.share-of-nre`,
    title,
    shortTitle: `${short === 'unallocated' ? 'Unallocated' : 'Non-schools'} reserves ÷ NRE`,
    description: `${kinds} at 31 March as a percentage of the year's net revenue expenditure.`,
    definition: `(${inputs.join(' + ')}) ÷ ${NRE} × 100 (both £ thousand, the same financial year).`,
    caveats:
      'From the Revenue Outturn Summary (RS) returns 2015-16 to 2017-18 (2017-18 provisional). Reserves are at the end of the year, net revenue expenditure for the year.',
    ...common,
    unit: '%',
    unitType: 'percentage',
    decimalPlaces: 1,
    applicableAreaTypes: [...COUNCIL_TYPES, 'E31', 'E47'],
    valueRange: { min: null, max: null },
    numeratorLabel: 'Reserves (£)',
    denominatorLabel: 'Net revenue expenditure (£)',
    calculation: 'Reserves at 31 March ÷ net revenue expenditure × 100',
    derivation: ratio(inputs, NRE, false, 100, `(${inputs.join(' + ')}) ÷ ${NRE} × 100, the same financial year`),
  };
}

const ctrPerBandD: MetricDefinition = {
  code: `${CTR}.per-band-d-equivalent`,
  title: 'Council tax requirement per Band D equivalent dwelling',
  shortTitle: 'Requirement per Band D equivalent',
  description:
    'The council tax requirement divided by the tax base: the average Band D council tax the requirement implies (for England, the published average Band D).',
  definition: `${CTR} ÷ ${TAX_BASE}, the same financial year.`,
  caveats: 'Cash terms. For a precepting authority the tax base is the sum of its billing authorities’ tax bases.',
  ...common,
  unit: '£',
  unitType: 'currency',
  decimalPlaces: 2,
  applicableAreaTypes: [...COUNCIL_TYPES, 'E31', 'E47'],
  numeratorLabel: 'Council tax requirement (£)',
  denominatorLabel: 'Tax base (Band D equivalents)',
  calculation: 'Council tax requirement ÷ tax base',
  derivation: ratio([CTR], TAX_BASE, false, 1, `${CTR} ÷ ${TAX_BASE}, the same financial year`),
};

/**
 * The derived metrics the catalogue's inputs allow: one a spec whose every input is held. `inputs` is the catalogue
 * by code.
 */
export function derivedDefinitions(inputs: ReadonlyMap<string, InputMetric>): MetricDefinition[] {
  const out: MetricDefinition[] = [];
  const has = (...codes: string[]) => codes.every((c) => inputs.has(c));
  for (const x of [...inputs.values()].sort((a, b) => a.code.localeCompare(b.code))) {
    const service = NCE.exec(x.code)?.[1];
    if (!service || NO_PER_HEAD.has(service)) continue;
    if (has(POPULATION)) out.push(perHead(x, service));
    if (PER_HOUSEHOLD.has(service) && has(HOUSEHOLDS)) out.push(perHousehold(x, service));
  }
  for (const [code, what] of Object.entries(BAND_D))
    if (has(code)) out.push(bandDChange(code, what, false), bandDChange(code, what, true));
  const nonSchools = ['public-health', 'other-earmarked', 'unallocated'].map(RESERVES);
  if (has(NRE, ...nonSchools))
    out.push(
      reservesShare(
        nonSchools,
        'Non-schools usable reserves at 31 March as a share of net revenue expenditure',
        'non-schools',
        'Usable reserves other than schools’ (unallocated, other earmarked and public health)',
      ),
    );
  if (has(NRE, RESERVES('unallocated')))
    out.push(
      reservesShare(
        [RESERVES('unallocated')],
        'Unallocated reserves at 31 March as a share of net revenue expenditure',
        'unallocated',
        'Unallocated (general fund) reserves',
      ),
    );
  if (has(CTR, TAX_BASE)) out.push(ctrPerBandD);
  return out;
}

/** Every input code a derived metric may read: what makes a publication trigger the derivation. */
export const inputCodes = (d: MetricDerivation) => [...d.numerator, ...(d.denominator ? [d.denominator] : [])];

const RA_LINE = /^mhclg-ra\.line-(\d+)\.net-current-expenditure$/;

/** An RA budget line (£ each council holds for itself), but not police or fire: mostly other bodies' spending. */
function isSummedRaLine(code: string): boolean {
  const line = RA_LINE.exec(code)?.[1];
  return line !== undefined && !RA_NOT_SUMMED.has(Number(line));
}

/**
 * Inputs that are amounts or counts each council holds for itself, so that England's and a region's figure is their
 * sum where the publisher gives none (derived/aggregate.ts); Band D figures are prices and are never summed.
 */
export function isSummableInput(code: string): boolean {
  const rsx = /^mhclg-rsx\.([a-z-]+)\.[a-z-]+$/.exec(code);
  return (
    (rsx !== null && !RSX_NOT_SUMMED.has(rsx[1]!)) ||
    (/^mhclg-rs\.[a-z-.0-9]+$/.test(code) && !code.endsWith('.share-of-nre')) ||
    isSummedRaLine(code) ||
    code === CTR ||
    code === TAX_BASE ||
    code === POPULATION ||
    code === HOUSEHOLDS
  );
}

/**
 * Whether a metric may be read by the derivation (an input of a derived metric, or summed into England's and the
 * regions' figures): a publication keeps such a metric's figures as it writes them, for the derivation to read.
 */
export const isDerivationInput = (code: string): boolean => isSummableInput(code) || code in BAND_D;
