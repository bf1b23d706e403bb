/**
 * Grid clustering: cars fall into square cells of a fixed size in screen pixels at a zoom level,
 * laid on Web Mercator (so cells look square on the map at any latitude); each occupied cell is one
 * cluster at the mean position of its cars. The grid is global and anchored at (0, 0), so a cluster
 * stays put while the map pans, and one clustering per zoom level serves every client.
 */
import type { CarTuple, ClusterTuple } from './events.js';
import { boxesOf, inBox } from './viewport.js';
import type { Viewport } from './events.js';

/** Web Mercator y of a latitude, in "degrees" (the same unit as longitude on screen). */
export function mercatorY(lat: number): number {
  const clamped = Math.max(-85.05112878, Math.min(85.05112878, lat));
  return (Math.log(Math.tan(Math.PI / 4 + (clamped * Math.PI) / 360)) * 180) / Math.PI;
}

/** Degrees of longitude per cell of `cellPx` screen pixels at an integer zoom (256-pixel tiles). */
export function cellDegrees(zoom: number, cellPx: number): number {
  return (cellPx * 360) / (256 * 2 ** Math.floor(zoom));
}

/**
 * Groups cars into clusters on the global grid of `cellDeg`. Pure; O(cars). `ys` may hold the cars'
 * mercatorY values already (the frame source computes them once per tick for every zoom level).
 */
export function clusterCars(cars: readonly CarTuple[], cellDeg: number, ys?: Float64Array): ClusterTuple[] {
  const n = cars.length;
  const ix = new Float64Array(n);
  const iy = new Float64Array(n);
  let minX = Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const c = cars[i] as CarTuple;
    const x = Math.floor(c[1] / cellDeg);
    const y = Math.floor((ys === undefined ? mercatorY(c[2]) : (ys[i] as number)) / cellDeg);
    ix[i] = x;
    iy[i] = y;
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  // keys relative to the fleet's corner stay small integers (fast Map keys)
  const rows = maxY - minY + 1;
  const cells = new Map<number, { lon: number; lat: number; n: number }>();
  for (let i = 0; i < n; i++) {
    const c = cars[i] as CarTuple;
    const key = ((ix[i] as number) - minX) * rows + ((iy[i] as number) - minY);
    const cell = cells.get(key);
    if (cell === undefined) cells.set(key, { lon: c[1], lat: c[2], n: 1 });
    else {
      cell.lon += c[1];
      cell.lat += c[2];
      cell.n++;
    }
  }
  const out: ClusterTuple[] = [];
  for (const { lon, lat, n: k } of cells.values()) out.push([round6(lon / k), round6(lat / k), k]);
  return out;
}

/** The clusters whose position is inside the viewport, and how many cars they hold. */
export function clustersInView(clusters: readonly ClusterTuple[], v: Viewport): { clusters: ClusterTuple[]; cars: number } {
  const boxes = boxesOf(v);
  const out: ClusterTuple[] = [];
  let cars = 0;
  for (const c of clusters) {
    if (!boxes.some((b) => inBox(b, c[0], c[1]))) continue;
    out.push(c);
    cars += c[2];
  }
  return { clusters: out, cars };
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
