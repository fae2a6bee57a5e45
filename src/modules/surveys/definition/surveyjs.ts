/**
 * Reads a SurveyJS JSON survey (the subset documented in docs/surveys.md) into our definition model.
 * Supported element types: radiogroup, checkbox (showNoneItem / isExclusive for "none of these"), dropdown, matrix,
 * rating, boolean, text (inputType number becomes a number question), comment; panels and pages (their visibleIf
 * is combined with each question's); html is display-only and skipped. Our additions, which SurveyJS ignores:
 * `code` and `version` on the survey, `nets` and `sources` on a question. Problems name the JSON path.
 */
import { badRequest, type FieldError } from '../../../platform/errors.ts';
import { ExpressionError, parseExpression, type Expr } from './expression.ts';
import type { Choice, GridRow, Net, Question, QuestionKind, QuestionSource, SurveyDefinition } from './types.ts';

type Json = unknown;
type Obj = Record<string, Json>;
const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** SurveyJS text may be a plain string or a localised object ({ default, en, … }). */
function text(v: Json): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (isObj(v)) return text(v['default'] ?? v['en'] ?? Object.values(v)[0]);
  return undefined;
}

const SKIPPED = new Set(['html', 'image', 'expression']);

export function fromSurveyJs(json: Json, fallbackCode: string): SurveyDefinition {
  const problems: FieldError[] = [];
  const add = (field: string, message: string, value?: Json) =>
    problems.push(
      value === undefined
        ? { field, message }
        : { field, message, value: typeof value === 'string' ? value : JSON.stringify(value) },
    );
  if (!isObj(json))
    throw badRequest('A SurveyJS definition must be a JSON object.', [{ field: '$', message: 'expected an object' }]);

  const questions: Question[] = [];
  const walk = (elements: Json, path: string, inherited: string[]) => {
    if (!Array.isArray(elements)) {
      add(path, 'expected a list of elements');
      return;
    }
    elements.forEach((el, i) => {
      const at = `${path}[${i}]`;
      if (!isObj(el)) {
        add(at, 'expected an object');
        return;
      }
      const type = typeof el['type'] === 'string' ? el['type'] : '';
      const cond =
        typeof el['visibleIf'] === 'string' && el['visibleIf'].trim() ? [...inherited, el['visibleIf']] : inherited;
      if (type === 'panel') {
        walk(el['elements'] ?? [], `${at}.elements`, cond);
        return;
      }
      if (SKIPPED.has(type)) return;
      const q = question(el, type, at, cond, add);
      if (q) questions.push(q);
    });
  };
  if (Array.isArray(json['pages'])) {
    json['pages'].forEach((page, i) => {
      if (!isObj(page)) {
        add(`$.pages[${i}]`, 'expected an object');
        return;
      }
      const cond = typeof page['visibleIf'] === 'string' && page['visibleIf'].trim() ? [page['visibleIf']] : [];
      walk(page['elements'] ?? page['questions'] ?? [], `$.pages[${i}].elements`, cond);
    });
  } else if (Array.isArray(json['elements']) || Array.isArray(json['questions'])) {
    walk(json['elements'] ?? json['questions'], Array.isArray(json['elements']) ? '$.elements' : '$.questions', []);
  } else {
    add('$', 'a SurveyJS survey needs "pages" (or "elements")');
  }

  const version = json['version'] === undefined ? 1 : Number(json['version']);
  if (!Number.isInteger(version) || version < 1)
    add('$.version', 'the version must be a whole number from 1', json['version']);
  const code = typeof json['code'] === 'string' ? json['code'] : fallbackCode;
  if (problems.length > 0) {
    throw badRequest(
      `The SurveyJS definition has ${problems.length} problem${problems.length === 1 ? '' : 's'}; the first: ${problems[0]!.field}: ${problems[0]!.message}`,
      problems,
    );
  }
  const def: SurveyDefinition = { code, title: text(json['title']) ?? code, version, questions };
  const description = text(json['description']);
  if (description) def.description = description;
  return def;
}

function question(
  el: Obj,
  type: string,
  at: string,
  conditions: string[],
  add: (f: string, m: string, v?: Json) => void,
): Question | null {
  const code = typeof el['name'] === 'string' ? el['name'] : undefined;
  if (!code) {
    add(`${at}.name`, 'every question needs a name (its stable code)');
    return null;
  }
  const kind = kindOf(el, type);
  if (!kind) {
    add(
      `${at}.type`,
      `"${type}" is not in the supported subset (radiogroup, checkbox, dropdown, matrix, rating, boolean, text, comment, panel, html)`,
      type,
    );
    return null;
  }
  const q: Question = {
    code,
    kind,
    text: text(el['title']) ?? code,
    required: el['isRequired'] === true,
    choices: [],
    rows: [],
    nets: [],
    sources: [],
    origin: at,
  };
  const description = text(el['description']);
  if (description) q.description = description;
  if (kind === 'grid') {
    q.choices = choices(el['columns'], `${at}.columns`, add);
    q.rows = choices(el['rows'], `${at}.rows`, add).map((r): GridRow => ({ code: r.code, label: r.label }));
  } else if (type === 'rating') {
    q.choices = Array.isArray(el['rateValues']) ? choices(el['rateValues'], `${at}.rateValues`, add) : ratingScale(el);
  } else if (type === 'boolean') {
    q.choices = [
      { code: 'true', label: text(el['labelTrue']) ?? 'Yes' },
      { code: 'false', label: text(el['labelFalse']) ?? 'No' },
    ];
  } else if (kind !== 'text' && kind !== 'number') {
    q.choices = choices(el['choices'], `${at}.choices`, add);
    if (el['showOtherItem'] === true || el['hasOther'] === true)
      q.choices.push({ code: 'other', label: text(el['otherText']) ?? 'Other' });
    if (el['showNoneItem'] === true || el['hasNone'] === true) {
      const none: Choice = {
        code: el['noneValue'] === undefined ? 'none' : String(el['noneValue']),
        label: text(el['noneText']) ?? 'None of these',
      };
      if (kind === 'multiple') none.exclusive = true;
      q.choices.push(none);
    }
  }
  if (kind === 'number') {
    if (typeof el['min'] === 'number') q.min = el['min'];
    if (typeof el['max'] === 'number') q.max = el['max'];
  }
  q.nets = nets(el['nets'], `${at}.nets`, add);
  q.sources = sources(el['sources'], `${at}.sources`, add);
  if (conditions.length > 0) {
    q.visibleIf = conditions.length === 1 ? conditions[0]! : conditions.map((c) => `(${c})`).join(' and ');
    const parsed = parseCondition(q.visibleIf, `${at}.visibleIf`, add);
    if (parsed) q.condition = parsed;
  }
  return q;
}

function kindOf(el: Obj, type: string): QuestionKind | null {
  switch (type) {
    case 'radiogroup':
    case 'rating':
    case 'boolean':
      return 'single';
    case 'checkbox':
      return 'multiple';
    case 'dropdown':
      return 'dropdown';
    case 'matrix':
      return 'grid';
    case 'comment':
      return 'text';
    case 'text':
      return el['inputType'] === 'number' ? 'number' : 'text';
    default:
      return null;
  }
}

function ratingScale(el: Obj): Choice[] {
  const min = typeof el['rateMin'] === 'number' ? el['rateMin'] : 1;
  const max = typeof el['rateMax'] === 'number' ? el['rateMax'] : 5;
  const out: Choice[] = [];
  for (let v = min; v <= max; v++) out.push({ code: String(v), label: String(v) });
  return out;
}

export function parseCondition(
  src: string,
  field: string,
  add: (f: string, m: string, v?: Json) => void,
): Expr | undefined {
  try {
    return parseExpression(src);
  } catch (err) {
    if (err instanceof ExpressionError) {
      add(field, `${err.message} (at character ${err.position + 1})`, src);
      return undefined;
    }
    throw err;
  }
}

function choices(v: Json, at: string, add: (f: string, m: string, v?: Json) => void): Choice[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    add(at, 'expected a list');
    return [];
  }
  const out: Choice[] = [];
  v.forEach((c, i) => {
    if (typeof c === 'string' || typeof c === 'number') {
      out.push({ code: String(c), label: String(c) });
      return;
    }
    if (isObj(c) && (typeof c['value'] === 'string' || typeof c['value'] === 'number')) {
      const choice: Choice = { code: String(c['value']), label: text(c['text']) ?? String(c['value']) };
      if (c['isExclusive'] === true) choice.exclusive = true;
      out.push(choice);
      return;
    }
    add(`${at}[${i}]`, 'expected a value or an object with "value" and "text"', c);
  });
  return out;
}

function nets(v: Json, at: string, add: (f: string, m: string, v?: Json) => void): Net[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    add(at, 'expected a list of nets');
    return [];
  }
  const out: Net[] = [];
  v.forEach((n, i) => {
    if (isObj(n) && typeof n['code'] === 'string' && Array.isArray(n['codes'])) {
      out.push({ code: n['code'], label: text(n['label'] ?? n['text']) ?? n['code'], codes: n['codes'].map(String) });
    } else {
      add(`${at}[${i}]`, 'a net needs "code", "label" and a list "codes"', n);
    }
  });
  return out;
}

function sources(v: Json, at: string, add: (f: string, m: string, v?: Json) => void): QuestionSource[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    add(at, 'expected a list of sources');
    return [];
  }
  const out: QuestionSource[] = [];
  v.forEach((s, i) => {
    if (
      isObj(s) &&
      Number.isInteger(s['version']) &&
      typeof s['question'] === 'string' &&
      (s['codes'] === undefined || isObj(s['codes']))
    ) {
      const src: QuestionSource = { version: s['version'] as number, question: s['question'] };
      if (isObj(s['codes']))
        src.codes = Object.fromEntries(Object.entries(s['codes']).map(([k, val]) => [k, String(val)]));
      out.push(src);
    } else {
      add(
        `${at}[${i}]`,
        'a source needs "version" (a whole number), "question" and optionally "codes" (old code to new code)',
        s,
      );
    }
  });
  return out;
}
