/**
 * Boundary shapes for choropleth maps, from ONS super-generalised boundaries: the TopoJSON of every year
 * (`ons_uk_la_boundaries_2014_2025.topo.json`, read by boundaries-topojson.ts: one bundle per layer and year in force)
 * or GeoJSON files of one layer and year each (`england_{ltla,utla}_{2019,2025}.geojson`,
 * `england_{rgn,cty,cauth}_2025.geojson`), whose layer and boundary year come from the file name,
 * `<anything>_<layer>_<year>.geojson`. Each bundle is stored whole by the maps module. Either way, a feature of an
 * area the geography does not hold is left out and counted (a file with none that it holds is refused).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AdapterContext, ImportAdapter, ImportItem } from '../adapter.ts';
import type { BoundaryBundle } from '../../maps/index.ts';
import type { SourceLocation } from '../../../platform/source.ts';
import { BOUNDARY_LAYERS, geometryProblem } from '../../maps/index.ts';
import { lineAt, parseJson } from '../json.ts';
import {
  isTopoJsonName,
  noneInGeography,
  NOT_IN_GEOGRAPHY,
  parseTopoFileName,
  readTopologyBundles,
  TOPO_EXPECTED,
} from './boundaries-topojson.ts';

const NAME = 'boundaries';
const FILE_PATTERN = /(?:^|[_-])(ltla|utla|cty|rgn|cauth)[_-](\d{4})\.geojson$/i;
const EXPECTED = `<name>_<layer>_<year>.geojson, where <layer> is one of ${BOUNDARY_LAYERS.join(', ')} (for example england_ltla_2025.geojson)`;
const EXPECTED_ANY = `${TOPO_EXPECTED}, or GeoJSON named ${EXPECTED}`;
const GSS = /^[EWSNK]\d{8}$/;

const display = (file: string) => path.relative(process.cwd(), file) || file;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The layer and year a file name stands for, or undefined. */
export function parseBoundaryFileName(file: string): { layer: string; year: number } | undefined {
  const m = FILE_PATTERN.exec(path.basename(file));
  return m ? { layer: m[1]!.toLowerCase(), year: Number(m[2]) } : undefined;
}

/** Character offsets of the elements of the root object's "features" array, for line numbers in messages. */
function featureOffsets(text: string): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let inString = false;
  let stringStart = -1;
  let lastKey = '';
  let featuresDepth = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        if (depth === 1) lastKey = text.slice(stringStart + 1, i);
      }
      continue;
    }
    if (c === '"') {
      inString = true;
      stringStart = i;
    } else if (c === '{' || c === '[') {
      if (depth === featuresDepth && c === '{') offsets.push(i);
      depth++;
      if (c === '[' && depth === 2 && lastKey === 'features') featuresDepth = 2;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth < featuresDepth) featuresDepth = -1;
    }
  }
  return offsets;
}

function readBundle(
  text: string,
  file: string,
  layer: string,
  year: number,
  ctx: AdapterContext,
): BoundaryBundle | undefined {
  const name = display(file);
  const parsed = parseJson(text);
  if (!parsed.ok) {
    ctx.error({
      at: { file: name, line: parsed.line },
      message: `this is not valid JSON (GeoJSON expected): ${parsed.reason} at line ${parsed.line}, column ${parsed.column}`,
    });
    return undefined;
  }
  const doc = parsed.value;
  if (!isRecord(doc) || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    ctx.error({
      at: { file: name, line: 1 },
      message: 'this is not a GeoJSON FeatureCollection: expected {"type": "FeatureCollection", "features": […]}',
    });
    return undefined;
  }
  if (doc.features.length === 0) {
    ctx.error({ at: { file: name, line: 1 }, message: 'the FeatureCollection has no features' });
    return undefined;
  }
  const offsets = featureOffsets(text);
  const features: BoundaryBundle['features'] = [];
  const seen = new Map<string, number>();
  let problems = 0;
  let unknownAreas = 0;
  for (const [i, f] of doc.features.entries()) {
    const at: SourceLocation = { file: name, line: offsets[i] !== undefined ? lineAt(text, offsets[i]).line : 1 };
    const props = isRecord(f) && isRecord(f.properties) ? f.properties : {};
    const code = typeof props.areacd === 'string' ? props.areacd.trim() : '';
    const label = `feature ${i + 1}${code ? ` (${code})` : ''}`;
    const fail = (field: string, message: string, value?: string) => {
      problems++;
      ctx.error({
        at,
        field: `features[${i}].${field}`,
        ...(value !== undefined ? { value } : {}),
        message: `${label}: ${message}`,
      });
    };
    if (!isRecord(f) || f.type !== 'Feature') {
      fail('type', 'is not a GeoJSON Feature');
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
    const earlier = seen.get(code);
    if (earlier !== undefined) {
      fail('properties.areacd', `${code} appears twice in this file, also as feature ${earlier + 1}`, code);
      continue;
    }
    seen.set(code, i);
    const problem = geometryProblem(f.geometry);
    if (problem) {
      fail('geometry', problem);
      continue;
    }
    if (ctx.area && !ctx.area(code)) {
      unknownAreas++;
      ctx.skipped?.(at, NOT_IN_GEOGRAPHY);
      continue;
    }
    const areaName = typeof props.areanm === 'string' && props.areanm.trim() ? props.areanm.trim() : code;
    features.push({ code, name: areaName, geometry: f.geometry, from: year, to: year });
  }
  if (problems === 0 && features.length === 0) {
    ctx.error({ at: { file: name, line: 1 }, message: noneInGeography(unknownAreas) });
    return undefined;
  }
  return problems > 0 ? undefined : { layer, source: path.basename(file), features };
}

async function* read(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  if (files.length === 0) throw new Error(`${NAME} takes one or more files: TopoJSON named ${EXPECTED_ANY}`);
  let bytesRead = 0;
  for (const file of files) {
    const name = display(file);
    const topo = isTopoJsonName(file);
    const years = topo ? parseTopoFileName(file) : undefined;
    const parsed = topo ? undefined : parseBoundaryFileName(file);
    if (topo ? !years : !parsed) {
      ctx.error({
        at: { file: name, line: 0 },
        message: topo
          ? `cannot tell the years the boundaries cover from the file name: name it ${TOPO_EXPECTED}`
          : `cannot tell the boundary layer and year from the file name: name it ${EXPECTED}`,
      });
      continue;
    }
    let text: string;
    try {
      const size = (await stat(file)).size;
      if (size === 0) {
        ctx.error({ at: { file: name, line: 0 }, message: 'the file is empty' });
        continue;
      }
      text = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(file));
      bytesRead += size;
    } catch (e) {
      ctx.error({
        at: { file: name, line: 0 },
        message: e instanceof TypeError ? 'the file is not UTF-8 text' : 'file not found or not readable',
      });
      continue;
    }
    ctx.progress(bytesRead);
    const at = { file: name, line: 1 };
    if (years) {
      for (const bundle of readTopologyBundles(text, file, name, years, ctx) ?? [])
        yield { kind: 'boundaries', boundaries: bundle, at };
      continue;
    }
    const bundle = parsed && readBundle(text, file, parsed.layer, parsed.year, ctx);
    if (bundle) yield { kind: 'boundaries', boundaries: bundle, at };
  }
}

export const boundariesAdapter: ImportAdapter = {
  name: NAME,
  summary:
    'Boundary shapes for maps: ONS super-generalised TopoJSON of every year 2014 to 2025, or GeoJSON of one layer and year (ltla, utla, cty, rgn, cauth)',
  files: EXPECTED_ANY,
  signatures: [],
  read,
};
