import type { ImportAdapter } from './adapter.ts';
import { areasVintagesAdapter } from './adapters/areas-vintages.ts';
import { boundariesAdapter } from './adapters/boundaries.ts';
import { councilTaxAdapter } from './adapters/council-tax.ts';
import { mhclgRevenueBudgetAdapter } from './adapters/mhclg-revenue-budget.ts';
import { defraRecyclingAdapter } from './adapters/defra-recycling.ts';
import { elsAdapter } from './adapters/els.ts';
import { dfeStatisticalNeighboursAdapter, onsSimilarAreasAdapter } from './adapters/families.ts';
import { imdAdapter } from './adapters/imd.ts';
import { longCsvAdapter } from './adapters/long-csv.ts';
import { laitAdapter } from './adapters/lait.ts';
import { mhclgRevenueSummaryAdapter } from './adapters/mhclg-revenue-summary.ts';
import { mhclgServiceSpendAdapter } from './adapters/mhclg-service-spend.ts';
import { oflogAscAdapter } from './adapters/oflog-asc.ts';
import { oflogAdapter } from './adapters/oflog.ts';
import { ofstedIlacsAdapter } from './adapters/ofsted-ilacs.ts';
import { populationAdapter } from './adapters/population.ts';

/** Every import adapter, by the name used on the command line. */
const ADAPTERS: ImportAdapter[] = [
  areasVintagesAdapter,
  laitAdapter,
  elsAdapter,
  defraRecyclingAdapter,
  oflogAscAdapter,
  oflogAdapter,
  imdAdapter,
  populationAdapter,
  mhclgServiceSpendAdapter,
  mhclgRevenueSummaryAdapter,
  councilTaxAdapter,
  mhclgRevenueBudgetAdapter,
  ofstedIlacsAdapter,
  longCsvAdapter,
  boundariesAdapter,
  dfeStatisticalNeighboursAdapter,
  onsSimilarAreasAdapter,
];

export const adapters = (): readonly ImportAdapter[] => ADAPTERS;

export function findAdapter(name: string): ImportAdapter | undefined {
  return ADAPTERS.find((a) => a.name === name);
}

/** The adapter whose file signature matches a header, to tell users which adapter a file belongs to. */
export function adapterForHeader(header: string[]): ImportAdapter | undefined {
  const cols = new Set(header);
  return ADAPTERS.find((a) => a.signatures.some((sig) => sig.length > 0 && sig.every((c) => cols.has(c))));
}

/** A hint for readCsv's `suggest`: "this looks like a lait file: use sli import lait". */
export function suggestAdapter(header: string[], current: string): string | undefined {
  const a = adapterForHeader(header);
  return a && a.name !== current
    ? `it looks like a file for the "${a.name}" adapter: use "sli import ${a.name} …"`
    : undefined;
}
