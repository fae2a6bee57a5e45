/**
 * DEFRA household recycling rate (ENV18, ex NI 192) per waste collection authority and unitary, as compiled by
 * Trafford Data Lab: `defra_household_recycling_rate_2015_2024.csv` (area_code, area_name, period, indicator, unit,
 * value, source_commit). The file is UK-wide: only English rows (codes starting E) are read; the Welsh, Scottish and
 * Northern Irish rows are skipped, not errors.
 */
import type { AdapterContext, ImportAdapter, ImportItem } from '../adapter.ts';
import type { MetricDefinition } from '../../metrics/index.ts';
import { ImportFileError, readCsv } from '../csv.ts';
import { financialYear, PeriodError, type Period } from '../../observations/index.ts';
import { parseValueCell } from '../../observations/index.ts';
import { LOWER_TIER } from './tiers.ts';

const NAME = 'defra-recycling';
const COLUMNS = ['area_code', 'area_name', 'period', 'indicator', 'unit', 'value'];
const INDICATOR = 'Percentage of household waste sent for reuse, recycling or composting';

export const DEFRA_RECYCLING_METRIC: MetricDefinition = {
  code: 'defra.household-recycling-rate',
  title: 'Household waste sent for reuse, recycling or composting',
  shortTitle: 'Household recycling rate',
  description:
    'The percentage of household waste collected by the council that was sent for reuse, recycling or composting.',
  definition:
    'DEFRA, Local authority collected waste annual results (ENV18): percentage of household waste sent for reuse, recycling or ' +
    'composting (formerly National Indicator NI 192), per waste collection authority and unitary authority, by financial year.',
  caveats:
    'Some councils run joint waste services and report jointly, so single councils can be missing (for example Cambridge and ' +
    'South Cambridgeshire after 2015/16). Districts abolished in April 2023 (Cumbria, North Yorkshire, Somerset) have data only to ' +
    '2021/22. There are no county (waste disposal authority) figures. The series was compiled by Trafford Data Lab from three ' +
    'snapshots of its repository; 40 values from the oldest snapshot were published as proportions and were converted to percentages.',
  topic: 'environment-housing',
  subtopic: 'Waste and recycling',
  unit: '%',
  unitType: 'percentage',
  decimalPlaces: 1,
  polarity: 'higher-is-better',
  periodType: 'financial-year',
  applicableAreaTypes: [...LOWER_TIER],
  source: {
    publisher: 'Department for Environment, Food & Rural Affairs (DEFRA)',
    url: 'https://www.gov.uk/government/statistical-data-sets/env18-local-authority-collected-waste-annual-results-tables',
    licence: 'OGL-UK-3.0',
    attribution:
      'DEFRA, Local authority collected waste statistics, via Trafford Data Lab (traffordDataLab/climate_emergency). Open Government Licence v3.0.',
  },
  statisticsStatus: 'official',
  publisherCode: 'NI192',
};

/** `2015/16` → financial year 2015/16; anything else is undefined. */
export function parseSlashFinancialYear(raw: string): Period | undefined {
  const m = /^(\d{4})\/(\d{2})$/.exec(raw.trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  if (Number(m[2]) !== (y + 1) % 100) return undefined;
  return yearOrUndefined(y);
}

/** The financial year starting in y, or undefined when y is out of range (`9998/99`). */
function yearOrUndefined(y: number): Period | undefined {
  try {
    return financialYear(y);
  } catch (e) {
    if (e instanceof PeriodError) return undefined;
    throw e;
  }
}

async function* read(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  if (files.length !== 1)
    throw new Error(`${NAME} takes one file (defra_household_recycling_rate_2015_2024.csv), not ${files.length}`);
  const file = files[0]!;
  let first = true;
  for await (const row of readCsv(file, { required: COLUMNS, adapter: NAME }, ctx)) {
    if (first) {
      first = false;
      yield { kind: 'metric', metric: DEFRA_RECYCLING_METRIC, at: { file: row.at.file, line: 1 } };
    }
    // Other Trafford Data Lab files share these columns: a different indicator means the wrong file.
    const indicator = (row.get('indicator') ?? '').trim();
    if (indicator !== INDICATOR) {
      throw new ImportFileError(
        row.at,
        `this is not the DEFRA recycling file: indicator "${indicator}" is not "${INDICATOR}"`,
      );
    }
    const area = (row.get('area_code') ?? '').trim();
    if (/^[WSN]\d{8}$/.test(area)) {
      ctx.skipped?.(row.at, 'not an English council (Wales, Scotland or Northern Ireland)');
      continue;
    }
    if (!/^E\d{8}$/.test(area)) {
      ctx.error({
        at: row.at,
        field: 'area_code',
        value: area,
        message: `"${area}" is not a GSS area code such as E08000009`,
      });
      continue;
    }
    const rawPeriod = row.get('period') ?? '';
    const period = parseSlashFinancialYear(rawPeriod);
    if (!period) {
      ctx.error({
        at: row.at,
        field: 'period',
        value: rawPeriod,
        message: `"${rawPeriod}" is not a financial year such as 2015/16`,
      });
      continue;
    }
    const unit = (row.get('unit') ?? '').trim();
    if (unit !== 'percent') {
      ctx.error({ at: row.at, field: 'unit', value: unit, message: `expected "percent", found "${unit}"` });
      continue;
    }
    const cell = parseValueCell(row.get('value'));
    if (!cell.ok) {
      ctx.error({ at: row.at, field: 'value', value: row.get('value'), message: cell.message });
      continue;
    }
    if (cell.value !== null && (cell.value < 0 || cell.value > 100)) {
      ctx.error({
        at: row.at,
        field: 'value',
        value: row.get('value'),
        message: `${cell.value} is not a percentage between 0 and 100`,
      });
      continue;
    }
    yield {
      kind: 'observation',
      observation: {
        metric: DEFRA_RECYCLING_METRIC.code,
        area,
        period,
        value: cell.value,
        status: cell.status,
        at: row.at,
      },
    };
  }
}

export const defraRecyclingAdapter: ImportAdapter = {
  name: NAME,
  summary:
    'DEFRA household recycling rate (ENV18, ex NI 192) per English collection authority and unitary, 2015/16 onwards',
  files: 'defra_household_recycling_rate_2015_2024.csv',
  signatures: [[...COLUMNS, 'source_commit']],
  read,
};
