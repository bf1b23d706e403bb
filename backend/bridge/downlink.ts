/**
 * Kafka -> MQTT, one mechanism for every kind the cloud sends to cars (downlinks.ts lists them:
 * command requests, hazard warnings). A consumer group on the kind's topic; each record is decoded,
 * skipped when it expired before it could be sent, else published to its car's topic at QoS 1 with
 * the MQTT 5 message expiry set from its expiresAt; a record that does not decode goes to the
 * dead-letter topic with the reason. Offsets are committed only after the broker took every message
 * of the batch, so a bridge restart re-sends rather than loses (cars drop duplicates by id).
 * Different cars do not wait for each other: partitions are handled side by side, and within a batch
 * each car's records go one after the other while other cars' go at once (a publish on a loaded
 * broker takes a few of its event-loop turns; decision 0022).
 */
import {
  buildDeadLetter,
  HEADERS,
  kafkaTopicName,
  tryDecode,
  type Issue,
  type KafkaTopicId,
  type MessageKind,
  type MessageMap,
  type Result,
} from '../../protocol/index.js';
import type { Consumer, InRecord, KafkaClient } from '../kafka/types.js';
import type { RecordWriter } from '../kafka/writer.js';
import type { HopMetrics } from '../metrics/hop-metrics.js';
import type { MqttPublisher, PublishOptions } from './publisher.js';

/** What happened to one record: counted per kind (metrics). */
export type DownlinkResult = 'published' | 'expired' | 'invalid';

/** One kind of downlink: where it is read, how a record is checked, where and how it is published. */
export interface DownlinkKind<M extends { readonly vin: string; readonly expiresAt: number }> {
  /** In consumer group names, logs and the hop metrics' service label: `commands`, `warnings`. */
  readonly name: 'commands' | 'warnings';
  /** The Kafka topic it is read from (key = VIN). */
  readonly topic: KafkaTopicId;
  decode(value: Buffer): Result<M>;
  /** The car's MQTT topic for this message. */
  mqttTopic(message: M): string;
  /** MQTT 5 extras besides QoS and expiry (request/response for commands). */
  extras?(message: M): Omit<PublishOptions, 'qos' | 'messageExpirySeconds'>;
}

export interface DownlinkDeps {
  readonly kafka: KafkaClient;
  readonly publisher: MqttPublisher;
  /** Where dead letters go. */
  readonly writer: RecordWriter;
  readonly topicPrefix: string;
  readonly groupId: string;
  readonly count?: (result: DownlinkResult) => void;
  readonly now?: () => number;
  /** The downlink hop of a message that carries its cause's car timestamp (decision 0030). */
  readonly hops?: HopMetrics;
}

/** Partitions of a downlink topic handled at once. */
const DOWNLINK_CONCURRENCY = 6;

/** A downlink kind whose records are protocol messages of `kind` (decoded and validated by protocol/). */
export function protocolDownlink<K extends MessageKind>(
  kind: K,
  spec: Omit<DownlinkKind<MessageMap[K] & { readonly vin: string; readonly expiresAt: number }>, 'decode'>,
): DownlinkKind<MessageMap[K] & { readonly vin: string; readonly expiresAt: number }> {
  return {
    ...spec,
    decode: (value) => tryDecode(kind, value) as Result<MessageMap[K] & { readonly vin: string; readonly expiresAt: number }>,
  };
}

export async function startDownlink<M extends { readonly vin: string; readonly expiresAt: number }>(
  kind: DownlinkKind<M>,
  deps: DownlinkDeps,
): Promise<Consumer> {
  const now = deps.now ?? Date.now;
  const count = deps.count ?? (() => undefined);
  const source = kafkaTopicName(kind.topic, deps.topicPrefix);
  const deadLetterTopic = kafkaTopicName('deadletter', deps.topicPrefix);
  const consumer = await deps.kafka.consumer({ groupId: deps.groupId, topics: [source], concurrentPartitions: DOWNLINK_CONCURRENCY });
  const deadLetter = (r: InRecord, issue: Issue): Promise<void> => {
    count('invalid');
    const letter = buildDeadLetter({
      issue,
      source: { type: 'kafka', topic: source },
      payload: r.value ?? Buffer.alloc(0),
      at: now(),
      refusedBy: 'bridge',
      ...(r.key ? { vin: r.key } : {}),
    });
    return deps.writer.append({ topic: deadLetterTopic, key: r.key, value: JSON.stringify(letter), headers: { 'v2x-reason': issue.code } });
  };
  const forward = async (r: InRecord): Promise<void> => {
    const decoded = kind.decode(r.value ?? Buffer.alloc(0));
    if (!decoded.ok) return deadLetter(r, decoded.issue);
    const message = decoded.value;
    const remainingMs = message.expiresAt - now();
    if (remainingMs <= 0) return count('expired');
    await deps.publisher.publish(kind.mqttTopic(message), r.value!, {
      ...kind.extras?.(message),
      qos: 1,
      messageExpirySeconds: Math.max(1, Math.ceil(remainingMs / 1000)),
    });
    count('published');
    const cause = Number(r.headers[HEADERS.causeTs]);
    if (cause > 0) deps.hops?.observe('downlink', kind.name, { carTs: cause, at: now() });
  };
  await consumer.start(async (records) => {
    const byCar = new Map<string | null, InRecord[]>();
    for (const r of records) {
      const list = byCar.get(r.key);
      if (list === undefined) byCar.set(r.key, [r]);
      else list.push(r);
    }
    await Promise.all(
      [...byCar.values()].map(async (list) => {
        for (const r of list) await forward(r);
      }),
    );
  });
  return consumer;
}
