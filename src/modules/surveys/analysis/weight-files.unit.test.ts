import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.ts';
import { readTargets, weightResponses } from './weight-files.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sli-weight-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
function file(content: string | Buffer): string {
  const f = path.join(dir, `f${++counter}.csv`);
  writeFileSync(f, content);
  return f;
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).status).toBe(400);
    return e as AppError;
  }
  throw new Error('expected a refusal');
}

const TARGETS = 'variable,category,target\nsex,f,0.5\nsex,m,0.5\nage,young,40\nage,old,60\n';
const RESPONSES =
  'id,sex,age,q1\n1,f,young,yes\n2,f,young,no\n3,f,young,yes\n4,f,old,no\n5,f,old,yes\n6,m,young,no\n7,m,old,yes\n8,m,old,no\n';

describe('readTargets', () => {
  it('reads proportions and percentages, one form per variable, as proportions in file order', async () => {
    const t = await readTargets(file(TARGETS));
    expect(t.map((x) => x.variable)).toEqual(['sex', 'age']);
    expect(t[1]!.shares.get('old')).toBeCloseTo(0.6, 12);
  });

  it('accepts "%" marks and columns in another order', async () => {
    const t = await readTargets(file('target,variable,category\n45%,sex,f\n55%,sex,m\n'));
    expect(t[0]!.shares.get('m')).toBeCloseTo(0.55, 12);
  });

  it('names file, line, column and value for a non-numeric and a negative target, all at once', async () => {
    const f = file('variable,category,target\nsex,f,half\nsex,m,-0.5\n');
    const e = await refusal(readTargets(f));
    expect(e.errors).toEqual([
      {
        field: `${path.relative(process.cwd(), f)}:2`,
        message: 'column "target": "half" is not a number',
        value: 'half',
      },
      { field: `${path.relative(process.cwd(), f)}:3`, message: 'column "target": -0.5 is negative', value: '-0.5' },
    ]);
    expect(e.message).toContain(':2: column "target": "half" is not a number (and 1 more problem)');
  });

  it('refuses a category given twice, naming both lines', async () => {
    const e = await refusal(readTargets(file('variable,category,target\nsex,f,0.5\nsex,m,0.5\nsex,f,0.5\n')));
    expect(e.errors[0]!.field).toMatch(/:4$/);
    expect(e.errors[0]!.message).toContain('line 2');
  });

  it('refuses an unknown or missing header column', async () => {
    const e = await refusal(readTargets(file('variable,category,share\nsex,f,0.5\n')));
    expect(e.message).toContain('unknown column "share"');
    expect(e.message).toContain('missing "target"');
  });

  it('refuses targets that sum to neither 1 nor 100, naming the variable and its lines', async () => {
    const e = await refusal(
      readTargets(file('variable,category,target\nsex,f,0.5\nsex,m,0.5\nage,young,0.3\nage,old,0.3\n')),
    );
    expect(e.errors).toHaveLength(1);
    expect(e.errors[0]!.message).toContain('"age" (lines 4, 5) sum to 0.6');
  });

  it('refuses a variable mixing "%" and plain numbers', async () => {
    const e = await refusal(readTargets(file('variable,category,target\nsex,f,50%\nsex,m,50\n')));
    expect(e.errors[0]!.message).toContain('mix percentages');
  });

  it('refuses an empty, missing, UTF-16 or malformed file with its line', async () => {
    expect((await refusal(readTargets(file('')))).message).toContain('the file is empty');
    expect((await refusal(readTargets(path.join(dir, 'nope.csv')))).message).toContain('not found');
    expect((await refusal(readTargets(file(Buffer.from('\ufeffvariable', 'utf16le'))))).message).toContain('UTF-16');
    expect((await refusal(readTargets(file('variable,category,target\nsex,f\n')))).message).toMatch(
      /:2: malformed CSV/,
    );
    const latin1 = Buffer.concat([
      Buffer.from('variable,category,target\nregion,'),
      Buffer.from([0xe9]),
      Buffer.from(',1\n'),
    ]);
    expect((await refusal(readTargets(file(latin1)))).message).toMatch(/:2: the file is not valid UTF-8/);
  });
});

describe('weightResponses', () => {
  it('adds a weight column that meets the targets and summarises the raking', async () => {
    const r = await weightResponses(file(RESPONSES), file(TARGETS));
    expect(r.header).toEqual(['id', 'sex', 'age', 'q1', 'weight']);
    expect(r.rows).toHaveLength(8);
    const w = r.rows.map((row) => Number(row[4]));
    const female = w.slice(0, 5).reduce((a, b) => a + b, 0);
    expect(female / 8).toBeCloseTo(0.5, 5);
    expect(r.summary).toHaveLength(1);
    expect(r.summary[0]).toMatchObject({ wave: null, respondents: 8, converged: true });
    expect(r.summary[0]!.efficiency).toBeGreaterThan(0);
    expect(r.summary[0]!.efficiency).toBeLessThan(1);
    expect(r.problems).toEqual([]);
  });

  it('rakes each wave separately to the same targets, with a summary per wave', async () => {
    const body = RESPONSES.split('\n').slice(1).filter(Boolean);
    const waves = [
      'id,sex,age,q1,wave',
      ...body.map((l) => `${l},2024`),
      ...body.slice(0, 7).map((l) => `${l},2025`),
      '9,m,young,no,2025',
    ].join('\n');
    const r = await weightResponses(file(waves), file(TARGETS));
    expect(r.summary.map((s) => [s.wave, s.respondents])).toEqual([
      ['2024', 8],
      ['2025', 8],
    ]);
    for (const wave of ['2024', '2025']) {
      const rows = r.rows.filter((row) => row[4] === wave);
      const total = rows.reduce((a, row) => a + Number(row[5]), 0);
      expect(total).toBeCloseTo(rows.length, 4);
    }
  });

  it('refuses a file that already has a weight column unless asked to replace it', async () => {
    const withWeight = file('id,sex,age,weight\n1,f,young,1\n2,m,old,1\n3,f,old,1\n4,m,young,1\n');
    expect((await refusal(weightResponses(withWeight, file(TARGETS)))).message).toContain(
      'already has a "weight" column',
    );
    const r = await weightResponses(withWeight, file(TARGETS), { replace: true });
    expect(r.header).toEqual(['id', 'sex', 'age', 'weight']);
    expect(r.rows[0]![3]).not.toBe('1');
  });

  it('refuses a missing target-variable column, naming it', async () => {
    const e = await refusal(weightResponses(file('id,sex\n1,f\n2,m\n'), file(TARGETS)));
    expect(e.message).toContain('no column for the target variable "age"');
  });

  it('names file, line, column and value for empty values and values without a target', async () => {
    const f = file('id,sex,age\n1,f,young\n2,,old\n3,x,old\n4,m,young\n');
    const e = await refusal(weightResponses(f, file(TARGETS)));
    const name = path.relative(process.cwd(), f);
    expect(e.errors.map((x) => x.field)).toEqual([`${name}:3`, `${name}:4`]);
    expect(e.errors[0]!.message).toContain('column "sex" is empty');
    expect(e.errors[1]).toMatchObject({ value: 'x' });
    expect(e.errors[1]!.message).toContain('column "sex": "x" has no target');
  });

  it('refuses a wave in which a target category has no respondents, naming the wave and the targets line', async () => {
    const t = file(TARGETS);
    const e = await refusal(weightResponses(file('sex,age,wave\nf,young,1\nm,old,1\nf,young,2\nf,old,2\n'), t));
    expect(e.message).toContain('wave "2"');
    expect(e.errors[0]!.field).toBe(`${path.relative(process.cwd(), t)}:3`);
    expect(e.errors[0]!.message).toContain('no respondent is in "m"');
  });

  it('refuses an empty wave value and a file with no respondents', async () => {
    expect(
      (await refusal(weightResponses(file('sex,age,wave\nf,young,\nm,old,1\n'), file(TARGETS)))).message,
    ).toContain(':2: column "wave" is empty');
    expect((await refusal(weightResponses(file('sex,age\n'), file(TARGETS)))).message).toContain('no respondents');
  });

  it('reports a wave that did not converge as a warning, with its weights', async () => {
    const r = await weightResponses(file(RESPONSES), file(TARGETS), { maxIterations: 1, tolerance: 1e-15 });
    expect(r.summary[0]!.converged).toBe(false);
    expect(r.problems[0]!.message).toContain('did not converge');
    expect(r.rows.every((row) => Number(row[4]) > 0)).toBe(true);
  });
});
