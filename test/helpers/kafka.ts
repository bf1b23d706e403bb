/**
 * Kafka for tests. `testKafka(t)` gives the bootstrap brokers: KAFKA_BROKERS when set (the test
 * runner starts one shared Kafka and sets it), else a local Kafka started for this test file and
 * stopped when the file is done. `ownKafka(t)` is a private one (fault tests), stopped in t.after.
 * `uniqueTopic(prefix)` names a topic no other test uses.
 */
import { randomBytes } from 'node:crypto';
import { createTopicsAndWait } from '../../backend/kafka/kafkajs-client.js';
import type { Admin } from 'kafkajs';
import type { KafkaClientName } from '../../backend/kafka/types.js';
import { loadConfig, type DeepReadonly } from '../../core/config/load.js';
import { configSchema, type Config } from '../../app/config-schema.js';
import { defaultCacheDir, startLocalKafka, type LocalKafka, type StartLocalOptions } from '../../infra/kafka/index.js';

interface AfterHook {
  after(fn: () => unknown): void;
}

/** The config a test process would get: defaults < environment (+ overrides as flags). */
export function testConfig(overrides: Record<string, unknown> = {}): DeepReadonly<Config> {
  return loadConfig(configSchema, { env: process.env, flags: overrides, defaults: { kafka: { cacheDir: defaultCacheDir(process.env) } } });
}

/**
 * The Kafka client library the tests' backends run on: `kafka.client` from the environment
 * (`V2X_KAFKA__CLIENT=platformatic`, passed on by run-tests), the default library otherwise.
 */
export function testKafkaClient(): KafkaClientName {
  return testConfig().kafka.client;
}

export interface TestKafka {
  readonly brokers: string[];
  /** The local Kafka when this file started one; undefined when KAFKA_BROKERS was given. */
  readonly local: LocalKafka | undefined;
}

let shared: Promise<TestKafka> | undefined;

/**
 * Bootstrap brokers for a test. Without KAFKA_BROKERS, the first call in a test file starts a local
 * Kafka that every test of the file shares; it is stopped when the file's process has nothing left
 * to do (beforeExit), on Ctrl-C/SIGTERM (core/lifecycle) and, if the process is killed, by the
 * parent-watch guard. Not in t.after: node:test runs after-hooks in registration order, so a stop
 * registered there would run before the test's own client cleanups, which then hang on a dead broker.
 */
export async function testKafka(_t?: AfterHook): Promise<TestKafka> {
  const fromEnv = process.env.KAFKA_BROKERS;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return {
      brokers: fromEnv
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      local: undefined,
    };
  }
  if (shared === undefined) {
    const started = startLocalKafka(testConfig().kafka);
    shared = started.then((k) => ({ brokers: k.brokers, local: k }));
    let stopping = false;
    process.on('beforeExit', () => {
      if (stopping) return;
      stopping = true;
      void started.then((k) => k.stop()).catch(() => {});
    });
  }
  return shared;
}

/**
 * A local Kafka of the test's own (fault tests stop and restart its nodes), stopped in t.after,
 * whatever KAFKA_BROKERS says.
 */
export async function ownKafka(t: AfterHook, opts: StartLocalOptions = {}): Promise<LocalKafka> {
  const k = await startLocalKafka(testConfig().kafka, opts);
  // After-hooks run in registration order, and a hook added while they run goes to the end: so the
  // stop runs after the cleanups of clients the test registers later. beforeExit is the backstop.
  t.after(() => t.after(() => k.stop()));
  process.once('beforeExit', () => void k.stop().catch(() => {}));
  return k;
}

/** `prefix-<time>-<random>`: unique across test files and runs sharing one Kafka. */
export function uniqueTopic(prefix = 'test'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/**
 * Creates a topic and waits until every partition has a leader. Not kafkajs's
 * `createTopics({ waitForLeaders: true })`: that retries only on LEADER_NOT_AVAILABLE, while a
 * KRaft broker whose metadata lags the controller answers UNKNOWN_TOPIC_OR_PARTITION for a moment
 * (seen on a loaded 2-core machine with 4.4.0; kafkajs issues #815 and #1563).
 */
export async function createTopicAndWait(
  admin: Admin,
  topic: { topic: string; numPartitions?: number; replicationFactor?: number },
  timeoutMs = 30_000,
): Promise<void> {
  await createTopicsAndWait(admin, [topic], timeoutMs);
}
