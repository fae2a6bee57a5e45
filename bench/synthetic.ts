/**
 * SYNTHETIC data for scale benchmarks only: a seeded generator at the scale of the sector's existing data service
 * (5,400 metrics × 400 areas × 10 periods by default, plus an England figure per metric and period). Every metric and
 * area it makes is labelled synthetic.
 */
import type { Db } from '../src/platform/db.ts';
import type { ImportAdapter, ImportItem } from '../src/modules/imports/adapter.ts';
import type { MetricDefinition } from '../src/modules/metrics/index.ts';
import { TOPICS } from '../src/modules/metrics/index.ts';
import { financialYear, type Period } from '../src/modules/observations/periods.ts';

export const SYNTHETIC_LABEL = 'SYNTHETIC (seeded generator for scale benchmarks; not real data)';

export interface SyntheticSpec {
  metrics: number;
  areas: number;
  periods: number;
  seed: number;
}

/** mulberry32: a small, fast, seeded PRNG (deterministic across runs). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const syntheticAreaCode = (i: number) => `E069${String(i + 1).padStart(5, '0')}`;
export const syntheticMetricCode = (i: number) => `synthetic.m${String(i + 1).padStart(5, '0')}`;

/** Inserts the synthetic councils (unitary-type codes E0690xxxx, named "Synthetic council N") and England. */
export async function seedSyntheticAreas(db: Db, n: number): Promise<void> {
  const now = new Date().toISOString();
  await db.kysely
    .insertInto('areas')
    .values({
      code: 'E92000001',
      name: 'England (synthetic)',
      type: 'E92',
      valid_from: '2000-04-01',
      valid_to: null,
      source: SYNTHETIC_LABEL,
      updated_at: now,
    })
    .execute();
  const rows = Array.from({ length: n }, (_, i) => ({
    code: syntheticAreaCode(i),
    name: `Synthetic council ${i + 1}`,
    type: 'E06',
    valid_from: '2000-04-01',
    valid_to: null,
    source: SYNTHETIC_LABEL,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 200)
    await db.kysely
      .insertInto('areas')
      .values(rows.slice(i, i + 200))
      .execute();
}

const THEMES = TOPICS.filter((t) => t.id !== 'context').map((t) => t.id);

function metricDefinition(i: number): MetricDefinition {
  return {
    code: syntheticMetricCode(i),
    title: `Synthetic metric ${i + 1} (synthetic)`,
    description: SYNTHETIC_LABEL,
    caveats: SYNTHETIC_LABEL,
    topic: THEMES[i % THEMES.length]!,
    unit: '%',
    unitType: 'percentage',
    decimalPlaces: 1,
    polarity: i % 10 === 7 ? 'not-applicable' : i % 3 === 0 ? 'lower-is-better' : 'higher-is-better',
    periodType: 'financial-year',
    applicableAreaTypes: ['E06'],
    source: { publisher: 'Synthetic generator', licence: 'OGL-UK-3.0', attribution: SYNTHETIC_LABEL },
    statisticsStatus: 'experimental',
  };
}

/** An import adapter that yields the synthetic set; the same records feed the raw-engine baseline. */
export function syntheticAdapter(spec: SyntheticSpec): ImportAdapter {
  const periods: Period[] = Array.from({ length: spec.periods }, (_, i) => financialYear(2024 - spec.periods + 1 + i));
  const areaCodes = Array.from({ length: spec.areas }, (_, i) => syntheticAreaCode(i));
  return {
    name: 'synthetic',
    summary: SYNTHETIC_LABEL,
    files: 'none (generated)',
    signatures: [],
    async *read(): AsyncIterable<ImportItem> {
      const rand = prng(spec.seed);
      for (let m = 0; m < spec.metrics; m++)
        yield { kind: 'metric', metric: metricDefinition(m), at: { file: 'synthetic', line: m + 1 } };
      let line = 0;
      for (let m = 0; m < spec.metrics; m++) {
        const metric = syntheticMetricCode(m);
        const base = 20 + rand() * 60;
        for (const period of periods) {
          line++;
          yield {
            kind: 'observation',
            observation: {
              metric,
              area: 'E92000001',
              period,
              value: Math.round((base + (rand() - 0.5) * 10) * 10) / 10,
              status: [],
              at: { file: 'synthetic', line },
            },
          };
          for (const area of areaCodes) {
            line++;
            const r = rand();
            const missing = r < 0.02;
            const value = missing ? null : Math.round((base + (rand() - 0.5) * 30) * 10) / 10;
            const withCi = !missing && r > 0.95;
            yield {
              kind: 'observation',
              observation: {
                metric,
                area,
                period,
                value,
                status: missing ? ['x'] : [],
                ...(withCi ? { lci: value! - 2, uci: value! + 2, ciLevel: 95 } : {}),
                at: { file: 'synthetic', line },
              },
            };
          }
        }
      }
    },
  };
}
