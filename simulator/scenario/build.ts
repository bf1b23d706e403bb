/**
 * From a validated scenario to a running model: the network (built-in city or imported file) and
 * the traffic model options. Thin: the CLI adds its flags on top (e.g. --cars overrides cars).
 */
import { generateCity } from '../../road/city.js';
import { loadNetworkFile } from '../../road/load-network.js';
import type { RoadNetwork } from '../../road/network.js';
import { TrafficModel, type TrafficModelOptions } from '../traffic/model.js';
import type { Scenario } from './scenario.js';

export interface ScenarioNetwork {
  readonly network: RoadNetwork;
  readonly warnings: readonly string[];
}

export function networkForScenario(s: Scenario): ScenarioNetwork {
  if (s.city.kind === 'file') return loadNetworkFile(s.city.path, s.city.import);
  return { network: generateCity({ seed: s.seed, ...s.city.options }), warnings: [] };
}

export function modelOptionsForScenario(s: Scenario, overrides: TrafficModelOptions = {}): TrafficModelOptions {
  return {
    seed: s.seed,
    cars: s.cars,
    tickSeconds: s.tickSeconds,
    routing: s.routing,
    groundTruth: { intervalS: s.groundTruthIntervalS },
    incidents: s.incidents,
    ...(s.randomIncidents !== undefined && { randomIncidents: s.randomIncidents }),
    ...overrides,
  };
}

/** Network and model for a scenario in one call. */
export function buildScenario(
  s: Scenario,
  overrides: TrafficModelOptions = {},
): { network: RoadNetwork; model: TrafficModel; warnings: readonly string[] } {
  const { network, warnings } = networkForScenario(s);
  return { network, model: new TrafficModel(network, modelOptionsForScenario(s, overrides)), warnings };
}
