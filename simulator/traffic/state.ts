/**
 * The traffic model's data, struct of arrays: one typed array per attribute, indexed by car or by
 * lane, allocated once. Each lane holds its cars as an intrusive doubly linked list ordered from the
 * front (nearest the segment end) to the back, so a car's leader is `ahead[car]` and moving a car
 * between lanes or segments is O(1) without allocation.
 *
 * Lanes are numbered globally: lanes of segment s are laneBase[s] .. laneBase[s+1]-1; local lane 0 is
 * the rightmost.
 */
import type { RoadNetwork } from '../../road/network.js';
import type { DriverParams } from './idm.js';

export const NONE = -1;

export class FleetState {
  readonly capacity: number;
  count = 0;
  // lanes
  readonly laneBase: Int32Array;
  readonly laneSeg: Int32Array;
  readonly laneFirst: Int32Array;
  readonly laneLast: Int32Array;
  readonly laneCars: Int32Array;
  /** Position along the segment of the nearest blocking obstacle (incident) on the lane, or Infinity. */
  readonly obstacle: Float64Array;
  // cars: where
  readonly seg: Int32Array;
  readonly lane: Int32Array;
  readonly pos: Float64Array;
  readonly speed: Float64Array;
  readonly accel: Float64Array;
  readonly odometer: Float64Array;
  readonly ahead: Int32Array;
  readonly behind: Int32Array;
  readonly movedTick: Uint32Array;
  // cars: who
  readonly speedFactor: Float32Array;
  readonly headway: Float32Array;
  readonly minGap: Float32Array;
  readonly maxAccel: Float32Array;
  readonly comfortDecel: Float32Array;
  readonly length: Float32Array;
  readonly patience: Float32Array;
  /** Seconds the car has waited for room at the entry of its next segment. */
  readonly waitS: Float32Array;
  /** 1 while a car is held (broken down, pulling over): it brakes to a stop and stays; 2 while parked off the lane (parking.ts). */
  readonly held: Uint8Array;
  /** Desired-speed cap per car, m/s (Infinity = none): a remote set_speed_limit. */
  readonly speedCap: Float32Array;
  // cars: trips
  readonly routes: Int32Array[];
  readonly routeIdx: Int32Array;
  readonly routeEpoch: Uint32Array;
  readonly trips: Uint32Array;

  constructor(network: RoadNetwork, capacity: number) {
    const m = network.segments.length;
    this.laneBase = new Int32Array(m + 1);
    for (let s = 0; s < m; s++) this.laneBase[s + 1] = (this.laneBase[s] as number) + (network.segLanes[s] as number);
    const lanes = this.laneBase[m] as number;
    this.laneSeg = new Int32Array(lanes);
    for (let s = 0; s < m; s++) {
      for (let l = this.laneBase[s] as number; l < (this.laneBase[s + 1] as number); l++) this.laneSeg[l] = s;
    }
    this.laneFirst = new Int32Array(lanes).fill(NONE);
    this.laneLast = new Int32Array(lanes).fill(NONE);
    this.laneCars = new Int32Array(lanes);
    this.obstacle = new Float64Array(lanes).fill(Infinity);
    this.capacity = capacity;
    this.seg = new Int32Array(capacity);
    this.lane = new Int32Array(capacity);
    this.pos = new Float64Array(capacity);
    this.speed = new Float64Array(capacity);
    this.accel = new Float64Array(capacity);
    this.odometer = new Float64Array(capacity);
    this.ahead = new Int32Array(capacity).fill(NONE);
    this.behind = new Int32Array(capacity).fill(NONE);
    this.movedTick = new Uint32Array(capacity);
    this.speedFactor = new Float32Array(capacity);
    this.headway = new Float32Array(capacity);
    this.minGap = new Float32Array(capacity);
    this.maxAccel = new Float32Array(capacity);
    this.comfortDecel = new Float32Array(capacity);
    this.length = new Float32Array(capacity);
    this.patience = new Float32Array(capacity);
    this.waitS = new Float32Array(capacity);
    this.held = new Uint8Array(capacity);
    this.speedCap = new Float32Array(capacity).fill(Number.POSITIVE_INFINITY);
    this.routes = new Array<Int32Array>(capacity);
    this.routeIdx = new Int32Array(capacity);
    this.routeEpoch = new Uint32Array(capacity);
    this.trips = new Uint32Array(capacity);
  }

  get laneCount(): number {
    return this.laneFirst.length;
  }

  /** Unlinks car c from its lane. */
  unlink(c: number): void {
    const l = this.lane[c] as number;
    const a = this.ahead[c] as number;
    const b = this.behind[c] as number;
    if (a === NONE) this.laneFirst[l] = b;
    else this.behind[a] = b;
    if (b === NONE) this.laneLast[l] = a;
    else this.ahead[b] = a;
    this.ahead[c] = NONE;
    this.behind[c] = NONE;
    this.laneCars[l] = (this.laneCars[l] as number) - 1;
  }

  /** Appends car c at the back of lane l (on that lane's segment). */
  pushBack(c: number, l: number): void {
    const last = this.laneLast[l] as number;
    this.ahead[c] = last;
    this.behind[c] = NONE;
    if (last === NONE) this.laneFirst[l] = c;
    else this.behind[last] = c;
    this.laneLast[l] = c;
    this.lane[c] = l;
    this.seg[c] = this.laneSeg[l] as number;
    this.laneCars[l] = (this.laneCars[l] as number) + 1;
  }

  /** The car in lane l nearest ahead of position p (pos > p), or NONE. Walks the lane. */
  carAheadOf(l: number, p: number): number {
    let found = NONE;
    for (let c = this.laneFirst[l] as number; c !== NONE; c = this.behind[c] as number) {
      if ((this.pos[c] as number) > p) found = c;
      else break;
    }
    return found;
  }

  /** Inserts car c into lane l at its position order (c's pos must be set). */
  insertOrdered(c: number, l: number): void {
    const leader = this.carAheadOf(l, this.pos[c] as number);
    const follower = leader === NONE ? (this.laneFirst[l] as number) : (this.behind[leader] as number);
    this.ahead[c] = leader;
    this.behind[c] = follower;
    if (leader === NONE) this.laneFirst[l] = c;
    else this.behind[leader] = c;
    if (follower === NONE) this.laneLast[l] = c;
    else this.ahead[follower] = c;
    this.lane[c] = l;
    this.seg[c] = this.laneSeg[l] as number;
    this.laneCars[l] = (this.laneCars[l] as number) + 1;
  }

  /** Space left at the entry of lane l: rear of its last car, or the obstacle, whichever is nearer. */
  entrySpace(l: number): number {
    const last = this.laneLast[l] as number;
    const rear = last === NONE ? Infinity : (this.pos[last] as number) - (this.length[last] as number);
    const obs = this.obstacle[l] as number;
    return rear < obs ? rear : obs;
  }

  /** The lane of segment s with most space at its entry, preferring local lane `prefer` on ties. */
  entryLane(s: number, prefer: number): number {
    const base = this.laneBase[s] as number;
    const n = (this.laneBase[s + 1] as number) - base;
    let best = base + (prefer < n ? prefer : n - 1);
    if (n === 1) return best;
    let bestSpace = this.entrySpace(best);
    for (let k = 0; k < n; k++) {
      const space = this.entrySpace(base + k);
      if (space > bestSpace) {
        bestSpace = space;
        best = base + k;
      }
    }
    return best;
  }

  /** Writes a driver's parameters for car c. */
  setDriver(c: number, d: DriverParams): void {
    this.speedFactor[c] = d.speedFactor;
    this.headway[c] = d.timeHeadwayS;
    this.minGap[c] = d.minGapM;
    this.maxAccel[c] = d.maxAccel;
    this.comfortDecel[c] = d.comfortDecel;
    this.length[c] = d.lengthM;
    this.patience[c] = d.patienceS;
  }
}
