/**
 * When each car sends telemetry: every car at the same interval (simulated ms), each with its own
 * phase offset in [0, interval) drawn from (seed, car index), so a fleet does not publish in bursts
 * and a car's due times do not depend on which worker or process runs it. Cars are kept in phase
 * order, so finding the cars due costs O(1) per message (no scan of the fleet).
 */
import { Rng } from '../../core/random.js';

/** Interval between two telemetry messages of one car, simulated ms (at least 1). */
export function telemetryIntervalMsOf(rateHz: number): number {
  if (!(rateHz > 0)) throw new RangeError(`rate must be > 0 Hz (got ${rateHz})`);
  return Math.max(1, Math.round(1000 / rateHz));
}

/** Car `index`'s phase offset in [0, intervalMs), whole ms, a function of (seed, index) only. */
export function phaseOffsetMs(seed: string | number, index: number, intervalMs: number): number {
  return new Rng(`${seed}:phase:${index}`).uint32() % intervalMs;
}

export class PhaseSchedule {
  readonly intervalMs: number;
  /** Local car indices sorted by phase (ties by index). */
  readonly #order: Int32Array;
  readonly #phase: Int32Array;
  #pos = 0;
  #cycle = 0;

  /** The schedule of `count` cars from global index `first` at `rateHz`, phases drawn from the seed. */
  static ofCars(seed: string | number, first: number, count: number, rateHz: number): PhaseSchedule {
    const interval = telemetryIntervalMsOf(rateHz);
    return new PhaseSchedule(
      Array.from({ length: count }, (_, k) => phaseOffsetMs(seed, first + k, interval)),
      interval,
    );
  }

  /** `phases[k]` is local car k's offset (0 <= offset < intervalMs). */
  constructor(phases: ArrayLike<number>, intervalMs: number) {
    this.intervalMs = intervalMs;
    const n = phases.length;
    this.#phase = Int32Array.from(phases);
    for (let k = 0; k < n; k++) {
      const p = this.#phase[k] as number;
      if (!(p >= 0 && p < intervalMs)) throw new RangeError(`phase ${p} of car ${k} is outside [0, ${intervalMs})`);
    }
    const order = Array.from({ length: n }, (_, k) => k);
    order.sort((a, b) => (this.#phase[a] as number) - (this.#phase[b] as number) || a - b);
    this.#order = Int32Array.from(order);
  }

  get size(): number {
    return this.#order.length;
  }

  /** The next due time (simulated ms), Infinity for an empty schedule. */
  get nextDueMs(): number {
    if (this.#order.length === 0) return Number.POSITIVE_INFINITY;
    return this.#cycle * this.intervalMs + (this.#phase[this.#order[this.#pos] as number] as number);
  }

  /** Moves on without calling anything: the next due time is the first after `afterMs` (a rate change mid-run). */
  seek(afterMs: number): void {
    const n = this.#order.length;
    if (n === 0) return;
    const cycle = Math.max(0, Math.floor(afterMs / this.intervalMs));
    const within = afterMs - cycle * this.intervalMs;
    let lo = 0;
    let hi = n; // first position whose phase is above `within`
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#phase[this.#order[mid] as number] as number) <= within) lo = mid + 1;
      else hi = mid;
    }
    this.#cycle = lo === n ? cycle + 1 : cycle;
    this.#pos = lo === n ? 0 : lo;
  }

  /** Calls fn(car, dueMs) for every car due at or before untilMs, in due order; returns how many. */
  drain(untilMs: number, fn: (car: number, dueMs: number) => void): number {
    const order = this.#order;
    const n = order.length;
    if (n === 0) return 0;
    let count = 0;
    for (;;) {
      const car = order[this.#pos] as number;
      const due = this.#cycle * this.intervalMs + (this.#phase[car] as number);
      if (due > untilMs) return count;
      fn(car, due);
      count++;
      if (++this.#pos === n) {
        this.#pos = 0;
        this.#cycle++;
      }
    }
  }
}
