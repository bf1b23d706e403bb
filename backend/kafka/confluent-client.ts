/**
 * The @confluentinc/kafka-javascript implementation of the Kafka boundary (backend/kafka/types.ts)
 * through its KafkaJS-compatible API, on librdkafka. Optional (decision 0031): the package is a native
 * addon that its install downloads prebuilt from GitHub or builds from source, and its default
 * source build downloads librdkafka's dependencies (zlib, OpenSSL, zstd, curl) too; on a machine
 * without that access it builds only with CKJS_LINKING=dynamic (the system's libssl and zlib).
 * So it is loaded at run time, typed here by the few calls used, and absent unless installed.
 */
import { createRequire } from 'node:module';
import { V2xError } from '../../core/errors.js';
import { logger } from '../../core/log.js';
import { KafkaProduceError, type ProduceFailure } from './produce-error.js';
import type {
  Admin,
  BatchHandler,
  Consumer,
  ConsumerOptions,
  KafkaClient,
  KafkaClientOptions,
  Producer,
  ProducerOptions,
} from './types.js';

const log = logger('kafka');

interface CkMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, string>;
  timestamp?: string;
  offset?: string;
}
interface CkProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendBatch(batch: { topicMessages: { topic: string; messages: CkMessage[] }[] }): Promise<unknown>;
}
interface CkBatch {
  topic: string;
  partition: number;
  messages: (CkMessage & {
    offset: string;
    key: Buffer | null;
    value: Buffer | null;
    headers?: Record<string, Buffer | string | undefined>;
  })[];
}
interface CkConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(s: { topics: string[] }): Promise<void>;
  run(r: {
    eachBatchAutoResolve: boolean;
    partitionsConsumedConcurrently: number;
    eachBatch: (p: { batch: CkBatch }) => Promise<void>;
  }): Promise<void>;
}
interface CkAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  createTopics(o: {
    topics: { topic: string; numPartitions: number; replicationFactor: number; configEntries: { name: string; value: string }[] }[];
  }): Promise<boolean>;
  listTopics(): Promise<string[]>;
  deleteTopics(o: { topics: string[] }): Promise<void>;
  fetchTopicMetadata(o: {
    topics: string[];
  }): Promise<{ topics: { name: string; partitions: { partitionId: number; leader: number; replicas: number[] }[] }[] }>;
  fetchTopicOffsets(topic: string): Promise<{ partition: number; low: string; high: string }[]>;
}
interface CkKafka {
  producer(config: Record<string, unknown>): CkProducer;
  consumer(config: Record<string, unknown>): CkConsumer;
  admin(config?: Record<string, unknown>): CkAdmin;
}
interface CkModule {
  KafkaJS: { Kafka: new (config: Record<string, unknown>) => CkKafka; logLevel: Record<string, number> };
}

/** librdkafka error types that no retry can fix, under Kafka's own names (as the other adapters report them). */
const REFUSED: Readonly<Record<string, string>> = {
  ERR_MSG_SIZE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  ERR__MSG_SIZE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  ERR_RECORD_LIST_TOO_LARGE: 'RECORD_LIST_TOO_LARGE',
  ERR_INVALID_RECORD: 'INVALID_RECORD',
  ERR_TOPIC_AUTHORIZATION_FAILED: 'TOPIC_AUTHORIZATION_FAILED',
  ERR__INVALID_ARG: 'INVALID_ARG',
};

export function confluentFailure(err: unknown): ProduceFailure {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as {
    type?: unknown;
    message?: unknown;
    name?: unknown;
  };
  const type = typeof e.type === 'string' ? e.type : typeof e.name === 'string' ? e.name : 'Error';
  const refused = REFUSED[type];
  return { retriable: refused === undefined, kafkaError: refused ?? type, message: String(e.message) };
}

export function createConfluentClient(options: KafkaClientOptions): KafkaClient {
  const { KafkaJS } = createRequire(import.meta.url)('@confluentinc/kafka-javascript') as CkModule;
  const kafka = new KafkaJS.Kafka({
    kafkaJS: {
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      logLevel: KafkaJS.logLevel['ERROR'],
    },
  });

  return {
    brokers: options.brokers,
    name: 'confluent',

    async producer(opts: ProducerOptions = {}): Promise<Producer> {
      const p = kafka.producer({
        // the writer (writer.ts) batches already: send what it hands over at once
        'linger.ms': 0,
        // an outage surfaces as a retryable error after 30 s (librdkafka's default waits 5 minutes)
        'message.timeout.ms': 30_000,
        kafkaJS: { acks: opts.acksAll === false ? 1 : -1, idempotent: opts.idempotent ?? false, allowAutoTopicCreation: false },
      });
      await p.connect();
      let closed = false;
      return {
        async send(records) {
          if (records.length === 0) return;
          if (closed) throw new V2xError('KAFKA_PRODUCER_CLOSED', `${records.length} records not sent`);
          const byTopic = new Map<string, CkMessage[]>();
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
          try {
            await p.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
          } catch (err) {
            throw new KafkaProduceError(confluentFailure(err), err);
          }
        },
        async close() {
          closed = true;
          await p.disconnect();
        },
      };
    },

    async consumer(opts: ConsumerOptions): Promise<Consumer> {
      let assigned: Promise<void> = Promise.resolve();
      let joined: (() => void) | undefined;
      const joinedP = new Promise<void>((resolve) => (joined = resolve));
      const c = kafka.consumer({
        'js.consumer.max.batch.size': 1024,
        rebalance_cb: (err: { code?: number; message?: string }, assignment: { topic: string; partition: number }[]) => {
          if (!/assign/i.test(String(err.message)) || /revoke/i.test(String(err.message))) return;
          const byTopic = new Map<string, number[]>();
          for (const a of assignment) byTopic.set(a.topic, [...(byTopic.get(a.topic) ?? []), a.partition]);
          if (opts.onAssign !== undefined) {
            assigned = opts.onAssign(byTopic);
            assigned.catch((e: unknown) => log.warn({ err: e, groupId: opts.groupId }, 'restoring the assigned partitions failed'));
          }
          joined?.();
        },
        kafkaJS: {
          groupId: opts.groupId,
          fromBeginning: opts.fromBeginning ?? false,
          allowAutoTopicCreation: false,
          autoCommit: true,
          autoCommitInterval: 1000,
          sessionTimeout: 30_000,
          ...(opts.fetch ? { minBytes: opts.fetch.minBytes, maxWaitTimeInMs: opts.fetch.maxWaitMs } : { maxWaitTimeInMs: 1000 }),
        },
      });
      await c.connect();
      await c.subscribe({ topics: [...opts.topics] });
      let running = false;
      return {
        async start(handler: BatchHandler) {
          if (running) throw new V2xError('INTERNAL', 'consumer already started');
          running = true;
          await c.run({
            eachBatchAutoResolve: true,
            partitionsConsumedConcurrently: Math.max(1, opts.concurrentPartitions ?? 1),
            eachBatch: async ({ batch }) => {
              await assigned;
              await handler(
                batch.messages.map((m) => ({
                  topic: batch.topic,
                  partition: batch.partition,
                  offset: m.offset,
                  key: m.key === null || m.key === undefined ? null : m.key.toString(),
                  value: m.value,
                  headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, v === undefined ? '' : v.toString()])),
                  timestamp: Number(m.timestamp),
                })),
              );
            },
          });
          await joinedP;
        },
        close: () => c.disconnect(),
      };
    },

    async admin(): Promise<Admin> {
      const a = kafka.admin();
      await a.connect();
      return {
        async createTopics(topics) {
          const existing = new Set(await a.listTopics());
          const wanted = topics.filter((t) => !existing.has(t.name));
          if (wanted.length === 0) return;
          await a.createTopics({
            topics: wanted.map((t) => ({
              topic: t.name,
              numPartitions: t.partitions ?? 1,
              replicationFactor: t.replicationFactor ?? 1,
              configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
            })),
          });
        },
        listTopics: () => a.listTopics(),
        async brokerCount() {
          // This API has no describeCluster: the replicas of the topics' partitions name the brokers. A
          // cluster without topics counts as one broker (new topics then get one replica): a limit of this adapter.
          const topics = await a.listTopics();
          if (topics.length === 0) return 1;
          const meta = await a.fetchTopicMetadata({ topics });
          const ids = new Set(meta.topics.flatMap((t) => t.partitions.flatMap((p) => p.replicas)));
          return Math.max(1, ids.size);
        },
        async topicOffsets(topic) {
          const o = await a.fetchTopicOffsets(topic);
          return o.map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }));
        },
        deleteTopics: (names) => a.deleteTopics({ topics: [...names] }),
        close: () => a.disconnect(),
      };
    },
  };
}
