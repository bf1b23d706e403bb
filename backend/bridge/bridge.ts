/**
 * The bridge, built from its parts: Kafka producers (acks=all, idempotent), one per lane of the
 * LanedSink (a car always in the same lane) plus the express lane for the cars' command results,
 * each lane a KafkaWriter (backend/kafka/writer.ts: the one Kafka write path); the ingest function
 * that brokers hand car messages to; and, once a publisher is attached, the downlinks (Kafka ->
 * MQTT: command requests and hazard warnings, one mechanism in downlink.ts). Built apart from any
 * broker so the same bridge serves the embedded one (through its publish hook) and an external one
 * (through a subscription).
 */
import { systemClock, type Clock } from '../../core/clock.js';
import { logger } from '../../core/log.js';
import { kafkaTopicName } from '../../protocol/index.js';
import type { DeepReadonly } from '../../core/config/load.js';
import type { BackendConfig } from '../config.js';
import type { Consumer, KafkaClient, Producer } from '../kafka/types.js';
import { KafkaWriter, type RecordWriter } from '../kafka/writer.js';
import type { BridgeMetrics } from '../metrics/bridge-metrics.js';
import { startDownlink, type DownlinkKind, type DownlinkResult } from './downlink.js';
import { commandsDownlink, warningsDownlink } from './downlinks.js';
import { createIngest, type Ingest } from './ingest.js';
import { LanedSink, type ExpressLane } from './laned-sink.js';
import type { MqttPublisher } from './publisher.js';

export type BridgeConfig = DeepReadonly<BackendConfig['bridge']>;

export interface Bridge {
  readonly ingest: Ingest;
  readonly sink: RecordWriter;
  /**
   * Starts forwarding the commands topic and hazard warnings to cars through this publisher (unless
   * bridge.commands is false). With several brokers, one publisher each, by name: each gets every
   * record through consumer groups of its own, so a broker that is away holds back only its cars.
   */
  attachPublisher(publisher: MqttPublisher, name?: string): Promise<void>;
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

/**
 * The downlinks, each started the same way. The commands consumer is joined before
 * attachPublisher resolves; the warnings one in the background, off the startup path.
 */
const DOWNLINKS: readonly {
  readonly kind: DownlinkKind<{ readonly vin: string; readonly expiresAt: number }>;
  readonly onStartPath: boolean;
  readonly counter: (m: BridgeMetrics) => BridgeMetrics['commandsOut'];
}[] = [
  { kind: commandsDownlink, onStartPath: true, counter: (m) => m.commandsOut },
  { kind: warningsDownlink, onStartPath: false, counter: (m) => m.warningsOut },
];

export async function startBridge(deps: BridgeDeps): Promise<Bridge> {
  const { config, metrics } = deps;
  const clock = deps.clock ?? systemClock;
  const producers: Producer[] = [];
  const lanes: KafkaWriter[] = [];
  let express: ExpressLane | undefined;
  try {
    for (let i = 0; i < config.producers; i++) {
      const producer = await deps.kafka.producer({ acksAll: true, idempotent: true });
      producers.push(producer);
      lanes.push(newLane(producer, config.lingerMs));
    }
    if (config.expressResults && config.uplink) {
      const producer = await deps.kafka.producer({ acksAll: true, idempotent: true });
      producers.push(producer);
      // a result is sent as soon as the lane is free: no linger
      express = { lane: newLane(producer, 0), topics: new Set([kafkaTopicName('commandResults', config.topicPrefix)]) };
    }
  } catch (err) {
    await Promise.allSettled(producers.map((p) => p.close()));
    throw err;
  }
  const sink: RecordWriter = new LanedSink(lanes, express);

  function newLane(producer: Producer, lingerMs: number): KafkaWriter {
    return new KafkaWriter(
      producer,
      {
        name: 'bridge',
        maxBatchRecords: config.maxBatchRecords,
        maxBatchBytes: config.maxBatchBytes,
        lingerMs,
        maxBufferedRecords: Math.max(1, Math.ceil(config.maxBufferedRecords / config.producers)),
        retry: { minMs: 50, maxMs: config.retryMaxMs },
        deadLetterTopic: kafkaTopicName('deadletter', config.topicPrefix),
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
            { err: err.message, delayMs, buffered: sink.depth },
            'Kafka produce failed; retrying (cars are not acknowledged meanwhile)',
          );
        },
        onDeadLetter(record, err) {
          metrics?.deadLetters.inc({ reason: err.code });
          log.warn(
            { err: err.message, topic: record.topic, key: record.key },
            'Kafka refused a record for good; it goes to the dead-letter topic',
          );
        },
        onDrain() {
          log.info('Kafka buffer drained below half; acknowledging again');
        },
      },
    );
  }
  const ingest = createIngest({
    sink,
    route: { topicPrefix: config.topicPrefix, refusedBy: 'bridge', maxClockSkewMs: config.maxClockSkewMs },
    ...(metrics ? { metrics } : {}),
    now: () => clock.now(),
  });
  /** Per attached publisher (by name): its downlink consumers (a background start may still be joining). */
  const downlinks = new Map<string, Promise<Consumer | undefined>[]>();

  return {
    ingest,
    sink,
    async attachPublisher(publisher, name = '') {
      if (!config.commands || downlinks.has(name)) return;
      const started: Promise<Consumer | undefined>[] = [];
      downlinks.set(name, started);
      for (const { kind, onStartPath, counter } of DOWNLINKS) {
        // each broker of several gets every record (only the car's own broker delivers it)
        const groupId = `${config.topicPrefix}v2x-bridge-${kind.name}${name === '' ? '' : `-${name}`}`;
        const counted = metrics === undefined ? undefined : counter(metrics);
        const start = startDownlink(kind, {
          kafka: deps.kafka,
          publisher,
          writer: sink,
          topicPrefix: config.topicPrefix,
          groupId,
          ...(counted ? { count: (result: DownlinkResult) => counted.inc({ result }) } : {}),
          ...(metrics === undefined ? {} : { hops: metrics.hops }),
          now: () => clock.now(),
        });
        started.push(
          onStartPath
            ? start
            : start.catch((err: unknown) => {
                log.warn({ err: (err as Error).message, downlink: kind.name }, 'this downlink is not forwarded to cars');
                return undefined;
              }),
        );
      }
      // the consumers on the start path are joined before this resolves (a failure fails it)
      await Promise.all(started.filter((_, i) => DOWNLINKS[i]!.onStartPath));
    },
    async close(timeoutMs = 10_000) {
      for (const consumers of downlinks.values()) for (const c of consumers) await (await c.catch(() => undefined))?.close();
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
      await Promise.all(producers.map((p) => p.close()));
    },
  };
}
