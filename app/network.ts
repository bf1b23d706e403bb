/**
 * The road network the backend's services work on, from the simulator's settings (seed, city,
 * scenario): the same network the simulated cars drive. One key, `sim.city` (`--network FILE` on
 * `v2x up`, `v2x backend` and `v2x sim`; V2X_SIM__CITY), names the file (SUMO .net.xml, OSM, GeoJSON). Loaded on first use and kept; handed to
 * createBackend as its NetworkSource, so backend/ never imports the simulator.
 */
import type { DeepReadonly } from '../core/config/load.js';
import type { NetworkSource } from '../backend/roles.js';
import type { RoadNetwork } from '../road/network.js';
import type { SimSettings } from '../simulator/config.js';
import { loadNetwork } from '../simulator/runtime/world.js';
import { loadScenarioFile } from '../simulator/scenario/scenario.js';

export function networkSource(sim: DeepReadonly<Pick<SimSettings, 'seed' | 'city' | 'scenario'>>): NetworkSource {
  let network: RoadNetwork | undefined;
  return () => {
    if (network === undefined) {
      const scenario = sim.scenario === '' ? undefined : loadScenarioFile(sim.scenario);
      network = loadNetwork({ seed: sim.seed, city: sim.city, scenario: sim.scenario }, scenario);
    }
    return network;
  };
}
