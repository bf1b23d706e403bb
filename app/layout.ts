/**
 * The backend's roles split over two processes (decision 0022):
 *
 * - the edge: the embedded broker and the bridge's uplink (cars -> Kafka, each PUBACK after Kafka's
 *   acknowledgement), the process that carries the fleet's load; one or several, each with its share
 *   of the cars (a machine's cores, or several machines, behind the cars' broker addresses);
 * - the service: the command service, its API, and a bridge that only forwards commands, through
 *   its own MQTT session on each edge's broker (a service account there). Every edge gets every
 *   command; only the edge the car is connected to has its subscription and delivers it.
 *
 * A command's Kafka steps (the request fetched, offsets committed, the car's result fetched, the
 * lifecycle journaled) then all run on the quiet service process; on the edge a command costs one
 * inbound publish and one delivery. Pure: builds the two configs from one.
 */
import { randomBytes } from 'node:crypto';
import type { DeepReadonly } from '../core/config/load.js';
import type { Config } from './config-schema.js';
import type { BackendRole } from '../backend/config.js';

/**
 * Node options for a process that carries the cars' connections (decision 0022):
 * - a young generation of 3 x 64 MB (V8's default semi-space is 16 MB): a quarter as many scavenges;
 * - GC on the main thread only: on a machine shared with the fleet and Kafka, V8's helper threads
 *   competed for the cores (the edge went to 116-132% CPU in a full collection);
 * - an initial old space of 512 MB: full collections every few minutes, not every 26 s. Each one,
 *   single-threaded, then takes longer (up to 120 ms measured without this setting).
 */
export const EDGE_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=64', '--single-threaded-gc', '--initial-old-space-size=512'];

/** The service process's account on the edge broker. */
export interface DownlinkAccount {
  readonly username: string;
  readonly password: string;
}

export function downlinkAccount(): DownlinkAccount {
  return { username: 'v2x-command-downlink', password: randomBytes(18).toString('base64url') };
}

/** The edge: broker and uplink, commands not forwarded from here; the downlink account allowed in. */
export function edgeConfig(config: DeepReadonly<Config>, account: DownlinkAccount): DeepReadonly<Config> {
  return {
    ...config,
    backend: { ...config.backend, roles: ['broker', 'bridge'] },
    bridge: { ...config.bridge, commands: false },
    mqtt: { ...config.mqtt, services: [...config.mqtt.services.filter((s) => s.username !== account.username), account] },
  };
}

/** The service: the command service (plus `extraRoles`) and a downlink-only bridge on the edges' brokers. */
export function serviceConfig(
  config: DeepReadonly<Config>,
  edgeMqttUrls: readonly string[],
  account: DownlinkAccount,
  extraRoles: readonly BackendRole[] = [],
): DeepReadonly<Config> {
  return {
    ...config,
    backend: { ...config.backend, roles: ['bridge', 'commands', ...extraRoles] },
    bridge: {
      ...config.bridge,
      uplink: false,
      commands: true,
      brokerUrl: edgeMqttUrls.join(','),
      username: account.username,
      password: account.password,
      clientId: `${account.username}-1`,
      shareGroup: '',
    },
  };
}

/** What a process of the shipped topology is wired to (app/topology.ts, decision 0026). */
export interface StackWiring {
  readonly account: DownlinkAccount;
  /** The edges' MQTT over TCP addresses, once they are up (for the services' downlink). */
  readonly edgeUrls: readonly string[];
  /** Redis the edges cluster through ('' = one edge, nothing to share). */
  readonly redisUrl: string;
  /** The process's previous instance, when restarting it: it comes back on the same ports. */
  readonly previous?: { readonly mqttUrl: string | undefined; readonly wsPort?: number | undefined; readonly tlsPort?: number | undefined };
}

const portOf = (url: string | undefined): number | undefined => (url === undefined ? undefined : Number(new URL(url).port));
/** Edge i's port: the configured one + i - 1 (0 stays 0: any free port). */
const nth = (port: number, index: number): number => (port === 0 ? 0 : port + index - 1);

/** The config of one process of the plan. */
export function processConfig(
  config: DeepReadonly<Config>,
  spec: {
    readonly name?: string;
    readonly kind: string;
    readonly index: number;
    readonly roles: readonly BackendRole[];
    readonly publicHttp: boolean;
  },
  wiring: StackWiring,
): DeepReadonly<Config> {
  const httpPort = spec.publicHttp ? config.backend.httpPort : 0;
  if (spec.kind === 'edge') {
    const e = edgeConfig(config, wiring.account);
    const prev = wiring.previous;
    return {
      ...e,
      backend: { ...e.backend, httpPort },
      mqtt: {
        ...e.mqtt,
        port: portOf(prev?.mqttUrl) ?? nth(config.mqtt.port, spec.index),
        wsPort: prev?.wsPort ?? nth(config.mqtt.wsPort, spec.index),
        tlsPort: prev?.tlsPort ?? nth(config.mqtt.tlsPort, spec.index),
        redisUrl: wiring.redisUrl,
      },
    };
  }
  if (spec.roles.includes('commands') && spec.roles.includes('bridge')) {
    // with Redis, a publish on one edge reaches the car on any edge: one edge gets each command
    // (every edge would deliver it once each); without, every edge gets it and the car's own delivers
    const urls = wiring.redisUrl === '' ? wiring.edgeUrls : wiring.edgeUrls.slice(0, 1);
    const extra = spec.roles.filter((r) => r !== 'bridge' && r !== 'commands');
    const s = serviceConfig(config, urls, wiring.account, extra);
    // a worker's downlink is a session of its own on the edges (one client id each)
    const bridge =
      spec.kind === 'worker'
        ? { ...s.bridge, clientId: `${wiring.account.username}-${spec.name ?? `${spec.kind}-${spec.index}`}` }
        : s.bridge;
    return { ...s, bridge, backend: { ...s.backend, httpPort } };
  }
  return { ...config, backend: { ...config.backend, roles: [...spec.roles], httpPort } };
}
