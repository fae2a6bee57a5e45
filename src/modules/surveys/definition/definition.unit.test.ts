import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { AppError } from '../../../platform/errors.ts';
import {
  definitionFromJson,
  evaluate,
  isAsked,
  parseExpression,
  pipeText,
  readDefinitionFile,
  toSurveyJs,
  type SurveyDefinition,
} from './index.ts';

/** The definition without where each question came from (which differs between files). */
const withoutOrigins = (d: SurveyDefinition) => ({ ...d, questions: d.questions.map(({ origin: _o, ...q }) => q) });

const EXAMPLE = path.resolve(import.meta.dirname, '../../../../examples/surveys/council-perception.json');

function problemsOf(fn: () => unknown): Array<{ field: string; message: string }> {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e.errors;
    throw e;
  }
  throw new Error('expected the definition to be rejected');
}

const survey = (elements: unknown[]) => ({ code: 's', version: 1, pages: [{ name: 'p', elements }] });
const radio = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'radiogroup',
  name,
  title: name,
  choices: ['1', '2', '3'],
  ...extra,
});

describe('condition language', () => {
  it('reads SurveyJS and XLSForm syntax into the same meaning', () => {
    const a = { Q1: '2', Q2: ['x', 'y'], Q5: { a: '1' } };
    expect(evaluate(parseExpression("{Q1} = '2' and {Q2} contains 'x'"), a)).toBe(true);
    expect(evaluate(parseExpression("${Q1} = '2' and selected(${Q2}, 'x')"), a)).toBe(true);
    expect(evaluate(parseExpression("not(selected(${Q2}, 'z'))"), a)).toBe(true);
    expect(evaluate(parseExpression("{Q2} anyof ['z', 'y']"), a)).toBe(true);
    expect(evaluate(parseExpression("{Q2} allof ['x', 'z']"), a)).toBe(false);
    expect(evaluate(parseExpression('{Q5.a} = 1'), a)).toBe(true);
    expect(evaluate(parseExpression('{Q1} > 1 and {Q1} <= 2'), a)).toBe(true);
    expect(evaluate(parseExpression('{Q9} empty'), a)).toBe(true);
  });

  it('keeps those who gave no answer when the condition excludes one answer', () => {
    const notHeardNothing = parseExpression("{Q2} != 'heard_nothing'");
    expect(evaluate(notHeardNothing, {})).toBe(true);
    expect(evaluate(notHeardNothing, { Q2: 'heard_nothing' })).toBe(false);
    expect(evaluate(parseExpression("${Q2} != ''"), {})).toBe(false);
    expect(evaluate(parseExpression("${Q2} != ''"), { Q2: '1' })).toBe(true);
  });

  it('says where a condition is malformed', () => {
    expect(() => parseExpression("{Q1} = 'a")).toThrow(/not closed/);
    expect(() => parseExpression('{Q1} = 1 banana')).toThrow(/unknown word "banana"/);
    expect(() => parseExpression('({Q1} = 1')).toThrow(/expected "\)"/);
  });
});

describe('SurveyJS definitions', () => {
  it('reads the example questionnaire: kinds, exclusive none, grid, nets, routing and piping', async () => {
    const def = await readDefinitionFile(EXAMPLE);
    expect(def.code).toBe('council-perception');
    expect(def.questions.map((q) => `${q.code}:${q.kind}`)).toEqual([
      'Q1:single',
      'Q2:multiple',
      'Q3:single',
      'Q4:text',
      'Q5:grid',
      'Q6:number',
      'Q7:dropdown',
    ]);
    const q2 = def.questions[1]!;
    expect(q2.choices.at(-1)).toEqual({ code: 'none', label: 'None of these', exclusive: true });
    expect(def.questions[4]!.rows.map((r) => r.code)).toEqual(['a', 'b', 'c']);
    expect(def.questions[0]!.nets[0]).toEqual({
      code: 'N_KNOW',
      label: 'Know a great deal or a fair amount',
      codes: ['1', '2'],
    });
    expect(isAsked(q2, { Q1: '5' })).toBe(false);
    expect(isAsked(q2, { Q1: '1' })).toBe(true);
    expect(pipeText(def, def.questions[3]!.text, { Q3: '2' })).toBe(
      'Please explain why you are fairly satisfied with the support.',
    );
  });

  it('rejects unknown codes in conditions, nets over unknown codes and unsupported types, naming the JSON path', () => {
    const problems = problemsOf(() =>
      definitionFromJson(
        survey([
          radio('Q1', { nets: [{ code: 'N', label: 'Net', codes: ['1', '7'] }] }),
          radio('Q2', { visibleIf: "{Q1} = '9'" }),
          radio('Q3', { visibleIf: "{Q8} = '1'" }),
          { type: 'signaturepad', name: 'Q4' },
        ]),
      ),
    );
    const text = problems.map((p) => `${p.field}: ${p.message}`).join('\n');
    expect(text).toContain('$.pages[0].elements[3].type: "signaturepad" is not in the supported subset');
    expect(problems).toHaveLength(1); // structure problems stop before the semantic checks
    const semantic = problemsOf(() =>
      definitionFromJson(
        survey([
          radio('Q1', { nets: [{ code: 'N', label: 'Net', codes: ['1', '7'] }] }),
          radio('Q2', { visibleIf: "{Q1} = '9'" }),
          radio('Q3', { visibleIf: "{Q8} = '1'" }),
        ]),
      ),
    ).map((p) => `${p.field}: ${p.message}`);
    expect(semantic).toEqual([
      '$.pages[0].elements[0]: net "N" includes "7", which is not one of the answer codes',
      `$.pages[0].elements[1].visibleIf: compares "Q1" with "9", which is not one of its answer codes (1, 2, 3)`,
      '$.pages[0].elements[2].visibleIf: refers to question "Q8", which does not exist',
    ]);
  });

  it('rejects a survey title or question text holding a bidirectional override or a NUL, naming where', () => {
    const problems = problemsOf(() =>
      definitionFromJson({ ...survey([radio('Q1', { title: 'Rate \u202Eus' })]), title: 'Survey\u0000' }),
    ).map((p) => `${p.field}: ${p.message}`);
    expect(problems).toEqual([
      'title: holds a control character (U+0000 NUL) at character 7; remove it',
      '$.pages[0].elements[0].title: holds a bidirectional control character (U+202E RIGHT-TO-LEFT OVERRIDE) at character 6; remove it',
    ]);
  });

  it('rejects routing cycles and references to later questions', () => {
    const cycle = problemsOf(() =>
      definitionFromJson(survey([radio('Q1', { visibleIf: "{Q2} = '1'" }), radio('Q2', { visibleIf: "{Q1} = '1'" })])),
    );
    expect(cycle.map((p) => p.message)).toContain('routing goes round in a circle: Q1 → Q2 → Q1');
    const forward = problemsOf(() => definitionFromJson(survey([radio('Q1', { title: 'Why {Q2}?' }), radio('Q2')])));
    expect(forward[0]!.message).toMatch(/depends on "Q2", which is asked later/);
  });

  it('rejects duplicate codes and a syntax error in a condition with its position', () => {
    const dup = problemsOf(() => definitionFromJson(survey([radio('Q1'), radio('Q1', { choices: ['1', '1'] })])));
    expect(dup.map((p) => p.message)).toEqual(
      expect.arrayContaining(['question code "Q1" is used twice', 'answer code "1" is used twice']),
    );
    const bad = problemsOf(() => definitionFromJson(survey([radio('Q1'), radio('Q2', { visibleIf: "{Q1} = = '1'" })])));
    expect(bad[0]).toMatchObject({
      field: '$.pages[0].elements[1].visibleIf',
      message: expect.stringMatching(/at character 8/),
    });
  });

  it('names the line of a JSON syntax error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sli-def-'));
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{\n  "pages": [\n    { "name": "p", }\n  ]\n}\n');
    await expect(readDefinitionFile(file)).rejects.toThrow(/broken\.json:3:\d+: not valid JSON/);
  });
});

describe('XLSForm definitions', () => {
  async function xlsform(
    survey: string[][],
    choices: string[][],
    extra: Array<{ name: string; rows: string[][] }> = [],
  ): Promise<string> {
    const dir = mkdtempSync(path.join(tmpdir(), 'sli-xls-'));
    const file = path.join(dir, 'peer-feedback.xlsx');
    const sheets = [{ name: 'survey', rows: survey }, { name: 'choices', rows: choices }, ...extra];
    const buffer = await writeXlsxFile(
      sheets.map((s) => ({ sheet: s.name, data: s.rows.map((r) => r.map((v) => ({ value: v }))) })),
    ).toBuffer();
    writeFileSync(file, buffer);
    return file;
  }
  const CHOICES = [
    ['list_name', 'name', 'label', 'exclusive'],
    ['agree', '1', 'Strongly agree', ''],
    ['agree', '2', 'Agree', ''],
    ['agree', '3', 'Disagree', ''],
    ['topics', 'fin', 'Finance', ''],
    ['topics', 'lead', 'Leadership', ''],
    ['topics', 'none', 'None of these', 'yes'],
  ];

  it('reads select_one, select_multiple, relevant, ${} piping, a table-list grid, nets and settings', async () => {
    const file = await xlsform(
      [
        ['type', 'name', 'label', 'relevant', 'appearance', 'required'],
        ['select_one agree', 'useful', 'The peer challenge was useful', '', '', 'yes'],
        ['select_multiple topics', 'topics', 'Which topics did it cover?', "${useful} != '3'", '', ''],
        ['text', 'why', 'Why do you say ${useful}?', "selected(${topics}, 'fin')", '', ''],
        ['begin group', 'team', 'The peer team…', '', 'table-list', ''],
        ['select_one agree', 'knew', 'understood our context', '', '', ''],
        ['select_one agree', 'fair', 'was fair', '', '', ''],
        ['end group', '', '', '', '', ''],
        ['note', 'thanks', 'Thank you', '', '', ''],
      ],
      CHOICES,
      [
        {
          name: 'settings',
          rows: [
            ['form_id', 'form_title', 'version'],
            ['peer-feedback', 'Peer challenge feedback', '2'],
          ],
        },
        {
          name: 'nets',
          rows: [
            ['list_name', 'name', 'label', 'choices'],
            ['agree', 'N_AGREE', 'Agree (net)', '1 2'],
          ],
        },
      ],
    );
    const def = await readDefinitionFile(file);
    expect(def).toMatchObject({ code: 'peer-feedback', title: 'Peer challenge feedback', version: 2 });
    expect(def.questions.map((q) => `${q.code}:${q.kind}`)).toEqual([
      'useful:single',
      'topics:multiple',
      'why:text',
      'team:grid',
    ]);
    expect(def.questions[0]!.required).toBe(true);
    expect(def.questions[1]!.choices.find((c) => c.code === 'none')?.exclusive).toBe(true);
    expect(def.questions[2]!.text).toBe('Why do you say {useful}?');
    expect(def.questions[3]!.rows.map((r) => r.code)).toEqual(['knew', 'fair']);
    expect(def.questions[3]!.nets.map((n) => n.code)).toEqual(['N_AGREE']);
    expect(isAsked(def.questions[2]!, { topics: ['fin'] })).toBe(true);
    expect(isAsked(def.questions[2]!, { topics: ['lead'] })).toBe(false);
    // Written out as SurveyJS (conditions in SurveyJS syntax) and read back: the same questionnaire.
    const out = toSurveyJs(def);
    expect(JSON.stringify(out)).toContain(`"visibleIf":"{topics} contains 'fin'"`);
    const back = definitionFromJson(out);
    expect(withoutOrigins(back)).toEqual(
      withoutOrigins({
        ...def,
        questions: def.questions.map((q) =>
          q.condition ? { ...q, visibleIf: back.questions.find((b) => b.code === q.code)!.visibleIf! } : q,
        ),
      }),
    );
  });

  it('round-trips the example SurveyJS questionnaire through toSurveyJs', async () => {
    const def = await readDefinitionFile(EXAMPLE);
    const back = definitionFromJson(toSurveyJs(def));
    for (const [i, q] of back.questions.entries()) {
      expect({ ...q, origin: '', visibleIf: '' }).toEqual({ ...def.questions[i]!, origin: '', visibleIf: '' });
    }
  });

  it('names the sheet and row of each problem', async () => {
    const file = await xlsform(
      [
        ['type', 'name', 'label', 'relevant'],
        ['select_one agree', 'useful', 'Useful?', ''],
        ['select_one colours', 'colour', 'Colour?', ''],
        ['geopoint', 'where', 'Where?', ''],
        ['select_one agree', 'again', 'Again?', "${useful} = '7'"],
      ],
      CHOICES,
    );
    const err = await readDefinitionFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    const problems = (err as AppError).errors.map((p) => `${p.field}: ${p.message}`);
    expect(problems).toEqual([
      'survey row 3, column type: there is no choice list "colours" on the choices sheet',
      'survey row 4, column type: "geopoint" is not in the supported subset (select_one, select_multiple, text, integer, decimal, begin/end group, note)',
    ]);
    const file2 = await xlsform(
      [
        ['type', 'name', 'label', 'relevant'],
        ['select_one agree', 'useful', 'Useful?', ''],
        ['select_one agree', 'again', 'Again?', "${useful} = '7'"],
      ],
      CHOICES,
    );
    const err2 = (await readDefinitionFile(file2).catch((e: unknown) => e)) as AppError;
    expect(err2.errors[0]).toMatchObject({
      field: 'survey row 3.visibleIf',
      message: expect.stringContaining('compares "useful" with "7"'),
    });
  });
});
