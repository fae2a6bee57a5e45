/**
 * Checks a normalised definition whatever file it came from: unique codes, conditions and piping that name earlier
 * questions and real answer codes, no routing cycles, nets over known codes, one column name per answer.
 * Every problem names where it is (the JSON path or the sheet and row the question came from).
 */
import { badRequest, type FieldError } from '../../../platform/errors.ts';
import { checkStoredText } from '../../../platform/text.ts';
import { comparedLiterals, pipedCodes, references } from './expression.ts';
import { responseColumns } from './columns.ts';
import type { Question, SurveyDefinition } from './types.ts';

export function definitionProblems(def: SurveyDefinition): FieldError[] {
  const problems: FieldError[] = [];
  const add = (field: string, message: string, value?: string) =>
    problems.push(value === undefined ? { field, message } : { field, message, value });
  if (!def.code || !/^[A-Za-z0-9][\w-]*$/.test(def.code))
    add('code', 'the survey needs a code of letters, digits, "-" or "_"', def.code);
  if (!Number.isInteger(def.version) || def.version < 1)
    add('version', 'the version must be a whole number from 1', String(def.version));
  if (def.questions.length === 0) add('questions', 'the survey has no questions');
  const unsafeTitle = checkStoredText('title', def.title);
  if (unsafeTitle) problems.push(unsafeTitle);

  const index = new Map<string, number>();
  def.questions.forEach((q, i) => {
    if (!/^[A-Za-z_][\w-]*$/.test(q.code))
      add(q.origin, 'a question code must start with a letter and hold only letters, digits, "-" or "_"', q.code);
    if (index.has(q.code)) add(q.origin, `question code "${q.code}" is used twice`, q.code);
    else index.set(q.code, i);
    const unsafeText = checkStoredText(`${q.origin}.title`, q.text);
    if (unsafeText) problems.push(unsafeText);
    checkAnswers(q, add);
  });

  // Conditions and piping: only earlier questions, real rows and real codes.
  const deps = new Map<string, Set<string>>();
  for (const [i, q] of def.questions.entries()) {
    const needs = new Set<string>();
    if (q.condition) {
      for (const ref of references(q.condition)) {
        needs.add(ref.question);
        const target = def.questions[index.get(ref.question) ?? -1];
        if (!target) {
          add(`${q.origin}.visibleIf`, `refers to question "${ref.question}", which does not exist`, q.visibleIf);
          continue;
        }
        if (ref.row !== undefined && !target.rows.some((r) => r.code === ref.row)) {
          add(
            `${q.origin}.visibleIf`,
            `refers to row "${ref.row}" of "${ref.question}", which has no such row`,
            q.visibleIf,
          );
        }
      }
      for (const lit of comparedLiterals(q.condition)) {
        const target = def.questions[index.get(lit.question) ?? -1];
        if (!target || target.choices.length === 0 || (target.kind === 'grid' && lit.row === undefined)) continue;
        for (const v of lit.values) {
          if (!target.choices.some((c) => c.code === v)) {
            add(
              `${q.origin}.visibleIf`,
              `compares "${lit.question}" with "${v}", which is not one of its answer codes (${target.choices.map((c) => c.code).join(', ')})`,
              q.visibleIf,
            );
          }
        }
      }
    }
    for (const code of pipedCodes(q.text)) {
      needs.add(code);
      if (!index.has(code)) add(`${q.origin}.title`, `pipes the answer to "${code}", which does not exist`, q.text);
    }
    deps.set(q.code, needs);
    void i;
  }
  const cycle = findCycle(deps);
  if (cycle) {
    add(def.questions[index.get(cycle[0]!)!]!.origin, `routing goes round in a circle: ${cycle.join(' → ')}`);
  } else {
    for (const [i, q] of def.questions.entries()) {
      for (const d of deps.get(q.code) ?? []) {
        const j = index.get(d);
        if (j !== undefined && j >= i)
          add(
            q.origin,
            `depends on "${d}", which is ${j === i ? 'this question itself' : 'asked later'}; routing and piping may only use earlier answers`,
          );
      }
    }
  }

  // Every answer lands in one column of the wide responses file.
  const seen = new Map<string, string>();
  for (const q of def.questions) {
    for (const col of responseColumns(q)) {
      const other = seen.get(col.name);
      if (other !== undefined)
        add(
          q.origin,
          `its responses column "${col.name}" clashes with one of "${other}"; rename one of the codes`,
          col.name,
        );
      else seen.set(col.name, q.code);
    }
  }
  return problems;
}

function checkAnswers(q: Question, add: (field: string, message: string, value?: string) => void) {
  const needsChoices = q.kind === 'single' || q.kind === 'multiple' || q.kind === 'dropdown' || q.kind === 'grid';
  if (needsChoices && q.choices.length === 0) add(q.origin, `a ${q.kind} question needs answer choices`);
  if (!needsChoices && (q.choices.length > 0 || q.nets.length > 0))
    add(q.origin, `a ${q.kind} question cannot have answer choices or nets`);
  if (q.kind === 'grid' && q.rows.length === 0) add(q.origin, 'a grid needs rows');
  const codes = new Set<string>();
  for (const c of q.choices) {
    if (!/^[\w-]+$/.test(c.code)) add(q.origin, 'an answer code may hold only letters, digits, "-" or "_"', c.code);
    if (codes.has(c.code)) add(q.origin, `answer code "${c.code}" is used twice`, c.code);
    codes.add(c.code);
    if (c.exclusive && q.kind !== 'multiple')
      add(q.origin, `only a multiple-choice answer can be exclusive ("${c.code}")`, c.code);
  }
  const rowCodes = new Set<string>();
  for (const r of q.rows) {
    if (!/^[\w-]+$/.test(r.code)) add(q.origin, 'a row code may hold only letters, digits, "-" or "_"', r.code);
    if (rowCodes.has(r.code)) add(q.origin, `row code "${r.code}" is used twice`, r.code);
    rowCodes.add(r.code);
  }
  const netCodes = new Set<string>();
  for (const n of q.nets) {
    if (codes.has(n.code) || netCodes.has(n.code))
      add(q.origin, `net code "${n.code}" is already used by an answer or another net`, n.code);
    netCodes.add(n.code);
    if (n.codes.length < 2) add(q.origin, `net "${n.code}" needs at least two answer codes`, n.code);
    for (const c of n.codes)
      if (!codes.has(c)) add(q.origin, `net "${n.code}" includes "${c}", which is not one of the answer codes`, c);
  }
  for (const src of q.sources) {
    for (const [from, to] of Object.entries(src.codes ?? {})) {
      if (!codes.has(to))
        add(
          q.origin,
          `its version ${src.version} source maps "${from}" to "${to}", which is not one of this version's answer codes`,
          to,
        );
    }
  }
  if (q.min !== undefined && q.max !== undefined && q.min > q.max)
    add(q.origin, `the minimum ${q.min} is above the maximum ${q.max}`);
}

/** A cycle in the dependency graph, as a list of codes that starts and ends with the same one, or null. */
function findCycle(deps: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, 1);
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      if (!deps.has(d)) continue;
      if (state.get(d) === 1) return [...stack.slice(stack.indexOf(d)), d];
      if (!state.has(d)) {
        const c = visit(d);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return null;
  };
  for (const n of deps.keys()) {
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  }
  return null;
}

/** Throws one 400 listing every problem, or returns the definition. */
export function assertValidDefinition(def: SurveyDefinition, source: string): SurveyDefinition {
  const problems = definitionProblems(def);
  if (problems.length > 0) {
    throw badRequest(
      `${source}: the survey definition has ${problems.length} problem${problems.length === 1 ? '' : 's'}; the first: ${problems[0]!.field}: ${problems[0]!.message}`,
      problems,
    );
  }
  return def;
}
