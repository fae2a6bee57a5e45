/**
 * Boundary shapes from a TopoJSON file of many years, such as ONSvisual/uk-topojson's
 * `ons_uk_la_boundaries_2014_2025.topo.json`: layers (objects) `ltla, utla, cty, rgn, cauth` (others are left out),
 * each feature with `areacd`, `areanm` and optional `start`/`end` years (the first and last boundary vintage it is in
 * force in; the vintage of year Y runs from 1 April Y). The years the file covers come from its name,
 * `<anything>_<first>_<last>.topo.json`. English features whose area the geography holds become one bundle per layer
 * with the years each is in force in; features outside England, of other layers, or of areas the geography does not
 * hold are left out and counted.
 */
import path from 'node:path';
import type { AdapterContext } from '../adapter.ts';
import type { BoundaryBundle } from '../../maps/index.ts';
import {
  BOUNDARY_LAYERS,
  geometryProblem,
  isBoundaryLayer,
  topologyLayers,
  topologyProblem,
} from '../../maps/index.ts';
import { parseJson } from '../json.ts';

const TOPO_PATTERN = /(?:^|[_-])(\d{4})[_-](\d{4})\.topo\.json$/i;
export const TOPO_EXPECTED =
  '<name>_<first year>_<last year>.topo.json (for example ons_uk_la_boundaries_2014_2025.topo.json)';
const GSS = /^[EWSNK]\d{8}$/;

/** Why a feature of an area the geography does not hold is left out (both boundary formats). */
export const NOT_IN_GEOGRAPHY = 'features of areas not in the geography (import areas-vintages first)';
/** The refusal of a file none of whose features' areas the geography holds. */
export const noneInGeography = (n: number): string =>
  `none of the file's ${n} English areas is in the geography: import the geography first (sli import areas-vintages)`;

export const isTopoJsonName = (file: string): boolean => /\.topo\.json$/i.test(file);

/** The first and last year a TopoJSON file's name says it covers, or undefined. */
export function parseTopoFileName(file: string): { first: number; last: number } | undefined {
  const m = TOPO_PATTERN.exec(path.basename(file));
  if (!m) return undefined;
  const first = Number(m[1]);
  const last = Number(m[2]);
  return first <= last ? { first, last } : undefined;
}

const yearValue = (v: unknown): number | undefined | null =>
  v === undefined || v === null ? undefined : Number.isInteger(v) && (v as number) >= 1900 ? (v as number) : null;

/**
 * The bundles of a TopoJSON file, one per layer, each feature with the years it is in force in within those the file
 * covers; undefined when the file has problems (each reported).
 */
export function readTopologyBundles(
  text: string,
  file: string,
  name: string,
  years: { first: number; last: number },
  ctx: AdapterContext,
): BoundaryBundle[] | undefined {
  const at = { file: name, line: 1 };
  const parsed = parseJson(text);
  if (!parsed.ok) {
    ctx.error({
      at: { file: name, line: parsed.line },
      message: `this is not valid JSON (TopoJSON expected): ${parsed.reason} at line ${parsed.line}, column ${parsed.column}`,
    });
    return undefined;
  }
  const problem = topologyProblem(parsed.value);
  if (problem) {
    ctx.error({ at, message: problem });
    return undefined;
  }
  const layers = topologyLayers(parsed.value as Record<string, unknown>);
  const otherLayers = [...layers.keys()].filter((l) => !isBoundaryLayer(l));
  const skip = (reason: string) => ctx.skipped?.(at, reason);
  // Per layer, the features with the years they are in force in.
  const byLayer = new Map<string, BoundaryBundle['features']>();
  let problems = 0;
  let unknownAreas = 0;
  for (const [layer, features] of layers) {
    // Each code's years, to refuse a code in force twice in one year.
    const seen = new Map<string, { index: number; from: number; to: number }[]>();
    for (const f of features) {
      const code = typeof f.properties.areacd === 'string' ? f.properties.areacd.trim() : '';
      const label = `${layer} feature ${f.index + 1}${code ? ` (${code})` : ''}`;
      const field = `objects.${layer}.geometries[${f.index}]`;
      const fail = (where: string, message: string, value?: string) => {
        problems++;
        ctx.error({
          at,
          field: `${field}.${where}`,
          ...(value !== undefined ? { value } : {}),
          message: `${label}: ${message}`,
        });
      };
      if (!isBoundaryLayer(layer)) {
        skip(`features of layers not drawn on maps (${otherLayers.join(', ')})`);
        continue;
      }
      if (!code) {
        fail('properties.areacd', 'has no properties.areacd (the GSS area code)');
        continue;
      }
      if (!GSS.test(code)) {
        fail('properties.areacd', `"${code}" is not a GSS area code such as E06000001`, code);
        continue;
      }
      if (!code.startsWith('E')) {
        skip('features outside England');
        continue;
      }
      const start = yearValue(f.properties.start);
      const end = yearValue(f.properties.end);
      if (start === null || end === null || (start !== undefined && end !== undefined && start > end)) {
        fail(
          start === null ? 'properties.start' : 'properties.end',
          `start and end must be years, start no later than end (start ${JSON.stringify(f.properties.start)}, end ${JSON.stringify(f.properties.end)})`,
        );
        continue;
      }
      const problem = f.problem ?? geometryProblem(f.geometry);
      if (problem || !f.geometry) {
        fail('arcs', problem ?? 'the geometry is missing');
        continue;
      }
      if (ctx.area && !ctx.area(code)) {
        unknownAreas++;
        skip(NOT_IN_GEOGRAPHY);
        continue;
      }
      const from = Math.max(start ?? years.first, years.first);
      const to = Math.min(end ?? years.last, years.last);
      const earlier = (seen.get(code) ?? []).find((s) => s.from <= to && from <= s.to);
      if (earlier) {
        fail(
          'properties.areacd',
          `${code} is in force in ${Math.max(from, earlier.from)} twice in this layer, also as feature ${earlier.index + 1}`,
          code,
        );
        continue;
      }
      seen.set(code, [...(seen.get(code) ?? []), { index: f.index, from, to }]);
      const areaName =
        typeof f.properties.areanm === 'string' && f.properties.areanm.trim() ? f.properties.areanm.trim() : code;
      if (from > to) continue; // in force only outside the years the file covers
      const list = byLayer.get(layer) ?? [];
      list.push({ code, name: areaName, geometry: f.geometry, from, to });
      byLayer.set(layer, list);
    }
  }
  if (problems > 0) return undefined;
  const source = path.basename(file);
  const bundles: BoundaryBundle[] = [];
  for (const layer of BOUNDARY_LAYERS) {
    const features = byLayer.get(layer);
    if (features) bundles.push({ layer, source, features });
  }
  if (bundles.length === 0) {
    ctx.error({
      at,
      message:
        unknownAreas > 0
          ? noneInGeography(unknownAreas)
          : `the file has no English features of the layers ${BOUNDARY_LAYERS.join(', ')}`,
    });
    return undefined;
  }
  return bundles;
}
