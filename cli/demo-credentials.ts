/**
 * The public demo credentials (issue 19): the demo fleet key, from which any car's MQTT password
 * can be derived, and the demo API tokens (viewer, operator, admin), all printed in the docs.
 * `v2x backend` refuses to start with them unless --demo; `v2x up` is the demo and implies it.
 * Pure: what the config holds, and what to say about it.
 */
import type { DeepReadonly } from '../core/config/load.js';
import type { Config } from '../app/config-schema.js';
import { V2xError } from '../core/errors.js';
import { DEMO_TOKENS } from '../backend/api/config.js';
import { DEMO_FLEET_KEY } from '../backend/broker/config.js';

const API_ROLES = new Set(['commands', 'geofencing', 'traffic', 'dashboard']);
const tokenOf = (entry: string): string => entry.split(':').slice(2).join(':');
const principalOf = (entry: string): string => entry.split(':')[0] ?? entry;
const DEMO_TOKEN_VALUES = new Set(DEMO_TOKENS.map(tokenOf));

/** What in `config` is a public demo credential that this process would use, one line each with the key to set. */
export function demoCredentials(config: DeepReadonly<Config>): string[] {
  const roles = new Set<string>(config.backend.roles);
  const out: string[] = [];
  if (roles.has('broker') && config.mqtt.auth && config.mqtt.fleetKey === DEMO_FLEET_KEY) {
    out.push(
      'mqtt.fleetKey is the public demo key (any car password can be derived from it): set mqtt.fleetKey (V2X_MQTT__FLEET_KEY) to a secret of your own',
    );
  }
  const demo = config.api.tokens.filter((t) => DEMO_TOKEN_VALUES.has(tokenOf(t)));
  if ([...roles].some((r) => API_ROLES.has(r)) && demo.length > 0) {
    out.push(
      `api.tokens holds the public demo tokens of ${demo.map(principalOf).join(', ')}: set api.tokens (V2X_API__TOKENS=principal:role:token,...) to tokens of your own`,
    );
  }
  return out;
}

/** Listening on every interface: reachable from the network. */
export function listensEverywhere(config: DeepReadonly<Config>): boolean {
  const all = (host: string): boolean => host === '0.0.0.0' || host === '::';
  const roles = new Set<string>(config.backend.roles);
  return (roles.has('broker') && all(config.mqtt.host)) || all(config.backend.httpHost);
}

/** Throws DEMO_CREDENTIALS naming every key to set, unless `demo`. */
export function refuseDemoCredentials(config: DeepReadonly<Config>, demo: boolean): void {
  const found = demoCredentials(config);
  if (found.length === 0 || demo) return;
  const where = listensEverywhere(config) ? ' on every network interface (0.0.0.0)' : '';
  throw new V2xError(
    'DEMO_CREDENTIALS',
    `anyone who has read the docs could connect with them${where}. ${found.join('; ')}. Or pass --demo to run with them anyway (a demo, on a machine nobody else reaches).`,
    { details: { keys: found.map((f) => f.split(' ')[0]) } },
  );
}

/** The stderr note for a demo that listens everywhere, or undefined. */
export function demoWarning(config: DeepReadonly<Config>): string | undefined {
  if (demoCredentials(config).length === 0 || !listensEverywhere(config)) return undefined;
  return 'warning: the public demo credentials are in use and the backend listens on every interface (0.0.0.0): anyone on this network can connect as any car and use the API; set mqtt.host and backend.httpHost to 127.0.0.1, or your own mqtt.fleetKey and api.tokens\n';
}
