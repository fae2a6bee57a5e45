/**
 * Derived finance measures and computed England and regional figures on the real files (finance/ and population/ in
 * shared data), checked against the files read here with csv-parse, not through the importers; and recomputation when
 * an input is revised, by a direct publication and by a draft published, shown in the change feed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../platform/app-types.ts';
import { createTestApp } from '../../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import { deriveAll, publishImport, runImport } from '../service.ts';
import { councilTaxAdapter } from '../adapters/council-tax.ts';
import { mhclgRevenueSummaryAdapter } from '../adapters/mhclg-revenue-summary.ts';
import { mhclgServiceSpendAdapter } from '../adapters/mhclg-service-spend.ts';
import { populationAdapter } from '../adapters/population.ts';
import { servicesFor } from '../../../app/services.ts';

/** As the pages escape text. */
const escape = (t: string) =>
  t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const WIDE = sharedFile('finance/service_net_current_expenditure_wide_2015-16_to_2023-24.csv');
const RS = sharedFile('finance/rs_revenue_summary_2015-16_to_2017-18_long.csv');
const CTR = sharedFile('finance/ctr_band_d_by_authority_2014-15_to_2023-24.csv');
const MYE = sharedFile('performance/population/ons_mid_year_population_2019_2020_la.csv');
const HH = sharedFile('performance/population/ons_census2021_households_lad23.csv');

type Row = Record<string, string>;
const rows = (file: string) => parse(readFileSync(file), { columns: true }) as Row[];
const ASC_HEAD = 'mhclg-rsx.adult-social-care.net-current-expenditure.per-head';

interface Obs {
  area: string;
  value: number | null;
  status: string[];
  note: string | null;
  numerator: number | null;
  denominator: number | null;
}

describe('derived finance measures', () => {
  let db: TestDb;
  let app: App;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'derived-'));

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    for (const [adapter, files] of [
      [populationAdapter, [MYE, HH]],
      [mhclgServiceSpendAdapter, [WIDE]],
      [mhclgRevenueSummaryAdapter, [RS]],
      [councilTaxAdapter, [CTR]],
    ] as const) {
      const s = await runImport(db, { adapter, files: [...files], publish: true });
      expect(s.errors, s.message).toEqual([]);
    }
    app = await createTestApp(db);
  }, 600_000);
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const one = async (metric: string, area: string, period: string): Promise<Obs | undefined> => {
    const res = await app.inject(`/api/v1/data.json?metric=${metric}&area=${area}&period=${period}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().observations as Obs[]).find((o) => o.area === area);
  };
  const population = (code: string, year: string) =>
    Number(rows(MYE).find((r) => r.area_code === code && r.mid_year === year)!.total_population);
  const nce = (code: string, year: string, column: string) =>
    Number(rows(WIDE).find((r) => r.ons_code === code && r.financial_year === year)![column]);

  it('GET /api/v1/metrics/:id names the derived metric’s inputs and formula', async () => {
    const res = await app.inject(`/api/v1/metrics/${ASC_HEAD}`);
    expect(res.statusCode).toBe(200);
    const m = res.json();
    expect(m).toMatchObject({
      title: 'Adult social care: net current expenditure per head',
      shortTitle: 'Adult social care spend per head',
      unit: '£ per person',
      statisticsStatus: 'derived',
      derivation: {
        formula: 'ratio',
        numerator: ['mhclg-rsx.adult-social-care.net-current-expenditure'],
        denominator: 'population.total',
        denominatorPeriod: 'nearest-held',
      },
    });
    const publisher = (await app.inject('/api/v1/metrics/population.total')).json();
    expect(publisher.derivation).toBeNull();
  });

  it('spend per head: NCE ÷ the population of the nearest year held, the year named', async () => {
    // Kent, adult social care 2021-22: £557.6m ÷ Kent's mid-2020 population (the nearest year held).
    const kent = await one(ASC_HEAD, 'E10000016', '2021-04-01/P1Y');
    const expected = (nce('E10000016', '2021-22', 'nce_asc') * 1000) / population('E10000016', '2020');
    expect(kent!.value).toBeCloseTo(expected, 9);
    expect(kent!.note).toMatch(/2020, the period held nearest/);
    // 2015-16 is nearer mid-2019 than mid-2020.
    const early = await one(ASC_HEAD, 'E10000016', '2015-04-01/P1Y');
    expect(early!.value).toBeCloseTo(
      (nce('E10000016', '2015-16', 'nce_asc') * 1000) / population('E10000016', '2019'),
      9,
    );
    // Spend per household (environmental services, which hold waste): Census 2021 households.
    const hh = Number(rows(HH).find((r) => r.ltla23_code === 'E06000001')!.households);
    const hart = await one(
      'mhclg-rsx.environmental-regulatory.net-current-expenditure.per-household',
      'E06000001',
      '2023-04-01/P1Y',
    );
    expect(hart!.value).toBeCloseTo((nce('E06000001', '2023-24', 'nce_env') * 1000) / hh, 9);
  });

  it('a council created since 2019 divides by its predecessors’ population where the rule allows, and says so', async () => {
    // North Northamptonshire (2021) has no mid-2020 figure of its own: the figure-source rule sums its four districts'.
    const districts = ['E07000150', 'E07000152', 'E07000153', 'E07000156'];
    const pop = districts.reduce((s, c) => s + population(c, '2020'), 0);
    const nn = await one(ASC_HEAD, 'E06000061', '2021-04-01/P1Y');
    expect(nn!.denominator).toBe(pop);
    expect(nn!.value).toBeCloseTo((nce('E06000061', '2021-22', 'nce_asc') * 1000) / pop, 9);
    expect(nn!.note).toMatch(/Corby \(E07000150\)/);
    // Its spend before it existed is its predecessors' own, never summed: no figure of its own for 2017-18.
    expect(await one(ASC_HEAD, 'E06000061', '2017-04-01/P1Y')).toBeUndefined();
  });

  it('reserves as a share of net revenue expenditure: Northamptonshire’s unallocated at 31 March 2018 is 0', async () => {
    const n = await one('mhclg-rs.usable-reserves.unallocated.31-march.share-of-nre', 'E10000021', '2017-04-01/P1Y');
    // Provisional (2017-18) and, as net revenue expenditure is MHCLG's imputation for Northamptonshire, estimated.
    expect(n).toMatchObject({ value: 0 });
    expect(n!.status).toContain('p');
    const rs = rows(RS).filter((r) => r.ons_code === 'E10000016' && r.financial_year === '2016-17');
    const line = (l: string, date?: string) =>
      Number(rs.find((r) => r.rs_line === l && (!date || r.item!.includes(date)))!.value_gbp_thousands);
    const kent = await one('mhclg-rs.usable-reserves.non-schools.31-march.share-of-nre', 'E10000016', '2016-04-01/P1Y');
    const reserves = ['914', '915', '916'].reduce((s, l) => s + line(l, '31 March'), 0);
    expect(kent!.value).toBeCloseTo((reserves / line('805')) * 100, 9);
  });

  it('council tax requirement per Band D equivalent: England 2023-24 is the published average Band D, £2,065.06', async () => {
    const england = rows(CTR).find((r) => r.ons_code === 'E92000001' && r.financial_year === '2023-24')!;
    const fromFile = Number(england.council_tax_requirement_gbp) / Number(england.taxbase_band_d_equiv);
    const e = await one('mhclg-ctr.council-tax-requirement.per-band-d-equivalent', 'E92000001', '2023-04-01/P1Y');
    expect(Math.abs(e!.value! - 2065.06)).toBeLessThan(0.01);
    expect(e!.value).toBeCloseTo(fromFile, 9);
    // Band D change on the year, £ and %: Kent's own Band D 2023-24 against 2022-23.
    const bandD = (y: string) =>
      Number(rows(CTR).find((r) => r.ons_code === 'E10000016' && r.financial_year === y)!.band_d_own_excl_parish);
    const change = await one('mhclg-ctr.band-d.own.change', 'E10000016', '2023-04-01/P1Y');
    expect(change!.value).toBeCloseTo(bandD('2023-24') - bandD('2022-23'), 9);
    const pct = await one('mhclg-ctr.band-d.own.change-percent', 'E10000016', '2023-04-01/P1Y');
    expect(pct!.value).toBeCloseTo(((bandD('2023-24') - bandD('2022-23')) / bandD('2022-23')) * 100, 9);
  });

  it('England and regional figures the publisher gives none for are computed from every council and say how', async () => {
    // Net revenue expenditure 2015-16 (RS): no England row in the file; England is the sum over every council.
    const rs = rows(RS).filter(
      (r) => r.rs_line === '805' && r.financial_year === '2015-16' && /^E0[6-9]|^E10/.test(r.ons_code!),
    );
    const sum = rs.reduce((s, r) => s + Number(r.value_gbp_thousands), 0);
    const e = await one('mhclg-rs.net-revenue-expenditure', 'E92000001', '2015-04-01/P1Y');
    expect(e!.value).toBeCloseTo(sum, 3);
    expect(e!.note).toMatch(/^Computed by this platform, not published: England aggregate: sum over all \d+ councils/);
    // The North East region (E12000001): the sum over its councils.
    const ne = await one('mhclg-rs.net-revenue-expenditure', 'E12000001', '2015-04-01/P1Y');
    expect(ne!.note).toMatch(/North East aggregate/);
    expect(ne!.value!).toBeLessThan(e!.value!);
    // A publisher's England figure is never replaced: NCE has England rows in the wide file.
    const asc = await one('mhclg-rsx.adult-social-care.net-current-expenditure', 'E92000001', '2021-04-01/P1Y');
    expect(asc!.value).toBe(nce('E92000001', '2021-22', 'nce_asc'));
    expect(asc!.note ?? '').not.toMatch(/Computed/);
    // No total without every council: the Isles of Scilly sent no 2016-17 figure, so England has none that year.
    expect(await one('mhclg-rs.net-revenue-expenditure', 'E92000001', '2016-04-01/P1Y')).toBeUndefined();
    // Police and fire are never summed: London's police would be the City of London's alone, its fire nothing at all
    // (the London Fire Commissioner is the GLA's). The regions have no figure; the caveats say why.
    for (const service of ['police', 'fire-rescue']) {
      const code = `mhclg-rsx.${service}.net-current-expenditure`;
      for (const region of ['E12000007', 'E12000002'])
        expect(await one(code, region, '2021-04-01/P1Y'), `${code} ${region}`).toBeUndefined();
      const metric = (await app.inject(`/api/v1/metrics/${code}`)).json();
      expect(metric.caveats).toContain('none is computed for this service, nor any regional figure');
    }
    const summed = (await app.inject('/api/v1/metrics/mhclg-rsx.adult-social-care.net-current-expenditure')).json();
    expect(summed.caveats).toContain('this platform sums the councils’ figures');
  });

  it('an England figure computed here is shown as computed, with its method, wherever it is compared', async () => {
    // Kent's adult social care per head, 2023-24: the publisher gives no England population, so England's per-head
    // figure is this platform's (Σ spend ÷ Σ population), kept with the coverage.
    const kept = await one(ASC_HEAD, 'E92000001', '2023-04-01/P1Y');
    expect(kept!.note).toMatch(/^Computed by this platform/);
    const compared = (await app.inject(`/api/v1/compare.json?metric=${ASC_HEAD}&area=E10000016&group=type:E10`)).json();
    expect(compared.england).toMatchObject({ value: kept!.value, method: kept!.note });
    // The publisher's own England figure (adult social care spend, in the wide file) has no method.
    const NCE = 'mhclg-rsx.adult-social-care.net-current-expenditure';
    const own = (await app.inject(`/api/v1/compare.json?metric=${NCE}&area=E10000016&group=type:E10`)).json();
    expect(own.england).toMatchObject({ value: nce('E92000001', '2023-24', 'nce_asc'), method: null });
    // The value-for-money profile: computed from councils, said so, never as the publisher's.
    const vfm = (await app.inject('/api/v1/value-for-money/E10000016.json')).json();
    const spend = vfm.services.find((x: { id: string }) => x.id === 'adult-social-care').spend[0];
    expect(spend.england).toEqual({
      value: kept!.value,
      kind: 'aggregate',
      label: 'England (computed from councils)',
      method: kept!.note,
    });
    // The headline (council page, CSV) of the default basket: the figure with how it was computed.
    const loaded = await servicesFor(db).sector.loadBasket({
      id: 'sector-key',
      version: 'finance',
      name: 'Finance',
      description: 'Spend per head beside the publisher’s spend',
      baseline: '2021-04-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [
        { metric: ASC_HEAD, why: 'England computed here' },
        { metric: NCE, why: 'England published' },
      ],
    });
    expect(loaded.state).toBe('loaded');
    const csv = parse((await app.inject('/api/v1/areas/E10000016/headline.csv')).body, {
      columns: true,
    }) as Row[];
    expect(csv.find((r) => r.metric === ASC_HEAD)).toMatchObject({ england_method: kept!.note });
    expect(csv.find((r) => r.metric === NCE)).toMatchObject({ england_method: '' });
    // The sector overview's England on these finance measures: a figure each, the computed one marked as such.
    const sector = (await app.inject('/api/v1/sector/direction-of-travel.json')).json();
    const byId = new Map(sector.metrics.map((x: { metric: { id: string } }) => [x.metric.id, x]));
    expect(byId.get(ASC_HEAD)).toMatchObject({
      theme: 'workforce-finance',
      latest: { source: 'aggregate', value: kept!.value },
    });
    expect(byId.get(NCE)).toMatchObject({ latest: { source: 'publisher' } });
    for (const x of byId.values()) expect((x as { classification: string }).classification).not.toBe('no-data');
    const page = await app.inject('/areas/E10000016');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      `<br><span class="govuk-body-s app-secondary">Not published: ${escape(kept!.note!)}.</span>`,
    );
  });

  it('a derived figure is recomputed when its input is revised, directly or by a draft, and the change feed shows it', async () => {
    const before = await one(ASC_HEAD, 'E10000016', '2021-04-01/P1Y');
    // Kent's mid-2020 population revised by 10,000.
    const lines = readFileSync(MYE, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.startsWith('2020,utla20,E10000016,'));
    const cells = lines[i]!.split(',');
    cells[4] = String(Number(cells[4]) + 10_000);
    cells[6] = String(Number(cells[6]) + 10_000); // the age bands must still add up
    lines[i] = cells.join(',');
    const revised = path.join(tmp, 'mye.csv');
    writeFileSync(revised, lines.join('\n'));
    const s = await runImport(db, { adapter: populationAdapter, files: [revised, HH], publish: true });
    expect(s.state, JSON.stringify(s.errors.slice(0, 3))).toBe('published');
    expect(s.message).toMatch(/Derived figures recomputed/);
    const after = await one(ASC_HEAD, 'E10000016', '2021-04-01/P1Y');
    expect(after!.value).toBeCloseTo((before!.value! * before!.denominator!) / (before!.denominator! + 10_000), 9);
    const feed = (await app.inject(`/api/v1/changes?metric=${ASC_HEAD}`)).json().entries as {
      kind: string;
      observation?: { area: string; period: string; previous: { value: number } };
    }[];
    const entry = feed.find((f) => f.kind === 'observation' && f.observation!.area === 'E10000016');
    expect(entry?.observation).toMatchObject({ period: '2021-04-01/P1Y', previous: { value: before!.value } });

    // A draft changes nothing derived until it is published.
    const ctr = readFileSync(CTR, 'utf8').split('\n');
    const j = ctr.findIndex((l) => l.startsWith('2023-24,') && l.includes(',E10000016,'));
    const c = ctr[j]!.split(',');
    c[9] = (Number(c[9]) + 1_000_000).toFixed(2);
    ctr[j] = c.join(',');
    const draftFile = path.join(tmp, 'ctr.csv');
    writeFileSync(draftFile, ctr.join('\n'));
    const PER_BAND_D = 'mhclg-ctr.council-tax-requirement.per-band-d-equivalent';
    const was = await one(PER_BAND_D, 'E10000016', '2023-04-01/P1Y');
    const draft = await runImport(db, { adapter: councilTaxAdapter, files: [draftFile] });
    expect(draft.state).toBe('draft');
    expect((await one(PER_BAND_D, 'E10000016', '2023-04-01/P1Y'))!.value).toBe(was!.value);
    await publishImport(db, draft.importId!);
    const now = await one(PER_BAND_D, 'E10000016', '2023-04-01/P1Y');
    expect(now!.value).toBeCloseTo(was!.value! + 1_000_000 / was!.denominator!, 6);
    const feed2 = (await app.inject(`/api/v1/changes?metric=${PER_BAND_D}`)).json().entries as {
      kind: string;
      observation?: { area: string };
    }[];
    expect(feed2.some((f) => f.kind === 'observation' && f.observation!.area === 'E10000016')).toBe(true);
    // The South East's computed council tax requirement followed the revision too.
    const se = await one('mhclg-ctr.council-tax-requirement', 'E12000008', '2023-04-01/P1Y');
    expect(se!.note).toMatch(/South East aggregate/);
  });

  it('what the publications derived and the coverage they kept are what the stored figures give again', async () => {
    // The derivation read the inputs a publication wrote as it wrote them: from the table it finds nothing to change.
    expect(await deriveAll(db)).toBeUndefined();
    // Coverage tallied or added to as rows were written equals a count over the observations.
    type Coverage = { metric_id: number; period_id: number; n_areas: number; n_values: number; england: unknown };
    const norm = (rows: Coverage[]) =>
      rows
        .map((r) => `${r.metric_id}:${r.period_id} ${Number(r.n_areas)} ${Number(r.n_values)} ${String(r.england)}`)
        .sort();
    const kept = await db.kysely
      .selectFrom('metric_periods')
      .select(['metric_id', 'period_id', 'n_areas', 'n_values', 'england_value as england'])
      .execute();
    const counted = await db.kysely
      .selectFrom('observations as o')
      .leftJoin('areas as a', (j) => j.onRef('a.id', '=', 'o.area_id').on('a.code', '=', 'E92000001'))
      .select((eb) => [
        'o.metric_id',
        'o.period_id',
        eb.fn.countAll<number>().as('n_areas'),
        eb.fn.count<number>('o.value').as('n_values'),
        eb.fn.max(eb.case().when('a.id', 'is not', null).then(eb.ref('o.value')).end()).as('england'),
      ])
      .groupBy(['o.metric_id', 'o.period_id'])
      .execute();
    expect(kept.length).toBeGreaterThan(300);
    expect(norm(kept as Coverage[])).toEqual(norm(counted as Coverage[]));
  });

  it('a figure computed under a rule since narrowed (police spending summed for a region) is withdrawn, saying why', async () => {
    // As a database loaded by an earlier version holds it: London's police 2021-22 computed as the councils' sum.
    const police = 'mhclg-rsx.police.net-current-expenditure';
    const ids = async (table: 'metrics' | 'areas' | 'periods', column: 'code' | 'iso', value: string) =>
      Number((await db.kysely.selectFrom(table).select('id').where(column, '=', value).executeTakeFirstOrThrow()).id);
    const [metricId, areaId, periodId] = [
      await ids('metrics', 'code', police),
      await ids('areas', 'code', 'E12000007'),
      await ids('periods', 'iso', '2021-04-01/P1Y'),
    ];
    const now = new Date().toISOString();
    const older = await db.kysely
      .insertInto('imports')
      .values({
        adapter: 'derived',
        files: '[]',
        state: 'published',
        created_at: now,
        published_at: now,
        inserted: 1,
        updated: 0,
        unchanged: 0,
        rejected: 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.kysely
      .insertInto('observations')
      .values({
        metric_id: metricId,
        area_id: areaId,
        period_id: periodId,
        value: 114_000,
        status: '',
        note: 'Computed by this platform, not published: London aggregate: sum over all 33 councils',
        revision: 1,
        import_id: Number(older.id),
        updated_at: now,
      })
      .execute();
    expect((await one(police, 'E12000007', '2021-04-01/P1Y'))!.value).toBe(114_000);
    const outcome = await deriveAll(db);
    expect(outcome?.written).toBe(1);
    const gone = await one(police, 'E12000007', '2021-04-01/P1Y');
    expect(gone).toMatchObject({ value: null, status: ['x'] });
    expect(gone!.note).toMatch(/^No longer computed: this platform no longer sums this measure/);
    // The previous figure is kept as a revision, and a second run changes nothing.
    const revisions = await db.kysely
      .selectFrom('observation_revisions')
      .select('value')
      .where('metric_id', '=', metricId)
      .where('area_id', '=', areaId)
      .execute();
    expect(revisions).toEqual([{ value: 114_000 }]);
    expect(await deriveAll(db)).toBeUndefined();
  });
});
