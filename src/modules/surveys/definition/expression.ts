/**
 * Routing conditions: one small expression language that reads both SurveyJS `visibleIf` and XLSForm `relevant`.
 *
 *   {Q2} != 'heard_nothing'                 SurveyJS reference          ${Q2} != 'heard_nothing'   XLSForm reference
 *   {Q4} contains 'x'  /  selected(${Q4}, 'x')
 *   {Q4} anyof ['a', 'b']   allof   noneof   notcontains
 *   {Q5.row} = 1            a grid row's answer
 *   {Q6} empty / notempty   and / or / not / !   parentheses   = == != <> < <= > >=
 *
 * A question that was not answered (or not asked) is "empty": comparisons with it are false except `!=`, which is true,
 * so "everyone apart from those who answered X" keeps those who gave no answer.
 */
import type { AnswerValue, Answers } from './types.ts';

export type Expr =
  | { kind: 'ref'; question: string; row?: string }
  | { kind: 'lit'; value: string | number | boolean }
  | { kind: 'array'; items: Expr[] }
  | { kind: 'not'; expr: Expr }
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'cmp'; op: '=' | '!=' | '<' | '<=' | '>' | '>='; left: Expr; right: Expr }
  | { kind: 'set'; op: 'contains' | 'notcontains' | 'anyof' | 'allof' | 'noneof'; left: Expr; right: Expr }
  | { kind: 'empty' | 'notempty'; expr: Expr };

export class ExpressionError extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.position = position;
  }
}

type Token =
  | { t: 'ref'; question: string; row?: string; pos: number }
  | { t: 'str'; value: string; pos: number }
  | { t: 'num'; value: number; pos: number }
  | { t: 'op'; value: string; pos: number }
  | { t: 'word'; value: string; pos: number }
  | { t: 'punct'; value: '(' | ')' | '[' | ']' | ','; pos: number };

const WORD_OPS = new Set([
  'and',
  'or',
  'not',
  'contains',
  'notcontains',
  'anyof',
  'allof',
  'noneof',
  'empty',
  'notempty',
  'true',
  'false',
  'selected',
]);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '{' || (c === '$' && src[i + 1] === '{')) {
      const start = i;
      const open = c === '$' ? i + 2 : i + 1;
      const close = src.indexOf('}', open);
      if (close < 0) throw new ExpressionError('a reference is not closed with "}"', start);
      const name = src.slice(open, close).trim();
      if (!/^[A-Za-z_][\w-]*(\.[\w-]+)?$/.test(name))
        throw new ExpressionError(`"${name}" is not a question code`, start);
      const [question, row] = name.split('.');
      out.push(
        row === undefined
          ? { t: 'ref', question: question!, pos: start }
          : { t: 'ref', question: question!, row, pos: start },
      );
      i = close + 1;
      continue;
    }
    if (c === "'" || c === '"') {
      const close = src.indexOf(c, i + 1);
      if (close < 0) throw new ExpressionError('a quoted value is not closed', i);
      out.push({ t: 'str', value: src.slice(i + 1, close), pos: i });
      i = close + 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', value: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    const op = /^(==|!=|<>|<=|>=|=|<|>|!)/.exec(src.slice(i));
    if (op) {
      out.push({ t: 'op', value: op[0], pos: i });
      i += op[0].length;
      continue;
    }
    if ('()[],'.includes(c)) {
      out.push({ t: 'punct', value: c as '(' | ')' | '[' | ']' | ',', pos: i });
      i++;
      continue;
    }
    const word = /^[A-Za-z_][\w-]*/.exec(src.slice(i));
    if (word) {
      const w = word[0].toLowerCase();
      if (!WORD_OPS.has(w))
        throw new ExpressionError(
          `unknown word "${word[0]}" (question codes are written {CODE} or \${CODE}; text in quotes)`,
          i,
        );
      out.push({ t: 'word', value: w, pos: i });
      i += word[0].length;
      continue;
    }
    throw new ExpressionError(`unexpected character "${c}"`, i);
  }
  return out;
}

/** Deepest nesting of brackets and `not` a condition may have: far beyond any real one, well within the stack. */
export const MAX_EXPRESSION_DEPTH = 100;
/** Most parts (references, values, operators, brackets) a condition may have. */
export const MAX_EXPRESSION_TOKENS = 2000;

/** Parses a condition; throws ExpressionError with the character position of the problem. */
export function parseExpression(src: string): Expr {
  const tokens = tokenize(src);
  // Brackets are counted before parsing, so that a condition nested thousands deep is named for what it is.
  let open = 0;
  for (const t of tokens) {
    if (t.t !== 'punct') continue;
    if (t.value === '(' || t.value === '[') open++;
    else if (t.value === ')' || t.value === ']') open--;
    if (open > MAX_EXPRESSION_DEPTH)
      throw new ExpressionError(`the condition is nested too deeply (more than ${MAX_EXPRESSION_DEPTH} levels)`, t.pos);
  }
  if (tokens.length > MAX_EXPRESSION_TOKENS)
    throw new ExpressionError(
      `the condition is too long (more than ${MAX_EXPRESSION_TOKENS} parts)`,
      tokens[MAX_EXPRESSION_TOKENS]!.pos,
    );
  let k = 0;
  let depth = 0;
  /** Goes one level deeper (a bracket or a `not`), refusing a condition nested beyond MAX_EXPRESSION_DEPTH. */
  const nested = <T>(pos: number, parse: () => T): T => {
    if (++depth > MAX_EXPRESSION_DEPTH)
      throw new ExpressionError(`the condition is nested too deeply (more than ${MAX_EXPRESSION_DEPTH} levels)`, pos);
    try {
      return parse();
    } finally {
      depth--;
    }
  };
  const peek = () => tokens[k];
  const isWord = (w: string) => {
    const t = peek();
    return t?.t === 'word' && t.value === w;
  };
  const isPunct = (p: string) => {
    const t = peek();
    return t?.t === 'punct' && t.value === p;
  };
  const expect = (p: string) => {
    if (!isPunct(p)) throw new ExpressionError(`expected "${p}"`, peek()?.pos ?? src.length);
    k++;
  };

  function parseOr(): Expr {
    let left = parseAnd();
    while (isWord('or')) {
      k++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  }
  function parseAnd(): Expr {
    let left = parseNot();
    while (isWord('and')) {
      k++;
      left = { kind: 'and', left, right: parseNot() };
    }
    return left;
  }
  function parseNot(): Expr {
    const t = peek();
    if ((t?.t === 'word' && t.value === 'not') || (t?.t === 'op' && t.value === '!')) {
      k++;
      return { kind: 'not', expr: nested(t.pos, parseNot) };
    }
    return parseComparison();
  }
  function parseComparison(): Expr {
    const left = parseOperand();
    const t = peek();
    if (t?.t === 'op') {
      k++;
      const op = ({ '==': '=', '=': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' } as const)[
        t.value as '='
      ];
      if (!op) throw new ExpressionError(`"${t.value}" cannot be used here`, t.pos);
      return { kind: 'cmp', op, left, right: parseOperand() };
    }
    if (t?.t === 'word' && ['contains', 'notcontains', 'anyof', 'allof', 'noneof'].includes(t.value)) {
      k++;
      return { kind: 'set', op: t.value as 'contains', left, right: parseOperand() };
    }
    if (t?.t === 'word' && (t.value === 'empty' || t.value === 'notempty')) {
      k++;
      return { kind: t.value, expr: left };
    }
    return left;
  }
  function parseOperand(): Expr {
    const t = peek();
    if (!t) throw new ExpressionError('the condition ends too early', src.length);
    k++;
    switch (t.t) {
      case 'ref':
        return t.row === undefined
          ? { kind: 'ref', question: t.question }
          : { kind: 'ref', question: t.question, row: t.row };
      case 'str':
        return { kind: 'lit', value: t.value };
      case 'num':
        return { kind: 'lit', value: t.value };
      case 'punct':
        if (t.value === '(') {
          const e = nested(t.pos, parseOr);
          expect(')');
          return e;
        }
        if (t.value === '[') {
          const items: Expr[] = [];
          while (!isPunct(']')) {
            items.push(nested(t.pos, parseOperand));
            if (isPunct(',')) k++;
            else break;
          }
          expect(']');
          return { kind: 'array', items };
        }
        throw new ExpressionError(`unexpected "${t.value}"`, t.pos);
      case 'word':
        if (t.value === 'true' || t.value === 'false') return { kind: 'lit', value: t.value === 'true' };
        if (t.value === 'selected') {
          expect('(');
          const ref = nested(t.pos, parseOperand);
          expect(',');
          const value = nested(t.pos, parseOperand);
          expect(')');
          return { kind: 'set', op: 'contains', left: ref, right: value };
        }
        throw new ExpressionError(`"${t.value}" needs something before it`, t.pos);
      case 'op':
        throw new ExpressionError(`unexpected "${t.value}"`, t.pos);
    }
  }

  const expr = parseOr();
  if (k < tokens.length) throw new ExpressionError('unexpected text after the end of the condition', tokens[k]!.pos);
  return expr;
}

/** Every reference an expression makes, in order (for validation and routing cycles). */
export function references(
  expr: Expr,
  out: Array<{ question: string; row?: string }> = [],
): Array<{ question: string; row?: string }> {
  switch (expr.kind) {
    case 'ref':
      out.push(expr.row === undefined ? { question: expr.question } : { question: expr.question, row: expr.row });
      break;
    case 'lit':
      break;
    case 'array':
      for (const i of expr.items) references(i, out);
      break;
    case 'not':
    case 'empty':
    case 'notempty':
      references(expr.expr, out);
      break;
    case 'and':
    case 'or':
    case 'cmp':
    case 'set':
      references(expr.left, out);
      references(expr.right, out);
      break;
  }
  return out;
}

/** Pairs of (reference, literal values) compared in the expression, to check literals against a question's codes. */
export function comparedLiterals(expr: Expr, out: Array<{ question: string; row?: string; values: string[] }> = []) {
  const lits = (e: Expr): string[] | null =>
    e.kind === 'lit'
      ? [String(e.value)]
      : e.kind === 'array' && e.items.every((i) => i.kind === 'lit')
        ? e.items.map((i) => String((i as { value: unknown }).value))
        : null;
  switch (expr.kind) {
    case 'cmp':
    case 'set': {
      for (const [a, b] of [
        [expr.left, expr.right],
        [expr.right, expr.left],
      ] as const) {
        const values = lits(b);
        if (a.kind === 'ref' && values && (expr.kind === 'set' || expr.op === '=' || expr.op === '!=')) {
          out.push(
            a.row === undefined ? { question: a.question, values } : { question: a.question, row: a.row, values },
          );
        }
      }
      comparedLiterals(expr.left, out);
      comparedLiterals(expr.right, out);
      break;
    }
    case 'and':
    case 'or':
      comparedLiterals(expr.left, out);
      comparedLiterals(expr.right, out);
      break;
    case 'not':
    case 'empty':
    case 'notempty':
      comparedLiterals(expr.expr, out);
      break;
    case 'ref':
    case 'lit':
    case 'array':
      break;
  }
  return out;
}

type Value = string | number | boolean | string[] | undefined;

function resolve(expr: Expr, answers: Answers): Value | Value[] {
  switch (expr.kind) {
    case 'ref': {
      const v: AnswerValue | undefined = answers[expr.question];
      if (expr.row !== undefined) return v && typeof v === 'object' && !Array.isArray(v) ? v[expr.row] : undefined;
      if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return undefined;
      if (typeof v === 'object' && !Array.isArray(v)) return Object.values(v);
      return v;
    }
    case 'lit':
      return expr.value;
    case 'array':
      return expr.items.map((i) => resolve(i, answers) as Value);
    default:
      return evaluate(expr, answers);
  }
}

function same(a: Value, b: Value): boolean {
  if (a === undefined || b === undefined) return (a ?? '') === '' && (b ?? '') === '';
  if (Array.isArray(a)) return a.length === 1 && same(a[0], b);
  if (Array.isArray(b)) return same(b, a);
  if (typeof a === 'number' || typeof b === 'number') {
    const x = Number(a),
      y = Number(b);
    if (!Number.isNaN(x) && !Number.isNaN(y)) return x === y;
  }
  return String(a) === String(b);
}

const asList = (v: Value | Value[]): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v.filter((x) => x !== undefined).map(String) : [String(v)];

/** Evaluates a condition against the answers given so far. */
export function evaluate(expr: Expr, answers: Answers): boolean {
  switch (expr.kind) {
    case 'and':
      return evaluate(expr.left, answers) && evaluate(expr.right, answers);
    case 'or':
      return evaluate(expr.left, answers) || evaluate(expr.right, answers);
    case 'not':
      return !evaluate(expr.expr, answers);
    case 'empty':
      return asList(resolve(expr.expr, answers)).length === 0;
    case 'notempty':
      return asList(resolve(expr.expr, answers)).length > 0;
    case 'cmp': {
      const a = resolve(expr.left, answers) as Value,
        b = resolve(expr.right, answers) as Value;
      if (expr.op === '=') return same(a, b);
      if (expr.op === '!=') return !same(a, b);
      if (a === undefined || b === undefined || Array.isArray(a) || Array.isArray(b)) return false;
      const x = Number(a),
        y = Number(b);
      if (Number.isNaN(x) || Number.isNaN(y)) return false;
      return expr.op === '<' ? x < y : expr.op === '<=' ? x <= y : expr.op === '>' ? x > y : x >= y;
    }
    case 'set': {
      const have = asList(resolve(expr.left, answers));
      const want = asList(resolve(expr.right, answers));
      const has = (w: string) => have.some((h) => same(h, w));
      switch (expr.op) {
        case 'contains':
        case 'allof':
          return want.length > 0 && want.every(has);
        case 'notcontains':
          return !want.every(has) || want.length === 0;
        case 'anyof':
          return want.some(has);
        case 'noneof':
          return !want.some(has);
      }
      break;
    }
    case 'ref':
      return asList(resolve(expr, answers)).length > 0;
    case 'lit':
      return Boolean(expr.value);
    case 'array':
      return expr.items.length > 0;
  }
  return false;
}

/** Replaces `{CODE}` (or `${CODE}`) in question text with the label of the respondent's earlier answer. */
export function pipedCodes(text: string): string[] {
  return [...text.matchAll(/\$?\{([A-Za-z_][\w-]*)\}/g)].map((m) => m[1]!);
}
