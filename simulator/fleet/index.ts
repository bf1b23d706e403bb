/** The simulated fleet: deterministic car specs from a seed, and shards of it. */
export { MAKES, choicesFor, type MakeSpec, type ModelSpec, type FleetPowertrain, type Fuel } from './catalogue.js';
export {
  FleetGenerator,
  generateFleet,
  resolveFleetOptions,
  carRng,
  type CarSpec,
  type FleetOptions,
  type ResolvedFleetOptions,
} from './generate.js';
export { parseShard, shardRange, WHOLE_FLEET, type Shard, type IndexRange } from './shard.js';
export { modelYearCode, buildVin } from './vin.js';
export { germanPlate } from './plate.js';
