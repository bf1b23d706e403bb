/**
 * Benchmark of the traffic model alone: builds the default city, spawns 15,000 cars (or --cars N),
 * runs 300 simulated seconds (--seconds S) in 1 s steps and prints CPU microseconds per car per
 * simulated second (process.cpuUsage, user + system), wall time, heap per car, routes computed, and
 * how the cars moved (mean speed, share stopped). The last line is JSON.
 *
 *   node --expose-gc .build/sim/bench/traffic.js [--cars 15000] [--seconds 300] [--seed 1] [--tick 0.5] [--warmup 10]
 *
 * --warmup runs that many simulated seconds before measuring (JIT warm-up; a long warm-up measures
 * the settled traffic state instead of the first minutes after random placement).
 */
import { generateCity } from '../road/city.js';
import { TrafficModel } from '../simulator/traffic/model.js';
import { emptyKinematics } from '../simulator/traffic/kinematics.js';
import { numberFlags } from './lib/flags.js';

const { cars, seconds, seed, tick, warmup } = numberFlags({ cars: 15_000, seconds: 300, seed: 1, tick: 0.5, warmup: 10 });

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const mem = (): number => {
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
};
const heap0 = mem();
const t0 = performance.now();
const net = generateCity({ seed });
const tCity = performance.now() - t0;
const heapCity = mem();
const t1 = performance.now();
const model = new TrafficModel(net, { seed, cars, tickSeconds: tick, randomIncidents: { ratePerHour: 20 } });
const tSpawn = performance.now() - t1;
const routedAtStart = model.planner.routed;

// warm-up (JIT) outside the measurement
model.step(warmup);
model.takeRecords();

gc?.();
const cpu0 = process.cpuUsage();
const w0 = performance.now();
let records = 0;
let readNs = 0;
const k = emptyKinematics();
for (let s = 0; s < seconds; s++) {
  model.step(1);
  records += model.takeRecords().length;
  if (s % 60 === 59) {
    // what the telemetry model does once a second: read every car
    const r0 = performance.now();
    for (let i = 0; i < model.carCount; i++) model.readCar(i, k);
    readNs += (performance.now() - r0) * 1e6;
  }
}
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - w0;
gc?.();
const heap1 = mem();

let speedSum = 0;
let stopped = 0;
for (let i = 0; i < model.carCount; i++) {
  const v = model.state.speed[i] as number;
  speedSum += v;
  if (v < 0.5) stopped++;
}
let trips = 0;
for (let i = 0; i < model.carCount; i++) trips += model.state.trips[i] as number;

const cpuUs = cpu.user + cpu.system;
const usPerCarSecond = cpuUs / (cars * seconds);
const readsDone = Math.floor(seconds / 60);
const result = {
  bench: 'traffic',
  cars,
  simulated_s: seconds,
  tick_s: tick,
  warmup_s: warmup,
  segments: net.segments.length,
  nodes: net.nodes.length,
  signals: model.signals.count,
  us_per_car_second: Number(usPerCarSecond.toFixed(3)),
  cpu_s: Number((cpuUs / 1e6).toFixed(3)),
  wall_s: Number((wallMs / 1000).toFixed(3)),
  speedup_single_core: Number((seconds / (cpuUs / 1e6)).toFixed(1)),
  read_car_ns: readsDone > 0 ? Math.round(readNs / (readsDone * cars)) : null,
  heap_bytes_per_car: Math.round((heap1 - heapCity) / cars),
  network_heap_mb: Number(((heapCity - heap0) / 1e6).toFixed(1)),
  city_ms: Math.round(tCity),
  spawn_ms: Math.round(tSpawn),
  routes: model.planner.routed - routedAtStart,
  trips_completed: trips,
  mean_speed_mps: Number((speedSum / model.carCount).toFixed(2)),
  stopped_share: Number((stopped / model.carCount).toFixed(3)),
  ground_truth_records: records,
};
console.log(`traffic model: ${cars} cars, ${seconds} simulated s, tick ${tick} s, ${net.segments.length} segments`);
console.log(`  CPU ${result.cpu_s} s (wall ${result.wall_s} s): ${result.us_per_car_second} us per car per simulated second`);
console.log(`  heap ${result.heap_bytes_per_car} B per car (network ${result.network_heap_mb} MB); readCar ${result.read_car_ns} ns`);
console.log(
  `  routes ${result.routes}, trips ${trips}, mean speed ${result.mean_speed_mps} m/s, stopped ${(result.stopped_share * 100).toFixed(1)}%`,
);
console.log(JSON.stringify(result));
