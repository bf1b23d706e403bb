/**
 * createKafkaClient: the one place that picks the library behind the Kafka boundary (types.ts) by
 * `kafka.client` (decision 0031). Each adapter module is loaded on first use, so a process loads
 * only the library it runs on (and the optional native one, confluent, only when asked for).
 */
import { V2xError } from '../../core/errors.js';
import { KAFKA_CLIENTS, type KafkaClient, type KafkaClientName, type KafkaClientOptions } from './types.js';

/** The library used when `kafka.client` is not given (decision 0031). */
export const DEFAULT_KAFKA_CLIENT: KafkaClientName = 'kafkajs';

type Factory = (options: KafkaClientOptions) => KafkaClient;

const loaders: Record<KafkaClientName, () => Promise<Factory>> = {
  kafkajs: async () => (await import('./kafkajs-client.js')).createKafkajsClient,
  platformatic: async () => (await import('./platformatic-client.js')).createPlatformaticClient,
  confluent: async () => (await import('./confluent-client.js')).createConfluentClient,
};

/** A name from config or a flag, checked: a clear error naming the allowed values otherwise. */
export function kafkaClientName(value: unknown): KafkaClientName {
  if (typeof value === 'string' && (KAFKA_CLIENTS as readonly string[]).includes(value)) return value as KafkaClientName;
  throw new V2xError(
    'CONFIG_INVALID',
    `kafka.client: unknown Kafka client ${JSON.stringify(value)}; expected one of ${KAFKA_CLIENTS.join(', ')}`,
  );
}

export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  if (options.brokers.length === 0) throw new V2xError('CONFIG_INVALID', 'kafka.brokers is empty: no Kafka to connect to');
  const name = kafkaClientName(options.client ?? DEFAULT_KAFKA_CLIENT);
  let client: Promise<KafkaClient> | undefined;
  const get = (): Promise<KafkaClient> =>
    (client ??= loaders[name]().then(
      (factory) => factory(options),
      (err: unknown) => {
        client = undefined;
        throw new V2xError('CONFIG_INVALID', `kafka.client=${name}: its library could not be loaded: ${(err as Error).message}`, {
          cause: err,
        });
      },
    ));
  return {
    brokers: options.brokers,
    name,
    producer: async (o) => (await get()).producer(o),
    consumer: async (o) => (await get()).consumer(o),
    admin: async () => (await get()).admin(),
  };
}
