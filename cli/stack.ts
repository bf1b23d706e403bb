/**
 * Starting the backend stack from a CLI command: Kafka (configured, the dev instance, or a local one
 * owned by this process), then the backend roles. Each part registers its stop with core/lifecycle,
 * so Ctrl-C, SIGTERM or an uncaught error stops whatever has started, newest first.
 */
import { createBackend, type RunningBackend } from '../backend/app.js';
import { createKafkaClient } from '../backend/kafka/index.js';
import type { DeepReadonly } from '../core/config/load.js';
import type { Config } from '../app/config-schema.js';
import { onShutdown } from '../core/lifecycle.js';
import { resolveKafka, type ResolvedKafka } from '../infra/kafka/index.js';
import { startFleetProcess } from '../simulator/runtime/fleet-process.js';
import type { ProgressLine } from './progress.js';
import { networkSource } from '../app/network.js';

export interface Stack {
  readonly kafka: ResolvedKafka;
  readonly backend: RunningBackend;
}

export async function startStack(config: DeepReadonly<Config>, progress: ProgressLine): Promise<Stack> {
  progress.update(config.kafka.brokers.length > 0 ? `connecting to Kafka at ${config.kafka.brokers.join(',')}` : 'starting a local Kafka');
  const kafka = await resolveKafka(config.kafka, { onProgress: (m) => progress.update(m) });
  onShutdown('kafka', () => kafka.stop());
  progress.update(`starting the backend (${config.backend.roles.join(', ')})`);
  const backend = await createBackend({
    config,
    network: networkSource(config.sim),
    kafka: createKafkaClient({ brokers: kafka.brokers, clientId: config.kafka.clientId, fastProduce: config.kafka.fastProduce }),
  }).start();
  onShutdown('backend', () => backend.close());
  return { kafka, backend };
}

/** "kafka 127.0.0.1:41234 | mqtt mqtt://127.0.0.1:1883 | ..." */
export function describeStack({ kafka, backend }: Stack): string {
  const parts = [`kafka ${kafka.brokers.join(',')}${kafka.owned ? '' : ' (external)'}`];
  if (backend.broker) parts.push(`mqtt ${backend.broker.tcpUrl}`, `mqtt-ws ${backend.broker.wsUrl}`);
  if (backend.broker?.tlsUrl) parts.push(`mqtts ${backend.broker.tlsUrl}`);
  if (backend.commands) parts.push(`api ${backend.httpUrl}/api/v1 (docs /api/docs)`);
  parts.push(`metrics ${backend.httpUrl}/metrics`);
  return parts.join(' | ');
}

/** The demo fleet `v2x up` drives, in a child process of its own (simulator/runtime/fleet-process.ts). */
export interface DemoSimulator {
  readonly cars: number;
  readonly brokerUrl: string;
  /** Resolves once every car has connected once (or the run ended). */
  readonly ramped: Promise<void>;
  /** Settles when the run ends: after stop(), or on a failure (unreachable broker...). */
  readonly done: Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Starts `cars` simulated cars (config sim: seed, city, scenario, rate...) against `brokerUrl`, with
 * the embedded broker's fleet key when `embedded`, in a child process so that the cars never share
 * the backend's event loop (decision 0021). Stopped by its registered cleanup, which runs before the
 * backend's (cleanups run newest first): the cars leave before the broker goes.
 */
export async function startDemoSimulator(
  config: DeepReadonly<Config>,
  brokerUrl: string,
  cars: number,
  embedded: boolean,
): Promise<DemoSimulator> {
  const fleet = await startFleetProcess(
    {
      ...config.sim,
      cars,
      broker: brokerUrl,
      duration: '0',
      ...(embedded ? { fleetKey: config.mqtt.fleetKey, credentials: config.mqtt.auth ? ('fleet-key' as const) : ('none' as const) } : {}),
    },
    { logLevel: config.log.level },
  );
  const unregister = onShutdown('simulator', () => fleet.stop());
  return {
    cars: fleet.cars,
    brokerUrl,
    ramped: fleet.ramped,
    done: fleet.done,
    async stop() {
      unregister();
      await fleet.stop();
    },
  };
}
