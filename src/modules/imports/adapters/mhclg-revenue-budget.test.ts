/**
 * The RA budget importer on the two raw files as published (finance/ra_budget_raw/), checked against the files decoded
 * and parsed here with csv-parse, not through the adapter: every authority's and line's budgeted net current
 * expenditure, a few figures read off the files by hand, all or nothing with a corrupted copy, and the command on the
 * CLI.
 *
 * Spot checks (read off the files): Bath & North East Somerset (E06000022) street lighting (line 249) 2021-22 £1,591k
 * and library service (505) 2023-24 £2,654k; Birmingham (E08000025) waste collection (581) 2023-24 £27,854k; Adur
 * (E07000223) parking (260) 2023-24 -£283k (net income) and COVID-19 discharge costs (357) 2023-24 "Category
 * discontinued"; Kent (E10000016) net current expenditure (849) 2021-22 £2,031,362k.
 *
 * England and the regions: MHCLG's England row (2021-22) kept; where the file gives none, the sums the platform
 * computes (imports/derived) checked against sums over the file's council rows made here, the councils and their
 * regions read from the geography.
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
import { runImport } from '../service.ts';
import { mhclgRevenueBudgetAdapter, raLineCode } from './mhclg-revenue-budget.ts';

const RA21 = sharedFile('finance/ra_budget_raw/RA_2021-22_data_by_LA.csv');
const RA23 = sharedFile('finance/ra_budget_raw/RA_2023-24_data_Part_1.csv');

/** The test's own reading: UTF-8 when it is (2021-22), else Mac Roman (2023-24: 0xA3 £, 0xD0 –, 0xC9 …). */
function text(file: string): string {
  const bytes = readFileSync(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('macintosh').decode(bytes);
  }
}

interface RaTable {
  start: string;
  /** RA line number by column, for the lines up to 849. */
  lines: Map<number, number>;
  rows: string[][];
  /** MHCLG's ENGLAND row (no codes), where the file has one. */
  england: string[] | undefined;
}

function table(file: string): RaTable {
  const rows = parse(text(file), { relax_column_count: true }) as string[][];
  const h = rows.findIndex((r) => r[0] === 'E-code');
  const start = `${/\(RA\) (\d{4})-\d{2}/.exec(rows[0]![0]!)![1]}-04-01`;
  const lines = new Map<number, number>();
  rows[h - 1]!.forEach((c, i) => {
    if (i > 2 && /^\d+$/.test(c.trim()) && Number(c) <= 849) lines.set(i, Number(c));
  });
  const data = rows.slice(h + 1);
  return {
    start,
    lines,
    rows: data.filter((r) => /^E\d{8}$/.test(r[1] ?? '')),
    england: data.find((r) => r[0] === '' && r[1] === '' && r[2]?.trim() === 'ENGLAND'),
  };
}

describe('sli import mhclg-revenue-budget: the raw RA files', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
  });
  afterAll(async () => db.drop());

  const stored = async () => {
    const list = await db.kysely
      .selectFrom('observations as o')
      .innerJoin('metrics as m', 'm.id', 'o.metric_id')
      .innerJoin('areas as a', 'a.id', 'o.area_id')
      .innerJoin('periods as p', 'p.id', 'o.period_id')
      .innerJoin('imports as i', 'i.id', 'o.import_id')
      .select(['m.code as metric', 'a.code as area', 'p.start_date', 'o.value', 'o.status'])
      .where('m.code', 'like', 'mhclg-ra.%')
      .where('i.adapter', '=', 'mhclg-revenue-budget') // the file's own figures, not the England and regional sums
      .execute();
    return new Map(list.map((r) => [`${r.metric}|${r.area}|${r.start_date}`, { value: r.value, status: r.status }]));
  };
  const count = async () =>
    Number(
      (
        await db.kysely
          .selectFrom('observations')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('a corrupted copy (a letter in a number, in the 8-bit 2023-24 file) is refused at its file:line, and nothing is written', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sli-ra-'));
    // Edited byte for byte (latin1 maps each byte to one character and back), so the copy keeps the file's own
    // 8-bit encoding and is not UTF-8 either.
    const raw = readFileSync(RA23).toString('latin1');
    const sep = raw.includes('\r\n') ? '\r\n' : '\n';
    const lines = raw.split(sep);
    const i = lines.findIndex((l) => l.startsWith('E4601,E08000025,'));
    expect(i).toBeGreaterThan(10);
    lines[i] = lines[i]!.replace('"27,854"', '"27,8S4"');
    expect(lines[i]).toContain('27,8S4');
    const file = path.join(dir, 'ra.csv');
    writeFileSync(file, Buffer.from(lines.join(sep), 'latin1'));
    const before = await count();
    const s = await runImport(db, { adapter: mhclgRevenueBudgetAdapter, files: [file], publish: true });
    expect(s.state).toBe('rejected');
    expect(s.errors.map((e) => `${path.basename(e.at.file)}:${e.at.line}`)).toEqual([`ra.csv:${i + 1}`]);
    expect(s.errors[0]!.message).toContain('27,8S4');
    expect(await count()).toBe(before);
  });

  it('a file that is not an RA data-by-authority file is refused at line 1', async () => {
    const rs = sharedFile('finance/rs_revenue_summary_2015-16_to_2017-18_long.csv');
    const s = await runImport(db, { adapter: mhclgRevenueBudgetAdapter, files: [rs], publish: true });
    expect(s.state).toBe('rejected');
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0]!.at.line).toBe(1);
    expect(s.errors[0]!.message).toContain('E-code,ONS Code,Local authority');
  });

  it('every authority and RA line holds the file’s budgeted figure; what is left out is counted', async () => {
    const s = await runImport(db, { adapter: mhclgRevenueBudgetAdapter, files: [RA21, RA23], publish: true });
    expect(s.errors).toEqual([]);
    expect(s.state).toBe('published');
    const got = await stored();
    const held = new Map(
      (await db.kysely.selectFrom('areas').select(['code', 'valid_from']).execute()).map((a) => [a.code, a.valid_from]),
    );
    const at = (line: number, area: string, year: string) =>
      got.get(`mhclg-ra.line-${line}.net-current-expenditure|${area}|${year}-04-01`);
    let compared = 0;
    let authorities = 0;
    const [t21, t23] = [table(RA21), table(RA23)];
    // England: MHCLG's own total where the file gives one (2021-22), none made up where it does not (2023-24).
    expect(t21.england).toBeDefined();
    expect(t23.england).toBeUndefined();
    for (const t of [t21, t23]) {
      const metrics = new Set([...t.lines.values()]);
      expect(metrics.size).toBeGreaterThan(150);
      for (const r of [...t.rows, ...(t.england ? [['', 'E92000001', ...t.england.slice(2)]] : [])]) {
        const code = r[1]!;
        const from = held.get(code);
        if (from === undefined || code.startsWith('E12') || (from && from > `${Number(t.start.slice(0, 4)) + 1}-03-31`))
          continue;
        authorities++;
        for (const [col, line] of t.lines) {
          const o = got.get(`mhclg-ra.line-${line}.net-current-expenditure|${code}|${t.start}`);
          expect(o, `${code} line ${line} ${t.start}`).toBeDefined();
          const raw = (r[col] ?? '').trim();
          if (raw === 'Category discontinued') expect(o).toEqual({ value: null, status: 'z' });
          else if (raw === '' || raw === '...' || raw === '…') expect(o).toEqual({ value: null, status: 'x' });
          else
            expect(o, `${code} line ${line} ${t.start}`).toEqual({
              value: Number(raw.replace(/,/g, '')) + 0,
              status: '',
            });
          compared++;
        }
      }
    }
    expect(authorities).toBeGreaterThan(700);
    expect(at(849, 'E92000001', '2021')?.value).toBe(
      Number(t21.england![[...t21.lines].find(([, l]) => l === 849)![0]]!.replace(/,/g, '')),
    );
    expect([...got.keys()].filter((k) => k.includes('|E92000001|2023') || k.includes('|E12'))).toEqual([]);
    expect(got.size).toBe(compared);
    expect(s.skipped['police force areas (E23): the geography holds no police areas']).toBeGreaterThan(0);
    expect(Object.keys(s.skipped).some((k) => k.startsWith('a row with neither E-code nor ONS code'))).toBe(true);

    expect(at(249, 'E06000022', '2021')).toEqual({ value: 1591, status: '' });
    expect(at(505, 'E06000022', '2023')).toEqual({ value: 2654, status: '' });
    expect(at(581, 'E08000025', '2023')).toEqual({ value: 27854, status: '' });
    expect(at(260, 'E07000223', '2023')).toEqual({ value: -283, status: '' });
    expect(at(357, 'E07000223', '2023')).toEqual({ value: null, status: 'z' });
    expect(at(849, 'E10000016', '2021')).toEqual({ value: 2031362, status: '' });
    const title = await db.kysely
      .selectFrom('metrics')
      .select(['title', 'unit', 'multiplier', 'statistics_status'])
      .where('code', '=', 'mhclg-ra.line-581.net-current-expenditure')
      .executeTakeFirstOrThrow();
    expect(title).toMatchObject({ unit: '£ thousand', statistics_status: 'official' });
    expect(Number(title.multiplier)).toBe(1000);
    expect(title.title).toContain('Waste collection');
  });
});

describe('England and regional RA figures where MHCLG gives none: summed from every council in the file', () => {
  let db: TestDb;
  let app: App;
  const [t21, t23] = [table(RA21), table(RA23)];
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const s = await runImport(db, { adapter: mhclgRevenueBudgetAdapter, files: [RA21, RA23], publish: true });
    expect(s.state, s.message).toBe('published');
    expect(s.message).toMatch(/Derived figures recomputed/);
    app = await createTestApp(db);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  /** The figure of a line, area and year through the API, as anyone reads it. */
  const one = async (line: number, area: string, t: RaTable) => {
    const res = await app.inject(`/api/v1/data.json?metric=${raLineCode(line)}&area=${area}&period=${t.start}/P1Y`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().observations as { area: string; value: number | null; note: string | null }[]).find(
      (o) => o.area === area,
    );
  };
  /** A council's figure in the file (null for "...", blank or "Category discontinued"). */
  const inFile = (t: RaTable, code: string, line: number): number | null => {
    const col = [...t.lines].find(([, l]) => l === line)![0];
    const raw = (t.rows.find((r) => r[1] === code)?.[col] ?? '').trim().replace(/,/g, '');
    return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : null;
  };
  /**
   * The councils (unitaries, districts, counties, metropolitan districts, London boroughs) live at the year's end, with
   * their region then: from the geography.
   */
  const councilsAt = async (t: RaTable) => {
    const end = `${Number(t.start.slice(0, 4)) + 1}-03-31`;
    const live = (x: { valid_from: string | null; valid_to: string | null }) =>
      (!x.valid_from || x.valid_from <= end) && (!x.valid_to || x.valid_to >= end);
    const areas = await db.kysely
      .selectFrom('areas')
      .select(['id', 'code', 'valid_from', 'valid_to'])
      .where('type', 'in', ['E06', 'E07', 'E08', 'E09', 'E10'])
      .execute();
    const links = await db.kysely
      .selectFrom('area_parents as ap')
      .innerJoin('areas as r', 'r.id', 'ap.parent_id')
      .select(['ap.area_id', 'r.code', 'r.name', 'ap.valid_from', 'ap.valid_to'])
      .where('ap.relation', '=', 'region')
      .execute();
    return areas.filter(live).map((a) => {
      const r = links.find((l) => Number(l.area_id) === Number(a.id) && live(l))!;
      return { code: a.code, region: r.code, regionName: r.name };
    });
  };

  it('England 2021-22 stays MHCLG’s own total on every line; no England 2023-24, as councils sent no return', async () => {
    for (const line of new Set(t21.lines.values())) {
      const col = [...t21.lines].find(([, l]) => l === line)![0];
      const e = await one(line, 'E92000001', t21);
      expect(e?.value, `line ${line}`).toBe(Number(t21.england![col]!.replace(/,/g, '')));
      expect(e!.note).toMatch(/^MHCLG's England total/);
    }
    // 2023-24: the councils with no figure in the file are those MHCLG marks M (return not received): no England total.
    const councils = await councilsAt(t23);
    const without = councils.filter((c) => inFile(t23, c.code, 849) === null).map((c) => c.code);
    const marked = t23.rows.filter((r) => r[5]?.trim() === 'M').map((r) => r[1]!);
    expect(without.length).toBeGreaterThan(0);
    expect(without.sort()).toEqual(marked.filter((c) => councils.some((x) => x.code === c)).sort());
    for (const line of [849, 505, 581]) expect(await one(line, 'E92000001', t23), `line ${line}`).toBeUndefined();
  });

  it('each region’s net current expenditure and library spend is the sum of its councils’ in the file, and says so', async () => {
    let regions = 0;
    for (const t of [t21, t23]) {
      const councils = await councilsAt(t);
      const byRegion = new Map<string, typeof councils>();
      for (const c of councils) byRegion.set(c.region, [...(byRegion.get(c.region) ?? []), c]);
      expect(byRegion.size).toBe(9);
      for (const [region, members] of byRegion) {
        const name = members[0]!.regionName;
        for (const line of [849, 505]) {
          const values = members.map((c) => inFile(t, c.code, line));
          const got = await one(line, region, t);
          if (values.some((v) => v === null)) {
            // A council without a figure: no total for line 849, which every tier holds.
            if (line === 849) expect(got, `${name} ${t.start}`).toBeUndefined();
            continue;
          }
          expect(got?.value, `${name} ${line} ${t.start}`).toBe(values.reduce((s, v) => s! + v!, 0));
          expect(got!.note).toMatch(
            new RegExp(`^Computed by this platform, not published: ${name} aggregate: sum over all \\d+ councils`),
          );
          if (line === 849) {
            expect(got!.note).toContain(`sum over all ${members.length} councils`);
            regions++;
          }
        }
      }
    }
    // North East, Yorkshire and the Humber, East Midlands, East, London, South West in 2021-22; four in 2023-24.
    expect(regions).toBeGreaterThanOrEqual(8);
  });

  it('police and fire lines are not summed: most of that spending is by bodies not held', async () => {
    for (const t of [t21, t23])
      for (const region of ['E12000001', 'E12000002', 'E12000007', 'E12000009'])
        for (const line of [601, 602]) expect(await one(line, region, t), `${region} ${line}`).toBeUndefined();
    const m = (await app.inject(`/api/v1/metrics/${raLineCode(602)}`)).json();
    expect(m.caveats).toContain('no England or regional figure is computed for this line');
  });

  it('the metric page shows a computed regional figure with its method, and England 2023-24 only as a median', async () => {
    const page = await app.inject(`/metrics/${raLineCode(849)}?period=${t23.start}/P1Y`);
    expect(page.statusCode).toBe(200);
    const ne = await one(849, 'E12000001', t23);
    expect(ne!.note).toMatch(/^Computed by this platform/);
    const shown = ne!.value!.toLocaleString('en-GB');
    expect(page.body).toMatch(
      new RegExp(
        `<th scope="row" class="govuk-table__header">North East</th><td[^>]*>[^<]*${shown}[^<]*</td><td[^>]*>Computed by this platform, not published: North East aggregate: sum over all \\d+ councils`,
      ),
    );
    expect(page.body).toContain('Median of councils (not an England figure)');
    // Why none: a budget is an amount, not a rate, so the reason says so.
    expect(page.body).toContain('no England figure is published (the publisher gives no figure for the area and none');
    expect(page.body).not.toContain('rates have no numerators');
    expect(page.body).not.toContain('England (computed from councils)');
    const page21 = await app.inject(`/metrics/${raLineCode(849)}?period=${t21.start}/P1Y`);
    expect(page21.body).toMatch(/>England: <strong>/);
  });
});

describe('mhclg-revenue-budget on the command line', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
  });
  afterAll(async () => db.drop());

  it('sli import mhclg-revenue-budget publishes both files, saying what was left out', async () => {
    const r = await runSli(db, ['import', 'mhclg-revenue-budget', RA21, RA23, '--publish']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Published import #\d+/m);
    expect(r.stdout).toContain('police force areas (E23)');
    expect(r.stdout).toMatch(/metrics: \d+ new/);
  });
});
