/**
 * Parking at trip ends. The traffic model chains trips and never parks; this controller, run after
 * every model tick, makes a share of the cars that finish a trip pull over (held: they brake to a
 * stop), leave the lane once stopped (simulator/traffic/parking.ts) and stay parked for a dwell of
 * some minutes before driving on. A share of the fleet starts parked. Pure and deterministic: one
 * Rng drawn in car order on the model's own events, so every replica of the model (one per worker)
 * parks the same cars at the same ticks.
 */
import { Rng, type Seed } from '../../core/random.js';
import type { TrafficModel } from '../traffic/model.js';
import { isParked, parkCar, unparkCar } from '../traffic/parking.js';

export interface ParkingOptions {
  readonly seed: Seed;
  /** Share of trip ends where the car parks, 0..1. */
  readonly share: number;
  /** Share of the cars that start parked, 0..1. */
  readonly initialShare: number;
  /** Dwell range, minutes. */
  readonly minutes: readonly [number, number];
}

const DRIVING = 0;
const STOPPING = 1;
const PARKED = 2;

export class ParkingController {
  readonly #rng: Rng;
  readonly #options: ParkingOptions;
  readonly #phase: Uint8Array;
  readonly #until: Float64Array;
  readonly #trips: Uint32Array;
  /** Cars parked now (off the lane). */
  parked = 0;
  /** Parkings begun since the start. */
  parkings = 0;

  constructor(model: TrafficModel, options: ParkingOptions) {
    this.#options = options;
    this.#rng = new Rng(`${options.seed}:parking`);
    const n = model.carCount;
    this.#phase = new Uint8Array(n);
    this.#until = new Float64Array(n);
    this.#trips = Uint32Array.from(model.state.trips.subarray(0, n));
    const [lo, hi] = options.minutes;
    for (let c = 0; c < n; c++) {
      if (!this.#rng.chance(options.initialShare)) continue;
      parkCar(model.state, c);
      this.#phase[c] = PARKED;
      // staggered: an initially parked car has been there for a while already
      this.#until[c] = this.#rng.range(0, hi > lo ? hi : lo) * 60_000;
      this.parked++;
    }
  }

  isParked(c: number): boolean {
    return this.#phase[c] === PARKED;
  }

  /** After model.step(): start, finish and end parkings. `timeMs` is the model's time. */
  afterTick(model: TrafficModel, timeMs: number): void {
    const st = model.state;
    const phase = this.#phase;
    const trips = st.trips;
    const n = phase.length;
    const { share, minutes } = this.#options;
    for (let c = 0; c < n; c++) {
      const p = phase[c] as number;
      if (p === DRIVING) {
        const t = trips[c] as number;
        if (t === this.#trips[c]) continue;
        this.#trips[c] = t;
        if (share > 0 && this.#rng.chance(share)) {
          model.holdCar(c, true);
          phase[c] = STOPPING;
        }
      } else if (p === STOPPING) {
        if ((st.speed[c] as number) > 0) continue;
        parkCar(st, c);
        phase[c] = PARKED;
        this.#until[c] = timeMs + this.#rng.range(minutes[0], minutes[1]) * 60_000;
        this.parked++;
        this.parkings++;
      } else if (timeMs >= (this.#until[c] as number) && unparkCar(st, c)) {
        phase[c] = DRIVING;
        this.#trips[c] = trips[c] as number;
        this.parked--;
      }
    }
  }

  /** Car c parked off the lane (for tests). */
  static offLane(model: TrafficModel, c: number): boolean {
    return isParked(model.state, c);
  }
}
