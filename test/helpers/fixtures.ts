import type { Db } from '../../src/platform/db.ts';
import type { ImportAdapter, ImportItem, ObservationRecord } from '../../src/modules/imports/adapter.ts';
import type { MetricDefinition } from '../../src/modules/metrics/index.ts';
import { financialYear } from '../../src/modules/observations/periods.ts';

/** A metric definition for tests, with sensible defaults. */
export const testMetric = (code: string, over: Partial<MetricDefinition> = {}): MetricDefinition => ({
  code,
  title: `Test metric ${code}`,
  topic: 'environment-housing',
  unit: '%',
  unitType: 'percentage',
  decimalPlaces: 1,
  polarity: 'higher-is-better',
  periodType: 'financial-year',
  applicableAreaTypes: ['E06', 'E07', 'E08', 'E09', 'E10'],
  source: { publisher: 'Test publisher', licence: 'OGL-UK-3.0' },
  statisticsStatus: 'official',
  ...over,
});

/** A SYNTHETIC categorical measure in Ofsted's order (Outstanding first, the best) for upper-tier councils. */
export const syntheticJudgement = (code = 't.judgement'): MetricDefinition =>
  testMetric(code, {
    title: 'A synthetic judgement',
    unit: 'judgement',
    unitType: 'category',
    decimalPlaces: 0,
    polarity: 'lower-is-better',
    applicableAreaTypes: ['E06', 'E08', 'E09', 'E10'],
    categories: ['Outstanding', 'Good', 'Requires improvement', 'Inadequate'].map((label) => ({
      code: label.toLowerCase().replace(/ /g, '-'),
      label,
    })),
  });

export type FixtureRow = [
  metric: string,
  area: string,
  year: number,
  value: number | null,
  extra?: Partial<ObservationRecord>,
];

/** A fixture adapter yielding the given definitions and rows as if read from "fixture.csv" (financial years). */
export function fixtureAdapter(metrics: MetricDefinition[], rows: FixtureRow[]): ImportAdapter {
  return {
    name: 'fixture',
    summary: 'test fixture',
    files: 'none',
    signatures: [],
    async *read(): AsyncIterable<ImportItem> {
      for (const m of metrics) yield { kind: 'metric', metric: m, at: { file: 'fixture.csv', line: 1 } };
      let line = 2;
      for (const [metric, area, year, value, extra] of rows) {
        yield {
          kind: 'observation',
          observation: {
            metric,
            area,
            period: financialYear(year),
            value,
            status: value === null ? ['x'] : [],
            at: { file: 'fixture.csv', line: line++ },
            ...extra,
          },
        };
      }
    },
  };
}

/**
 * A handful of real councils, including a retired district and its successor, for tests that need no full geography.
 */
export async function seedFixtureAreas(db: Db): Promise<Record<string, number>> {
  const now = new Date().toISOString();
  await db.kysely
    .insertInto('areas')
    .values([
      {
        code: 'E92000001',
        name: 'England',
        type: 'E92',
        valid_from: null,
        valid_to: null,
        source: 'test',
        updated_at: now,
      },
      {
        code: 'E06000001',
        name: 'Hartlepool',
        type: 'E06',
        valid_from: '1996-04-01',
        valid_to: null,
        source: 'test',
        updated_at: now,
      },
      {
        code: 'E08000009',
        name: 'Trafford',
        type: 'E08',
        valid_from: '1986-04-01',
        valid_to: null,
        source: 'test',
        updated_at: now,
      },
      {
        code: 'E08000003',
        name: 'Manchester',
        type: 'E08',
        valid_from: '1986-04-01',
        valid_to: null,
        source: 'test',
        updated_at: now,
      },
      {
        code: 'E07000150',
        name: 'Corby',
        type: 'E07',
        valid_from: '1974-04-01',
        valid_to: '2021-03-31',
        source: 'test',
        updated_at: now,
      },
      {
        code: 'E06000061',
        name: 'North Northamptonshire',
        type: 'E06',
        valid_from: '2021-04-01',
        valid_to: null,
        source: 'test',
        updated_at: now,
      },
      {
        code: 'E10000014',
        name: 'Hampshire',
        type: 'E10',
        valid_from: null,
        valid_to: null,
        source: 'test',
        updated_at: now,
      },
    ])
    .execute();
  const ids = Object.fromEntries(
    (await db.kysely.selectFrom('areas').select(['id', 'code']).execute()).map((r) => [r.code, r.id]),
  );
  await db.kysely
    .insertInto('area_successions')
    .values({
      predecessor_id: ids.E07000150!,
      successor_id: ids.E06000061!,
      change_type: 'merger',
      effective_date: '2021-04-01',
      note: null,
    })
    .execute();
  return ids;
}
