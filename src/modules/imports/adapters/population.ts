/**
 * Population context from ONS, via the humaniverse/demographr R package (CSV exports):
 *   ons_mid_year_population_2019_2020_la.csv  mid-year estimates by broad age, on lower- and upper-tier geographies
 *   ons_census2021_households_lad23.csv        households on Census day 2021, on 2023 councils
 * Periods are days: a mid-year estimate is as at 30 June (mid-2019 → 2019-06-30/P1D); the Census counts are as at
 * Census day, 21 March 2021. England only: Welsh (and any Scottish or Northern Irish) rows are skipped, not errors.
 * A unitary, metropolitan district or London borough is listed both as a lower and an upper tier: the second,
 * identical row is skipped; a differing one is an error.
 */
import path from 'node:path';
import type { AdapterContext, ImportAdapter, ImportItem } from '../adapter.ts';
import type { MetricDefinition } from '../../metrics/index.ts';
import type { SourceLocation } from '../../../platform/source.ts';
import { ImportFileError, readCsv, readHeader } from '../csv.ts';
import { parseIsoPeriod } from '../../observations/index.ts';
import { parseValueCell, type ValueCell } from '../../observations/index.ts';
import { COUNCIL_TYPES, LOWER_TIER } from './tiers.ts';

const NAME = 'population';
const CENSUS_DAY = '2021-03-21';
const SKIP_NATION = 'not an English area (Wales, Scotland or Northern Ireland)';
const SKIP_TIER = 'listed again as an upper tier with the same values';

const ONS = {
  publisher: 'Office for National Statistics (ONS)',
  licence: 'OGL-UK-3.0',
};
const context = {
  topic: 'context',
  subtopic: 'Population',
  unitType: 'count',
  decimalPlaces: 0,
  polarity: 'not-applicable',
  periodType: 'day',
  statisticsStatus: 'official',
} as const;
const MYE_CAVEATS =
  'Estimates as at 30 June, on the council boundaries of that year (mid-2019 on 2019 councils, mid-2020 on 2020 councils). ' +
  'This file holds mid-2019 and mid-2020 only. ONS revises past estimates (for example after a census); which release these figures come from is not recorded in the source. ' +
  'The age bands were summed from single years of age by this project and add up to the total.';

const mye = (code: string, title: string, shortTitle: string, column: string): MetricDefinition => ({
  code,
  title,
  shortTitle,
  description: `${title}: the usually resident population, estimated by ONS for 30 June.`,
  definition: `ONS mid-year population estimates (column "${column}"), for lower-tier councils, unitaries and counties.`,
  caveats: MYE_CAVEATS,
  ...context,
  unit: 'people',
  applicableAreaTypes: [...COUNCIL_TYPES],
  source: {
    ...ONS,
    url: 'https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates',
    attribution:
      'ONS mid-year population estimates, via the humaniverse/demographr R package. Open Government Licence v3.0.',
  },
  publisherCode: column,
});

/** Mid-year estimate columns and their metrics. */
const MYE_COLUMNS: [column: string, metric: MetricDefinition][] = [
  [
    'total_population',
    mye('population.total', 'Resident population (mid-year estimate)', 'Population', 'total_population'),
  ],
  [
    'aged_0_17',
    mye('population.aged-0-17', 'Residents aged 0 to 17 (mid-year estimate)', 'Population aged 0 to 17', 'aged_0_17'),
  ],
  [
    'aged_18_64',
    mye(
      'population.aged-18-64',
      'Residents aged 18 to 64 (mid-year estimate)',
      'Population aged 18 to 64',
      'aged_18_64',
    ),
  ],
  [
    'aged_65_plus',
    mye(
      'population.aged-65-plus',
      'Residents aged 65 and over (mid-year estimate)',
      'Population aged 65 and over',
      'aged_65_plus',
    ),
  ],
];

export const HOUSEHOLDS_METRIC: MetricDefinition = {
  code: 'census2021.households',
  title: 'Households (Census 2021)',
  shortTitle: 'Households',
  description: 'Number of households with at least one usual resident, counted on Census day, 21 March 2021.',
  definition: 'ONS Census 2021 household counts for councils in England, on 2023 council boundaries.',
  caveats:
    'Counted on Census day (21 March 2021) but published on 2023 council boundaries: Cumberland, Westmorland and Furness, North Yorkshire and ' +
    'Somerset have values and the districts they replaced do not.',
  ...context,
  unit: 'households',
  applicableAreaTypes: [...LOWER_TIER],
  source: {
    ...ONS,
    url: 'https://www.ons.gov.uk/census',
    attribution: 'ONS Census 2021, via the humaniverse/demographr R package. Open Government Licence v3.0.',
  },
};

interface FileKind {
  id: 'mye' | 'households';
  signature: string[];
  metrics: MetricDefinition[];
}
const KINDS: FileKind[] = [
  {
    id: 'mye',
    signature: ['mid_year', 'geography', 'area_code', ...MYE_COLUMNS.map(([c]) => c)],
    metrics: MYE_COLUMNS.map(([, m]) => m),
  },
  { id: 'households', signature: ['ltla23_code', 'households'], metrics: [HOUSEHOLDS_METRIC] },
];

const display = (file: string) => path.relative(process.cwd(), file) || file;

async function kindOf(file: string): Promise<FileKind> {
  const header = new Set(await readHeader(file).catch(() => []));
  const kind = KINDS.find((k) => k.signature.every((c) => header.has(c)));
  if (kind) return kind;
  // Let readCsv refuse an empty, UTF-16 or non-UTF-8 file; otherwise the header is not one this adapter reads.
  for await (const _row of readCsv(file, { required: [], adapter: NAME })) break;
  throw new ImportFileError(
    { file: display(file), line: 1 },
    `this is not a ${NAME} file: the header has neither (${KINDS[0]!.signature.join(', ')}) nor (${KINDS[1]!.signature.join(', ')})`,
    { wrongHeader: true },
  );
}

/** A whole, non-negative count from a cell, or an error message. */
function count(raw: string | undefined): ValueCell {
  const cell = parseValueCell(raw);
  if (!cell.ok) return cell;
  if (cell.value !== null && (!Number.isInteger(cell.value) || cell.value < 0))
    return { ok: false, message: `${cell.value} is not a whole, non-negative number` };
  return cell;
}

/** England, skipped (another UK nation) or malformed. */
function nation(code: string): 'E' | 'skip' | 'bad' {
  if (/^E\d{8}$/.test(code)) return 'E';
  return /^[WSNK]\d{8}$/.test(code) ? 'skip' : 'bad';
}

async function* readMye(file: string, ctx: AdapterContext): AsyncGenerator<ImportItem> {
  // Values already emitted per (year, area), to drop the repeat of a unitary listed as an upper tier.
  const seen = new Map<string, { values: string; line: number }>();
  for await (const row of readCsv(file, { required: KINDS[0]!.signature, adapter: NAME }, ctx)) {
    const area = (row.get('area_code') ?? '').trim();
    const where = nation(area);
    if (where === 'skip') {
      ctx.skipped?.(row.at, SKIP_NATION);
      continue;
    }
    if (where === 'bad') {
      ctx.error({
        at: row.at,
        field: 'area_code',
        value: area,
        message: `"${area}" is not a GSS area code such as E08000009`,
      });
      continue;
    }
    const year = (row.get('mid_year') ?? '').trim();
    if (!/^\d{4}$/.test(year) || Number(year) < 1900 || Number(year) > 2100) {
      ctx.error({ at: row.at, field: 'mid_year', value: year, message: `"${year}" is not a year such as 2019` });
      continue;
    }
    const geography = (row.get('geography') ?? '').trim();
    if (!/^(ltla|utla)\d{2}$/.test(geography)) {
      ctx.error({
        at: row.at,
        field: 'geography',
        value: geography,
        message: `"${geography}" is not a geography such as ltla19 or utla20`,
      });
      continue;
    }
    const values: number[] = [];
    const statuses: ValueCell[] = [];
    let bad = false;
    for (const [column] of MYE_COLUMNS) {
      const c = count(row.get(column));
      statuses.push(c);
      if (!c.ok) {
        ctx.error({ at: row.at, field: column, value: row.get(column), message: c.message });
        bad = true;
      } else if (c.value !== null) values.push(c.value);
    }
    if (bad) continue;
    const [total, ...bands] = values;
    if (values.length === MYE_COLUMNS.length && bands.reduce((s, v) => s + v, 0) !== total) {
      ctx.error({
        at: row.at,
        field: 'total_population',
        value: String(total),
        message: `the age bands add up to ${bands.reduce((s, v) => s + v, 0)}, not ${total}`,
      });
      continue;
    }
    const key = `${year}|${area}`;
    const fingerprint = MYE_COLUMNS.map(([c]) => (row.get(c) ?? '').trim()).join('|');
    const earlier = seen.get(key);
    if (earlier) {
      if (earlier.values === fingerprint) ctx.skipped?.(row.at, SKIP_TIER);
      else
        ctx.error({
          at: row.at,
          field: 'total_population',
          value: row.get('total_population'),
          message: `${area} mid-${year} differs from line ${earlier.line} (${earlier.values.replaceAll('|', ', ')})`,
        });
      continue;
    }
    seen.set(key, { values: fingerprint, line: row.at.line });
    const period = parseIsoPeriod(`${year}-06-30`);
    for (const [i, [, metric]] of MYE_COLUMNS.entries()) {
      const c = statuses[i]!;
      if (!c.ok) continue;
      yield {
        kind: 'observation',
        observation: { metric: metric.code, area, period, value: c.value, status: c.status, at: row.at },
      };
    }
  }
}

async function* readHouseholds(file: string, ctx: AdapterContext): AsyncGenerator<ImportItem> {
  const period = parseIsoPeriod(CENSUS_DAY);
  for await (const row of readCsv(file, { required: KINDS[1]!.signature, adapter: NAME }, ctx)) {
    const area = (row.get('ltla23_code') ?? '').trim();
    const where = nation(area);
    if (where === 'skip') {
      ctx.skipped?.(row.at, SKIP_NATION);
      continue;
    }
    if (where === 'bad') {
      ctx.error({
        at: row.at,
        field: 'ltla23_code',
        value: area,
        message: `"${area}" is not a GSS area code such as E08000009`,
      });
      continue;
    }
    const c = count(row.get('households'));
    if (!c.ok) {
      ctx.error({ at: row.at, field: 'households', value: row.get('households'), message: c.message });
      continue;
    }
    yield {
      kind: 'observation',
      observation: { metric: HOUSEHOLDS_METRIC.code, area, period, value: c.value, status: c.status, at: row.at },
    };
  }
}

async function* read(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  if (files.length === 0)
    throw new Error(`${NAME} takes the mid-year estimates file, the Census households file, or both`);
  const kinds: FileKind[] = [];
  for (const f of files) kinds.push(await kindOf(f));
  const yielded = new Set<string>();
  for (const [i, kind] of kinds.entries()) {
    if (yielded.has(kind.id)) continue;
    yielded.add(kind.id);
    const at: SourceLocation = { file: display(files[i]!), line: 1 };
    for (const metric of kind.metrics) yield { kind: 'metric', metric, at };
  }
  for (const [i, file] of files.entries())
    yield* kinds[i]!.id === 'mye' ? readMye(file, ctx) : readHouseholds(file, ctx);
}

export const populationAdapter: ImportAdapter = {
  name: NAME,
  summary: 'ONS mid-year population estimates by broad age (mid-2019, mid-2020) and Census 2021 households, England',
  files: 'ons_mid_year_population_2019_2020_la.csv and/or ons_census2021_households_lad23.csv',
  signatures: KINDS.map((k) => k.signature),
  read,
};
