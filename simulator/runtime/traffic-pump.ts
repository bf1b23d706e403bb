/**
 * The writer side of the shared traffic model (shared-traffic.ts): steps the World of the whole
 * fleet and writes every car's kinematics into the tick buffer ring, as far ahead of the slowest
 * reader as the ring allows. Pure of threads: model-thread.ts runs it in a loop that waits on the
 * readers' progress; tests drive it by hand.
 */
import type { GroundTruthRecord } from '../traffic/ground-truth.js';
import { emptyKinematics } from '../traffic/kinematics.js';
import { FLAG_FIELDS, H, MOTION_FIELDS, RING, STATE, SharedTrafficViews, type SharedTrafficBuffers } from './shared-traffic.js';
import type { World } from './world.js';

export class TrafficPump {
  readonly #world: World;
  readonly #v: SharedTrafficViews;
  readonly #applied: Float64Array;
  readonly #kin = emptyKinematics();
  #tick = -1;

  constructor(world: World, buffers: SharedTrafficBuffers) {
    if (world.offset !== 0 || world.model.state.count !== buffers.cars) {
      throw new RangeError(`the shared model must hold the whole fleet (${buffers.cars} cars, got ${world.model.state.count})`);
    }
    this.#world = world;
    this.#v = new SharedTrafficViews(buffers);
    this.#applied = new Float64Array(buffers.cars);
    const v = this.#v;
    v.anchor[0] = world.anchor.lon;
    v.anchor[1] = world.anchor.lat;
    Atomics.store(v.header, H.TICK_MS, world.tickMs);
    this.#write(0);
    Atomics.store(v.header, H.STATE, STATE.READY);
  }

  /** The newest tick written. */
  get tick(): number {
    return this.#tick;
  }

  get stopRequested(): boolean {
    return Atomics.load(this.#v.header, H.STATE) === STATE.STOP;
  }

  /** True when the slot of the next tick is free: every reader reads a tick above next - RING. */
  canStep(): boolean {
    const h = this.#v.header;
    const next = this.#tick + 1;
    const readers = h[H.READERS] as number;
    for (let r = 0; r < readers; r++) if (Atomics.load(h, H.READER0 + r) <= next - RING) return false;
    return true;
  }

  /** Applies new speed caps, steps the model one tick and publishes it. */
  step(): void {
    const caps = this.#v.caps;
    const applied = this.#applied;
    const model = this.#world.model;
    for (let g = 0; g < caps.length; g++) {
      const c = caps[g] as number;
      if (c !== applied[g]) {
        applied[g] = c;
        model.capSpeed(g, c);
      }
    }
    this.#world.tick();
    this.#write(this.#tick + 1);
  }

  takeRecords(): readonly GroundTruthRecord[] {
    return this.#world.takeRecords();
  }

  /** Waits (blocking: a worker thread) until a reader moves on or `ms` pass. */
  waitForReaders(ms: number): void {
    const h = this.#v.header;
    Atomics.wait(h, H.PROGRESS, Atomics.load(h, H.PROGRESS), ms);
  }

  #write(t: number): void {
    const v = this.#v;
    const world = this.#world;
    const st = world.model.state;
    const kin = this.#kin;
    const m = v.motion;
    const f = v.flags;
    const n = v.cars;
    let i = v.motionAt(t, 0);
    let j = v.flagsAt(t, 0);
    // the previous tick's slot: a car that has not moved (parked, queued, at a light) keeps its
    // position and heading, so the interpolation along the segment (readCar) is skipped for it
    const pi = v.motionAt(t + RING - 1, 0) - i;
    const pj = v.flagsAt(t + RING - 1, 0) - j;
    const first = t === 0;
    for (let g = 0; g < n; g++, i += MOTION_FIELDS, j += FLAG_FIELDS) {
      const seg = st.seg[g] as number;
      const pos = st.pos[g] as number;
      const localLane = (st.lane[g] as number) - (st.laneBase[seg] as number);
      if (!first && f[j + pj] === seg && m[i + pi + 6] === pos && f[j + pj + 1] === localLane) {
        m[i] = m[i + pi] as number;
        m[i + 1] = m[i + pi + 1] as number;
        m[i + 2] = m[i + pi + 2] as number;
        m[i + 3] = st.speed[g] as number;
        m[i + 4] = st.accel[g] as number;
        m[i + 5] = st.odometer[g] as number;
        m[i + 6] = pos;
        f[j] = seg;
        f[j + 1] = localLane;
      } else {
        world.model.readCar(g, kin);
        m[i] = kin.lon;
        m[i + 1] = kin.lat;
        m[i + 2] = kin.headingDeg;
        m[i + 3] = kin.speedMps;
        m[i + 4] = kin.accelMps2;
        m[i + 5] = kin.odometerM;
        m[i + 6] = kin.offsetM;
        f[j] = kin.segment;
        f[j + 1] = kin.lane;
      }
      f[j + 2] = st.trips[g] as number;
      f[j + 3] = world.parking.isParked(g) ? 1 : 0;
    }
    this.#tick = t;
    Atomics.store(v.header, H.PUBLISHED, t);
    Atomics.notify(v.header, H.PUBLISHED);
  }
}
