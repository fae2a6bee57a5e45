/**
 * Server-rendered line and bar charts: pure functions from data to an SVG string, with d3-scale for scales and ticks
 * and d3-shape for lines. Colour is never the only carrier of meaning: the emphasised series is thicker, marked and
 * labelled directly; the emphasised bar is patterned and marked in text. Pages put a data table and a CSV link beside.
 */
import { scaleBand, scaleLinear, scalePoint } from 'd3-scale';
import { line } from 'd3-shape';
import {
  contentId,
  esc,
  formatNumber,
  formatValue,
  GRID_COLOUR,
  num,
  SECONDARY_TEXT,
  svgOpen,
  TEXT_COLOUR,
  textWidth,
  tickDecimals,
  unitSuffix,
} from './svg.ts';

export interface ChartPoint {
  label: string;
  value: number | null;
}

export interface LineSeries {
  name: string;
  points: ChartPoint[];
  /** The series the chart is about (e.g. the council): drawn thicker, with markers and a direct label. */
  emphasis?: boolean;
}

export interface LineChartInput {
  title: string;
  description: string;
  unit: string;
  decimalPlaces: number;
  series: LineSeries[];
  /** Start the value axis at zero even when the values are far from it (default: only when they are near it). */
  fromZero?: boolean;
  /** Element id prefix; by default derived from the input, so the same input gives the same SVG. */
  id?: string;
  /** Width of the drawing in SVG units (default 640); a narrow one (about 300) is drawn for phones (responsive.ts). */
  width?: number;
}

export interface Bar {
  label: string;
  value: number | null;
  /** The bar the chart is about: patterned, outlined, and marked with ▶ and bold text. */
  emphasis?: boolean;
  /** A short note shown after the value, e.g. "England average" or "provisional". */
  note?: string;
}

export interface BarChartInput {
  title: string;
  description: string;
  unit: string;
  decimalPlaces: number;
  /** Drawn top to bottom in the order given. */
  bars: Bar[];
  id?: string;
  /** Width in SVG units (default 640). Under 480 the bars are stacked: each label on its own line above its bar. */
  width?: number;
}

const WIDTH = 640;
/** Under this width a bar chart puts each label above its bar, and a line chart leaves out labels that do not fit. */
const NARROW = 480;
const TICK_SIZE = 14;
const LABEL_SIZE = 16;
const EMPHASIS_COLOUR = '#12436d';
/** Analysis Function palette (each at least 3:1 against white), with a dash pattern each so colour is not needed. */
const OTHER_STYLES = [
  { colour: '#28a197', dash: '8 5' },
  { colour: '#801650', dash: '2 4' },
  { colour: '#f46a25', dash: '12 4 3 4' },
  { colour: '#3d3d3d', dash: '' },
  { colour: '#a285d1', dash: '4 3' },
];

function finite(values: (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null && Number.isFinite(v));
}

/** Value domain: zero is included when asked, when values straddle it, or when they are near it. */
function valueDomain(values: number[], fromZero: boolean): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (fromZero || lo <= 0 || lo <= hi * 0.5) lo = Math.min(lo, 0);
  if (hi < 0 || (fromZero && hi < 0)) hi = 0;
  if (lo === hi) [lo, hi] = lo === 0 ? [0, 1] : [lo - Math.abs(lo) * 0.1, hi + Math.abs(hi) * 0.1];
  return [lo, hi];
}

/** Labels in order of first appearance across all series. */
function periodLabels(series: LineSeries[]): string[] {
  const seen = new Set<string>();
  for (const s of series) for (const p of s.points) seen.add(p.label);
  return [...seen];
}

/** Moves label positions apart so that no two are closer than `gap`, keeping their order. */
function spread(ys: { y: number; i: number }[], gap: number, min: number, max: number): Map<number, number> {
  const sorted = [...ys].sort((a, b) => a.y - b.y || a.i - b.i);
  for (let k = 1; k < sorted.length; k++) sorted[k]!.y = Math.max(sorted[k]!.y, sorted[k - 1]!.y + gap);
  const overflow = sorted.length > 0 ? sorted[sorted.length - 1]!.y - max : 0;
  if (overflow > 0) for (const s of sorted) s.y -= overflow;
  for (let k = sorted.length - 2; k >= 0; k--) sorted[k]!.y = Math.min(sorted[k]!.y, sorted[k + 1]!.y - gap);
  return new Map(sorted.map((s) => [s.i, Math.max(min, s.y)]));
}

/** Style of each series: the emphasised ones dark blue, thick and solid; the others in turn from OTHER_STYLES. */
function lineStyles(series: LineSeries[]): { colour: string; dash: string; width: number }[] {
  let k = 0;
  return series.map((s) =>
    s.emphasis
      ? { colour: EMPHASIS_COLOUR, dash: '', width: 4 }
      : { ...OTHER_STYLES[k++ % OTHER_STYLES.length]!, width: 2.5 },
  );
}

/** A trend chart: one line per series across period labels, gaps where values are missing. */
export function renderLineChart(input: LineChartInput): string {
  const id = input.id ?? contentId('line', input);
  const { unit, decimalPlaces: dp } = input;
  const labels = periodLabels(input.series);
  const values = finite(input.series.flatMap((s) => s.points.map((p) => p.value)));
  const y = scaleLinear()
    .domain(valueDomain(values, input.fromZero ?? false))
    .nice(5);
  const ticks = y.ticks(5);
  const tickDp = Math.max(tickDecimals(ticks.length > 1 ? ticks[1]! - ticks[0]! : 1), 0);
  const tickText = (v: number) => formatNumber(v, tickDp, unit);

  // Layout: unit caption on top, tick labels on the left, direct labels of emphasised series on the right.
  const width = input.width ?? WIDTH;
  const emphasised = input.series.filter((s) => s.emphasis);
  const styles = lineStyles(input.series);
  const left = Math.ceil(Math.max(...ticks.map((t) => textWidth(tickText(t), TICK_SIZE)), 10)) + 14;
  // The emphasised series' names at the right-hand end of their lines, when they fit (the legend names them too).
  const labelRoom = Math.max(0, ...emphasised.map((s) => textWidth(s.name, LABEL_SIZE) + 18));
  const direct = width >= NARROW || labelRoom <= width * 0.3;
  const right = direct ? Math.ceil(Math.min(200, Math.max(24, labelRoom))) : 16;
  const top = unitSuffix(unit) ? 40 : 20;
  const plotH = width >= NARROW ? 260 : 200;
  const plotW = width - left - right;
  const x = scalePoint<string>().domain(labels).range([0, plotW]).padding(0.4);
  y.range([plotH, 0]);

  // Period labels: as many as fit, always including the latest.
  const labelW = Math.max(...labels.map((l) => textWidth(l, TICK_SIZE)), 1) + 8;
  const every = Math.max(1, Math.ceil(labelW / Math.max(1, x.step())));
  const shown = labels.filter((_l, i) => (labels.length - 1 - i) % every === 0);

  // Legend: one entry per series, flowing into rows.
  const legend: { s: LineSeries; k: number; x: number; row: number }[] = [];
  let lx = 0;
  let row = 0;
  input.series.forEach((s, k) => {
    const w = 44 + textWidth(s.name, TICK_SIZE) + 24;
    if (lx > 0 && lx + w > width - 8) {
      lx = 0;
      row++;
    }
    legend.push({ s, k, x: lx, row });
    lx += w;
  });
  const legendTop = top + plotH + 52;
  const height = legendTop + (input.series.length > 0 ? (row + 1) * 26 : 0) + 4;

  const out: string[] = [
    svgOpen({
      id,
      width,
      height,
      title: input.title,
      description: input.description,
      className: 'app-chart app-chart--line',
    }),
  ];
  const suffix = unitSuffix(unit);
  if (suffix) out.push(`<text x="0" y="20" font-size="${TICK_SIZE}" fill="${SECONDARY_TEXT}">${esc(suffix)}</text>`);
  out.push(`<g transform="translate(${left},${top})">`);
  // Grid and value axis.
  out.push(`<g font-size="${TICK_SIZE}" text-anchor="end">`);
  for (const t of ticks) {
    const ty = num(y(t));
    const zero = t === 0 && y.domain()[0]! < 0;
    out.push(
      `<line x1="0" x2="${num(plotW)}" y1="${ty}" y2="${ty}" stroke="${zero ? TEXT_COLOUR : GRID_COLOUR}" stroke-width="1"/>`,
    );
    out.push(`<text x="-8" y="${ty}" dy="0.32em">${esc(tickText(t))}</text>`);
  }
  out.push('</g>');
  // Period axis.
  out.push(`<line x1="0" x2="${num(plotW)}" y1="${plotH}" y2="${plotH}" stroke="${TEXT_COLOUR}"/>`);
  out.push(`<g font-size="${TICK_SIZE}" text-anchor="middle">`);
  for (const l of shown) {
    const px = num(x(l)!);
    out.push(
      `<line x1="${px}" x2="${px}" y1="${plotH}" y2="${plotH + 6}" stroke="${TEXT_COLOUR}"/><text x="${px}" y="${plotH + 24}">${esc(l)}</text>`,
    );
  }
  out.push('</g>');
  if (values.length === 0)
    out.push(
      `<text x="${num(plotW / 2)}" y="${num(plotH / 2)}" text-anchor="middle" fill="${SECONDARY_TEXT}">No data</text>`,
    );

  // Lines: others first, emphasised on top.
  const order = input.series
    .map((s, k) => ({ s, k }))
    .sort((a, b) => Number(a.s.emphasis ?? false) - Number(b.s.emphasis ?? false));
  const path = line<ChartPoint>()
    .defined((p) => p.value !== null && Number.isFinite(p.value) && x(p.label) !== undefined)
    .x((p) => x(p.label)!)
    .y((p) => y(p.value!))
    .digits(1);
  const directLabels: { y: number; i: number; s: LineSeries; x: number }[] = [];
  for (const { s, k } of order) {
    const st = styles[k]!;
    const d = path(s.points) ?? '';
    out.push(`<g class="app-chart__series"><title>${esc(s.name)}</title>`);
    if (d)
      out.push(
        `<path d="${d}" fill="none" stroke="${st.colour}" stroke-width="${st.width}" stroke-linejoin="round" stroke-linecap="round"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`,
      );
    s.points.forEach((p, i) => {
      if (p.value === null || !Number.isFinite(p.value) || x(p.label) === undefined) return;
      const isolated = (s.points[i - 1]?.value ?? null) === null && (s.points[i + 1]?.value ?? null) === null;
      if (!s.emphasis && !isolated) return;
      const r = s.emphasis ? 5 : 3.5;
      out.push(
        `<circle cx="${num(x(p.label)!)}" cy="${num(y(p.value))}" r="${r}" fill="${st.colour}" stroke="#ffffff" stroke-width="1.5"><title>${esc(`${s.name}, ${p.label}: ${formatValue(p.value, dp, unit)}`)}</title></circle>`,
      );
    });
    out.push('</g>');
    const last = [...s.points]
      .reverse()
      .find((p) => p.value !== null && Number.isFinite(p.value) && x(p.label) !== undefined);
    if (direct && s.emphasis && last)
      directLabels.push({ y: y(last.value!), i: directLabels.length, s, x: x(last.label)! });
  }
  const placed = spread(
    directLabels.map(({ y: ly, i }) => ({ y: ly, i })),
    20,
    -top + 12,
    plotH,
  );
  for (const l of directLabels) {
    out.push(
      `<text x="${num(Math.max(...directLabels.map((d) => d.x)) + 10)}" y="${num(placed.get(l.i) ?? l.y)}" dy="0.32em" font-weight="bold">${esc(l.s.name)}</text>`,
    );
  }
  out.push('</g>');

  // Legend with line samples (stroke, dash and marker), so each series can be told apart without colour.
  out.push(`<g transform="translate(0,${legendTop})" font-size="${TICK_SIZE}">`);
  for (const e of legend) {
    const st = styles[e.k]!;
    const ey = e.row * 26;
    out.push(
      `<line x1="${num(e.x)}" x2="${num(e.x + 36)}" y1="${ey}" y2="${ey}" stroke="${st.colour}" stroke-width="${st.width}"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`,
    );
    if (e.s.emphasis)
      out.push(
        `<circle cx="${num(e.x + 18)}" cy="${ey}" r="5" fill="${st.colour}" stroke="#ffffff" stroke-width="1.5"/>`,
      );
    out.push(
      `<text x="${num(e.x + 44)}" y="${ey}" dy="0.32em"${e.s.emphasis ? ' font-weight="bold"' : ''}>${esc(e.s.name)}</text>`,
    );
  }
  out.push('</g></svg>');
  return out.join('');
}

/** Splits a long label into at most two lines at a space near the middle. */
function wrapLabel(label: string, maxWidth: number, size: number): string[] {
  if (textWidth(label, size) <= maxWidth) return [label];
  const mid = label.length / 2;
  let best = -1;
  for (let i = label.indexOf(' '); i !== -1; i = label.indexOf(' ', i + 1))
    if (best === -1 || Math.abs(i - mid) < Math.abs(best - mid)) best = i;
  return best === -1 ? [label] : [label.slice(0, best), label.slice(best + 1)];
}

/** A label cut to fit a width, ending in an ellipsis when cut (the bar's tooltip and the table have it whole). */
function fitLabel(label: string, maxWidth: number, size: number): string {
  if (textWidth(label, size) <= maxWidth) return label;
  let cut = label;
  while (cut.length > 1 && textWidth(`${cut}…`, size) > maxWidth) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

/** Horizontal bars in the order given; missing values say "no data" rather than drawing a zero bar. */
export function renderBarChart(input: BarChartInput): string {
  const id = input.id ?? contentId('bar', input);
  const { unit, decimalPlaces: dp } = input;
  const values = finite(input.bars.map((b) => b.value));
  const x = scaleLinear().domain(valueDomain(values, true)).nice(5);
  const tickCount = (input.width ?? WIDTH) < NARROW ? 3 : 5;
  const ticks = x.ticks(tickCount);
  const tickDp = tickDecimals(ticks.length > 1 ? ticks[1]! - ticks[0]! : 1);
  const labelOf = (b: Bar) => (b.emphasis ? `▶ ${b.label}` : b.label);
  const valueOf = (b: Bar) =>
    `${b.value === null || !Number.isFinite(b.value) ? 'no data' : formatNumber(b.value, dp, unit)}${b.note ? ` (${b.note})` : ''}`;

  const width = input.width ?? WIDTH;
  // Stacked (narrow): each label on a line of its own above its bar, the bars using the whole width.
  const stacked = width < NARROW;
  const labelCol = stacked
    ? 0
    : Math.ceil(Math.min(260, Math.max(60, ...input.bars.map((b) => textWidth(labelOf(b), TICK_SIZE))))) + 12;
  const valueCol =
    Math.ceil(Math.min(stacked ? 110 : 200, Math.max(40, ...input.bars.map((b) => textWidth(valueOf(b), TICK_SIZE))))) +
    10;
  const hasNegative = x.domain()[0]! < 0;
  const top = (unitSuffix(unit) ? 36 : 12) + (stacked ? 8 : 0);
  const rowH = stacked ? 46 : 34;
  const plotW = width - labelCol - valueCol - (hasNegative ? valueCol : 0);
  const plotH = Math.max(1, input.bars.length) * rowH;
  x.range([hasNegative ? valueCol : 0, (hasNegative ? valueCol : 0) + plotW]);
  const band = scaleBand<number>()
    .domain(input.bars.map((_b, i) => i))
    .range([0, plotH])
    .paddingInner(stacked ? 0.5 : 0.3)
    .paddingOuter(stacked ? 0.4 : 0.15);
  const height = top + plotH + 40;

  const out: string[] = [
    svgOpen({
      id,
      width,
      height,
      title: input.title,
      description: input.description,
      className: 'app-chart app-chart--bar',
    }),
  ];
  out.push(
    `<defs><pattern id="${id}-emphasis" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
      `<rect width="8" height="8" fill="${EMPHASIS_COLOUR}"/><rect width="3" height="8" fill="#ffffff" fill-opacity="0.55"/></pattern></defs>`,
  );
  const suffix = unitSuffix(unit);
  if (suffix)
    out.push(`<text x="${labelCol}" y="20" font-size="${TICK_SIZE}" fill="${SECONDARY_TEXT}">${esc(suffix)}</text>`);
  out.push(`<g transform="translate(${labelCol},${top})" font-size="${TICK_SIZE}">`);
  out.push('<g text-anchor="middle">');
  for (const t of ticks) {
    const tx = num(x(t));
    out.push(`<line x1="${tx}" x2="${tx}" y1="0" y2="${plotH}" stroke="${t === 0 ? TEXT_COLOUR : GRID_COLOUR}"/>`);
    out.push(`<text x="${tx}" y="${plotH + 22}">${esc(formatNumber(t, tickDp, unit))}</text>`);
  }
  out.push('</g>');
  input.bars.forEach((b, i) => {
    const by = band(i)!;
    const bh = band.bandwidth();
    const mid = by + bh / 2;
    const weight = b.emphasis ? ' font-weight="bold"' : '';
    if (stacked) {
      out.push(`<text x="0" y="${num(by - 6)}"${weight}>${esc(fitLabel(labelOf(b), width, TICK_SIZE))}</text>`);
    } else {
      const lines = wrapLabel(labelOf(b), labelCol - 12, TICK_SIZE);
      const ly = lines.length === 1 ? [mid] : [mid - 8, mid + 8];
      lines.forEach((l, k) =>
        out.push(`<text x="-12" y="${num(ly[k]!)}" dy="0.32em" text-anchor="end"${weight}>${esc(l)}</text>`),
      );
    }
    const x0 = x(0);
    if (b.value === null || !Number.isFinite(b.value)) {
      out.push(
        `<text x="${num(x0 + 6)}" y="${num(mid)}" dy="0.32em" fill="${SECONDARY_TEXT}" font-style="italic"${weight}>${esc(valueOf(b))}</text>`,
      );
      return;
    }
    const x1 = x(b.value);
    const bx = Math.min(x0, x1);
    const bw = Math.max(Math.abs(x1 - x0), 1);
    const fill = b.emphasis ? `url(#${id}-emphasis)` : '#1d70b8';
    const stroke = b.emphasis ? ` stroke="${TEXT_COLOUR}" stroke-width="2"` : '';
    out.push(
      `<rect x="${num(bx)}" y="${num(by)}" width="${num(bw)}" height="${num(bh)}" fill="${fill}"${stroke}><title>${esc(`${b.label}: ${formatValue(b.value, dp, unit)}${b.note ? ` (${b.note})` : ''}`)}</title></rect>`,
    );
    const negative = b.value < 0;
    out.push(
      `<text x="${num(negative ? bx - 6 : bx + bw + 6)}" y="${num(mid)}" dy="0.32em"${negative ? ' text-anchor="end"' : ''}${weight}>${esc(valueOf(b))}</text>`,
    );
  });
  out.push('</g></svg>');
  return out.join('');
}
