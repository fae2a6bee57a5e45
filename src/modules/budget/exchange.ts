/**
 * A simulator's whole definition in and out: JSON (the Definition schema) and an XLSX template of six sheets
 * (Simulator: field and value; Gap: year and amount; Items; Levels; Constraints; Population: age, sex and value of the
 * population for weighting, optional), one row per thing, so an officer can
 * fill it in a spreadsheet. Reading names every problem by sheet, row and column (XLSX) or JSON path; nothing is stored
 * here: the service validates (model.ts) and writes in one transaction.
 */
import path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import readXlsxFile from 'read-excel-file/node';
import writeXlsxFile, { type Cell } from 'write-excel-file/node';
import { neutralise } from '../../platform/csv.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import type { Definition, ItemDef, Locate, SectionKind } from './model.ts';
import type { Measure } from './population.ts';
import { SECTION_KINDS, SECTION_TITLES } from './model.ts';
import { Definition as DefinitionSchema } from './schemas.ts';

export const FORMAT = 'sli-budget-simulator/1' as const;

/** The definition as exported: the format named first, every field in a fixed order. */
export const definitionJson = (d: Definition) => ({ format: FORMAT, ...d });

/** A JSON definition: shape errors by JSON path (/sections/0/items/2/baseline). */
export function definitionFromJson(name: string, text: string): { definition: Definition; locate: Locate } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AppError(400, 'invalid-json', `${name} is not JSON: ${(e as Error).message}`);
  }
  if (raw && typeof raw === 'object' && 'format' in raw) {
    const { format, ...rest } = raw as Record<string, unknown>;
    if (format !== FORMAT)
      throw new AppError(400, 'invalid-definition', `${name}: format "${String(format)}" is not ${FORMAT}.`);
    raw = rest;
  }
  if (!Value.Check(DefinitionSchema, raw)) {
    const errors: FieldError[] = [...Value.Errors(DefinitionSchema, raw)].slice(0, 50).map((e) => ({
      field: `${name}:${e.path || '/'}`,
      message: e.message,
      ...(e.value !== undefined && typeof e.value !== 'object' ? { value: String(e.value) } : {}),
    }));
    throw new AppError(400, 'invalid-definition', `${name} is not a budget simulator definition.`, errors);
  }
  return { definition: raw as Definition, locate: (p) => `${name}:${p}` };
}

const ITEM_COLUMNS = [
  'section',
  'code',
  'title',
  'description',
  'baseline',
  'floor',
  'floor_reason',
  'ring_fenced',
  'contractual',
  'source',
] as const;
const LEVEL_COLUMNS = ['item', 'code', 'pct_change', 'consequence'] as const;
const CONSTRAINT_COLUMNS = ['kind', 'item', 'level', 'other_item', 'other_level'] as const;
const GAP_COLUMNS = ['year', 'amount'] as const;
const POPULATION_COLUMNS = ['age', 'sex', 'value'] as const;

type Scalar = string | number | boolean | null | undefined;
const head = (t: string): Cell => ({ value: t, type: String, fontWeight: 'bold' });
const cell = (v: Scalar): Cell =>
  v === null || v === undefined
    ? null
    : typeof v === 'number'
      ? { value: v, type: Number }
      : { value: neutralise(typeof v === 'boolean' ? (v ? 'yes' : 'no') : v), type: String };

/** The XLSX template holding the definition (text cells neutralised: never a formula). */
export async function definitionXlsx(d: Definition): Promise<Buffer> {
  const items = d.sections.flatMap((s) => s.items.map((i) => ({ ...i, kind: s.kind })));
  const sim: Scalar[][] = [
    ['council', d.council],
    ['year', d.year],
    ['title', d.title],
    ['gap_kind', d.gap.kind],
    ['gap_rule', d.gap.rule ?? null],
    ['stated_total', d.statedTotal],
    ['band_d', d.councilTax.bandD],
    ['tax_base', d.councilTax.taxBase],
    ['cap_pct', d.councilTax.capPct],
    ['cap_valid_from', d.councilTax.capValidFrom ?? null],
    // "About you" (optional): the questionnaire, the questions asked (comma list; blank: all), age and sex questions.
    ['about_you_survey', d.aboutYou?.survey ?? null],
    ['about_you_version', d.aboutYou?.version ?? null],
    ['about_you_questions', d.aboutYou?.questions?.join(', ') ?? null],
    ['about_you_age', d.aboutYou?.age ?? null],
    ['about_you_sex', d.aboutYou?.sex ?? null],
    // The population for weighting (optional): its source, date and measure here, its rows on the Population sheet.
    ['population_source', d.population?.source ?? null],
    ['population_date', d.population?.date ?? null],
    ['population_measure', d.population?.measure ?? null],
  ];
  const sheets: { name: string; rows: Scalar[][]; columns: readonly string[] }[] = [
    { name: 'Simulator', columns: ['field', 'value'], rows: sim },
    { name: 'Gap', columns: GAP_COLUMNS, rows: d.gap.years.map((y) => [y.year, y.amount]) },
    {
      name: 'Items',
      columns: ITEM_COLUMNS,
      rows: items.map((i) => [
        i.kind,
        i.code,
        i.title,
        i.description,
        i.baseline,
        i.floor,
        i.floorReason,
        !!i.ringFenced,
        !!i.contractual,
        i.source,
      ]),
    },
    {
      name: 'Levels',
      columns: LEVEL_COLUMNS,
      rows: items.flatMap((i) => i.levels.map((l) => [i.code, l.code, l.pctChange, l.consequence])),
    },
    {
      name: 'Constraints',
      columns: CONSTRAINT_COLUMNS,
      rows: d.constraints.map((c) => [c.kind, c.item, c.level, c.otherItem, c.otherLevel]),
    },
    {
      name: 'Population',
      columns: POPULATION_COLUMNS,
      rows: (d.population?.rows ?? []).map((r) => [r.age, r.sex, r.value]),
    },
  ];
  return writeXlsxFile(
    sheets.map((s) => ({ sheet: s.name, data: [s.columns.map(head), ...s.rows.map((r) => r.map(cell))] })),
  ).toBuffer();
}

/** An XLSX template read back: every problem named by sheet, row and column. */
export async function definitionFromXlsx(
  name: string,
  bytes: Buffer,
): Promise<{ definition: Definition; locate: Locate }> {
  let book: { sheet: string; data: unknown[][] }[];
  try {
    book = (await readXlsxFile(bytes)) as { sheet: string; data: unknown[][] }[];
  } catch (e) {
    throw new AppError(400, 'invalid-xlsx', `${name} is not an XLSX workbook: ${(e as Error).message}`);
  }
  const errors: FieldError[] = [];
  const at = (sheet: string, row: number, column: string) => `${name}: sheet ${sheet}, row ${row}, column ${column}`;
  const table = (sheet: string, columns: readonly string[]) => {
    const data = book.find((s) => s.sheet === sheet)?.data;
    if (!data) {
      errors.push({ field: `${name}: sheet ${sheet}`, message: 'is missing' });
      return [];
    }
    const header = (data[0] ?? []).map((c) => String(c ?? '').trim());
    for (const c of columns)
      if (!header.includes(c)) errors.push({ field: `${name}: sheet ${sheet}, row 1`, message: `has no column ${c}` });
    return data
      .slice(1)
      .map((r, i) => ({ row: i + 2, get: (c: string) => r[header.indexOf(c)] as Scalar }))
      .filter((r) => columns.some((c) => r.get(c) !== null && r.get(c) !== undefined && r.get(c) !== ''));
  };
  const text = (v: Scalar) => (v === null || v === undefined ? '' : String(v).trim());
  const number = (sheet: string, row: number, column: string, v: Scalar, required: boolean): number | null => {
    if (v === null || v === undefined || v === '') {
      if (required) errors.push({ field: at(sheet, row, column), message: 'is required' });
      return null;
    }
    const n = typeof v === 'number' ? v : Number(String(v).replace(/[£,\s]/g, ''));
    if (!Number.isFinite(n)) {
      errors.push({ field: at(sheet, row, column), value: String(v), message: 'is not a number' });
      return null;
    }
    return n;
  };
  const yes = (v: Scalar) => v === true || /^(yes|true|y|1)$/i.test(text(v));

  const sim = new Map(table('Simulator', ['field', 'value']).map((r) => [text(r.get('field')), r]));
  const simText = (f: string) => text(sim.get(f)?.get('value'));
  /** A date cell (read as a Date by the XLSX reader) or text, as YYYY-MM-DD. */
  const simDate = (f: string) => {
    const v = sim.get(f)?.get('value') as unknown;
    return v instanceof Date ? v.toISOString().slice(0, 10) : simText(f);
  };
  const simNumber = (f: string) => number('Simulator', sim.get(f)?.row ?? 0, 'value', sim.get(f)?.get('value'), false);
  for (const f of ['council', 'year', 'title'])
    if (!simText(f)) errors.push({ field: `${name}: sheet Simulator`, message: `has no ${f} row` });
  const gap = table('Gap', GAP_COLUMNS).map((r) => ({
    year: text(r.get('year')),
    amount: number('Gap', r.row, 'amount', r.get('amount'), true) ?? 0,
  }));

  const paths = new Map<string, string>();
  const sections = new Map<SectionKind, ItemDef[]>();
  const items = new Map<string, ItemDef>();
  for (const r of table('Items', ITEM_COLUMNS)) {
    const kind = text(r.get('section')) as SectionKind;
    if (!SECTION_KINDS.includes(kind)) {
      errors.push({
        field: at('Items', r.row, 'section'),
        value: kind,
        message: `must be one of ${SECTION_KINDS.join(', ')}`,
      });
      continue;
    }
    const it: ItemDef = {
      code: text(r.get('code')),
      title: text(r.get('title')),
      description: text(r.get('description')) || null,
      baseline: number('Items', r.row, 'baseline', r.get('baseline'), true) ?? 0,
      floor: number('Items', r.row, 'floor', r.get('floor'), false),
      floorReason: text(r.get('floor_reason')) || null,
      ringFenced: yes(r.get('ring_fenced')),
      contractual: yes(r.get('contractual')),
      source: text(r.get('source')) || null,
      levels: [],
    };
    const list = sections.get(kind) ?? [];
    const base = `sections[${[...sections.keys(), ...(sections.has(kind) ? [] : [kind])].indexOf(kind)}].items[${list.length}]`;
    for (const c of ['code', 'title', 'description', 'baseline', 'floor', 'floorReason'])
      paths.set(`${base}.${c}`, at('Items', r.row, c === 'floorReason' ? 'floor_reason' : c));
    paths.set(base, at('Items', r.row, 'code'));
    list.push(it);
    sections.set(kind, list);
    if (items.has(it.code))
      errors.push({ field: at('Items', r.row, 'code'), value: it.code, message: 'is used by another item' });
    items.set(it.code, it);
    (it as ItemDef & { _path?: string })._path = base;
  }
  for (const r of table('Levels', LEVEL_COLUMNS)) {
    const code = text(r.get('item'));
    const it = items.get(code) as (ItemDef & { _path?: string }) | undefined;
    if (!it) {
      errors.push({ field: at('Levels', r.row, 'item'), value: code, message: 'is not an item on the Items sheet' });
      continue;
    }
    const lp = `${it._path}.levels[${it.levels.length}]`;
    paths.set(`${lp}.code`, at('Levels', r.row, 'code'));
    paths.set(`${lp}.pctChange`, at('Levels', r.row, 'pct_change'));
    paths.set(`${lp}.consequence`, at('Levels', r.row, 'consequence'));
    it.levels.push({
      code: text(r.get('code')),
      pctChange: number('Levels', r.row, 'pct_change', r.get('pct_change'), true) ?? 0,
      consequence: text(r.get('consequence')),
    });
  }
  for (const it of items.values()) {
    const p = (it as ItemDef & { _path?: string })._path!;
    paths.set(`${p}.levels`, `${paths.get(p)} (no rows on the Levels sheet)`);
    delete (it as ItemDef & { _path?: string })._path;
  }
  const constraints = table('Constraints', CONSTRAINT_COLUMNS).map((r, i) => {
    for (const [f, c] of [
      ['kind', 'kind'],
      ['item', 'item'],
      ['level', 'level'],
      ['otherItem', 'other_item'],
      ['otherLevel', 'other_level'],
    ])
      paths.set(`constraints[${i}].${f}`, at('Constraints', r.row, c!));
    paths.set(`constraints[${i}]`, `${name}: sheet Constraints, row ${r.row}`);
    return {
      kind: text(r.get('kind')) as 'requires' | 'excludes',
      item: text(r.get('item')),
      level: text(r.get('level')),
      otherItem: text(r.get('other_item')),
      otherLevel: text(r.get('other_level')),
    };
  });
  // The Population sheet is optional (templates from before it had none).
  const populationRows = book.some((x) => x.sheet === 'Population')
    ? table('Population', POPULATION_COLUMNS).map((r, i) => {
        paths.set(`population.rows[${i}]`, `${name}: sheet Population, row ${r.row}`);
        for (const c of POPULATION_COLUMNS) paths.set(`population.rows[${i}].${c}`, at('Population', r.row, c));
        return {
          age: text(r.get('age')) || null,
          sex: text(r.get('sex')) || null,
          value: number('Population', r.row, 'value', r.get('value'), true) ?? 0,
        };
      })
    : [];
  if (errors.length) throw new AppError(400, 'invalid-definition', `${name} could not be read.`, errors);
  const fields: Record<string, string> = {
    title: 'title',
    year: 'year',
    statedTotal: 'stated_total',
    'councilTax.bandD': 'band_d',
    'councilTax.taxBase': 'tax_base',
    'councilTax.capPct': 'cap_pct',
    'gap.kind': 'gap_kind',
    'gap.rule': 'gap_rule',
    'aboutYou.survey': 'about_you_survey',
    'aboutYou.age': 'about_you_age',
    'aboutYou.sex': 'about_you_sex',
    'population.source': 'population_source',
    'population.date': 'population_date',
    'population.measure': 'population_measure',
  };
  const aboutQuestions = simText('about_you_questions')
    .split(',')
    .map((q) => q.trim())
    .filter(Boolean);
  aboutQuestions.forEach((q, i) =>
    paths.set(
      `aboutYou.questions[${i}]`,
      `${name}: sheet Simulator, row ${sim.get('about_you_questions')?.row ?? '?'}, column value (question ${q})`,
    ),
  );
  for (const [p, f] of Object.entries(fields))
    paths.set(p, `${name}: sheet Simulator, row ${sim.get(f)?.row ?? '?'}, column value (${f})`);
  gap.forEach((_, i) => {
    paths.set(`gap.years[${i}].year`, at('Gap', i + 2, 'year'));
    paths.set(`gap.years[${i}].amount`, at('Gap', i + 2, 'amount'));
  });
  const definition: Definition = {
    council: simText('council').toUpperCase(),
    year: simText('year'),
    title: simText('title'),
    gap: {
      kind: (simText('gap_kind') || 'one-year') as Definition['gap']['kind'],
      rule: (simText('gap_rule') || null) as Definition['gap']['rule'],
      years: gap,
    },
    statedTotal: simNumber('stated_total'),
    councilTax: {
      bandD: simNumber('band_d'),
      taxBase: simNumber('tax_base'),
      capPct: simNumber('cap_pct'),
      capValidFrom: simText('cap_valid_from') || null,
    },
    sections: [...sections].map(([kind, list]) => ({ kind, title: SECTION_TITLES[kind], items: list })),
    constraints,
    ...(simText('about_you_survey')
      ? {
          aboutYou: {
            survey: simText('about_you_survey'),
            version: simNumber('about_you_version') ?? 1,
            questions: aboutQuestions,
            age: simText('about_you_age') || null,
            sex: simText('about_you_sex') || null,
          },
        }
      : {}),
    ...(simText('population_source') || simText('population_date') || populationRows.length
      ? {
          population: {
            source: simText('population_source'),
            date: simDate('population_date'),
            measure: (simText('population_measure') || 'count') as Measure,
            rows: populationRows,
          },
        }
      : {}),
  };
  if (!sim.has('population_date')) paths.set('population.date', `${name}: sheet Simulator (no population_date row)`);
  if (!populationRows.length) paths.set('population.rows', `${name}: sheet Population (no rows)`);
  return { definition, locate: (p) => paths.get(p) ?? `${name}: ${p}` };
}

/** A definition from a file by its extension (.json or .xlsx). */
export async function definitionFromFile(
  file: string,
  bytes: Buffer,
): Promise<{ definition: Definition; locate: Locate }> {
  const name = path.basename(file);
  if (/\.xlsx$/i.test(name)) return definitionFromXlsx(name, bytes);
  if (/\.json$/i.test(name)) return definitionFromJson(name, bytes.toString('utf8'));
  throw new AppError(400, 'unknown-format', `${name}: give a .json or .xlsx file.`);
}
