import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import { runImport } from '../service.ts';
import { laitAdapter } from './lait.ts';
import { servicesFor } from '../../../app/services.ts';

const DIR = 'performance/dfe_lait';
const FILES = ['lait_indicators_long.csv', 'lait_data_dictionary.csv', 'lait_la_number_to_gss_crosswalk.csv'].map((f) =>
  sharedFile(`${DIR}/${f}`),
);

describe('lait import into the database', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
  });
  afterAll(async () => db.drop());
  const observations = () => servicesFor(db, { SLI_MAX_DATA_ROWS: '100000' }).observations;

  it('publishes the real files: 434 metrics and every row but those for councils after they ended', async () => {
    const rows = parse(readFileSync(FILES[0]!), { columns: true }) as Record<string, string>[];
    const s = await runImport(db, { adapter: laitAdapter, files: FILES, publish: true });
    expect(s.errors).toEqual([]);
    expect(s.state).toBe('published');
    expect(s.metrics).toEqual({ created: 434, updated: 0, unchanged: 0 });
    const afterEnd = Object.entries(s.skipped)
      .filter(([k]) => k.startsWith('a figure for '))
      .reduce((n, [, c]) => n + c, 0);
    // Dorset, Poole, Bournemouth (ended 2019), Northamptonshire (2021) and Cumbria (2023): 332 rows in the 2026 files.
    expect(afterEnd).toBe(332);
    expect(s.observations).toMatchObject({
      read: rows.length - afterEnd,
      inserted: rows.length - afterEnd,
      rejected: 0,
    });
    const stored = await db.kysely
      .selectFrom('observations')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(546855);
  });

  it('serves the figures with their periods, markers and re-coded areas', async () => {
    const one = async (metric: string, area: string, period: string) => {
      const r = await observations().query({ metric, area, period });
      expect(r.observations, `${metric} ${area} ${period}`).toHaveLength(1);
      return r.observations[0]!;
    };
    expect(await one('dfe-lait.ks2rwm-expected-std', 'E92000001', '2018-09-01/P1Y')).toMatchObject({
      value: 65,
      periodLabel: '2018/19',
      status: [],
    });
    // "2018 (Rev)"
    expect(await one('dfe-lait.a3a', 'E92000001', '2017-09-01/P1Y')).toMatchObject({ value: 10.7, status: ['r'] });
    expect(await one('dfe-lait.lacnum', 'E10000002', '2019-03-31/P1D')).toMatchObject({
      value: 514,
      areaName: 'Buckinghamshire',
    });
    expect(await one('dfe-lait.work-force-to-rate', 'E08000038', '2025-09-30/P1D')).toMatchObject({ value: 8 });
    const m = await observations().query({
      metric: 'dfe-lait.hosp-adm-alc-lt-18yrs',
      area: 'E92000001',
      period: 'latest',
    });
    expect(m.observations.map((o) => o.periodLabel)).toEqual(['2021/22 to 2023/24']);
  });

  it('changes nothing when the same files are imported again', async () => {
    const again = await runImport(db, { adapter: laitAdapter, files: [...FILES].reverse(), publish: true });
    expect(again.errors).toEqual([]);
    expect(again.state).toBe('unchanged');
    expect(again.metrics).toEqual({ created: 0, updated: 0, unchanged: 434 });
  });
});
