/**
 * A scripted city for the scale-out tests: the same telemetry, record for record, whoever consumes
 * it, so two stacks fed the same script must produce the same outputs.
 *
 * - jam cars: four cars standing on each segment of four roads (three continuing segments, each road
 *   a corridor of its own), reporting free-flow speeds, then a queue on the last two segments of each
 *   road from 120 s to 300 s, then free flow again: jams start and clear;
 * - fence cars: each drives a straight line at 10 m/s through the centre of one of three circular
 *   fences (radius 150 m, 3 km apart), from 600 m before it to 600 m after it, starting at a seeded
 *   second: one `enter` and one `exit` each. Fence `act-enter` sends set_speed_limit on enter,
 *   `act-exit` flash_lights on exit, `quiet` nothing.
 *
 * Times are car times from `t0` (keep it within the hour before now: Kafka refuses record times far
 * from its clock), one fix per car and second.
 */
import { encode, kafkaTopicName, type Telemetry } from '../../../protocol/index.js';
import { telemetryExamples } from '../../../protocol/examples.js';
import type { OutRecord } from '../../../backend/kafka/types.js';
import type { RoadNetwork } from '../../../road/network.js';
import { continues } from '../../../backend/services/traffic/jam-merge.js';
import { corridors } from '../../../backend/services/traffic/corridors.js';
import { M_PER_DEG, mPerDegLon } from '../../../road/geo.js';
import { Rng } from '../../../core/random.js';
import { testVin } from '../../helpers/backend.js';

export const SCRIPT_SECONDS = 420;
const QUEUE_FROM_S = 120;
const QUEUE_TO_S = 300;
const CARS_PER_SEGMENT = 4;
const ROADS = 4;
const FENCE_RADIUS_M = 150;
const HALF_PATH_M = 600;
const SPEED_MPS = 10;

/** `n` roads of three continuing segments, each on a corridor of its own. */
export function jamChains(net: RoadNetwork, n: number): number[][] {
  const roads = corridors(net);
  const chains: number[][] = [];
  const used = new Set<string>();
  for (let s = 0; s < net.segments.length && chains.length < n; s++) {
    const key = roads.keyOf[s] as string;
    if (used.has(key)) continue;
    const chain = [s];
    while (chain.length < 3) {
      const last = chain[chain.length - 1] as number;
      const to = net.segTo[last] as number;
      let next: number | undefined;
      for (let k = net.outStart[to] as number; k < (net.outStart[to + 1] as number); k++)
        if (continues(net, last, net.outSegments[k] as number) && !chain.includes(net.outSegments[k] as number))
          next = net.outSegments[k] as number;
      if (next === undefined) break;
      chain.push(next);
    }
    if (chain.length < 3) continue;
    used.add(key);
    chains.push(chain);
  }
  return chains;
}

export interface ScriptFence {
  readonly id: string;
  readonly body: Record<string, unknown>;
  /** The command its action sends, if any. */
  readonly action?: 'enter' | 'exit';
}

interface Car {
  readonly vin: string;
  /** Position at second s (undefined: not driving then), heading, speed km/h. */
  at(s: number): { lon: number; lat: number; heading: number; speedKmh: number } | undefined;
  readonly fence?: string;
}

export interface CityScript {
  readonly fences: readonly ScriptFence[];
  readonly vins: readonly string[];
  /** Fence cars by the fence they cross. */
  readonly carsOfFence: ReadonlyMap<string, readonly string[]>;
  /** Every fix, in car-time order, keyed by VIN, for the telemetry topic of `prefix`. */
  records(prefix: string): OutRecord[];
  /** Geofence events the script makes: an enter and an exit per fence car. */
  readonly expectedGeofenceEvents: number;
  /** Commands the fences' actions send. */
  readonly expectedActionCommands: number;
}

export function cityScript(
  net: RoadNetwork,
  options: { readonly seed: string; readonly fenceCars: number; readonly t0: number },
): CityScript {
  const rng = new Rng(`${options.seed}:city-script`);
  const cars: Car[] = [];
  const vin = (): string => testVin(3000 + cars.length);

  const chains = jamChains(net, ROADS);
  if (chains.length < ROADS) throw new Error(`the network has ${chains.length} roads of three continuing segments, not ${ROADS}`);
  for (const chain of chains)
    chain.forEach((seg, i) => {
      const g = (net.segments[seg] as { geometry: readonly (readonly [number, number])[] }).geometry;
      const a = g[0] as readonly [number, number];
      const b = g[g.length - 1] as readonly [number, number];
      for (let c = 0; c < CARS_PER_SEGMENT; c++) {
        const f = 0.3 + (0.4 * c) / CARS_PER_SEGMENT;
        const lat = a[1] + f * (b[1] - a[1]);
        const lon = a[0] + f * (b[0] - a[0]);
        const heading = ((Math.atan2((b[0] - a[0]) * Math.cos((lat * Math.PI) / 180), b[1] - a[1]) * 180) / Math.PI + 360) % 360;
        const k = cars.length;
        cars.push({
          vin: vin(),
          at: (s) => ({ lon, lat, heading, speedKmh: i > 0 && s >= QUEUE_FROM_S && s < QUEUE_TO_S ? 3 + (k % 4) : 45 + (k % 5) }),
        });
      }
    });

  // three fences 3 km apart around the middle of the network
  let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const s of net.segments)
    for (const [x, y] of s.geometry)
      [minLon, minLat, maxLon, maxLat] = [Math.min(minLon, x), Math.min(minLat, y), Math.max(maxLon, x), Math.max(maxLat, y)];
  const mid = { lon: (minLon + maxLon) / 2, lat: (minLat + maxLat) / 2 };
  const kx = mPerDegLon(mid.lat);
  const centres = [
    { id: 'act-enter', dx: -1500, dy: -800, action: 'enter' as const, command: { type: 'set_speed_limit', params: { kmh: 30 } } },
    { id: 'act-exit', dx: 1500, dy: -800, action: 'exit' as const, command: { type: 'flash_lights', params: {} } },
    { id: 'quiet', dx: 0, dy: 1800, action: undefined, command: undefined },
  ].map((c) => ({ ...c, lon: mid.lon + c.dx / kx, lat: mid.lat + c.dy / M_PER_DEG }));
  const fences: ScriptFence[] = centres.map((c) => ({
    id: c.id,
    ...(c.action && { action: c.action }),
    body: {
      id: c.id,
      name: `script ${c.id}`,
      tags: ['script'],
      geometry: { type: 'Circle', center: [c.lon, c.lat], radiusM: FENCE_RADIUS_M },
      ...(c.command && { actions: [{ on: c.action, command: c.command }] }),
    },
  }));

  const carsOfFence = new Map<string, string[]>(centres.map((c) => [c.id, []]));
  const pathS = (2 * HALF_PATH_M) / SPEED_MPS;
  for (let j = 0; j < options.fenceCars; j++) {
    const centre = centres[j % centres.length]!;
    const bearing = rng.range(0, 2 * Math.PI);
    const start = rng.int(0, SCRIPT_SECONDS - pathS - 1);
    const [ux, uy] = [Math.sin(bearing), Math.cos(bearing)];
    const heading = ((bearing * 180) / Math.PI + 360) % 360;
    const v = vin();
    carsOfFence.get(centre.id)!.push(v);
    cars.push({
      vin: v,
      fence: centre.id,
      at: (s) => {
        if (s < start || s > start + pathS) return undefined;
        const d = (s - start) * SPEED_MPS - HALF_PATH_M;
        return { lon: centre.lon + (d * ux) / kx, lat: centre.lat + (d * uy) / M_PER_DEG, heading, speedKmh: SPEED_MPS * 3.6 };
      },
    });
  }

  const base = telemetryExamples[0]!;
  return {
    fences,
    vins: cars.map((c) => c.vin),
    carsOfFence,
    expectedGeofenceEvents: 2 * options.fenceCars,
    expectedActionCommands: centres.filter((c) => c.action !== undefined).reduce((n, c) => n + carsOfFence.get(c.id)!.length, 0),
    records(prefix) {
      const topic = kafkaTopicName('telemetry', prefix);
      const out: OutRecord[] = [];
      const seqs = new Map<string, number>();
      for (let s = 0; s < SCRIPT_SECONDS; s++)
        cars.forEach((car, i) => {
          const p = car.at(s);
          if (p === undefined) return;
          const seq = seqs.get(car.vin) ?? 0;
          seqs.set(car.vin, seq + 1);
          const ts = options.t0 + s * 1000 + (i % 50);
          const m: Telemetry = {
            ...base,
            vin: car.vin,
            seq,
            ts,
            gps: {
              ...base.gps,
              lat: Math.round(p.lat * 1e7) / 1e7,
              lon: Math.round(p.lon * 1e7) / 1e7,
              heading: Math.round(p.heading * 100) / 100,
              speedKmh: p.speedKmh,
            },
          };
          out.push({ topic, key: car.vin, value: encode('telemetry', m), timestamp: ts });
        });
      return out;
    },
  };
}
