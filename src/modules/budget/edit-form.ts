/**
 * The officers' edit forms read into a definition, pure: the definition page (title, year, the gap and its rule, the
 * stated total, council tax and its cap, section titles) and an item's page (title, baseline, floor and its reason,
 * flags, its options with their consequences). A figure that is not a number is named here; everything else is
 * checked by the model's one rule (validateDefinition), whose paths `describe` turns into the form's field and words
 * naming the item and field for the error summary.
 */
import type { FieldError } from '../../platform/errors.ts';
import {
  flatItems,
  GAP_KINDS,
  GAP_RULES,
  type ConstraintDef,
  type Definition,
  type GapKind,
  type GapRule,
  type ItemDef,
} from './model.ts';

type FormBody = Record<string, string>;

/** Blank rows the forms offer for a new year or a new option. */
export const SPARE_YEARS = 1;
export const SPARE_LEVELS = 2;

const FIELD_WORDS: Record<string, string> = {
  title: 'title',
  year: 'year',
  statedTotal: 'stated total',
  'gap.kind': 'kind of gap',
  'gap.rule': 'balance rule',
  'gap.years': 'years of the gap',
  'councilTax.bandD': 'Band D',
  'councilTax.taxBase': 'tax base',
  'councilTax.capPct': 'referendum cap',
  'councilTax.capValidFrom': 'cap valid from',
  code: 'code',
  description: 'description',
  baseline: 'baseline',
  floor: 'floor',
  floorReason: 'reason for the floor',
  levels: 'options',
  pctChange: 'change (%)',
  consequence: 'consequence',
};
const FORM_IDS: Record<string, string> = {
  'gap.kind': 'gapKind',
  'gap.rule': 'gapRule',
  'gap.years': 'year-0',
  'councilTax.bandD': 'bandD',
  'councilTax.taxBase': 'taxBase',
  'councilTax.capPct': 'capPct',
  'councilTax.capValidFrom': 'capValidFrom',
};

/**
 * Where a validation path points on the edit pages: the form field's id (on the item's own page for an item's fields,
 * `#item-{code}` on the definition page otherwise) and the words naming it ("Libraries, option 2 (cut-10), change
 * (%)").
 */
export function describe(
  d: Definition,
  path: string,
  onItem?: string,
): { id: string; words: string; item?: string | undefined } {
  const item = /^sections\[(\d+)\]\.items\[(\d+)\](?:\.(\w+))?(?:\[(\d+)\]\.(\w+))?/.exec(path);
  if (item) {
    const it = d.sections[Number(item[1])]?.items[Number(item[2])];
    const code = it?.code ?? '';
    const field = item[5] ?? item[3] ?? 'code';
    const level = item[4] !== undefined ? Number(item[4]) : null;
    const levelWords =
      level !== null ? `option ${level + 1}${it?.levels[level] ? ` (${it.levels[level].code})` : ''}, ` : '';
    const words = `${it?.title ?? code}, ${levelWords}${FIELD_WORDS[field] ?? field}`;
    const local = level !== null ? `level-${level}-${field}` : field === 'levels' ? 'level-0-code' : field;
    return { id: onItem === code ? local : `item-${code}`, words, item: code };
  }
  const section = /^sections\[(\d+)\]\.(\w+)/.exec(path);
  if (section)
    return { id: `section-${section[1]}-${section[2]}`, words: `Section ${Number(section[1]) + 1}, ${section[2]}` };
  const year = /^gap\.years\[(\d+)\]\.(year|amount)/.exec(path);
  if (year) return { id: `${year[2]}-${year[1]}`, words: `Gap, year ${Number(year[1]) + 1}, ${year[2]}` };
  if (path.startsWith('constraints'))
    return { id: 'constraints', words: `Rule ${Number(/\d+/.exec(path)?.[0] ?? 0) + 1}` };
  return { id: FORM_IDS[path] ?? path.replace(/\W/g, '-'), words: FIELD_WORDS[path] ?? path };
}

/** A figure typed into a form: blank is null; anything not a number an error naming the field. */
function figure(body: FormBody, id: string, words: string, errors: FieldError[]): number | null {
  const raw = (body[id] ?? '').trim();
  if (raw === '') return null;
  const n = Number(raw.replace(/[£,%\s]/g, ''));
  if (!Number.isFinite(n)) {
    errors.push({ field: id, value: raw, message: `${words}: enter a number, such as 1500000` });
    return null;
  }
  return n;
}

/** The definition page's form read over a definition: the definition changed, or the figures that are not numbers. */
export function definitionFromForm(d: Definition, body: FormBody): { definition: Definition; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const kind = (GAP_KINDS as readonly string[]).includes(body.gapKind ?? '') ? (body.gapKind as GapKind) : d.gap.kind;
  const rule = (GAP_RULES as readonly string[]).includes(body.gapRule ?? '') ? (body.gapRule as GapRule) : null;
  const years: Definition['gap']['years'] = [];
  for (let i = 0; i < d.gap.years.length + SPARE_YEARS; i++) {
    const year = (body[`year-${i}`] ?? '').trim();
    const amount = figure(body, `amount-${i}`, `Gap, year ${i + 1}, amount`, errors);
    if (year === '' && amount === null) continue;
    if (amount === null && !errors.some((e) => e.field === `amount-${i}`))
      errors.push({ field: `amount-${i}`, message: `Gap, year ${i + 1}, amount: enter the gap in £` });
    years.push({ year, amount: amount ?? 0 });
  }
  const definition: Definition = {
    ...d,
    title: (body.title ?? '').trim(),
    year: (body.year ?? '').trim(),
    statedTotal: figure(body, 'statedTotal', 'Stated total', errors),
    gap: { kind, rule: kind === 'multi-year' ? (rule ?? 'each-year') : null, years },
    councilTax: {
      bandD: figure(body, 'bandD', 'Band D', errors),
      taxBase: figure(body, 'taxBase', 'Tax base', errors),
      capPct: figure(body, 'capPct', 'Referendum cap', errors),
      capValidFrom: (body.capValidFrom ?? '').trim() || null,
    },
    sections: d.sections.map((s, i) => ({
      ...s,
      title: (body[`section-${i}-title`] ?? s.title).trim(),
      intro: (body[`section-${i}-intro`] ?? s.intro ?? '').trim() || null,
    })),
  };
  return { definition, errors };
}

/** An item's form read: the item changed (a blank option row dropped), or the figures that are not numbers. */
export function itemFromForm(it: ItemDef, body: FormBody): { item: ItemDef; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const levels: ItemDef['levels'] = [];
  for (let i = 0; i < it.levels.length + SPARE_LEVELS; i++) {
    const code = (body[`level-${i}-code`] ?? '').trim();
    const consequence = (body[`level-${i}-consequence`] ?? '').trim();
    const pctChange = figure(body, `level-${i}-pctChange`, `${it.title}, option ${i + 1}, change (%)`, errors);
    if (code === '' && consequence === '' && pctChange === null) continue;
    if (pctChange === null && !errors.some((e) => e.field === `level-${i}-pctChange`))
      errors.push({
        field: `level-${i}-pctChange`,
        message: `${it.title}, option ${i + 1}, change (%): enter a percentage, such as -10`,
      });
    levels.push({ code, pctChange: pctChange ?? 0, consequence });
  }
  const baseline = figure(body, 'baseline', `${it.title}, baseline`, errors);
  if (baseline === null && !errors.some((e) => e.field === 'baseline'))
    errors.push({ field: 'baseline', message: `${it.title}, baseline: enter the budget in £ a year` });
  return {
    item: {
      ...it,
      title: (body.title ?? '').trim(),
      description: (body.description ?? '').trim() || null,
      baseline: baseline ?? it.baseline,
      floor: figure(body, 'floor', `${it.title}, floor`, errors),
      floorReason: (body.floorReason ?? '').trim() || null,
      ringFenced: body.ringFenced === 'yes',
      contractual: body.contractual === 'yes',
      levels,
    },
    errors,
  };
}

/** The two kinds of rule between choices, as the form words them. */
export const RULE_KINDS = [
  { value: 'requires', text: 'they must also choose' },
  { value: 'excludes', text: 'they cannot also choose' },
] as const;

/** A rule in words: "If a resident chooses Parks: Mow less often, they must also choose Roads: As now". */
export function ruleText(d: Definition, c: ConstraintDef): string {
  const items = flatItems(d);
  const choice = (item: string, level: string) => {
    const it = items.find((i) => i.code === item);
    const l = it?.levels.find((x) => x.code === level);
    return it && l ? `${it.title}: ${l.consequence} (${level})` : `${item} “${level}”`;
  };
  const kind = RULE_KINDS.find((k) => k.value === c.kind)?.text ?? c.kind;
  return `If a resident chooses ${choice(c.item, c.level)}, ${kind} ${choice(c.otherItem, c.otherLevel)}`;
}

/**
 * The rule page's form read: `when` and `then` are "item|option" choices, `kind` requires or excludes. A blank field
 * is named here; an option that is not the simulator's, or a rule contradicting the others, by the model's rule.
 */
export function ruleFromForm(body: { when: string; kind: string; then: string }): {
  constraint: ConstraintDef;
  errors: FieldError[];
} {
  const errors: FieldError[] = [];
  const [item = '', level = ''] = body.when.split('|');
  const [otherItem = '', otherLevel = ''] = body.then.split('|');
  if (!item) errors.push({ field: 'when', message: 'Choose the option the rule starts from' });
  if (body.kind !== 'requires' && body.kind !== 'excludes')
    errors.push({ field: 'kind', message: 'Choose whether the resident must also choose, or cannot also choose' });
  if (!otherItem) errors.push({ field: 'then', message: 'Choose the option the rule requires or excludes' });
  const kind: ConstraintDef['kind'] = body.kind === 'excludes' ? 'excludes' : 'requires';
  return { constraint: { kind, item, level, otherItem, otherLevel }, errors };
}
