/**
 * Kafka -> MQTT for hazard warnings: every record on the `warnings` topic (written by the traffic
 * service, key = VIN, value = the warning as protocol bytes) is published to its car's warnings topic
 * at QoS 1, with the MQTT 5 message expiry set from the warning's expiresAt. Expired or invalid
 * records are skipped (counted; a warning is advisory, not worth a dead letter). The bridge starts it
 * next to the commands consumer once it has a publisher (backend/bridge/bridge.ts).
 */
import { kafkaTopicName, tryDecode, warningsTopic } from '../../../protocol/index.js';
import { logger } from '../../../core/log.js';
import type { MqttPublisher } from '../../bridge/publisher.js';
import type { Consumer, KafkaClient } from '../../kafka/types.js';

export interface WarningsOutDeps {
  readonly kafka: KafkaClient;
  readonly publisher: MqttPublisher;
  readonly topicPrefix: string;
  readonly groupId: string;
  readonly now?: () => number;
}

export interface WarningsOut {
  readonly consumer: Consumer;
  readonly counts: { published: number; expired: number; invalid: number };
}

const log = logger('warnings-out');

export async function startWarningsOut(deps: WarningsOutDeps): Promise<WarningsOut> {
  const now = deps.now ?? Date.now;
  const consumer = await deps.kafka.consumer({ groupId: deps.groupId, topics: [kafkaTopicName('warnings', deps.topicPrefix)] });
  const counts = { published: 0, expired: 0, invalid: 0 };
  await consumer.start(async (records) => {
    for (const r of records) {
      const decoded = tryDecode('warning', r.value ?? Buffer.alloc(0));
      if (!decoded.ok) {
        counts.invalid++;
        log.warn({ issue: decoded.issue, key: r.key }, 'invalid warning record skipped');
        continue;
      }
      const w = decoded.value;
      const remainingMs = w.expiresAt - now();
      if (remainingMs <= 0) {
        counts.expired++;
        continue;
      }
      await deps.publisher.publish(warningsTopic(w.vin), r.value as Buffer, {
        qos: 1,
        messageExpirySeconds: Math.max(1, Math.ceil(remainingMs / 1000)),
      });
      counts.published++;
    }
  });
  return { consumer, counts };
}
