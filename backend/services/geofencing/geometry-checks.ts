/**
 * Geometry rules JSON Schema cannot state, each with a stable reason: coordinates in range, rings
 * closed with at least 4 positions, rings that do not cross or touch themselves, holes inside their
 * shell, radius and width > 0. Works in degrees (planar, like GeoJSON's own rules). Consecutive
 * duplicate positions are tolerated (common in drawn polygons) and skipped.
 */
import { inRing, orient, ringArea, segmentsIntersect } from './planar.js';
import type { FenceGeometry, Position } from './schema.js';

export const GEOMETRY_PROBLEMS = [
  'coordinate_out_of_range',
  'ring_not_closed',
  'ring_too_short',
  'ring_self_intersects',
  'ring_degenerate',
  'hole_outside_shell',
  'radius_not_positive',
  'width_not_positive',
  'corridor_too_short',
] as const;
export type GeometryProblemReason = (typeof GEOMETRY_PROBLEMS)[number];

export interface GeometryProblem {
  readonly reason: GeometryProblemReason;
  /** JSON path inside the geometry, e.g. `/coordinates/0/3`. */
  readonly path: string;
  readonly rule: string;
  readonly value: unknown;
}

function problem(reason: GeometryProblemReason, path: string, rule: string, value: unknown): GeometryProblem {
  return { reason, path, rule, value };
}

function checkPosition(p: Position, path: string): GeometryProblem | undefined {
  const [lon, lat] = p;
  if (!(lon >= -180 && lon <= 180)) return problem('coordinate_out_of_range', path, 'longitude must be within [-180, 180]', p);
  if (!(lat >= -90 && lat <= 90)) return problem('coordinate_out_of_range', path, 'latitude must be within [-90, 90]', p);
  return undefined;
}

/** Interleaved lon/lat with consecutive duplicates dropped (the closing position kept). */
export function flattenRing(ring: readonly Position[]): Float64Array {
  const out: number[] = [];
  for (const p of ring) {
    const n = out.length;
    if (n >= 2 && out[n - 2] === p[0] && out[n - 1] === p[1]) continue;
    out.push(p[0], p[1]);
  }
  return Float64Array.from(out);
}

/**
 * The first pair of edges [i, j] (edge k runs from position k to k + 1) that cross or touch
 * without being neighbours, or a spike (edge i doubling back along edge j = i + 1); undefined if none.
 */
export function selfIntersection(ring: Float64Array): [number, number] | undefined {
  const n = ring.length / 2 - 1; // edges
  const x = (i: number): number => ring[2 * i] as number;
  const y = (i: number): number => ring[2 * i + 1] as number;
  for (let i = 0; i < n; i++) {
    // a spike: p -> q -> r with r back along q -> p
    const p = i;
    const q = i + 1;
    const r = i + 2 > n ? 1 : i + 2;
    if (orient(x(p), y(p), x(q), y(q), x(r), y(r)) === 0 && (x(p) - x(q)) * (x(r) - x(q)) + (y(p) - y(q)) * (y(r) - y(q)) > 0)
      return [i, (i + 1) % n];
  }
  // sort and sweep on the edges' min x
  const order = Array.from({ length: n }, (_, i) => i);
  const minX = (i: number): number => Math.min(x(i), x(i + 1));
  const maxX = (i: number): number => Math.max(x(i), x(i + 1));
  order.sort((a, b) => minX(a) - minX(b));
  for (let a = 0; a < n; a++) {
    const i = order[a] as number;
    const right = maxX(i);
    for (let b = a + 1; b < n; b++) {
      const j = order[b] as number;
      if (minX(j) > right) break;
      const d = Math.abs(i - j);
      if (d === 1 || d === n - 1) continue; // neighbours share a vertex
      if (segmentsIntersect(x(i), y(i), x(i + 1), y(i + 1), x(j), y(j), x(j + 1), y(j + 1))) return i < j ? [i, j] : [j, i];
    }
  }
  return undefined;
}

function checkRing(ring: readonly Position[], path: string): GeometryProblem | undefined {
  for (let i = 0; i < ring.length; i++) {
    const p = checkPosition(ring[i] as Position, `${path}/${i}`);
    if (p) return p;
  }
  if (ring.length < 4) return problem('ring_too_short', path, `a ring needs at least 4 positions (got ${ring.length})`, ring.length);
  const first = ring[0] as Position;
  const last = ring[ring.length - 1] as Position;
  if (first[0] !== last[0] || first[1] !== last[1])
    return problem('ring_not_closed', path, 'a ring must be closed: its last position must equal its first', { first, last });
  const flat = flattenRing(ring);
  if (flat.length < 8) return problem('ring_too_short', path, 'a ring needs at least 3 distinct positions', ring.length);
  const at = selfIntersection(flat);
  if (at !== undefined) {
    const [i, j] = at;
    const edge = (k: number): number[][] => [
      [flat[2 * k] as number, flat[2 * k + 1] as number],
      [flat[2 * k + 2] as number, flat[2 * k + 3] as number],
    ];
    return problem('ring_self_intersects', path, `the ring crosses or touches itself: edges ${i} and ${j} meet`, [edge(i), edge(j)]);
  }
  if (ringArea(flat) === 0) return problem('ring_degenerate', path, 'the ring has no area', 0);
  return undefined;
}

function holeInsideShell(shell: Float64Array, hole: Float64Array): boolean {
  const hn = hole.length - 2;
  const sn = shell.length - 2;
  for (let i = 0; i < hn; i += 2) {
    const hx = hole[i] as number;
    const hy = hole[i + 1] as number;
    if (!inRing(shell, hx, hy)) return false;
  }
  // a hole whose vertices are all inside may still poke out between two of them
  for (let i = 0; i < hn; i += 2) {
    for (let j = 0; j < sn; j += 2) {
      const ax = hole[i] as number;
      const ay = hole[i + 1] as number;
      const bx = hole[i + 2] as number;
      const by = hole[i + 3] as number;
      const cx = shell[j] as number;
      const cy = shell[j + 1] as number;
      const dx = shell[j + 2] as number;
      const dy = shell[j + 3] as number;
      const o1 = orient(cx, cy, dx, dy, ax, ay);
      const o2 = orient(cx, cy, dx, dy, bx, by);
      const o3 = orient(ax, ay, bx, by, cx, cy);
      const o4 = orient(ax, ay, bx, by, dx, dy);
      if (o1 * o2 < 0 && o3 * o4 < 0) return false;
    }
  }
  return true;
}

function checkPolygon(rings: readonly (readonly Position[])[], path: string): GeometryProblem | undefined {
  for (let r = 0; r < rings.length; r++) {
    const p = checkRing(rings[r] as readonly Position[], `${path}/${r}`);
    if (p) return p;
  }
  const shell = flattenRing(rings[0] as readonly Position[]);
  for (let r = 1; r < rings.length; r++) {
    if (!holeInsideShell(shell, flattenRing(rings[r] as readonly Position[])))
      return problem('hole_outside_shell', `${path}/${r}`, `hole ${r} is not inside the shell (ring 0)`, r);
  }
  return undefined;
}

/** The first geometry problem, or undefined when the geometry is valid. */
export function geometryProblem(g: FenceGeometry): GeometryProblem | undefined {
  switch (g.type) {
    case 'Polygon':
      return checkPolygon(g.coordinates, '/coordinates');
    case 'MultiPolygon':
      for (let i = 0; i < g.coordinates.length; i++) {
        const p = checkPolygon(g.coordinates[i] as readonly (readonly Position[])[], `/coordinates/${i}`);
        if (p) return p;
      }
      return undefined;
    case 'Circle':
      return (
        checkPosition(g.center, '/center') ??
        (g.radiusM > 0 ? undefined : problem('radius_not_positive', '/radiusM', 'radius must be > 0 metres', g.radiusM))
      );
    case 'Corridor': {
      for (let i = 0; i < g.coordinates.length; i++) {
        const p = checkPosition(g.coordinates[i] as Position, `/coordinates/${i}`);
        if (p) return p;
      }
      if (flattenRing(g.coordinates).length < 4)
        return problem('corridor_too_short', '/coordinates', 'a corridor needs at least 2 distinct positions', g.coordinates.length);
      return g.widthM > 0 ? undefined : problem('width_not_positive', '/widthM', 'width must be > 0 metres', g.widthM);
    }
  }
}
