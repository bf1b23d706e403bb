/**
 * Vehicle state for a whole fleet (or shard) as a struct of arrays: one typed-array column per
 * field, one row per car. About 100 bytes a car, no per-car objects for the garbage collector,
 * and the step touches a few cache lines per car. `readVehicle` copies one row into a plain object
 * for tests, commands and debugging.
 */
import type { Gear, Lights } from '../../protocol/schemas/telemetry.js';
import type { CarSpec } from '../fleet/generate.js';
import type { Rng } from '../../core/random.js';

/** Bits of `flags`. */
export const F = {
  IGNITION: 1,
  LOCKED: 2,
  TRUNK: 4,
  DOOR_FL: 8,
  DOOR_FR: 16,
  DOOR_RL: 32,
  DOOR_RR: 64,
  CLIMATE: 128,
} as const;
/** Bits of `flags2`. */
export const F2 = { PLUGGED: 1, CHARGING: 2, REMOTE_CLIMATE: 4 } as const;
/** Bits of `latch`: one-shot conditions already reported. */
export const L = { LOW_ENERGY: 1, HARSH: 2, P0217: 4, C0750: 8 } as const;
/** Values of `fault`. */
export const FAULT = { NONE: 0, OVERHEAT: 1 } as const;
/** Values of `phase`. */
export const PHASE = { PARKED: 0, DRIVING: 1, LEAVING: 2 } as const;

export const GEAR_LETTERS: readonly Gear[] = ['P', 'R', 'N', 'D', 'S', 'M'];
export const LIGHT_VALUES: readonly Lights[] = ['off', 'parking', 'low', 'high'];

export class VehicleState {
  readonly capacity: number;
  /** Odometer, m (the car's own, including its distance before the simulation). */
  readonly odometerM: Float64Array;
  /** The traffic model's odometer at the last step, m (NaN before the first). */
  readonly lastKinOdoM: Float64Array;
  /** Fuel in litres or battery charge in kWh. */
  readonly energy: Float64Array;
  /** Recent consumption, litres or kWh per 100 km (for the range estimate). */
  readonly per100: Float32Array;
  readonly coolantC: Float32Array;
  readonly cabinC: Float32Array;
  readonly targetC: Float32Array;
  readonly tyreTempC: Float32Array;
  /** Cold (15 degC) pressure of fl, fr, rl, rr: 4 per car, kPa. */
  readonly tyreColdKpa: Float32Array;
  /** Leak rate of the leaking tyre, kPa/s (0 none). */
  readonly leakKpaS: Float32Array;
  readonly rpm: Float32Array;
  /** Seconds at standstill (driving) or parked (ignition off). */
  readonly stillS: Float32Array;
  /** Countdown of the current body phase (door open while leaving), s. */
  readonly phaseS: Float32Array;
  /** Remote climate left, s. */
  readonly climateS: Float32Array;
  /** Cap on the desired speed set by command, km/h (0: none). */
  readonly speedLimitKmh: Uint8Array;
  readonly flags: Uint8Array;
  readonly flags2: Uint8Array;
  readonly latch: Uint8Array;
  readonly fault: Uint8Array;
  readonly phase: Uint8Array;
  /** Index into GEAR_LETTERS. */
  readonly gear: Uint8Array;
  /** Gearbox ratio engaged, 1.. (combustion). */
  readonly ratio: Uint8Array;
  /** Index into LIGHT_VALUES. */
  readonly lights: Uint8Array;
  /** Leaking tyre 0..3 (meaningful when leakKpaS > 0). */
  readonly leakTyre: Uint8Array;
  /** Next telemetry and event sequence numbers. */
  readonly telemetrySeq: Uint32Array;
  readonly eventSeq: Uint32Array;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be a whole number >= 0 (got ${capacity})`);
    this.capacity = capacity;
    this.odometerM = new Float64Array(capacity);
    this.lastKinOdoM = new Float64Array(capacity).fill(Number.NaN);
    this.energy = new Float64Array(capacity);
    this.per100 = new Float32Array(capacity);
    this.coolantC = new Float32Array(capacity);
    this.cabinC = new Float32Array(capacity);
    this.targetC = new Float32Array(capacity);
    this.tyreTempC = new Float32Array(capacity);
    this.tyreColdKpa = new Float32Array(capacity * 4);
    this.leakKpaS = new Float32Array(capacity);
    this.rpm = new Float32Array(capacity);
    this.stillS = new Float32Array(capacity);
    this.phaseS = new Float32Array(capacity);
    this.climateS = new Float32Array(capacity);
    this.speedLimitKmh = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.flags2 = new Uint8Array(capacity);
    this.latch = new Uint8Array(capacity);
    this.fault = new Uint8Array(capacity);
    this.phase = new Uint8Array(capacity);
    this.gear = new Uint8Array(capacity);
    this.ratio = new Uint8Array(capacity);
    this.lights = new Uint8Array(capacity);
    this.leakTyre = new Uint8Array(capacity);
    this.telemetrySeq = new Uint32Array(capacity);
    this.eventSeq = new Uint32Array(capacity);
  }

  /** Bytes of typed-array storage per car. */
  static readonly BYTES_PER_CAR = 8 * 3 + 4 * 12 + 4 * 4 + 9 + 4 * 2;
}

/** Puts car `i` in its starting state: parked, locked, ignition off, at ambient temperature. */
export function initVehicle(s: VehicleState, i: number, car: CarSpec, rng: Rng, ambientC: number): void {
  s.odometerM[i] = car.initialOdometerKm * 1000;
  s.lastKinOdoM[i] = Number.NaN;
  s.energy[i] = car.capacity * rng.range(0.3, 0.95);
  s.per100[i] = car.ratedPer100Km;
  s.coolantC[i] = ambientC;
  s.cabinC[i] = ambientC;
  s.targetC[i] = car.comfortC;
  s.tyreTempC[i] = ambientC;
  for (let t = 0; t < 4; t++) s.tyreColdKpa[i * 4 + t] = car.tyreKpa + rng.range(-4, 4);
  // everything else starts at zero, the sequence numbers too
  const zeroed = [s.leakKpaS, s.rpm, s.stillS, s.phaseS, s.climateS, s.speedLimitKmh, s.flags2, s.latch, s.gear, s.lights, s.leakTyre];
  for (const a of [...zeroed, s.telemetrySeq, s.eventSeq]) a[i] = 0;
  s.flags[i] = F.LOCKED;
  s.fault[i] = FAULT.NONE;
  s.phase[i] = PHASE.PARKED;
  s.ratio[i] = 1;
}

/** One car's state as a plain object (a copy). */
export interface VehicleSnapshot {
  readonly odometerKm: number;
  readonly energy: number;
  readonly per100Km: number;
  readonly coolantC: number;
  readonly cabinC: number;
  readonly targetC: number;
  readonly tyreTempC: number;
  readonly tyreColdKpa: readonly [number, number, number, number];
  readonly leaking: boolean;
  readonly rpm: number;
  readonly ignition: boolean;
  readonly locked: boolean;
  readonly trunkOpen: boolean;
  readonly doorsOpen: number;
  readonly climateOn: boolean;
  readonly remoteClimate: boolean;
  readonly plugged: boolean;
  readonly charging: boolean;
  readonly gear: Gear;
  readonly lights: Lights;
  readonly overheating: boolean;
  readonly speedLimitKmh: number | undefined;
  readonly phase: number;
}

export function readVehicle(s: VehicleState, i: number): VehicleSnapshot {
  const f = s.flags[i] as number;
  const f2 = s.flags2[i] as number;
  const cold = (t: number): number => s.tyreColdKpa[i * 4 + t] as number;
  const limit = s.speedLimitKmh[i] as number;
  return {
    odometerKm: (s.odometerM[i] as number) / 1000,
    energy: s.energy[i] as number,
    per100Km: s.per100[i] as number,
    coolantC: s.coolantC[i] as number,
    cabinC: s.cabinC[i] as number,
    targetC: s.targetC[i] as number,
    tyreTempC: s.tyreTempC[i] as number,
    tyreColdKpa: [cold(0), cold(1), cold(2), cold(3)],
    leaking: (s.leakKpaS[i] as number) > 0,
    rpm: s.rpm[i] as number,
    ignition: (f & F.IGNITION) !== 0,
    locked: (f & F.LOCKED) !== 0,
    trunkOpen: (f & F.TRUNK) !== 0,
    doorsOpen: f & (F.DOOR_FL | F.DOOR_FR | F.DOOR_RL | F.DOOR_RR),
    climateOn: (f & F.CLIMATE) !== 0,
    remoteClimate: (f2 & F2.REMOTE_CLIMATE) !== 0,
    plugged: (f2 & F2.PLUGGED) !== 0,
    charging: (f2 & F2.CHARGING) !== 0,
    gear: GEAR_LETTERS[s.gear[i] as number] ?? 'P',
    lights: LIGHT_VALUES[s.lights[i] as number] ?? 'off',
    overheating: s.fault[i] === FAULT.OVERHEAT,
    speedLimitKmh: limit === 0 ? undefined : limit,
    phase: s.phase[i] as number,
  };
}

/** The cap on the car's desired speed set by set_speed_limit, m/s, or Infinity (for the traffic model). */
export function speedLimitMps(s: VehicleState, i: number): number {
  const k = s.speedLimitKmh[i] as number;
  return k === 0 ? Number.POSITIVE_INFINITY : k / 3.6;
}
