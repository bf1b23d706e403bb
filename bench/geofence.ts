/**
 * Geofence evaluation against 10,000 polygon fences: positions per second on one core for the
 * evaluator (spatial index + hysteresis + crossings + dwell, the whole reducer), side by side in
 * the same run with the naive loop: turf's booleanPointInPolygon over every fence for each
 * position (point-in-polygon only, no state). Fences are seeded random star-shaped polygons
 * (convex and concave, 6-20 vertices, 50-500 m across) over a 20 km x 20 km area around Munich
 * (48.137 N, 11.575 E); cars drive plausible 1 Hz tracks (5-25 m/s, smooth turns). The naive loop
 * runs on the first positions of the same stream for about --naive-seconds in all. Medians of
 * --reps repetitions. Rates are per CPU second of this process (process.cpuUsage, user + system:
 * the per-core figure, robust to being descheduled on a shared machine; it also counts V8's GC
 * helper threads, so it errs low); wall-clock rates are reported alongside. Also checks that the index and turf agree on every position the naive loop saw.
 * The last line is JSON; it is also written to bench/results/geofence.json with the commit and machine.
 *
 *   node .build/geo/bench/geofence.js [--fences 10000] [--cars 5000] [--seconds 60] [--reps 5] [--naive-seconds 10] [--seed 1]
 */
import { booleanPointInPolygon, point as turfPoint, polygon as turfPolygon } from '@turf/turf';
import {
  assertFence,
  containsLocal,
  createGeofenceState,
  evaluate,
  type Fence,
  type FixInput,
} from '../backend/services/geofencing/index.js';
import { numberFlags } from './lib/flags.js';
import { writeResult } from './lib/provenance.js';
import { Rng } from '../core/random.js';

const flags = numberFlags({ fences: 10_000, cars: 5_000, seconds: 60, reps: 5, naiveSeconds: 10, seed: 1 });
const { fences: FENCES, cars: CARS, seconds: SECONDS, reps: REPS, naiveSeconds: NAIVE_S, seed: SEED } = flags;

const LAT0 = 48.137;
const LON0 = 11.575;
const HALF_M = 10_000;
const M_LAT = 111_195;
const M_LON = M_LAT * Math.cos((LAT0 * Math.PI) / 180);

function uniform(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.float();
}
const rnd = uniform(SEED);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

// ---- fences: star-shaped polygons, one vertex per angular sector (so the ring is simple) -------
function makeFence(i: number): Fence {
  const cx = (rnd() * 2 - 1) * HALF_M;
  const cy = (rnd() * 2 - 1) * HALF_M;
  const across = 50 + rnd() * 450;
  const n = 6 + Math.floor(rnd() * 15);
  const concave = rnd() < 0.5;
  const ring: [number, number][] = [];
  for (let k = 0; k < n; k++) {
    const a = ((k + 0.9 * rnd()) * 2 * Math.PI) / n;
    const r = (across / 2) * (concave ? 0.35 + 0.65 * rnd() : 0.85 + 0.15 * rnd());
    ring.push([LON0 + (cx + r * Math.cos(a)) / M_LON, LAT0 + (cy + r * Math.sin(a)) / M_LAT]);
  }
  ring.push(ring[0] as [number, number]);
  return assertFence({ id: `fence-${i}`, name: `Fence ${i}`, geometry: { type: 'Polygon', coordinates: [ring] } });
}

// ---- cars: 1 Hz fixes, smooth heading changes, speed 5-25 m/s, kept in the area ----------------
function makeFixes(): FixInput[] {
  const x = new Float64Array(CARS);
  const y = new Float64Array(CARS);
  const heading = new Float64Array(CARS);
  const speed = new Float64Array(CARS);
  const vins: string[] = [];
  for (let c = 0; c < CARS; c++) {
    x[c] = (rnd() * 2 - 1) * HALF_M;
    y[c] = (rnd() * 2 - 1) * HALF_M;
    heading[c] = rnd() * 2 * Math.PI;
    speed[c] = 5 + rnd() * 20;
    vins.push(`SIMCAR${String(c).padStart(11, '0')}`);
  }
  const fixes: FixInput[] = [];
  const t0 = Date.UTC(2026, 10, 25, 8);
  for (let s = 0; s < SECONDS; s++) {
    for (let c = 0; c < CARS; c++) {
      let h = (heading[c] as number) + (rnd() - 0.5) * 0.3 + (rnd() < 0.01 ? (rnd() < 0.5 ? 1 : -1) * (Math.PI / 2) : 0);
      const v = Math.min(25, Math.max(0, (speed[c] as number) + (rnd() - 0.5) * 2));
      let nx = (x[c] as number) + v * Math.sin(h);
      let ny = (y[c] as number) + v * Math.cos(h);
      if (Math.abs(nx) > HALF_M || Math.abs(ny) > HALF_M) {
        h += Math.PI; // turn back at the edge of the area
        nx = x[c] as number;
        ny = y[c] as number;
      }
      x[c] = nx;
      y[c] = ny;
      heading[c] = h;
      speed[c] = v;
      fixes.push({
        kind: 'fix',
        vin: vins[c] as string,
        ts: t0 + s * 1000 + c,
        lat: LAT0 + ny / M_LAT,
        lon: LON0 + nx / M_LON,
        speedKmh: v * 3.6,
      });
    }
  }
  return fixes;
}

const tGen = performance.now();
const fences = Array.from({ length: FENCES }, (_, i) => makeFence(i));
const fixes = makeFixes();
const genMs = performance.now() - tGen;

// ---- the evaluator ------------------------------------------------------------------------------
const gc = (globalThis as { gc?: () => void }).gc;
{
  // warm-up (JIT) on a throwaway state, outside the measurement
  const warm = createGeofenceState({}, fences);
  for (let i = 0; i < Math.min(fixes.length, 100_000); i++) evaluate(warm, fixes[i] as FixInput);
}
const evalRates: number[] = [];
const evalWallRates: number[] = [];
const buildMs: number[] = [];
let events: Record<string, number> = {};
for (let rep = 0; rep < REPS; rep++) {
  gc?.();
  const b0 = performance.now();
  const state = createGeofenceState({}, fences);
  buildMs.push(performance.now() - b0);
  const counts: Record<string, number> = { enter: 0, exit: 0, cross: 0, dwell: 0 };
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  for (let i = 0; i < fixes.length; i++) {
    const { outputs } = evaluate(state, fixes[i] as FixInput);
    for (let k = 0; k < outputs.length; k++) {
      const o = outputs[k];
      if (o?.kind === 'event') counts[o.event.type] = (counts[o.event.type] ?? 0) + 1;
    }
  }
  const wallS = (performance.now() - w0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  evalRates.push(fixes.length / cpuS);
  evalWallRates.push(fixes.length / wallS);
  events = counts;
  console.log(`  evaluator rep ${rep + 1}: ${fixes.length} positions in ${wallS.toFixed(3)} s wall, ${cpuS.toFixed(3)} s CPU`);
}

// ---- the naive loop: turf booleanPointInPolygon over every fence ---------------------------------
type TurfPolygon = ReturnType<typeof turfPolygon>;
const turfFences: TurfPolygon[] = fences.map((f) => turfPolygon((f.geometry as { coordinates: [number, number][][] }).coordinates));
const probe = createGeofenceState({}, fences);
const naiveRates: number[] = [];
const naiveWallRates: number[] = [];
let naivePositions = 0;
let mismatches = 0;
let insideHits = 0;
const budgetMs = (NAIVE_S * 1000) / REPS;
for (let rep = 0; rep < REPS; rep++) {
  gc?.();
  let i = 0;
  let hits = 0;
  const w0 = performance.now();
  const c0 = process.cpuUsage();
  const counts: number[] = [];
  while (performance.now() - w0 < budgetMs && i < fixes.length) {
    const f = fixes[i] as FixInput;
    const pt = turfPoint([f.lon, f.lat]);
    let n = 0;
    for (let k = 0; k < turfFences.length; k++) if (booleanPointInPolygon(pt, turfFences[k] as TurfPolygon)) n++;
    counts.push(n);
    hits += n;
    i++;
  }
  const wallS = (performance.now() - w0) / 1000;
  const cpu = process.cpuUsage(c0);
  naiveRates.push(i / ((cpu.user + cpu.system) / 1e6));
  naiveWallRates.push(i / wallS);
  console.log(`  naive rep ${rep + 1}: ${i} positions in ${wallS.toFixed(3)} s (${hits} inside hits)`);
  if (rep === 0) {
    // agreement: the index + compiled shapes against turf, position by position
    naivePositions = i;
    insideHits = hits;
    for (let p = 0; p < i; p++) {
      const f = fixes[p] as FixInput;
      const idx = probe.fences.index;
      const n = idx.query(f.lon, f.lat, f.lon, f.lat);
      let ours = 0;
      for (let k = 0; k < n; k++) {
        const cf = probe.fences.at(idx.hits[k] as number);
        if (cf && containsLocal(cf, (f.lon - cf.lon0) * cf.kx, (f.lat - cf.lat0) * cf.ky)) ours++;
      }
      if (ours !== counts[p]) mismatches++;
    }
  }
}

// ---- report ---------------------------------------------------------------------------------------
const positionsPerS = Math.round(median(evalRates));
const naivePerS = Number(median(naiveRates).toFixed(1));
const ratio = Math.round(positionsPerS / naivePerS);
const result = {
  bench: 'geofence',
  positions_per_s: positionsPerS,
  naive_positions_per_s: naivePerS,
  ratio,
  fences: FENCES,
  cars: CARS,
  positions: fixes.length,
  reps: REPS,
  rate_basis: 'positions per CPU second of the process (user + system), the per-core figure; wall-clock rates alongside',
  positions_per_wall_s: Math.round(median(evalWallRates)),
  naive_positions_per_wall_s: Number(median(naiveWallRates).toFixed(1)),
  evaluator_runs_per_s: evalRates.map((r) => Math.round(r)),
  naive_runs_per_s: naiveRates.map((r) => Number(r.toFixed(1))),
  naive_positions_checked: naivePositions,
  naive_inside_hits: insideHits,
  index_vs_turf_mismatches: mismatches,
  events,
  index_build_ms: Math.round(median(buildMs)),
  generate_ms: Math.round(genMs),
  options: { hysteresisM: 10, confirmFixes: 3, cellDeg: 0.0025 },
  seed: SEED,
};
console.log(`geofence: ${FENCES} polygon fences, ${CARS} cars, ${fixes.length} positions (median of ${REPS})`);
console.log(`  evaluator (grid index, hysteresis, crossings): ${positionsPerS.toLocaleString('en')} positions/s on one core`);
console.log(`  naive turf booleanPointInPolygon x ${FENCES}:   ${naivePerS.toLocaleString('en')} positions/s`);
console.log(`  ratio: ${ratio.toLocaleString('en')}x; index vs turf on ${naivePositions} positions: ${mismatches} mismatches`);
console.log(`  events: ${JSON.stringify(events)}; index build ${result.index_build_ms} ms`);
writeResult('geofence', result, process.argv.slice(2));
console.log(JSON.stringify(result));
