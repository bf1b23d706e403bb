/**
 * The world of a replay (`v2x sim --replay FILE`): the cars' motion comes from a recorded trace
 * instead of the traffic model. Simulated time 0 is the whole trace's first fix (`originMs`), so
 * every unit of a run shares one time axis; a car is present from its first fix to its last, and
 * its kinematics at any simulated instant are the trace interpolated there (ReplayPlayback.sample
 * on the simulated clock: the slice's speedup is the replay speed). Parking, speed caps and ground
 * truth do not apply: the trace is what happened.
 */
import { ReplayPlayback } from '../replay/playback.js';
import { TraceTimeline } from '../replay/timeline.js';
import { sliceTrace, type Trace } from '../replay/trace.js';
import type { GroundTruthRecord } from '../traffic/ground-truth.js';
import type { CarKinematics } from '../traffic/kinematics.js';
import type { CarPresence, SimWorld } from './sim-world.js';

/** The model tick of a replay, simulated ms (telemetry is interpolated at its own due time anyway). */
export const REPLAY_TICK_MS = 500;

/** What a unit needs to replay its cars (crosses the thread or process boundary). */
export interface ReplayUnitData {
  /** The unit's vehicles only (sliceTrace), vehicle 0 = the unit's car 0. */
  readonly trace: Trace;
  /** Recorded epoch ms of simulated time 0: the first fix of the whole trace. */
  readonly originMs: number;
  /** Where the environment is taken: the first fix of the whole trace. */
  readonly anchor: { readonly lon: number; readonly lat: number };
}

/** Sorted (by time, then index) car indices and their times, walked once by a cursor. */
class Queue {
  readonly #order: Int32Array;
  readonly #at: Float64Array;
  #pos = 0;
  constructor(at: Float64Array) {
    this.#at = at;
    const order = Array.from(at, (_, k) => k).sort((a, b) => (at[a] as number) - (at[b] as number) || a - b);
    this.#order = Int32Array.from(order);
  }
  /** fn(k, time) for every car with time < limit not yet handed out. */
  drain(limit: number, fn: (k: number, atMs: number) => void): void {
    const order = this.#order;
    while (this.#pos < order.length) {
      const k = order[this.#pos] as number;
      const t = this.#at[k] as number;
      if (t >= limit) return;
      this.#pos++;
      fn(k, t);
    }
  }
}

class TracePresence implements CarPresence {
  readonly endMs: number;
  readonly #first: Float64Array;
  readonly #last: Float64Array;
  readonly #arrivals: Queue;
  readonly #departures: Queue;

  constructor(first: Float64Array, last: Float64Array) {
    this.#first = first;
    this.#last = last;
    this.endMs = last.reduce((a, b) => Math.max(a, b), 0);
    this.#arrivals = new Queue(first);
    this.#departures = new Queue(last);
  }
  arrivals(untilMs: number, fn: (k: number, atMs: number) => void): void {
    this.#arrivals.drain(untilMs, fn);
  }
  departures(afterMs: number, fn: (k: number, atMs: number) => void): void {
    this.#departures.drain(afterMs, fn);
  }
  firstMs(k: number): number {
    return this.#first[k] as number;
  }
  present(k: number, atMs: number): boolean {
    return atMs > (this.#first[k] as number) && atMs < (this.#last[k] as number);
  }
}

export class ReplayWorld implements SimWorld {
  readonly tickMs: number;
  readonly anchor: { readonly lon: number; readonly lat: number };
  readonly presence: CarPresence;
  readonly timeline: TraceTimeline;
  readonly playback: ReplayPlayback;
  #timeMs = 0;

  constructor(data: ReplayUnitData, tickMs = REPLAY_TICK_MS) {
    this.tickMs = tickMs;
    this.anchor = data.anchor;
    this.timeline = new TraceTimeline(data.trace);
    // the playback runs on the simulated clock (ms since the start, already scaled by the replay speed)
    this.playback = new ReplayPlayback(this.timeline, { startWallMs: 0, speed: 1, fromMs: data.originMs });
    const vs = this.timeline.vehicles();
    this.presence = new TracePresence(
      Float64Array.from(vs, (v) => v.firstMs - data.originMs),
      Float64Array.from(vs, (v) => v.lastMs - data.originMs),
    );
  }

  get timeMs(): number {
    return this.#timeMs;
  }

  tick(): boolean {
    this.#timeMs += this.tickMs;
    return true;
  }

  read(k: number, atMs: number, out: CarKinematics): CarKinematics {
    this.playback.sample(k, atMs, out);
    return out;
  }

  readMotion(k: number, out: CarKinematics): void {
    this.playback.sample(k, this.#timeMs, out);
  }

  capSpeed(): void {}

  capSpeedOfFleetCar(): void {}

  isParked(): boolean {
    return false;
  }

  takeRecords(): readonly GroundTruthRecord[] {
    return [];
  }

  /** A replayed car drives its trace: a warning changes nothing. */
  warn(): void {}

  warnFleetCar(): void {}
}

/** The replay data of the unit that drives vehicles [start, end) of `trace`. */
export function replayUnitData(trace: Trace, start: number, end: number): ReplayUnitData {
  const first = trace.vehicles[0]?.start ?? 0;
  let originMs = Number.POSITIVE_INFINITY;
  for (const v of trace.vehicles) originMs = Math.min(originMs, trace.timeMs[v.start] as number);
  return {
    trace: sliceTrace(trace, start, end),
    originMs,
    anchor: { lon: trace.lon[first] ?? 11.575, lat: trace.lat[first] ?? 48.137 },
  };
}
