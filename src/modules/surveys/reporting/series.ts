/**
 * A measure across waves (e.g. trust in the council "a great deal or a fair amount", quarterly): one point per wave
 * with its base (and effective base when weighted), the percentage, and the test against the first and the previous
 * wave, as the tables compute them (the same test choice; only significant differences are flagged).
 */
import { badRequest } from '../../../platform/errors.ts';
import type { SurveyDefinition } from '../definition/index.ts';
import type { ResponseData } from './responses.ts';
import type { Comparison } from './compare-cells.ts';
import { tabulate, type TabulateOptions } from './tabulate.ts';

export interface SeriesPoint {
  wave: string;
  asked: number;
  answered: number;
  effectiveBase?: number;
  percent: number | null;
  display: string;
  vsFirst: Comparison | null;
  vsPrevious: Comparison | null;
}

export interface Series {
  survey: { code: string; version: number };
  /** The table (question, or QUESTION_ROW for a grid row) and the answer or net followed. */
  table: string;
  answer: string;
  title: string;
  label: string;
  weighted: boolean;
  points: SeriesPoint[];
}

export function series(
  def: SurveyDefinition,
  data: ResponseData,
  table: string,
  answer: string,
  options: Omit<TabulateOptions, 'by'> = {},
): Series {
  if (!data.by) throw badRequest('A series needs the responses broken down by wave (a "wave" column).');
  const question = def.questions.find((q) => q.code === table || (q.kind === 'grid' && table.startsWith(`${q.code}_`)));
  if (!question)
    throw badRequest(`There is no question "${table}" in ${def.code} version ${def.version}.`, [
      { field: 'question', message: 'unknown question', value: table },
    ]);
  const tab = tabulate({ ...def, questions: [question] }, data, { ...options, by: 'wave' });
  const t = tab.tables.find((x) => x.code === table);
  if (!t)
    throw badRequest(`"${table}" is a grid; name one of its rows: ${tab.tables.map((x) => x.code).join(', ')}.`, [
      { field: 'question', message: 'a grid needs a row', value: table },
    ]);
  const row = t.rows.find((r) => r.code === answer);
  if (!row)
    throw badRequest(`"${answer}" is not an answer or net of ${table} (${t.rows.map((r) => r.code).join(', ')}).`, [
      { field: 'answer', message: 'unknown answer', value: answer },
    ]);
  const waves = tab.columns.filter((c) => c.key !== 'total');
  const find = (a: string | undefined, b: string) =>
    a === undefined
      ? null
      : (t.comparisons.find((c) => c.row === answer && c.columns[0] === a && c.columns[1] === b) ?? null);
  return {
    survey: { code: def.code, version: def.version },
    table,
    answer,
    title: t.title,
    label: row.label,
    weighted: data.weights !== null,
    points: waves.map((w, k) => {
      const base = t.bases.find((b) => b.column === w.key)!;
      const cell = row.cells.find((c) => c.column === w.key)!;
      const point: SeriesPoint = {
        wave: w.label,
        asked: base.asked,
        answered: base.answered,
        percent: cell.percent,
        display: cell.display,
        vsFirst: k === 0 ? null : find(waves[0]!.key, w.key),
        vsPrevious: k <= 1 ? null : find(waves[k - 1]!.key, w.key),
      };
      if (base.effectiveBase !== undefined) point.effectiveBase = base.effectiveBase;
      return point;
    }),
  };
}
