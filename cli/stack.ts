/**
 * Starting the backend stack from a CLI command: Kafka (configured, the dev instance, or a local one
 * owned by this process), then the backend roles. Each part registers its stop with core/lifecycle,
 * so Ctrl-C, SIGTERM or an uncaught error stops whatever has started, newest first.
 */
import { createBackend, type RunningBackend } from '../backend/app.js';
import { createKafkaClient } from '../backend/kafka/index.js';
import type { DeepReadonly } from '../core/config/load.js';
import type { Config } from '../core/config/schema.js';
import { onShutdown } from '../core/lifecycle.js';
import { resolveKafka, type ResolvedKafka } from '../infra/kafka/index.js';
import type { ProgressLine } from './progress.js';

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
    kafka: createKafkaClient({ brokers: kafka.brokers, clientId: config.kafka.clientId }),
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
