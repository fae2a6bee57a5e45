/**
 * Bad and hostile input, each case a small file (or a real file mutated) run through the import as `sli import` runs
 * it: every case is refused with a file:line message, nothing is written, and none ends in a stack trace. A new case is
 * one more entry in CASES.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSli } from '../../../test/helpers/cli.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedFixtureAreas } from '../../../test/helpers/fixtures.ts';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import { importFiles } from './index.ts';

const sli = runSli;

const METRICS = `code,title,unit,unit_type,decimal_places,polarity,topic,period_type,applicable_area_types,publisher,licence,source_url,description,caveats
t.pct,Test percentage,%,percentage,1,higher-is-better,environment-housing,financial-year,E06 E08,Test,OGL-UK-3.0,,,
t.count,Test count,number,count,0,not-applicable,environment-housing,financial-year,E06 E08,Test,OGL-UK-3.0,,,
`;
const DATA_HEADER = 'metric,area,period,value,status,lci,uci,numerator,denominator';
/** A long-csv data file: the header, then these rows (line 2 onwards). */
const data = (...rows: string[]) => `${DATA_HEADER}\n${rows.join('\n')}\n`;
const GOOD = 't.pct,E06000001,2022/23,50,,,,5,10';
const DEFRA_HEADER = 'area_code,area_name,period,indicator,unit,value,source_commit';
const DEFRA_INDICATOR = '"Percentage of household waste sent for reuse, recycling or composting"';
const OFLOG_HEADER =
  'Financial year,Local authority code,Local authority name,Grouping,Entity_Name,Region,Measure,Code,Value,MEDIAN,MADs_from_median,rank_order';
const OFLOG_ROW = (year: string, measure = '"Outcome, ASC Carer Quality of Life"') =>
  `${year},E06000001,Hartlepool,LA_Raw,Unitary Authorities,North East,${measure},ASC1,7.6,7.6,0,desc`;
const withMetric = (title: string) => METRICS.replace('Test percentage', title);

interface Case {
  name: string;
  adapter: string;
  /** File name to content, in the order given to the adapter. */
  files: Record<string, string | Buffer>;
  /** The file and line the problem must name, and what its message (with field and value) must say. */
  at: { file: string; line: number };
  says: RegExp;
}

const longCsv = (name: string, dataFile: string | Buffer, at: number, says: RegExp, metrics = METRICS): Case => ({
  name,
  adapter: 'long-csv',
  files: { 'data.csv': dataFile, 'metrics.csv': metrics },
  at: { file: 'data.csv', line: at },
  says,
});
const metricsCase = (name: string, metrics: string, line: number, says: RegExp): Case => ({
  ...longCsv(name, data(GOOD), 0, says, metrics),
  at: { file: 'metrics.csv', line },
});

const CASES: Case[] = [
  longCsv('a period 9998/99 (long-csv)', data('t.pct,E06000001,9998/99,50,,,,5,10'), 2, /9998.*out of range/),
  {
    name: 'a period 9998/99 (defra-recycling)',
    adapter: 'defra-recycling',
    files: { 'defra.csv': `${DEFRA_HEADER}\nE06000001,Hartlepool,9998/99,${DEFRA_INDICATOR},percent,40,abc\n` },
    at: { file: 'defra.csv', line: 2 },
    says: /period "9998\/99".*not a financial year/,
  },
  {
    name: 'a period 9998-99 (oflog-asc)',
    adapter: 'oflog-asc',
    files: { 'oflog.csv': `${OFLOG_HEADER}\n${OFLOG_ROW('2016-17')}\n${OFLOG_ROW('9998-99')}\n` },
    at: { file: 'oflog.csv', line: 3 },
    says: /"9998-99" is not a financial year/,
  },
  {
    name: 'a bare quote inside an unquoted cell (oflog-asc)',
    adapter: 'oflog-asc',
    files: { 'oflog.csv': `${OFLOG_HEADER}\n${OFLOG_ROW('2016-17', 'Outcome "ASC" Carer')}\n` },
    at: { file: 'oflog.csv', line: 2 },
    says: /malformed CSV.*quote/,
  },
  longCsv(
    'a bare quote inside an unquoted cell (long-csv)',
    data(GOOD, 't.pct,E06000001,2023/24,5"0,,,,5,10'),
    3,
    /quote/,
  ),
  longCsv('a quote never closed', data(GOOD, 't.pct,E06000001,2023/24,"50,,,,5,10'), 3, /malformed CSV.*quote/),
  longCsv(
    'a duplicated column header ("value" twice)',
    `${DATA_HEADER},value\n${GOOD},60\n`,
    1,
    /column "value" appears twice in the header \(columns 4 and 10\)/,
  ),
  longCsv('a semicolon-separated file', data(GOOD).replaceAll(',', ';'), 1, /separated by semicolons, not commas/),
  longCsv('a tab-separated file', data(GOOD).replaceAll(',', '\t'), 1, /separated by tabs, not commas/),
  longCsv(
    'semicolons with a decimal comma on line 1,156 (told at the header)',
    data(...Array.from({ length: 1200 }, (_, i) => (i === 1154 ? GOOD.replace(',50,', ',12.5,') : GOOD)))
      .replaceAll(',', ';')
      .replace('12.5', '12,5'),
    1,
    /separated by semicolons/,
  ),
  longCsv('a NUL byte in a cell', Buffer.from(data(GOOD, 't.pct,E06000001,2023/24,5\u00000,,,,5,10')), 3, /NUL byte/),
  metricsCase(
    'a right-to-left override (U+202E) in a metric title',
    withMetric('Test \u202Eegatnecrep'),
    2,
    /U\+202E RIGHT-TO-LEFT OVERRIDE/,
  ),
  metricsCase('a left-to-right embedding (U+202A) in a metric title', withMetric('\u202ATest'), 2, /U\+202A/),
  metricsCase(
    'a right-to-left isolate (U+2067) in a metric title',
    withMetric('Test \u2067isolate\u2069'),
    2,
    /U\+2067/,
  ),
  metricsCase('a pop directional isolate (U+2069) in a metric title', withMetric('Test\u2069'), 2, /U\+2069/),
  longCsv('a percentage of 150', data(GOOD, 't.pct,E06000001,2023/24,150,,,,,'), 3, /value "150".*between 0 and 100/),
  longCsv('a negative percentage', data('t.pct,E06000001,2023/24,-0.5,,,,,'), 2, /between 0 and 100/),
  longCsv('a negative count', data('t.count,E06000001,2023/24,-3,,,,,'), 2, /value "-3".*at least 0/),
  longCsv(
    'a negative denominator',
    data('t.pct,E06000001,2023/24,50,,,,5,-10'),
    2,
    /denominator "-10".*cannot be negative/,
  ),
  longCsv('a negative numerator', data('t.pct,E06000001,2023/24,50,,,,-5,10'), 2, /numerator "-5".*cannot be negative/),
  longCsv('a value over a zero denominator', data(GOOD, 't.pct,E06000001,2023/24,50,,,,0,0'), 3, /zero denominator/),
  {
    name: 'two files for an adapter that takes one (defra-recycling)',
    adapter: 'defra-recycling',
    files: { 'a.csv': `${DEFRA_HEADER}\n`, 'b.csv': `${DEFRA_HEADER}\n` },
    at: { file: 'a.csv', line: 0 },
    says: /takes one file/,
  },
];

describe('imports refuse bad and hostile input with file:line and write nothing', () => {
  let db: TestDb;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDb();
    await seedFixtureAreas(db);
    dir = mkdtempSync(path.join(os.tmpdir(), 'sli-bad-input-'));
  });
  afterAll(async () => db.drop());

  const TABLES = ['observations', 'staged_observations', 'metrics', 'imports', 'periods', 'change_log'] as const;
  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        TABLES.map(async (t) => {
          const r = await db.kysely
            .selectFrom(t)
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow();
          return [t, Number(r.n)] as const;
        }),
      ),
    );
  /** Writes a case's files to a folder of its own; their paths, in order. */
  const write = (c: Case, n: number) => {
    const sub = mkdtempSync(path.join(dir, `case-${n}-`));
    return Object.entries(c.files).map(([name, content]) => {
      const p = path.join(sub, name);
      writeFileSync(p, content);
      return p;
    });
  };

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const before = await counts();
    const summary = await importFiles(db, c.adapter, write(c, i), { publish: true });
    expect(summary.state, summary.message).toBe('rejected');
    const lines = summary.errors.map(
      (e) =>
        `${path.basename(e.at.file)}:${e.at.line}: ${e.field ? `${e.field}${e.value !== undefined ? ` "${e.value}"` : ''}: ` : ''}${e.message}`,
    );
    expect(
      lines.some((l) => l.startsWith(`${c.at.file}:${c.at.line}: `) && c.says.test(l)),
      lines.join('\n'),
    ).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it('a right-to-left override in an area name (areas-vintages, the real files) is refused and no area is written', async () => {
    const files = [
      'geography/england_ltla_vintages_2019_2025.csv',
      'geography/ons_la_changes_2014_2025.csv',
      'geography/mysociety_uk_local_authorities.csv',
      'geography/ons_ltla14_lookup.csv',
    ].map((f) => {
      const to = path.join(dir, path.basename(f));
      copyFileSync(sharedFile(f), to);
      return to;
    });
    const text = readFileSync(files[0]!, 'utf8');
    const line = text.slice(0, text.indexOf(',Hartlepool,')).split('\n').length;
    writeFileSync(files[0]!, text.replace(',Hartlepool,', ',Hartle\u202Epool,'));
    const areasBefore = await db.kysely
      .selectFrom('areas')
      .select((e) => e.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const summary = await importFiles(db, 'areas-vintages', files, { publish: true });
    expect(summary.state).toBe('rejected');
    expect(summary.errors).toContainEqual(
      expect.objectContaining({
        at: expect.objectContaining({ line }),
        field: 'ltla_name',
        message: expect.stringMatching(/U\+202E RIGHT-TO-LEFT OVERRIDE/),
      }),
    );
    const areasAfter = await db.kysely
      .selectFrom('areas')
      .select((e) => e.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(areasAfter.n)).toBe(Number(areasBefore.n));
  });

  it('sli import prints file:line for the inputs that used to end in a stack trace, and exits 1', async () => {
    for (const [n, c] of CASES.entries()) {
      if (!/9998|bare quote inside an unquoted cell \(oflog|two files/.test(c.name)) continue;
      const r = await sli(db, ['import', c.adapter, ...write(c, 100 + n), '--publish']);
      expect(r.status, `${c.name}: ${r.stderr}`).toBe(1);
      expect(r.stderr, c.name).toMatch(new RegExp(`${c.at.file}:${c.at.line}: `));
      expect(r.stderr, c.name).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    }
  });
});
