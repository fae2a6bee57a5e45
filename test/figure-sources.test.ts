/**
 * One true series per council, on the real files: every council created or re-coded since 2019 shows the figures its
 * same-area predecessor published (marked) in the data query, comparisons, the headline and the council page; none is
 * flagged "data not submitted" for a period before it existed; a merged council's aggregate appears only where the
 * measure allows one; a geography that contradicts itself is refused, naming the councils.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesFor } from '../src/app/services.ts';
import { importFiles, importWith, type ImportAdapter } from '../src/modules/imports/index.ts';
import type { App } from '../src/platform/app-types.ts';
import { createTestApp } from './helpers/app.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { seedAreas } from './helpers/seed.ts';
import { sharedFile } from './helpers/shared-data.ts';

interface Obs {
  area: string;
  period: string;
  value: number | null;
  source: { kind: string; areas: { code: string }[]; note: string } | null;
}

describe('figures for councils that changed code or merged', () => {
  let db: TestDb;
  let app: App;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const load = async (adapter: string, files: string[]) => {
      const r = await importFiles(db, adapter, files.map(sharedFile), { publish: true });
      if (r.state !== 'published') throw new Error(`${adapter}: ${r.message}`);
    };
    await load('oflog-asc', ['performance/oflog_adult_social_care_2015_2023.csv']);
    await load('defra-recycling', ['performance/defra_household_recycling_rate_2015_2024.csv']);
    await load('population', [
      'performance/population/ons_mid_year_population_2019_2020_la.csv',
      'performance/population/ons_census2021_households_lad23.csv',
    ]);
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  /**
   * What a same-area predecessor published, straight from the tables: for each council created or re-coded since
   * 2019, its single predecessor by a new code, or the county it replaced whole (for county services: measures
   * published for counties and not districts), and every figure that predecessor has for a period that began before
   * the council did.
   */
  async function expectedSameArea() {
    const links = await db.kysely
      .selectFrom('area_successions as s')
      .innerJoin('areas as p', 'p.id', 's.predecessor_id')
      .innerJoin('areas as c', 'c.id', 's.successor_id')
      .select(['p.code as pred', 'p.type as predType', 's.change_type', 'c.code as council', 'c.valid_from'])
      .where('c.valid_from', '>=', '2019-04-01')
      .where('c.type', 'in', ['E06', 'E07', 'E08', 'E09'])
      .execute();
    const rows = await db.kysely
      .selectFrom('observations as o')
      .innerJoin('areas as a', 'a.id', 'o.area_id')
      .innerJoin('metrics as m', 'm.id', 'o.metric_id')
      .innerJoin('periods as p', 'p.id', 'o.period_id')
      .select(['a.code', 'm.code as metric', 'm.applicable_area_types', 'p.iso', 'p.start_date', 'o.value'])
      .where('a.code', 'in', [...new Set(links.map((l) => l.pred)), '-'])
      .where('o.value', 'is not', null)
      .execute();
    const out: { council: string; pred: string; metric: string; period: string; value: number }[] = [];
    for (const l of links) {
      const same =
        l.change_type === 'new-code' ||
        (l.predType === 'E10' &&
          l.change_type === 'merger' &&
          links.filter((x) => x.council === l.council && x.predType === 'E10').length === 1);
      if (!same) continue;
      for (const r of rows)
        if (
          r.code === l.pred &&
          r.start_date < l.valid_from! &&
          (l.predType !== 'E10' ||
            (r.applicable_area_types.includes('E10') && !r.applicable_area_types.includes('E07')))
        )
          out.push({ council: l.council, pred: l.pred, metric: r.metric, period: r.iso, value: r.value! });
    }
    return out;
  }

  it("the data query shows every figure a same-area predecessor published, under the council's code, marked", async () => {
    const expected = await expectedSameArea();
    // Barnsley and Sheffield (new codes in 2025), Buckinghamshire, North Yorkshire and Somerset (county services).
    expect(new Set(expected.map((e) => e.council))).toEqual(
      new Set(['E08000038', 'E08000039', 'E06000060', 'E06000065', 'E06000066']),
    );
    expect(expected.length).toBeGreaterThan(200); // 251 figures in the files of 2026-12
    const byMetric = new Map<string, typeof expected>();
    for (const e of expected) byMetric.set(e.metric, [...(byMetric.get(e.metric) ?? []), e]);
    for (const [metric, list] of byMetric) {
      const councils = [...new Set(list.map((e) => e.council))];
      const res = await app.inject(`/api/v1/data.json?metric=${metric}&area=${councils.join(',')}&period=all`);
      expect(res.statusCode, metric).toBe(200);
      const got = res.json().observations as Obs[];
      for (const e of list) {
        const o = got.find((x) => x.area === e.council && x.period === e.period);
        expect(o, `${metric} ${e.council} ${e.period}`).toBeDefined();
        // The council's own figure, where the publisher gave one, comes first; otherwise the predecessor's, marked.
        if (o!.source) {
          expect(o).toMatchObject({ value: e.value, source: { kind: 'same-area', areas: [{ code: e.pred }] } });
        }
      }
    }
    const sheffield = (
      await app.inject('/api/v1/data.json?metric=defra.household-recycling-rate&area=E08000039&period=2022-04-01/P1Y')
    ).json();
    expect(sheffield.observations[0]).toMatchObject({
      area: 'E08000039',
      areaName: 'Sheffield',
      source: { note: 'figure for Sheffield (E08000019): same area, code changed in 2025' },
    });
    const csv = await app.inject(
      '/api/v1/data.csv?metric=defra.household-recycling-rate&area=E08000039&period=2022-04-01/P1Y',
    );
    expect(csv.body).toContain('figure for Sheffield (E08000019): same area, code changed in 2025');
  });

  it('comparisons, the headline and the council page show them too, and rank among the same members', async () => {
    for (const [code, pred] of [
      ['E08000039', 'E08000019'],
      ['E08000038', 'E08000016'],
      ['E06000065', 'E10000023'],
    ] as const) {
      const type = code.slice(0, 3);
      const c = (
        await app.inject(`/api/v1/compare.json?metric=oflog.asc5&area=${code}&group=type:${type}&period=2021/22`)
      ).json();
      expect(c.focus.value, code).not.toBeNull();
      expect(c.focus.source).toMatchObject({ kind: 'same-area', areas: [{ code: pred }] });
      expect(c.members.filter((m: { code: string }) => m.code === pred)).toEqual([]);
    }
    await servicesFor(db).sector.loadBasket({
      id: 'sector-key',
      version: 'fs1',
      name: 'Key measures',
      description: 'test',
      baseline: '2019-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [
        { metric: 'oflog.asc3', why: 'long-term support' },
        { metric: 'oflog.asc5', why: 'reablement' },
        { metric: 'defra.household-recycling-rate', why: 'waste' },
      ],
    });
    const h = (await app.inject('/api/v1/areas/E08000039/headline.json')).json();
    expect(h.noData).toEqual([]);
    const items = h.themes.flatMap((t: { items: unknown[] }) => t.items);
    expect(items).toHaveLength(3);
    for (const i of items) expect(i.focus.source).toMatchObject({ kind: 'same-area', areas: [{ code: 'E08000019' }] });
    const page = await app.inject('/areas/E08000039');
    expect(page.body).toContain('figure for Sheffield (E08000019): same area, code changed in 2025');
    expect(page.body).not.toContain('There is no figure');
  });

  it('a merged council is added up only where the measure allows it', async () => {
    // Population is a count: Cumberland's 2020 figure is the sum of the three districts it replaced.
    const pop = (
      await app.inject(
        '/api/v1/data.json?metric=population.total&area=E06000063,E07000026,E07000028,E07000029&period=all',
      )
    ).json().observations as Obs[];
    const mid2020 = pop.filter((o) => o.period.startsWith('2020-06-30'));
    const parts = mid2020.filter((o) => o.area !== 'E06000063');
    const cumberland = mid2020.find((o) => o.area === 'E06000063')!;
    expect(parts).toHaveLength(3);
    expect(cumberland.value).toBe(parts.reduce((s, o) => s + o.value!, 0));
    expect(cumberland.source).toMatchObject({ kind: 'aggregate' });
    expect(cumberland.source!.areas.map((a) => a.code)).toEqual(['E07000026', 'E07000028', 'E07000029']);
    // A percentage without numerators and denominators is never averaged: before 2023 Cumberland has no recycling rate.
    const rate = (
      await app.inject('/api/v1/data.json?metric=defra.household-recycling-rate&area=E06000063&period=all')
    ).json().observations as Obs[];
    expect(rate.filter((o) => o.period < '2023-04-01')).toEqual([]);
    expect(rate.every((o) => o.source === null)).toBe(true);
  });

  it('early warning never counts a period before a council existed against it', async () => {
    const s = servicesFor(db);
    await s.earlyWarning.load({
      id: 'fs-rules',
      version: '1',
      name: 'test',
      description: 'test',
      rules: [
        {
          id: 'data-not-submitted',
          type: 'missing-latest',
          statement: 'No figure for the latest period on at least 1 of the key measures.',
          params: { basket: 'sector-key', k: 1, minShare: 0.8 },
        },
      ],
    });
    const r = await s.earlyWarning.screen('fs-rules');
    expect(r.rules[0]).toMatchObject({ status: 'ok' });
    expect(r.rules[0]!.flagged).toBeGreaterThan(0); // the rule does flag councils (the City and Scilly have no figures)
    const flagged = r.results.filter((x) => x.flags.length > 0).map((x) => x.area.code);
    for (const code of ['E08000038', 'E08000039', 'E06000063', 'E06000064', 'E06000065', 'E06000066'])
      expect(flagged, code).not.toContain(code);
  });

  it('a geography whose successions contradict themselves is refused, naming the councils, and nothing is written', async () => {
    const before = await db.kysely
      .selectFrom('area_successions')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    const bad = (successions: { predecessor: string; successor: string; changeType: 'new-code' | 'merger' }[]) =>
      ({
        name: 'bad-geography',
        description: 'test',
        async *read() {
          yield {
            kind: 'geography',
            geography: {
              source: 'bad-geography.csv',
              areas: [{ code: 'E08000039', name: 'Sheffield', validFrom: '2025-04-01', validTo: null }],
              parents: [],
              successions: successions.map((x) => ({ ...x, effectiveDate: '2025-04-01' })),
            },
          };
        },
      }) as unknown as ImportAdapter;
    const self = await importWith(
      db,
      bad([{ predecessor: 'E08000039', successor: 'E08000039', changeType: 'new-code' }]),
      {
        publish: true,
      },
    );
    expect(self.state).toBe('rejected');
    expect(self.errors.map((e) => e.message).join(' ')).toMatch(
      /Sheffield \(E08000039\) is given as its own predecessor/,
    );
    const twice = await importWith(
      db,
      bad([{ predecessor: 'E08000039', successor: 'E08000038', changeType: 'new-code' }]),
      {
        publish: true,
      },
    );
    expect(twice.state).toBe('rejected');
    expect(twice.errors.map((e) => e.message).join(' ')).toMatch(
      /Barnsley \(E08000038\) is given as the new code of 2 councils, Barnsley \(E08000016\) and Sheffield \(E08000039\)/,
    );
    const after = await db.kysely
      .selectFrom('area_successions')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(Number(after!.n)).toBe(Number(before!.n));
  });
});
