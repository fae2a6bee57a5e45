import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import { runImport } from '../service.ts';
import { ELS_SKIPPED, elsAdapter } from './els.ts';
import { servicesFor } from '../../../app/services.ts';

const DIR = 'performance/ons_explore_local_statistics';
const [OBS, IND, META, AREAS] = [
  'els_observations_england.csv',
  'els_indicators.csv',
  'els_indicator_metadata.json',
  'els_areas.csv',
].map((f) => sharedFile(`${DIR}/${f}`)) as [string, string, string, string];
const HELD = /^E(0[6-9]|1[0-3]|47|92)/;

describe('els import into the database', () => {
  let db: TestDb;
  let tmp: string;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'els-db-'));
  });
  afterAll(async () => {
    await db.drop();
    rmSync(tmp, { recursive: true, force: true });
  });
  const importEls = (files: string[]) => runImport(db, { adapter: elsAdapter, files, publish: true });
  const observations = () => servicesFor(db, { SLI_MAX_DATA_ROWS: '100000' }).observations;

  it('publishes the real files: 79 metrics and every observation of a held area, counted from the source independently', async () => {
    const rows = parse(readFileSync(OBS), { columns: true }) as Record<string, string>[];
    const ended = new Map(
      (
        await db.kysely.selectFrom('areas').select(['code', 'valid_to']).where('valid_to', 'is not', null).execute()
      ).map((a) => [a.code, a.valid_to!]),
    );
    const legacy = (x: Record<string, string>) =>
      ended.has(x.areacd!) && x.period!.slice(0, 10) > ended.get(x.areacd!)! && /Obsolete code/.test(x.notes!);
    const kept = rows.filter((x) => HELD.test(x.areacd!) && !legacy(x));
    const distinct = new Map<string, Set<string>>();
    for (const x of kept) {
      const keys = distinct.get(x.indicator_id!) ?? new Set<string>();
      distinct.set(x.indicator_id!, keys.add(`${x.areacd} ${x.period}`));
    }
    const distinctCount = [...distinct.values()].reduce((s, k) => s + k.size, 0);

    const s = await importEls([AREAS, META, OBS, IND]);
    expect(s.errors).toEqual([]);
    expect(s.state).toBe('published');
    expect(s.metrics).toEqual({ created: 79, updated: 0, unchanged: 0 });
    expect(s.skipped).toEqual({
      'police force areas (E23), not held as areas': rows.filter((x) => x.areacd!.startsWith('E23')).length,
      'the Greater London Authority (E61), not a council type held': rows.filter((x) => x.areacd!.startsWith('E61'))
        .length,
      'combined statistical areas (E67: Hackney with the City of London, Cornwall with the Isles of Scilly), not held as areas':
        rows.filter((x) => x.areacd!.startsWith('E67')).length,
      [ELS_SKIPPED.legacyCode]: rows.filter(legacy).length,
    });
    expect(s.observations).toMatchObject({
      read: kept.length,
      inserted: distinctCount,
      duplicates: kept.length - distinctCount,
      updated: 0,
      rejected: 0,
    });
    expect([kept.length, distinctCount]).toEqual([230281, 230261]);

    // Per metric, the stored count is the number of distinct area-period pairs of its indicator in the source.
    const codes = new Map(
      (parse(readFileSync(IND), { columns: true }) as Record<string, string>[]).map((r) => [r.indicator_id!, r]),
    );
    const stored = await db.kysely
      .selectFrom('observations as o')
      .innerJoin('metrics as m', 'm.id', 'o.metric_id')
      .select(['m.code', 'm.publisher_code', (e) => e.fn.countAll<number>().as('n')])
      .groupBy(['m.code', 'm.publisher_code'])
      .execute();
    expect(stored).toHaveLength(79);
    const expected = new Map(
      [...distinct].map(([id, keys]) => {
        const r = codes.get(id)!;
        return [
          stored.find((m) => m.publisher_code === r.dataset || m.publisher_code === `${r.dataset}/${r.indicator}`)!
            .code,
          keys.size,
        ];
      }),
    );
    expect(new Map(stored.map((m) => [m.code, Number(m.n)]))).toEqual(expected);

    // The coverage the import stored (tallied as it wrote: none of the metrics had figures) is what the observations
    // table holds, counted here by SQL: areas and values per metric and period, and England's own figure beside them.
    const coverage = await db.kysely
      .selectFrom('metric_periods')
      .select(['metric_id', 'period_id', 'n_areas', 'n_values', 'england_value', 'england_status', 'england_note'])
      .orderBy('metric_id')
      .orderBy('period_id')
      .execute();
    const counted = await db.kysely
      .selectFrom('observations as o')
      .innerJoin('areas as a', 'a.id', 'o.area_id')
      .select((e) => [
        'o.metric_id',
        'o.period_id',
        e.fn.countAll<number>().as('n_areas'),
        e.fn.count<number>('o.value').as('n_values'),
        e.fn.max(e.case().when('a.code', '=', 'E92000001').then(e.ref('o.value')).end()).as('england_value'),
        e.fn.max(e.case().when('a.code', '=', 'E92000001').then(e.ref('o.status')).end()).as('england_status'),
        e.fn.max(e.case().when('a.code', '=', 'E92000001').then(e.ref('o.note')).end()).as('england_note'),
      ])
      .groupBy(['o.metric_id', 'o.period_id'])
      .orderBy('o.metric_id')
      .orderBy('o.period_id')
      .execute();
    const norm = (rows: Record<string, unknown>[]) =>
      rows.map((r) => Object.values(r).map((v) => (typeof v === 'bigint' || typeof v === 'string' ? String(v) : v)));
    expect(coverage.length).toBeGreaterThan(500);
    expect(coverage.some((c) => c.england_value !== null)).toBe(true);
    expect(norm(coverage.map((c) => ({ ...c, n_areas: Number(c.n_areas), n_values: Number(c.n_values) })))).toEqual(
      norm(counted.map((c) => ({ ...c, n_areas: Number(c.n_areas), n_values: Number(c.n_values) }))),
    );
    const perImport = await db.kysely
      .selectFrom('import_metrics')
      .select((e) => [e.fn.sum<number>('inserted').as('inserted'), e.fn.sum<number>('updated').as('updated')])
      .where('import_id', '=', s.importId!)
      .executeTakeFirstOrThrow();
    expect([Number(perImport.inserted), Number(perImport.updated)]).toEqual([distinctCount, 0]);
  });

  it('serves values with intervals, status and notes through the observations service', async () => {
    const one = async (metric: string, area: string, period: string) => {
      const r = await observations().query({ metric, area, period });
      expect(r.observations).toHaveLength(1);
      return r.observations[0]!;
    };
    expect(await one('ons-els.adult-obesity-prevalence', 'E92000001', '2015-11-16/P1Y')).toMatchObject({
      value: 22.6262,
      lci: 22.42869,
      uci: 22.82922,
      ciLevel: 95,
      status: [],
      note: null,
      periodLabel: '16 Nov 2015 to 15 Nov 2016',
      areaName: 'England',
    });
    expect(
      await one('ons-els.apprenticeships.apprenticeship-achievements-england', 'E06000053', '2020-08-01/P1Y'),
    ).toMatchObject({
      value: null,
      status: ['u'],
      note: 'Value suppressed due to a base value of fewer than 5',
      periodLabel: 'Aug 2020 to Jul 2021',
    });
    expect(
      await one('ons-els.foreign-direct-investment.outward-foreign-direct-investment', 'E47000012', '2024'),
    ).toMatchObject({ value: null, status: ['c'] });
    expect(await one('ons-els.qualifications-none-gb', 'E06000050', '2023')).toMatchObject({
      value: 5.2,
      status: ['u'],
      note: expect.stringMatching(/^Estimate and confidence interval unreliable/),
    });
    expect(await one('ons-els.food-outlets', 'E06000001', '2018-03-15')).toMatchObject({
      period: '2018-03-15/P1D',
      periodLabel: '15 Mar 2018',
      value: 2.004594313453537,
    });
    // The old Dorset county keeps its own figures for the years it existed, with the publisher's note.
    expect(await one('ons-els.motor-vehicle-flow', 'E10000009', '2015')).toMatchObject({
      value: 2700,
      note: 'Obsolete code since 2019 (replaced by E06000059 Dorset)',
    });
    const latest = await observations().query({
      metric: 'ons-els.claimant-count',
      area: 'E08000009',
      period: 'latest',
    });
    // line 33905: 20,E08000009,2025-01-01/P1Y,3.0
    expect(latest.observations.map((o) => [o.periodLabel, o.value])).toEqual([['2025', 3]]);
    expect(latest.metrics[0]).toMatchObject({
      polarity: 'lower-is-better',
      unit: '%',
      source: { licence: 'OGL-UK-3.0' },
    });
  });

  it('changes nothing when the same files are imported again', async () => {
    const again = await importEls([OBS, IND, META]);
    expect(again.errors).toEqual([]);
    expect(again.state).toBe('unchanged');
    expect(again.metrics).toEqual({ created: 0, updated: 0, unchanged: 79 });
    expect(again.message).toMatch(
      /^Nothing changed: all 230,281 observations, 79 metrics are already as in these files/,
    );
  });

  it('rejects a retired code used after it ended unless the publisher flags it, naming the successor', async () => {
    // The claimant count rows as published, plus one for Aylesbury Vale a year after it was abolished.
    const claimant = readFileSync(OBS, 'utf8')
      .split(/\r?\n/)
      .filter((l) => l.startsWith('20,'));
    const file = path.join(tmp, 'obs.csv');
    const write = (notes: string) =>
      writeFileSync(
        file,
        [
          'indicator_id,areacd,period,observation,lci_95,uci_95,status,notes',
          ...claimant,
          `20,E07000004,2021-01-01/P1Y,3.5,,,,${notes}`,
          '',
        ].join('\n'),
      );
    write('');
    const bad = await importEls([file, IND, META]);
    expect(bad.state).toBe('rejected');
    expect(bad.errors.map((e) => [e.at.line, e.field, e.message])).toEqual([
      [
        claimant.length + 2,
        'area',
        'area E07000004 (Aylesbury Vale) ended on 2020-03-31, before this period (2021) began; its successor is E06000060 (Buckinghamshire)',
      ],
    ]);
    write('Obsolete code since 2020 (replaced by E06000060 Buckinghamshire)');
    const flagged = await importEls([file, IND, META]);
    expect(flagged.errors).toEqual([]);
    expect(flagged.skipped).toEqual({ [ELS_SKIPPED.legacyCode]: 1, [ELS_SKIPPED.noObservations]: 78 });
    expect(flagged.state).toBe('unchanged');
    expect(flagged.metrics).toEqual({ created: 0, updated: 0, unchanged: 1 });
  });
});
