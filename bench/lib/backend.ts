/**
 * The Kafka and the config of the benchmarks that run the real backend (started by bench/lib/stack.ts): the same
 * config and start-up as the integration tests (test/helpers/backend.ts), with a `bench` topic prefix.
 */
import { randomUUID } from 'node:crypto';
import type { DeepReadonly } from '../../core/config/load.js';
import { loadConfig } from '../../core/config/load.js';
import { configSchema, type Config } from '../../app/config-schema.js';
import { defaultCacheDir, startLocalKafka, type LocalKafka } from '../../infra/kafka/index.js';
import { backendConfig } from '../../test/helpers/backend.js';

/** A local Kafka started through infra/kafka, with the config's default cache folder. */
export function startBenchKafka(onProgress: (line: string) => void): Promise<LocalKafka> {
  const kafkaCfg = loadConfig(configSchema, { defaults: { kafka: { cacheDir: defaultCacheDir(process.env) } } }).kafka;
  return startLocalKafka(kafkaCfg, { onProgress });
}

/** KAFKA_BROKERS when set (`local` undefined), else a local Kafka the caller stops. */
export async function benchKafka(onProgress: (line: string) => void): Promise<{ brokers: readonly string[]; local?: LocalKafka }> {
  const fromEnv = process.env['KAFKA_BROKERS'] ?? '';
  if (fromEnv !== '') return { brokers: fromEnv.split(',') };
  onProgress('starting Kafka');
  const local = await startBenchKafka(onProgress);
  return { brokers: local.brokers, local };
}

/** A backend config on loopback and free ports with a fresh `bench…` topic prefix; `flags` go on top. */
export function benchConfig(brokers: readonly string[], flags: Record<string, unknown> = {}): DeepReadonly<Config> {
  return backendConfig(brokers, { 'bridge.topicPrefix': `bench${randomUUID().slice(0, 8)}.`, ...flags });
}
