/**
 * The `sim` config section: everything `v2x sim` needs, validated once (core/config/load.ts), with
 * flags of cli/commands/sim.ts bound to these paths. `resolveSimSettings` turns the frozen section
 * into the plain, serialisable settings a worker thread or child process receives (durations in
 * ms, the MQTT URL split, the shard parsed), refusing what the schema cannot express.
 */
import { Type, type Static } from '@sinclair/typebox';
import { V2xError } from '../core/errors.js';
import { parseShard, type Shard } from './fleet/shard.js';

export const simConfigSchema = Type.Object(
  {
    broker: Type.String({
      default: 'mqtt://127.0.0.1:1883',
      description:
        'MQTT broker URL (mqtt://, mqtts://host:port, or ws://, wss://host:port/path), or several comma-separated (clustered edges): each car starts on one and moves to the next on reconnect',
    }),
    cars: Type.Integer({ minimum: 1, maximum: 2_000_000, default: 100, description: 'cars in the fleet' }),
    seed: Type.String({ default: '1', description: 'fleet, network and traffic seed' }),
    city: Type.String({
      default: 'builtin',
      description: 'road network: builtin, or a SUMO .net.xml, OpenStreetMap .osm or GeoJSON file (also what the backend services use)',
    }),
    scenario: Type.String({ default: '', description: 'scenario file (YAML or JSON); its city and incidents apply' }),
    duration: Type.String({ default: '0', description: 'how long to run (e.g. 90s, 10m, 1h; 0 = until stopped)' }),
    mqttVersion: Type.Union([Type.Literal('3.1.1'), Type.Literal('5')], { default: '3.1.1', description: 'MQTT protocol version' }),
    qos: Type.Integer({ minimum: 0, maximum: 2, default: 1, description: 'QoS of telemetry and events' }),
    rate: Type.Number({
      exclusiveMinimum: 0,
      maximum: 50,
      default: 1,
      description: 'telemetry messages per car per simulated second (Hz)',
    }),
    speedup: Type.Number({ minimum: 0.01, maximum: 1000, default: 1, description: 'simulated seconds per real second' }),
    codec: Type.Union([Type.Literal('json'), Type.Literal('binary')], { default: 'json', description: 'payload codec' }),
    rampRate: Type.Number({ exclusiveMinimum: 0, default: 500, description: 'new connections per second (whole simulator)' }),
    credentials: Type.Union([Type.Literal('fleet-key'), Type.Literal('none')], {
      default: 'fleet-key',
      description: 'fleet-key: username = VIN, password = HMAC(fleetKey, VIN); none: anonymous',
    }),
    fleetKey: Type.String({ default: 'v2x-demo-fleet-key', description: "key the cars' passwords are derived from" }),
    caFile: Type.String({ default: '', description: 'PEM CA file for mqtts:// brokers' }),
    clean: Type.Boolean({ default: true, description: 'clean sessions (false: persistent sessions that keep queued commands)' }),
    sessionExpiryS: Type.Integer({ minimum: 0, default: 3600, description: 'MQTT 5 session expiry of persistent sessions' }),
    keepalive: Type.Integer({ minimum: 0, maximum: 65535, default: 60, description: 'MQTT keepalive, seconds' }),
    reconnectBaseMs: Type.Integer({
      minimum: 1,
      default: 10_000,
      description:
        "a car's first reconnect delay, ms: it doubles per failed attempt up to reconnectMaxMs (10 s with full jitter: 10,000 cars all back within 31 s of a broker restart, decision 0036)",
    }),
    reconnectMaxMs: Type.Integer({ minimum: 1, default: 30_000, description: 'the longest reconnect delay, ms' }),
    reconnectJitter: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 1,
      description:
        'share of each reconnect delay drawn at random per car (0 = none, 0.5 = equal jitter, 1 = full jitter, the default): a fleet that lost its broker comes back spread out, not in one herd',
    }),
    connectTimeoutS: Type.Number({
      exclusiveMinimum: 0,
      default: 15,
      description: 'deadline for the first connections (unreachable broker)',
    }),
    workers: Type.Integer({ minimum: 0, maximum: 64, default: 0, description: 'worker threads per process (0 = one per core)' }),
    processes: Type.Integer({
      minimum: 0,
      maximum: 64,
      default: 0,
      description: 'processes (0 = as many as needed at maxSocketsPerProcess)',
    }),
    maxSocketsPerProcess: Type.Integer({ minimum: 1, maximum: 19_000, default: 18_000, description: 'cars per process at most' }),
    sourceAddresses: Type.Array(Type.String(), {
      default: [],
      description: 'local addresses to bind, cycled over cars (e.g. 127.0.0.2,127.0.0.3)',
    }),
    shard: Type.String({ default: '0/1', description: 'the slice i/n of the fleet this run drives' }),
    summaryJson: Type.String({ default: '', description: 'write the final summary as JSON to this file' }),
    groundTruth: Type.String({
      default: '',
      description: "write ground truth (incidents, per-segment truth, warned drivers' decisions) as JSONL to this file",
    }),
    traffic: Type.Union([Type.Literal('fleet'), Type.Literal('slice')], {
      default: 'fleet',
      description:
        'fleet: every worker models the whole fleet (car following between all cars); slice: only its own cars (cheaper at scale)',
    }),
    gpsNoiseM: Type.Number({
      minimum: 0,
      maximum: 100,
      default: 0.3,
      description: 'GPS white noise, metres (standard deviation per axis, drawn for every fix)',
    }),
    gpsDriftM: Type.Number({
      minimum: 0,
      maximum: 100,
      default: 2,
      description: "GPS wandering offset, metres (standard deviation per axis of each car's Gauss-Markov error)",
    }),
    gpsDriftTauS: Type.Number({
      exclusiveMinimum: 0,
      maximum: 86_400,
      default: 60,
      description: 'correlation time of the GPS wandering offset, seconds',
    }),
    drainTimeoutS: Type.Number({
      minimum: 0,
      maximum: 600,
      default: 5,
      description: "at the end, how long to wait for the cars' last messages (offline status) to be acknowledged",
    }),
    commandDelayScale: Type.Number({
      minimum: 0,
      maximum: 10,
      default: 1,
      description: "multiplies the command catalogue's execution times (flash_lights 200-800 ms...); 0: cars execute at once",
    }),
    parkShare: Type.Number({ minimum: 0, maximum: 1, default: 0.5, description: 'share of trip ends where the car parks' }),
    initialParkedShare: Type.Number({ minimum: 0, maximum: 1, default: 0.2, description: 'share of cars parked at the start' }),
    parkMinutes: Type.Array(Type.Number({ minimum: 0 }), {
      minItems: 2,
      maxItems: 2,
      default: [5, 45],
      description: 'dwell range when parking, minutes',
    }),
    sleep: Type.Boolean({ default: true, description: 'parked cars sleep (disconnect) and wake on a schedule' }),
    rerouteShare: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.3,
      description:
        'share of cars warned of a jam ahead on their route (MQTT warnings) that take a detour around it (a seeded draw per car and warning; 0 = none)',
    }),
    rerouteWhen: Type.Union([Type.Literal('always'), Type.Literal('faster')], {
      default: 'always',
      description:
        "always: a driver drawn to reroute takes the detour; faster: only when the detour is expected to be faster than the original route at the model's current speeds",
    }),
    coverageHolesPerHour: Type.Number({ minimum: 0, default: 0.5, description: 'coverage holes per driving hour per car' }),
    coverageHoleS: Type.Array(Type.Number({ minimum: 0 }), {
      minItems: 2,
      maxItems: 2,
      default: [5, 60],
      description: 'coverage hole length range, seconds',
    }),
    startTime: Type.String({
      default: '',
      description: "the cars' clock at the start (ISO 8601; empty = now): ambient temperature and darkness follow it",
    }),
    statusIntervalS: Type.Number({ minimum: 0.2, default: 5, description: 'seconds between status lines when not on a terminal' }),
    replay: Type.String({ default: '', description: 'replay a recorded trace (CSV or SUMO FCD XML) instead of the traffic model' }),
    replaySpeed: Type.Number({
      minimum: 0.01,
      maximum: 10_000,
      default: 1,
      description: 'replay speed factor: 1 = the recorded pace, 10 = ten times faster',
    }),
    replayTimestamps: Type.Union([Type.Literal('rebased'), Type.Literal('recorded')], {
      default: 'rebased',
      description: "rebased: the cars' timestamps start at the start time and run at the scaled pace; recorded: as in the trace",
    }),
    replayIds: Type.Union([Type.Literal(''), Type.Literal('vin'), Type.Literal('map')], {
      default: '',
      description: 'vin: trace ids must be VINs; map: other ids get generated VINs (default: vin for CSV, map for FCD)',
    }),
    replayBegin: Type.String({ default: '', description: 'SUMO FCD: the epoch of FCD time 0 (ISO 8601)' }),
  },
  { additionalProperties: false, default: {} },
);

export type SimConfig = Static<typeof simConfigSchema>;

export interface BrokerAddress {
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
  /** MQTT over WebSocket (ws://, wss://): the URL's path (default /mqtt). */
  readonly websocketPath?: string;
}

/** Plain, serialisable settings of one simulator run (what workers and child processes get). */
export interface SimSettings {
  /** The first of `brokers`. */
  readonly broker: BrokerAddress;
  /** Every broker address given: car i starts on brokers[i % n] and moves to the next on reconnect. */
  readonly brokers: readonly BrokerAddress[];
  readonly cars: number;
  readonly seed: string;
  readonly city: string;
  readonly scenario: string;
  readonly durationMs: number;
  readonly protocolVersion: 4 | 5;
  readonly qos: 0 | 1 | 2;
  readonly rateHz: number;
  readonly speedup: number;
  readonly codec: 'json' | 'binary';
  readonly rampPerSecond: number;
  readonly credentials: 'fleet-key' | 'none';
  readonly fleetKey: string;
  readonly caFile: string;
  readonly clean: boolean;
  readonly sessionExpiryS: number;
  readonly keepaliveS: number;
  readonly connectTimeoutMs: number;
  /** Reconnect backoff (mqtt/backoff.ts; the jitter seeded per car); undefined = mqtt's defaultBackoff. */
  readonly reconnect?: { readonly baseMs: number; readonly maxMs: number; readonly jitter: number };
  readonly workers: number;
  readonly processes: number;
  readonly maxSocketsPerProcess: number;
  readonly sourceAddresses: readonly string[];
  readonly shard: Shard;
  readonly summaryJson: string;
  readonly groundTruth: string;
  readonly traffic: 'fleet' | 'slice';
  readonly gpsNoiseM: number;
  readonly gpsDriftM: number;
  readonly gpsDriftTauS: number;
  readonly drainTimeoutMs: number;
  readonly commandDelayScale: number;
  readonly parkShare: number;
  readonly initialParkedShare: number;
  readonly parkMinutes: readonly [number, number];
  readonly sleep: boolean;
  /** Share of warned cars with the warned place ahead that take a detour (warned-drivers.ts). */
  readonly rerouteShare: number;
  /** 'faster': a drawn driver takes the detour only when it is expected to be faster. */
  readonly rerouteWhen: 'always' | 'faster';
  readonly coverageHolesPerHour: number;
  readonly coverageHoleS: readonly [number, number];
  readonly statusIntervalMs: number;
  /** Epoch ms of the cars' clock at the start; undefined = the wall clock when the run starts. */
  readonly startEpochMs: number | undefined;
  /** Trace replay (`--replay FILE`); undefined = the traffic model. */
  readonly replay: ReplaySettings | undefined;
}

/** `--replay` and its options. In replay mode `speedup` is the replay speed. */
export interface ReplaySettings {
  readonly file: string;
  readonly timestamps: 'rebased' | 'recorded';
  /** undefined = the format's default (CSV 'vin', FCD 'map'). */
  readonly vehicleIds: 'vin' | 'map' | undefined;
  /** FCD: epoch ms of FCD time 0; undefined = not given. */
  readonly beginEpochMs: number | undefined;
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "90s", "10m", "1h", "1500ms" or a bare number of seconds -> ms. */
export function parseDuration(text: string, key = 'sim.duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (m === null) throw new V2xError('CONFIG_INVALID', `${key}: expected a duration such as 90s, 10m or 1h (got ${JSON.stringify(text)})`);
  return Math.round(Number(m[1]) * (UNITS[m[2] ?? 's'] as number));
}

export function parseBrokerUrl(url: string): BrokerAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new V2xError('CONFIG_INVALID', `sim.broker: not a URL: ${JSON.stringify(url)} (expected mqtt://host:port)`);
  }
  const ws = u.protocol === 'ws:' || u.protocol === 'wss:';
  const tls = u.protocol === 'mqtts:' || u.protocol === 'ssl:' || u.protocol === 'tls:' || u.protocol === 'wss:';
  if (!tls && !ws && u.protocol !== 'mqtt:' && u.protocol !== 'tcp:') {
    throw new V2xError('CONFIG_INVALID', `sim.broker: unsupported scheme ${u.protocol} (use mqtt://, mqtts://, ws:// or wss://)`);
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host === '') throw new V2xError('CONFIG_INVALID', `sim.broker: no host in ${JSON.stringify(url)}`);
  if (!ws) return { tls, host, port: u.port === '' ? (tls ? 8883 : 1883) : Number(u.port) };
  const port = u.port === '' ? (tls ? 443 : 80) : Number(u.port);
  return { tls, host, port, websocketPath: u.pathname === '' || u.pathname === '/' ? '/mqtt' : u.pathname };
}

function parseStartTime(text: string, key = 'sim.startTime'): number | undefined {
  if (text === '') return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new V2xError('CONFIG_INVALID', `${key}: not an ISO 8601 time: ${JSON.stringify(text)}`);
  return ms;
}

type ReplayInput = Pick<SimConfig, 'replay' | 'replaySpeed' | 'replayTimestamps' | 'replayIds' | 'replayBegin' | 'speedup'>;

function resolveReplay(c: ReplayInput): ReplaySettings | undefined {
  if (c.replay === '') {
    if (c.replaySpeed !== 1) throw new V2xError('CONFIG_INVALID', 'sim.replaySpeed: only applies with --replay FILE');
    return undefined;
  }
  if (c.speedup !== 1) {
    throw new V2xError('CONFIG_INVALID', `sim.speedup: does not apply to a replay (got ${c.speedup}); use --replay-speed N`);
  }
  return {
    file: c.replay,
    timestamps: c.replayTimestamps,
    vehicleIds: c.replayIds === '' ? undefined : c.replayIds,
    beginEpochMs: parseStartTime(c.replayBegin, 'sim.replayBegin'),
  };
}

type Input = { readonly [K in keyof SimConfig]: SimConfig[K] extends (infer U)[] ? readonly U[] : SimConfig[K] };

export function resolveSimSettings(c: Input): SimSettings {
  let shard: Shard;
  try {
    shard = parseShard(c.shard);
  } catch (err) {
    throw new V2xError('SHARD_INVALID', `sim.shard: ${(err as Error).message}`, { cause: err });
  }
  const range = (v: readonly number[], key: string): [number, number] => {
    const lo = v[0] ?? 0;
    const hi = v[1] ?? lo;
    if (hi < lo) throw new V2xError('CONFIG_INVALID', `${key}: the upper bound is below the lower one (${lo}, ${hi})`);
    return [lo, hi];
  };
  for (const a of c.sourceAddresses) {
    if (!/^[0-9.]+$|:/.test(a)) throw new V2xError('CONFIG_INVALID', `sim.sourceAddresses: not an IP address: ${JSON.stringify(a)}`);
  }
  const brokers = c.broker
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '')
    .map(parseBrokerUrl);
  if (brokers.length === 0) throw new V2xError('CONFIG_INVALID', 'sim.broker: no broker URL given');
  if (c.reconnectBaseMs > c.reconnectMaxMs)
    throw new V2xError(
      'CONFIG_INVALID',
      `sim.reconnectBaseMs (${c.reconnectBaseMs}) must not be above sim.reconnectMaxMs (${c.reconnectMaxMs})`,
    );
  if (new Set(brokers.map((b) => b.tls)).size > 1) throw new V2xError('CONFIG_INVALID', 'sim.broker: mixes mqtt:// and mqtts:// URLs');
  if (new Set(brokers.map((b) => b.websocketPath !== undefined)).size > 1)
    throw new V2xError('CONFIG_INVALID', 'sim.broker: mixes ws:// and mqtt:// URLs (use one transport for all brokers)');
  return {
    broker: brokers[0] as BrokerAddress,
    brokers,
    cars: c.cars,
    seed: c.seed,
    city: c.city,
    scenario: c.scenario,
    durationMs: parseDuration(c.duration),
    protocolVersion: c.mqttVersion === '5' ? 5 : 4,
    qos: c.qos as 0 | 1 | 2,
    rateHz: c.rate,
    // a replay runs on its own clock: recorded time x the replay speed
    speedup: c.replay === '' ? c.speedup : c.replaySpeed,
    codec: c.codec,
    rampPerSecond: c.rampRate,
    credentials: c.credentials,
    fleetKey: c.fleetKey,
    caFile: c.caFile,
    clean: c.clean,
    sessionExpiryS: c.sessionExpiryS,
    keepaliveS: c.keepalive,
    connectTimeoutMs: Math.round(c.connectTimeoutS * 1000),
    reconnect: { baseMs: c.reconnectBaseMs, maxMs: c.reconnectMaxMs, jitter: c.reconnectJitter },
    workers: c.workers,
    processes: c.processes,
    maxSocketsPerProcess: c.maxSocketsPerProcess,
    sourceAddresses: [...c.sourceAddresses],
    shard,
    summaryJson: c.summaryJson,
    groundTruth: c.groundTruth,
    traffic: c.traffic,
    gpsNoiseM: c.gpsNoiseM,
    gpsDriftM: c.gpsDriftM,
    gpsDriftTauS: c.gpsDriftTauS,
    drainTimeoutMs: Math.round(c.drainTimeoutS * 1000),
    commandDelayScale: c.commandDelayScale,
    parkShare: c.parkShare,
    initialParkedShare: c.initialParkedShare,
    parkMinutes: range(c.parkMinutes, 'sim.parkMinutes'),
    sleep: c.sleep,
    rerouteShare: c.rerouteShare,
    rerouteWhen: c.rerouteWhen,
    coverageHolesPerHour: c.coverageHolesPerHour,
    coverageHoleS: range(c.coverageHoleS, 'sim.coverageHoleS'),
    statusIntervalMs: Math.round(c.statusIntervalS * 1000),
    startEpochMs: parseStartTime(c.startTime),
    replay: resolveReplay(c),
  };
}
