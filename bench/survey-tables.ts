/**
 * Survey tables at scale (issue 5): 100,000 SYNTHETIC respondents × 50 questions over four waves, tabulated with wave
 * comparisons (each wave against the first and the previous, every answer and net). Target: under 2 seconds.
 * Reported separately: checking the responses against the definition and routing (building the column store) and
 * the whole command from a CSV file on disk (parse + check + tabulate).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  definitionFromJson,
  loadResponses,
  readResponsesCsv,
  tabulate,
  type SurveyDefinition,
} from '../src/modules/surveys/index.ts';
import { round, time } from './measure.ts';
import { prng, SYNTHETIC_LABEL } from './synthetic.ts';

const SCALE = ['1', '2', '3', '4', '5'];

/**
 * A 50-question definition: 30 five-point scales with two nets, 10 multiple choice (6 answers, one exclusive), 5 grids
 * of 3 rows, 5 numbers; every fifth question routed on an earlier scale.
 */
export function syntheticDefinition(): SurveyDefinition {
  const elements: unknown[] = [];
  for (let q = 1; q <= 50; q++) {
    const name = `Q${q}`;
    const visibleIf = q % 5 === 0 ? `{Q${q / 5}} != '5'` : undefined;
    const base = { name, title: `Synthetic question ${q}`, ...(visibleIf ? { visibleIf } : {}) };
    const nets = [
      { code: 'N_TOP', label: 'Top two', codes: ['1', '2'] },
      { code: 'N_BOTTOM', label: 'Bottom two', codes: ['4', '5'] },
    ];
    if (q <= 30 || q % 5 === 0) elements.push({ ...base, type: 'radiogroup', choices: SCALE, nets });
    else if (q <= 40)
      elements.push({ ...base, type: 'checkbox', choices: ['a', 'b', 'c', 'd', 'e'], showNoneItem: true });
    else if (q <= 45) elements.push({ ...base, type: 'matrix', columns: SCALE, rows: ['r1', 'r2', 'r3'], nets });
    else elements.push({ ...base, type: 'text', inputType: 'number', min: 0, max: 100 });
  }
  return definitionFromJson({
    code: 'synthetic-bench',
    version: 1,
    title: SYNTHETIC_LABEL,
    pages: [{ name: 'p', elements }],
  });
}

/** SYNTHETIC wide responses (header and rows of strings) consistent with the routing. */
export function syntheticResponses(
  def: SurveyDefinition,
  n: number,
  waves: number,
  seed: number,
): { header: string[]; rows: Array<{ line: number; cells: string[] }> } {
  const rand = prng(seed);
  const header = ['respondent_id', 'wave'];
  for (const q of def.questions) {
    if (q.kind === 'multiple') for (const c of q.choices) header.push(`${q.code}_${c.code}`);
    else if (q.kind === 'grid') for (const r of q.rows) header.push(`${q.code}_${r.code}`);
    else header.push(q.code);
  }
  const rows: Array<{ line: number; cells: string[] }> = [];
  for (let i = 0; i < n; i++) {
    const wave = Math.floor((i * waves) / n);
    const cells: string[] = [`r${i}`, `2025 Q${wave + 1}`];
    const single = new Map<string, string>();
    for (const q of def.questions) {
      const skip = q.visibleIf !== undefined && single.get(`Q${Number(q.code.slice(1)) / 5}`) === '5';
      const drop = rand() < 0.03; // some answers missing
      const pick = () => SCALE[Math.min(4, Math.floor(rand() * rand() * 5 + wave * 0.15 * rand()))]!;
      if (q.kind === 'multiple') {
        const none = rand() < 0.1;
        for (const c of q.choices)
          cells.push(skip || drop ? '' : c.exclusive ? (none ? '1' : '0') : none ? '0' : rand() < 0.35 ? '1' : '0');
      } else if (q.kind === 'grid') {
        for (let r = 0; r < q.rows.length; r++) cells.push(skip || drop ? '' : pick());
      } else if (q.kind === 'number') {
        cells.push(skip || drop ? '' : String(Math.floor(rand() * 100)));
      } else {
        const v = skip || drop ? '' : pick();
        single.set(q.code, v);
        cells.push(v);
      }
    }
    rows.push({ line: i + 2, cells });
  }
  return { header, rows };
}

export interface SurveyTablesBench {
  label: string;
  respondents: number;
  questions: number;
  waves: number;
  tables: number;
  comparisons: number;
  checkSeconds: number;
  tabulateSeconds: number;
  fromCsvSeconds: number;
  csvMegabytes: number;
}

export async function benchSurveyTables(n = 100_000, waves = 4, repeats = 3): Promise<SurveyTablesBench> {
  const def = syntheticDefinition();
  const { header, rows } = syntheticResponses(def, n, waves, 20261201);
  const checks: number[] = [];
  const tabs: number[] = [];
  let tables = 0,
    comparisons = 0;
  for (let r = 0; r < repeats; r++) {
    const [data, check] = await time(async () => loadResponses(def, header, rows, { source: 'synthetic', by: 'wave' }));
    const [tab, t] = await time(async () => tabulate(def, data, { by: 'wave' }));
    checks.push(check);
    tabs.push(t);
    tables = tab.tables.length;
    comparisons = tab.tables.reduce((s, x) => s + x.comparisons.length, 0);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'sli-bench-survey-'));
  const file = path.join(dir, 'responses.csv');
  const text = [header.join(','), ...rows.map((r) => r.cells.join(','))].join('\n');
  writeFileSync(file, text);
  const [, fromCsv] = await time(async () =>
    tabulate(def, await readResponsesCsv(def, file, { by: 'wave' }), { by: 'wave' }),
  );
  rmSync(dir, { recursive: true, force: true });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  return {
    label: SYNTHETIC_LABEL,
    respondents: n,
    questions: def.questions.length,
    waves,
    tables,
    comparisons,
    checkSeconds: round(median(checks), 3),
    tabulateSeconds: round(median(tabs), 3),
    fromCsvSeconds: round(fromCsv, 3),
    csvMegabytes: round(text.length / 1e6, 1),
  };
}
