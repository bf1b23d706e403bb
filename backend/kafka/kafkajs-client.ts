/** The kafkajs 2.2.4 implementation of the Kafka boundary (backend/kafka/types.ts), as published: no patched internals. */
import { Kafka, logLevel as KafkaLogLevel } from 'kafkajs';
import type {
  Admin as KafkajsAdmin,
  IHeaders,
  ITopicConfig,
  LogEntry,
  Message,
  Producer as KafkajsProducer,
  RecordMetadata,
} from 'kafkajs';
import { V2xError } from '../../core/errors.js';
import { logger } from '../../core/log.js';
import { KafkaProduceError, kafkajsFailure } from './produce-error.js';
import { describeUnwritten, recordingPartitioner, unwrittenMessages, type PartitionLog, type TopicMessages } from './kafkajs-unwritten.js';
import type {
  Admin,
  BatchHandler,
  Consumer,
  ConsumerOptions,
  Headers,
  InRecord,
  KafkaClient,
  KafkaClientOptions,
  Producer,
  ProducerOptions,
  TopicSpec,
} from './types.js';

const log = logger('kafka');

/** Sends of a batch's unwritten part within one send() before it fails (retryable) to the writer, which sends it all again. */
const UNWRITTEN_ROUNDS = 5;

/**
 * What kafkajs says on every start against a fresh broker, and then recovers from by itself: the
 * consumer group's coordinator not elected yet, the idempotent producer's retry cap. Debug, not warnings.
 */
const STARTUP_CHATTER = [
  /group coordinator is not available/i,
  /Limiting retries for the idempotent producer/i,
  /The coordinator is not available/i,
  /The coordinator is loading/i,
];

function logCreator() {
  return () =>
    ({ level, log: entry }: LogEntry) => {
      const { message, ...rest } = entry;
      const fields = { ...rest, timestamp: undefined, logger: undefined };
      // kafkajs logs an ERROR for every failed attempt it then retries; what finally fails is thrown
      // to the caller, which logs it. So its errors are warnings here.
      const text = `${message} ${typeof rest.error === 'string' ? rest.error : ''}`;
      if (STARTUP_CHATTER.some((re) => re.test(text))) log.debug(fields, message);
      else if (level === KafkaLogLevel.ERROR || level === KafkaLogLevel.WARN) log.warn(fields, message);
      else if (level === KafkaLogLevel.INFO) log.debug(fields, message);
    };
}

export function createKafkajsClient(options: KafkaClientOptions): KafkaClient {
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    logLevel: KafkaLogLevel.WARN,
    logCreator: logCreator(),
    retry: { initialRetryTime: 100, retries: 8 },
  });

  return {
    brokers: options.brokers,
    name: 'kafkajs',

    async producer(opts: ProducerOptions = {}): Promise<Producer> {
      const idempotent = opts.idempotent ?? false;
      // the partition of each message sent, to tell what a sendBatch resolved for without writing (kafkajs-unwritten.ts)
      const partitions: PartitionLog = new WeakMap();
      const partitionOf = (m: Message): number | undefined => partitions.get(m);
      const connect = async (): Promise<KafkajsProducer> => {
        const p = kafka.producer({
          createPartitioner: recordingPartitioner(partitions),
          idempotent,
          ...(idempotent ? { maxInFlightRequests: 1 } : {}),
          // A few quick retries inside kafkajs; a longer outage surfaces as an error the caller retries.
          retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
          allowAutoTopicCreation: false,
        });
        await p.connect();
        return p;
      };
      let producer: KafkajsProducer | undefined = await connect();
      let closed = false;
      const acks = opts.acksAll === false ? 1 : -1;
      return {
        async send(records) {
          if (records.length === 0) return;
          if (closed) throw new V2xError('KAFKA_PRODUCER_CLOSED', `${records.length} records not sent`);
          if (producer === undefined) {
            // the replacement after a refusal could not connect: try again now (a retryable failure if not)
            try {
              producer = await connect();
            } catch (err) {
              throw new KafkaProduceError({ ...kafkajsFailure(err), retriable: true }, err);
            }
          }
          const byTopic = new Map<string, Message[]>();
          for (const r of records) {
            let list = byTopic.get(r.topic);
            if (list === undefined) byTopic.set(r.topic, (list = []));
            list.push({
              key: r.key,
              value: r.value,
              ...(r.headers ? { headers: { ...r.headers } } : {}),
              ...(r.timestamp !== undefined ? { timestamp: String(r.timestamp) } : {}),
            });
          }
          let pending: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
          for (let round = 1; ; round++) {
            const used = producer;
            let acked: RecordMetadata[];
            try {
              acked = await used.sendBatch({ acks, topicMessages: pending });
            } catch (err) {
              const failure = kafkajsFailure(err);
              if (!failure.retriable && idempotent && producer === used && !closed) {
                // kafkajs rewinds the sequence numbers of every partition of a failed request, also of
                // those Kafka took: a resend of part of the batch would be refused as out of order. A
                // new producer id starts the sequences over (what Kafka took may then be written twice).
                producer = undefined;
                void used.disconnect().catch(() => undefined);
                producer = await connect().catch(() => undefined);
              }
              throw new KafkaProduceError(failure, err);
            }
            // kafkajs#1303: a resolved sendBatch may have left out the partitions whose leader moved
            const left = unwrittenMessages(pending, partitionOf, acked);
            if (left.length === 0) return;
            const what = describeUnwritten(left, partitionOf);
            if (round >= UNWRITTEN_ROUNDS)
              throw new KafkaProduceError({
                retriable: true,
                kafkaError: 'UNWRITTEN_PARTITIONS',
                message: `kafkajs resolved ${round} sends without writing ${what}`,
              });
            log.warn(
              { unwritten: what, round },
              'kafkajs resolved a send without writing every partition (kafkajs#1303): sending those again',
            );
            pending = left;
            if (producer === undefined || closed) throw new V2xError('KAFKA_PRODUCER_CLOSED', `${what} not sent`);
          }
        },
        close: async () => {
          closed = true;
          await producer?.disconnect();
          producer = undefined;
        },
      };
    },

    async consumer(opts: ConsumerOptions): Promise<Consumer> {
      let closing = false;
      const consumer = kafka.consumer({
        groupId: opts.groupId,
        allowAutoTopicCreation: false,
        // kafkajs waits up to maxWaitTimeInMs (5 s by default) on a quiet topic, and disconnect()
        // waits for that fetch: 1 s keeps a stop of several consumers within seconds
        ...(opts.fetch ? { minBytes: opts.fetch.minBytes, maxWaitTimeInMs: opts.fetch.maxWaitMs } : { maxWaitTimeInMs: 1000 }),
        // After its retries a consumer "crashes" and kafkajs restarts it later: keep doing that
        // through a Kafka outage, but never once close() was called (it would run forever).
        retry: { retries: 8, restartOnFailure: async () => !closing },
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [...opts.topics], fromBeginning: opts.fromBeginning ?? false });
      let running = false;
      return {
        async start(handler: BatchHandler) {
          if (running) throw new V2xError('INTERNAL', 'consumer already started');
          running = true;
          // the assignment's restore (onAssign) runs before any batch of the new generation is handled
          let assigned: Promise<void> = Promise.resolve();
          const onAssign = opts.onAssign;
          if (onAssign !== undefined) {
            consumer.on(consumer.events.GROUP_JOIN, (e) => {
              const assignment = new Map(Object.entries(e.payload.memberAssignment));
              assigned = onAssign(assignment);
              assigned.catch((err: unknown) => log.warn({ err, groupId: opts.groupId }, 'restoring the assigned partitions failed'));
            });
          }
          const joined = new Promise<void>((resolve) => {
            const off = consumer.on(consumer.events.GROUP_JOIN, () => {
              off();
              resolve();
            });
          });
          await consumer.run({
            autoCommit: true,
            eachBatchAutoResolve: true,
            partitionsConsumedConcurrently: Math.max(1, opts.concurrentPartitions ?? 1),
            eachBatch: async ({ batch }) => {
              await assigned;
              const records: InRecord[] = batch.messages.map((m) => ({
                topic: batch.topic,
                partition: batch.partition,
                offset: m.offset,
                key: m.key === null ? null : m.key.toString('utf8'),
                value: m.value,
                headers: decodeHeaders(m.headers),
                timestamp: Number(m.timestamp),
              }));
              await handler(records);
            },
          });
          await joined;
        },
        async close() {
          closing = true;
          await consumer.disconnect();
        },
      };
    },

    async admin(): Promise<Admin> {
      const admin = kafka.admin();
      await admin.connect();
      // kafkajs reconnects a disconnected admin on its next request: once closed, it is refused instead
      // (a socket opened after close() would be left to keep the process alive)
      let closed = false;
      const open = (): void => {
        if (closed) throw new V2xError('INTERNAL', 'Kafka admin used after close()');
      };
      return {
        async createTopics(topics: readonly TopicSpec[]) {
          open();
          const existing = new Set(await admin.listTopics());
          const wanted = topics.filter((t) => !existing.has(t.name));
          if (wanted.length === 0) return;
          await createTopicsAndWait(
            admin,
            wanted.map((t) => ({
              topic: t.name,
              numPartitions: t.partitions ?? 1,
              replicationFactor: t.replicationFactor ?? 1,
              configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
            })),
          );
        },
        listTopics: async () => {
          open();
          return admin.listTopics();
        },
        brokerCount: async () => {
          open();
          return (await admin.describeCluster()).brokers.length;
        },
        async topicOffsets(topic) {
          // A topic created a moment ago (or whose leader just moved) answers "not the leader" for a
          // while: retry that, kafkajs's retriable errors only, for up to 10 s.
          const deadline = Date.now() + 10_000;
          for (let wait = 50; ; wait = Math.min(1000, wait * 2)) {
            open();
            try {
              const o = await admin.fetchTopicOffsets(topic);
              return o.map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }));
            } catch (err) {
              if ((err as { retriable?: boolean }).retriable !== true || Date.now() + wait > deadline) throw err;
              await new Promise((r) => setTimeout(r, wait));
            }
          }
        },
        deleteTopics: async (names) => {
          open();
          await admin.deleteTopics({ topics: [...names] });
        },
        close: async () => {
          closed = true;
          await admin.disconnect();
        },
      };
    },
  };
}

/**
 * Creates topics, then polls metadata until every partition has a leader. kafkajs's own
 * `waitForLeaders` can fail with "This server does not host this topic-partition" while a new
 * topic's leaders are elected (kafkajs issues #815, #1563), so it is not used.
 */
export async function createTopicsAndWait(admin: KafkajsAdmin, topics: ITopicConfig[], timeoutMs = 30_000): Promise<void> {
  await admin.createTopics({ topics, waitForLeaders: false });
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
      const ready = topics.every((t) => {
        const parts = meta.topics.find((m) => m.name === t.topic)?.partitions ?? [];
        return parts.length === (t.numPartitions ?? 1) && parts.every((p) => p.leader >= 0);
      });
      if (ready) return;
      last = 'partitions without a leader';
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline)
      throw new V2xError(
        'KAFKA_UNAVAILABLE',
        `topics ${topics.map((t) => t.topic).join(', ')} have no leaders after ${timeoutMs} ms: ${last}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

function decodeHeaders(headers: IHeaders | undefined): Headers {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = first.toString();
  }
  return out;
}
