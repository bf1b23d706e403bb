/**
 * The traffic model's output shared between threads (docs/decisions/0029-traffic-model-thread.md):
 * one thread steps the model of the whole fleet (model-thread.ts) and writes every car's
 * kinematics after each tick into a ring of RING tick buffers in SharedArrayBuffers; the MQTT
 * worker threads read the buffer of the tick their telemetry falls in (SharedWorld). Fixed layout,
 * per car slot g (the fleet index): MOTION_FIELDS float64 (lon, lat, heading, speed, accel,
 * odometer, offset along the segment) and FLAG_FIELDS int32 (segment, lane, trips, parked).
 *
 * Protocol (no locks): the writer fills the slot of tick t+1 only when every reader has moved past
 * tick t+1-RING (each reader publishes the tick it reads in the header), then stores t+1 in
 * PUBLISHED (Atomics.store: a release, so the slot's contents are visible before the number).
 * A reader moves to tick t+1 only once PUBLISHED >= t+1 (Atomics.load). So a reader never sees a
 * half-written tick and the writer runs at most RING-1 ticks ahead of the slowest reader.
 * Speed caps go the other way: a reader writes a car's cap (m/s, 0 = none) into CAPS; the writer
 * applies changed caps before each step.
 */

/** Tick buffers in the ring. */
export const RING = 4;
export const MOTION_FIELDS = 7;
export const FLAG_FIELDS = 4;
/** Readers (worker threads) per process at most. */
export const MAX_READERS = 64;

/** Header (Int32Array) slots. */
export const H = {
  /** 0 building, 1 ready, 2 failed, 3 stop requested. */
  STATE: 0,
  /** The newest complete tick (-1: none yet). */
  PUBLISHED: 1,
  TICK_MS: 2,
  /** Bumped by a reader that moved on (the writer waits on it). */
  PROGRESS: 3,
  /** How many readers take part. */
  READERS: 4,
  /** The tick each reader reads, from here on. */
  READER0: 8,
} as const;

export const STATE = { BUILDING: 0, READY: 1, FAILED: 2, STOP: 3 } as const;

export interface SharedTrafficBuffers {
  readonly cars: number;
  readonly header: SharedArrayBuffer;
  /** lon, lat of the network's anchor (the environment's place). */
  readonly anchor: SharedArrayBuffer;
  readonly caps: SharedArrayBuffer;
  readonly motion: SharedArrayBuffer;
  readonly flags: SharedArrayBuffer;
}

export function createSharedTraffic(cars: number, readers: number): SharedTrafficBuffers {
  if (readers < 1 || readers > MAX_READERS) throw new RangeError(`readers must be 1..${MAX_READERS} (got ${readers})`);
  const b: SharedTrafficBuffers = {
    cars,
    header: new SharedArrayBuffer((H.READER0 + MAX_READERS) * 4),
    anchor: new SharedArrayBuffer(2 * 8),
    caps: new SharedArrayBuffer(cars * 8),
    motion: new SharedArrayBuffer(RING * cars * MOTION_FIELDS * 8),
    flags: new SharedArrayBuffer(RING * cars * FLAG_FIELDS * 4),
  };
  const header = new Int32Array(b.header);
  header[H.PUBLISHED] = -1;
  header[H.READERS] = readers;
  return b;
}

/** Bytes of shared memory per car (all ring slots and the cap). */
export const SHARED_BYTES_PER_CAR = RING * (MOTION_FIELDS * 8 + FLAG_FIELDS * 4) + 8;

/** The typed views over the buffers (each side makes its own). */
export class SharedTrafficViews {
  readonly cars: number;
  readonly header: Int32Array;
  readonly anchor: Float64Array;
  readonly caps: Float64Array;
  readonly motion: Float64Array;
  readonly flags: Int32Array;

  constructor(b: SharedTrafficBuffers) {
    this.cars = b.cars;
    this.header = new Int32Array(b.header);
    this.anchor = new Float64Array(b.anchor);
    this.caps = new Float64Array(b.caps);
    this.motion = new Float64Array(b.motion);
    this.flags = new Int32Array(b.flags);
  }

  /** Index of car g's first motion field in the buffer of tick t. */
  motionAt(t: number, g: number): number {
    return ((t % RING) * this.cars + g) * MOTION_FIELDS;
  }

  flagsAt(t: number, g: number): number {
    return ((t % RING) * this.cars + g) * FLAG_FIELDS;
  }
}
