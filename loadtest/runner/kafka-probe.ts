/**
 * The Kafka probe (`e2e.probe: kafka`): end-to-end latency measured where the backend's bridge
 * writes the cars' telemetry, a consumer of the telemetry topic in a group of its own that starts
 * from the latest offsets before the fleet starts. Each record's value is the car's payload (JSON
 * or binary), read by the same TelemetryObserver as the subscriber probe: arrival at this consumer
 * minus the car's timestamp, and loss, duplicates and reordering from the sequence numbers. Where
 * Kafka is: the scenario's `profile.e2e.kafka`, else the config the CLI read (KAFKA_BROKERS,
 * bridge.topicPrefix). Decision record 0018.
 */
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock.js';
import { V2xError } from '../../core/errors.js';
import { logger } from '../../core/log.js';
import type { Consumer, KafkaClient } from '../../backend/kafka/types.js';
import { kafkaTopicName } from '../../protocol/kafka.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { LoadScenario } from '../scenario/scenario.js';
import type { E2eProbe } from './probe.js';
import { TelemetryObserver } from './telemetry-observer.js';

const log = logger('loadtest-kafka-probe');

/** Kafka as the CLI's config knows it (kafka.brokers, bridge.topicPrefix). */
export interface KafkaDefaults {
  readonly brokers: readonly string[];
  readonly topicPrefix: string;
}

export interface KafkaProbeTarget {
  readonly brokers: readonly string[];
  /** The bridge's telemetry topic. */
  readonly topic: string;
}

/**
 * Where the Kafka probe reads, or undefined when the scenario does not probe at Kafka. No brokers
 * anywhere is a SCENARIO_INVALID naming the field (exit 2, before anything starts).
 */
export function kafkaProbeTarget(scenario: LoadScenario, defaults: KafkaDefaults | undefined): KafkaProbeTarget | undefined {
  const e2e = scenario.profile.e2e;
  if (e2e.probe !== 'kafka') return undefined;
  const brokers = e2e.kafka?.brokers ?? defaults?.brokers ?? [];
  if (brokers.length === 0) {
    const problem = {
      field: 'profile.e2e.kafka.brokers',
      message: 'probe "kafka" needs Kafka brokers: give a list of host:port here, or set KAFKA_BROKERS',
    };
    throw new V2xError('SCENARIO_INVALID', `${problem.field}: ${problem.message}`, { details: { problems: [problem] } });
  }
  return { brokers, topic: kafkaTopicName('telemetry', e2e.kafka?.topicPrefix ?? defaults?.topicPrefix ?? '') };
}

export interface KafkaProbeOptions {
  readonly kafka: KafkaClient;
  readonly topic: string;
  /** VINs to probe (the record key); undefined = every car. */
  readonly vins?: readonly string[];
  readonly clock?: Clock;
}

export class KafkaProbe implements E2eProbe {
  readonly #options: KafkaProbeOptions;
  readonly #observer: TelemetryObserver;
  readonly #vins: ReadonlySet<string> | undefined;
  #consumer: Consumer | undefined;

  constructor(options: KafkaProbeOptions) {
    this.#options = options;
    this.#observer = new TelemetryObserver(options.clock ?? systemClock);
    this.#vins = options.vins === undefined ? undefined : new Set(options.vins);
  }

  get received(): number {
    return this.#observer.received;
  }

  /** Joins a group of its own on the telemetry topic, from the latest offsets. */
  async start(): Promise<void> {
    const o = this.#options;
    const consumer = await o.kafka.consumer({ groupId: `v2x-loadtest-probe-${randomUUID()}`, topics: [o.topic], fromBeginning: false });
    this.#consumer = consumer;
    try {
      await consumer.start((records) => {
        for (const r of records) {
          if (r.value === null) continue;
          if (this.#vins !== undefined && (r.key === null || !this.#vins.has(r.key))) continue;
          this.#observer.observe(r.value);
        }
        return Promise.resolve();
      });
    } catch (err) {
      await this.close();
      throw new V2xError('KAFKA_UNAVAILABLE', `the Kafka probe could not join a group on ${o.topic} at ${o.kafka.brokers.join(',')}`, {
        cause: err,
      });
    }
    log.debug({ topic: o.topic }, 'kafka probe consuming');
  }

  attach(collector: MetricsCollector, startEpochMs: number): void {
    this.#observer.attach(collector, startEpochMs);
  }

  drained(quietMs: number, maxMs: number): Promise<void> {
    return this.#observer.drained(quietMs, maxMs);
  }

  async close(): Promise<void> {
    const c = this.#consumer;
    this.#consumer = undefined;
    await c?.close();
  }
}
