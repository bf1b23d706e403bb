/**
 * The connection schedule of the cars of one slice: sleep of parked cars (planSleep in
 * simulator/vehicle/sleep.ts decides; this keeps its per-car state in typed arrays) and coverage
 * holes while driving. Deterministic per car: a hole is drawn from a hash of (seed, car, second),
 * a sleep period from an Rng seeded by (seed, car, decision number), so the schedule of a car does
 * not depend on which worker runs it.
 */
import { Rng } from '../../core/random.js';
import type { SleepConfig } from '../vehicle/config.js';
import { planSleep, type SleepMode, type SleepState } from '../vehicle/sleep.js';

const MODES: readonly SleepMode[] = ['awake', 'asleep', 'checkin'];

export type ConnectAction = 'none' | 'disconnect' | 'connect';

/** A 32-bit mix (murmur3 finaliser) of three integers, as a float in [0, 1). */
export function unitHash(a: number, b: number, c: number): number {
  let h = (Math.imul(a | 0, 0x9e3779b1) ^ Math.imul(b | 0, 0x85ebca77) ^ Math.imul(c | 0, 0xc2b2ae3d)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

export interface ConnectivityOptions {
  readonly seedHash: number;
  readonly sleep: SleepConfig | undefined;
  readonly holesPerHour: number;
  readonly holeS: readonly [number, number];
}

export class Connectivity {
  readonly #o: ConnectivityOptions;
  readonly #mode: Uint8Array;
  readonly #until: Float64Array;
  readonly #parkedSince: Float64Array;
  readonly #nextCheck: Float64Array;
  readonly #decisions: Uint32Array;
  /** Simulated ms until which car k is in a coverage hole (offline by design). */
  readonly #holeUntil: Float64Array;
  /** 1 once car k has connected. */
  readonly #connectedOnce: Uint8Array;
  asleep = 0;
  /** Cars that have connected at least once. */
  connectedOnce = 0;

  constructor(cars: number, options: ConnectivityOptions) {
    this.#o = options;
    this.#mode = new Uint8Array(cars);
    this.#until = new Float64Array(cars);
    this.#parkedSince = new Float64Array(cars).fill(Number.NaN);
    this.#nextCheck = new Float64Array(cars);
    this.#decisions = new Uint32Array(cars);
    this.#holeUntil = new Float64Array(cars);
    this.#connectedOnce = new Uint8Array(cars);
  }

  /** Car k connected (counts the cars that ever did). */
  connected(k: number): void {
    if (this.#connectedOnce[k] === 1) return;
    this.#connectedOnce[k] = 1;
    this.connectedOnce++;
  }

  /** Car k drove into a coverage hole that ends at `untilMs` (simulated). */
  startHole(k: number, untilMs: number): void {
    this.#holeUntil[k] = untilMs;
  }

  /** Cars in a coverage hole at `nowMs` (offline by design, reconnecting after it). */
  inHole(nowMs: number): number {
    let n = 0;
    for (const until of this.#holeUntil) if (until > nowMs) n++;
    return n;
  }

  /** True while car k's telematics unit sleeps (no telemetry, no connection). */
  isAsleep(k: number): boolean {
    return this.#mode[k] === 1;
  }

  /**
   * After car k's vehicle step at simulated time `nowMs`: what to do with its session.
   * `global` is the car's fleet index (for the per-car random streams).
   */
  sleepAction(k: number, global: number, ignition: boolean, nowMs: number): ConnectAction {
    const cfg = this.#o.sleep;
    if (cfg === undefined) return 'none';
    const mode = this.#mode[k] as number;
    if (ignition) {
      this.#parkedSince[k] = Number.NaN;
      if (mode === 0) return 'none';
    } else if (Number.isNaN(this.#parkedSince[k] as number)) {
      this.#parkedSince[k] = nowMs;
      this.#nextCheck[k] = nowMs;
    }
    if (!ignition && nowMs < (this.#nextCheck[k] as number)) return 'none';
    const state: SleepState = { mode: MODES[mode] as SleepMode, untilMs: this.#until[k] as number };
    const n = (this.#decisions[k] as number) + 1;
    this.#decisions[k] = n;
    const rng = new Rng(`${this.#o.seedHash}:sleep:${global}:${n}`);
    const parkedFor = ignition ? 0 : nowMs - (this.#parkedSince[k] as number);
    const d = planSleep(state, { ignition, parkedForMs: parkedFor, nowMs }, rng, cfg);
    const next = MODES.indexOf(d.state.mode);
    if (next === 1 && mode !== 1) this.asleep++;
    if (next !== 1 && mode === 1) this.asleep--;
    this.#mode[k] = next;
    this.#until[k] = d.state.untilMs;
    this.#nextCheck[k] = d.nextCheckMs;
    return d.action;
  }

  /** Length of a coverage hole starting now for a driving car (simulated ms), or 0. Ask once per simulated second. */
  holeMs(global: number, second: number): number {
    const p = this.#o.holesPerHour / 3600;
    if (p <= 0) return 0;
    if (unitHash(this.#o.seedHash, global, second) >= p) return 0;
    const [lo, hi] = this.#o.holeS;
    return Math.round((lo + (hi - lo) * unitHash(this.#o.seedHash ^ 0x5bd1e995, global, second)) * 1000);
  }
}
