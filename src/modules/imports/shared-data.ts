/**
 * The one list of the publishers' files the platform loads, and the importer of each, in dependency order: geography
 * first, then the comparison families (similar councils), boundaries, performance and finance, then the steps built
 * on them (our nearest-neighbours model, the sector basket and its early-warning rules). `sli load --all DIR`,
 * `npm run load-shared-data` and the first start of an empty database all read it; adding an importer's files means
 * adding one entry here. Paths are relative to the shared-data directory (SLI_SHARED_DATA, default ../shared/data).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** A publisher's file(s) and the importer (`sli import <importer>`) that reads them. */
export interface SharedDataImport {
  kind: 'import';
  importer: string;
  /** Who publishes them, as the loading page names them. */
  publisher: string;
  files: readonly string[];
}

/** What is built from the data once it is in: each is run by the composition root (src/app/load.ts). */
export type SharedDataStepName = 'neighbours-build' | 'sector-basket' | 'sector-rules';

export interface SharedDataStep {
  kind: 'step';
  step: SharedDataStepName;
  /** What it is, as the loading page names it. */
  publisher: string;
  /** A definition shipped with the code (relative to the repository), for the steps that load one. */
  definition?: string;
}

export type SharedDataEntry = SharedDataImport | SharedDataStep;

const imp = (importer: string, publisher: string, ...files: string[]): SharedDataImport => ({
  kind: 'import',
  importer,
  publisher,
  files,
});

export const SHARED_DATA: readonly SharedDataEntry[] = [
  imp(
    'areas-vintages',
    'ONS and mySociety: councils, codes and parents over time',
    'geography/england_ltla_vintages_2019_2025.csv',
    'geography/ons_la_changes_2014_2025.csv',
    'geography/mysociety_uk_local_authorities.csv',
    'geography/ons_ltla14_lookup.csv',
  ),
  // The similar-council families next (they need only the geography): a council can be found by name and compared
  // with its similar councils as soon as the first measures are in, well before the whole list is loaded.
  imp(
    'dfe-statistical-neighbours',
    "DfE: children's services statistical neighbours",
    'similar_councils/dfe_childrens_services_statistical_neighbours_2021.csv',
    'similar_councils/dfe_childrens_services_statistical_neighbours_2025.csv',
  ),
  imp(
    'ons-similar-areas',
    'ONS: similar areas',
    'similar_councils/ons_els_global_neighbours.csv',
    'similar_councils/ons_els_economic_neighbours.csv',
    'similar_councils/ons_els_demographic_neighbours.csv',
    'similar_councils/ons_els_cluster_allocation.csv',
    'similar_councils/ons_els_cluster_descriptions.json',
  ),
  // Every year's boundaries 2014 to 2025 (English areas the geography above holds).
  imp('boundaries', 'ONS: council boundaries 2014 to 2025', 'boundaries/ons_uk_la_boundaries_2014_2025.topo.json'),
  imp(
    'lait',
    "DfE: Local Authority Interactive Tool (children's services)",
    'performance/dfe_lait/lait_indicators_long.csv',
    'performance/dfe_lait/lait_data_dictionary.csv',
    'performance/dfe_lait/lait_la_number_to_gss_crosswalk.csv',
  ),
  imp(
    'els',
    'ONS: Explore Local Statistics',
    'performance/ons_explore_local_statistics/els_observations_england.csv',
    'performance/ons_explore_local_statistics/els_indicators.csv',
    'performance/ons_explore_local_statistics/els_indicator_metadata.json',
    'performance/ons_explore_local_statistics/els_areas.csv',
  ),
  imp('defra-recycling', 'DEFRA: household recycling', 'performance/defra_household_recycling_rate_2015_2024.csv'),
  imp('oflog-asc', 'Oflog: adult social care', 'performance/oflog_adult_social_care_2015_2023.csv'),
  imp('oflog', 'Oflog: waste', 'performance/oflog_waste/oflog_waste_measures_2015-16_to_2022-23.csv'),
  imp(
    'imd',
    'MHCLG: English Indices of Deprivation',
    'performance/deprivation/imd2019_england_lad19.csv',
    'performance/deprivation/imd2025_england_lad24.csv',
  ),
  imp(
    'population',
    'ONS: population and households',
    'performance/population/ons_mid_year_population_2019_2020_la.csv',
    'performance/population/ons_census2021_households_lad23.csv',
  ),
  // Council finance (MHCLG): revenue outturn by service, the revenue summary (reserves), council tax, budgets.
  imp(
    'mhclg-service-spend',
    'MHCLG: spending by service',
    'finance/service_net_current_expenditure_wide_2015-16_to_2023-24.csv',
    'finance/rsx_service_expenditure_2021-22_to_2023-24_long.csv',
  ),
  imp('mhclg-revenue-summary', 'MHCLG: revenue summary', 'finance/rs_revenue_summary_2015-16_to_2017-18_long.csv'),
  imp('council-tax', 'MHCLG: council tax levels', 'finance/ctr_band_d_by_authority_2014-15_to_2023-24.csv'),
  imp(
    'mhclg-revenue-budget',
    'MHCLG: revenue account budgets',
    'finance/ra_budget_raw/RA_2021-22_data_by_LA.csv',
    'finance/ra_budget_raw/RA_2023-24_data_Part_1.csv',
  ),
  // Ofsted's latest children's services judgements (categorical), joined on the DfE LA number through LAIT's crosswalk.
  imp(
    'ofsted-ilacs',
    "Ofsted: inspections of children's services",
    'performance/ofsted/ofsted_ilacs_latest_judgement_by_la.csv',
    'performance/dfe_lait/lait_la_number_to_gss_crosswalk.csv',
  ),
  { kind: 'step', step: 'neighbours-build', publisher: "This service's similar-councils model" },
  {
    kind: 'step',
    step: 'sector-basket',
    publisher: 'The sector basket of key measures',
    definition: 'src/modules/sector/baskets/sector-key.json',
  },
  {
    kind: 'step',
    step: 'sector-rules',
    publisher: 'The early-warning rules',
    definition: 'src/modules/sector/rules/sector-early-warning.json',
  },
];

/** An entry of the list as found in a directory: absolute paths, and which of its files are missing. */
export type PlannedEntry =
  | (SharedDataImport & { paths: string[]; missing: string[] })
  | (SharedDataStep & { paths: string[]; missing: string[] });

/**
 * The list against a directory: each import's files resolved in `dir` (those absent named), each step's definition
 * resolved in `repoRoot`. `entries` lets tests and other lists use the same rules.
 */
export function planSharedData(
  dir: string,
  repoRoot: string,
  entries: readonly SharedDataEntry[] = SHARED_DATA,
): PlannedEntry[] {
  return entries.map((e) => {
    const files = e.kind === 'import' ? e.files.map((f) => path.join(dir, f)) : [];
    const defs = e.kind === 'step' && e.definition ? [path.join(repoRoot, e.definition)] : [];
    const paths = [...files, ...defs];
    return { ...e, paths, missing: paths.filter((p) => !existsSync(p)) };
  });
}

/** Whether any publisher's file of the list is in `dir` (what decides that a first start has something to load). */
export const anySharedData = (dir: string): boolean =>
  planSharedData(dir, '.').some((e) => e.kind === 'import' && e.missing.length < e.paths.length);

/** How the list reads on the command line and the pages: "areas-vintages", or the step's name. */
export const entryName = (e: SharedDataEntry): string => (e.kind === 'import' ? e.importer : e.step);
