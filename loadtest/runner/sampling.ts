/**
 * Which cars the probe subscriber follows: every car (share 1: one wildcard subscription), or a
 * share of the fleet picked by a hash of (seed, car index), the same cars in every run of a seed.
 */
import { FleetGenerator } from '../../simulator/fleet/generate.js';
import { unitHash } from '../../simulator/runtime/connectivity.js';
import { seedOf } from '../../simulator/runtime/world.js';
import { Rng } from '../../core/random.js';

/** The VINs to probe, or undefined for every car. At least one car is probed. */
export function probedVins(seed: string, fleetSize: number, share: number): string[] | undefined {
  if (share >= 1) return undefined;
  const cars = new FleetGenerator({ seed: seedOf(seed) }).cars(0, fleetSize);
  const h = new Rng(`${seed}:probe`).uint32();
  const vins = cars.filter((_, k) => unitHash(h, k, 0) < share).map((c) => c.vin);
  return vins.length > 0 ? vins : cars.slice(0, 1).map((c) => c.vin);
}
