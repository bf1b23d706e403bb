/**
 * The reader side of the shared traffic model (shared-traffic.ts): a SimWorld over a range of the
 * fleet whose kinematics come from the model thread's tick buffers. tick() moves to the next tick
 * only when the model thread has published it (false otherwise: the slice tries again on its next
 * wheel tick), and tells the model thread which tick it now reads.
 */
import { V2xError } from '../../core/errors.js';
import type { GroundTruthRecord } from '../traffic/ground-truth.js';
import type { CarKinematics } from '../traffic/kinematics.js';
import type { DriverWarning, ReceivedWarning } from '../traffic/warned-drivers.js';
import { H, STATE, SharedTrafficViews, type SharedTrafficBuffers } from './shared-traffic.js';
import type { SimWorld } from './sim-world.js';

const NO_RECORDS: readonly GroundTruthRecord[] = [];

export class SharedWorld implements SimWorld {
  readonly tickMs: number;
  readonly anchor: { readonly lon: number; readonly lat: number };
  readonly presence = undefined;
  readonly #v: SharedTrafficViews;
  /** Fleet index of the unit's car 0. */
  readonly #start: number;
  readonly #reader: number;
  readonly #onWarning: ((w: DriverWarning) => void) | undefined;
  #tick = 0;

  /**
   * Blocks (this is a worker thread) until the model thread has built the model and published tick
   * 0, or fails when it could not (its error reaches the coordinator on its own channel).
   * `onWarning` carries a car's warning to the model thread (through the coordinator).
   */
  constructor(
    buffers: SharedTrafficBuffers,
    start: number,
    reader: number,
    options: { readonly timeoutMs?: number; readonly onWarning?: (w: DriverWarning) => void } = {},
  ) {
    const timeoutMs = options.timeoutMs ?? 120_000;
    this.#onWarning = options.onWarning;
    const v = new SharedTrafficViews(buffers);
    this.#v = v;
    this.#start = start;
    this.#reader = reader;
    const deadline = Date.now() + timeoutMs;
    while (Atomics.load(v.header, H.PUBLISHED) < 0) {
      const state = Atomics.load(v.header, H.STATE);
      if (state === STATE.FAILED || state === STATE.STOP) throw new V2xError('INTERNAL', 'the traffic model thread did not start');
      if (Date.now() > deadline) throw new V2xError('INTERNAL', `the traffic model was not ready within ${timeoutMs} ms`);
      Atomics.wait(v.header, H.PUBLISHED, -1, 100);
    }
    this.tickMs = Atomics.load(v.header, H.TICK_MS);
    this.anchor = { lon: v.anchor[0] as number, lat: v.anchor[1] as number };
    Atomics.store(v.header, H.READER0 + reader, 0);
  }

  get timeMs(): number {
    return this.#tick * this.tickMs;
  }

  tick(): boolean {
    const h = this.#v.header;
    if (Atomics.load(h, H.PUBLISHED) <= this.#tick) return false;
    this.#tick++;
    Atomics.store(h, H.READER0 + this.#reader, this.#tick);
    Atomics.add(h, H.PROGRESS, 1);
    Atomics.notify(h, H.PROGRESS);
    return true;
  }

  read(k: number, _atMs: number, out: CarKinematics): CarKinematics {
    const v = this.#v;
    const g = this.#start + k;
    const m = v.motion;
    const i = v.motionAt(this.#tick, g);
    out.lon = m[i] as number;
    out.lat = m[i + 1] as number;
    out.headingDeg = m[i + 2] as number;
    out.speedMps = m[i + 3] as number;
    out.accelMps2 = m[i + 4] as number;
    out.odometerM = m[i + 5] as number;
    out.offsetM = m[i + 6] as number;
    const f = v.flags;
    const j = v.flagsAt(this.#tick, g);
    out.segment = f[j] as number;
    out.segmentId = ''; // the network lives in the model thread
    out.lane = f[j + 1] as number;
    out.tripsCompleted = f[j + 2] as number;
    return out;
  }

  readMotion(k: number, out: CarKinematics): void {
    const v = this.#v;
    const m = v.motion;
    const i = v.motionAt(this.#tick, this.#start + k);
    out.speedMps = m[i + 3] as number;
    out.accelMps2 = m[i + 4] as number;
    out.odometerM = m[i + 5] as number;
  }

  capSpeed(k: number, mps: number): void {
    this.#v.caps[this.#start + k] = mps;
  }

  capSpeedOfFleetCar(global: number, mps: number): void {
    if (global >= 0 && global < this.#v.cars) this.#v.caps[global] = mps;
  }

  isParked(k: number): boolean {
    const v = this.#v;
    return v.flags[v.flagsAt(this.#tick, this.#start + k) + 3] === 1;
  }

  /** The driver decides in the model thread: the warning goes there with the car's fleet index. */
  warn(k: number, w: ReceivedWarning): void {
    this.#onWarning?.({ ...w, car: this.#start + k });
  }

  /** The model thread hears of every warning through the coordinator. */
  warnFleetCar(): void {}

  /** Ground truth comes from the model thread itself. */
  takeRecords(): readonly GroundTruthRecord[] {
    return NO_RECORDS;
  }
}
