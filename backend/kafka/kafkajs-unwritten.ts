/**
 * What a kafkajs 2.2.4 sendBatch resolved for without writing it (kafkajs#1303, open; the pull
 * request #1798 is not released). Its sendMessages keeps one response per broker across its
 * internal retries: a broker that answered an earlier attempt is not asked again. When a partition
 * leader dies mid-request, the other brokers answer, the dead one's part fails; if Kafka moves that
 * part's partitions to the brokers that answered before the next attempt, that attempt sends
 * nothing and sendBatch resolves with the earlier answers: the moved partitions' records were never
 * written, yet the call succeeded (with acks=all, an idempotent producer). The bridge acknowledged
 * such records to the cars (PUBACK) and Kafka never had them (issue #15; reproduced by
 * test/integration/bridge/leader-kill.test.ts).
 *
 * So the adapter checks every sendBatch: each message's partition (the one kafkajs's partitioner
 * chose on its last attempt, recorded by `recordingPartitioner`) must be among the partitions the
 * result acknowledged; the messages of the others are unwritten and are sent again (their
 * idempotent sequence numbers were rolled back by the failed attempt, so nothing is written twice).
 */
import { Partitioners, type ICustomPartitioner, type Message, type RecordMetadata } from 'kafkajs';

/** Per message object: the partition kafkajs's partitioner last chose for it. */
export type PartitionLog = WeakMap<Message, number>;

/** kafkajs's DefaultPartitioner (Java-compatible murmur2), recording each message's partition into `log`. */
export function recordingPartitioner(log: PartitionLog): ICustomPartitioner {
  return () => {
    const inner = Partitioners.DefaultPartitioner();
    return (args) => {
      const partition = inner(args);
      log.set(args.message, partition);
      return partition;
    };
  };
}

export interface TopicMessages {
  readonly topic: string;
  readonly messages: Message[];
}

/**
 * The messages of `sent` whose partition the sendBatch result `acked` does not acknowledge (or whose
 * partition was never chosen), per topic in their order; empty when every one was written.
 */
export function unwrittenMessages(
  sent: readonly TopicMessages[],
  partitionOf: (m: Message) => number | undefined,
  acked: readonly Pick<RecordMetadata, 'topicName' | 'partition' | 'errorCode'>[],
): TopicMessages[] {
  const written = new Set(acked.filter((a) => a.errorCode === 0).map((a) => `${a.partition}\u0000${a.topicName}`));
  const out: TopicMessages[] = [];
  for (const { topic, messages } of sent) {
    const left = messages.filter((m) => {
      const p = partitionOf(m);
      return p === undefined || !written.has(`${p}\u0000${topic}`);
    });
    if (left.length > 0) out.push({ topic, messages: left });
  }
  return out;
}

/** "topic/partition" of the unwritten messages, for the log and the error. */
export function describeUnwritten(left: readonly TopicMessages[], partitionOf: (m: Message) => number | undefined): string {
  const parts = new Set<string>();
  let n = 0;
  for (const { topic, messages } of left)
    for (const m of messages) {
      n++;
      parts.add(`${topic}/${partitionOf(m) ?? '?'}`);
    }
  return `${n} records of ${[...parts].sort().join(', ')}`;
}
