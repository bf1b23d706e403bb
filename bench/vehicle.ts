/**
 * Benchmark of the vehicle model alone (no traffic model, no MQTT): 15,000 cars (--cars N) over 60
 * simulated seconds (--seconds S) at 1 Hz, each second in four timed passes over the fleet: the
 * state step, toTelemetry, JSON encode and binary encode. Kinematics come from a cheap synthetic
 * stop-and-go trace per car (filled into one object, as TrafficModel.readCar does). Prints ns per
 * car-second per pass (process CPU time, user + system: the development machines are shared, so
 * wall time overstates), bytes per message, and heap bytes per car (fleet specs, vehicle state,
 * per-car Rngs). The last line is JSON.
 *
 *   node --expose-gc .build/vehicle/bench/vehicle.js [--cars 15000] [--seconds 60] [--seed 1] [--warmup 5]
 */
import { encode } from '../protocol/codec/index.js';
import type { Telemetry } from '../protocol/schemas/telemetry.js';
import { carRng, FleetGenerator, type CarSpec } from '../simulator/fleet/generate.js';
import type { Rng } from '../core/random.js';
import { emptyKinematics, type CarKinematics } from '../simulator/traffic/kinematics.js';
import { vehicleConfig } from '../simulator/vehicle/config.js';
import { environmentAt } from '../simulator/vehicle/environment.js';
import type { EventDraft } from '../simulator/vehicle/events.js';
import { initVehicle, VehicleState } from '../simulator/vehicle/state.js';
import { stepVehicle } from '../simulator/vehicle/step.js';
import { nextTelemetrySeq, toTelemetry } from '../simulator/vehicle/telemetry.js';
import { numberFlags } from './lib/flags.js';

const { cars, seconds, seed, warmup } = numberFlags({ cars: 15_000, seconds: 60, seed: 1, warmup: 5 });

const gc = (globalThis as { gc?: () => void }).gc;
const mem = (): number => {
  gc?.();
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
};

const T0 = Date.UTC(2026, 10, 25, 7, 30);
const config = vehicleConfig({ gpsNoiseM: 3 });
const heap0 = mem();
const tf = performance.now();
const fleet: CarSpec[] = new FleetGenerator({ seed }).cars(0, cars);
const fleetMs = performance.now() - tf;
const heapFleet = mem();
const state = new VehicleState(cars);
const heapState = mem();
const rngs: Rng[] = fleet.map((c) => carRng(c).fork('state'));
const gpsRngs: Rng[] = fleet.map((c) => carRng(c).fork('gps'));
const heapRngs = mem();
const env0 = environmentAt(T0, 48.137, 11.575);
for (let i = 0; i < cars; i++) initVehicle(state, i, fleet[i] as CarSpec, rngs[i] as Rng, env0.ambientC);

// synthetic kinematics: per car a stop-and-go cycle with its own phase and cruise speed
const odo = new Float64Array(cars);
const kin: CarKinematics = emptyKinematics();
function fill(i: number, t: number): CarKinematics {
  const cycle = 90;
  const x = (t + i * 7.3) % cycle;
  const cruise = 8 + (i % 11) * 1.5;
  const v = x < 10 ? (cruise * x) / 10 : x < 60 ? cruise : x < 70 ? cruise * (1 - (x - 60) / 10) : 0;
  const a = x < 10 ? cruise / 10 : x < 60 ? 0 : x < 70 ? -cruise / 10 : 0;
  odo[i] = (odo[i] as number) + v;
  kin.speedMps = v;
  kin.accelMps2 = a;
  kin.odometerM = odo[i] as number;
  kin.lat = 48.137 + ((i % 100) - 50) * 0.0004;
  kin.lon = 11.575 + ((Math.floor(i / 100) % 100) - 50) * 0.0006 + (odo[i] as number) / 74_000;
  kin.headingDeg = 90;
  return kin;
}

const messages: Telemetry[] = new Array<Telemetry>(cars);
const events: EventDraft[] = [];
let stepNs = 0;
let telNs = 0;
let jsonNs = 0;
let binNs = 0;
let jsonBytes = 0;
let binBytes = 0;
let eventCount = 0;

/** CPU time of this process (user + system), ns: the machine is shared, wall time overstates. */
const cpuNs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};

function second(t: number, measure: boolean): void {
  const now = T0 + t * 1000;
  const env = environmentAt(now, 48.137, 11.575);
  const a = cpuNs();
  for (let i = 0; i < cars; i++) {
    events.length = 0;
    stepVehicle(state, i, fleet[i] as CarSpec, fill(i, t), 1, env, rngs[i] as Rng, config, events);
    eventCount += events.length;
  }
  const b = cpuNs();
  for (let i = 0; i < cars; i++) {
    // same kinematics as the step saw (fill is deterministic in t; odometer not advanced again)
    const k = kin;
    const x = (t + i * 7.3) % 90;
    const cruise = 8 + (i % 11) * 1.5;
    k.speedMps = x < 10 ? (cruise * x) / 10 : x < 60 ? cruise : x < 70 ? cruise * (1 - (x - 60) / 10) : 0;
    k.lat = 48.137 + ((i % 100) - 50) * 0.0004;
    k.lon = 11.575 + ((Math.floor(i / 100) % 100) - 50) * 0.0006 + (odo[i] as number) / 74_000;
    messages[i] = toTelemetry(fleet[i] as CarSpec, state, i, k, nextTelemetrySeq(state, i), now, {
      gpsNoiseM: config.gpsNoiseM,
      rng: gpsRngs[i] as Rng,
    });
  }
  const c = cpuNs();
  let jb = 0;
  for (let i = 0; i < cars; i++) jb += encode('telemetry', messages[i] as Telemetry, 'json').length;
  const d = cpuNs();
  let bb = 0;
  for (let i = 0; i < cars; i++) bb += encode('telemetry', messages[i] as Telemetry, 'binary').length;
  const e = cpuNs();
  if (measure) {
    stepNs += b - a;
    telNs += c - b;
    jsonNs += d - c;
    binNs += e - d;
    jsonBytes += jb;
    binBytes += bb;
  }
}

for (let t = 0; t < warmup; t++) second(t, false);
eventCount = 0;
const cpu0 = process.cpuUsage();
const w0 = performance.now();
for (let t = warmup; t < warmup + seconds; t++) second(t, true);
const wallMs = performance.now() - w0;
const cpu = process.cpuUsage(cpu0);
const carSeconds = cars * seconds;
const perCar = (x: number): number => Math.round(x / carSeconds);

const result = {
  bench: 'vehicle',
  cars,
  seconds,
  fleet_build_ms: Math.round(fleetMs),
  ns_per_car_s: {
    step: perCar(stepNs),
    to_telemetry: perCar(telNs),
    json_encode: perCar(jsonNs),
    binary_encode: perCar(binNs),
    total: perCar(stepNs + telNs + jsonNs + binNs),
  },
  wall_ns_per_car_s: Math.round((wallMs * 1e6) / carSeconds),
  cpu_ns_per_car_s: Math.round(((cpu.user + cpu.system) * 1000) / carSeconds),
  wall_ms: Math.round(wallMs),
  bytes_per_msg: { json: Math.round(jsonBytes / carSeconds), binary: Math.round(binBytes / carSeconds) },
  heap_bytes_per_car: {
    fleet_spec: Math.round((heapFleet - heap0) / cars),
    vehicle_state: Math.round((heapState - heapFleet) / cars),
    rngs: Math.round((heapRngs - heapState) / cars),
    total: Math.round((heapRngs - heap0) / cars),
  },
  events_per_car_hour: Math.round((eventCount / carSeconds) * 3600 * 100) / 100,
  node: process.version,
  gc_exposed: gc !== undefined,
};
console.log(`vehicle model, ${cars} cars x ${seconds} s (after ${warmup} s warm-up)`);
console.log(`  step            ${result.ns_per_car_s.step} ns per car-second`);
console.log(`  toTelemetry     ${result.ns_per_car_s.to_telemetry} ns`);
console.log(`  JSON encode     ${result.ns_per_car_s.json_encode} ns  (${result.bytes_per_msg.json} B/msg)`);
console.log(`  binary encode   ${result.ns_per_car_s.binary_encode} ns  (${result.bytes_per_msg.binary} B/msg)`);
console.log(
  `  total           ${result.ns_per_car_s.total} ns per car-second CPU (wall ${result.wall_ns_per_car_s} ns on a shared machine)`,
);
console.log(
  `  heap per car    ${result.heap_bytes_per_car.total} B (spec ${result.heap_bytes_per_car.fleet_spec}, state ${result.heap_bytes_per_car.vehicle_state}, rngs ${result.heap_bytes_per_car.rngs})`,
);
console.log(`  fleet build     ${result.fleet_build_ms} ms; events ${result.events_per_car_hour} per car-hour`);
console.log(JSON.stringify(result));
