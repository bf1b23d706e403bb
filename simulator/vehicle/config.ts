/**
 * Vehicle-model configuration: GPS noise, message rates, fault rates, parking, remote climate and
 * sleep. Validated once (unknown keys and bad values refused with CONFIG_INVALID), then frozen.
 */
import { V2xError } from '../../core/errors.js';

export interface MessageRates {
  /** Telemetry messages per second per car (0.01..10, default 1). */
  readonly telemetryHz: number;
  /** Tyres, body and climate go into every n-th telemetry message (default 1: all). */
  readonly detailEvery: number;
  /** Publish the online status (birth message) on every connect (default true). */
  readonly statusOnConnect: boolean;
  /** Events are published as they happen; 'off' drops them (load tests of telemetry only). */
  readonly events: 'immediate' | 'off';
}

export interface FaultRates {
  /** Overheating episodes (coolant climbs, then P0217) per hour of combustion driving. */
  readonly overheatPerDrivingHour: number;
  /** Slow tyre leaks (pressure falls, then C0750) per car-hour. */
  readonly tyreLeakPerHour: number;
}

export interface SleepConfig {
  /** A parked car (ignition off) goes to sleep after this many minutes (default 10). */
  readonly afterParkedMin: number;
  /** A sleeping car wakes for a check-in every [min, max] minutes (default [5, 15]). */
  readonly checkInEveryMin: readonly [number, number];
  /** How long a check-in stays connected, seconds (default 30). */
  readonly checkInSeconds: number;
}

export interface VehicleConfig {
  /** Standard deviation of the GPS error per axis, metres (default 3; 0 = exact). */
  readonly gpsNoiseM: number;
  readonly rates: MessageRates;
  readonly faults: FaultRates;
  /** A car stopped this long switches its ignition off (parks), seconds (default 300). */
  readonly parkAfterS: number;
  /**
   * Who decides parking: 'still' (default) the rule above; 'trace' (a replay) the recorded trace:
   * a car present in it, moving or queued, keeps its ignition on and never parks by itself.
   */
  readonly parking: 'still' | 'trace';
  /** Share of state-changing commands that fail after delivery (default 0.01). */
  readonly commandFailureRate: number;
  /** Multiplies the catalogue's execution time of every command (default 1; 0: at once). */
  readonly commandDelayScale: number;
  /** How long remote climate runs on a parked car, minutes (default 20). */
  readonly remoteClimateMin: number;
  /** Fixed ambient temperature, degC; undefined: a seasonal and daily curve for central Europe. */
  readonly ambientC: number | undefined;
  readonly sleep: SleepConfig;
}

type DeepPartial<T> = {
  readonly [K in keyof T]?: T[K] extends readonly [number, number] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};
export type VehicleConfigInput = DeepPartial<VehicleConfig>;

export const DEFAULT_VEHICLE_CONFIG: VehicleConfig = Object.freeze({
  gpsNoiseM: 3,
  rates: Object.freeze({ telemetryHz: 1, detailEvery: 1, statusOnConnect: true, events: 'immediate' as const }),
  faults: Object.freeze({ overheatPerDrivingHour: 1 / 2000, tyreLeakPerHour: 1 / 5000 }),
  parkAfterS: 300,
  parking: 'still',
  commandFailureRate: 0.01,
  commandDelayScale: 1,
  remoteClimateMin: 20,
  ambientC: undefined,
  sleep: Object.freeze({ afterParkedMin: 10, checkInEveryMin: Object.freeze([5, 15]) as readonly [number, number], checkInSeconds: 30 }),
});

function parkingOf(v: unknown): 'still' | 'trace' {
  if (v !== 'still' && v !== 'trace') bad('parking', `must be 'still' or 'trace' (got ${String(v)})`);
  return v;
}

function bad(field: string, why: string): never {
  throw new V2xError('CONFIG_INVALID', `vehicle.${field} ${why}`, { details: { field } });
}

function known(obj: object, keys: readonly string[], prefix: string): void {
  for (const k of Object.keys(obj)) if (!keys.includes(k)) bad(`${prefix}${k}`, `is not a known setting (known: ${keys.join(', ')})`);
}

function num(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    bad(field, `must be a number between ${min} and ${max} (got ${String(v)})`);
  return v;
}

/** Defaults + input, validated and frozen. */
export function vehicleConfig(input: VehicleConfigInput = {}): VehicleConfig {
  const d = DEFAULT_VEHICLE_CONFIG;
  known(input, Object.keys(d), '');
  const r = input.rates ?? {};
  known(r, Object.keys(d.rates), 'rates.');
  const f = input.faults ?? {};
  known(f, Object.keys(d.faults), 'faults.');
  const s = input.sleep ?? {};
  known(s, Object.keys(d.sleep), 'sleep.');
  const events = r.events ?? d.rates.events;
  if (events !== 'immediate' && events !== 'off') bad('rates.events', "must be 'immediate' or 'off'");
  const statusOnConnect = r.statusOnConnect ?? d.rates.statusOnConnect;
  if (typeof statusOnConnect !== 'boolean') bad('rates.statusOnConnect', 'must be true or false');
  const every = s.checkInEveryMin ?? d.sleep.checkInEveryMin;
  if (!Array.isArray(every) || every.length !== 2) bad('sleep.checkInEveryMin', 'must be [min, max] minutes');
  const lo = num(every[0], 'sleep.checkInEveryMin[0]', 0.1, 1440);
  const hi = num(every[1], 'sleep.checkInEveryMin[1]', lo, 1440);
  const detailEvery = num(r.detailEvery ?? d.rates.detailEvery, 'rates.detailEvery', 1, 3600);
  if (!Number.isInteger(detailEvery)) bad('rates.detailEvery', 'must be a whole number');
  const ambient = input.ambientC ?? d.ambientC;
  return Object.freeze({
    gpsNoiseM: num(input.gpsNoiseM ?? d.gpsNoiseM, 'gpsNoiseM', 0, 500),
    rates: Object.freeze({
      telemetryHz: num(r.telemetryHz ?? d.rates.telemetryHz, 'rates.telemetryHz', 0.01, 10),
      detailEvery,
      statusOnConnect,
      events,
    }),
    faults: Object.freeze({
      overheatPerDrivingHour: num(f.overheatPerDrivingHour ?? d.faults.overheatPerDrivingHour, 'faults.overheatPerDrivingHour', 0, 3600),
      tyreLeakPerHour: num(f.tyreLeakPerHour ?? d.faults.tyreLeakPerHour, 'faults.tyreLeakPerHour', 0, 3600),
    }),
    parkAfterS: num(input.parkAfterS ?? d.parkAfterS, 'parkAfterS', 1, 86_400),
    parking: parkingOf(input.parking ?? d.parking),
    commandFailureRate: num(input.commandFailureRate ?? d.commandFailureRate, 'commandFailureRate', 0, 1),
    commandDelayScale: num(input.commandDelayScale ?? d.commandDelayScale, 'commandDelayScale', 0, 10),
    remoteClimateMin: num(input.remoteClimateMin ?? d.remoteClimateMin, 'remoteClimateMin', 1, 120),
    ambientC: ambient === undefined ? undefined : num(ambient, 'ambientC', -50, 60),
    sleep: Object.freeze({
      afterParkedMin: num(s.afterParkedMin ?? d.sleep.afterParkedMin, 'sleep.afterParkedMin', 0, 10_080),
      checkInEveryMin: Object.freeze([lo, hi]) as readonly [number, number],
      checkInSeconds: num(s.checkInSeconds ?? d.sleep.checkInSeconds, 'sleep.checkInSeconds', 1, 3600),
    }),
  });
}

/** Milliseconds between two telemetry messages of a car at the configured rate. */
export function telemetryIntervalMs(config: Pick<VehicleConfig, 'rates'>): number {
  return Math.round(1000 / config.rates.telemetryHz);
}
