/**
 * Server-rendered choropleth maps: boundaries projected with d3-geo (transverse Mercator on 2°W, the meridian of the
 * British National Grid) and fitted to the frame, five quantile classes (d3-scale) on a sequential blue palette whose
 * every class has at least 3:1 contrast against white, hatched "no data" areas, and a labelled legend. Pages put a
 * table of the same values beside the map.
 */
import { geoArea, geoPath, geoTransverseMercator, type GeoPermissibleObjects } from 'd3-geo';
import { scaleLinear, scaleQuantile } from 'd3-scale';
import type { Feature, FeatureCollection, Position } from 'geojson';
import type { Polarity } from '../metrics/index.ts';
import type { AreaGeometry, BoundaryFeature } from './geometry.ts';
import {
  contentId,
  esc,
  formatNumber,
  formatValue,
  num,
  SECONDARY_TEXT,
  svgOpen,
  TEXT_COLOUR,
  unitSuffix,
  wrapText,
} from './svg.ts';

export interface ChoroplethInput {
  title: string;
  description: string;
  unit: string;
  decimalPlaces: number;
  /**
   * Stated under the legend in words ("Higher values are better"); the palette runs light (low) to dark (high) either
   * way.
   */
  polarity: Polarity;
  features: readonly BoundaryFeature[];
  /** Values by GSS code; a code missing or null is drawn hatched as "no data". */
  values: Map<string, number | null>;
  /** GSS code of the area to outline thickly (e.g. the council the page is about). */
  highlight?: string;
  /**
   * Shapes drawn in light grey behind the areas, for orientation when the areas do not cover England (e.g. the regions
   * behind combined authorities). The map is fitted to them and the areas together.
   */
  backdrop?: readonly BoundaryFeature[];
  /** The boundary vintage drawn, stated in the key ("Boundaries: local authority districts as at April 2023"). */
  boundaries?: string;
  /**
   * The shapes already projected: projectBoundaries(features, backdrop) of these very features (the maps service keeps
   * them per boundary set), so that a render only assigns colours. Projected here when absent.
   */
  projected?: ProjectedPaths;
  id?: string;
  /**
   * A categorical measure (judgements): the values are category positions (1-based, in the list's order), coloured by
   * category with a key of labels and counts in the order given, never put into numeric classes. The list is the
   * metric's categories best first (categories.ts `bestFirst`), each with the position stored for it.
   */
  categories?: readonly { position: number; label: string }[];
  /**
   * Width in SVG units (default 600). A narrower map (for phones, responsiveChart) draws the same projected shapes
   * scaled down, and wraps the key's text to the width, so the key stays at its full size.
   */
  width?: number;
}

/** Boundaries projected into the map's frame: SVG path data per feature and per backdrop shape, in their order. */
export interface ProjectedPaths {
  readonly features: readonly string[];
  readonly backdrop: readonly string[];
}

export interface ChoroplethClass {
  colour: string;
  min: number;
  max: number;
  count: number;
  /** A category's label (a categorical map); the key shows it instead of the range. */
  label?: string;
}

/** Five blues from light to dark, each at least 3:1 against white (3.1, 4.7, 7.1, 10.3 and 14.1). */
export const CHOROPLETH_PALETTE = ['#5997cd', '#3778ae', '#0e5c91', '#004276', '#002a5c'] as const;
const MAP_W = 600;
const MAP_H = 720;
const SIZE = 14;
const HIGHLIGHT_OUTER = '#0b0c0c';
const HIGHLIGHT_INNER = '#ffdd00';

/**
 * Quantile classes of the values: at most five, fewer when there are few distinct values. Each class gives the
 * smallest and largest value in it, so the legend ranges cover every value and do not overlap.
 */
export function quantileClasses(values: number[]): { classOf: (v: number) => number; classes: ChoroplethClass[] } {
  const sorted = [...values].sort((a, b) => a - b);
  const k = Math.max(1, Math.min(CHOROPLETH_PALETTE.length, new Set(sorted).size));
  const thresholds =
    sorted.length === 0
      ? []
      : scaleQuantile<number>()
          .domain(sorted)
          .range([...Array(k).keys()])
          .quantiles();
  // A value equal to a threshold goes in the lower class, so that ties at the threshold stay together below it.
  const rawClass = (v: number) => thresholds.filter((t) => t < v).length;
  const members = new Map<number, number[]>();
  for (const v of sorted) {
    const c = rawClass(v);
    const list = members.get(c) ?? [];
    list.push(v);
    members.set(c, list);
  }
  // Classes that ties left empty are dropped and the rest renumbered; colours spread over the palette.
  const used = [...members.keys()].sort((a, b) => a - b);
  const palette = paletteFor(used.length);
  const classes = used.map((c, i) => {
    const m = members.get(c)!;
    return { colour: palette[i]!, min: m[0]!, max: m[m.length - 1]!, count: m.length };
  });
  const index = new Map(used.map((c, i) => [c, i]));
  return { classOf: (v) => index.get(rawClass(v)) ?? 0, classes };
}

function paletteFor(n: number): string[] {
  const p = [...CHOROPLETH_PALETTE];
  if (n >= p.length) return p;
  if (n <= 1) return [p[2]!];
  return [...Array(n).keys()].map((i) => p[Math.round((i * (p.length - 1)) / (n - 1))]!);
}

/**
 * Classes of a categorical map: one per category in the order given (best first), darkest first, so that the shade
 * follows the scale's order; every category listed, zero counts included. Shades spread over the palette's range
 * (interpolated beyond five categories, each still at least 3:1 against white).
 */
export function categoryClasses(
  categories: readonly { position: number; label: string }[],
  values: number[],
): { classOf: (v: number) => number; classes: ChoroplethClass[] } {
  const n = categories.length;
  const shade = scaleLinear<string>()
    .domain([0, Math.max(1, n - 1)])
    .range([CHOROPLETH_PALETTE.at(-1)!, CHOROPLETH_PALETTE[0]]);
  const colours = n <= CHOROPLETH_PALETTE.length ? paletteFor(n).reverse() : categories.map((_, i) => shade(i));
  const index = new Map(categories.map((c, i) => [c.position, i]));
  const classes = categories.map((c, i) => ({
    colour: colours[i]!,
    min: c.position,
    max: c.position,
    count: 0,
    label: c.label,
  }));
  for (const v of values) {
    const i = index.get(v);
    if (i !== undefined) classes[i]!.count++;
  }
  return { classOf: (v) => index.get(v) ?? -1, classes };
}

/** d3-geo wants exterior rings clockwise on the sphere; files following RFC 7946 wind them the other way. */
function rewind(g: AreaGeometry): AreaGeometry {
  const fix = (rings: Position[][]): Position[][] =>
    rings.map((ring, i) => {
      const inverted = geoArea({ type: 'Polygon', coordinates: [ring] }) > 2 * Math.PI;
      // Exterior rings must enclose a small area; holes must be wound the other way (enclosing nearly the whole
      // sphere).
      return (i === 0) === inverted ? [...ring].reverse() : ring;
    });
  return g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: fix(g.coordinates) }
    : { type: 'MultiPolygon', coordinates: g.coordinates.map(fix) };
}

/**
 * A d3 path context that writes compact SVG path data: coordinates on a 0.1 grid, relative moves, points closer than
 * `minStep` to the previous one dropped, and rings that collapse to under three points left out.
 */
function compactPathContext(minStep: number) {
  let out = '';
  let ring: [number, number][] = [];
  let cur: [number, number] = [0, 0];
  const t = (v: number) => Math.round(v * 10);
  const n = (tenths: number) => {
    const s = String(tenths / 10);
    return s.replace(/^(-?)0\./, '$1.');
  };
  const flush = () => {
    if (ring.length >= 3) {
      const [sx, sy] = ring[0]!;
      out += `M${n(sx)} ${n(sy)}`;
      let [px, py] = [sx, sy];
      let d = 'l';
      for (const [x, y] of ring.slice(1)) {
        const dx = n(x - px);
        const dy = n(y - py);
        d += `${d === 'l' || dx.startsWith('-') ? '' : ' '}${dx}${dy.startsWith('-') ? '' : ' '}${dy}`;
        [px, py] = [x, y];
      }
      out += `${d}z`;
    }
    ring = [];
  };
  const min2 = (minStep * 10) ** 2;
  return {
    moveTo(x: number, y: number) {
      flush();
      cur = [t(x), t(y)];
      ring.push(cur);
    },
    lineTo(x: number, y: number) {
      const p: [number, number] = [t(x), t(y)];
      if ((p[0] - cur[0]) ** 2 + (p[1] - cur[1]) ** 2 < min2) return;
      ring.push(p);
      cur = p;
    },
    closePath() {
      flush();
    },
    arc() {},
    beginPath() {},
    result() {
      flush();
      const r = out;
      out = '';
      return r;
    },
  };
}

/** The value classes and legend as SVG, below the map. */
function legendSvg(
  id: string,
  input: ChoroplethInput,
  classes: ChoroplethClass[],
  noData: number,
  highlightName: string | undefined,
  top: number,
  width: number,
): { svg: string; height: number } {
  const { unit, decimalPlaces: dp } = input;
  const rows: string[] = [];
  /** A line of the key, wrapped to the width, one 28-unit row per line. */
  const note = (text: string, attrs: string) => {
    for (const line of wrapText(text, width, SIZE)) {
      rows.push(`<text x="0" y="${y + 10}" dy="0.32em"${attrs}>${esc(line)}</text>`);
      y += 22;
    }
    y += 6;
  };
  const suffix = unitSuffix(unit);
  rows.push(
    `<text x="0" y="0" dy="0.8em" font-weight="bold" font-size="16">Key${input.categories ? '' : suffix ? `: ${esc(suffix)}` : unit.trim() === '%' ? ': per cent' : ''}</text>`,
  );
  let y = 30;
  const swatch = (fill: string, label: string, extra = '') => {
    rows.push(
      `<rect x="0" y="${y}" width="28" height="20" fill="${fill}" stroke="${TEXT_COLOUR}" stroke-width="0.5"${extra}/>`,
    );
    const lines = wrapText(label, width - 38, SIZE);
    lines.forEach((l, k) => rows.push(`<text x="38" y="${y + 10 + k * 22}" dy="0.32em">${esc(l)}</text>`));
    y += 28 + (lines.length - 1) * 22;
  };
  const count = (c: number) => `(${c} ${c === 1 ? 'area' : 'areas'})`;
  classes.forEach((c) => {
    if (c.label !== undefined) return swatch(c.colour, `${c.label} ${count(c.count)}`);
    const range =
      c.min === c.max
        ? formatNumber(c.min, dp, unit)
        : `${formatNumber(c.min, dp, unit)} to ${formatNumber(c.max, dp, unit)}`;
    swatch(c.colour, `${range} ${count(c.count)}`);
  });
  if (classes.length === 0) {
    rows.push(`<text x="0" y="${y + 10}" dy="0.32em" fill="${SECONDARY_TEXT}">No area has a value</text>`);
    y += 28;
  }
  if (noData > 0) swatch(`url(#${id}-nodata)`, `No data ${count(noData)}`);
  if (highlightName !== undefined) {
    rows.push(
      `<rect x="2" y="${y + 2}" width="24" height="16" fill="none" stroke="${HIGHLIGHT_OUTER}" stroke-width="4"/><rect x="2" y="${y + 2}" width="24" height="16" fill="none" stroke="${HIGHLIGHT_INNER}" stroke-width="1.5"/>`,
    );
    const lines = wrapText(`Outlined: ${highlightName}`, width - 38, SIZE);
    lines.forEach((l, k) =>
      rows.push(`<text x="38" y="${y + 10 + k * 22}" dy="0.32em" font-weight="bold">${esc(l)}</text>`),
    );
    y += 28 + (lines.length - 1) * 22;
  }
  const polarityText =
    input.polarity === 'higher-is-better'
      ? 'Higher values are better'
      : input.polarity === 'lower-is-better'
        ? 'Lower values are better'
        : undefined;
  const shading = input.categories
    ? input.polarity === 'not-applicable'
      ? 'Shades follow the order of the categories; no category is better than another.'
      : 'Darker shades are better; the key lists the categories best first.'
    : `Darker shades are higher values${polarityText ? `. ${polarityText}.` : '.'}`;
  note(shading, ` fill="${SECONDARY_TEXT}"`);
  if (input.boundaries) note(input.boundaries, ` fill="${SECONDARY_TEXT}"`);
  return { svg: `<g transform="translate(0,${top})" font-size="${SIZE}">${rows.join('')}</g>`, height: y };
}

/**
 * Projects shapes into the map's frame (fitted to the shapes and the backdrop together) as compact SVG path data. The
 * costly part of a map: the maps service keeps the result per boundary set, so a page's map only assigns colours.
 */
export function projectBoundaries(
  shapes: readonly BoundaryFeature[],
  backdropShapes: readonly BoundaryFeature[] = [],
): ProjectedPaths {
  const toFeature = (f: BoundaryFeature): Feature<AreaGeometry> => ({
    type: 'Feature',
    properties: {},
    geometry: rewind(f.geometry),
  });
  const features = shapes.map(toFeature);
  const backdrop = backdropShapes.map(toFeature);
  const collection: FeatureCollection<AreaGeometry> = {
    type: 'FeatureCollection',
    features: [...backdrop, ...features],
  };
  const projection = geoTransverseMercator().rotate([2, 0]);
  if (collection.features.length > 0)
    projection.fitExtent(
      [
        [4, 4],
        [MAP_W - 4, MAP_H - 4],
      ],
      collection,
    );
  const ctx = compactPathContext(0.5);
  const path = geoPath(projection, ctx);
  const d = (g: GeoPermissibleObjects) => {
    path(g);
    return ctx.result();
  };
  return { features: features.map((f) => flat(d(f))), backdrop: backdrop.map((f) => flat(d(f))) };
}

/**
 * A string built by many concatenations is a deep rope that every later use in a larger string walks again; copied
 * once into a flat string, a kept path is copied whole into each map instead (measured: several times faster).
 */
const flat = (s: string) => Buffer.from(s, 'latin1').toString('latin1');

/** A choropleth map of values by area as one SVG string; deterministic for a given input. */
export function renderChoropleth(input: ChoroplethInput): string {
  const id =
    input.id ??
    contentId('map', {
      ...input,
      features: input.features.map((f) => f.code),
      backdrop: input.backdrop?.map((f) => f.code),
      projected: undefined,
    });
  const { unit, decimalPlaces: dp } = input;
  const numberOf = (code: string): number | null => {
    const v = input.values.get(code);
    return v === undefined || v === null || !Number.isFinite(v) ? null : v;
  };
  const labels = new Map(input.categories?.map((c) => [c.position, c.label]));
  // A categorical map: a value that is no category of the list is drawn as no data.
  const valueOf = (code: string): number | null => {
    const v = numberOf(code);
    return v !== null && input.categories && !labels.has(v) ? null : v;
  };
  const shown = finiteValues(input.features.map((f) => valueOf(f.code)));
  const { classOf, classes } = input.categories ? categoryClasses(input.categories, shown) : quantileClasses(shown);
  const words = (v: number | null) => (input.categories && v !== null ? labels.get(v)! : formatValue(v, dp, unit));

  const projected = input.projected ?? projectBoundaries(input.features, input.backdrop);
  const width = input.width ?? MAP_W;
  const scale = Math.min(1, width / MAP_W);
  const mapH = Math.round(MAP_H * scale);

  const highlight = input.highlight ? input.features.findIndex((f) => f.code === input.highlight) : -1;
  const noData = input.features.filter((f) => valueOf(f.code) === null).length;
  const legend = legendSvg(
    id,
    input,
    classes,
    noData,
    highlight >= 0 ? input.features[highlight]!.name : undefined,
    mapH + 16,
    width,
  );
  const height = mapH + 16 + legend.height;

  const out: string[] = [
    svgOpen({ id, width, height, title: input.title, description: input.description, className: 'app-map' }),
  ];
  out.push(
    `<defs><pattern id="${id}-nodata" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
      `<rect width="6" height="6" fill="#ffffff"/><rect width="1.5" height="6" fill="${SECONDARY_TEXT}"/></pattern></defs>`,
  );
  if (scale < 1) out.push(`<g transform="scale(${num(scale, 4)})">`);
  if (projected.backdrop.length > 0) {
    out.push(
      `<g fill="#f3f2f1" stroke="${SECONDARY_TEXT}" stroke-width="0.5" stroke-linejoin="round" fill-rule="evenodd">`,
    );
    for (const b of projected.backdrop) out.push(`<path d="${b}"/>`);
    out.push('</g>');
  }
  out.push('<g stroke="#ffffff" stroke-width="0.5" stroke-linejoin="round" fill-rule="evenodd">');
  input.features.forEach((f, i) => {
    const v = valueOf(f.code);
    const fill = v === null ? `url(#${id}-nodata)` : classes[classOf(v)]!.colour;
    const stroke = v === null ? ` stroke="${SECONDARY_TEXT}"` : '';
    out.push(
      `<path d="${projected.features[i]!}" fill="${fill}"${stroke}><title>${esc(`${f.name}: ${words(v)}`)}</title></path>`,
    );
  });
  out.push('</g>');
  if (highlight >= 0) {
    const hd = projected.features[highlight]!;
    out.push(
      `<g fill="none" stroke-linejoin="round"><path d="${hd}" stroke="${HIGHLIGHT_OUTER}" stroke-width="4"/><path d="${hd}" stroke="${HIGHLIGHT_INNER}" stroke-width="1.5"/></g>`,
    );
  }
  if (scale < 1) out.push('</g>');
  out.push(legend.svg);
  out.push('</svg>');
  return out.join('');
}

function finiteValues(values: (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null);
}
