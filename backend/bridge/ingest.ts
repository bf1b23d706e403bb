/**
 * MQTT -> Kafka, for any source of car messages (the embedded broker's publish hook, or the
 * bridge's own subscription to an external broker): route, append to the sink, count, and tell
 * the caller when the message may be acknowledged. QoS 1 and 2: once Kafka has it. QoS 0: at
 * once, unless the sink is full, then when it has room (push back without loss of order).
 */
import type { BridgeMetrics } from '../metrics/bridge-metrics.js';
import type { RecordWriter } from '../kafka/writer.js';
import { routeMqttMessage, type RouteContext } from './route.js';

export interface IngestDeps {
  readonly sink: RecordWriter;
  readonly route: RouteContext;
  readonly metrics?: BridgeMetrics;
  readonly now?: () => number;
}

export type Ingest = (topic: string, payload: Buffer, qos: 0 | 1 | 2, receivedAt: number) => Promise<void>;

export function createIngest(deps: IngestDeps): Ingest {
  const { sink, metrics } = deps;
  const now = deps.now ?? Date.now;
  return (topic, payload, qos, receivedAt) => {
    const routed = routeMqttMessage(deps.route, topic, payload, qos, receivedAt);
    let acked = sink.append(routed.record);
    if (metrics !== undefined) {
      metrics.recordsIn.inc({ kind: routed.ok ? routed.kind : 'invalid' });
      if (!routed.ok) metrics.deadLetters.inc({ reason: routed.issue.code });
      const carTs = routed.ok ? routed.carTs : undefined;
      // the hops of the telemetry path (decision 0030): the other kinds' ts is not a fix's time
      const hops = routed.ok && routed.kind === 'telemetry' && carTs !== undefined ? metrics.hops : undefined;
      hops?.observe('broker', 'bridge', { carTs: carTs!, at: receivedAt });
      const topicName = routed.record.topic;
      acked = acked.then(() => {
        metrics.recordsOut.inc({ topic: topicName });
        if (carTs === undefined) return;
        const at = now();
        metrics.carToKafkaLag.observe(Math.max(0, at - carTs) / 1000);
        hops?.observe('kafka', 'bridge', { carTs, at });
      });
    }
    if (qos === 0) {
      acked.catch(() => undefined);
      return sink.capacity();
    }
    return acked;
  };
}
