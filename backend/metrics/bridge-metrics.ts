/** Prometheus metrics of the broker and the bridge, on one registry served at /metrics. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { HOP_BUCKETS_S } from '../../core/latency-hops.js';
import { HopMetrics } from './hop-metrics.js';

export interface BridgeMetrics {
  readonly registry: Registry;
  readonly recordsIn: Counter<'kind'>;
  readonly recordsOut: Counter<'topic'>;
  readonly deadLetters: Counter<'reason'>;
  readonly batchSize: Histogram;
  readonly produceLatency: Histogram;
  readonly bufferDepth: Gauge;
  readonly carToKafkaLag: Histogram;
  readonly produceRetries: Counter;
  readonly refusals: Counter<'action' | 'reason'>;
  readonly connectedClients: Gauge;
  /** CONNECTs that reached the broker's authentication step, by outcome (accepted, refused: any reason). */
  readonly connects: Counter<'outcome'>;
  readonly commandsOut: Counter<'result'>;
  readonly warningsOut: Counter<'result'>;
  /** Hop latencies from the car's timestamp (decision 0030), every role of the process. */
  readonly hops: HopMetrics;
}

export function createBridgeMetrics(registry = new Registry(), withProcessMetrics = true): BridgeMetrics {
  if (withProcessMetrics) collectDefaultMetrics({ register: registry, prefix: 'v2x_' });
  const r = [registry];
  return {
    registry,
    recordsIn: new Counter({
      name: 'v2x_bridge_mqtt_messages_total',
      help: 'MQTT messages received by the bridge, by kind',
      labelNames: ['kind'],
      registers: r,
    }),
    recordsOut: new Counter({
      name: 'v2x_bridge_kafka_records_total',
      help: 'records acknowledged by Kafka, by topic',
      labelNames: ['topic'],
      registers: r,
    }),
    deadLetters: new Counter({
      name: 'v2x_bridge_deadletter_total',
      help: 'messages sent to the dead-letter topic, by reason code',
      labelNames: ['reason'],
      registers: r,
    }),
    batchSize: new Histogram({
      name: 'v2x_bridge_batch_records',
      help: 'records per Kafka produce batch',
      buckets: [1, 5, 10, 50, 100, 250, 500, 1000, 2500, 5000],
      registers: r,
    }),
    produceLatency: new Histogram({
      name: 'v2x_bridge_produce_seconds',
      help: 'Kafka produce latency per batch (acks=all)',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: r,
    }),
    bufferDepth: new Gauge({ name: 'v2x_bridge_buffer_records', help: 'records waiting for a Kafka acknowledgement', registers: r }),
    carToKafkaLag: new Histogram({
      name: 'v2x_bridge_car_to_kafka_seconds',
      help: 'from the car timestamp to the Kafka acknowledgement (live and stored together; v2x_hop_seconds{hop="kafka"} splits them)',
      buckets: [...HOP_BUCKETS_S],
      registers: r,
    }),
    produceRetries: new Counter({ name: 'v2x_bridge_produce_retries_total', help: 'Kafka produce batches retried', registers: r }),
    refusals: new Counter({
      name: 'v2x_broker_refusals_total',
      help: 'connections, publishes and subscriptions refused',
      labelNames: ['action', 'reason'],
      registers: r,
    }),
    connectedClients: new Gauge({
      name: 'v2x_broker_connected_clients',
      help: 'MQTT clients connected to the embedded broker',
      registers: r,
    }),
    connects: new Counter({
      name: 'v2x_broker_connects_total',
      help: 'CONNECTs that reached authentication, by outcome: accepted, or refused (v2x_broker_refusals_total says why, e.g. connect_rate)',
      labelNames: ['outcome'],
      registers: r,
    }),
    commandsOut: new Counter({
      name: 'v2x_bridge_commands_published_total',
      help: 'command requests published to cars',
      labelNames: ['result'],
      registers: r,
    }),
    warningsOut: new Counter({
      name: 'v2x_bridge_warnings_published_total',
      help: 'hazard warnings published to cars',
      labelNames: ['result'],
      registers: r,
    }),
    hops: new HopMetrics(registry),
  };
}
