/**
 * A categorical measure (Ofsted's children's services judgements, imported from the real file) compared, shown and
 * downloaded as labels and counts, never as numbers: the expected counts are worked out here from the file itself
 * (csv-parse), not through the importer. Each test would fail if a judgement's position were averaged, medianed,
 * ranked, put in quarters or charted as a number. Also: the sector basket, early-warning thresholds and saved reports
 * refuse categorical measures, saying why.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import { servicesFor } from '../../app/services.ts';
import type { App } from '../../platform/app-types.ts';
import { defraRecyclingAdapter, findAdapter, importFiles, ofstedIlacsAdapter, runImport } from '../imports/index.ts';

const ILACS = sharedFile('performance/ofsted/ofsted_ilacs_latest_judgement_by_la.csv');
const OVERALL = 'ofsted-ilacs.overall-effectiveness';
const LABELS = ['Outstanding', 'Good', 'Requires improvement', 'Inadequate'];
const WORD: Record<string, string> = {
  outstanding: 'Outstanding',
  good: 'Good',
  'requires improvement': 'Requires improvement',
  inadequate: 'Inadequate',
};
type Row = Record<string, string>;
const file = parse(readFileSync(ILACS), { columns: true, bom: true }) as Row[];

/** Councils per overall judgement among the file's rows that match, best first, as "Label n; …". */
function countsOf(match: (r: Row) => boolean): { counts: Record<string, number>; of: number; goodOrBetter: number } {
  const counts = Object.fromEntries(LABELS.map((l) => [l, 0]));
  for (const r of file.filter(match)) {
    const g = r.overall_effectiveness_grade!.trim();
    if (g) counts[WORD[g]!]!++;
  }
  const of = Object.values(counts).reduce((a, b) => a + b, 0);
  return { counts, of, goodOrBetter: counts.Outstanding! + counts.Good! };
}
const line = (c: Record<string, number>) => LABELS.map((l) => `${l} ${c[l]}`).join('; ');

describe('categorical measures: compared as labels and counts, never averaged', () => {
  let db: TestDb;
  let app: App;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const s = await runImport(db, { adapter: ofstedIlacsAdapter, files: [ILACS], publish: true });
    expect(s.state).toBe('published');
    const defra = await runImport(db, {
      adapter: defraRecyclingAdapter,
      files: [sharedFile('performance/defra_household_recycling_rate_2015_2024.csv')],
      publish: true,
    });
    expect(defra.state).toBe('published');
    const shapes = await importFiles(db, 'boundaries', [sharedFile('boundaries/england_utla_2025.geojson')], {
      publish: true,
    });
    expect(shapes.state).toBe('published');
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  // The West Midlands' upper-tier councils, by the file's own region column.
  const wm = countsOf((r) => r.region_code === 'WM');
  const compareQuery = `metric=${OVERALL}&area=E08000025&group=region:E12000005`;

  it('GET /api/v1/compare.json counts the group’s councils per judgement and gives no mean, median, quartile or rank', async () => {
    const res = await app.inject(`/api/v1/compare.json?${compareQuery}`);
    expect(res.statusCode).toBe(200);
    const c = res.json();
    expect(c.metric).toMatchObject({ unitType: 'category', categories: LABELS.map((label) => ({ label })) });
    expect(c.categories.counts.map((k: { label: string; count: number }) => [k.label, k.count])).toEqual(
      LABELS.map((l) => [l, wm.counts[l]]),
    );
    expect(c.categories).toMatchObject({ of: wm.of, better: { label: 'Good or better', count: wm.goodOrBetter } });
    // Nothing numeric: a mean of the positions (or a median, quartile, spread or rank) would show up here.
    const s = c.statistics;
    expect([s.mean, s.weightedMean, s.median, s.q1, s.q3, s.min, s.max, s.scaledMad]).toEqual(Array(8).fill(null));
    expect(s.countWithData).toBe(wm.of);
    for (const m of c.members) {
      expect([m.rank, m.quartileBand, m.distanceFromMedian, m.robustDistance, m.significance]).toEqual(
        Array(5).fill(null),
      );
      expect(m.direction).toEqual({ lastStep: null, overWindow: null, consecutive: 0 });
    }
    for (const t of c.trend) expect([t.groupMedian, t.england]).toEqual([null, null]);
    expect(c.england).toBeNull();
    // Birmingham's own judgement, published 18 April 2023, shown as its label.
    expect(c.focus.category).toEqual({
      code: 'good',
      label: 'Good',
      period: '2023-04-18/P1D',
      periodLabel: '18 Apr 2023',
    });
    expect(c.sentence).toBe(
      `Birmingham's latest judgement is Good (published 18 Apr 2023). ${wm.goodOrBetter} of the ${wm.of} councils in West Midlands are Good or better.`,
    );
    // Each council's own latest judgement, whenever it was published, not only those of the latest day.
    const coventry = file.find((r) => r.local_authority === 'coventry')!;
    const cov = c.members.find((m: { code: string }) => m.code === 'E08000026');
    expect(cov.category.label).toBe(WORD[coventry.overall_effectiveness_grade!]);
  });

  it('GET /api/v1/compare.csv and .xlsx carry the counts per judgement and each council’s label', async () => {
    const csv = parse((await app.inject(`/api/v1/compare.csv?${compareQuery}`)).body, { columns: true }) as Row[];
    expect(csv).toHaveLength(wm.of);
    const brum = csv.find((r) => r.area === 'E08000025')!;
    expect(brum).toMatchObject({ value: '2', category: 'Good', group_median: '', group_mean: '', rank: '' });
    for (const r of csv) {
      expect(r.group_category_counts).toBe(line(wm.counts));
      expect(r.group_better).toBe(`${wm.goodOrBetter} of ${wm.of} Good or better`);
    }
    const xlsx = await app.inject(`/api/v1/compare.xlsx?${compareQuery}`);
    const sheets = await readXlsxFile(xlsx.rawPayload);
    const stats = sheets.find((s) => s.sheet === 'Group statistics')!.data;
    const cell = (label: string) => stats.find((r) => r[0] === label)?.[1];
    expect(cell('Councils judged Good')).toBe(wm.counts.Good);
    expect(cell('Councils judged Good or better')).toBe(wm.goodOrBetter);
    expect(stats.some((r) => r[0] === 'Median' || r[0] === 'Mean (unweighted)')).toBe(false);
    const councils = sheets.find((s) => s.sheet === 'Councils')!.data;
    expect(councils.some((r) => r[1] === 'Birmingham' && r[3] === 'Good')).toBe(true);
  });

  it('the headline report and the council page show the council’s judgement and the group’s counts', async () => {
    const basket = {
      id: 'sector-key',
      version: 't1',
      name: 'Key measures',
      description: 'test',
      baseline: '2019-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [{ metric: 'defra.household-recycling-rate', why: 'waste' }],
    };
    await servicesFor(db).sector.loadBasket(basket);
    const h = (await app.inject('/api/v1/areas/E08000025/headline.json')).json();
    const children = h.themes.find((t: { theme: string }) => t.theme === 'children-young-people');
    expect(children.items.map((i: { metric: { id: string } }) => i.metric.id).sort()).toEqual([
      'ofsted-ilacs.care-leavers',
      'ofsted-ilacs.children-in-care',
      'ofsted-ilacs.help-and-protection',
      'ofsted-ilacs.impact-of-leaders',
      OVERALL,
    ]);
    // The 36 metropolitan districts (Barnsley's and Sheffield's judgements under the codes of their date).
    const mets = countsOf((r) => r.ltla23cd!.startsWith('E08'));
    const overall = children.items.find((i: { metric: { id: string } }) => i.metric.id === OVERALL);
    expect(overall.focus.category.label).toBe('Good');
    expect(overall.categories).toMatchObject({ of: mets.of, better: { count: mets.goodOrBetter } });
    expect(overall.statistics.median).toBeNull();
    const csv = parse((await app.inject('/api/v1/areas/E08000025/headline.csv')).body, { columns: true }) as Row[];
    const row = csv.find((r) => r.metric === OVERALL)!;
    expect(row).toMatchObject({ category: 'Good', group_median: '', quartile_band: '' });
    expect(row.group_better).toBe(`${mets.goodOrBetter} of ${mets.of} Good or better`);
    expect(row.group_category_counts).toBe(line(mets.counts));

    const page = await app.inject('/areas/E08000025');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Good (published 18 Apr 2023)');
    expect(page.body).toContain(`${mets.goodOrBetter} of ${mets.of} councils with a judgement are Good or better`);
    expect(page.body).toContain(
      `overall effectiveness: the group's councils by judgement (${mets.of} with a judgement)`,
    );
  });

  it('the compare page charts councils per judgement; the metric page maps judgements with labels and counts', async () => {
    const page = await app.inject(`/compare?${compareQuery}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Good (18 Apr 2023)');
    expect(page.body).toContain('councils by judgement');
    expect(page.body).not.toMatch(/<dt class="govuk-summary-list__key">Median<\/dt>/);
    const metric = await app.inject(`/metrics/${OVERALL}?period=2023-04-18/P1D`);
    expect(metric.statusCode).toBe(200);
    expect(metric.body).toContain('Birmingham');
    expect(metric.body).toMatch(/Birmingham<\/[^>]+>\s*<\/?t[dh][^>]*>[\s\S]{0,200}Good/);
    expect(metric.body).toContain('Good (published 18 Apr 2023)');
    // The map: coloured by judgement, its key the labels best first with counts, never numeric ranges.
    const latest = await app.inject(`/metrics/${OVERALL}`);
    const map = /<svg [^>]*class="app-map"[\s\S]*?<\/svg>/.exec(latest.body)![0];
    const key = [...map.matchAll(/<text [^>]*>([^<]*\((\d+) areas?\))<\/text>/g)].map((k) =>
      k[1]!.replace(/ \(\d+ areas?\)$/, ''),
    );
    expect(key.slice(0, 4)).toEqual(LABELS);
    expect(map).toContain('Darker shades are better; the key lists the categories best first.');
    expect(map).not.toMatch(/\d to \d/);
    expect(map).toContain('<title>Birmingham: Good</title>');
    // Beside it, councils per judgement over every council's latest judgement, worked out from the file.
    const all = countsOf(() => true);
    const table = /id="by-judgement"[\s\S]*?<\/table>/.exec(latest.body)![0];
    const counted = [...table.matchAll(/<th scope="row"[^>]*>([^<]+)<\/th><td[^>]*>(\d+)<\/td>/g)];
    expect(Object.fromEntries(counted.map((c) => [c[1], Number(c[2])]))).toEqual(all.counts);
  });

  it('GET /api/v1/data.json and .csv give each judgement’s label beside its position', async () => {
    const q = `metric=${OVERALL}&period=2023-04-18/P1D&area=E08000025`;
    const data = (await app.inject(`/api/v1/data.json?${q}`)).json();
    expect(data.observations).toEqual([expect.objectContaining({ area: 'E08000025', value: 2, category: 'Good' })]);
    expect(data.metrics[0].categories.map((c: { label: string }) => c.label)).toEqual(LABELS);
    const csv = parse((await app.inject(`/api/v1/data.csv?${q}`)).body, { columns: true }) as Row[];
    expect(csv[0]).toMatchObject({ area: 'E08000025', value: '2', category: 'Good' });
    const m = (await app.inject(`/api/v1/metrics/${OVERALL}`)).json();
    expect(m.categories).toEqual([
      { code: 'outstanding', label: 'Outstanding', position: 1 },
      { code: 'good', label: 'Good', position: 2 },
      { code: 'requires-improvement', label: 'Requires improvement', position: 3 },
      { code: 'inadequate', label: 'Inadequate', position: 4 },
    ]);
  });

  it('a direction-of-travel basket takes a categorical measure (counts of moves); an early-warning threshold and a saved report refuse one', async () => {
    const { sector } = servicesFor(db);
    const basket = {
      id: 'with-ofsted',
      version: '1',
      name: 'Basket with a judgement',
      description: 'test',
      baseline: '2019-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [{ metric: OVERALL, why: 'children' }],
    };
    expect(await sector.loadBasket(basket)).toMatchObject({ state: 'loaded' });
    const england = (await sector.directionOfTravel({ basket: 'with-ofsted' })).metrics[0]!;
    expect(england).toMatchObject({ change: null, baseline: null, latest: null });
    expect(england.judgements?.betterLabel).toBe('Good or better');
    // Every judged council: one re-coded since its inspection (Barnsley, Sheffield in 2025) counts under its current
    // code, its judgement being the same area's by the figure-source rule.
    const judged = await db.kysely
      .selectFrom('observations')
      .innerJoin('metrics', 'metrics.id', 'observations.metric_id')
      .innerJoin('areas', 'areas.id', 'observations.area_id')
      .where('metrics.code', '=', OVERALL)
      .where('observations.value', 'is not', null)
      .select('areas.code')
      .distinct()
      .execute();
    const t = england.judgements!.total;
    expect(t.compared + t.one).toBe(judged.length);
    expect(t.up + t.same + t.down).toBe(t.compared);
    // The file holds each council's latest judgement only: nothing to compare yet, and said so.
    if (t.compared === 0)
      expect(england.reason).toMatch(/^movement cannot be shown: one judgement per council in the published file/);
    const { earlyWarning, savedReports } = servicesFor(db);
    const rules = {
      id: 'with-ofsted',
      version: '1',
      name: 'Rules with a judgement',
      description: 'test',
      rules: [
        {
          id: 'inadequate',
          statement: 'Children’s services judged inadequate',
          type: 'threshold',
          params: {
            metric: OVERALL,
            operator: '>=',
            thresholds: [{ value: 4, effectiveFrom: '2020-01-01', effectiveTo: null }],
          },
        },
      ],
    };
    await expect(earlyWarning.load(rules)).rejects.toMatchObject({
      problems: [
        expect.objectContaining({ field: 'rules[0].params.metric', message: expect.stringMatching(/categorical/) }),
      ],
    });
    const report = {
      title: 'Judgements',
      definition: { metrics: [OVERALL], areas: ['E08000025'], chart: 'bar' as const },
    };
    await expect(savedReports.create({ id: 1, role: 'analyst' }, report)).rejects.toMatchObject({
      errors: [
        expect.objectContaining({ field: 'definition.metrics[0]', message: expect.stringMatching(/categorical/) }),
      ],
    });
  });

  it('the metric page counts councils moving up or down between their two latest judgements, by council type', async () => {
    // Earlier judgements (SYNTHETIC) sent as labels through the long CSV for the catalogue's measure: Birmingham
    // (now Good) from Inadequate, Knowsley (now Inadequate) from Good, Bexley (now Outstanding) from Outstanding.
    const earlier: Record<string, string> = { E08000025: 'inadequate', E08000011: ' GOOD', E09000004: 'Outstanding' };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ilacs-earlier-'));
    const data = path.join(dir, 'earlier.csv');
    writeFileSync(
      data,
      `metric,area,period,value,status,lci,uci,numerator,denominator\n${Object.entries(earlier)
        .map(([code, label]) => `${OVERALL},${code},2015-06-01/P1D,${label},,,,,`)
        .join('\n')}\n`,
    );
    const s = await runImport(db, { adapter: findAdapter('long-csv')!, files: [data], publish: true });
    expect(s.state, s.message).toBe('published');
    // Expected from the file: each council's latest grade against the earlier one, the first category the best.
    const rank = (g: string) => LABELS.indexOf(WORD[g.trim().toLowerCase()]!);
    const expected = new Map<string, { compared: number; up: number; same: number; down: number }>();
    for (const [code, before] of Object.entries(earlier)) {
      const now = file.find((r) => r.ltla23cd === code)!.overall_effectiveness_grade!;
      const type = code.startsWith('E08') ? 'Metropolitan district' : 'London borough';
      const t = expected.get(type) ?? { compared: 0, up: 0, same: 0, down: 0 };
      t.compared++;
      if (rank(now) < rank(before)) t.up++;
      else if (rank(now) > rank(before)) t.down++;
      else t.same++;
      expected.set(type, t);
    }
    // The latest period named, so that the page is not the one kept from an earlier test (cached for a second).
    const latest = (await app.inject(`/api/v1/metrics/${OVERALL}`)).json().periods.at(-1).period as string;
    const page = (await app.inject(`/metrics/${OVERALL}?period=${encodeURIComponent(latest)}`)).body;
    const table = /id="movement"[\s\S]*?<\/table>/.exec(page)![0];
    const rows = new Map(
      [...table.matchAll(/<th scope="row"[^>]*>([^<]+)<\/th>((?:<td[^>]*>\d+<\/td>){5})/g)].map((r) => {
        const [compared, up, same, down, one] = [...r[2]!.matchAll(/>(\d+)</g)].map((n) => Number(n[1]));
        return [r[1]!, { compared, up, same, down, one }];
      }),
    );
    for (const [type, t] of expected) expect(rows.get(type)).toMatchObject(t);
    const all = countsOf(() => true);
    expect(rows.get('All councils')).toEqual({ compared: 3, up: 1, same: 1, down: 1, one: all.of - 3 });
    expect(table).toContain('Better');
    // The earlier judgement, stored after the later one, does not pass for the latest.
    expect(page).toContain('Good (published 18 Apr 2023)');
  });
});
