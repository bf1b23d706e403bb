/**
 * A fence compiled for evaluation: its geometry in local metres around its own origin
 * (projection.ts) in one Float64Array, its bounding box in degrees, and three questions answered
 * on it: is a point inside (cheap), how deep inside or how far outside (signed metres, for the
 * hysteresis), and where a segment between two fixes passes deepest through it (for crossings).
 *
 * Memory layout matters more than arithmetic here: a car touches a handful of the 10,000 fences per
 * fix, each one a cache miss. So a compiled fence is one flat object (one hidden class for every
 * kind, built by one literal) holding its frame and bbox inline and every ring in one array.
 * Measured on the benchmark machine: fences built with object spread got one hidden class each
 * (megamorphic reads, ~2 us per fence touched); nested frame/shape/rings objects cost ~0.5 us per
 * fence touched in cache misses.
 */
import { closestParam, crossingParam, distToEdges2, inRing, pointSegmentDist2, segmentsIntersect } from './planar.js';
import { flattenRing } from './geometry-checks.js';
import { localFrame, metresToDegrees, projectFlat } from './projection.js';
import type { Fence, Position } from './schema.js';

/** A fence's geometry in local metres. Unused fields are empty for kinds that do not need them. */
export interface Shape {
  readonly kind: 'polygons' | 'circle' | 'corridor';
  /** circle: radius, metres (centre at the local origin). */
  readonly r: number;
  /** corridor: half the width, metres. */
  readonly half: number;
  /** polygons: every ring (closed), one after the other; corridor: the centre line. Interleaved x, y. */
  readonly coords: Float64Array;
  /** polygons: ring k is coords[ringStart[k], ringStart[k + 1]). */
  readonly ringStart: Int32Array;
  /** polygons: 1 when ring k is the shell of a new polygon (the rings up to the next shell are its holes). */
  readonly ringShell: Uint8Array;
  /** polygons: true when there is a single ring (one polygon, no holes): tested without ringStart/ringShell. */
  readonly simple: boolean;
}

export interface CompiledFence extends Shape {
  readonly id: string;
  readonly fence: Fence;
  /** The vehicle filter's VINs as a set (undefined: no VIN filter). */
  readonly vins: ReadonlySet<string> | undefined;
  /** The vehicle filter's fleet tag (undefined: no tag filter). */
  readonly fleetTag: string | undefined;
  /** True when the fence has a vehicle filter. */
  readonly filtered: boolean;
  /** Dwell time in ms, -1 when the fence has none. */
  readonly dwellMs: number;
  /** Local frame: x = (lon - lon0) * kx, y = (lat - lat0) * ky, metres. */
  readonly lon0: number;
  readonly lat0: number;
  readonly kx: number;
  readonly ky: number;
  readonly minLon: number;
  readonly minLat: number;
  readonly maxLon: number;
  readonly maxLat: number;
}

/** A passage of a segment through a fence: where (0..1 along it) and how deep (metres). */
export interface Passage {
  readonly t: number;
  readonly depth: number;
}

const NO_RINGS = new Int32Array(0);
const NO_SHELLS = new Uint8Array(0);

export function circleShape(r: number): Shape {
  return { kind: 'circle', r, half: 0, coords: new Float64Array(0), ringStart: NO_RINGS, ringShell: NO_SHELLS, simple: false };
}
export function corridorShape(line: Float64Array, half: number): Shape {
  return { kind: 'corridor', r: 0, half, coords: line, ringStart: NO_RINGS, ringShell: NO_SHELLS, simple: false };
}
/** Polygons given as rings in local metres (per polygon: shell, then holes). */
export function polygonsShape(polys: readonly (readonly Float64Array[])[]): Shape {
  const rings = polys.flat();
  const coords = new Float64Array(rings.reduce((n, r) => n + r.length, 0));
  const ringStart = new Int32Array(rings.length + 1);
  const ringShell = new Uint8Array(rings.length);
  let at = 0;
  let k = 0;
  for (const poly of polys) {
    poly.forEach((ring, i) => {
      coords.set(ring, at);
      ringStart[k] = at;
      ringShell[k] = i === 0 ? 1 : 0;
      at += ring.length;
      k++;
    });
  }
  ringStart[k] = at;
  return { kind: 'polygons', r: 0, half: 0, coords, ringStart, ringShell, simple: rings.length === 1 };
}

function bboxOf(rings: readonly Float64Array[]): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const r of rings) {
    for (let i = 0; i < r.length; i += 2) {
      const x = r[i] as number;
      const y = r[i + 1] as number;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

function make(fence: Fence, lon0: number, lat0: number, s: Shape, bbox: readonly [number, number, number, number]): CompiledFence {
  const v = fence.vehicles;
  const frame = localFrame(lon0, lat0);
  return {
    kind: s.kind,
    r: s.r,
    half: s.half,
    coords: s.coords,
    ringStart: s.ringStart,
    ringShell: s.ringShell,
    simple: s.simple,
    id: fence.id,
    fence,
    vins: v?.vins === undefined ? undefined : new Set(v.vins),
    fleetTag: v?.fleetTag,
    filtered: v !== undefined,
    dwellMs: fence.dwellS === undefined ? -1 : fence.dwellS * 1000,
    lon0: frame.lon0,
    lat0: frame.lat0,
    kx: frame.kx,
    ky: frame.ky,
    minLon: bbox[0],
    minLat: bbox[1],
    maxLon: bbox[2],
    maxLat: bbox[3],
  };
}

/** Compiles a validated fence (assertFence first: this does not check the geometry). */
export function compileFence(fence: Fence): CompiledFence {
  const g = fence.geometry;
  if (g.type === 'Circle') {
    const [lon, lat] = g.center;
    const d = metresToDegrees(g.radiusM, lat);
    return make(fence, lon, lat, circleShape(g.radiusM), [lon - d.dLon, lat - d.dLat, lon + d.dLon, lat + d.dLat]);
  }
  if (g.type === 'Corridor') {
    const deg = flattenRing(g.coordinates);
    const [minLon, minLat, maxLon, maxLat] = bboxOf([deg]);
    const frame = localFrame((minLon + maxLon) / 2, (minLat + maxLat) / 2);
    const half = g.widthM / 2;
    const d = metresToDegrees(half, Math.abs(minLat) > Math.abs(maxLat) ? minLat : maxLat);
    const shape = corridorShape(projectFlat(frame, deg), half);
    return make(fence, frame.lon0, frame.lat0, shape, [minLon - d.dLon, minLat - d.dLat, maxLon + d.dLon, maxLat + d.dLat]);
  }
  const polysDeg: Float64Array[][] = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).map((rings) =>
    rings.map((ring) => flattenRing(ring as readonly Position[])),
  );
  const bbox = bboxOf(polysDeg.map((p) => p[0] as Float64Array));
  const frame = localFrame((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2);
  const shape = polygonsShape(polysDeg.map((rings) => rings.map((r) => projectFlat(frame, r))));
  return make(fence, frame.lon0, frame.lat0, shape, bbox);
}

/** Inside any polygon: inside its shell and outside its holes. */
function inPolygons(s: Shape, x: number, y: number): boolean {
  const starts = s.ringStart;
  const shells = s.ringShell;
  const c = s.coords;
  const n = shells.length;
  let k = 0;
  while (k < n) {
    // ring k is a shell; rings k+1.. up to the next shell are its holes
    let inside = inRing(c, x, y, starts[k] as number, starts[k + 1] as number);
    k++;
    while (k < n && shells[k] === 0) {
      if (inside && inRing(c, x, y, starts[k] as number, starts[k + 1] as number)) inside = false;
      k++;
    }
    if (inside) return true;
  }
  return false;
}

function corridorDist2(s: Shape, x: number, y: number): number {
  return distToEdges2(s.coords, x, y);
}

/** Inside test at local metres (x, y). */
export function containsLocal(s: Shape, x: number, y: number): boolean {
  if (s.kind === 'polygons') return s.simple ? inRing(s.coords, x, y, 0, s.coords.length) : inPolygons(s, x, y);
  if (s.kind === 'circle') return x * x + y * y <= s.r * s.r;
  return corridorDist2(s, x, y) <= s.half * s.half;
}

/** Signed depth at local metres (x, y): > 0 inside (distance to the boundary), < 0 outside. */
export function depthLocal(s: Shape, x: number, y: number): number {
  if (s.kind === 'polygons') {
    const d = ringsDist(s, x, y);
    return containsLocal(s, x, y) ? d : -d;
  }
  if (s.kind === 'circle') return s.r - Math.sqrt(x * x + y * y);
  return s.half - Math.sqrt(corridorDist2(s, x, y));
}

/** Distance to the nearest ring edge, ring by ring (so no edge joins the end of one ring to the next). */
function ringsDist(s: Shape, x: number, y: number): number {
  if (s.simple) return Math.sqrt(distToEdges2(s.coords, x, y, 0, s.coords.length));
  let best = Infinity;
  const starts = s.ringStart;
  for (let k = 0; k + 1 < starts.length; k++)
    best = Math.min(best, distToEdges2(s.coords, x, y, starts[k] as number, starts[k + 1] as number));
  return Math.sqrt(best);
}

/** Closest approach of segment p0-p1 to segment a-b: parameter along p0-p1 and squared distance. */
function segmentApproach(x0: number, y0: number, x1: number, y1: number, ax: number, ay: number, bx: number, by: number): [number, number] {
  if (segmentsIntersect(x0, y0, x1, y1, ax, ay, bx, by)) {
    const t = crossingParam(x0, y0, x1, y1, ax, ay, bx, by);
    return [t >= 0 ? t : closestParam(ax, ay, x0, y0, x1, y1), 0];
  }
  let t = 0;
  let best = pointSegmentDist2(x0, y0, ax, ay, bx, by);
  const d1 = pointSegmentDist2(x1, y1, ax, ay, bx, by);
  if (d1 < best) [t, best] = [1, d1];
  for (const [px, py] of [
    [ax, ay],
    [bx, by],
  ] as const) {
    const s = closestParam(px, py, x0, y0, x1, y1);
    const d = (x0 + s * (x1 - x0) - px) ** 2 + (y0 + s * (y1 - y0) - py) ** 2;
    if (d < best) [t, best] = [s, d];
  }
  return [t, best];
}

/**
 * Where segment p0-p1 (local metres) passes deepest through the fence: polygons, the middle of the
 * deepest inside stretch between edge crossings; circles, the closest approach to the centre;
 * corridors, the closest approach to the centre line. Undefined when it never gets inside.
 */
export function passageLocal(s: Shape, x0: number, y0: number, x1: number, y1: number): Passage | undefined {
  if (s.kind === 'circle') {
    const t = closestParam(0, 0, x0, y0, x1, y1);
    const x = x0 + t * (x1 - x0);
    const y = y0 + t * (y1 - y0);
    const depth = s.r - Math.sqrt(x * x + y * y);
    return depth >= 0 ? { t, depth } : undefined;
  }
  const c = s.coords;
  if (s.kind === 'corridor') {
    let bestT = 0;
    let best = Infinity;
    for (let i = 0; i + 3 < c.length; i += 2) {
      const [t, d2] = segmentApproach(x0, y0, x1, y1, c[i] as number, c[i + 1] as number, c[i + 2] as number, c[i + 3] as number);
      if (d2 < best) [bestT, best] = [t, d2];
    }
    const depth = s.half - Math.sqrt(best);
    return depth >= 0 ? { t: bestT, depth } : undefined;
  }
  const cuts = [0, 1];
  const starts = s.ringStart;
  for (let k = 0; k + 1 < starts.length; k++) {
    const end = (starts[k + 1] as number) - 2;
    for (let i = starts[k] as number; i < end; i += 2) {
      const t = crossingParam(x0, y0, x1, y1, c[i] as number, c[i + 1] as number, c[i + 2] as number, c[i + 3] as number);
      if (t >= 0) cuts.push(t);
    }
  }
  if (cuts.length === 2) return undefined; // no edge crossed: wholly inside or wholly outside
  cuts.sort((a, b) => a - b);
  let best: Passage | undefined;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const t = ((cuts[i] as number) + (cuts[i + 1] as number)) / 2;
    const depth = depthLocal(s, x0 + t * (x1 - x0), y0 + t * (y1 - y0));
    if (depth >= 0 && (best === undefined || depth > best.depth)) best = { t, depth };
  }
  return best;
}
