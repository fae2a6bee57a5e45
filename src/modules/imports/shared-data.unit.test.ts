/**
 * What `npm run load-shared-data` (sli load --all) loads, against the shared data directory as it is: every council
 * finance file and the two newer performance folders (SOURCES.md sections 6 and 7) are in the list, each with the
 * importer that reads it, and the shipped default basket covers all seven service areas, each measure with its reason,
 * its service area taken from the definitions the importers ship (not from a list kept here).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA as DIR } from '../../../test/helpers/shared-data.ts';
import { TOPICS, type MetricDefinition } from '../metrics/index.ts';
import { COUNCIL_TAX_METRICS } from './adapters/council-tax.ts';
import { DEFRA_RECYCLING_METRIC } from './adapters/defra-recycling.ts';
import { ELS_DATASETS } from './adapters/els-catalogue.ts';
import { SERVICES, metricFor } from './adapters/mhclg-service-spend.ts';
import { OFLOG_ASC_METRICS } from './adapters/oflog-asc.ts';
import { OFSTED_ILACS_METRICS } from './adapters/ofsted-ilacs.ts';
import { derivedDefinitions, type InputMetric } from './derived/specs.ts';
import { SHARED_DATA, planSharedData, type SharedDataImport } from './shared-data.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '..', '..', '..');

/** The files of a shared-data folder (recursively), relative to the shared-data directory. */
function filesUnder(folder: string): string[] {
  return readdirSync(path.join(DIR, folder), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(DIR, path.join(e.parentPath, e.name)));
}

describe('npm run load-shared-data', () => {
  const imports = SHARED_DATA.filter((e): e is SharedDataImport => e.kind === 'import');
  const importerOf = (file: string) => imports.find((e) => e.files.includes(file))?.importer;

  it('loads every council finance file and the Oflog waste and Ofsted files, each with its importer', () => {
    const finance = filesUnder('finance').filter((f) => !f.startsWith(path.join('finance', 'conversions')));
    expect(finance.length).toBeGreaterThanOrEqual(6);
    const expected: Record<string, string> = {
      'service_net_current_expenditure_wide_2015-16_to_2023-24.csv': 'mhclg-service-spend',
      'rsx_service_expenditure_2021-22_to_2023-24_long.csv': 'mhclg-service-spend',
      'rs_revenue_summary_2015-16_to_2017-18_long.csv': 'mhclg-revenue-summary',
      'ctr_band_d_by_authority_2014-15_to_2023-24.csv': 'council-tax',
      'RA_2021-22_data_by_LA.csv': 'mhclg-revenue-budget',
      'RA_2023-24_data_Part_1.csv': 'mhclg-revenue-budget',
      'oflog_waste_measures_2015-16_to_2022-23.csv': 'oflog',
      'ofsted_ilacs_latest_judgement_by_la.csv': 'ofsted-ilacs',
    };
    const files = [...finance, ...filesUnder('performance/oflog_waste'), ...filesUnder('performance/ofsted')];
    expect(files.map((f) => [f, importerOf(f)])).toEqual(files.map((f) => [f, expected[path.basename(f)]]));
    // Every file the list names is where it says (nothing would be skipped as absent).
    const planned = planSharedData(DIR, REPO).filter((e) => e.kind === 'import');
    expect(planned.flatMap((e) => e.missing)).toEqual([]);
  });
});

describe('the shipped default basket', () => {
  const basket = JSON.parse(readFileSync(path.join(REPO, 'src/modules/sector/baskets/sector-key.json'), 'utf8')) as {
    metrics: { metric: string; why: string; theme?: string }[];
  };
  // The definitions the importers ship, the derived ones made from the finance inputs as the engine makes them.
  const inputs = new Map<string, InputMetric>(
    [
      ...Object.keys(SERVICES).map((s) => metricFor(s, 'net_current_expenditure')),
      ...COUNCIL_TAX_METRICS,
      { code: 'population.total', title: 'Population', unit: 'people' },
      { code: 'census2021.households', title: 'Households', unit: 'households' },
    ].map((d) => [d.code, { code: d.code, title: d.title, short_title: null, unit: d.unit, multiplier: 1 }]),
  );
  const shipped: MetricDefinition[] = [
    ...Object.keys(SERVICES).flatMap((s) => [metricFor(s, 'net_current_expenditure'), metricFor(s, 'employees')]),
    ...COUNCIL_TAX_METRICS,
    ...derivedDefinitions(inputs),
    ...OFLOG_ASC_METRICS,
    DEFRA_RECYCLING_METRIC,
    ...OFSTED_ILACS_METRICS,
  ];
  const topicOf = (code: string): string | undefined =>
    shipped.find((d) => d.code === code)?.topic ??
    (code.startsWith('ons-els.') ? ELS_DATASETS[code.split('.')[1]!]?.topic : undefined);

  it('covers all seven service areas, workforce and finance included, each measure with its reason', () => {
    const areas = basket.metrics.map((m) => m.theme ?? topicOf(m.metric));
    expect(areas.filter((a) => a === undefined)).toEqual([]);
    expect(new Set(areas)).toEqual(new Set(TOPICS.map((t) => t.id).filter((t) => t !== 'context')));
    expect(TOPICS.filter((t) => t.id !== 'context')).toHaveLength(7);
    for (const m of basket.metrics) expect(m.why.length, m.metric).toBeGreaterThan(40);
    // Finance: spend, spend per head, council tax and the workforce's cost.
    expect(basket.metrics.map((m) => m.metric)).toEqual(
      expect.arrayContaining([
        'mhclg-rsx.total.net-current-expenditure',
        'mhclg-rsx.adult-social-care.net-current-expenditure.per-head',
        'mhclg-ctr.band-d.own',
        'mhclg-rsx.total.employees',
      ]),
    );
  });
});
