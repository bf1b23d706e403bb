/**
 * Map matching: a fix goes to the nearest segment whose direction agrees with the car's heading,
 * through road/'s SegmentIndex (a uniform grid over the network in local metres).
 *
 * The road network and its spatial index are the one description of the roads that the simulator,
 * the exporters and the backend share (the backend already reads the same network GeoJSON); so the
 * backend imports the shared road/ library rather than keeping a copy. road/ depends only on core/,
 * so this pulls in no simulation code.
 *
 * Per-car memory resolves what the nearest-segment rule gets wrong: the two directions of a street
 * lie 3-6 m apart, and near a junction the cross street is as close as the one driven on. So the
 * candidates are scored: the car's previous segment and that segment's successors (to-node = next
 * from-node) win whenever they lie within `stickyM` metres of the nearest heading-compatible one.
 * A stopped or crawling car (speed < `minHeadingSpeedMps`) reports a meaningless heading, so it
 * keeps its previous segment while within reach.
 */
import { angleDiffDeg } from '../../../road/geo.js';
import type { RoadNetwork } from '../../../road/network.js';
import type { SegmentIndex } from '../../../road/spatial-index.js';
import type { Fix, MatchedFix } from './types.js';

export interface MatcherOptions {
  /** Farthest a fix may lie from its segment, m (default 40). */
  readonly maxDistanceM?: number;
  readonly headingToleranceDeg?: number;
  /** Prefer the previous segment or a successor within this much of the nearest, m (default 12). */
  readonly stickyM?: number;
  readonly minHeadingSpeedMps?: number;
  /** Forget a car not seen for this long, ms (default 120 000). */
  readonly memoryMs?: number;
  /**
   * A successor must lie this much closer than the car's current segment to take it over, m
   * (default 6; decision 0034): a car queued at the stop line, its fixes scattered past the
   * junction by GPS noise, stays on the approach instead of appearing slow on the next segment.
   */
  readonly switchPenaltyM?: number;
}

interface CarMemory {
  segment: number;
  ts: number;
  /** The segment matched before `segment` (-1 if none yet). */
  previous: number;
}

interface Candidate {
  readonly distanceM: number;
  readonly headingDeg: number;
}

export class MapMatcher {
  readonly #net: RoadNetwork;
  readonly #index: SegmentIndex;
  readonly #maxD: number;
  readonly #tol: number;
  readonly #sticky: number;
  readonly #minV: number;
  readonly #memoryMs: number;
  readonly #switchM: number;
  readonly #cars = new Map<string, CarMemory>();

  constructor(index: SegmentIndex, options: MatcherOptions = {}) {
    this.#index = index;
    this.#net = index.network;
    this.#maxD = options.maxDistanceM ?? 40;
    this.#tol = options.headingToleranceDeg ?? 60;
    this.#sticky = options.stickyM ?? 12;
    this.#minV = options.minHeadingSpeedMps ?? 1;
    this.#memoryMs = options.memoryMs ?? 120_000;
    this.#switchM = options.switchPenaltyM ?? 6;
  }

  /** Cars remembered (for metrics). */
  get cars(): number {
    return this.#cars.size;
  }

  /** Matches one fix; undefined when no segment is within reach. */
  match(fix: Fix): MatchedFix | undefined {
    const mem = this.#cars.get(fix.vin);
    const fresh = mem !== undefined && fix.ts - mem.ts <= this.#memoryMs ? mem : undefined;
    const moving = fix.speedMps >= this.#minV;
    let chosen = -1;
    let chosenD = Infinity;
    if (fresh !== undefined && !moving) {
      const c = this.#distanceTo(fresh.segment, fix.lon, fix.lat);
      if (c.distanceM <= this.#maxD) {
        chosen = fresh.segment;
        chosenD = c.distanceM;
      }
    }
    if (chosen === -1) {
      const near = this.#index.nearest(fix.lon, fix.lat, {
        maxDistanceM: this.#maxD,
        ...(moving && { headingDeg: fix.headingDeg, headingToleranceDeg: this.#tol }),
      });
      if (near !== undefined) {
        chosen = near.segment;
        chosenD = near.distanceM;
      }
      if (fresh !== undefined) {
        const pref = this.#preferred(fresh.segment, fix, chosen === -1 ? this.#maxD : chosenD + this.#sticky, moving);
        if (pref !== undefined) {
          chosen = pref.segment;
          chosenD = pref.distanceM;
        }
      }
    }
    if (chosen === -1) return undefined;
    this.remember(fix.vin, chosen, fix.ts);
    return {
      vin: fix.vin,
      ts: fix.ts,
      key: (this.#net.segments[chosen] as { id: string }).id,
      speedMps: fix.speedMps,
      distanceM: Math.round(chosenD * 100) / 100,
    };
  }

  /** Each remembered car: VIN, its last matched segment (index) and the time of that fix. */
  *lastSegments(): IterableIterator<readonly [vin: string, segment: number, ts: number]> {
    for (const [vin, m] of this.#cars) yield [vin, m.segment, m.ts];
  }

  /** Each remembered car with the segment it was matched to before its current one (-1 if none yet): where it came from. */
  *recentPaths(): IterableIterator<readonly [vin: string, segment: number, ts: number, previous: number]> {
    for (const [vin, m] of this.#cars) yield [vin, m.segment, m.ts, m.previous];
  }

  /** Records a car's match (match() calls it; a replay of cached matches may too). */
  remember(vin: string, segment: number, ts: number): void {
    const old = this.#cars.get(vin);
    const previous = old === undefined ? -1 : old.segment !== segment ? old.segment : old.previous;
    this.#cars.set(vin, { segment, ts, previous });
  }

  /** Drops cars not seen since `nowMs - memoryMs`. */
  prune(nowMs: number): void {
    for (const [vin, m] of this.#cars) if (nowMs - m.ts > this.#memoryMs) this.#cars.delete(vin);
  }

  /** The previous segment or one of its successors, if within `limitM` and heading-compatible. */
  #preferred(prev: number, fix: Fix, limitM: number, moving: boolean): { segment: number; distanceM: number } | undefined {
    const net = this.#net;
    const to = net.segTo[prev] as number;
    const from = net.segFrom[prev] as number;
    let best: { segment: number; distanceM: number } | undefined;
    let bestScore = Infinity;
    const consider = (s: number): void => {
      const c = this.#distanceTo(s, fix.lon, fix.lat);
      if (c.distanceM > limitM || c.distanceM > this.#maxD) return;
      if (moving && angleDiffDeg(c.headingDeg, fix.headingDeg) > this.#tol) return;
      const score = c.distanceM + (s === prev ? 0 : this.#switchM);
      if (score < bestScore) {
        best = { segment: s, distanceM: c.distanceM };
        bestScore = score;
      }
    };
    consider(prev);
    for (let k = net.outStart[to] as number; k < (net.outStart[to + 1] as number); k++) {
      const s = net.outSegments[k] as number;
      if ((net.segTo[s] as number) === from) continue; // a U-turn is never preferred
      consider(s);
    }
    return best;
  }

  /** Distance from a point to segment s and the segment's bearing there. */
  #distanceTo(s: number, lon: number, lat: number): Candidate {
    const proj = this.#net.projection;
    const g = (this.#net.segments[s] as { geometry: readonly (readonly [number, number])[] }).geometry;
    const px = proj.x(lon);
    const py = proj.y(lat);
    let best = Infinity;
    let heading = 0;
    for (let i = 1; i < g.length; i++) {
      const a = g[i - 1] as readonly [number, number];
      const b = g[i] as readonly [number, number];
      const ax = proj.x(a[0]);
      const ay = proj.y(a[1]);
      const dx = proj.x(b[0]) - ax;
      const dy = proj.y(b[1]) - ay;
      const len2 = dx * dx + dy * dy;
      let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const d = Math.hypot(ax + t * dx - px, ay + t * dy - py);
      if (d < best) {
        best = d;
        heading = ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360;
      }
    }
    return { distanceM: best, headingDeg: heading };
  }
}
