/**
 * The KafkaWriter of a service (commands, geofencing, traffic): the one write path with the
 * services' settings. No linger (a service's records go out at once; what arrives while a batch is
 * in flight shares the next: group commit), retries from 100 ms to 5 s while Kafka is away, refused
 * records to the dead-letter topic of the service's topic prefix, retries and refusals logged under
 * the service's name.
 */
import type { Clock } from '../../core/clock.js';
import { logger } from '../../core/log.js';
import { kafkaTopicName } from '../../protocol/index.js';
import type { Producer } from './types.js';
import { KafkaWriter, type KafkaWriterEvents } from './writer.js';

export interface ServiceWriterOptions {
  /** The service: log component and the writer's name in dead letters. */
  readonly name: string;
  readonly topicPrefix: string;
  readonly clock: Clock;
  /** Records per produce batch at most; default 1000. */
  readonly maxBatchRecords?: number;
  /** Records waiting before the writer pushes back; default 10,000. */
  readonly maxBufferedRecords?: number;
  readonly onBatch?: KafkaWriterEvents['onBatch'];
}

export function serviceWriter(producer: Producer, o: ServiceWriterOptions): KafkaWriter {
  const log = logger(o.name);
  return new KafkaWriter(
    producer,
    {
      name: o.name,
      maxBatchRecords: o.maxBatchRecords ?? 1000,
      maxBatchBytes: 4 * 1024 * 1024,
      lingerMs: 0,
      maxBufferedRecords: o.maxBufferedRecords ?? 10_000,
      retry: { minMs: 100, maxMs: 5000 },
      deadLetterTopic: kafkaTopicName('deadletter', o.topicPrefix),
      clock: o.clock,
    },
    {
      ...(o.onBatch ? { onBatch: o.onBatch } : {}),
      onRetry: (err, delayMs) => log.warn({ err: err.message, delayMs }, `producing ${o.name} records failed; retrying`),
      onDeadLetter: (record, err) =>
        log.error({ err: err.message, topic: record.topic, key: record.key }, `Kafka refused a ${o.name} record for good; dead-lettered`),
    },
  );
}
