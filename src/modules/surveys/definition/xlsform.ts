/**
 * Reads an XLSForm spreadsheet (sheets `survey`, `choices`, optional `settings`, and our optional `nets`) into the
 * definition model. Supported: select_one LIST (appearance `minimal` makes a dropdown), select_multiple LIST, text,
 * integer, decimal; `relevant` conditions (groups' conditions are combined with their questions'); `${CODE}` piping in
 * labels; a group with appearance `table-list` whose questions all use one choice list becomes a grid.
 * Display-only and metadata rows (note, calculate, start, end, today, deviceid…) are skipped. Our additions: a
 * `exclusive` column on the choices sheet (yes = "none of these"), and a `nets` sheet (list_name, name, label, choices
 * as space-separated codes). Problems name the sheet, row and column.
 */
import readExcelFile from 'read-excel-file/node';
import { badRequest, type FieldError } from '../../../platform/errors.ts';
import { parseCondition } from './surveyjs.ts';
import type { Choice, Net, Question, QuestionKind, SurveyDefinition } from './types.ts';

type Cell = string | number | boolean | Date | null;
interface SheetRow {
  row: number;
  get(column: string): string;
}

const SKIPPED = new Set([
  'note',
  'calculate',
  'start',
  'end',
  'today',
  'deviceid',
  'username',
  'simserial',
  'subscriberid',
  'phonenumber',
  'audit',
  'hidden',
]);
const YES = new Set(['yes', 'true', '1', 'true()']);

function sheetRows(
  name: string,
  data: Cell[][] | undefined,
  add: (f: string, m: string, v?: string) => void,
): SheetRow[] {
  if (!data || data.length === 0) return [];
  const header = (data[0] ?? []).map((h) =>
    String(h ?? '')
      .trim()
      .toLowerCase(),
  );
  const col = (column: string) => {
    const exact = header.indexOf(column);
    return exact >= 0 ? exact : header.findIndex((h) => h.startsWith(`${column}::`));
  };
  const rows: SheetRow[] = [];
  data.slice(1).forEach((cells, i) => {
    if (cells.every((c) => c === null || String(c).trim() === '')) return;
    rows.push({
      row: i + 2,
      get: (column) => {
        const k = col(column);
        const v = k < 0 ? null : cells[k];
        return v === null || v === undefined ? '' : String(v).trim();
      },
    });
  });
  if (header.length === 0) add(name, 'the sheet has no header row');
  return rows;
}

export async function fromXlsForm(file: string | Buffer, fallbackCode: string): Promise<SurveyDefinition> {
  const sheets = await readExcelFile(file);
  const byName = new Map(sheets.map((s) => [s.sheet.trim().toLowerCase(), s.data as Cell[][]]));
  const problems: FieldError[] = [];
  const add = (field: string, message: string, value?: string) =>
    problems.push(value === undefined ? { field, message } : { field, message, value });
  if (!byName.has('survey'))
    add('survey', `an XLSForm needs a sheet called "survey" (found: ${sheets.map((s) => s.sheet).join(', ')})`);

  const lists = new Map<string, Choice[]>();
  for (const r of sheetRows('choices', byName.get('choices'), add)) {
    const list = r.get('list_name') || r.get('list name');
    const name = r.get('name'),
      label = r.get('label');
    if (!list || !name) {
      add(`choices row ${r.row}`, 'every choice needs list_name and name');
      continue;
    }
    const choice: Choice = { code: name, label: label || name };
    if (YES.has(r.get('exclusive').toLowerCase())) choice.exclusive = true;
    lists.set(list, [...(lists.get(list) ?? []), choice]);
  }
  const netsByList = new Map<string, Net[]>();
  for (const r of sheetRows('nets', byName.get('nets'), add)) {
    const list = r.get('list_name'),
      name = r.get('name');
    if (!list || !name || !r.get('choices')) {
      add(`nets row ${r.row}`, 'every net needs list_name, name and choices (space-separated codes)');
      continue;
    }
    if (!lists.has(list)) add(`nets row ${r.row}, column list_name`, `there is no choice list "${list}"`, list);
    netsByList.set(list, [
      ...(netsByList.get(list) ?? []),
      { code: name, label: r.get('label') || name, codes: r.get('choices').split(/\s+/) },
    ]);
  }
  const settings = sheetRows('settings', byName.get('settings'), add)[0];

  const questions: Question[] = [];
  const groups: Array<{ name: string; relevant: string; grid: Question | null; row: number }> = [];
  const conditionsNow = () => groups.map((g) => g.relevant).filter(Boolean);
  for (const r of sheetRows('survey', byName.get('survey'), add)) {
    const at = `survey row ${r.row}`;
    const [type = '', list] = r
      .get('type')
      .replace(/^(begin|end)_/, '$1 ')
      .split(/\s+/);
    const typeText = r.get('type').toLowerCase().replace('_', ' ');
    const name = r.get('name');
    const label = pipe(r.get('label'));
    if (typeText === 'begin group' || typeText === 'begin repeat') {
      if (typeText === 'begin repeat')
        add(`${at}, column type`, 'repeats are not supported: a survey asks each question once', r.get('type'));
      const asGrid = r.get('appearance').toLowerCase().includes('table-list');
      const grid: Question | null = asGrid
        ? {
            code: name,
            kind: 'grid',
            text: label || name,
            required: false,
            choices: [],
            rows: [],
            nets: [],
            sources: [],
            origin: at,
          }
        : null;
      groups.push({ name, relevant: r.get('relevant'), grid, row: r.row });
      continue;
    }
    if (typeText === 'end group' || typeText === 'end repeat') {
      const g = groups.pop();
      if (!g) {
        add(`${at}, column type`, '"end group" without a "begin group"');
        continue;
      }
      if (g.grid) {
        if (g.grid.rows.length === 0) add(g.grid.origin, 'a table-list group needs select_one questions as its rows');
        const conds = conditionsNow().concat(g.relevant ? [g.relevant] : []);
        setCondition(g.grid, conds, add);
        questions.push(g.grid);
      }
      continue;
    }
    if (SKIPPED.has(type.toLowerCase())) continue;
    const kind = kindOf(type.toLowerCase(), r.get('appearance').toLowerCase());
    if (!kind) {
      add(
        `${at}, column type`,
        `"${r.get('type')}" is not in the supported subset (select_one, select_multiple, text, integer, decimal, begin/end group, note)`,
        r.get('type'),
      );
      continue;
    }
    if (!name) {
      add(`${at}, column name`, 'every question needs a name (its stable code)');
      continue;
    }
    const choices = kind === 'text' || kind === 'number' ? [] : list ? lists.get(list) : undefined;
    if (!choices) {
      add(
        `${at}, column type`,
        list ? `there is no choice list "${list}" on the choices sheet` : `"${type}" needs a choice list name`,
        r.get('type'),
      );
      continue;
    }
    const grid = groups.at(-1)?.grid;
    if (grid) {
      if (kind !== 'single' && kind !== 'dropdown') {
        add(`${at}, column type`, 'a table-list group (grid) may hold only select_one questions with one choice list');
        continue;
      }
      if (grid.rows.length === 0) {
        grid.choices = choices;
        grid.nets = netsByList.get(list!) ?? [];
      } else if (grid.choices !== choices)
        add(`${at}, column type`, `every row of the grid "${grid.code}" must use the same choice list`, r.get('type'));
      grid.rows.push({ code: name, label: label || name });
      if (r.get('relevant'))
        add(`${at}, column relevant`, 'a grid row cannot have its own condition; put it on the group');
      continue;
    }
    const q: Question = {
      code: name,
      kind,
      text: label || name,
      required: YES.has(r.get('required').toLowerCase()),
      choices,
      rows: [],
      nets: list ? (netsByList.get(list) ?? []) : [],
      sources: [],
      origin: at,
    };
    if (r.get('hint')) q.description = r.get('hint');
    setCondition(q, conditionsNow().concat(r.get('relevant') ? [r.get('relevant')] : []), add);
    questions.push(q);
  }
  for (const g of groups) add(`survey row ${g.row}`, `group "${g.name}" is never closed with "end group"`);

  const versionText = settings?.get('version') ?? '';
  const version = versionText === '' ? 1 : Number(versionText);
  if (!Number.isInteger(version) || version < 1)
    add('settings row 2, column version', 'the version must be a whole number from 1', versionText);
  if (problems.length > 0) {
    throw badRequest(
      `The XLSForm has ${problems.length} problem${problems.length === 1 ? '' : 's'}; the first: ${problems[0]!.field}: ${problems[0]!.message}`,
      problems,
    );
  }
  const code = settings?.get('form_id') || fallbackCode;
  return { code, title: settings?.get('form_title') || code, version, questions };
}

function kindOf(type: string, appearance: string): QuestionKind | null {
  switch (type) {
    case 'select_one':
      return appearance.includes('minimal') ? 'dropdown' : 'single';
    case 'select_multiple':
      return 'multiple';
    case 'text':
      return 'text';
    case 'integer':
    case 'decimal':
      return 'number';
    default:
      return null;
  }
}

/** XLSForm pipes with ${CODE}; our question text uses {CODE}. */
const pipe = (label: string) => label.replace(/\$\{([A-Za-z_][\w-]*)\}/g, '{$1}');

function setCondition(q: Question, conditions: string[], add: (f: string, m: string, v?: string) => void) {
  if (conditions.length === 0) return;
  q.visibleIf = conditions.length === 1 ? conditions[0]! : conditions.map((c) => `(${c})`).join(' and ');
  const parsed = parseCondition(q.visibleIf, `${q.origin}, column relevant`, (f, m, v) =>
    add(f, m, typeof v === 'string' ? v : undefined),
  );
  if (parsed) q.condition = parsed;
}
