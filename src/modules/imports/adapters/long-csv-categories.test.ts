import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { findAdapter, runImport } from '../index.ts';

const METRICS_HEADER =
  'code,title,unit,unit_type,decimal_places,polarity,topic,period_type,applicable_area_types,publisher,licence,source_url,description,caveats,categories';
const DATA_HEADER = 'metric,area,period,value,status,lci,uci,numerator,denominator';

/** A categorical measure through the long CSV into a real database, both dialects. The grades are SYNTHETIC. */
describe('long CSV: a categorical measure, published', () => {
  let db: TestDb;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'long-csv-cat-'));
  const file = (name: string, lines: string[]) => {
    const f = path.join(tmp, name);
    writeFileSync(f, `${lines.join('\n')}\n`);
    return f;
  };
  const metrics = file('metrics.csv', [
    METRICS_HEADER,
    't.grade,A synthetic grade,grade,category,0,lower-is-better,environment-housing,calendar-year,E06 E08,Synthetic,OGL-UK-3.0,,A SYNTHETIC grade.,SYNTHETIC test grades.,Good; Fair; Poor',
  ]);

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('stores each label as its position with the ordered labels in the catalogue', async () => {
    const data = file('data.csv', [
      DATA_HEADER,
      't.grade,E08000009,2023,fair,,,,,',
      't.grade,E06000001,2023, POOR ,,,,,',
    ]);
    const s = await runImport(db, { adapter: findAdapter('long-csv')!, files: [metrics, data], publish: true });
    expect(s.errors, s.message).toEqual([]);
    expect(s.state).toBe('published');
    const m = await db.kysely
      .selectFrom('metrics')
      .select(['unit_type', 'polarity', 'categories'])
      .where('code', '=', 't.grade')
      .executeTakeFirstOrThrow();
    expect(m.unit_type).toBe('category');
    expect(m.polarity).toBe('lower-is-better');
    expect((JSON.parse(m.categories!) as { label: string }[]).map((c) => c.label)).toEqual(['Good', 'Fair', 'Poor']);
    const stored = await db.kysely
      .selectFrom('observations as o')
      .innerJoin('metrics as m', 'm.id', 'o.metric_id')
      .innerJoin('areas as a', 'a.id', 'o.area_id')
      .select(['a.code as area', 'o.value'])
      .where('m.code', '=', 't.grade')
      .orderBy('a.code')
      .execute();
    expect(stored.map((r) => [r.area, Number(r.value)])).toEqual([
      ['E06000001', 3],
      ['E08000009', 2],
    ]);
  });

  it('refuses the whole file for a label not declared, naming file, line, field and value; nothing is written', async () => {
    const data = file('bad.csv', [
      DATA_HEADER,
      't.grade,E08000003,2023,Good,,,,,',
      't.grade,E08000009,2022,Excellent,,,,,',
    ]);
    const s = await runImport(db, { adapter: findAdapter('long-csv')!, files: [metrics, data], publish: true });
    expect(s.state).not.toBe('published');
    expect(s.errors.map((e) => `${path.basename(e.at.file)}:${e.at.line} ${e.field ?? ''}`)).toContain(
      'bad.csv:3 value',
    );
    expect(s.errors.find((e) => e.at.line === 3)).toMatchObject({ value: 'Excellent' });
    const manchester = await db.kysely
      .selectFrom('observations as o')
      .innerJoin('areas as a', 'a.id', 'o.area_id')
      .select('o.value')
      .where('a.code', '=', 'E08000003')
      .execute();
    expect(manchester).toEqual([]);
  });

  it('reads labels for a categorical metric already in the catalogue (no metrics file), whatever the case, spacing or Unicode form; refuses an unknown one', async () => {
    // The data file alone: t.grade is the catalogue's (published by the first test). Labels as a spreadsheet may leave
    // them: a no-break space, full-width letters, a zero-width space, a typographic hyphen.
    const data = file('catalogued.csv', [
      DATA_HEADER,
      't.grade,E08000003,2024,\u00a0GOOD ,,,,,',
      't.grade,E08000009,2024,\uff26\uff41\uff49\uff52,,,,,',
      't.grade,E06000001,2024,Po\u200bor,,,,,',
    ]);
    const s = await runImport(db, { adapter: findAdapter('long-csv')!, files: [data], publish: true });
    expect(s.errors, s.message).toEqual([]);
    expect(s.state, s.message).toBe('published');
    const stored = await db.kysely
      .selectFrom('observations as o')
      .innerJoin('metrics as m', 'm.id', 'o.metric_id')
      .innerJoin('areas as a', 'a.id', 'o.area_id')
      .innerJoin('periods as p', 'p.id', 'o.period_id')
      .select(['a.code as area', 'o.value'])
      .where('m.code', '=', 't.grade')
      .orderBy('a.code')
      .orderBy('p.iso')
      .execute();
    expect(stored.map((r) => `${r.area}=${Number(r.value)}`)).toEqual([
      'E06000001=3',
      'E06000001=3',
      'E08000003=1',
      'E08000009=2',
      'E08000009=2',
    ]);

    const bad = file('catalogued-bad.csv', [
      DATA_HEADER,
      't.grade,E08000003,2025,Fair,,,,,',
      't.grade,E08000009,2025,Excelent,,,,,',
    ]);
    const refused = await runImport(db, { adapter: findAdapter('long-csv')!, files: [bad], publish: true });
    expect(refused.state).not.toBe('published');
    expect(refused.errors.map((e) => `${path.basename(e.at.file)}:${e.at.line} ${e.field} ${e.value}`)).toEqual([
      'catalogued-bad.csv:3 value Excelent',
    ]);
    expect(refused.errors[0]!.message).toContain('"Good", "Fair", "Poor"');
  });
});
