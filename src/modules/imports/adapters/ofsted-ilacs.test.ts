/**
 * `sli import ofsted-ilacs` on the real file (performance/ofsted/), checked against the file and LAIT's crosswalk
 * read here with csv-parse, not through the adapter: every council's five judgements as stored (the category's
 * position, its label through the catalogue), under the council its DfE LA number is filed under (never the file's
 * mixed-vintage ltla23cd), dated by the publication; bad input (an unknown judgement, an unknown LA code) refused at
 * file:line with the field and value, nothing written.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import { runImport } from '../service.ts';
import { ofstedIlacsAdapter } from './ofsted-ilacs.ts';

const ILACS = sharedFile('performance/ofsted/ofsted_ilacs_latest_judgement_by_la.csv');
const CROSSWALK = sharedFile('performance/dfe_lait/lait_la_number_to_gss_crosswalk.csv');
type Row = Record<string, string>;
const rows = (file: string) => parse(readFileSync(file), { columns: true, bom: true }) as Row[];

/** The file's columns and the metrics they become; the file's grade words and their labels, best first. */
const COLUMNS: Record<string, string> = {
  overall_effectiveness_grade: 'ofsted-ilacs.overall-effectiveness',
  impact_of_leaders_grade: 'ofsted-ilacs.impact-of-leaders',
  help_and_protection_grade: 'ofsted-ilacs.help-and-protection',
  in_care_grade: 'ofsted-ilacs.children-in-care',
  care_leavers_grade: 'ofsted-ilacs.care-leavers',
};
const LABELS: Record<string, string> = {
  outstanding: 'Outstanding',
  good: 'Good',
  'requires improvement': 'Requires improvement',
  inadequate: 'Inadequate',
};
/** dd/mm/yy to an ISO date (the file's publication dates). */
const iso = (d: string) => {
  const [dd, mm, yy] = d.split('/');
  return `${yy!.length === 2 ? `20${yy}` : yy}-${mm!.padStart(2, '0')}-${dd!.padStart(2, '0')}`;
};

describe('sli import ofsted-ilacs (Ofsted inspections of children’s services, categorical)', () => {
  let db: TestDb;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sli-ofsted-'));
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
  });
  afterAll(async () => db.drop());

  const count = async () =>
    Number(
      (
        await db.kysely
          .selectFrom('observations')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** A copy of the file with one cell changed, for the bad-input tests; returns its path and the line changed. */
  function corrupted(name: string, la: string, column: string, value: string): { file: string; line: number } {
    const text = readFileSync(ILACS, 'utf8');
    const records = parse(text, { columns: false }) as string[][];
    const header = records[0]!;
    const index = records.findIndex((r) => r[header.indexOf('la_code')] === la);
    records[index]![header.indexOf(column)] = value;
    const quote = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
    const file = path.join(dir, name);
    writeFileSync(file, records.map((r) => r.map(quote).join(',')).join('\n') + '\n');
    return { file, line: index + 1 };
  }

  it('refuses an unknown judgement at file:line with the field and value, and writes nothing', async () => {
    const { file, line } = corrupted('bad-grade.csv', '330', 'in_care_grade', 'Very good');
    const s = await runImport(db, { adapter: ofstedIlacsAdapter, files: [file, CROSSWALK], publish: true });
    expect(s.state).toBe('rejected');
    const e = s.errors.find((x) => x.field === 'in_care_grade')!;
    expect(e).toMatchObject({ at: { file: expect.stringContaining('bad-grade.csv'), line }, value: 'Very good' });
    expect(e.message).toMatch(/not an Ofsted judgement: expected Outstanding, Good, Requires improvement, Inadequate/);
    expect(await count()).toBe(0);
    const metrics = await db.kysely.selectFrom('metrics').select('code').execute();
    expect(metrics).toEqual([]);
  });

  it('refuses an unknown DfE LA code at file:line with the field and value, and writes nothing', async () => {
    const { file, line } = corrupted('bad-la.csv', '330', 'la_code', '999');
    const s = await runImport(db, { adapter: ofstedIlacsAdapter, files: [CROSSWALK, file], publish: true });
    expect(s.state).toBe('rejected');
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0]).toMatchObject({ at: { line }, field: 'la_code', value: '999' });
    expect(s.errors[0]!.message).toMatch(/DfE LA number "999" is not in lait_la_number_to_gss_crosswalk.csv/);
    expect(await count()).toBe(0);
  });

  it('stores every council’s five judgements as the file has them, joined on the DfE LA number', async () => {
    // Given the judgements file alone, the crosswalk is found where the shared data keeps it, and the summary says so.
    const s = await runImport(db, { adapter: ofstedIlacsAdapter, files: [ILACS], publish: true });
    expect(s.errors).toEqual([]);
    expect(s.state).toBe('published');
    expect(s.message).toMatch(/DfE LA numbers joined through .*lait_la_number_to_gss_crosswalk.csv/);
    expect(s.message).toMatch(/6 councils' ltla23cd in the file differs/);

    const areas = await db.kysely.selectFrom('areas').select(['id', 'code', 'valid_to']).execute();
    const byCode = new Map(areas.map((a) => [a.code, a]));
    const successions = await db.kysely
      .selectFrom('area_successions')
      .select(['predecessor_id', 'successor_id'])
      .execute();
    const codeOf = new Map(areas.map((a) => [a.id, a.code]));
    const crosswalk = new Map(rows(CROSSWALK).map((r) => [r.dfe_la_number!, r.gss_code!]));
    // The council a judgement belongs to: the crosswalk's code, or its one successor when the code had ended by then
    // (Sheffield, re-coded in 2025).
    const expectedArea = (la: string, date: string) => {
      const code = crosswalk.get(la)!;
      const a = byCode.get(code)!;
      if (!a.valid_to || date <= a.valid_to) return code;
      const next = successions.filter((x) => x.predecessor_id === a.id);
      expect(next).toHaveLength(1);
      return codeOf.get(next[0]!.successor_id)!;
    };

    const stored = await db.kysely
      .selectFrom('observations as o')
      .innerJoin('metrics as m', 'm.id', 'o.metric_id')
      .innerJoin('areas as a', 'a.id', 'o.area_id')
      .innerJoin('periods as p', 'p.id', 'o.period_id')
      .select(['m.code as metric', 'm.categories', 'a.code as area', 'p.iso', 'o.value', 'o.status'])
      .execute();
    const got = new Map(stored.map((r) => [`${r.metric}|${r.area}|${r.iso}`, r]));
    const file = rows(ILACS);
    expect(file).toHaveLength(153);
    let judged = 0;
    for (const r of file) {
      const date = iso(r.publication_date!);
      const area = expectedArea(r.la_code!, date);
      for (const [column, metric] of Object.entries(COLUMNS)) {
        const o = got.get(`${metric}|${area}|${date}/P1D`);
        expect(o, `${r.local_authority} ${column}`).toBeDefined();
        const grade = r[column]!.trim();
        if (grade === '') expect([o!.value, o!.status]).toEqual([null, 'x']);
        else if (grade === 'inspection_pre_dates_judgement') expect([o!.value, o!.status]).toEqual([null, 'z']);
        else {
          const labels = (JSON.parse(o!.categories!) as { label: string }[]).map((c) => c.label);
          expect(labels[o!.value! - 1], `${r.local_authority} ${column}`).toBe(LABELS[grade]);
          judged++;
        }
      }
    }
    expect(stored).toHaveLength(153 * 5);
    expect(judged).toBe(153 * 5 - 2 - 7); // two councils without an overall grade, seven before care leavers' own
  });

  it('files councils whose GSS code in the file is of another vintage under the code their DfE number has', async () => {
    const areaOf = async (metric: string, code: string) =>
      db.kysely
        .selectFrom('observations as o')
        .innerJoin('metrics as m', 'm.id', 'o.metric_id')
        .innerJoin('areas as a', 'a.id', 'o.area_id')
        .innerJoin('periods as p', 'p.id', 'o.period_id')
        .select(['a.code', 'p.iso', 'o.value'])
        .where('m.code', '=', metric)
        .where('a.code', '=', code)
        .execute();
    const overall = 'ofsted-ilacs.overall-effectiveness';
    // Cumberland (DfE 942) and Westmorland and Furness (943) are both E10000006 (Cumbria) in the file.
    expect(await areaOf(overall, 'E06000063')).toEqual([{ code: 'E06000063', iso: '2024-11-26/P1D', value: 2 }]);
    expect(await areaOf(overall, 'E06000064')).toEqual([{ code: 'E06000064', iso: '2024-07-12/P1D', value: 2 }]);
    expect(await areaOf(overall, 'E10000006')).toEqual([]);
    // Buckinghamshire (825) is E10000002 in the file: the unitary since 2020 holds the 2025 judgement.
    expect(await areaOf(overall, 'E06000060')).toEqual([{ code: 'E06000060', iso: '2025-05-14/P1D', value: 3 }]);
    expect(await areaOf(overall, 'E10000002')).toEqual([]);
    // North Yorkshire (815), E10000023 in the file, a unitary (E06000065) since April 2023.
    expect(await areaOf(overall, 'E06000065')).toEqual([{ code: 'E06000065', iso: '2023-08-18/P1D', value: 1 }]);
  });

  it('describes the judgements as categorical metrics with ordered labels in the catalogue', async () => {
    const m = await db.kysely
      .selectFrom('metrics')
      .select(['unit_type', 'polarity', 'categories', 'value_min', 'value_max', 'decimal_places'])
      .where('code', '=', 'ofsted-ilacs.overall-effectiveness')
      .executeTakeFirstOrThrow();
    expect(m).toMatchObject({ unit_type: 'category', polarity: 'lower-is-better', value_min: 1, value_max: 4 });
    expect(JSON.parse(m.categories!)).toEqual([
      { code: 'outstanding', label: 'Outstanding' },
      { code: 'good', label: 'Good' },
      { code: 'requires-improvement', label: 'Requires improvement' },
      { code: 'inadequate', label: 'Inadequate' },
    ]);
  });
});
