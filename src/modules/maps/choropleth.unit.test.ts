import { readFileSync } from 'node:fs';
import { geoArea } from 'd3-geo';
import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import {
  CHOROPLETH_PALETTE,
  quantileClasses,
  renderChoropleth,
  type BoundaryFeature,
  type ChoroplethInput,
} from './index.ts';
import { assertWellFormed, countElements, texts } from './svg-check.ts';

const square = (x: number, y: number): BoundaryFeature['geometry'] => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x, y + 0.5],
      [x + 0.5, y + 0.5],
      [x + 0.5, y],
      [x, y],
    ],
  ],
});
const small = (): ChoroplethInput => ({
  title: 'Recycling rate by council, 2023/24',
  description: 'Darker areas recycle more.',
  unit: '%',
  decimalPlaces: 1,
  polarity: 'higher-is-better',
  features: [
    { code: 'E06000001', name: 'Hartlepool', geometry: square(-1.5, 54) },
    { code: 'E06000002', name: 'Brighton & <Hove>', geometry: square(-1, 54) },
    { code: 'E06000003', name: 'Redcar', geometry: square(-0.5, 54) },
    { code: 'E06000004', name: 'Stockton', geometry: square(-1.5, 53.5) },
    { code: 'E06000005', name: 'Darlington', geometry: square(-1, 53.5) },
    { code: 'E06000006', name: 'Halton', geometry: square(-0.5, 53.5) },
  ],
  values: new Map<string, number | null>([
    ['E06000001', 10],
    ['E06000002', 20.25],
    ['E06000003', 30],
    ['E06000004', 40],
    ['E06000005', null],
  ]),
  highlight: 'E06000003',
});

const ltla2025 = (): BoundaryFeature[] =>
  (
    JSON.parse(readFileSync(sharedFile('boundaries/england_ltla_2025.geojson'), 'utf8')) as {
      features: { properties: { areacd: string; areanm: string }; geometry: BoundaryFeature['geometry'] }[];
    }
  ).features.map((f) => ({ code: f.properties.areacd, name: f.properties.areanm, geometry: f.geometry }));

const areaPaths = (svg: string) =>
  [...svg.matchAll(/<path d="([^"]*)" fill="([^"]+)"[^>]*><title>([^<]*)<\/title><\/path>/g)].map((m) => ({
    d: m[1]!,
    fill: m[2]!,
    title: m[3]!,
  }));

describe('renderChoropleth', () => {
  it('is a responsive, accessible SVG with a title and description', () => {
    const svg = renderChoropleth(small());
    assertWellFormed(svg);
    const id = /aria-labelledby="([\w-]+)-title \1-desc"/.exec(svg)![1]!;
    expect(svg).toMatch(
      /^<svg [^>]*viewBox="0 0 600 \d+" width="100%" role="img" aria-labelledby="[\w-]+-title [\w-]+-desc" focusable="false"/,
    );
    expect(svg).toContain(
      `<title id="${id}-title">Recycling rate by council, 2023/24</title><desc id="${id}-desc">Darker areas recycle more.</desc>`,
    );
    for (const size of svg.matchAll(/font-size="(\d+)"/g)) expect(Number(size[1])).toBeGreaterThanOrEqual(14);
  });

  it('gives each area a path titled with its name and formatted value, escaping names', () => {
    const paths = areaPaths(renderChoropleth(small()));
    expect(paths.map((p) => p.title)).toEqual([
      'Hartlepool: 10.0%',
      'Brighton &amp; &lt;Hove&gt;: 20.3%',
      'Redcar: 30.0%',
      'Stockton: 40.0%',
      'Darlington: no data',
      'Halton: no data',
    ]);
    expect(paths.every((p) => /^M[\d.]+ [\d.]+l[-\d. ]+z$/.test(p.d))).toBe(true);
  });

  it('hatches areas without data and says so in the legend with their count', () => {
    const svg = renderChoropleth(small());
    const paths = areaPaths(svg);
    expect(paths.filter((p) => /^url\(#map-\w+-nodata\)$/.test(p.fill)).map((p) => p.title)).toEqual([
      'Darlington: no data',
      'Halton: no data',
    ]);
    expect(svg).toMatch(/<pattern id="map-\w+-nodata"/);
    expect(texts(svg)).toContain('No data (2 areas)');
  });

  it('outlines the highlighted area thickly and names it in the legend', () => {
    const svg = renderChoropleth(small());
    const redcar = areaPaths(svg).find((p) => p.title.startsWith('Redcar'))!;
    expect(svg).toContain(`<path d="${redcar.d}" stroke="#0b0c0c" stroke-width="4"/>`);
    expect(texts(svg)).toContain('Outlined: Redcar');
    expect(renderChoropleth({ ...small(), highlight: undefined })).not.toContain('Outlined');
  });

  it('names the boundary vintage in the key when given, below the other lines, within the drawing', () => {
    const caption = 'Boundaries: local authority districts as at April 2023';
    const svg = renderChoropleth({ ...small(), boundaries: caption });
    assertWellFormed(svg);
    expect(texts(svg).at(-1)).toBe(caption);
    const height = (s: string) => Number(/viewBox="0 0 \d+ (\d+)"/.exec(s)?.[1]);
    expect(height(svg)).toBe(height(renderChoropleth(small())) + 28);
    expect(texts(renderChoropleth(small()))).not.toContain(caption);
  });

  it('has a legend whose classes cover every value, with ranges in the unit and counts, and states the polarity in words', () => {
    const svg = renderChoropleth(small());
    const legend = texts(svg).filter((t) => / to |areas?\)$/.test(t) && !t.startsWith('No data'));
    expect(legend).toEqual(['10.0% (1 area)', '20.3% (1 area)', '30.0% (1 area)', '40.0% (1 area)']);
    expect(texts(svg)).toContain('Darker shades are higher values. Higher values are better.');
    expect(texts(renderChoropleth({ ...small(), polarity: 'lower-is-better' }))).toContain(
      'Darker shades are higher values. Lower values are better.',
    );
    expect(texts(renderChoropleth({ ...small(), polarity: 'not-applicable' }))).toContain(
      'Darker shades are higher values.',
    );
  });

  it('colours a categorical measure by category: labels and counts best first in the key, darkest best, never ranges', () => {
    // Positions in the metric's own order (1 Outstanding … 4 Inadequate, the first best), listed best first.
    const categories = [
      { position: 1, label: 'Outstanding' },
      { position: 2, label: 'Good' },
      { position: 3, label: 'Requires improvement' },
      { position: 4, label: 'Inadequate' },
    ];
    const values = new Map<string, number | null>([
      ['E06000001', 2],
      ['E06000002', 4],
      ['E06000003', 2],
      ['E06000004', 7], // no category of the list: drawn as no data
      ['E06000005', null],
    ]);
    const svg = renderChoropleth({ ...small(), polarity: 'lower-is-better', categories, values, unit: 'judgement' });
    assertWellFormed(svg);
    const key = texts(svg).filter((t) => /areas?\)$/.test(t));
    expect(key).toEqual([
      'Outstanding (0 areas)',
      'Good (2 areas)',
      'Requires improvement (0 areas)',
      'Inadequate (1 area)',
      'No data (3 areas)',
    ]);
    expect(texts(svg)).toContain('Darker shades are better; the key lists the categories best first.');
    expect(texts(svg)).toContain('Key');
    const paths = areaPaths(svg);
    expect(paths.map((p) => p.title).slice(0, 3)).toEqual([
      'Hartlepool: Good',
      'Brighton &amp; &lt;Hove&gt;: Inadequate',
      'Redcar: Good',
    ]);
    // One shade per category, darker for the better: Good's is darker than Inadequate's.
    const good = paths[0]!.fill;
    const inadequate = paths[1]!.fill;
    expect(CHOROPLETH_PALETTE.indexOf(good as never)).toBeGreaterThan(CHOROPLETH_PALETTE.indexOf(inadequate as never));
    expect(paths[3]!.fill).toMatch(/^url\(#/);
    // No polarity: the key says the shades follow the list's order only.
    expect(
      texts(renderChoropleth({ ...small(), polarity: 'not-applicable', categories, values, unit: 'judgement' })),
    ).toContain('Shades follow the order of the categories; no category is better than another.');
  });

  it('puts every value into exactly one quantile class whose range contains it', () => {
    const values = [...Array(101).keys()].map((i) => (i * 37) % 101).concat([5, 5, 5, 5, 5]);
    const { classOf, classes } = quantileClasses(values);
    expect(classes).toHaveLength(5);
    expect(classes.map((c) => c.colour)).toEqual([...CHOROPLETH_PALETTE]);
    expect(classes.reduce((s, c) => s + c.count, 0)).toBe(values.length);
    for (const v of values) {
      const c = classes[classOf(v)]!;
      expect(v).toBeGreaterThanOrEqual(c.min);
      expect(v).toBeLessThanOrEqual(c.max);
    }
    for (let i = 1; i < classes.length; i++) expect(classes[i]!.min).toBeGreaterThan(classes[i - 1]!.max);
    // Few distinct values give fewer classes, spread over the palette; none gives none.
    const two = quantileClasses([1, 1, 1, 2]);
    expect(two.classes.map((c) => [c.min, c.max, c.count])).toEqual([
      [1, 1, 3],
      [2, 2, 1],
    ]);
    expect(two.classes.map((c) => c.colour)).toEqual([CHOROPLETH_PALETTE[0], CHOROPLETH_PALETTE[4]]);
    expect(quantileClasses([]).classes).toEqual([]);
  });

  it('draws an RFC 7946 (anticlockwise) polygon the same as a clockwise one', () => {
    const input = small();
    const flipped = {
      ...input,
      features: input.features.map((f) => ({
        ...f,
        geometry: {
          type: 'Polygon' as const,
          coordinates: (f.geometry as { coordinates: number[][][] }).coordinates.map((r) => [...r].reverse()),
        },
      })),
    };
    expect(geoArea(flipped.features[0]!.geometry)).toBeGreaterThan(2 * Math.PI);
    const a = areaPaths(renderChoropleth(input)).map((p) => p.d);
    const b = areaPaths(renderChoropleth(flipped)).map((p) => p.d);
    // Same frame either way (a misread winding would fit the whole globe and shrink England to a dot).
    const extent = (ds: string[]) => ds.map((d) => Number(/^M([\d.]+)/.exec(d)![1]));
    expect(extent(b)).toEqual(extent(a));
  });

  it('draws backdrop shapes in grey behind the areas, without titles, and fits the map to both', () => {
    const backdrop = [{ code: 'E12000001', name: 'North East', geometry: square(-3, 53) }];
    const svg = renderChoropleth({ ...small(), backdrop });
    assertWellFormed(svg);
    expect(svg).toMatch(/<g fill="#f3f2f1"[^>]*><path d="M[^"]+"\/><\/g>/);
    expect(areaPaths(svg)).toHaveLength(6);
    expect(svg.indexOf('#f3f2f1')).toBeLessThan(svg.indexOf('<title>Hartlepool'));
    // The areas now take the right-hand part of the frame only.
    const xs = areaPaths(svg).map((p) => Number(/^M([\d.]+)/.exec(p.d)![1]));
    expect(Math.min(...xs)).toBeGreaterThan(250);
  });

  it('is deterministic and renders the 296 council areas of 2025 in one SVG under 250 KB', () => {
    const features = ltla2025();
    const values = new Map(features.map((f, i) => [f.code, i % 50 === 0 ? null : i * 1.5]));
    const input: ChoroplethInput = {
      title: 'Index',
      description: 'By position in the file',
      unit: 'per 1,000 people',
      decimalPlaces: 1,
      polarity: 'not-applicable',
      features,
      values,
      highlight: 'E08000035',
    };
    const svg = renderChoropleth(input);
    assertWellFormed(svg);
    expect(areaPaths(svg)).toHaveLength(296);
    expect(countElements(svg, 'path')).toBe(296 + 2);
    expect(Buffer.byteLength(svg)).toBeLessThan(250_000);
    expect(renderChoropleth(input)).toBe(svg);
    expect(texts(svg)).toContain('Key: per 1,000 people');
    const leeds = features.findIndex((f) => f.code === 'E08000035');
    expect(svg).toContain(`<title>Leeds: ${(leeds * 1.5).toFixed(1)} per 1,000 people</title>`);
    // All paths fall inside the 600-wide frame.
    for (const p of areaPaths(svg)) {
      const [x, y] = /^M([\d.]+) ([\d.]+)/.exec(p.d)!.slice(1).map(Number);
      expect(x).toBeLessThanOrEqual(600);
      expect(y).toBeLessThanOrEqual(720);
    }
  });
});
