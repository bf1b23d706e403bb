/**
 * Kafka -> MQTT: every record on the commands topic is published to its car's command topic at
 * QoS 1, with the MQTT 5 message expiry set from the command's expiresAt. A command that expired
 * before it could be sent is not sent (the command service times it out); a record that is not a
 * valid command request goes to the dead-letter topic. Offsets are committed only after the broker
 * took the message, so a bridge restart re-sends rather than loses (cars drop duplicates by commandId).
 * Commands to different cars do not wait for each other: partitions are handled side by side, and
 * within a batch each car's commands go one after the other while other cars' go at once (a
 * publish on a loaded broker takes a few of its event-loop turns; decision 0022).
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

/** Partitions of the commands topic handled at once. */
const COMMANDS_OUT_CONCURRENCY = 6;

export async function startCommandsOut(deps: CommandsOutDeps): Promise<Consumer> {
  const now = deps.now ?? Date.now;
  const source = kafkaTopicName('commands', deps.topicPrefix);
  const consumer = await deps.kafka.consumer({ groupId: deps.groupId, topics: [source], concurrentPartitions: COMMANDS_OUT_CONCURRENCY });
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
  const forward = async (r: InRecord): Promise<void> => {
    const decoded = tryDecode('commandRequest', r.value ?? Buffer.alloc(0));
    if (!decoded.ok) return deadLetter(r, decoded.issue);
    const cmd = decoded.value;
    const remainingMs = cmd.expiresAt - now();
    if (remainingMs <= 0) {
      deps.metrics?.commandsOut.inc({ result: 'expired' });
      return;
    }
    await deps.publisher.publish(commandRequestTopic(cmd.vin), r.value!, {
      qos: 1,
      messageExpirySeconds: Math.max(1, Math.ceil(remainingMs / 1000)),
      responseTopic: commandResultTopic(cmd.vin),
      correlationData: Buffer.from(cmd.commandId),
    });
    deps.metrics?.commandsOut.inc({ result: 'published' });
  };
  await consumer.start(async (records) => {
    const byCar = new Map<string | null, InRecord[]>();
    for (const r of records) {
      const list = byCar.get(r.key) ?? [];
      list.push(r);
      byCar.set(r.key, list);
    }
    await Promise.all(
      [...byCar.values()].map(async (list) => {
        for (const r of list) await forward(r);
      }),
    );
  });
  return consumer;
}
