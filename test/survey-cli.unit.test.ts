import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import readExcelFile from 'read-excel-file/node';
import { runSliSync } from './helpers/cli.ts';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const POLLING = path.join(ROOT, 'examples', 'surveys', 'resident-polling.json');
const PERCEPTION = path.join(ROOT, 'examples', 'surveys', 'council-perception.json');

const sli = (args: string[]) => runSliSync(args);

/**
 * Test responses to the polling questionnaire: a sample skewed by age, sex and region; trust rises in the third wave.
 */
function pollingCsv(): string {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const lines = ['respondent_id,wave,age,sex,region,SAT,TRUST,INFORMED'];
  let id = 0;
  for (const [wave, trust] of [
    ['2026 Q1', 0.55],
    ['2026 Q2', 0.56],
    ['2026 Q3', 0.66],
  ] as const) {
    for (let i = 0; i < 600; i++) {
      const age = rand() < 0.2 ? '16-34' : rand() < 0.5 ? '35-54' : '55+';
      const sex = rand() < 0.6 ? 'female' : 'male';
      const region = rand() < 0.4 ? 'North' : rand() < 0.4 ? 'Midlands' : 'South';
      const t = rand() < trust ? (rand() < 0.3 ? '1' : '2') : rand() < 0.8 ? '3' : '4';
      lines.push(
        `p${id++},${wave},${age},${sex},${region},${1 + Math.floor(rand() * 5)},${t},${1 + Math.floor(rand() * 4)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('sli survey (offline analysis)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sli-survey-cli-'));
    writeFileSync(path.join(dir, 'polling.csv'), pollingCsv());
    writeFileSync(
      path.join(dir, 'targets.csv'),
      'variable,category,target\nage,16-34,0.28\nage,35-54,0.33\nage,55+,0.39\nsex,female,51%\nsex,male,49%\nregion,North,0.27\nregion,Midlands,0.20\nregion,South,0.53\n',
    );
  });

  it('import-definition summarises a valid definition and names the JSON path of each problem in a broken one', () => {
    const ok = sli(['survey', 'import-definition', '--check', PERCEPTION]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('council-perception version 1');
    expect(ok.stdout).toContain('4 with routing, 6 nets');
    // Stored in a database: once, then unchanged; a different content under the same version is refused.
    const db = ['--database-url', `sqlite:${path.join(dir, 'cli.sqlite')}`];
    expect(sli([...db, 'survey', 'import-definition', PERCEPTION]).stdout).toContain(
      'Stored council-perception version 1.',
    );
    expect(sli([...db, 'survey', 'import-definition', PERCEPTION]).stdout).toContain('already stored, unchanged');
    const changed = path.join(dir, 'changed.json');
    writeFileSync(
      changed,
      readFileSync(PERCEPTION, 'utf8').replace('"title": "Perceptions', '"title": "Changed perceptions'),
    );
    const refused = sli([...db, 'survey', 'import-definition', changed]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('already loaded with different content');
    const broken = path.join(dir, 'broken.json');
    writeFileSync(
      broken,
      JSON.stringify({
        code: 'b',
        pages: [
          {
            name: 'p',
            elements: [
              { type: 'radiogroup', name: 'Q1', choices: ['1', '2'], visibleIf: "{Q2} = '1'" },
              { type: 'radiogroup', name: 'Q2', choices: ['1', '2'], visibleIf: "{Q1} = '1'" },
            ],
          },
        ],
      }),
    );
    const bad = sli(['survey', 'import-definition', '--check', broken]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('$.pages[0].elements[0]: routing goes round in a circle: Q1 → Q2 → Q1');
  });

  it('weights each wave to the targets, then tabulates and follows a series on effective bases', async () => {
    const weighted = path.join(dir, 'weighted.csv');
    const w = sli([
      'survey',
      'weight',
      '--responses',
      path.join(dir, 'polling.csv'),
      '--targets',
      path.join(dir, 'targets.csv'),
      '--out',
      weighted,
    ]);
    expect(w.stderr).toMatch(
      /Wave 2026 Q1: 600 respondents, converged after \d+ passes .* efficiency \d+\.\d%, effective base \d+/,
    );
    expect(w.status).toBe(0);
    expect(readFileSync(weighted, 'utf8').split('\n')[0]).toBe(
      'respondent_id,wave,age,sex,region,SAT,TRUST,INFORMED,weight',
    );

    const unknown = sli([
      'survey',
      'tabulate',
      '--definition',
      POLLING,
      '--responses',
      weighted,
      '--by',
      'wave',
      '--weights',
      'weight',
      '--format',
      'json',
    ]);
    // age and sex (region, like authority_type and role, is a known respondent column)
    expect(JSON.parse(unknown.stdout).problemCounts).toEqual({ 'unknown-column': 2 });
    const t = sli([
      'survey',
      'tabulate',
      '--definition',
      POLLING,
      '--responses',
      weighted,
      '--by',
      'wave',
      '--weights',
      'weight',
      '--profile',
      'age,sex,region',
      '--format',
      'json',
    ]);
    expect(t.status).toBe(0);
    const tab = JSON.parse(t.stdout) as {
      columns: Array<{ key: string }>;
      problemCounts: Record<string, number>;
      tables: Array<{
        code: string;
        bases: Array<{ column: string; effectiveBase?: number; answered: number }>;
        comparisons: Array<{ row: string; test: string; significant: boolean; columns: string[] }>;
      }>;
    };
    expect(tab.problemCounts).toEqual({});
    const trust = tab.tables.find((x) => x.code === 'TRUST')!;
    expect(trust.bases[1]!.effectiveBase).toBeLessThan(trust.bases[1]!.answered);
    expect(new Set(trust.comparisons.map((c) => c.test))).toEqual(
      new Set(['two-proportion z-test on effective bases (Kish)']),
    );

    const s = sli([
      'survey',
      'series',
      '--definition',
      POLLING,
      '--responses',
      weighted,
      '--question',
      'TRUST',
      '--answer',
      'N_TRUST',
      '--weights',
      'weight',
      '--format',
      'csv',
    ]);
    expect(s.status).toBe(0);
    const lines = s.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'wave,asked,answered,effective_base,percent,display,against_first_wave,against_previous_wave',
    );
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain('no significant difference'); // Q2 against Q1: 55% to 56%
    // Q3 against Q1
    expect(lines[3]).toMatch(/higher \(p = [<0-9. ]+, two-proportion z-test on effective bases \(Kish\)\)/);

    const xlsx = path.join(dir, 'tables.xlsx');
    expect(
      sli([
        'survey',
        'tabulate',
        '--definition',
        POLLING,
        '--responses',
        weighted,
        '--by',
        'wave',
        '--weights',
        'weight',
        '--format',
        'xlsx',
        '--out',
        xlsx,
      ]).status,
    ).toBe(0);
    const sheets = await readExcelFile(readFileSync(xlsx));
    expect(sheets.map((x) => x.sheet)).toEqual(
      expect.arrayContaining(['Cover', 'Contents', 'Notes', 'SAT', 'TRUST', 'INFORMED']),
    );
    const trustSheet = sheets
      .find((x) => x.sheet === 'TRUST')!
      .data.map((r) => r.map((c) => (c === null ? '' : String(c))));
    expect(trustSheet.some((r) => r[0] === 'A great deal or a fair amount (net)')).toBe(true);
  });

  it('reports problems in a responses file by line and column, leaves them out and still writes the tables', () => {
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, 'respondent_id,SAT,TRUST,INFORMED,shoe_size\nr1,1,2,3,9\nr2,7,2,3,9\nr3,1,x,3,9\n');
    const r = sli(['survey', 'tabulate', '--definition', POLLING, '--responses', file, '--format', 'csv']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('column "shoe_size" is not a question');
    expect(r.stderr).toMatch(/bad\.csv:3, column SAT "7": "7" is not one of the answer codes of SAT/);
    expect(r.stderr).toMatch(/bad\.csv:4, column TRUST "x"/);
    expect(r.stdout.split('\n')[0]).toContain('table,title,row_code');
  });
});
