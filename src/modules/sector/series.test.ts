import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, seedFixtureAreas, testMetric, type FixtureRow } from '../../../test/helpers/fixtures.ts';
import { runImport } from '../imports/index.ts';
import { calendarYear, quarter, type StatusCode } from '../observations/index.ts';
import { classify, type PickCache, type SeriesSource } from './direction.ts';
import type { BasketDefinitionT } from './definitions.ts';
import type { PeriodInfo } from './periods.ts';
import { observationColumns } from '../observations/index.ts';
import { indexSeries } from './series.ts';
import { servicesFor } from '../../app/services.ts';
import type { MetricsService } from '../metrics/index.ts';

/**
 * The sector-wide paths read observations column by column (node:sqlite arrays, PostgreSQL binary COPY) and remember
 * each metric's picks by which periods have figures. These tests hold them to the plain path: the observations module's
 * rows, a series that builds every point, and no memory of picks.
 */
const AREAS = ['E92000001', 'E06000001', 'E08000009', 'E08000003', 'E07000150', 'E06000061', 'E10000014'];
const METRICS = [
  testMetric('s.up'),
  testMetric('s.down', { polarity: 'lower-is-better' }),
  testMetric('s.none', { polarity: 'not-applicable' }),
  testMetric('s.mixed'),
];

/** mulberry32: the same patterns on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Series with gaps, missing values (x), breaks (b, alone or with other codes), provisional figures, intervals and
 * notes.
 */
function rows(): FixtureRow[] {
  const rand = prng(42);
  const out: FixtureRow[] = [];
  for (const m of METRICS) {
    for (const area of AREAS) {
      for (let y = 2012; y <= 2023; y++) {
        const r = rand();
        if (r < 0.2) continue; // no observation at all
        // Corby ended, North Northamptonshire began
        if ((area === 'E07000150' && y > 2020) || (area === 'E06000061' && y < 2022)) continue;
        if (m.code === 's.none' && area === 'E10000014') continue; // a series with no data
        const value = r < 0.3 ? null : Math.round((40 + rand() * 20) * 10) / 10;
        const status: StatusCode[] =
          value === null ? ['x'] : r > 0.9 ? ['b'] : r > 0.85 ? ['p', 'b'] : r > 0.8 ? ['p'] : [];
        const extra: FixtureRow[4] = { status };
        if (value !== null && rand() < 0.3)
          Object.assign(extra, { lci: value - 1 - rand() * 3, uci: value + 1 + rand() * 3 });
        if (rand() < 0.1) extra.note = `note ${m.code} ${area} ${y}: "quoted", comma, ünïcode`;
        // A quarter and a calendar year inside some financial years: periods of other lengths to pick between.
        if (m.code === 's.mixed' && y % 3 === 0) extra.period = y % 2 === 0 ? quarter(y, 3) : calendarYear(y);
        out.push([m.code, area, y, value, extra]);
      }
    }
  }
  return out;
}

describe('sector: column-wise observations and remembered picks', () => {
  let db: TestDb;
  let ids: Record<string, number>;
  let found: Awaited<ReturnType<MetricsService['resolveKnown']>>;
  let periodsOf: (metricId: number) => PeriodInfo[];
  beforeAll(async () => {
    db = await createTestDb();
    ids = await seedFixtureAreas(db);
    const r = await runImport(db, { adapter: fixtureAdapter(METRICS, rows()), files: [], publish: true });
    if (r.state !== 'published')
      throw new Error(
        `${r.message} ${r.errors
          .slice(0, 3)
          .map((e) => e.message)
          .join('; ')}`,
      );
    const metrics = servicesFor(db).metrics;
    found = await metrics.resolveKnown(METRICS.map((m) => m.code));
    const periods = await metrics.periodsOf(found.map((m) => m.id));
    periodsOf = (id) => periods.filter((p) => p.metric_id === id);
  });
  afterAll(async () => {
    await db.drop();
  });

  const gridOf = async (areaIds: number[]) => {
    const metricIds = found.map((m) => m.id);
    const periodIds = [...new Set(metricIds.flatMap((id) => periodsOf(id).map((p) => p.id)))];
    return servicesFor(db, { SLI_MAX_DATA_ROWS: '1000000' }).observations.grid(metricIds, periodIds, areaIds);
  };
  const tuples = (
    xs: {
      metric_id: number;
      period_id: number;
      area_id: number;
      value: number | null;
      lci: number | null;
      uci: number | null;
      status: string[];
      note: string | null;
    }[],
  ) =>
    xs
      .map((o) => [o.metric_id, o.period_id, o.area_id, o.value, o.lci, o.uci, o.status.join(','), o.note])
      .sort((a, b) => String(a).localeCompare(String(b)));

  it('observationColumns reads every observation as the observations module does, for every area and for some', async () => {
    const all = Object.values(ids);
    // Every metric and some (a basket leaving out some of an area's metrics); metric by metric, and area by area.
    for (const [metrics, areaIds, areaFirst] of [
      [found, undefined, false],
      [found, [ids.E92000001!], false],
      [found, [ids.E92000001!], true],
      [found.slice(1, 3), [ids.E08000009!, ids.E07000150!], false],
      [found.slice(1, 3), [ids.E08000009!, ids.E07000150!], true],
    ] as const) {
      const c = await observationColumns(
        db,
        metrics.map((m) => m.id),
        areaIds ? [...areaIds] : undefined,
        areaFirst,
      );
      const index = indexSeries(c, periodsOf);
      const read = [];
      for (const m of metrics)
        for (const a of areaIds ?? all)
          for (const p of periodsOf(m.id)) {
            const x = index.point(m.id, p.id, a);
            if (x)
              read.push({
                metric_id: m.id,
                period_id: p.id,
                area_id: a,
                value: x.value,
                lci: x.lci,
                uci: x.uci,
                status: x.status,
                note: x.note ?? null,
              });
          }
      const expected = (await gridOf(areaIds ? [...areaIds] : all)).filter((o) =>
        metrics.some((m) => m.id === o.metric_id),
      );
      expect(expected.length).toBeGreaterThan(15);
      expect(c.n).toBe(expected.length);
      expect(tuples(read)).toEqual(tuples(expected));
    }
    expect((await observationColumns(db, [])).n).toBe(0);
  });

  it('remembered picks match fresh picks for every pattern of gaps, breaks and intervals over periods of several lengths', () => {
    // Five financial years, a quarter and a calendar year: every subset of them having figures, in every order of
    // arrival.
    const iso = (start: string, end: string, id: number): PeriodInfo => ({
      id,
      iso: `${start}/x`,
      label: `${start} to ${end}`,
      start_date: start,
      end_date: end,
    });
    const periods = [
      iso('2015-04-01', '2016-03-31', 1),
      iso('2016-01-01', '2016-12-31', 2),
      iso('2016-04-01', '2017-03-31', 3),
      iso('2016-10-01', '2016-12-31', 4),
      iso('2017-04-01', '2018-03-31', 5),
      iso('2018-04-01', '2019-03-31', 6),
      iso('2019-04-01', '2020-03-31', 7),
    ];
    const n = periods.length;
    const info = { id: 'm', title: 'm', unit: '%', decimalPlaces: 1, polarity: 'higher-is-better' as const };
    const entry = { metric: 'm', why: 'test', theme: 'x' };
    let compared = 0;
    for (const [baseline, latest] of [
      ['2016-11-01', 'latest'],
      ['2014-01-01', '2018-06-01'],
      ['2016-06-01', '2030-01-01'],
    ] as const) {
      const basket = { baseline, latest, tolerance: 0.02 } as unknown as BasketDefinitionT;
      const cache: PickCache = new Map();
      // Masks in a scrambled order, so that a pattern is often met after one that differs from it in a single period.
      for (let j = 0; j < 1 << n; j++) {
        const mask = (j * 37) % (1 << n);
        const series = (withHints: boolean): SeriesSource => {
          const point = (pid: number) => {
            const k = periods.findIndex((p) => p.id === pid);
            if (!(mask & (1 << k)) && k % 2 === 0) return undefined; // no observation
            const value = mask & (1 << k) ? 50 + k * (k % 3 === 0 ? -2 : 3) : null;
            return {
              value,
              status: value === null ? ['x'] : k === 5 && mask & 1 ? ['b'] : [],
              lci: k === 3 ? 40 : null,
              uci: k === 3 ? 70 : null,
              source: 'publisher' as const,
              method: null,
              note: null,
            };
          };
          return withHints
            ? {
                periods,
                point,
                hasValue: (k) => point(periods[k]!.id)?.value != null,
                hasBreak: (k) => point(periods[k]!.id)?.status.includes('b') ?? false,
              }
            : { periods, point };
        };
        expect(
          classify(info, entry, basket, series(true), 'none', cache),
          `${baseline} ${latest} ${mask.toString(2)}`,
        ).toEqual(classify(info, entry, basket, series(false), 'none'));
        compared++;
      }
      expect(cache.size).toBe(1 << n);
    }
    expect(compared).toBe(3 << n);
  });

  it('classifies every series exactly as the plain series does, with picks remembered per metric and anchors', async () => {
    const expected = await gridOf(Object.values(ids));
    const plain = new Map(
      expected.map((o) => [
        `${o.metric_id}:${o.period_id}:${o.area_id}`,
        {
          value: o.value,
          status: o.status as string[],
          lci: o.lci,
          uci: o.uci,
          source: 'publisher' as const,
          method: null,
          note: o.note,
        },
      ]),
    );
    const index = indexSeries(
      await observationColumns(
        db,
        found.map((m) => m.id),
      ),
      periodsOf,
    );
    let compared = 0;
    const seen = new Set<string>();
    for (const [baseline, latest] of [
      ['2016-10-01', 'latest'],
      ['2013-06-15', '2021-01-01'],
      ['2019-08-01', '2030-01-01'],
      ['2000-01-01', 'latest'],
    ] as const) {
      const basket = {
        id: 'b',
        version: '1',
        name: 'b',
        description: '',
        baseline,
        latest,
        tolerance: 0.02,
        metrics: [],
      } as unknown as BasketDefinitionT;
      for (const m of found) {
        const info = { id: m.code, title: m.title, unit: m.unit, decimalPlaces: m.decimalPlaces, polarity: m.polarity };
        const entry = { metric: m.code, why: 'test', theme: 'x' };
        const cache: PickCache = new Map();
        for (const a of Object.values(ids)) {
          const periods = periodsOf(m.id);
          const reference: SeriesSource = { periods, point: (pid) => plain.get(`${m.id}:${pid}:${a}`) };
          const want = classify(info, entry, basket, reference, 'no figure');
          expect(
            classify(info, entry, basket, index.series(m.id, a), 'no figure', cache),
            `${m.code} ${a} ${baseline} ${latest}`,
          ).toEqual(want);
          seen.add(`${want.classification}: ${want.reason.replace(/[\d.]+%/g, 'N%')}`);
          if (want.baseline?.note?.includes('the nearest available')) seen.add('nearest baseline');
          if (want.latest?.note?.includes('the nearest available')) seen.add('nearest latest');
          compared++;
        }
      }
    }
    expect(compared).toBe(4 * METRICS.length * Object.keys(ids).length);
    // The fixture reaches every rule: breaks, intervals, tolerance, no polarity, nearest periods, no baseline, no data.
    const reasons = [...seen].join('\n');
    for (const r of [
      /break in series/,
      /confidence intervals overlap/,
      /confidence intervals do not overlap/,
      /within tolerance/,
      /beyond tolerance/,
      /no polarity/,
      /no figure before/,
      /^no-data/m,
      /nearest baseline/,
      /nearest latest/,
    ])
      expect(reasons).toMatch(r);
  });
});
