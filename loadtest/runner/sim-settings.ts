/**
 * The simulator settings of one load-test run: the scenario's fleet and profile against one broker,
 * through the same `sim` config validation as `v2x sim` (simulator/config.ts). What a load test
 * changes from the simulator's defaults: no sleeping cars (the stages decide who is connected),
 * traffic modelled per worker (`slice`: cheaper at scale), coverage holes only from the scenario's
 * chaos, and one worker thread for small fleets (less CPU and memory on a shared machine).
 */
import { availableParallelism } from 'node:os';
import { Type } from '@sinclair/typebox';
import { loadConfig } from '../../core/config/load.js';
import { V2xError } from '../../core/errors.js';
import { resolveSimSettings, simConfigSchema, type SimSettings } from '../../simulator/config.js';
import type { BrokerTarget, LoadScenario } from '../scenario/scenario.js';

const schema = Type.Object({ sim: simConfigSchema });

/** Cars per worker thread before a second one is used. */
export const CARS_PER_WORKER = 3000;

export function workersFor(cars: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.ceil(cars / CARS_PER_WORKER)));
}

export function simSettingsFor(scenario: LoadScenario, broker: BrokerTarget, options: { readonly workers?: number } = {}): SimSettings {
  const p = scenario.profile;
  const c = broker.credentials;
  if (c.mode === 'password') {
    throw new V2xError(
      'SCENARIO_INVALID',
      `brokers "${broker.name}": credentials mode "password" is not supported by the load-test runner yet (the simulator's cars use fleet-key or none)`,
    );
  }
  const holes = scenario.chaos.coverageHoles;
  const flags: Record<string, unknown> = {
    'sim.broker': broker.url,
    'sim.cars': scenario.fleet.size,
    'sim.seed': scenario.fleet.seed,
    'sim.city': scenario.fleet.city.kind === 'builtin' ? 'builtin' : scenario.fleet.city.path,
    'sim.mqttVersion': p.mqttVersion,
    'sim.qos': p.qos,
    'sim.rate': scenario.stages[0]?.rateHz ?? p.telemetryHz,
    'sim.codec': p.codec,
    'sim.credentials': c.mode,
    'sim.clean': p.cleanSession,
    'sim.keepalive': Math.round(p.keepaliveMs / 1000),
    'sim.workers': options.workers ?? workersFor(scenario.fleet.size),
    'sim.traffic': 'slice',
    'sim.sleep': false,
    'sim.coverageHolesPerHour': holes.perCarPerHour,
    'sim.coverageHoleS': [holes.minMs / 1000, holes.maxMs / 1000],
  };
  if (c.mode === 'fleet-key') flags['sim.fleetKey'] = c.fleetKey;
  if (broker.tls !== undefined) flags['sim.caFile'] = broker.tls.caFile;
  return resolveSimSettings(loadConfig(schema, { flags }).sim);
}
