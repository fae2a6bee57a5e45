/**
 * A server-rendered scatter chart: one point per council, x against y (for example spend per head against an outcome).
 * The chosen councils are drawn larger, as diamonds, and labelled directly, so colour is never needed to find them.
 * No trend line is drawn: the chart shows an association, and pages state it in words without implying a cause.
 */
import { scaleLinear } from 'd3-scale';
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
  wrapText,
} from './svg.ts';

export interface ScatterPoint {
  label: string;
  x: number;
  y: number;
  /** A council the chart is about: a labelled diamond. */
  emphasis?: boolean;
  /** Outside the set picked out (e.g. not in the comparison group): a hollow grey circle, drawn underneath. */
  muted?: boolean;
}

export interface ScatterAxis {
  title: string;
  unit: string;
  decimalPlaces: number;
}

export interface ScatterChartInput {
  title: string;
  description: string;
  x: ScatterAxis;
  y: ScatterAxis;
  points: ScatterPoint[];
  id?: string;
  /** Width in SVG units (default 640); a narrow one (about 300) is drawn for phones (responsive.ts). */
  width?: number;
}

const WIDTH = 640;
const TICK_SIZE = 14;
const EMPHASIS_COLOUR = '#12436d';
const POINT_COLOUR = '#1d70b8';

function domain(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) [lo, hi] = lo === 0 ? [0, 1] : [lo - Math.abs(lo) * 0.1, hi + Math.abs(hi) * 0.1];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** Wraps an axis title into at most three lines of at most `max` pixels. */
const wrap = (text: string, max: number): string[] => wrapText(text, max, TICK_SIZE).slice(0, 3);

export function renderScatterChart(input: ScatterChartInput): string {
  const id = input.id ?? contentId('scatter', input);
  const pts = input.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const x = scaleLinear()
    .domain(domain(pts.map((p) => p.x)))
    .nice(5);
  const y = scaleLinear()
    .domain(domain(pts.map((p) => p.y)))
    .nice(5);
  const width = input.width ?? WIDTH;
  const xt = x.ticks(width < 480 ? 3 : 5);
  const yt = y.ticks(5);
  const xdp = tickDecimals(xt.length > 1 ? xt[1]! - xt[0]! : 1);
  const ydp = tickDecimals(yt.length > 1 ? yt[1]! - yt[0]! : 1);
  const yTitle = wrap(`${input.y.title} (${input.y.unit})`, width - 20);
  const xTitle = wrap(`${input.x.title} (${input.x.unit})`, width - 80);
  const left = Math.ceil(Math.max(...yt.map((t) => textWidth(formatNumber(t, ydp, input.y.unit), TICK_SIZE)), 10)) + 14;
  const top = yTitle.length * 18 + 14;
  const plotW = width - left - 20;
  const plotH = width < 480 ? 240 : 320;
  x.range([0, plotW]);
  y.range([plotH, 0]);
  const height = top + plotH + 36 + xTitle.length * 18 + 8;

  const out: string[] = [
    svgOpen({
      id,
      width,
      height,
      title: input.title,
      description: input.description,
      className: 'app-chart app-chart--scatter',
    }),
  ];
  yTitle.forEach((l, i) =>
    out.push(`<text x="0" y="${18 + i * 18}" font-size="${TICK_SIZE}" fill="${SECONDARY_TEXT}">${esc(l)}</text>`),
  );
  out.push(`<g transform="translate(${left},${top})" font-size="${TICK_SIZE}">`);
  for (const t of yt) {
    const ty = num(y(t));
    out.push(
      `<line x1="0" x2="${num(plotW)}" y1="${ty}" y2="${ty}" stroke="${GRID_COLOUR}"/><text x="-8" y="${ty}" dy="0.32em" text-anchor="end">${esc(formatNumber(t, ydp, input.y.unit))}</text>`,
    );
  }
  for (const t of xt) {
    const tx = num(x(t));
    out.push(
      `<line x1="${tx}" x2="${tx}" y1="0" y2="${plotH}" stroke="${GRID_COLOUR}"/><text x="${tx}" y="${plotH + 22}" text-anchor="middle">${esc(formatNumber(t, xdp, input.x.unit))}</text>`,
    );
  }
  out.push(
    `<line x1="0" x2="${num(plotW)}" y1="${plotH}" y2="${plotH}" stroke="${TEXT_COLOUR}"/><line x1="0" x2="0" y1="0" y2="${plotH}" stroke="${TEXT_COLOUR}"/>`,
  );
  if (pts.length === 0)
    out.push(
      `<text x="${num(plotW / 2)}" y="${num(plotH / 2)}" text-anchor="middle" fill="${SECONDARY_TEXT}">No councils with both figures</text>`,
    );
  const tip = (p: ScatterPoint) =>
    `${p.label}: ${formatValue(p.x, input.x.decimalPlaces, input.x.unit)}, ${formatValue(p.y, input.y.decimalPlaces, input.y.unit)}`;
  // Muted councils first, then the others, the chosen councils on top.
  for (const p of pts.filter((q) => q.muted && !q.emphasis)) {
    out.push(
      `<circle cx="${num(x(p.x))}" cy="${num(y(p.y))}" r="3.5" fill="none" stroke="${SECONDARY_TEXT}" stroke-width="1"><title>${esc(tip(p))}</title></circle>`,
    );
  }
  for (const p of pts.filter((q) => !q.emphasis && !q.muted)) {
    out.push(
      `<circle cx="${num(x(p.x))}" cy="${num(y(p.y))}" r="4.5" fill="${POINT_COLOUR}" fill-opacity="0.75" stroke="#ffffff" stroke-width="1"><title>${esc(tip(p))}</title></circle>`,
    );
  }
  for (const p of pts.filter((q) => q.emphasis)) {
    const cx = x(p.x);
    const cy = y(p.y);
    out.push(
      `<path d="M${num(cx)} ${num(cy - 9)}L${num(cx + 9)} ${num(cy)}L${num(cx)} ${num(cy + 9)}L${num(cx - 9)} ${num(cy)}Z" fill="${EMPHASIS_COLOUR}" stroke="${TEXT_COLOUR}" stroke-width="2"><title>${esc(tip(p))}</title></path>`,
    );
    const rightSide = cx < plotW - textWidth(p.label, TICK_SIZE) - 16;
    out.push(
      `<text x="${num(rightSide ? cx + 13 : cx - 13)}" y="${num(cy)}" dy="0.32em" font-weight="bold"${rightSide ? '' : ' text-anchor="end"'}>${esc(p.label)}</text>`,
    );
  }
  out.push('</g>');
  xTitle.forEach((l, i) =>
    out.push(
      `<text x="${num(left + plotW / 2)}" y="${top + plotH + 48 + i * 18}" text-anchor="middle" font-size="${TICK_SIZE}" fill="${SECONDARY_TEXT}">${esc(l)}</text>`,
    ),
  );
  out.push('</svg>');
  return out.join('');
}
