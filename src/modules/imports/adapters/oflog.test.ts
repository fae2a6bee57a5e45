/**
 * `sli import oflog` on the real Oflog waste download (performance/oflog_waste/), checked against the file read here
 * with csv-parse, not through the adapter: every contamination-rate and residual-waste figure for the areas the
 * geography holds, the rows it cannot hold and the recycling-rate rows counted as left out; a synthetic download in
 * the same format with measures the platform does not know (generic definitions); a corrupted copy refused at its
 * lines with nothing written; the command line once.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSli } from '../../../../test/helpers/cli.ts';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import { runImport } from '../service.ts';
import { oflogAdapter } from './oflog.ts';

const WASTE = sharedFile('performance/oflog_waste/oflog_waste_measures_2015-16_to_2022-23.csv');

type Row = Record<string, string>;
const rows = (file: string) => parse(readFileSync(file), { columns: true, bom: true }) as Row[];
const startOf = (year: string) => `${year.slice(0, 4)}-04-01`;
const endOf = (year: string) => `${Number(year.slice(0, 4)) + 1}-03-31`;

/** The two waste measures this platform takes from the explorer, by their Measure text. */
const MEASURES: Record<string, string> = {
  'Recycling contamination rate': 'oflog.waste.contamination-rate',
  'Residual household waste': 'oflog.waste.residual-household-waste-per-household',
};
const RECYCLING = 'Household waste recycling rate';

describe('sli import oflog (Oflog Local Authority Data Explorer downloads)', () => {
  let db: TestDb;
  let held: Map<string, { validFrom: string | null; validTo: string | null }>;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sli-oflog-'));

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    held = new Map(
      (await db.kysely.selectFrom('areas').select(['code', 'valid_from', 'valid_to']).execute()).map((a) => [
        a.code,
        { validFrom: a.valid_from, validTo: a.valid_to },
      ]),
    );
  });
  afterAll(async () => db.drop());

  /** Whether the geography can hold a row's figure under its code in its year. */
  const fileable = (code: string, year: string) => {
    const a = held.get(code);
    return !!a && !(a.validFrom && endOf(year) < a.validFrom) && !(a.validTo && startOf(year) > a.validTo);
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
  async function stored(prefix: string) {
    const list = await db.kysely
      .selectFrom('observations as o')
      .innerJoin('metrics as m', 'm.id', 'o.metric_id')
      .innerJoin('areas as a', 'a.id', 'o.area_id')
      .innerJoin('periods as p', 'p.id', 'o.period_id')
      .select(['m.code as metric', 'a.code as area', 'p.start_date', 'o.value', 'o.status'])
      .where('m.code', 'like', `${prefix}%`)
      .execute();
    return new Map(list.map((r) => [`${r.metric}|${r.area}|${r.start_date}`, { value: r.value, status: r.status }]));
  }
  const metric = (code: string) =>
    db.kysely.selectFrom('metrics').selectAll().where('code', '=', code).executeTakeFirstOrThrow();

  it('the waste download: every contamination-rate and residual-waste figure the geography can hold, the rest and the recycling rate counted', async () => {
    const file = rows(WASTE);
    const s = await runImport(db, { adapter: oflogAdapter, files: [WASTE], publish: true });
    expect(s.errors).toEqual([]);
    expect(s.state).toBe('published');
    expect(s.metrics.created).toBe(2);
    expect(s.notices).toEqual([]);
    const got = await stored('oflog.waste.');

    let compared = 0;
    let cannotHold = 0;
    let recycling = 0;
    for (const r of file) {
      if (r.Measure === RECYCLING) {
        recycling++;
        continue;
      }
      const code = MEASURES[r.Measure!];
      expect(code, r.Measure).toBeDefined();
      if (!fileable(r.AreaCode!, r.Year!)) {
        cannotHold++;
        continue;
      }
      const o = got.get(`${code}|${r.AreaCode}|${startOf(r.Year!)}`);
      expect(o, `${r.Measure} ${r.AreaCode} ${r.Year}`).toBeDefined();
      if (r.Value === '-') {
        expect(o!.value).toBeNull();
        expect(o!.status).toBe('x');
      } else expect(o!.value).toBeCloseTo(Number(r.Value), 6);
      compared++;
    }
    expect(got.size).toBe(compared);
    expect(compared).toBeGreaterThan(5000);
    expect(recycling).toBeGreaterThan(0);
    const reasons = Object.entries(s.skipped);
    const recyclingCount = reasons.filter(([k]) => k.includes('recycling rate')).reduce((a, [, n]) => a + n, 0);
    expect(recyclingCount).toBe(recycling);
    expect(reasons.filter(([k]) => k.includes('defra.household-recycling-rate')).length).toBe(1);
    const others = reasons.filter(([k]) => !k.includes('recycling rate')).reduce((a, [, n]) => a + n, 0);
    expect(others).toBe(cannotHold);

    const contamination = await metric('oflog.waste.contamination-rate');
    expect(contamination.unit_type).toBe('percentage');
    expect(contamination.polarity).toBe('lower-is-better');
    expect(JSON.parse(contamination.applicable_area_types)).toEqual(['E06', 'E07', 'E08', 'E09']);
    const residual = await metric('oflog.waste.residual-household-waste-per-household');
    expect(residual.unit).toBe('kg per household');
    expect(residual.polarity).toBe('lower-is-better');
  });

  it('another explorer download, with measures the platform does not know, imports with generic definitions', async () => {
    const file = path.join(dir, 'asc.csv');
    const header = 'Year,AreaCode,AreaName,AreaType,Region,Measure,Value,Units,Date source data accessed';
    const care = 'Proportion of people who use services who have control over their daily life';
    const roads = 'Spend on highways per head';
    writeFileSync(
      file,
      [
        header,
        `2021/22,E06000001,Hartlepool,Unitary Authorities,North East,${care},78.5,%,2024-04-03`,
        `2022-23,E06000001,Hartlepool,Unitary Authorities,North East,${care},-,%,2024-04-03`,
        `2022-23,E10000003,Cambridgeshire,Counties,East of England,${care},80.1,%,2024-04-03`,
        `2022-23,E10000003,Cambridgeshire,Counties,East of England,${roads},"1,234.5",£ per head,2024-04-03`,
        `2022-23,E92000001,England,England,England,${care},77.0,%,2024-04-03`,
      ].join('\n') + '\n',
    );
    const s = await runImport(db, { adapter: oflogAdapter, files: [file], publish: true });
    expect(s.errors).toEqual([]);
    expect(s.state).toBe('published');
    expect(s.metrics.created).toBe(2);
    const careCode = 'oflog.explorer.proportion-of-people-who-use-services-who-have-control-over-their-daily-life';
    expect(s.notices.join(' ')).toContain(care);
    expect(s.notices.join(' ')).toContain(roads);
    expect(s.message).toContain('defined generically');
    const m = await metric(careCode);
    expect(m.unit_type).toBe('percentage');
    expect(m.unit).toBe('%');
    expect(m.polarity).toBe('not-applicable');
    expect(m.topic_id).toBe('community-wellbeing');
    expect(JSON.parse(m.applicable_area_types)).toEqual(['E06', 'E10']);
    expect((await metric('oflog.explorer.spend-on-highways-per-head')).unit_type).toBe('currency-per-head');
    const got = await stored('oflog.explorer.');
    expect(got.get(`${careCode}|E06000001|2021-04-01`)?.value).toBe(78.5);
    expect(got.get(`${careCode}|E06000001|2022-04-01`)?.value).toBeNull();
    expect(got.get(`${careCode}|E10000003|2022-04-01`)?.value).toBe(80.1);
    expect(got.get(`oflog.explorer.spend-on-highways-per-head|E10000003|2022-04-01`)?.value).toBe(1234.5);
    expect(got.size).toBe(4);
    expect(Object.values(s.skipped)).toEqual([1]); // England's row
  });

  it('a corrupted copy (a bad year, a bad value) is refused at its lines, and nothing is written', async () => {
    const before = await count();
    const lines = readFileSync(WASTE, 'utf8').split('\n');
    const year = lines.findIndex((l, i) => i > 100 && l.includes(',Recycling contamination rate,'));
    const value = lines.findIndex((l, i) => i > 5000 && l.includes(',Residual household waste,') && !l.includes(',-,'));
    lines[year] = lines[year]!.replace(/^\d{4}-\d{2},/, '2021-23,');
    lines[value] = lines[value]!.replace(/,Residual household waste,[^,]+,/, ',Residual household waste,4O2.1,');
    const file = path.join(dir, 'waste.csv');
    writeFileSync(file, lines.join('\n'));
    const s = await runImport(db, { adapter: oflogAdapter, files: [file], publish: true });
    expect(s.state).toBe('rejected');
    expect(s.errors.map((e) => [e.at.line, e.field])).toEqual([
      [year + 1, 'Year'],
      [value + 1, 'Value'],
    ]);
    expect(s.errors.every((e) => e.at.file.endsWith('waste.csv'))).toBe(true);
    expect(await count()).toBe(before);
  });

  it('on the command line: sli import oflog publishes a revised download and says what was left out', async () => {
    // One residual-waste figure revised, so the import has something to publish.
    const lines = readFileSync(WASTE, 'utf8').split('\n');
    const i = lines.findIndex(
      (l) => l.startsWith('2022-23,') && l.includes(',Residual household waste,') && !l.includes(',-,'),
    );
    lines[i] = lines[i]!.replace(/,Residual household waste,[^,]+,/, ',Residual household waste,999.9,');
    const file = path.join(dir, 'revised.csv');
    writeFileSync(file, lines.join('\n'));
    const r = await runSli(db, ['import', 'oflog', file, '--publish']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Published import #\d+/m);
    expect(r.stdout).toContain('1 changed');
    expect(r.stdout).toContain('defra.household-recycling-rate');
    const area = lines[i]!.split(',')[1]!;
    expect(
      (await stored('oflog.waste.residual')).get(
        `oflog.waste.residual-household-waste-per-household|${area}|2022-04-01`,
      )?.value,
    ).toBe(999.9);
  });
});
