/**
 * Ofsted's inspections of local authority children's services (ILACS): the latest judgements per council, as scraped
 * by data-to-insight's ofsted-ilacs-scrape-tool (SOURCES.md): ofsted_ilacs_latest_judgement_by_la.csv with `urn,
 * la_code` (DfE's three-digit LA number), `ltla23cd`, `local_authority`, `inspection_link`,
 * `overall_effectiveness_grade`, `inspection_framework`, `inspection_start_date`, `inspection_end_date`,
 * `publication_date` and the sub-judgements `impact_of_leaders_grade`, `help_and_protection_grade`, `in_care_grade`,
 * `care_leavers_grade`.
 *
 * Five categorical metrics (Outstanding, Good, Requires improvement, Inadequate; the first is the best), one per
 * judgement column. A council is found by its DfE LA number through LAIT's crosswalk
 * (lait_la_number_to_gss_crosswalk.csv, read by the lait adapter's reader), never by `ltla23cd`, whose codes are of
 * mixed vintage (Buckinghamshire and North Yorkshire under their old county codes, Cumberland and Westmorland and
 * Furness both under Cumbria's); a judgement published before a unitary existed is filed under the county that kept
 * the DfE number, as in lait. The period is the day the report was published (`YYYY-MM-DD/P1D`): a judgement stands
 * until the next one. A blank grade is stored as not available (x); `inspection_pre_dates_judgement` (the separate
 * care leavers judgement began in January 2023) as not applicable (z). Both are counted in the summary.
 *
 * Files: the judgements file and the crosswalk, in any order; given only the judgements file, the crosswalk is looked
 * for where the shared data keeps it (../dfe_lait/ beside the judgements file's folder) and the summary says so.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AdapterContext, ImportAdapter, ImportItem } from '../adapter.ts';
import type { MetricCategory, MetricDefinition } from '../../metrics/index.ts';
import { fromIso, type Period, type StatusCode } from '../../observations/index.ts';
import { filesByKind, ImportFileError, readCsv, readHeader } from '../csv.ts';
import { fileUnder, LAIT_CROSSWALK, readCrosswalk } from './lait.ts';
import { UPPER_TIER } from './tiers.ts';

const NAME = 'ofsted-ilacs';
const PREFIX = 'ofsted-ilacs';
const FILE = 'ofsted_ilacs_latest_judgement_by_la.csv';
const REQUIRED = [
  'urn',
  'la_code',
  'ltla23cd',
  'local_authority',
  'inspection_link',
  'overall_effectiveness_grade',
  'inspection_framework',
  'inspection_start_date',
  'inspection_end_date',
  'publication_date',
  'impact_of_leaders_grade',
  'help_and_protection_grade',
  'in_care_grade',
  'care_leavers_grade',
];
const URL = 'https://reports.ofsted.gov.uk/';
const display = (file: string) => path.relative(process.cwd(), file) || file;

/** Ofsted's four-point scale, best first (polarity lower-is-better: the first category is the best). */
export const OFSTED_GRADES: MetricCategory[] = [
  { code: 'outstanding', label: 'Outstanding' },
  { code: 'good', label: 'Good' },
  { code: 'requires-improvement', label: 'Requires improvement' },
  { code: 'inadequate', label: 'Inadequate' },
];
/** The file's grade text (lower case) to the position stored. */
const POSITION = new Map(OFSTED_GRADES.map((g, i) => [g.label.toLowerCase(), i + 1]));
const PRE_DATES = 'inspection_pre_dates_judgement';

interface Judgement {
  column: string;
  code: string;
  title: string;
  short: string;
  description: string;
}

const JUDGEMENTS: Judgement[] = [
  {
    column: 'overall_effectiveness_grade',
    code: `${PREFIX}.overall-effectiveness`,
    title: "Ofsted children's services: overall effectiveness",
    short: 'Ofsted ILACS overall',
    description:
      "Ofsted's judgement of the overall effectiveness of the council's children's services at its latest inspection.",
  },
  {
    column: 'impact_of_leaders_grade',
    code: `${PREFIX}.impact-of-leaders`,
    title: "Ofsted children's services: the impact of leaders on social work practice with children and families",
    short: 'Ofsted ILACS leaders',
    description: "Ofsted's judgement of the impact of leaders on social work practice with children and families.",
  },
  {
    column: 'help_and_protection_grade',
    code: `${PREFIX}.help-and-protection`,
    title: "Ofsted children's services: the experiences and progress of children who need help and protection",
    short: 'Ofsted ILACS help and protection',
    description: "Ofsted's judgement of the experiences and progress of children who need help and protection.",
  },
  {
    column: 'in_care_grade',
    code: `${PREFIX}.children-in-care`,
    title: "Ofsted children's services: the experiences and progress of children in care",
    short: 'Ofsted ILACS children in care',
    description:
      "Ofsted's judgement of the experiences and progress of children in care (with care leavers in inspections before January 2023).",
  },
  {
    column: 'care_leavers_grade',
    code: `${PREFIX}.care-leavers`,
    title: "Ofsted children's services: the experiences and progress of care leavers",
    short: 'Ofsted ILACS care leavers',
    description:
      "Ofsted's judgement of the experiences and progress of care leavers, judged on its own since January 2023.",
  },
];

const CAVEATS =
  'A judgement, not a measurement: shown as its label and compared by counting councils per judgement, never averaged. ' +
  "Each council's latest inspection, published on the date given; councils were inspected in different years under short or standard inspections, so a group's judgements are of different dates. " +
  'From a scrape of Ofsted reports (data-to-insight ofsted-ilacs-scrape-tool): check a judgement against the report before relying on it.';

export const OFSTED_ILACS_METRICS: MetricDefinition[] = JUDGEMENTS.map((j) => ({
  code: j.code,
  title: j.title,
  shortTitle: j.short,
  description: j.description,
  definition: `Ofsted, inspections of local authority children's services (ILACS), column ${j.column} of ${FILE}: the latest judgement, dated by the report's publication.`,
  caveats: CAVEATS,
  topic: 'children-young-people',
  subtopic: "Children's social care",
  unit: 'Ofsted judgement',
  unitType: 'category',
  categories: OFSTED_GRADES,
  decimalPlaces: 0,
  polarity: 'lower-is-better',
  periodType: 'day',
  applicableAreaTypes: [...UPPER_TIER],
  source: {
    publisher: 'Ofsted',
    url: URL,
    licence: 'OGL-UK-3.0',
    attribution:
      // OGL's own attribution statement, as the other publishers' (the brand's words, "Crown copyright", are GOV.UK's).
      'Ofsted inspection reports, compiled by data-to-insight (MIT). Contains public sector information licensed under the Open Government Licence v3.0.',
  },
  statisticsStatus: 'management-information',
  publisherCode: j.column,
}));

/** `dd/mm/yy` or `dd/mm/yyyy` as an ISO date, or why not. */
export function ofstedDate(raw: string): string | { problem: string } {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(raw.trim());
  if (!m) return { problem: `"${raw}" is not a date written dd/mm/yy or dd/mm/yyyy` };
  const year = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  const iso = `${year}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso)
    return { problem: `${raw} is not a real date` };
  return iso;
}

/** A grade cell: its position, or a marker with the reason, or a problem. */
export function gradeCell(
  raw: string,
): { value: number; status: StatusCode[] } | { value: null; status: StatusCode[]; why: string } | { problem: string } {
  const text = raw.trim().toLowerCase();
  if (text === '') return { value: null, status: ['x'], why: 'no grade given in the file' };
  if (text === PRE_DATES)
    return { value: null, status: ['z'], why: 'the inspection was before Ofsted judged care leavers separately' };
  const position = POSITION.get(text.replace(/\s+/g, ' '));
  if (position === undefined)
    return { problem: `"${raw}" is not an Ofsted judgement: expected ${OFSTED_GRADES.map((g) => g.label).join(', ')}` };
  return { value: position, status: [] };
}

type Kind = 'judgements' | 'crosswalk';

async function kindOf(file: string): Promise<Kind> {
  const header = new Set(await readHeader(file).catch(() => []));
  if (REQUIRED.every((c) => header.has(c))) return 'judgements';
  if (LAIT_CROSSWALK.columns.every((c) => header.has(c))) return 'crosswalk';
  for await (const _row of readCsv(file, { required: REQUIRED, adapter: NAME })) break; // names the missing columns
  throw new ImportFileError({ file: display(file), line: 1 }, `this is not a ${NAME} file`, { wrongHeader: true });
}

async function filesOf(files: string[], ctx: AdapterContext): Promise<Map<Kind, string>> {
  if (files.length < 1 || files.length > 2)
    throw new ImportFileError(
      { file: display(files[0] ?? '.'), line: 0 },
      `${NAME} takes ${FILE} and, optionally, ${LAIT_CROSSWALK.file}; ${files.length} files given`,
    );
  const byKind = await filesByKind(files, kindOf);
  const judgements = byKind.get('judgements');
  if (!judgements)
    throw new ImportFileError({ file: display(files[0]!), line: 0 }, `${NAME} needs ${FILE} (the judgements)`);
  if (!byKind.has('crosswalk')) {
    const beside = path.join(path.dirname(path.dirname(judgements)), 'dfe_lait', LAIT_CROSSWALK.file);
    if (!existsSync(beside))
      throw new ImportFileError(
        { file: display(judgements), line: 0 },
        `councils are joined on their DfE LA number: give ${LAIT_CROSSWALK.file} as well (not found at ${display(beside)})`,
      );
    byKind.set('crosswalk', beside);
    ctx.notice?.(`DfE LA numbers joined through ${display(beside)}`);
  }
  return byKind;
}

async function* read(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  const byKind = await filesOf(files, ctx);
  const crosswalk = await readCrosswalk(byKind.get('crosswalk')!, ctx, NAME);
  const file = byKind.get('judgements')!;
  const seen = new Map<string, number>();
  let first = true;
  let recoded = 0;
  const markers = new Map<string, number>();
  for await (const row of readCsv(file, { required: REQUIRED, adapter: NAME }, { progress: (b) => ctx.progress(b) })) {
    if (first) {
      for (const metric of OFSTED_ILACS_METRICS) yield { kind: 'metric', metric, at: row.at };
      first = false;
    }
    const la = (row.get('la_code') ?? '').trim();
    const cw = crosswalk.get(la);
    if (!/^\d{3}$/.test(la) || !cw) {
      const why = /^\d{3}$/.test(la) ? `is not in ${LAIT_CROSSWALK.file}` : 'is not a three-digit DfE LA number';
      ctx.error({ at: row.at, field: 'la_code', value: la, message: `DfE LA number "${la}" ${why}` });
      continue;
    }
    const earlier = seen.get(la);
    if (earlier !== undefined) {
      const message = `DfE LA number ${la} is listed twice (first at line ${earlier}); the file holds one latest inspection per council`;
      ctx.error({ at: row.at, field: 'la_code', value: la, message });
      continue;
    }
    seen.set(la, row.at.line);
    const published = ofstedDate(row.get('publication_date') ?? '');
    if (typeof published !== 'string') {
      const value = row.get('publication_date');
      ctx.error({ at: row.at, field: 'publication_date', value, message: published.problem });
      continue;
    }
    const period: Period = fromIso(published, 'P1D');
    const where = fileUnder(cw.gss, period, cw.former, ctx);
    if ('skip' in where) {
      ctx.skipped?.(row.at, where.skip);
      continue;
    }
    if ((row.get('ltla23cd') ?? '').trim() !== where.code) recoded++;
    const start = ofstedDate(row.get('inspection_start_date') ?? '');
    const end = ofstedDate(row.get('inspection_end_date') ?? '');
    const framework = (row.get('inspection_framework') ?? '').trim();
    const inspected =
      typeof start === 'string' && typeof end === 'string'
        ? `Inspected ${fromIso(start, 'P1D').label} to ${fromIso(end, 'P1D').label}`
        : 'Inspection dates not given';
    const kind = framework && framework !== 'None' ? ` (${framework} inspection)` : '';
    const link = (row.get('inspection_link') ?? '').trim();
    const base = [`${inspected}${kind}`, /^https:\/\/[^\s]+$/.test(link) ? `report ${link}` : '', where.note ?? '']
      .filter(Boolean)
      .join('; ');
    for (const j of JUDGEMENTS) {
      const raw = row.get(j.column) ?? '';
      const cell = gradeCell(raw);
      if ('problem' in cell) {
        ctx.error({ at: row.at, field: j.column, value: raw, message: cell.problem });
        continue;
      }
      const why = 'why' in cell ? cell.why : undefined;
      if (why) markers.set(`${j.column}: ${why}`, (markers.get(`${j.column}: ${why}`) ?? 0) + 1);
      yield {
        kind: 'observation',
        observation: {
          metric: j.code,
          area: where.code,
          period,
          value: cell.value,
          status: cell.status,
          note: why ? `${base}; ${why}` : base,
          at: row.at,
        },
      };
    }
  }
  if (recoded > 0)
    ctx.notice?.(
      `${recoded} councils' ltla23cd in the file differs from the code their DfE LA number is filed under (the file's codes are of mixed vintage), so councils are joined on the DfE number`,
    );
  for (const [what, n] of markers) ctx.notice?.(`${n} judgements stored without a value (${what})`);
}

export const ofstedIlacsAdapter: ImportAdapter = {
  name: NAME,
  summary: "Ofsted inspections of children's services (ILACS): each council's latest judgements, as categories",
  files: `${FILE} (and ${LAIT_CROSSWALK.file}, found beside it in the shared data when not given)`,
  signatures: [REQUIRED],
  read,
};
