/**
 * The @platformatic/kafka 1.x implementation of the Kafka boundary (backend/kafka/types.ts), used as
 * published (decision 0031). Its consumer is in platformatic-consumer.ts. Records keyed by VIN go to
 * the partition Kafka's Java client and kafkajs pick (its compatibilityPartitioner: murmur2 masked
 * positive, partitioner.ts), not the library's default, which differs for half of the keys.
 */
import {
  Admin as PltAdmin,
  Producer as PltProducer,
  ProduceAcks,
  compatibilityPartitioner,
  type MessageToProduce,
} from '@platformatic/kafka';
import { V2xError } from '../../core/errors.js';
import { backoffDelay } from './backoff.js';
import { createPlatformaticConsumer, forceClose, type PlatformaticBase } from './platformatic-consumer.js';
import { KafkaProduceError, type ProduceFailure } from './produce-error.js';
import type { Admin, KafkaClient, KafkaClientOptions, OutRecord, Producer, ProducerOptions, TopicSpec } from './types.js';

type Plt = PltProducer<Buffer, Buffer, Buffer, Buffer>;

export function createPlatformaticClient(options: KafkaClientOptions): KafkaClient {
  const base: PlatformaticBase = {
    clientId: options.clientId,
    bootstrapBrokers: [...options.brokers],
    connectTimeout: options.connectionTimeoutMs ?? 3000,
    // retries inside the library, doubling from 100 ms to 2 s (about 8 s in all, as the kafkajs adapter):
    // a new group's coordinator takes seconds to appear on a fresh Kafka; a longer outage surfaces as
    // an error the caller retries
    retries: 8,
    retryDelay: (_client, _operation, attempt) => backoffDelay(attempt - 1, { minMs: 100, maxMs: 2000 }),
  };

  return {
    brokers: options.brokers,
    name: 'platformatic',

    async producer(opts: ProducerOptions = {}): Promise<Producer> {
      const idempotent = opts.idempotent ?? false;
      const acks = opts.acksAll === false ? ProduceAcks.LEADER : ProduceAcks.ALL;
      const connect = async (): Promise<Plt> => {
        const p: Plt = new PltProducer<Buffer, Buffer, Buffer, Buffer>({
          ...base,
          idempotent,
          acks,
          autocreateTopics: false,
          partitioner: compatibilityPartitioner,
        });
        try {
          // connects now, as the other adapters do: a Kafka that is away fails here, not on the first send
          await p.metadata({ topics: [] });
          return p;
        } catch (err) {
          await forceClose(p);
          throw err;
        }
      };
      let producer: Plt | undefined = await connect();
      let closed = false;
      return {
        async send(records) {
          if (records.length === 0) return;
          if (closed) throw new V2xError('KAFKA_PRODUCER_CLOSED', `${records.length} records not sent`);
          if (producer === undefined) {
            try {
              producer = await connect();
            } catch (err) {
              throw new KafkaProduceError({ ...platformaticFailure(err), retriable: true }, err);
            }
          }
          const used = producer;
          try {
            await used.send({ messages: records.map(toMessage) });
          } catch (err) {
            const failure = platformaticFailure(err);
            if (!failure.retriable && idempotent && producer === used && !closed) {
              // a new producer id starts the sequence numbers over, as the kafkajs adapter does
              producer = undefined;
              void forceClose(used);
            }
            throw new KafkaProduceError(failure, err);
          }
        },
        close: async () => {
          closed = true;
          await producer?.close();
          producer = undefined;
        },
      };
    },

    consumer: (opts) => createPlatformaticConsumer(base, opts),

    async admin(): Promise<Admin> {
      const admin = new PltAdmin({ ...base });
      await admin.metadata({ topics: [] });
      return {
        async createTopics(topics: readonly TopicSpec[]) {
          const existing = new Set(await admin.listTopics());
          const wanted = topics.filter((t) => !existing.has(t.name));
          for (const t of wanted) {
            try {
              await admin.createTopics({
                topics: [t.name],
                partitions: t.partitions ?? 1,
                replicas: t.replicationFactor ?? 1,
                configs: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
              });
            } catch (err) {
              // created meanwhile by another process (two services starting together): fine
              if (findProtocolError(err) !== 'TOPIC_ALREADY_EXISTS') throw err;
            }
          }
          if (wanted.length > 0) await waitForLeaders(admin, wanted);
        },
        listTopics: () => admin.listTopics(),
        brokerCount: async () => (await admin.metadata({ topics: [], forceUpdate: true })).brokers.size,
        async topicOffsets(topic) {
          const deadline = Date.now() + 10_000;
          for (let wait = 50; ; wait = Math.min(1000, wait * 2)) {
            try {
              const meta = await admin.metadata({ topics: [topic], forceUpdate: true });
              const count = meta.topics.get(topic)?.partitionsCount ?? 0;
              const partitions = Array.from({ length: count }, (_, i) => i);
              const ask = async (timestamp: bigint) =>
                (
                  await admin.listOffsets({
                    topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }],
                  })
                ).find((t) => t.name === topic)?.partitions ?? [];
              const [low, high] = await Promise.all([ask(-2n), ask(-1n)]);
              return partitions.map((p) => ({
                partition: p,
                low: Number(low.find((x) => x.partitionIndex === p)?.offset ?? 0n),
                high: Number(high.find((x) => x.partitionIndex === p)?.offset ?? 0n),
              }));
            } catch (err) {
              if (!platformaticFailure(err).retriable || Date.now() + wait > deadline) throw err;
              await new Promise((r) => setTimeout(r, wait));
            }
          }
        },
        deleteTopics: (names) => admin.deleteTopics({ topics: [...names] }),
        close: () => admin.close(),
      };
    },
  };
}

function toMessage(r: OutRecord): MessageToProduce<Buffer, Buffer, Buffer, Buffer> {
  const m: MessageToProduce<Buffer, Buffer, Buffer, Buffer> = {
    topic: r.topic,
    ...(r.key === null ? {} : { key: Buffer.from(r.key, 'utf8') }),
    ...(r.value === null ? {} : { value: typeof r.value === 'string' ? Buffer.from(r.value, 'utf8') : r.value }),
    ...(r.timestamp !== undefined ? { timestamp: BigInt(r.timestamp) } : {}),
  };
  if (r.headers !== undefined) {
    const h = new Map<Buffer, Buffer>();
    for (const k in r.headers) h.set(Buffer.from(k), Buffer.from(r.headers[k]!));
    m.headers = h;
  }
  return m;
}

/** Polls metadata until every partition of the new topics has a leader (30 s at most). */
async function waitForLeaders(admin: PltAdmin, topics: readonly TopicSpec[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = '';
  for (;;) {
    try {
      const meta = await admin.metadata({ topics: topics.map((t) => t.name), forceUpdate: true });
      const ready = topics.every((t) => {
        const m = meta.topics.get(t.name);
        return m !== undefined && m.partitionsCount === (t.partitions ?? 1) && m.partitions.every((p) => p.leader >= 0);
      });
      if (ready) return;
      last = 'partitions without a leader';
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline)
      throw new V2xError('KAFKA_UNAVAILABLE', `topics ${topics.map((t) => t.name).join(', ')} have no leaders after 30 s: ${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface PltErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly apiId?: unknown;
  readonly canRetry?: unknown;
  readonly errors?: unknown;
  readonly cause?: unknown;
}

/** Every error in the tree (MultipleErrors hold the attempts, a cause the reason), depth first. */
function* errorTree(err: unknown, depth = 0): Generator<PltErrorLike> {
  if (typeof err !== 'object' || err === null || depth > 6) return;
  const e = err as PltErrorLike;
  yield e;
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* errorTree(inner, depth + 1);
  if (e.cause !== undefined && e.cause !== err) yield* errorTree(e.cause, depth + 1);
}

function findProtocolError(err: unknown): string | undefined {
  for (const e of errorTree(err)) if (typeof e.apiId === 'string') return e.apiId;
  return undefined;
}

/**
 * What @platformatic/kafka threw, as a ProduceFailure. The library's own rule (its base client's
 * retry): retriable unless some error in the chain says canRetry=false; Kafka's error type is the
 * apiId of a protocol error (MESSAGE_TOO_LARGE...). A UserError (a record it cannot serialize) and a
 * closed client are not retriable.
 */
export function platformaticFailure(err: unknown): ProduceFailure {
  let refused: PltErrorLike | undefined;
  let protocol: PltErrorLike | undefined;
  for (const e of errorTree(err)) {
    if (e.canRetry === false || e.code === 'PLT_KFK_USER') refused ??= e;
    if (typeof e.apiId === 'string') protocol ??= e;
  }
  const top = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as PltErrorLike;
  const about = refused ?? protocol ?? top;
  const kafkaError =
    typeof about.apiId === 'string'
      ? about.apiId
      : typeof about.code === 'string'
        ? about.code
        : typeof about.name === 'string'
          ? about.name
          : 'Error';
  const message = typeof about.message === 'string' ? about.message : String(about.message);
  return { retriable: refused === undefined, kafkaError, message };
}
