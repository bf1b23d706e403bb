/**
 * The bridge, built from its parts: Kafka producers (acks=all, idempotent), one per lane of the
 * LanedSink (a car always in the same lane) plus the express lane for the cars' command results,
 * the ingest function that brokers hand car messages to, and the commands consumer (Kafka -> MQTT) once a
 * publisher is attached. Built apart from any broker so the same bridge serves the embedded one
 * (through its publish hook) and an external one (through a subscription).
 */
import { systemClock, type Clock } from '../../core/clock.js';
import { logger } from '../../core/log.js';
import { kafkaTopicName } from '../../protocol/index.js';
import type { DeepReadonly } from '../../core/config/load.js';
import type { BackendConfig } from '../config.js';
import type { Consumer, KafkaClient, Producer } from '../kafka/types.js';
import type { BridgeMetrics } from '../metrics/bridge-metrics.js';
import { startCommandsOut } from './commands-out.js';
import { startWarningsOut, type WarningsOut } from '../services/traffic/warnings-out.js';
import { createIngest, type Ingest } from './ingest.js';
import { KafkaSink } from './kafka-sink.js';
import { LanedSink, type ExpressLane, type RecordSink } from './laned-sink.js';
import type { MqttPublisher } from './publisher.js';

export type BridgeConfig = DeepReadonly<BackendConfig['bridge']>;

export interface Bridge {
  readonly ingest: Ingest;
  readonly sink: RecordSink;
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

export async function startBridge(deps: BridgeDeps): Promise<Bridge> {
  const { config, metrics } = deps;
  const clock = deps.clock ?? systemClock;
  const producers: Producer[] = [];
  const lanes: KafkaSink[] = [];
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
  const sink: RecordSink = new LanedSink(lanes, express);

  function newLane(producer: Producer, lingerMs: number): KafkaSink {
    return new KafkaSink(
      producer,
      {
        maxBatchRecords: config.maxBatchRecords,
        maxBatchBytes: config.maxBatchBytes,
        lingerMs,
        maxBufferedRecords: Math.max(1, Math.ceil(config.maxBufferedRecords / config.producers)),
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
  }
  const ingest = createIngest({
    sink,
    route: { topicPrefix: config.topicPrefix, refusedBy: 'bridge', maxClockSkewMs: config.maxClockSkewMs },
    ...(metrics ? { metrics } : {}),
    now: () => clock.now(),
  });
  /** Per attached publisher (by name): its commands consumer and its hazard-warnings forwarder. */
  const downlinks = new Map<string, { commands: Consumer; warnings: Promise<WarningsOut | undefined> }>();

  return {
    ingest,
    sink,
    async attachPublisher(publisher, name = '') {
      if (!config.commands || downlinks.has(name)) return;
      // each broker of several gets every command and warning (only the car's own broker delivers it)
      const group = (what: string): string => `${config.topicPrefix}v2x-bridge-${what}${name === '' ? '' : `-${name}`}`;
      // hazard warnings (traffic service -> cars): started in the background, not on the startup path
      const warnings = startWarningsOut({
        kafka: deps.kafka,
        publisher,
        topicPrefix: config.topicPrefix,
        groupId: group('warnings'),
        now: () => clock.now(),
      }).catch((err: unknown) => {
        log.warn({ err: (err as Error).message }, 'hazard warnings are not forwarded to cars');
        return undefined;
      });
      const commands = await startCommandsOut({
        kafka: deps.kafka,
        publisher,
        sink,
        topicPrefix: config.topicPrefix,
        groupId: group('commands'),
        ...(metrics ? { metrics } : {}),
        now: () => clock.now(),
      });
      downlinks.set(name, { commands, warnings });
    },
    async close(timeoutMs = 10_000) {
      for (const d of downlinks.values()) {
        await d.commands.close();
        await (await d.warnings)?.consumer.close();
      }
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
