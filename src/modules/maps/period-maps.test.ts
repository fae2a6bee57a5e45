/**
 * A period's map on the real files: the geography, the ONS TopoJSON of every year and DEFRA's recycling rates. Each
 * period is drawn on the boundaries in force then: every council with a figure is drawn, and every area drawn without
 * one existed in the period.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import { servicesFor } from '../../app/services.ts';
import { importFiles } from '../imports/index.ts';
import { esc } from './svg.ts';

const METRIC = 'defra.household-recycling-rate';

describe('maps of a period on the boundaries in force then', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    for (const [adapter, file] of [
      ['boundaries', 'boundaries/ons_uk_la_boundaries_2014_2025.topo.json'],
      ['defra-recycling', 'performance/defra_household_recycling_rate_2015_2024.csv'],
    ] as const) {
      const r = await importFiles(db, adapter, [sharedFile(file)], { publish: true });
      if (r.state !== 'published') throw new Error(`${adapter}: ${r.message}`);
    }
  });
  afterAll(async () => db.drop());

  /** The metric page's map for a period: each area drawn with its code (from the boundaries drawn) and its value. */
  async function mapOf(period: string) {
    const s = servicesFor(db);
    const view = await s.pages.metrics.metric(METRIC, { period });
    if (view.empty || !view.map) throw new Error('no map');
    const chosen = view.chosen;
    const figures = (await s.observations.query({ metric: METRIC, period }, { unlimited: true })).observations.filter(
      (o) => o.value !== null && /^E0[6-9]/.test(o.area),
    );
    const drawnOn = (await s.maps.boundariesForPeriod(
      'ltla',
      chosen,
      figures.map((o) => o.area),
    ))!;
    // Names as the SVG writes them (escaped), to the codes of the boundaries drawn.
    const codeOf = new Map(drawnOn.features.map((f) => [esc(f.name), f.code]));
    // The wide drawing (the page carries a wide and a narrow one of the same map: maps/responsive.ts).
    const wide = view.map.split('<div class="app-chart__narrow">')[0]!;
    const areas = [...wide.matchAll(/<path d="[^"]*" fill="[^"]*"[^>]*><title>([^<]*): ([^<]*)<\/title>/g)].map(
      (m) => ({ name: m[1]!, code: codeOf.get(m[1]!), value: m[2]! }),
    );
    expect(areas.filter((a) => a.code === undefined)).toEqual([]);
    expect(areas).toHaveLength(drawnOn.features.length);
    return { view, chosen, figures, drawnOn, areas, noData: areas.filter((a) => a.value === 'no data') };
  }

  it('draws 2023/24 on the boundaries of April 2023: the new unitaries, none of the councils they replaced', async () => {
    const { view, figures, drawnOn, areas, noData } = await mapOf('2023-04-01/P1Y');
    expect(drawnOn.year).toBe(2023);
    const names = areas.map((a) => a.name);
    for (const current of ['Cumberland', 'Westmorland and Furness', 'North Yorkshire', 'Somerset'])
      expect(names).toContain(current);
    for (const abolished of ['Allerdale', 'Carlisle', 'Craven', 'Harrogate', 'Mendip', 'Sedgemoor', 'South Somerset'])
      expect(names).not.toContain(abolished);
    // Every council with a figure is drawn with it; none is left for the table only.
    const drawn = new Map(areas.map((a) => [a.code, a.value]));
    expect(figures.length).toBeGreaterThan(250);
    expect(figures.filter((o) => drawn.get(o.area) === undefined || drawn.get(o.area) === 'no data')).toEqual([]);
    expect(view.empty === false && view.mapNote).toBeNull();
    // The areas drawn without a figure are councils that existed in 2023/24 (their waste is reported by partnerships).
    const { areas: resolved } = await servicesFor(db).areas.resolveCodes(noData.map((a) => a.code!));
    expect(resolved).toHaveLength(noData.length);
    for (const a of resolved) {
      expect(a.validFrom === null || a.validFrom <= '2023-04-01', a.code).toBe(true);
      expect(a.validTo === null || a.validTo >= '2024-03-31', a.code).toBe(true);
    }
    expect(noData.length).toBe(areas.length - figures.length);
    expect(view.map).toContain('Boundaries: local authority districts as at April 2023');
  });

  it('draws 2018/19 on the boundaries of April 2018: the councils before the 2019 and 2020 reorganisations', async () => {
    const { figures, drawnOn, areas, noData } = await mapOf('2018-04-01/P1Y');
    expect(drawnOn.year).toBe(2018);
    const codes = new Set(areas.map((a) => a.code));
    for (const before of ['E07000004', 'E06000028', 'E06000029', 'E07000026', 'E07000163'])
      expect(codes, before).toContain(before); // Aylesbury Vale, Bournemouth, Poole, Allerdale, Craven
    for (const after of ['E06000058', 'E06000059', 'E06000060', 'E06000063', 'E06000065'])
      expect(codes, after).not.toContain(after); // BCP, Dorset, Buckinghamshire, Cumberland, North Yorkshire
    const drawn = new Map(areas.map((a) => [a.code, a.value]));
    expect(figures.filter((o) => drawn.get(o.area) === undefined || drawn.get(o.area) === 'no data')).toEqual([]);
    const { areas: resolved } = await servicesFor(db).areas.resolveCodes(noData.map((a) => a.code!));
    for (const a of resolved) expect(a.validTo === null || a.validTo >= '2019-03-31', a.code).toBe(true);
    expect(areas.length).toBe(326);
  });

  it('the metric page names the boundary vintage under the map', async () => {
    const app = await createTestApp(db);
    try {
      const res = await app.inject({ url: `/metrics/${METRIC}?period=${encodeURIComponent('2018-04-01/P1Y')}` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toMatch(
        /<figcaption[^>]*>Map of councils\. Boundaries: local authority districts as at April 2018\. The table below/,
      );
    } finally {
      await app.close();
    }
  });
});
