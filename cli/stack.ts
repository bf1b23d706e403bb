/**
 * Starting the backend stack from a CLI command: Kafka (configured, the dev instance, or a local one
 * owned by this process), then the backend laid out by app/topology.ts (decision 0026): on a
 * multi-core machine edge processes (broker + uplink; several cluster through Redis, a local
 * redis-server unless stack.redisUrl names one) and a services process on the public HTTP port, run
 * by app/supervisor.ts; with --single-process every role in this process. Each part registers its
 * stop with core/lifecycle, so Ctrl-C, SIGTERM or an uncaught error stops whatever has started,
 * newest first.
 */
import { createBackend, type RunningBackend } from '../backend/app.js';
import { createKafkaClient } from '../backend/kafka/index.js';
import type { DeepReadonly } from '../core/config/load.js';
import type { Config } from '../app/config-schema.js';
import { onShutdown } from '../core/lifecycle.js';
import { resolveLogging } from '../core/log.js';
import { resolveKafka, type ResolvedKafka } from '../infra/kafka/index.js';
import { startLocalRedis } from '../infra/redis/launcher.js';
import { startFleetProcess, type FleetProcess } from '../simulator/runtime/fleet-process.js';
import type { ProgressLine } from './progress.js';
import { networkSource } from '../app/network.js';
import { describePlan, type StackPlan } from '../app/topology.js';
import type { Supervisor } from '../app/supervisor.js';
import { planForConfig, startStackProcesses } from '../app/stack-processes.js';

export interface Stack {
  readonly kafka: ResolvedKafka;
  readonly plan: StackPlan;
  /** The API, the dashboard, /metrics and /health. */
  readonly httpUrl: string;
  /** Every edge's MQTT over TCP address (the cars get them all). */
  readonly mqttUrls: readonly string[];
  /** The first edge's MQTT over WebSocket and TLS addresses. */
  readonly wsUrl: string | undefined;
  readonly tlsUrl: string | undefined;
  /** The Redis the edges cluster through, when there are several. */
  readonly redisUrl: string | undefined;
  /** The roles the stack runs (over all its processes). */
  readonly roles: ReadonlySet<string>;
  /** --single-process: the backend in this process. */
  readonly backend: RunningBackend | undefined;
  /** Several processes: their supervisor. */
  readonly supervisor: Supervisor | undefined;
}

export async function startStack(config: DeepReadonly<Config>, progress: ProgressLine): Promise<Stack> {
  const plan = planForConfig(config);
  progress.update(config.kafka.brokers.length > 0 ? `connecting to Kafka at ${config.kafka.brokers.join(',')}` : 'starting a local Kafka');
  const kafka = await resolveKafka(config.kafka, { onProgress: (m) => progress.update(m) });
  onShutdown('kafka', () => kafka.stop());
  const withKafka: DeepReadonly<Config> = { ...config, kafka: { ...config.kafka, brokers: kafka.brokers } };
  return plan.mode === 'single' ? startSingle(withKafka, plan, kafka, progress) : startSplit(withKafka, plan, kafka, progress);
}

async function startSingle(config: DeepReadonly<Config>, plan: StackPlan, kafka: ResolvedKafka, progress: ProgressLine): Promise<Stack> {
  progress.update(`starting the backend (${config.backend.roles.join(', ')})`);
  const backend = await createBackend({
    config,
    network: networkSource(config.sim),
    kafka: createKafkaClient({ brokers: kafka.brokers, clientId: config.kafka.clientId, client: config.kafka.client }),
  }).start();
  onShutdown('backend', () => backend.close());
  return {
    kafka,
    plan,
    httpUrl: backend.httpUrl,
    mqttUrls: backend.broker ? [backend.broker.tcpUrl] : [],
    wsUrl: backend.broker?.wsUrl,
    tlsUrl: backend.broker?.tlsUrl,
    redisUrl: undefined,
    roles: new Set(config.backend.roles),
    backend,
    supervisor: undefined,
  };
}

async function startSplit(config: DeepReadonly<Config>, plan: StackPlan, kafka: ResolvedKafka, progress: ProgressLine): Promise<Stack> {
  let redisUrl = '';
  if (plan.clustered) {
    redisUrl = config.stack.redisUrl;
    if (redisUrl === '') {
      progress.update('starting a local Redis (the edges share sessions through it)');
      const redis = await startLocalRedis();
      onShutdown('redis', () => redis.stop());
      redisUrl = redis.url;
    }
  }
  const logging = resolveLogging(config.log.level, config.log.format, process.stderr.isTTY === true);
  const box: { stop?: () => Promise<void> } = {};
  const unregister = onShutdown('backend processes', () => box.stop?.());
  const { supervisor, edgeUrls, publicProcess, firstEdge } = await startStackProcesses(config, plan, {
    redisUrl,
    logLevel: logging.level,
    logFormat: logging.format,
    onStarting: (spec) => progress.update(`starting ${spec.name} (${spec.roles.join('+')})`),
  }).catch((err: unknown) => {
    unregister();
    throw err;
  });
  box.stop = () => supervisor.stop();
  const host = firstEdge?.mqttUrl === undefined ? '127.0.0.1' : new URL(firstEdge.mqttUrl).hostname;
  return {
    kafka,
    plan,
    httpUrl: publicProcess.httpUrl,
    mqttUrls: [...edgeUrls],
    wsUrl: firstEdge?.wsPort === undefined ? undefined : `ws://${host}:${firstEdge.wsPort}/mqtt`,
    tlsUrl: firstEdge?.tlsPort === undefined ? undefined : `mqtts://localhost:${firstEdge.tlsPort}`,
    redisUrl: plan.clustered ? redisUrl : undefined,
    roles: new Set(plan.processes.flatMap((p) => p.roles)),
    backend: undefined,
    supervisor,
  };
}

/** "kafka 127.0.0.1:41234 | mqtt mqtt://127.0.0.1:1883 | ..." */
export function describeStack(stack: Stack): string {
  const { kafka } = stack;
  const parts = [`kafka ${kafka.brokers.join(',')}${kafka.owned ? '' : ' (external)'}`];
  if (stack.mqttUrls.length > 0) parts.push(`mqtt ${stack.mqttUrls.join(',')}`);
  if (stack.wsUrl) parts.push(`mqtt-ws ${stack.wsUrl}`);
  if (stack.tlsUrl) parts.push(`mqtts ${stack.tlsUrl}`);
  if (stack.roles.has('commands')) parts.push(`api ${stack.httpUrl}/api/v1 (docs /api/docs)`);
  parts.push(`metrics ${stack.httpUrl}/metrics`);
  return parts.join(' | ');
}

/** "3 processes: edge-1 (broker+bridge), ..." or "one process (--single-process)" */
export function describeLayout(stack: Stack): string {
  const p = stack.plan;
  if (p.mode === 'single') return `one process (${p.reason})`;
  const redis = stack.redisUrl === undefined ? '' : `; edges clustered through ${stack.redisUrl}`;
  return `${p.processes.length} processes for ${p.reason}: ${describePlan(p)}${redis}`;
}

/** The demo fleet `v2x up` drives, in a child process of its own (simulator/runtime/fleet-process.ts). */
export interface DemoSimulator {
  readonly cars: number;
  readonly brokerUrl: string;
  /** Resolves once every car has connected once (or the run ended). */
  readonly ramped: Promise<void>;
  /** Settles when the run ends: after stop(), or on a failure (unreachable broker...). */
  readonly done: Promise<unknown>;
  /** Cars connected now and telemetry sent so far (the fleet's last update, about once a second). */
  sample(): { readonly connected: number; readonly telemetry: number };
  stop(): Promise<void>;
}

/**
 * Starts `cars` simulated cars (config sim: seed, city, scenario, rate...) against `brokerUrl` (one
 * URL, or every edge's, comma-separated: each car starts on one and moves to the next when its
 * connection fails), with the embedded broker's fleet key when `embedded`, in a child process so that
 * the cars never share the backend's event loop (decision 0021), at niceness stack.fleetNice so the
 * backend gets the cores first. Stopped by its registered cleanup, which runs before the backend's
 * (cleanups run newest first): the cars leave before the broker goes.
 */
export async function startDemoSimulator(
  config: DeepReadonly<Config>,
  brokerUrl: string,
  cars: number,
  embedded: boolean,
): Promise<DemoSimulator> {
  const logging = resolveLogging(config.log.level, config.log.format, process.stderr.isTTY === true);
  const fleet: FleetProcess = await startFleetProcess(
    {
      ...config.sim,
      cars,
      broker: brokerUrl,
      duration: '0',
      ...(embedded ? { fleetKey: config.mqtt.fleetKey, credentials: config.mqtt.auth ? ('fleet-key' as const) : ('none' as const) } : {}),
    },
    { logLevel: logging.level, logFormat: logging.format, nice: config.stack.fleetNice },
  );
  const unregister = onShutdown('simulator', () => fleet.stop());
  return {
    cars: fleet.cars,
    brokerUrl,
    ramped: fleet.ramped,
    done: fleet.done,
    sample: () => ({ connected: fleet.latest()?.connected ?? 0, telemetry: fleet.latest()?.telemetry ?? 0 }),
    async stop() {
      unregister();
      await fleet.stop();
    },
  };
}
