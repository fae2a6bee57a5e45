/**
 * A chart for every screen: the same figures drawn twice, wide (640 units) and narrow (300 units, bars stacked under
 * their labels, fewer ticks, the map scaled with its key wrapped), and the stylesheet shows the one that fits its
 * container (a container query in src/styles/_reflow.scss), so labels are never drawn under 12 px on a 320 px
 * screen. Print always shows the wide one. Each drawing has its own ids, title and description; the hidden one is
 * `display: none`, so assistive technology meets one chart.
 */
import { renderBarChart, renderLineChart, type BarChartInput, type LineChartInput } from './charts.ts';
import { renderChoropleth, type ChoroplethInput } from './choropleth.ts';
import { renderScatterChart, type ScatterChartInput } from './scatter.ts';

/** The narrow drawing's width in SVG units: drawn at about 1:1 in the 290 px a 320 px screen leaves. */
export const NARROW_WIDTH = 300;

function pair<T extends { id?: string; width?: number }>(render: (input: T) => string, input: T): string {
  const narrow = { ...input, width: NARROW_WIDTH, ...(input.id ? { id: `${input.id}-narrow` } : {}) };
  return (
    `<div class="app-chart-pair"><div class="app-chart__wide">${render(input)}</div>` +
    `<div class="app-chart__narrow">${render(narrow)}</div></div>`
  );
}

export const responsiveLineChart = (input: LineChartInput): string => pair(renderLineChart, input);
export const responsiveBarChart = (input: BarChartInput): string => pair(renderBarChart, input);
export const responsiveScatterChart = (input: ScatterChartInput): string => pair(renderScatterChart, input);
export const responsiveChoropleth = (input: ChoroplethInput): string => pair(renderChoropleth, input);
