/**
 * The road network: nodes (intersections, way ends) and directed segments (a two-way street is two
 * segments). Built once and never changed; the traffic model, the router and the exporters read it.
 * Hot data sit in typed arrays (struct of arrays) next to the friendly object views.
 */
import { V2xError } from '../core/errors.js';
import { bearingDeg, distanceM, LocalProjection, type LonLat } from './geo.js';

/** Functional class of a road. OSM highway values map onto these (see osm-tags.ts). */
export type RoadClass = 'highway' | 'ramp' | 'arterial' | 'residential';

export const ROAD_CLASSES: readonly RoadClass[] = ['highway', 'ramp', 'arterial', 'residential'];

export interface RoadNodeSpec {
  readonly id: string;
  readonly lon: number;
  readonly lat: number;
  /** True when a traffic signal controls the segments entering this node. */
  readonly signal?: boolean;
}

export interface RoadSegmentSpec {
  /** Stable id, the same in every run from the same seed or file; the backend keys jams by it. */
  readonly id: string;
  /** Node ids. */
  readonly from: string;
  readonly to: string;
  /** lon/lat polyline from the `from` node to the `to` node, at least two points. */
  readonly geometry: readonly LonLat[];
  readonly lanes: number;
  /** Free-flow speed (the speed limit) in m/s. */
  readonly freeFlowMps: number;
  readonly roadClass: RoadClass;
  readonly name: string;
  /** OSM highway value, kept for export; defaults from the class. */
  readonly highway?: string;
}

export interface RoadNode {
  readonly index: number;
  readonly id: string;
  readonly lon: number;
  readonly lat: number;
  readonly signal: boolean;
}

export interface RoadSegment {
  readonly index: number;
  readonly id: string;
  /** Node indices. */
  readonly from: number;
  readonly to: number;
  readonly geometry: readonly LonLat[];
  readonly lengthM: number;
  readonly lanes: number;
  readonly freeFlowMps: number;
  readonly roadClass: RoadClass;
  readonly name: string;
  readonly highway: string;
}

export interface RoadNetwork {
  readonly centre: { readonly lon: number; readonly lat: number };
  readonly projection: LocalProjection;
  readonly nodes: readonly RoadNode[];
  readonly segments: readonly RoadSegment[];
  readonly nodeIndexById: ReadonlyMap<string, number>;
  readonly segmentIndexById: ReadonlyMap<string, number>;
  /** Outgoing segments of node n: outSegments[outStart[n] .. outStart[n+1]). */
  readonly outStart: Int32Array;
  readonly outSegments: Int32Array;
  /** Incoming segments of node n, likewise. */
  readonly inStart: Int32Array;
  readonly inSegments: Int32Array;
  /** Per segment: length m, free-flow speed m/s, lanes, from and to node. */
  readonly segLength: Float64Array;
  readonly segFreeFlow: Float64Array;
  readonly segLanes: Int32Array;
  readonly segFrom: Int32Array;
  readonly segTo: Int32Array;
  /** Per segment: distance from the start of the segment to each vertex (same length as geometry). */
  readonly segCumDist: readonly Float64Array[];
  /** Per segment: bearing of the last piece (approach direction into the `to` node), degrees. */
  readonly segEndBearing: Float64Array;
  /** Node positions in local metres (projection), for A* heuristics and spatial queries. */
  readonly nodeX: Float64Array;
  readonly nodeY: Float64Array;
  /** Highest free-flow speed in the network, m/s. */
  readonly maxFreeFlowMps: number;
}

const invalid = (detail: string): V2xError => new V2xError('ROAD_NETWORK_INVALID', detail);

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Validates the specs and builds the network with its derived arrays. */
export function createNetwork(input: {
  readonly nodes: readonly RoadNodeSpec[];
  readonly segments: readonly RoadSegmentSpec[];
  readonly centre?: { readonly lon: number; readonly lat: number };
}): RoadNetwork {
  if (input.nodes.length === 0 || input.segments.length === 0) throw invalid('network has no roads');
  const nodeIndexById = new Map<string, number>();
  const nodes: RoadNode[] = [];
  let sumLon = 0;
  let sumLat = 0;
  for (const spec of input.nodes) {
    if (nodeIndexById.has(spec.id)) throw invalid(`duplicate node id ${spec.id}`);
    if (!finite(spec.lon) || !finite(spec.lat) || Math.abs(spec.lat) > 90 || Math.abs(spec.lon) > 180) {
      throw invalid(`node ${spec.id}: coordinates out of range`);
    }
    const index = nodes.length;
    nodeIndexById.set(spec.id, index);
    nodes.push({ index, id: spec.id, lon: spec.lon, lat: spec.lat, signal: spec.signal === true });
    sumLon += spec.lon;
    sumLat += spec.lat;
  }
  const centre = input.centre ?? { lon: sumLon / nodes.length, lat: sumLat / nodes.length };
  const projection = new LocalProjection(centre.lon, centre.lat);

  const segmentIndexById = new Map<string, number>();
  const segments: RoadSegment[] = [];
  const segCumDist: Float64Array[] = [];
  for (const spec of input.segments) {
    const where = `segment ${spec.id}`;
    if (segmentIndexById.has(spec.id)) throw invalid(`duplicate segment id ${spec.id}`);
    const from = nodeIndexById.get(spec.from);
    const to = nodeIndexById.get(spec.to);
    if (from === undefined) throw invalid(`${where}: unknown from node ${spec.from}`);
    if (to === undefined) throw invalid(`${where}: unknown to node ${spec.to}`);
    if (spec.geometry.length < 2) throw invalid(`${where}: geometry needs at least two points`);
    if (!Number.isInteger(spec.lanes) || spec.lanes < 1 || spec.lanes > 8) throw invalid(`${where}: lanes must be 1..8`);
    if (!finite(spec.freeFlowMps) || spec.freeFlowMps <= 0 || spec.freeFlowMps > 70) {
      throw invalid(`${where}: free-flow speed must be in (0, 70] m/s`);
    }
    const cum = new Float64Array(spec.geometry.length);
    for (let i = 1; i < spec.geometry.length; i++) {
      const a = spec.geometry[i - 1] as LonLat;
      const b = spec.geometry[i] as LonLat;
      if (!finite(b[0]) || !finite(b[1])) throw invalid(`${where}: coordinates must be numbers`);
      cum[i] = (cum[i - 1] as number) + distanceM(a[0], a[1], b[0], b[1]);
    }
    const lengthM = cum[cum.length - 1] as number;
    if (!(lengthM > 0.5)) throw invalid(`${where}: length must be more than 0.5 m`);
    const index = segments.length;
    segmentIndexById.set(spec.id, index);
    segCumDist.push(cum);
    segments.push({
      index,
      id: spec.id,
      from,
      to,
      geometry: spec.geometry.map((p) => [p[0], p[1]] as const),
      lengthM,
      lanes: spec.lanes,
      freeFlowMps: spec.freeFlowMps,
      roadClass: spec.roadClass,
      name: spec.name,
      highway: spec.highway ?? defaultHighwayTag(spec.roadClass),
    });
  }

  const n = nodes.length;
  const m = segments.length;
  const segLength = new Float64Array(m);
  const segFreeFlow = new Float64Array(m);
  const segLanes = new Int32Array(m);
  const segFrom = new Int32Array(m);
  const segTo = new Int32Array(m);
  const segEndBearing = new Float64Array(m);
  const outCount = new Int32Array(n + 1);
  const inCount = new Int32Array(n + 1);
  let maxFreeFlowMps = 0;
  for (const s of segments) {
    segLength[s.index] = s.lengthM;
    segFreeFlow[s.index] = s.freeFlowMps;
    segLanes[s.index] = s.lanes;
    segFrom[s.index] = s.from;
    segTo[s.index] = s.to;
    const g = s.geometry;
    const a = g[g.length - 2] as LonLat;
    const b = g[g.length - 1] as LonLat;
    segEndBearing[s.index] = bearingDeg(a[0], a[1], b[0], b[1]);
    outCount[s.from + 1] = (outCount[s.from + 1] as number) + 1;
    inCount[s.to + 1] = (inCount[s.to + 1] as number) + 1;
    if (s.freeFlowMps > maxFreeFlowMps) maxFreeFlowMps = s.freeFlowMps;
  }
  for (let i = 0; i < n; i++) {
    outCount[i + 1] = (outCount[i + 1] as number) + (outCount[i] as number);
    inCount[i + 1] = (inCount[i + 1] as number) + (inCount[i] as number);
  }
  const outStart = outCount.slice();
  const inStart = inCount.slice();
  const outSegments = new Int32Array(m);
  const inSegments = new Int32Array(m);
  const outFill = outStart.slice(0, n);
  const inFill = inStart.slice(0, n);
  for (const s of segments) {
    const o = outFill[s.from] as number;
    outFill[s.from] = o + 1;
    outSegments[o] = s.index;
    const k = inFill[s.to] as number;
    inFill[s.to] = k + 1;
    inSegments[k] = s.index;
  }
  const nodeX = new Float64Array(n);
  const nodeY = new Float64Array(n);
  for (const node of nodes) {
    nodeX[node.index] = projection.x(node.lon);
    nodeY[node.index] = projection.y(node.lat);
  }

  return {
    centre,
    projection,
    nodes,
    segments,
    nodeIndexById,
    segmentIndexById,
    outStart,
    outSegments,
    inStart,
    inSegments,
    segLength,
    segFreeFlow,
    segLanes,
    segFrom,
    segTo,
    segCumDist,
    segEndBearing,
    nodeX,
    nodeY,
    maxFreeFlowMps,
  };
}

export function defaultHighwayTag(roadClass: RoadClass): string {
  switch (roadClass) {
    case 'highway':
      return 'motorway';
    case 'ramp':
      return 'motorway_link';
    case 'arterial':
      return 'primary';
    case 'residential':
      return 'residential';
  }
}

/** Segment by stable id; throws ROAD_NETWORK_INVALID naming the id when absent. */
export function segmentById(network: RoadNetwork, id: string): RoadSegment {
  const index = network.segmentIndexById.get(id);
  const seg = index === undefined ? undefined : network.segments[index];
  if (seg === undefined) throw invalid(`no segment with id ${id}`);
  return seg;
}

/** The network's specs again (for filtering or re-building). */
export function toSpecs(network: RoadNetwork): { nodes: RoadNodeSpec[]; segments: RoadSegmentSpec[] } {
  return {
    nodes: network.nodes.map((n) => ({ id: n.id, lon: n.lon, lat: n.lat, signal: n.signal })),
    segments: network.segments.map((s) => ({
      id: s.id,
      from: (network.nodes[s.from] as RoadNode).id,
      to: (network.nodes[s.to] as RoadNode).id,
      geometry: s.geometry,
      lanes: s.lanes,
      freeFlowMps: s.freeFlowMps,
      roadClass: s.roadClass,
      name: s.name,
      highway: s.highway,
    })),
  };
}
