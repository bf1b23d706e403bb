/** The `kafka` config section: where Kafka is, or how to run a local one. */
import { Type } from '@sinclair/typebox';

export const KAFKA_DEFAULT_VERSION = '4.4.0';

const hostPort = Type.String({ pattern: '^[^\\s:,]+:[0-9]{1,5}$', description: 'host:port' });

export const kafkaConfigSchema = Type.Object(
  {
    brokers: Type.Array(hostPort, {
      default: [],
      description: 'bootstrap servers of an existing cluster (KAFKA_BROKERS); empty = start or reuse a local one',
    }),
    version: Type.String({ pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$', default: KAFKA_DEFAULT_VERSION, description: 'Apache Kafka version to provision' }),
    cacheDir: Type.String({ default: '', description: 'folder for Kafka jars and local broker state (default ~/.cache/v2x-fleet)' }),
    nodes: Type.Union([Type.Literal(1), Type.Literal(3)], { default: 1, description: 'local cluster size: 1, or 3 for fault tests' }),
    heapMb: Type.Integer({ minimum: 128, maximum: 8192, default: 512, description: 'JVM heap per local broker, MB' }),
    startTimeoutS: Type.Integer({ minimum: 5, maximum: 900, default: 120, description: 'how long to wait for a local broker to be ready' }),
    clientId: Type.String({ minLength: 1, default: 'v2x-fleet', description: 'Kafka client id' }),
  },
  { additionalProperties: false, default: {} },
);
