/** Survey tables as CSV (one row per table row and column, tidy) and XLSX (cover, notes, one table per sheet). */
import { columnNames, csvColumns } from '../../../platform/csv.ts';
import { spreadsheet, type SpreadsheetTable } from '../../../platform/spreadsheet.ts';
import type { Comparison } from './compare-cells.ts';
import type { SurveyTable, Tabulation } from './tabulate.ts';

export const TABLES_CSV = csvColumns([
  ['table', 'Table', 'string', 'The question code the table is of'],
  ['title', 'Title', 'string', "The table's title (the question)"],
  ['row_code', 'Row code', 'string', 'The answer or net code (base or mean for a table without rows)'],
  ['row_label', 'Row', 'string', 'The answer or net'],
  ['net', 'Net', 'boolean', 'true for a net (a combination of answers reported above its parts)'],
  ['column', 'Column', 'string', 'The column: total, a breakdown value or a wave'],
  ['asked', 'Asked', 'integer', 'Respondents the routing put the question to'],
  ['answered', 'Answered', 'integer', 'Of those asked, how many answered (the base of the percentages)'],
  ['weighted_base', 'Weighted base', 'decimal', 'The answered base, weighted'],
  ['effective_base', 'Effective base', 'decimal', "The weighted base's effective size (Kish)"],
  ['count', 'Count', 'integer', 'Respondents giving this answer'],
  ['weighted_count', 'Weighted count', 'decimal', 'The count, weighted'],
  ['percent', 'Percent', 'decimal', 'Percentage of those answering, unrounded'],
  [
    'display',
    'Shown',
    'string',
    'As the table shows it: a whole percentage, * under 0.5, - not applicable, [c] suppressed',
  ],
  [
    'significant_differences',
    'Significant differences',
    'string',
    'Significant differences ending at this cell, with the test named',
  ],
]);
export const TABLES_CSV_COLUMNS = columnNames(TABLES_CSV);

const num = (v: number | null | undefined, digits = 4) =>
  v === null || v === undefined ? '' : String(Number(v.toFixed(digits)));
const columnLabel = (tab: Tabulation, key: string) => tab.columns.find((c) => c.key === key)?.label ?? key;

/** "higher than 2024 Q1 (p = 0.003, two-proportion z-test)" for each significant comparison ending at this cell. */
function significantAt(tab: Tabulation, comparisons: Comparison[], row: string, column: string): string {
  return comparisons
    .filter((c) => c.significant && c.row === row && c.columns[1] === column)
    .map(
      (c) =>
        `${c.direction} than ${columnLabel(tab, c.columns[0])} (p = ${formatP(c.adjustedPValue ?? c.pValue)}${c.adjustedPValue !== undefined ? ', Holm-adjusted' : ''}, ${c.test})`,
    )
    .join('; ');
}

export const formatP = (p: number) => (p < 0.001 ? '< 0.001' : p.toFixed(3));

export function tablesCsvRows(tab: Tabulation): string[][] {
  const out: string[][] = [];
  for (const t of tab.tables) {
    const baseOf = (col: string) => t.bases.find((b) => b.column === col)!;
    if (t.rows.length === 0) {
      for (const b of t.bases) {
        const s = t.summary?.find((x) => x.column === b.column);
        out.push([
          t.code,
          t.title,
          s ? 'mean' : 'base',
          s ? 'Mean' : 'Answered',
          'false',
          b.column,
          String(b.asked),
          String(b.answered),
          num(b.weightedAnswered),
          num(b.effectiveBase),
          '',
          '',
          '',
          b.suppressed ? '[c]' : s ? num(s.mean, 2) : String(b.answered),
          '',
        ]);
      }
      continue;
    }
    for (const r of t.rows) {
      for (const c of r.cells) {
        const b = baseOf(c.column);
        out.push([
          t.code,
          t.title,
          r.code,
          r.label,
          String(r.net),
          c.column,
          String(b.asked),
          String(b.answered),
          num(b.weightedAnswered),
          num(b.effectiveBase),
          c.count === null ? '' : String(c.count),
          num(c.weightedCount),
          num(c.percent),
          c.display,
          significantAt(tab, t.comparisons, r.code, c.column),
        ]);
      }
    }
  }
  return out;
}

function sheetFor(tab: Tabulation, t: SurveyTable, index: number): SpreadsheetTable {
  const cols = tab.columns;
  const about = [
    `Base: ${t.bases.map((b) => `${columnLabel(tab, b.column)} asked ${b.asked}, answered ${b.answered}${b.effectiveBase !== undefined ? `, effective base ${Math.round(b.effectiveBase)}` : ''}`).join('; ')}.`,
    ...t.notes,
  ];
  if (t.rows.length === 0) {
    return {
      sheet: t.code,
      title: t.title,
      about,
      columns: [{ header: 'Measure', width: 24 }, ...cols.map((c) => ({ header: c.label, width: 14 }))],
      rows: t.summary
        ? (['mean', 'median', 'min', 'max'] as const).map((m) => [
            m,
            ...t.summary!.map((s) => (s[m] === null ? null : Number(s[m]!.toFixed(2)))),
          ])
        : [['Answered', ...t.bases.map((b) => (b.suppressed ? '[c]' : b.answered))]],
    };
  }
  const rows = t.rows.map((r) => [
    r.net ? `${r.label} (net)` : r.label,
    ...r.cells.map((c) => (/^\d+$/.test(c.display) ? Number(c.display) : c.display)),
    tab.columns
      .map((c) => significantAt(tab, t.comparisons, r.code, c.key))
      .filter(Boolean)
      .join('; ') || null,
  ]);
  void index;
  return {
    sheet: t.code,
    title: t.title,
    about,
    columns: [
      { header: 'Answer', width: 36 },
      ...cols.map((c) => ({ header: `${c.label} (%)`, width: 14 })),
      { header: 'Significant differences', width: 60 },
    ],
    rows,
  };
}

export async function tablesXlsx(tab: Tabulation, when: Date = new Date()): Promise<Buffer> {
  const s = tab.settings;
  return spreadsheet({
    title: `${tab.survey.title}: tables`,
    cover: [
      {
        heading: 'What this is',
        text: `Tables for the survey "${tab.survey.title}" (${tab.survey.code}, version ${tab.survey.version}), ${s.by ? `by ${s.by}` : 'all respondents'}${s.weights ? `, weighted by ${s.weights}` : ', unweighted'}.`,
      },
      {
        heading: 'Conventions',
        text: `Percentages of those answering, rounded to whole numbers, so they may not sum to 100. * more than 0 and under 0.5 per cent; 0 none; - not applicable; [c] suppressed (fewer than ${s.minBase} answering in a breakdown). Counts are shown in brackets where the base is under ${s.smallBase}.`,
      },
      {
        heading: 'Significance',
        text: `Differences are flagged only where significant at the ${Math.round((1 - s.alpha) * 100)} per cent level (two-tailed)${s.holm ? ", after Holm's correction across each table's comparisons" : ''}; the test used is named beside each.`,
      },
      { heading: 'Made', text: when.toISOString().slice(0, 10) },
    ],
    notes: [
      {
        number: 1,
        text: 'Bases: "asked" counts respondents the routing put the question to; "answered" those of them who answered. Percentages use the answered base.',
      },
      {
        number: 2,
        text: `Response file problems: ${
          Object.entries(tab.problemCounts)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || 'none'
        }. Answers with problems are left out of the tables.`,
      },
    ],
    tables: tab.tables.map((t, i) => sheetFor(tab, t, i)),
    missing: '-',
  });
}
