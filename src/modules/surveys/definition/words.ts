/**
 * Routing and piping in words, for tables and reports: "{Q1} anyof ['1','2','3']" becomes "Asked only of those who
 * answered Q1 “A great deal”, “A fair amount” or “Just a little”", and "{Q3}" in a title becomes "[answer to Q3]".
 */
import { parseExpression, type Expr } from './expression.ts';
import type { Question, SurveyDefinition } from './types.ts';

const quote = (s: string) => `“${s}”`;
const orList = (xs: string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)!}`);
const andList = (xs: string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)!}`);

/** Question text with piped answers shown as a placeholder, never as `{Q3}`: "why you are [answer to Q3] with…". */
export const unpipedText = (text: string): string =>
  text.replace(/\$?\{([A-Za-z_][\w-]*)\}/g, (_m, code: string) => `[answer to ${code}]`);

interface Ref {
  question: Question | undefined;
  code: string;
  row?: string | undefined;
}

function refName(r: Ref): string {
  if (r.row === undefined) return r.code;
  const row = r.question?.rows.find((x) => x.code === r.row);
  return `${r.code} ${quote(row?.label ?? r.row)}`;
}

function values(e: Expr): string[] {
  if (e.kind === 'lit') return [String(e.value)];
  if (e.kind === 'array') return e.items.flatMap(values);
  return [];
}

/** Answer codes as the respondent read them; a set of codes that is exactly a net is named by the net. */
function labels(r: Ref, codes: string[]): string[] {
  const q = r.question;
  const net = q?.nets.find((n) => n.codes.length === codes.length && n.codes.every((c) => codes.includes(c)));
  if (net && codes.length > 1) return [quote(net.label)];
  return codes.map((c) => quote(q?.choices.find((x) => x.code === c)?.label ?? c));
}

function clause(e: Expr, def: SurveyDefinition, negate = false): string {
  const ref = (x: Expr): Ref | undefined =>
    x.kind === 'ref'
      ? { question: def.questions.find((q) => q.code === x.question), code: x.question, row: x.row }
      : undefined;
  switch (e.kind) {
    case 'not':
      return clause(e.expr, def, !negate);
    case 'and':
    case 'or': {
      // not (a and b) = not a or not b, and the other way round.
      const joined = (e.kind === 'and') !== negate ? 'and' : 'or';
      return `${clause(e.left, def, negate)} ${joined} ${clause(e.right, def, negate)}`;
    }
    case 'empty':
    case 'notempty': {
      const r = ref(e.expr);
      const answered = (e.kind === 'notempty') !== negate;
      return r ? `${answered ? 'who answered' : 'who did not answer'} ${refName(r)}` : 'under a condition';
    }
    case 'set': {
      const r = ref(e.left);
      if (!r) return 'under a condition';
      const ls = labels(r, values(e.right));
      const yes = (op: string) => {
        switch (op) {
          case 'anyof':
            return `who answered ${refName(r)} ${orList(ls)}`;
          case 'contains':
            return `who chose ${andList(ls)} at ${refName(r)}`;
          case 'allof':
            return `who chose all of ${andList(ls)} at ${refName(r)}`;
          case 'noneof':
            return `who chose none of ${orList(ls)} at ${refName(r)}`;
          default: // notcontains
            return `who did not choose ${orList(ls)} at ${refName(r)}`;
        }
      };
      const flip: Record<string, string> = {
        anyof: 'noneof',
        noneof: 'anyof',
        contains: 'notcontains',
        notcontains: 'contains',
      };
      if (!negate) return yes(e.op);
      if (e.op in flip) return yes(flip[e.op]!);
      return `who did not choose all of ${andList(ls)} at ${refName(r)}`;
    }
    case 'cmp': {
      const r = ref(e.left);
      if (!r) return 'under a condition';
      const v = values(e.right);
      const isNumber = e.right.kind === 'lit' && typeof e.right.value === 'number';
      const op = negate ? ({ '=': '!=', '!=': '=', '<': '>=', '<=': '>', '>': '<=', '>=': '<' } as const)[e.op] : e.op;
      const answer = isNumber && !(r.question?.choices.length ?? 0) ? v.join('') : orList(labels(r, v));
      switch (op) {
        case '=':
          return `who answered ${refName(r)} ${answer}`;
        case '!=':
          return `who did not answer ${refName(r)} ${answer}`;
        case '<':
          return `whose answer to ${refName(r)} was under ${answer}`;
        case '<=':
          return `whose answer to ${refName(r)} was ${answer} or under`;
        case '>':
          return `whose answer to ${refName(r)} was over ${answer}`;
        default:
          return `whose answer to ${refName(r)} was ${answer} or over`;
      }
    }
    default:
      return 'under a condition';
  }
}

/** "Asked only of those who …" for a question with routing; null for a question put to everyone. */
export function routingInWords(q: Question, def: SurveyDefinition): string | null {
  if (!q.visibleIf) return null;
  let expr = q.condition;
  try {
    expr ??= parseExpression(q.visibleIf);
  } catch {
    return `Asked only of some respondents (routing: ${q.visibleIf})`;
  }
  return `Asked only of those ${clause(expr, def)}`;
}
