/**
 * A trace on a time axis (recorded time, epoch ms): which fixes fall due as time advances, and where
 * each vehicle is at any instant. Pure: no clock, no timers; the caller says what time it is (see
 * playback.ts for wall-clock mapping and speed factors).
 *
 * `sample` fills the fields of the traffic model's CarKinematics that the vehicle model and the
 * telemetry read, interpolated between the two fixes around the instant: lat/lon linearly, heading
 * along the shorter arc, speed linearly, acceleration as the speed difference over the time
 * difference, odometer as the haversine distance accumulated fix to fix (so a 1 Hz trace drives
 * telemetry at any tick, aligned or not). Lon/lat interpolation is linear in degrees, which is well
 * within GPS error for fixes seconds apart (it does not handle crossing the antimeridian).
 */
import { MinHeap } from '../../road/heap.js';
import { distanceM } from '../../road/geo.js';
import type { CarKinematics } from '../traffic/kinematics.js';
import type { Trace, TraceVehicle } from './trace.js';

/** The part of CarKinematics a replay can fill; a CarKinematics object can be passed as it is. */
export type ReplayKinematics = Pick<CarKinematics, 'lon' | 'lat' | 'headingDeg' | 'speedMps' | 'accelMps2' | 'odometerM'>;

export interface TimelineVehicle {
  /** Index in the trace, the `vehicle` argument of the methods below. */
  readonly index: number;
  readonly vin: string;
  readonly sourceId: string;
  readonly firstMs: number;
  readonly lastMs: number;
  readonly count: number;
}

/** A fix that fell due: read it with `fill(index, out)`. */
export interface DueFix {
  readonly vehicle: number;
  /** Index of the fix in the trace columns. */
  readonly index: number;
  /** Recorded time, epoch ms. */
  readonly timeMs: number;
}

/** 'every': every fix that fell due; 'latest': per vehicle only the latest one. */
export type AdvanceMode = 'every' | 'latest';

/** 'before' the vehicle's first fix, 'driving' between its first and last, 'after' its last. */
export type SampleState = 'before' | 'driving' | 'after';

export class TraceTimeline {
  readonly trace: Trace;
  readonly startMs: number;
  readonly endMs: number;
  readonly #vehicles: readonly TimelineVehicle[];
  /** Cumulative distance at each fix from the vehicle's first, m. */
  readonly #odometer: Float64Array;
  /** Per vehicle: the next fix not yet handed out by advance(). */
  readonly #next: Uint32Array;
  /** Per vehicle: the fix at or before the last sampled instant (a hint for sample()). */
  readonly #cursor: Uint32Array;
  readonly #heap = new MinHeap(64);
  #advancedTo = -Infinity;

  constructor(trace: Trace) {
    this.trace = trace;
    const t = trace.timeMs;
    const odo = new Float64Array(t.length);
    let start = Infinity;
    let end = -Infinity;
    this.#vehicles = trace.vehicles.map((v: TraceVehicle, index) => {
      for (let i = v.start + 1; i < v.end; i++) {
        odo[i] =
          (odo[i - 1] as number) +
          distanceM(trace.lon[i - 1] as number, trace.lat[i - 1] as number, trace.lon[i] as number, trace.lat[i] as number);
      }
      const firstMs = t[v.start] as number;
      const lastMs = t[v.end - 1] as number;
      if (firstMs < start) start = firstMs;
      if (lastMs > end) end = lastMs;
      return { index, vin: v.vin, sourceId: v.sourceId, firstMs, lastMs, count: v.end - v.start };
    });
    this.startMs = start;
    this.endMs = end;
    this.#odometer = odo;
    this.#next = new Uint32Array(trace.vehicles.length);
    this.#cursor = new Uint32Array(trace.vehicles.length);
    this.rewind();
  }

  vehicles(): readonly TimelineVehicle[] {
    return this.#vehicles;
  }

  /** The time advance() last reached (-Infinity before the first call). */
  get advancedTo(): number {
    return this.#advancedTo;
  }

  /** True when advance() has handed out every fix. */
  get finished(): boolean {
    return this.#heap.size === 0;
  }

  /** Starts over: advance() yields the fixes at or after `fromMs` (by default all of them). */
  rewind(fromMs = -Infinity): void {
    this.#heap.clear();
    this.#advancedTo = -Infinity;
    const t = this.trace.timeMs;
    this.trace.vehicles.forEach((v, k) => {
      let i = v.start;
      while (i < v.end && (t[i] as number) < fromMs) i++;
      this.#next[k] = i;
      this.#cursor[k] = v.start;
      if (i < v.end) this.#heap.push(t[i] as number, k);
    });
  }

  /**
   * The fixes with a time after the previous call's `toMs` and at or before this one, in time
   * order (vehicles in heap order on equal times). Time never goes back: an earlier `toMs` yields
   * nothing (use rewind()).
   */
  *advance(toMs: number, mode: AdvanceMode = 'every'): Generator<DueFix> {
    if (!(toMs > this.#advancedTo)) return;
    this.#advancedTo = toMs;
    const heap = this.#heap;
    const t = this.trace.timeMs;
    const vehicles = this.trace.vehicles;
    if (mode === 'every') {
      while (heap.size > 0 && heap.peekKey() <= toMs) {
        const v = heap.pop();
        const index = this.#next[v] as number;
        const next = index + 1;
        this.#next[v] = next;
        if (next < (vehicles[v] as TraceVehicle).end) heap.push(t[next] as number, v);
        yield { vehicle: v, index, timeMs: t[index] as number };
      }
      return;
    }
    const due: DueFix[] = [];
    while (heap.size > 0 && heap.peekKey() <= toMs) {
      const v = heap.pop();
      const end = (vehicles[v] as TraceVehicle).end;
      let index = this.#next[v] as number;
      while (index + 1 < end && (t[index + 1] as number) <= toMs) index++;
      this.#next[v] = index + 1;
      if (index + 1 < end) heap.push(t[index + 1] as number, v);
      due.push({ vehicle: v, index, timeMs: t[index] as number });
    }
    due.sort((a, b) => a.timeMs - b.timeMs || a.vehicle - b.vehicle);
    yield* due;
  }

  /** The kinematics of one recorded fix (acceleration from the previous fix of its vehicle). */
  fill<K extends ReplayKinematics>(index: number, out: K): K {
    const tr = this.trace;
    const vehicle = this.#vehicleOfFix(index);
    out.lat = tr.lat[index] as number;
    out.lon = tr.lon[index] as number;
    out.speedMps = tr.speedMps[index] as number;
    out.headingDeg = tr.headingDeg[index] as number;
    out.odometerM = this.#odometer[index] as number;
    out.accelMps2 = index > vehicle.start ? this.#slope(index - 1) : 0;
    return out;
  }

  /**
   * Where `vehicle` is at `timeMs` (recorded time), interpolated between fixes. Before the first
   * fix: that fix's position at standstill; after the last: the last position at standstill.
   */
  sample(vehicle: number, timeMs: number, out: ReplayKinematics): SampleState {
    const v = this.trace.vehicles[vehicle];
    if (v === undefined) throw new RangeError(`no vehicle ${vehicle} in the trace`);
    const tr = this.trace;
    const t = tr.timeMs;
    const last = v.end - 1;
    if (timeMs < (t[v.start] as number) || timeMs > (t[last] as number)) {
      const before = timeMs < (t[v.start] as number);
      const i = before ? v.start : last;
      this.fill(i, out);
      out.speedMps = 0;
      out.accelMps2 = 0;
      return before ? 'before' : 'after';
    }
    let k = this.#cursor[vehicle] as number;
    if ((t[k] as number) > timeMs) k = this.#search(v.start, last, timeMs);
    while (k < last && (t[k + 1] as number) <= timeMs) k++;
    this.#cursor[vehicle] = k;
    if (k === last || t[k] === timeMs) {
      this.fill(k, out);
      return 'driving';
    }
    const t0 = t[k] as number;
    const f = (timeMs - t0) / ((t[k + 1] as number) - t0);
    const lerp = (a: Float64Array | Float32Array): number => (a[k] as number) + ((a[k + 1] as number) - (a[k] as number)) * f;
    out.lat = lerp(tr.lat);
    out.lon = lerp(tr.lon);
    out.speedMps = lerp(tr.speedMps);
    out.odometerM = lerp(this.#odometer);
    const h0 = tr.headingDeg[k] as number;
    const dh = (((((tr.headingDeg[k + 1] as number) - h0 + 540) % 360) + 360) % 360) - 180;
    out.headingDeg = (((h0 + dh * f) % 360) + 360) % 360;
    out.accelMps2 = this.#slope(k);
    return 'driving';
  }

  /** Distance driven by the vehicle from its first fix to fix `index`, m. */
  odometerAt(index: number): number {
    return this.#odometer[index] as number;
  }

  /** Speed change per second from fix k to fix k + 1 (of one vehicle). */
  #slope(k: number): number {
    const t = this.trace.timeMs;
    const dt = ((t[k + 1] as number) - (t[k] as number)) / 1000;
    const s = this.trace.speedMps;
    return dt > 0 ? ((s[k + 1] as number) - (s[k] as number)) / dt : 0;
  }

  /** The last fix in [lo, hi] at or before timeMs (timeMs >= the time at lo). */
  #search(lo: number, hi: number, timeMs: number): number {
    const t = this.trace.timeMs;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((t[mid] as number) <= timeMs) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  #vehicleOfFix(index: number): TraceVehicle {
    const vs = this.trace.vehicles;
    let lo = 0;
    let hi = vs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((vs[mid] as TraceVehicle).start <= index) lo = mid;
      else hi = mid - 1;
    }
    const v = vs[lo];
    if (v === undefined || index < v.start || index >= v.end) throw new RangeError(`no fix ${index} in the trace`);
    return v;
  }
}
