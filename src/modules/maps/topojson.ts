/**
 * A TopoJSON reader for boundary files such as ONSvisual/uk-topojson's `topo.json`: each named object (layer) of the
 * topology becomes GeoJSON Polygon or MultiPolygon features, its arcs decoded (quantised, delta-encoded) and stitched
 * into rings as the TopoJSON specification says. Only what boundary files use is read: polygons, multipolygons and
 * the geometry collections that hold them.
 */
import type { Position } from 'geojson';
import type { AreaGeometry } from './geometry.ts';

/** One feature of a TopoJSON layer, as GeoJSON, with its properties untouched. */
export interface TopoFeature {
  /** Position in its layer's geometries, for messages. */
  index: number;
  properties: Record<string, unknown>;
  /** Undefined when the feature is not a polygon; `problem` says why. */
  geometry?: AreaGeometry;
  problem?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What makes a value not a TopoJSON Topology, or undefined when it is one. */
export function topologyProblem(doc: unknown): string | undefined {
  if (!isRecord(doc) || doc.type !== 'Topology')
    return 'this is not a TopoJSON Topology: expected {"type": "Topology", …}';
  if (!Array.isArray(doc.arcs)) return 'the Topology has no "arcs" array';
  if (!isRecord(doc.objects)) return 'the Topology has no "objects"';
  if (doc.transform !== undefined) {
    const t = doc.transform;
    const pair = (v: unknown) =>
      Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number' && Number.isFinite(n));
    if (!isRecord(t) || !pair(t.scale) || !pair(t.translate))
      return 'the Topology\'s "transform" needs "scale" and "translate", each two numbers';
  }
  return undefined;
}

/**
 * The features of each object (layer) of a topology, in file order. Call topologyProblem first: this assumes a
 * Topology. A feature whose arcs are not valid is returned with a problem instead of a geometry.
 */
export function topologyLayers(doc: Record<string, unknown>): Map<string, TopoFeature[]> {
  const arcs = doc.arcs as unknown[];
  const transform = doc.transform as { scale: [number, number]; translate: [number, number] } | undefined;
  // Each arc decoded once: delta-decoded and transformed when the topology is quantised.
  const decoded = new Map<number, Position[]>();
  const arcPoints = (i: number): Position[] => {
    const hit = decoded.get(i);
    if (hit) return hit;
    const raw = arcs[i];
    if (!Array.isArray(raw) || raw.length < 2) throw new Error(`arc ${i} does not exist or has fewer than two points`);
    let x = 0;
    let y = 0;
    const points = raw.map((p: unknown): Position => {
      if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number')
        throw new Error(`arc ${i} has a point that is not two numbers`);
      if (!transform) return [p[0], p[1]];
      x += p[0];
      y += p[1];
      return [x * transform.scale[0] + transform.translate[0], y * transform.scale[1] + transform.translate[1]];
    });
    decoded.set(i, points);
    return points;
  };
  // A ring: its arcs joined end to start (each arc's first point repeats the previous one's last), a negative index
  // ~i meaning arc i reversed.
  const ring = (indexes: unknown): Position[] => {
    if (!Array.isArray(indexes) || indexes.length === 0) throw new Error('a ring has no arcs');
    const points: Position[] = [];
    for (const a of indexes) {
      if (!Number.isInteger(a)) throw new Error(`arc index ${JSON.stringify(a)} is not an integer`);
      const i = a as number;
      const arc = arcPoints(i < 0 ? ~i : i);
      if (points.length > 0) points.pop();
      points.push(...(i < 0 ? [...arc].reverse() : arc));
    }
    while (points.length < 4) points.push(points[0]!);
    return points;
  };
  const polygon = (rings: unknown): Position[][] => {
    if (!Array.isArray(rings) || rings.length === 0) throw new Error('a polygon has no rings');
    return rings.map(ring);
  };
  const layers = new Map<string, TopoFeature[]>();
  for (const [name, object] of Object.entries(doc.objects as Record<string, unknown>)) {
    const geometries = isRecord(object) && object.type === 'GeometryCollection' ? object.geometries : [object];
    const features: TopoFeature[] = [];
    for (const [index, g] of (Array.isArray(geometries) ? geometries : []).entries()) {
      const properties = isRecord(g) && isRecord(g.properties) ? g.properties : {};
      try {
        if (!isRecord(g)) throw new Error('the geometry is not an object');
        if (g.type === 'Polygon')
          features.push({ index, properties, geometry: { type: 'Polygon', coordinates: polygon(g.arcs) } });
        else if (g.type === 'MultiPolygon') {
          if (!Array.isArray(g.arcs) || g.arcs.length === 0) throw new Error('the MultiPolygon has no polygons');
          features.push({ index, properties, geometry: { type: 'MultiPolygon', coordinates: g.arcs.map(polygon) } });
        } else
          throw new Error(
            `the geometry is a ${typeof g.type === 'string' ? g.type : 'value without a type'}, not a Polygon or MultiPolygon`,
          );
      } catch (e) {
        features.push({ index, properties, problem: e instanceof Error ? e.message : String(e) });
      }
    }
    layers.set(name, features);
  }
  return layers;
}
