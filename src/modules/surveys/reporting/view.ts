/**
 * View models for the reporting pages: /surveys/tables (a chart and a table per question, significance in words) and
 * /surveys/series (a line chart and the tests against the first and the previous wave).
 */
import { responsiveBarChart, responsiveLineChart } from '../../maps/index.ts';
import type { Comparison } from './compare-cells.ts';
import { formatP } from './output.ts';
import type { Series } from './series.ts';
import type { SurveyTable, Tabulation } from './tabulate.ts';
import type { WaveTables } from './wave-tables.ts';

/** A page view of one table: header, rows with significance called out in words, and a chart of the total column. */
function tableView(tab: Tabulation, t: SurveyTable) {
  const label = (key: string) => tab.columns.find((c) => c.key === key)?.label ?? key;
  const flags = (row: string, col: string) =>
    t.comparisons
      .filter((c) => c.significant && c.row === row && c.columns[1] === col)
      .map(
        (c) =>
          `${c.direction === 'higher' ? 'Higher' : 'Lower'} than ${label(c.columns[0])} ` +
          `(p ${formatP(c.adjustedPValue ?? c.pValue)}, ${c.test})`,
      );
  const chart =
    t.rows.length === 0
      ? null
      : responsiveBarChart({
          title: t.title,
          description:
            `Percentage of ${tab.columns[0]!.label.toLowerCase()} answering (base ${t.bases[0]!.answered}). ` +
            'The table below gives every figure.',
          unit: '%',
          decimalPlaces: 0,
          bars: t.rows.map((r) => ({
            label: r.net ? `${r.label} (net)` : r.label,
            value: r.cells[0]!.percent === null ? null : Math.round(r.cells[0]!.percent),
            emphasis: r.net,
          })),
        });
  return {
    ...t,
    chart,
    columnLabels: tab.columns.map((c) => c.label),
    baseRows: t.bases,
    rowViews: t.rows.map((r) => ({ ...r, cellViews: r.cells.map((c) => ({ ...c, flags: flags(r.code, c.column) })) })),
    summaryViews: (t.summary ?? []).map((s) => ({
      ...s,
      mean: s.mean === null ? '-' : s.mean.toFixed(1),
      median: s.median === null ? '-' : String(s.median),
    })),
  };
}

/** The tables page; `query` is the page's own query (for its links), `canReadTexts` offers the free-text answers. */
export function tablesPageModel(r: WaveTables, query: { waves: string }, canReadTexts: boolean) {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  const problems = Object.entries(r.tabulation.problemCounts).map(([k, v]) => `${v} ${k.replace(/-/g, ' ')}`);
  return {
    title: `${r.definition.title}: tables`,
    survey: r.definition,
    waves: r.waves,
    waveIds: query.waves,
    tab: r.tabulation,
    qs,
    problems,
    tables: r.tabulation.tables.map((t) => tableView(r.tabulation, t)),
    textQuestions: r.definition.questions.filter((q) => q.kind === 'text').map((q) => q.code),
    canReadTexts,
  };
}

const verdict = (c: Comparison | null) => {
  if (c === null) return '';
  if (!c.significant) return 'No significant difference';
  return `Significantly ${c.direction} (p ${formatP(c.adjustedPValue ?? c.pValue)}, ${c.test})`;
};

/** The series page of one measure across `waves` (the page's wave ids, for its links). */
export function seriesPageModel(s: Series, waves: string) {
  const chart = responsiveLineChart({
    title: `${s.label}: ${s.title}`,
    description:
      `Percentage answering "${s.label}" in each wave. ` +
      'The table below gives every figure, its base and the tests.',
    unit: '%',
    decimalPlaces: 0,
    fromZero: true,
    series: [
      {
        name: s.label,
        emphasis: true,
        points: s.points.map((p) => ({ label: p.wave, value: p.percent === null ? null : Math.round(p.percent) })),
      },
    ],
  });
  return {
    title: `${s.label}: series`,
    s,
    chart,
    waves,
    points: s.points.map((p) => ({
      ...p,
      effective: p.effectiveBase === undefined ? null : Math.round(p.effectiveBase),
      againstFirst: verdict(p.vsFirst),
      againstPrevious: verdict(p.vsPrevious),
    })),
  };
}
