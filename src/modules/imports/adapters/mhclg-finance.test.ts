/**
 * The council finance importers on the real files (finance/ in shared data), checked against the files read here with
 * csv-parse, not through the adapters: every authority's and year's figures, the published checks (Kent's adult social
 * care 2021-22, the England average Band D 2023-24, Northamptonshire's reserves at 31 March 2018), the figure-source
 * rule for councils created since 2019, all or nothing with a corrupted copy, and the three commands on the CLI.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../platform/app-types.ts';
import { createTestApp } from '../../../../test/helpers/app.ts';
import { runSli } from '../../../../test/helpers/cli.ts';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import { runImport, type ImportSummary } from '../service.ts';
import { councilTaxAdapter } from './council-tax.ts';
import { mhclgRevenueSummaryAdapter } from './mhclg-revenue-summary.ts';
import { mhclgServiceSpendAdapter } from './mhclg-service-spend.ts';
import { servicesFor } from '../../../app/services.ts';

const WIDE = sharedFile('finance/service_net_current_expenditure_wide_2015-16_to_2023-24.csv');
const LONG = sharedFile('finance/rsx_service_expenditure_2021-22_to_2023-24_long.csv');
const RS = sharedFile('finance/rs_revenue_summary_2015-16_to_2017-18_long.csv');
const CTR = sharedFile('finance/ctr_band_d_by_authority_2014-15_to_2023-24.csv');

type Row = Record<string, string>;
const rows = (file: string) => parse(readFileSync(file), { columns: true }) as Row[];

/** MHCLG's service codes and the words the metric codes use for them (mhclg-rsx.<service>.<measure>). */
const SERVICE: Record<string, string> = {
  edu: 'education',
  trans: 'highways-transport',
  csc: 'childrens-social-care',
  asc: 'adult-social-care',
  phs: 'public-health',
  hous: 'housing',
  cul: 'cultural',
  env: 'environmental-regulatory',
  plan: 'planning-development',
  pol: 'police',
  frs: 'fire-rescue',
  cen: 'central',
  oth: 'other',
  totsx: 'total',
};
const startOf = (year: string) => `${year.slice(0, 4)}-04-01`;
const endOf = (year: string) => `${Number(year.slice(0, 4)) + 1}-03-31`;
/** MHCLG gives North Yorkshire County Council (E-code E2721) the code E10000022 in some RS returns; it is E10000023. */
const codeOf = (r: Row) => (r.ons_code === 'E10000022' && r.ecode === 'E2721' ? 'E10000023' : r.ons_code!);
/** A number cell (the returns' "-0" is 0), or null when blank. */
const num = (s: string) => (s.trim() === '' ? null : Number(s) + 0);

interface Stored {
  value: number | null;
  status: string;
}

describe('council finance imports into the database', () => {
  let db: TestDb;
  let app: App;
  let held: Map<string, { validFrom: string | null; validTo: string | null }>;
  const summaries: Record<string, ImportSummary> = {};

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    app = await createTestApp(db);
    held = new Map(
      (await db.kysely.selectFrom('areas').select(['code', 'valid_from', 'valid_to']).execute()).map((a) => [
        a.code,
        { validFrom: a.valid_from, validTo: a.valid_to },
      ]),
    );
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  /** Whether a row can be held here: a code the geography holds, not the GLA, not before the authority began. */
  const fileable = (code: string, year: string) => {
    const a = held.get(code);
    return !!a && !code.startsWith('E12') && !(a.validFrom && endOf(year) < a.validFrom);
  };

  /** The importer's own figures: not the derived ones or the England and regional figures computed from them. */
  async function stored(prefix: string): Promise<Map<string, Stored>> {
    const list = await db.kysely
      .selectFrom('observations as o')
      .innerJoin('metrics as m', 'm.id', 'o.metric_id')
      .innerJoin('areas as a', 'a.id', 'o.area_id')
      .innerJoin('periods as p', 'p.id', 'o.period_id')
      .innerJoin('imports as i', 'i.id', 'o.import_id')
      .select(['m.code as metric', 'a.code as area', 'p.start_date', 'o.value', 'o.status'])
      .where('m.code', 'like', `${prefix}%`)
      .where('i.adapter', '<>', 'derived')
      .execute();
    return new Map(list.map((r) => [`${r.metric}|${r.area}|${r.start_date}`, { value: r.value, status: r.status }]));
  }
  const count = async () =>
    Number(
      (
        await db.kysely
          .selectFrom('observations')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const leftOut = (s: ImportSummary) => Object.values(s.skipped).reduce((a, b) => a + b, 0);
  const one = async (metric: string, area: string, period: string) => {
    const res = await app.inject(`/api/v1/data.json?metric=${metric}&area=${area}&period=${period}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().observations as {
      area: string;
      value: number | null;
      status: string[];
      source: { kind: string; areas: { code: string }[] } | null;
    }[];
  };

  it('service spend: every authority and year holds the wide file’s net current expenditure; the long file agrees and adds the rest', async () => {
    const wide = rows(WIDE);
    const long = rows(LONG);
    // Given in either order: the wide file's net current expenditure is kept where both have it.
    const s = await runImport(db, { adapter: mhclgServiceSpendAdapter, files: [LONG, WIDE], publish: true });
    summaries.spend = s;
    expect(s.errors).toEqual([]);
    expect(s.state).toBe('published');
    expect(s.metrics.created).toBe(14 * 7);
    const got = await stored('mhclg-rsx.');

    const wideNce = new Map<string, number | null>();
    let compared = 0;
    let wideLeftOut = 0;
    for (const r of wide) {
      const code = codeOf(r);
      if (!fileable(code, r.financial_year!)) {
        wideLeftOut++;
        continue;
      }
      for (const [svc, word] of Object.entries(SERVICE)) {
        const expected = num(r[`nce_${svc}`]!);
        wideNce.set(`${r.financial_year}|${r.ons_code}|${svc}`, expected);
        const o = got.get(`mhclg-rsx.${word}.net-current-expenditure|${code}|${startOf(r.financial_year!)}`);
        expect(o?.value, `${r.la_name} ${r.financial_year} ${svc}`).toBe(expected);
        expect(o!.status).toBe(r.financial_year === '2017-18' ? 'p' : '');
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(14 * 1800);

    let agreed = 0;
    let longLeftOut = 0;
    let longStored = 0;
    for (const r of long) {
      if (!fileable(r.ons_code!, r.financial_year!)) {
        longLeftOut++;
        continue;
      }
      const value = num(r.value_gbp_thousands!);
      if (r.measure === 'net_current_expenditure') {
        const w = wideNce.get(`${r.financial_year}|${r.ons_code}|${r.service_code}`);
        if (w !== undefined) {
          expect(value, `${r.la_name} ${r.financial_year} ${r.service_code}: the two files agree`).toBe(w);
          agreed++;
          continue;
        }
      }
      const metric = `mhclg-rsx.${SERVICE[r.service_code!]}.${r.measure!.replace(/_/g, '-')}`;
      const o = got.get(`${metric}|${r.ons_code}|${startOf(r.financial_year!)}`);
      expect(o, `${metric} ${r.ons_code} ${r.financial_year}`).toBeDefined();
      expect(o!.value).toBe(value);
      if (value === null) expect(o!.status).toBe('x'); // [x] or ... in the marker column
      longStored++;
    }
    expect(agreed).toBeGreaterThan(15000);
    // Nothing is stored that the files do not give, and every row left out is counted with its reason.
    expect(got.size).toBe(compared + longStored);
    expect(s.observations.inserted).toBe(compared + longStored);
    expect(leftOut(s)).toBe(wideLeftOut + longLeftOut + agreed);
    expect(s.skipped['police force areas (E23): the geography holds no police areas']).toBeGreaterThan(0);
  }, 400_000); // the publication also derives spend per head and England and regional figures

  it("Kent's adult social care 2021-22 is £557.6m; Birmingham, with no return for 2022-23, has none", async () => {
    const [kent] = await one('mhclg-rsx.adult-social-care.net-current-expenditure', 'E10000016', '2021-04-01/P1Y');
    expect(Math.round(kent!.value! / 100) / 10).toBe(557.6);
    const [bham] = await one('mhclg-rsx.total.net-current-expenditure', 'E08000025', '2022-04-01/P1Y');
    expect(bham).toMatchObject({ value: null, status: ['x'] });
  });

  it("a council created since 2019 shows its predecessors' spend as theirs, never summed", async () => {
    // Buckinghamshire (2020) replaced the county council and four districts: the county's spend is only the county
    // council's part of the area's, and money is not added up, so there is no figure before 2020 (the series breaks).
    const bucks = await one('mhclg-rsx.total.net-current-expenditure', 'E06000060,E10000002', '2017-04-01/P1Y');
    expect(bucks.find((o) => o.area === 'E06000060')).toBeUndefined();
    expect(bucks.find((o) => o.area === 'E10000002')?.value).toBe(
      Number(rows(WIDE).find((r) => r.ons_code === 'E10000002' && r.financial_year === '2017-18')!.nce_totsx),
    );
    // East Suffolk (2019, Suffolk Coastal and Waveney merged): money is not added up, so there is no figure.
    const suffolk = await one('mhclg-rsx.total.net-current-expenditure', 'E07000244,E07000205', '2017-04-01/P1Y');
    expect(suffolk.find((o) => o.area === 'E07000244' && o.value !== null)).toBeUndefined();
    expect(suffolk.find((o) => o.area === 'E07000205')?.value).toBe(
      Number(rows(WIDE).find((r) => r.ons_code === 'E07000205' && r.financial_year === '2017-18')!.nce_totsx),
    );

    // The data query says why, and where the predecessors' own figures are.
    const res = await app.inject(
      '/api/v1/data.json?metric=mhclg-rsx.total.net-current-expenditure&area=E06000060&period=2017-04-01/P1Y',
    );
    expect(res.json().notes).toContainEqual(
      expect.stringMatching(
        /^mhclg-rsx\.total\.net-current-expenditure: Buckinghamshire \(E06000060\) began on 2020-04-01; a measure in currency is not added up .*Its predecessors' own figures for those periods are under their own codes, never added into Buckinghamshire's: E07000004 \(Aylesbury Vale\), E07000005 \(Chiltern\), E07000006 \(South Bucks\), E07000007 \(Wycombe\), E10000002 \(Buckinghamshire\)\.$/,
      ),
    );

    // The council page shows each predecessor's own spend, as in the file, and no total of them.
    const basket = await servicesFor(db).sector.loadBasket({
      id: 'sector-key',
      version: 'finance1',
      name: 'Finance',
      description: 'Total spend',
      baseline: '2016-04-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [{ metric: 'mhclg-rsx.total.net-current-expenditure', why: 'The scale of what the council spends' }],
    });
    expect(basket.state).toBe('loaded');
    const page = await app.inject('/areas/E06000060');
    expect(page.statusCode).toBe(200);
    const money = (v: number) => `£${v.toLocaleString('en-GB')} thousand`;
    const predecessors = ['E07000004', 'E07000005', 'E07000006', 'E07000007', 'E10000002'];
    const cells = (code: string) =>
      ['2016-17', '2017-18'].map((y) => {
        const v = Number(rows(WIDE).find((r) => r.ons_code === code && r.financial_year === y)!.nce_totsx);
        return `<td class="govuk-table__cell govuk-table__cell--numeric">${money(v)}${y === '2017-18' ? ' [p]' : ''}</td>`;
      });
    expect(page.body).toContain("the predecessors' own figures, before Buckinghamshire began</caption>");
    for (const code of predecessors) expect(page.body).toContain(`(${code})</th>${cells(code).join('')}`);
    const sum = predecessors.reduce(
      (t, code) => t + Number(rows(WIDE).find((r) => r.ons_code === code && r.financial_year === '2017-18')!.nce_totsx),
      0,
    );
    expect(page.body).not.toContain(money(sum));
  });

  it('revenue summary: reserves, grant, business rates and council tax requirement as in the file', async () => {
    const s = await runImport(db, { adapter: mhclgRevenueSummaryAdapter, files: [RS], publish: true });
    expect(s.errors).toEqual([]);
    expect(s.state).toBe('published');
    const got = await stored('mhclg-rs.');
    const LINE: Record<string, string> = {
      '805': 'net-revenue-expenditure',
      '851': 'revenue-support-grant',
      '870': 'retained-business-rates',
      '890': 'council-tax-requirement',
    };
    const RESERVE: Record<string, string> = {
      '911': 'schools',
      '914': 'public-health',
      '915': 'other-earmarked',
      '916': 'unallocated',
    };
    let checked = 0;
    let left = 0;
    for (const r of rows(RS)) {
      const line = r.rs_line!;
      const date = /at (1 April|31 March) \d{4}:/.exec(r.item!)?.[1];
      const metric = LINE[line]
        ? `mhclg-rs.${LINE[line]}`
        : RESERVE[line] && date
          ? `mhclg-rs.usable-reserves.${RESERVE[line]}.${date === '1 April' ? '1-april' : '31-march'}`
          : undefined;
      const code = codeOf(r);
      if (!metric || !fileable(code, r.financial_year!)) {
        left++;
        continue;
      }
      const o = got.get(`${metric}|${code}|${startOf(r.financial_year!)}`);
      expect(o?.value, `${metric} ${r.la_name} ${r.financial_year}`).toBe(num(r.value_gbp_thousands!));
      checked++;
    }
    expect(got.size).toBe(checked);
    expect(leftOut(s)).toBe(left);
    // Northamptonshire's unallocated reserves at 31 March 2018 (section 114 notice, February 2018): 0, provisional.
    const [northants] = await one('mhclg-rs.usable-reserves.unallocated.31-march', 'E10000021', '2017-04-01/P1Y');
    expect(northants).toMatchObject({ value: 0, status: ['p'] });
  });

  it('council tax: every Band D, bill, requirement and tax base as in the file; the England average 2023-24', async () => {
    const s = await runImport(db, { adapter: councilTaxAdapter, files: [CTR], publish: true });
    expect(s.errors).toEqual([]);
    expect(s.state).toBe('published');
    const got = await stored('mhclg-ctr.');
    const COLUMN: Record<string, string> = {
      band_d_own_incl_parish: 'band-d.own-incl-parish',
      band_d_own_excl_parish: 'band-d.own',
      band_d_area_total: 'band-d.area-total',
      council_tax_requirement_gbp: 'council-tax-requirement',
      taxbase_band_d_equiv: 'tax-base',
    };
    let checked = 0;
    let left = 0;
    const all = rows(CTR);
    for (const r of all) {
      if (!/^E\d{8}$/.test(r.ons_code!) || !fileable(r.ons_code!, r.financial_year!)) {
        left++;
        continue;
      }
      for (const [column, word] of Object.entries(COLUMN)) {
        if (column === 'band_d_area_total' && r.role !== 'billing') continue;
        const o = got.get(`mhclg-ctr.${word}|${r.ons_code}|${startOf(r.financial_year!)}`);
        expect(o?.value, `${word} ${r.authority} ${r.financial_year}`).toBe(num(r[column]!));
        checked++;
      }
    }
    expect(got.size).toBe(checked);
    expect(leftOut(s)).toBe(left);
    // The England average Band D: the council tax requirement over the tax base, from the file's England row.
    const england = all.find((r) => r.ons_code === 'E92000001' && r.financial_year === '2023-24')!;
    const average = Number(england.council_tax_requirement_gbp) / Number(england.taxbase_band_d_equiv);
    expect(Math.abs(average - 2065.06)).toBeLessThan(0.01);
    const [e] = await one('mhclg-ctr.band-d.own-incl-parish', 'E92000001', '2023-04-01/P1Y');
    expect(Math.abs(e!.value! - average)).toBeLessThan(0.01);
    // Kent County Council's own Band D 2023-24: £1,534 (to the pound).
    const [kent] = await one('mhclg-ctr.band-d.own', 'E10000016', '2023-04-01/P1Y');
    expect(Math.round(kent!.value!)).toBe(1534);
  });

  it('all or nothing: a corrupted copy is refused at its line, and nothing is written', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sli-finance-'));
    const before = await count();
    const corrupt = async (
      adapter: typeof councilTaxAdapter,
      source: string,
      name: string,
      edit: (lines: string[]) => number,
    ) => {
      const lines = readFileSync(source, 'utf8').split('\n');
      const line = edit(lines);
      const file = path.join(dir, name);
      writeFileSync(file, lines.join('\n'));
      const s = await runImport(db, { adapter, files: [file], publish: true });
      expect(s.state).toBe('rejected');
      expect(s.errors.map((e) => e.at.line)).toContain(line);
      expect(s.errors.every((e) => e.at.file.endsWith(name))).toBe(true);
      expect(await count()).toBe(before);
      return s;
    };
    // A Band D that is not a number, near the end of the file.
    await corrupt(councilTaxAdapter, CTR, 'ctr.csv', (lines) => {
      const i = lines.findIndex((l) => l.startsWith('2023-24,') && l.includes(',E10000016,'));
      const cells = lines[i]!.split(',');
      cells[6] = '15x4.00';
      lines[i] = cells.join(',');
      return i + 1;
    });
    // A reserves line dated outside its year.
    await corrupt(mhclgRevenueSummaryAdapter, RS, 'rs.csv', (lines) => {
      const i = lines.findIndex((l) => l.startsWith('2017-18,') && l.includes('Reserves at 31 March 2018'));
      lines[i] = lines[i]!.replace('31 March 2018', '31 March 2019');
      return i + 1;
    });
    // The long file disagreeing with the wide one: both lines are named.
    const wideLines = readFileSync(WIDE, 'utf8').split('\n');
    const kentWide = wideLines.findIndex((l) => l.startsWith('2021-22,E10000016,'));
    writeFileSync(path.join(dir, 'wide.csv'), [wideLines[0], wideLines[kentWide]].join('\n'));
    const longLines = readFileSync(LONG, 'utf8').split('\n');
    const kentLong = longLines.filter((l) => l.startsWith('2021-22,') && l.includes(',E10000016,'));
    const asc = kentLong.findIndex((l) => l.includes(',asc,') && l.includes(',net_current_expenditure,'));
    kentLong[asc] = kentLong[asc]!.replace(/,net_current_expenditure,(-?\d+),/, (_m, v: string) => {
      return `,net_current_expenditure,${Number(v) + 1},`;
    });
    writeFileSync(path.join(dir, 'long.csv'), [longLines[0], ...kentLong].join('\n'));
    const s = await runImport(db, {
      adapter: mhclgServiceSpendAdapter,
      files: [path.join(dir, 'long.csv'), path.join(dir, 'wide.csv')],
      publish: true,
    });
    expect(s.state).toBe('rejected');
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0]!.at).toMatchObject({ line: asc + 2 });
    expect(s.errors[0]!.message).toMatch(/differs from the wide file's \d+ \(.*wide\.csv:2\)/);
    expect(await count()).toBe(before);
  });
});

const sli = runSli;

describe('the finance imports on the command line', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
  });
  afterAll(async () => db.drop());

  it('sli import mhclg-service-spend, mhclg-revenue-summary and council-tax publish, saying what was left out', async () => {
    for (const [adapter, files, metrics] of [
      ['mhclg-service-spend', [WIDE, LONG], 98],
      ['mhclg-revenue-summary', [RS], 12],
      ['council-tax', [CTR], 5],
    ] as const) {
      const r = await sli(db, ['import', adapter, ...files, '--publish']);
      expect(r.status, `${adapter}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^Published import #\d+/m);
      expect(r.stdout).toContain('police force areas (E23)');
      expect(r.stdout).toContain(`metrics: ${metrics} new`);
    }
  }, 400_000); // the publication also derives spend per head and England and regional figures
});
