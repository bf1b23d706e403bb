/**
 * Telemetry messages from the vehicle state and the kinematics, rounded to the precision the
 * schema carries (so JSON stays short and JSON and binary decode to the same values). GPS gets a
 * seeded gaussian error per axis; heading and speed come from the kinematics.
 *
 * Two forms of one computation (`valuesOf`, into a reused scratch record): `toTelemetry` gives the
 * message object (the binary codec, tests), `telemetryJson` its JSON text written directly, the
 * same characters as JSON.stringify(toTelemetry(...)) without building seven objects per message
 * and walking them again (the hot path of a simulated fleet: one message per car per second).
 */
import { encode, type CodecName } from '../../protocol/codec/index.js';
import type { Gear, Lights, Telemetry } from '../../protocol/schemas/telemetry.js';
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

interface Values {
  lat: number;
  lon: number;
  heading: number;
  speedKmh: number;
  /** NaN when the fix is exact (no accuracyM). */
  accuracyM: number;
  odometerKm: number;
  ignition: boolean;
  gear: Gear;
  bev: boolean;
  pct: number;
  rpm: number;
  coolantC: number;
  rangeKm: number;
  detail: boolean;
  kpa: [number, number, number, number];
  flags: number;
  lights: Lights;
  climateOn: boolean;
  /** NaN when the climate is off (no targetC). */
  targetC: number;
  cabinC: number;
}

const v: Values = {
  lat: 0,
  lon: 0,
  heading: 0,
  speedKmh: 0,
  accuracyM: 0,
  odometerKm: 0,
  ignition: false,
  gear: 'P',
  bev: false,
  pct: 0,
  rpm: 0,
  coolantC: 0,
  rangeKm: 0,
  detail: true,
  kpa: [0, 0, 0, 0],
  flags: 0,
  lights: 'off',
  climateOn: false,
  targetC: 0,
  cabinC: 0,
};

/** Car i's telemetry values into the scratch record `v` (draws the GPS error: once per message). */
function valuesOf(car: CarSpec, s: VehicleState, i: number, kin: CarKinematics, ts: number, options: TelemetryOptions): Values {
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
  const speed = kin.speedMps > 0 ? kin.speedMps : 0;
  let heading = r2(kin.headingDeg);
  if (!(heading >= 0 && heading < 360)) heading = r2(((heading % 360) + 360) % 360) % 360;
  const f = s.flags[i] as number;
  const ignition = (f & F.IGNITION) !== 0;
  const energy = s.energy[i] as number;
  v.lat = clamp(r7(lat), -90, 90);
  v.lon = clamp(r7(lon), -180, 180);
  v.heading = heading;
  v.speedKmh = clamp(r2(speed * 3.6), 0, 500);
  v.accuracyM = noise > 0 ? clamp(r1(noise * 1.5), 0, 6000) : Number.NaN;
  v.odometerKm = clamp(r1((s.odometerM[i] as number) / 1000), 0, 10_000_000);
  v.ignition = ignition;
  v.gear = GEAR_LETTERS[s.gear[i] as number] ?? 'P';
  v.bev = car.powertrain === 'bev';
  v.pct = clamp(r2((energy / car.capacity) * 100), 0, 100);
  if (!v.bev) {
    v.rpm = ignition ? Math.min(20_000, Math.round(s.rpm[i] as number)) : 0;
    v.coolantC = clamp(r1(s.coolantC[i] as number), -50, 200);
  }
  v.rangeKm = clamp(r1((energy / (s.per100[i] as number)) * 100), 0, 6000);
  v.detail = options.detail !== false;
  if (v.detail) {
    const tt = s.tyreTempC[i] as number;
    const k = i * 4;
    for (let n = 0; n < 4; n++) v.kpa[n] = clamp(r1(tyrePressureKpa(s.tyreColdKpa[k + n] as number, tt)), 0, 1000);
    v.flags = f;
    v.lights = LIGHT_VALUES[s.lights[i] as number] ?? 'off';
    v.climateOn = (f & F.CLIMATE) !== 0;
    v.targetC = v.climateOn ? clamp(Math.round((s.targetC[i] as number) * 2) / 2, 16, 28) : Number.NaN;
    v.cabinC = clamp(r1(s.cabinC[i] as number), -50, 90);
  }
  return v;
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
  const v = valuesOf(car, s, i, kin, ts, options);
  const gps = Number.isNaN(v.accuracyM)
    ? { lat: v.lat, lon: v.lon, heading: v.heading, speedKmh: v.speedKmh }
    : { lat: v.lat, lon: v.lon, heading: v.heading, speedKmh: v.speedKmh, accuracyM: v.accuracyM };
  const t: Telemetry = {
    vin: car.vin,
    seq,
    ts: Math.round(ts),
    gps,
    odometerKm: v.odometerKm,
    ignition: v.ignition,
    gear: v.gear,
  };
  if (v.bev) {
    t.socPct = v.pct;
  } else {
    t.rpm = v.rpm;
    t.coolantC = v.coolantC;
    t.fuelPct = v.pct;
  }
  t.rangeKm = v.rangeKm;
  if (v.detail) {
    const f = v.flags;
    t.tyresKpa = { fl: v.kpa[0], fr: v.kpa[1], rl: v.kpa[2], rr: v.kpa[3] };
    t.body = {
      doorsOpen: { fl: (f & F.DOOR_FL) !== 0, fr: (f & F.DOOR_FR) !== 0, rl: (f & F.DOOR_RL) !== 0, rr: (f & F.DOOR_RR) !== 0 },
      locked: (f & F.LOCKED) !== 0,
      trunkOpen: (f & F.TRUNK) !== 0,
      lights: v.lights,
    };
    t.climate = v.climateOn ? { on: true, targetC: v.targetC, cabinC: v.cabinC } : { on: false, cabinC: v.cabinC };
  }
  return t;
}

/** A number as JSON writes it (null when not finite). */
const n = (x: number): number | string => (Number.isFinite(x) ? x : 'null');
const b = (flags: number, bit: number): string => ((flags & bit) !== 0 ? 'true' : 'false');

/**
 * The JSON text of toTelemetry(...) (the same characters as JSON.stringify of it), written from
 * the values directly. The strings need no escaping: a VIN is [A-HJ-NPR-Z0-9], gear and lights
 * come from fixed tables.
 */
export function telemetryJson(
  car: CarSpec,
  s: VehicleState,
  i: number,
  kin: CarKinematics,
  seq: number,
  ts: number,
  options: TelemetryOptions,
): string {
  const v = valuesOf(car, s, i, kin, ts, options);
  const acc = Number.isNaN(v.accuracyM) ? '' : `,"accuracyM":${n(v.accuracyM)}`;
  let out = `{"vin":"${car.vin}","seq":${n(seq)},"ts":${n(Math.round(ts))},"gps":{"lat":${n(v.lat)},"lon":${n(v.lon)},"heading":${n(v.heading)},"speedKmh":${n(v.speedKmh)}${acc}},"odometerKm":${n(v.odometerKm)},"ignition":${v.ignition ? 'true' : 'false'},"gear":"${v.gear}",`;
  out += v.bev ? `"socPct":${n(v.pct)}` : `"rpm":${n(v.rpm)},"coolantC":${n(v.coolantC)},"fuelPct":${n(v.pct)}`;
  out += `,"rangeKm":${n(v.rangeKm)}`;
  if (!v.detail) return `${out}}`;
  const f = v.flags;
  const k = v.kpa;
  const climate = v.climateOn ? `{"on":true,"targetC":${n(v.targetC)},"cabinC":${n(v.cabinC)}}` : `{"on":false,"cabinC":${n(v.cabinC)}}`;
  return `${out},"tyresKpa":{"fl":${n(k[0])},"fr":${n(k[1])},"rl":${n(k[2])},"rr":${n(k[3])}},"body":{"doorsOpen":{"fl":${b(f, F.DOOR_FL)},"fr":${b(f, F.DOOR_FR)},"rl":${b(f, F.DOOR_RL)},"rr":${b(f, F.DOOR_RR)}},"locked":${b(f, F.LOCKED)},"trunkOpen":${b(f, F.TRUNK)},"lights":"${v.lights}"},"climate":${climate}}`;
}

/** The payload of a telemetry message: JSON as text (to be written straight into the packet), binary encoded. */
export function telemetryPayload(
  codec: CodecName,
  car: CarSpec,
  s: VehicleState,
  i: number,
  kin: CarKinematics,
  seq: number,
  ts: number,
  options: TelemetryOptions,
): string | Buffer {
  if (codec === 'json') return telemetryJson(car, s, i, kin, seq, ts, options);
  return encode('telemetry', toTelemetry(car, s, i, kin, seq, ts, options), codec);
}
