/**
 * Planar geometry on flat coordinate arrays: segment intersection, point-to-segment distance and
 * point-in-ring. Callers pass either degrees (validation) or local metres (evaluation, see
 * projection.ts); the maths is the same. Rings are interleaved [x0, y0, x1, y1, ...] and closed
 * (last position equals the first).
 */

/** Cross product of (b - a) x (c - a): > 0 when c is left of a->b, < 0 right, 0 collinear. */
export function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

function onSegment(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  return Math.min(ax, bx) <= cx && cx <= Math.max(ax, bx) && Math.min(ay, by) <= cy && cy <= Math.max(ay, by);
}

/** True when segments p1-p2 and p3-p4 share at least one point (touching and collinear overlap count). */
export function segmentsIntersect(x1: number, y1: number, x2: number, y2: number, x3: number, y3: number, x4: number, y4: number): boolean {
  const d1 = orient(x3, y3, x4, y4, x1, y1);
  const d2 = orient(x3, y3, x4, y4, x2, y2);
  const d3 = orient(x1, y1, x2, y2, x3, y3);
  const d4 = orient(x1, y1, x2, y2, x4, y4);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  if (d1 === 0 && onSegment(x3, y3, x4, y4, x1, y1)) return true;
  if (d2 === 0 && onSegment(x3, y3, x4, y4, x2, y2)) return true;
  if (d3 === 0 && onSegment(x1, y1, x2, y2, x3, y3)) return true;
  if (d4 === 0 && onSegment(x1, y1, x2, y2, x4, y4)) return true;
  return false;
}

/**
 * Parameter t in [0, 1] along p1->p2 where it properly crosses p3-p4, or -1 (parallel or no
 * crossing). Used to cut a car's segment at fence edges.
 */
export function crossingParam(x1: number, y1: number, x2: number, y2: number, x3: number, y3: number, x4: number, y4: number): number {
  const rx = x2 - x1;
  const ry = y2 - y1;
  const sx = x4 - x3;
  const sy = y4 - y3;
  const den = rx * sy - ry * sx;
  if (den === 0) return -1;
  const qx = x3 - x1;
  const qy = y3 - y1;
  const t = (qx * sy - qy * sx) / den;
  const u = (qx * ry - qy * rx) / den;
  return t >= 0 && t <= 1 && u >= 0 && u <= 1 ? t : -1;
}

/** Squared distance from (px, py) to segment a-b. */
export function pointSegmentDist2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

/** Parameter in [0, 1] of the point of segment a-b closest to (px, py). */
export function closestParam(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/**
 * Even-odd point-in-ring test (ray casting) on the closed ring held in ring[start, end); a point
 * exactly on an edge may go either way.
 */
export function inRing(ring: Float64Array, x: number, y: number, start = 0, end = ring.length): boolean {
  let inside = false;
  const n = end - 2; // last position repeats the first
  for (let i = start; i < n; i += 2) {
    const yi = ring[i + 1] as number;
    const yj = ring[i + 3] as number;
    if (yi > y !== yj > y) {
      const xi = ring[i] as number;
      const xj = ring[i + 2] as number;
      if (x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** Squared distance from (x, y) to the nearest edge of the closed ring or open polyline in line[start, end). */
export function distToEdges2(line: Float64Array, x: number, y: number, start = 0, end = line.length): number {
  let best = Infinity;
  const n = end - 2;
  for (let i = start; i < n; i += 2) {
    const d = pointSegmentDist2(x, y, line[i] as number, line[i + 1] as number, line[i + 2] as number, line[i + 3] as number);
    if (d < best) best = d;
  }
  return best;
}

/** Signed area of a closed ring (shoelace; > 0 counter-clockwise). */
export function ringArea(ring: Float64Array): number {
  let a = 0;
  const n = ring.length - 2;
  for (let i = 0; i < n; i += 2) a += (ring[i] as number) * (ring[i + 3] as number) - (ring[i + 2] as number) * (ring[i + 1] as number);
  return a / 2;
}
