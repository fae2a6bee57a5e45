#!/usr/bin/env bash
# Loads every publisher's file from ../shared/data (or SLI_SHARED_DATA) into the configured database, published.
set -euo pipefail
cd "$(dirname "$0")/.."
D="${SLI_SHARED_DATA:-../shared/data}"
[ -d "$D" ] || { echo "No shared data at $D (set SLI_SHARED_DATA)." >&2; exit 1; }
sli() { node bin/sli.js "$@"; }
sli import areas-vintages "$D/geography/england_ltla_vintages_2019_2025.csv" "$D/geography/ons_la_changes_2014_2025.csv" "$D/geography/mysociety_uk_local_authorities.csv" "$D/geography/ons_ltla14_lookup.csv" --publish
# Every year's boundaries 2014 to 2025 (English areas the geography above holds); the GeoJSON files are cut from it.
sli import boundaries "$D/boundaries/ons_uk_la_boundaries_2014_2025.topo.json" --publish
sli import lait "$D/performance/dfe_lait/lait_indicators_long.csv" "$D/performance/dfe_lait/lait_data_dictionary.csv" "$D/performance/dfe_lait/lait_la_number_to_gss_crosswalk.csv" --publish
sli import els "$D/performance/ons_explore_local_statistics/els_observations_england.csv" "$D/performance/ons_explore_local_statistics/els_indicators.csv" "$D/performance/ons_explore_local_statistics/els_indicator_metadata.json" "$D/performance/ons_explore_local_statistics/els_areas.csv" --publish
sli import defra-recycling "$D/performance/defra_household_recycling_rate_2015_2024.csv" --publish
sli import oflog-asc "$D/performance/oflog_adult_social_care_2015_2023.csv" --publish
sli import oflog "$D/performance/oflog_waste/oflog_waste_measures_2015-16_to_2022-23.csv" --publish
sli import imd "$D/performance/deprivation/imd2019_england_lad19.csv" "$D/performance/deprivation/imd2025_england_lad24.csv" --publish
sli import population "$D/performance/population/ons_mid_year_population_2019_2020_la.csv" "$D/performance/population/ons_census2021_households_lad23.csv" --publish
# Council finance (MHCLG): revenue outturn by service, the revenue summary (reserves) and council tax levels.
sli import mhclg-service-spend "$D/finance/service_net_current_expenditure_wide_2015-16_to_2023-24.csv" "$D/finance/rsx_service_expenditure_2021-22_to_2023-24_long.csv" --publish
sli import mhclg-revenue-summary "$D/finance/rs_revenue_summary_2015-16_to_2017-18_long.csv" --publish
sli import council-tax "$D/finance/ctr_band_d_by_authority_2014-15_to_2023-24.csv" --publish
sli import mhclg-revenue-budget "$D/finance/ra_budget_raw/RA_2021-22_data_by_LA.csv" "$D/finance/ra_budget_raw/RA_2023-24_data_Part_1.csv" --publish
# Ofsted's latest children's services judgements (categorical), joined on the DfE LA number through LAIT's crosswalk.
sli import ofsted-ilacs "$D/performance/ofsted/ofsted_ilacs_latest_judgement_by_la.csv" "$D/performance/dfe_lait/lait_la_number_to_gss_crosswalk.csv" --publish
# The default basket of key metrics for the sector overview (validated against the catalogue just loaded).
sli import dfe-statistical-neighbours "$D/similar_councils/dfe_childrens_services_statistical_neighbours_2021.csv" "$D/similar_councils/dfe_childrens_services_statistical_neighbours_2025.csv" --publish
sli import ons-similar-areas "$D/similar_councils/ons_els_global_neighbours.csv" "$D/similar_councils/ons_els_economic_neighbours.csv" "$D/similar_councils/ons_els_demographic_neighbours.csv" "$D/similar_councils/ons_els_cluster_allocation.csv" "$D/similar_councils/ons_els_cluster_descriptions.json" --publish
sli neighbours build
sli sector load-basket src/modules/sector/baskets/sector-key.json
# The default early-warning rule set (validated against the basket above).
sli sector load-rules src/modules/sector/rules/sector-early-warning.json
