/** The `kafka` config section: where Kafka is, or how to run a local one. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import type { DeepReadonly } from '../../core/config/load.js';

export const KAFKA_DEFAULT_VERSION = '4.4.0';

const hostPort = Type.String({ pattern: '^[^\\s:,]+:[0-9]{1,5}$', description: 'host:port' });

export const kafkaConfigSchema = Type.Object(
  {
    brokers: Type.Array(hostPort, {
      default: [],
      description: 'bootstrap servers of an existing cluster (KAFKA_BROKERS); empty = start or reuse a local one',
    }),
    version: Type.String({
      pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$',
      default: KAFKA_DEFAULT_VERSION,
      description: 'Apache Kafka version to provision',
    }),
    cacheDir: Type.String({ default: '', description: 'folder for Kafka jars and local broker state (default ~/.cache/v2x-fleet)' }),
    nodes: Type.Union([Type.Literal(1), Type.Literal(3)], { default: 1, description: 'local cluster size: 1, or 3 for fault tests' }),
    heapMb: Type.Integer({ minimum: 128, maximum: 8192, default: 512, description: 'JVM heap per local broker, MB' }),
    startTimeoutS: Type.Integer({ minimum: 5, maximum: 900, default: 120, description: 'how long to wait for a local broker to be ready' }),
    clientId: Type.String({ minLength: 1, default: 'v2x-fleet', description: 'Kafka client id' }),
    client: Type.Union([Type.Literal('kafkajs'), Type.Literal('platformatic'), Type.Literal('confluent')], {
      default: 'kafkajs',
      description:
        'Kafka client library of the backend (decision 0031): kafkajs (2.2.4), platformatic (@platformatic/kafka 1.x), confluent (@confluentinc/kafka-javascript, optional: needs a native build)',
    }),
    stateDir: Type.String({
      default: '',
      description: 'folder of the `v2x kafka start` state file (default <cacheDir>/kafka); tests point it elsewhere',
    }),
    dataDir: Type.String({
      default: '',
      description: 'parent folder of local broker data, one fresh folder per start (default the system temp folder)',
    }),
    javaHome: Type.String({ default: '', description: 'JDK folder whose bin/java and bin/javac to use (default: java and javac on PATH)' }),
  },
  { additionalProperties: false, default: {} },
);

/**
 * The default cache folder, from an environment object passed in (never process.env directly):
 * $XDG_CACHE_HOME/v2x-fleet, else ~/.cache/v2x-fleet. cli/main.ts computes the same default.
 */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const base = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'v2x-fleet');
}

/** The validated, frozen `kafka` section as every function here receives it. */
export type KafkaConfig = DeepReadonly<Static<typeof kafkaConfigSchema>>;
