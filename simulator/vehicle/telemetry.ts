/**
 * Telemetry messages from the vehicle state and the kinematics, rounded to the precision the
 * schema carries (so JSON stays short and JSON and binary decode to the same values). GPS gets a
 * seeded gaussian error per axis; heading and speed come from the kinematics.
 */
import type { Telemetry } from '../../protocol/schemas/telemetry.js';
import type { CarSpec } from '../fleet/generate.js';
import type { Rng } from '../../core/random.js';
import { M_PER_DEG, mPerDegLon } from '../../road/geo.js';
import type { CarKinematics } from '../traffic/kinematics.js';
import { F, GEAR_LETTERS, LIGHT_VALUES, type VehicleState } from './state.js';
import { tyrePressureKpa } from './thermal.js';
import type { GpsError, GpsOffset } from './gps-error.js';

export interface TelemetryOptions {
  /** GPS white noise, standard deviation per axis in metres (0: exact); ignored when `gpsError` is given. */
  readonly gpsNoiseM: number;
  /** Source of the GPS error (give each car its own, e.g. carRng(car).fork('gps')). */
  readonly rng: Rng;
  /** The cars' correlated GPS error (gps-error.ts), indexed like the state; replaces `gpsNoiseM`. */
  readonly gpsError?: GpsError;
  /** Include tyres, body and climate (see rates.detailEvery). Default true. */
  readonly detail?: boolean;
}

const offset: GpsOffset = { east: 0, north: 0 };
const r1 = (x: number): number => Math.round(x * 10) / 10;
const r2 = (x: number): number => Math.round(x * 100) / 100;
const r7 = (x: number): number => Math.round(x * 1e7) / 1e7;
const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/** The next telemetry sequence number of car i (uint32, wraps). */
export function nextTelemetrySeq(s: VehicleState, i: number): number {
  const seq = s.telemetrySeq[i] as number;
  s.telemetrySeq[i] = (seq + 1) >>> 0;
  return seq;
}

export function toTelemetry(
  car: CarSpec,
  s: VehicleState,
  i: number,
  kin: CarKinematics,
  seq: number,
  ts: number,
  options: TelemetryOptions,
): Telemetry {
  let lat = kin.lat;
  let lon = kin.lon;
  const model = options.gpsError;
  const noise = model === undefined ? options.gpsNoiseM : model.exact ? 0 : model.accuracyM() / 1.5;
  if (model !== undefined && noise > 0) {
    const off = model.sample(i, ts, options.rng, offset);
    lat += off.north / M_PER_DEG;
    lon += off.east / mPerDegLon(kin.lat);
  } else if (noise > 0) {
    lat += options.rng.normal(0, noise) / M_PER_DEG;
    lon += options.rng.normal(0, noise) / mPerDegLon(kin.lat);
  }
  const v = kin.speedMps > 0 ? kin.speedMps : 0;
  let heading = r2(kin.headingDeg);
  if (!(heading >= 0 && heading < 360)) heading = r2(((heading % 360) + 360) % 360) % 360;
  const f = s.flags[i] as number;
  const ignition = (f & F.IGNITION) !== 0;
  const energy = s.energy[i] as number;
  const pct = clamp(r2((energy / car.capacity) * 100), 0, 100);
  const rangeKm = clamp(r1((energy / (s.per100[i] as number)) * 100), 0, 6000);
  const gps =
    noise > 0
      ? {
          lat: clamp(r7(lat), -90, 90),
          lon: clamp(r7(lon), -180, 180),
          heading,
          speedKmh: clamp(r2(v * 3.6), 0, 500),
          accuracyM: clamp(r1(noise * 1.5), 0, 6000),
        }
      : { lat: clamp(r7(lat), -90, 90), lon: clamp(r7(lon), -180, 180), heading, speedKmh: clamp(r2(v * 3.6), 0, 500) };
  const t: Telemetry = {
    vin: car.vin,
    seq,
    ts: Math.round(ts),
    gps,
    odometerKm: clamp(r1((s.odometerM[i] as number) / 1000), 0, 10_000_000),
    ignition,
    gear: GEAR_LETTERS[s.gear[i] as number] ?? 'P',
  };
  if (car.powertrain === 'bev') {
    t.socPct = pct;
  } else {
    t.rpm = ignition ? Math.min(20_000, Math.round(s.rpm[i] as number)) : 0;
    t.coolantC = clamp(r1(s.coolantC[i] as number), -50, 200);
    t.fuelPct = pct;
  }
  t.rangeKm = rangeKm;
  if (options.detail !== false) {
    const tt = s.tyreTempC[i] as number;
    const k = i * 4;
    const p = (n: number): number => clamp(r1(tyrePressureKpa(s.tyreColdKpa[k + n] as number, tt)), 0, 1000);
    t.tyresKpa = { fl: p(0), fr: p(1), rl: p(2), rr: p(3) };
    t.body = {
      doorsOpen: { fl: (f & F.DOOR_FL) !== 0, fr: (f & F.DOOR_FR) !== 0, rl: (f & F.DOOR_RL) !== 0, rr: (f & F.DOOR_RR) !== 0 },
      locked: (f & F.LOCKED) !== 0,
      trunkOpen: (f & F.TRUNK) !== 0,
      lights: LIGHT_VALUES[s.lights[i] as number] ?? 'off',
    };
    const on = (f & F.CLIMATE) !== 0;
    const cabinC = clamp(r1(s.cabinC[i] as number), -50, 90);
    t.climate = on ? { on, targetC: clamp(Math.round((s.targetC[i] as number) * 2) / 2, 16, 28), cabinC } : { on, cabinC };
  }
  return t;
}
