/**
 * Nearest segment to a point, through a uniform grid over the network in local metres. Each cell
 * lists the segments whose pieces cross its box; a query searches rings of cells outwards and stops
 * once no unseen cell can hold anything closer. With a heading, segments pointing more than
 * `headingToleranceDeg` away are passed over (the two directions of a street share their geometry),
 * unless nothing else is in reach. The backend's map matching reuses this.
 */
import { angleDiffDeg } from './geo.js';
import type { RoadNetwork } from './network.js';

export interface NearestQuery {
  /** Farthest distance to look, metres (default 100). */
  readonly maxDistanceM?: number;
  /** Direction of travel in degrees; prefer segments heading this way. */
  readonly headingDeg?: number;
  readonly headingToleranceDeg?: number;
}

export interface NearestResult {
  readonly segment: number;
  readonly segmentId: string;
  /** Distance from the point to the segment, metres. */
  readonly distanceM: number;
  /** Distance along the segment from its start to the closest point, metres. */
  readonly offsetM: number;
  /** Bearing of the segment at the closest point, degrees. */
  readonly headingDeg: number;
}

export class SegmentIndex {
  readonly network: RoadNetwork;
  readonly cellM: number;
  readonly #minX: number;
  readonly #minY: number;
  readonly #nx: number;
  readonly #ny: number;
  readonly #cellStart: Int32Array;
  readonly #cellItems: Int32Array;
  readonly #xy: Float64Array[];
  readonly #seen: Uint32Array;
  #gen = 0;

  constructor(network: RoadNetwork, cellM = 100) {
    this.network = network;
    this.cellM = cellM;
    const proj = network.projection;
    this.#xy = network.segments.map((s) => {
      const a = new Float64Array(s.geometry.length * 2);
      s.geometry.forEach((p, i) => {
        a[2 * i] = proj.x(p[0]);
        a[2 * i + 1] = proj.y(p[1]);
      });
      return a;
    });
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const a of this.#xy) {
      for (let i = 0; i < a.length; i += 2) {
        minX = Math.min(minX, a[i] as number);
        maxX = Math.max(maxX, a[i] as number);
        minY = Math.min(minY, a[i + 1] as number);
        maxY = Math.max(maxY, a[i + 1] as number);
      }
    }
    this.#minX = minX;
    this.#minY = minY;
    this.#nx = Math.max(1, Math.ceil((maxX - minX) / cellM) + 1);
    this.#ny = Math.max(1, Math.ceil((maxY - minY) / cellM) + 1);
    const cells = this.#nx * this.#ny;
    const lists: number[][] = Array.from({ length: cells }, () => []);
    this.#xy.forEach((a, s) => {
      const mark = new Set<number>();
      for (let i = 2; i < a.length; i += 2) {
        const x0 = Math.min(a[i - 2] as number, a[i] as number);
        const x1 = Math.max(a[i - 2] as number, a[i] as number);
        const y0 = Math.min(a[i - 1] as number, a[i + 1] as number);
        const y1 = Math.max(a[i - 1] as number, a[i + 1] as number);
        for (let cx = this.#cx(x0); cx <= this.#cx(x1); cx++) {
          for (let cy = this.#cy(y0); cy <= this.#cy(y1); cy++) mark.add(cy * this.#nx + cx);
        }
      }
      for (const c of mark) lists[c]?.push(s);
    });
    this.#cellStart = new Int32Array(cells + 1);
    let total = 0;
    lists.forEach((l, c) => {
      this.#cellStart[c] = total;
      total += l.length;
    });
    this.#cellStart[cells] = total;
    this.#cellItems = new Int32Array(total);
    lists.forEach((l, c) => this.#cellItems.set(l, this.#cellStart[c] as number));
    this.#seen = new Uint32Array(network.segments.length);
  }

  #cx(x: number): number {
    return Math.min(this.#nx - 1, Math.max(0, Math.floor((x - this.#minX) / this.cellM)));
  }

  #cy(y: number): number {
    return Math.min(this.#ny - 1, Math.max(0, Math.floor((y - this.#minY) / this.cellM)));
  }

  nearest(lon: number, lat: number, query: NearestQuery = {}): NearestResult | undefined {
    const withHeading = this.#search(lon, lat, query, true);
    if (withHeading !== undefined || query.headingDeg === undefined) return withHeading;
    return this.#search(lon, lat, query, false);
  }

  #search(lon: number, lat: number, query: NearestQuery, useHeading: boolean): NearestResult | undefined {
    const proj = this.network.projection;
    const px = proj.x(lon);
    const py = proj.y(lat);
    const maxD = query.maxDistanceM ?? 100;
    const tol = query.headingToleranceDeg ?? 90;
    const heading = useHeading ? query.headingDeg : undefined;
    const gen = ++this.#gen;
    const cx0 = Math.floor((px - this.#minX) / this.cellM);
    const cy0 = Math.floor((py - this.#minY) / this.cellM);
    const rings = Math.ceil(maxD / this.cellM) + 1;
    let best = -1;
    let bestD = maxD;
    let bestOffset = 0;
    let bestHeading = 0;
    for (let r = 0; r <= rings; r++) {
      for (let cx = cx0 - r; cx <= cx0 + r; cx++) {
        for (let cy = cy0 - r; cy <= cy0 + r; cy++) {
          if (Math.max(Math.abs(cx - cx0), Math.abs(cy - cy0)) !== r) continue;
          if (cx < 0 || cy < 0 || cx >= this.#nx || cy >= this.#ny) continue;
          const c = cy * this.#nx + cx;
          for (let k = this.#cellStart[c] as number; k < (this.#cellStart[c + 1] as number); k++) {
            const s = this.#cellItems[k] as number;
            if (this.#seen[s] === gen) continue;
            this.#seen[s] = gen;
            const a = this.#xy[s] as Float64Array;
            const cum = this.network.segCumDist[s] as Float64Array;
            for (let i = 2; i < a.length; i += 2) {
              const ax = a[i - 2] as number;
              const ay = a[i - 1] as number;
              const dx = (a[i] as number) - ax;
              const dy = (a[i + 1] as number) - ay;
              const len2 = dx * dx + dy * dy;
              let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
              t = t < 0 ? 0 : t > 1 ? 1 : t;
              const d = Math.hypot(ax + t * dx - px, ay + t * dy - py);
              if (d > bestD) continue;
              const h = ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360;
              if (heading !== undefined && angleDiffDeg(h, heading) > tol) continue;
              const c0 = cum[i / 2 - 1] as number;
              const c1 = cum[i / 2] as number;
              if (d < bestD || best === -1) {
                best = s;
                bestD = d;
                bestOffset = c0 + t * (c1 - c0);
                bestHeading = h;
              }
            }
          }
        }
      }
      if (best !== -1 && bestD <= r * this.cellM) break;
    }
    if (best === -1) return undefined;
    return {
      segment: best,
      segmentId: (this.network.segments[best] as { id: string }).id,
      distanceM: bestD,
      offsetM: bestOffset,
      headingDeg: bestHeading,
    };
  }
}
