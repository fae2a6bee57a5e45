/**
 * Writes a definition back as SurveyJS JSON (the subset we read), so an XLSForm can be loaded, stored and fielded
 * like any other questionnaire: conditions are printed in SurveyJS syntax from their parsed form.
 */
import type { Expr } from './expression.ts';
import type { Choice, Question, SurveyDefinition } from './types.ts';

const quote = (v: string | number | boolean) => (typeof v === 'string' ? `'${v.replace(/'/g, "\\'")}'` : String(v));

export function printExpression(e: Expr): string {
  switch (e.kind) {
    case 'ref':
      return `{${e.question}${e.row === undefined ? '' : `.${e.row}`}}`;
    case 'lit':
      return quote(e.value);
    case 'array':
      return `[${e.items.map(printExpression).join(', ')}]`;
    case 'not':
      return `!(${printExpression(e.expr)})`;
    case 'and':
    case 'or':
      return `(${printExpression(e.left)} ${e.kind} ${printExpression(e.right)})`;
    case 'cmp':
      return `${printExpression(e.left)} ${e.op} ${printExpression(e.right)}`;
    case 'set':
      return `${printExpression(e.left)} ${e.op} ${printExpression(e.right)}`;
    case 'empty':
    case 'notempty':
      return `${printExpression(e.expr)} ${e.kind}`;
  }
}

const choice = (c: Choice) => ({ value: c.code, text: c.label, ...(c.exclusive ? { isExclusive: true } : {}) });

function element(q: Question): Record<string, unknown> {
  const common: Record<string, unknown> = {
    name: q.code,
    title: q.text,
    ...(q.description ? { description: q.description } : {}),
    ...(q.required ? { isRequired: true } : {}),
    ...(q.condition ? { visibleIf: printExpression(q.condition) } : {}),
    ...(q.nets.length ? { nets: q.nets } : {}),
    ...(q.sources.length ? { sources: q.sources } : {}),
  };
  switch (q.kind) {
    case 'single':
      return { type: 'radiogroup', ...common, choices: q.choices.map(choice) };
    case 'multiple':
      return { type: 'checkbox', ...common, choices: q.choices.map(choice) };
    case 'dropdown':
      return { type: 'dropdown', ...common, choices: q.choices.map(choice) };
    case 'grid':
      return {
        type: 'matrix',
        ...common,
        columns: q.choices.map(choice),
        rows: q.rows.map((r) => ({ value: r.code, text: r.label })),
      };
    case 'number':
      return {
        type: 'text',
        inputType: 'number',
        ...common,
        ...(q.min !== undefined ? { min: q.min } : {}),
        ...(q.max !== undefined ? { max: q.max } : {}),
      };
    case 'text':
      return { type: 'comment', ...common };
  }
}

export function toSurveyJs(def: SurveyDefinition): Record<string, unknown> {
  return {
    code: def.code,
    version: def.version,
    title: def.title,
    ...(def.description ? { description: def.description } : {}),
    pages: [{ name: 'questions', elements: def.questions.map(element) }],
  };
}
