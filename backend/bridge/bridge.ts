/**
 * The bridge, built from its parts: a Kafka producer (acks=all) behind the KafkaSink, the ingest
 * function that brokers hand car messages to, and the commands consumer (Kafka -> MQTT) once a
 * publisher is attached. Built apart from any broker so the same bridge serves the embedded one
 * (through its publish hook) and an external one (through a subscription).
 */
import { systemClock, type Clock } from '../../core/clock.js';
import { logger } from '../../core/log.js';
import type { DeepReadonly } from '../../core/config/load.js';
import type { Config } from '../../core/config/schema.js';
import type { Consumer, KafkaClient, Producer } from '../kafka/types.js';
import type { BridgeMetrics } from '../metrics/bridge-metrics.js';
import { startCommandsOut } from './commands-out.js';
import { createIngest, type Ingest } from './ingest.js';
import { KafkaSink } from './kafka-sink.js';
import type { MqttPublisher } from './publisher.js';

export type BridgeConfig = DeepReadonly<Config['bridge']>;

export interface Bridge {
  readonly ingest: Ingest;
  readonly sink: KafkaSink;
  /** Starts forwarding the commands topic to cars through this publisher. */
  attachPublisher(publisher: MqttPublisher): Promise<void>;
  /** Flushes what is buffered (bounded by timeoutMs), then closes the Kafka clients. */
  close(timeoutMs?: number): Promise<void>;
}

export interface BridgeDeps {
  readonly kafka: KafkaClient;
  readonly config: BridgeConfig;
  readonly metrics?: BridgeMetrics;
  readonly clock?: Clock;
}

const log = logger('bridge');

export async function startBridge(deps: BridgeDeps): Promise<Bridge> {
  const { config, metrics } = deps;
  const clock = deps.clock ?? systemClock;
  const producer: Producer = await deps.kafka.producer({ acksAll: true, idempotent: true });
  const sink = new KafkaSink(
    producer,
    {
      maxBatchRecords: config.maxBatchRecords,
      maxBatchBytes: config.maxBatchBytes,
      lingerMs: config.lingerMs,
      maxBufferedRecords: config.maxBufferedRecords,
      retryMinMs: 50,
      retryMaxMs: config.retryMaxMs,
      clock,
    },
    {
      onBatch(records, _bytes, ms) {
        metrics?.batchSize.observe(records);
        metrics?.produceLatency.observe(ms / 1000);
        metrics?.bufferDepth.set(sink.depth);
      },
      onRetry(err, delayMs) {
        metrics?.produceRetries.inc();
        metrics?.bufferDepth.set(sink.depth);
        log.warn(
          { err: (err as Error).message, delayMs, buffered: sink.depth },
          'Kafka produce failed; retrying (cars are not acknowledged meanwhile)',
        );
      },
      onDrain() {
        log.info('Kafka buffer drained below half; acknowledging again');
      },
    },
  );
  const ingest = createIngest({
    sink,
    route: { topicPrefix: config.topicPrefix, refusedBy: 'bridge' },
    ...(metrics ? { metrics } : {}),
    now: () => clock.now(),
  });
  let commands: Consumer | undefined;

  return {
    ingest,
    sink,
    async attachPublisher(publisher) {
      if (!config.commands || commands !== undefined) return;
      commands = await startCommandsOut({
        kafka: deps.kafka,
        publisher,
        sink,
        topicPrefix: config.topicPrefix,
        groupId: `${config.topicPrefix}v2x-bridge-commands`,
        ...(metrics ? { metrics } : {}),
        now: () => clock.now(),
      });
    },
    async close(timeoutMs = 10_000) {
      await commands?.close();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const r = await Promise.race([sink.flushed().then(() => 'flushed' as const), timedOut]);
      clearTimeout(timer);
      if (r === 'timeout') {
        log.warn(
          { unacknowledged: sink.depth },
          'closing with records Kafka has not acknowledged; their senders were not acknowledged either',
        );
        sink.abort(new Error('bridge closed before Kafka acknowledged'));
      }
      await producer.close();
    },
  };
}
