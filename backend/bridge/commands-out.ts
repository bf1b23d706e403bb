/**
 * Kafka -> MQTT: every record on the commands topic is published to its car's command topic at
 * QoS 1, with the MQTT 5 message expiry set from the command's expiresAt. A command that expired
 * before it could be sent is not sent (the command service times it out); a record that is not a
 * valid command request goes to the dead-letter topic. Offsets are committed only after the broker
 * took the message, so a bridge restart re-sends rather than loses (cars drop duplicates by commandId).
 */
import { buildDeadLetter, commandRequestTopic, commandResultTopic, kafkaTopicName, tryDecode, type Issue } from '../../protocol/index.js';
import type { Consumer, InRecord, KafkaClient } from '../kafka/types.js';
import type { BridgeMetrics } from '../metrics/bridge-metrics.js';
import type { RecordSink } from './laned-sink.js';
import type { MqttPublisher } from './publisher.js';

export interface CommandsOutDeps {
  readonly kafka: KafkaClient;
  readonly publisher: MqttPublisher;
  /** Where dead letters go. */
  readonly sink: RecordSink;
  readonly topicPrefix: string;
  readonly groupId: string;
  readonly metrics?: BridgeMetrics;
  readonly now?: () => number;
}

export async function startCommandsOut(deps: CommandsOutDeps): Promise<Consumer> {
  const now = deps.now ?? Date.now;
  const source = kafkaTopicName('commands', deps.topicPrefix);
  const consumer = await deps.kafka.consumer({ groupId: deps.groupId, topics: [source] });
  const deadLetter = (r: InRecord, issue: Issue): Promise<void> => {
    deps.metrics?.commandsOut.inc({ result: 'invalid' });
    const letter = buildDeadLetter({
      issue,
      source: { type: 'kafka', topic: source },
      payload: r.value ?? Buffer.alloc(0),
      at: now(),
      refusedBy: 'bridge',
      ...(r.key ? { vin: r.key } : {}),
    });
    return deps.sink.append({
      topic: kafkaTopicName('deadletter', deps.topicPrefix),
      key: r.key,
      value: JSON.stringify(letter),
      headers: { 'v2x-reason': issue.code },
    });
  };
  await consumer.start(async (records) => {
    for (const r of records) {
      const decoded = tryDecode('commandRequest', r.value ?? Buffer.alloc(0));
      if (!decoded.ok) {
        await deadLetter(r, decoded.issue);
        continue;
      }
      const cmd = decoded.value;
      const remainingMs = cmd.expiresAt - now();
      if (remainingMs <= 0) {
        deps.metrics?.commandsOut.inc({ result: 'expired' });
        continue;
      }
      await deps.publisher.publish(commandRequestTopic(cmd.vin), r.value!, {
        qos: 1,
        messageExpirySeconds: Math.max(1, Math.ceil(remainingMs / 1000)),
        responseTopic: commandResultTopic(cmd.vin),
        correlationData: Buffer.from(cmd.commandId),
      });
      deps.metrics?.commandsOut.inc({ result: 'published' });
    }
  });
  return consumer;
}
