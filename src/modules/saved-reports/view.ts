/**
 * Turns a re-computed report into what the report page and the embed show: per measure a chart (server-rendered
 * SVG) with a table of the same figures beside it, the caveats, source and licence next to them; a scatter with the
 * association stated in words; the gaps, clearly marked, where the definition no longer resolves.
 */
import {
  formatValue,
  responsiveBarChart,
  responsiveLineChart,
  responsiveScatterChart,
  type Bar,
} from '../maps/index.ts';
import { isStatusCode, STATUS_CODES } from '../observations/index.ts';
import type { ReportViewT } from './schemas.ts';

type Metric = ReportViewT['metrics'][number];
type Figure = ReportViewT['figures'][number];

export interface TableModel {
  caption: string;
  head: string[];
  /** The first cell is the row header; `numeric` marks the columns after it. */
  rows: { cells: string[]; chosen: boolean }[];
}

export interface SectionModel {
  heading: string;
  chart: string | null;
  caption: string;
  sentence: string | null;
  table: TableModel;
  metrics: {
    title: string;
    id: string;
    caveats: string | null;
    source: string;
    url: string | null;
    licence: string;
    polarity: string;
  }[];
}

const statusWords = (codes: string[]): string => codes.map((c) => (isStatusCode(c) ? STATUS_CODES[c] : c)).join('; ');

const cell = (f: Figure | undefined, m: Metric): string => {
  if (!f) return 'No data';
  if (!f.applicable) return 'Not applicable';
  if (f.value === null) return f.status.length ? `[${f.status.join(', ')}] ${statusWords(f.status)}` : 'No data';
  return `${formatValue(f.value, m.decimalPlaces, m.unit)}${f.status.length ? ` [${f.status.join(', ')}]` : ''}`;
};

const polarityWords = (p: string): string =>
  p === 'higher-is-better'
    ? 'Higher is better'
    : p === 'lower-is-better'
      ? 'Lower is better'
      : 'Neither higher nor lower is better in itself';

const aboutMetric = (m: Metric) => ({
  title: m.title,
  id: m.id,
  caveats: m.caveats,
  source: (m.source.attribution ?? m.source.publisher).replace(/\.+$/, ''),
  url: m.source.url,
  licence: m.source.licence,
  polarity: polarityWords(m.polarity),
});

function barSection(v: ReportViewT, m: Metric): SectionModel | null {
  const p = m.periods.at(-1);
  if (!p) return null;
  const figs = v.figures.filter((f) => f.metric === m.id && f.period === p.period);
  const s = v.summaries.find((x) => x.metric === m.id && x.period === p.period);
  const sign = m.polarity === 'lower-is-better' ? 1 : -1;
  const shown = figs
    .filter((f) => f.applicable)
    .sort(
      (a, b) =>
        (a.value === null ? 1 : b.value === null ? -1 : sign * (a.value - b.value)) ||
        a.areaName.localeCompare(b.areaName),
    );
  const chosen = figs.filter((f) => f.chosen).map((f) => f.areaName);
  const bars: Bar[] = shown.map((f) => ({ label: f.areaName, value: f.value, emphasis: f.chosen }));
  if (s?.median !== null && s?.median !== undefined)
    bars.push({ label: 'Median of the councils compared', value: s.median, note: 'median' });
  const medianText = s
    ? `the median of the ${s.n} councils compared is ${formatValue(s.median, m.decimalPlaces, m.unit)} (${s.countWithData} with a figure)`
    : '';
  const title = `${m.title}, ${p.label}`;
  return {
    heading: title,
    chart: responsiveBarChart({
      title,
      description: `${chosen.length ? `${chosen.join(', ')} highlighted; ` : ''}${medianText}.`,
      unit: m.unit,
      decimalPlaces: m.decimalPlaces,
      bars,
    }),
    caption: `One bar per council${m.polarity === 'not-applicable' ? ', highest first' : ', best first'}${chosen.length ? `; ${chosen.join(', ')} marked ▶ and patterned` : ''}; the last bar is the median. The table has the same figures.`,
    sentence: medianText ? `${medianText.charAt(0).toUpperCase()}${medianText.slice(1)}.` : null,
    table: {
      caption: `${title} (${m.unit})`,
      head: ['Council', 'Value'],
      rows: [...shown, ...figs.filter((f) => !f.applicable)]
        .map((f) => ({ cells: [f.areaName, cell(f, m)], chosen: f.chosen }))
        .concat(
          s
            ? [
                {
                  cells: ['Median of the councils compared', formatValue(s.median, m.decimalPlaces, m.unit)],
                  chosen: false,
                },
              ]
            : [],
        ),
    },
    metrics: [aboutMetric(m)],
  };
}

function trendSection(v: ReportViewT, m: Metric): SectionModel | null {
  if (m.periods.length === 0) return null;
  const chosen = v.areas.filter((a) => v.figures.some((f) => f.metric === m.id && f.area === a.code));
  const at = (code: string, period: string) =>
    v.figures.find((f) => f.metric === m.id && f.period === period && f.area === code);
  const median = (period: string) => v.summaries.find((s) => s.metric === m.id && s.period === period)?.median ?? null;
  const withMedian = v.group !== null || chosen.length > 1;
  const medianName = v.group ? `Median of ${v.group.name}` : 'Median of the councils shown';
  const title = `${m.title}, ${m.periods[0]!.label} to ${m.periods.at(-1)!.label}`;
  const usable = (f: Figure | undefined) => (f && f.applicable ? f.value : null);
  return {
    heading: title,
    chart: responsiveLineChart({
      title,
      description: `${chosen.map((a) => a.name).join(', ')}${withMedian ? ` and the ${medianName.toLowerCase()}` : ''} over ${m.periods.length} periods.`,
      unit: m.unit,
      decimalPlaces: m.decimalPlaces,
      series: [
        ...chosen.map((a, i) => ({
          name: a.name,
          emphasis: i === 0,
          points: m.periods.map((p) => ({ label: p.label, value: usable(at(a.code, p.period)) })),
        })),
        ...(withMedian
          ? [{ name: medianName, points: m.periods.map((p) => ({ label: p.label, value: median(p.period) })) }]
          : []),
      ],
    }),
    caption: `A line for each chosen council${chosen.length ? ` (${chosen[0]!.name} thick, with markers and labelled; each other line has its own dash pattern, named in the key)` : ''}${withMedian ? `, and one for the ${medianName.toLowerCase()}` : ''}. The table has the same figures.`,
    sentence: null,
    table: {
      caption: `${title} (${m.unit})`,
      head: ['Period', ...chosen.map((a) => a.name), ...(withMedian ? [medianName] : [])],
      rows: m.periods.map((p) => ({
        cells: [
          p.label,
          ...chosen.map((a) => cell(at(a.code, p.period), m)),
          ...(withMedian ? [formatValue(median(p.period), m.decimalPlaces, m.unit)] : []),
        ],
        chosen: false,
      })),
    },
    metrics: [aboutMetric(m)],
  };
}

function scatterSection(v: ReportViewT): SectionModel | null {
  const sc = v.scatter;
  const mx = v.metrics.find((m) => m.id === sc?.x.metric);
  const my = v.metrics.find((m) => m.id === sc?.y.metric);
  if (!sc || !mx || !my) return null;
  const byArea = new Map<string, { name: string; chosen: boolean; x?: Figure; y?: Figure }>();
  for (const f of v.figures) {
    const isX = f.metric === mx.id && f.period === sc.x.period;
    const isY = f.metric === my.id && f.period === sc.y.period;
    if (!isX && !isY) continue;
    const e = byArea.get(f.area) ?? { name: f.areaName, chosen: f.chosen };
    if (isX) e.x = f;
    if (isY) e.y = f;
    byArea.set(f.area, e);
  }
  const ok = (f: Figure | undefined): f is Figure & { value: number } => !!f && f.applicable && f.value !== null;
  const points = [...byArea.values()]
    .filter((e) => ok(e.x) && ok(e.y))
    .map((e) => ({ label: e.name, x: e.x!.value!, y: e.y!.value!, emphasis: e.chosen }));
  const title = `${my.title} (${sc.y.periodLabel}) against ${mx.title} (${sc.x.periodLabel})`;
  return {
    heading: title,
    chart: responsiveScatterChart({
      title,
      description: sc.sentence,
      x: { title: `${mx.title}, ${sc.x.periodLabel}`, unit: mx.unit, decimalPlaces: mx.decimalPlaces },
      y: { title: `${my.title}, ${sc.y.periodLabel}`, unit: my.unit, decimalPlaces: my.decimalPlaces },
      points,
    }),
    caption:
      'One point per council with both figures; the chosen councils are labelled diamonds. No line is fitted. The table has the same figures.',
    sentence: sc.sentence,
    table: {
      caption: title,
      head: ['Council', `${mx.title} (${mx.unit})`, `${my.title} (${my.unit})`],
      rows: [...byArea.values()]
        .sort((a, b) => Number(b.chosen) - Number(a.chosen) || a.name.localeCompare(b.name))
        .map((e) => ({ cells: [e.name, cell(e.x, mx), cell(e.y, my)], chosen: e.chosen })),
    },
    metrics: [aboutMetric(mx), aboutMetric(my)],
  };
}

/** The sections of a report page or embed, in the definition's order. */
export function reportSections(v: ReportViewT): SectionModel[] {
  switch (v.report.definition.chart) {
    case 'bar':
      return v.metrics.map((m) => barSection(v, m)).filter((s): s is SectionModel => s !== null);
    case 'trend':
      return v.metrics.map((m) => trendSection(v, m)).filter((s): s is SectionModel => s !== null);
    case 'scatter': {
      const s = scatterSection(v);
      return s ? [s] : [];
    }
    default: {
      const never: never = v.report.definition.chart;
      throw new Error(`unknown chart ${String(never)}`);
    }
  }
}
