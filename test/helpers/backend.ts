/**
 * Test helpers for the backend: a config on free ports with a random Kafka topic prefix, a started
 * backend closed in t.after, a consumer that collects records, and car credentials.
 */
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { loadConfig, type DeepReadonly } from '../../core/config/load.js';
import { configSchema, type Config } from '../../app/config-schema.js';
import { createBackend, type RunningBackend } from '../../backend/app.js';
import { createKafkaClient, type InRecord, type KafkaClient } from '../../backend/kafka/index.js';
import { createBridgeMetrics } from '../../backend/metrics/bridge-metrics.js';
import { carPassword } from '../../protocol/credentials.js';
import { completeVin, encode, statusTopic } from '../../protocol/index.js';
import type { StatusOnline } from '../../protocol/schemas/status.js';
import { onlineStatus } from './status.js';
import { configureLogging } from '../../core/log.js';
import { networkSource } from '../../app/network.js';
import { testKafka, testKafkaClient } from './kafka.js';

export type After = { after(fn: () => unknown): void };

/**
 * A backend config on loopback and free ports, with a fresh Kafka topic prefix, on the tests' Kafka
 * client library (testKafkaClient: V2X_KAFKA__CLIENT); `flags` go on top. No connect-rate limit
 * (mqtt.maxConnectRate 0): tests bring their scenes up with hundreds of clients at once, not as a
 * herd to hold back; test/integration/broker/connect-rate.test.ts sets the limit and tests it.
 */
export function backendConfig(brokers: readonly string[], flags: Record<string, unknown> = {}): DeepReadonly<Config> {
  return loadConfig(configSchema, {
    flags: {
      'kafka.brokers': brokers.join(','),
      'mqtt.host': '127.0.0.1',
      'mqtt.port': 0,
      'mqtt.wsPort': 0,
      'mqtt.maxConnectRate': 0,
      'backend.httpHost': '127.0.0.1',
      'backend.httpPort': 0,
      'bridge.topicPrefix': `t${randomUUID().slice(0, 8)}.`,
      'log.level': 'warn',
      'kafka.client': testKafkaClient(),
      ...flags,
    },
  });
}

/** Builds and starts the backend of `config` in this process; closed in t.after. (Benchmarks use it too.) */
export async function startTestBackend(
  t: After,
  config: DeepReadonly<Config>,
  clientId = 'test-backend',
): Promise<{ backend: RunningBackend; kafka: KafkaClient }> {
  configureLogging(config.log.level);
  const kafka = createKafkaClient({ brokers: config.kafka.brokers, clientId, client: config.kafka.client });
  const backend = await createBackend({
    config,
    network: networkSource(config.sim),
    kafka,
    metrics: createBridgeMetrics(undefined, false),
  }).start();
  t.after(() => backend.close());
  return { backend, kafka };
}

/** Consumes a topic from the beginning into an array; `until(n)` waits for n records or the deadline. */
export async function collect(
  t: After,
  kafka: KafkaClient,
  topic: string,
): Promise<{ records: InRecord[]; until(n: number, timeoutMs?: number): Promise<void> }> {
  const records: InRecord[] = [];
  let wake: (() => void) | undefined;
  const consumer = await kafka.consumer({ groupId: `collect-${randomUUID()}`, topics: [topic], fromBeginning: true });
  t.after(() => consumer.close());
  await consumer.start(async (batch) => {
    records.push(...batch);
    wake?.();
  });
  return {
    records,
    async until(n, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (records.length < n && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(500, Math.max(1, deadline - Date.now())));
        });
      }
    },
  };
}

/** The i-th test VIN: valid check digit, distinct per index. */
export function testVin(i: number): string {
  const serial = String(i).padStart(6, '0');
  return completeVin(`1V2XT0S0XNA${serial}`);
}

export async function connectCar(
  t: After,
  url: string,
  vin: string,
  fleetKey: string,
  options: mqtt.IClientOptions = {},
): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, {
    clientId: vin,
    username: vin,
    password: carPassword(fleetKey, vin),
    reconnectPeriod: 0,
    ...options,
  });
  t.after(() => client.endAsync(true));
  return client;
}

/** Publishes a car's retained `online` status (QoS 1), as a car does when it connects. */
export async function announceOnline(client: MqttClient, vin: string, extra: Partial<StatusOnline> = {}, ts = Date.now()): Promise<void> {
  await client.publishAsync(statusTopic(vin), encode('status', onlineStatus(vin, ts, extra)), { qos: 1, retain: true });
}

/** backendConfig() on the tests' Kafka (testKafka: KAFKA_BROKERS, or the local one of the run). */
export async function testBackendConfig(t: After, flags: Record<string, unknown> = {}): Promise<DeepReadonly<Config>> {
  const { brokers } = await testKafka(t);
  return backendConfig(brokers, flags);
}

/** testBackendConfig() and startTestBackend(): a backend on the tests' Kafka, closed in t.after. */
export async function startBackendOnTestKafka(
  t: After,
  flags: Record<string, unknown> = {},
): Promise<{ config: DeepReadonly<Config>; backend: RunningBackend; kafka: KafkaClient }> {
  const config = await testBackendConfig(t, flags);
  return { config, ...(await startTestBackend(t, config)) };
}
