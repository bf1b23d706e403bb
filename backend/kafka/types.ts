/**
 * The narrow Kafka boundary every service and the bridge use: produce a batch, consume as a group,
 * create topics. Only backend/kafka/ knows which client library sits behind it (one adapter file per
 * library, picked by `kafka.client`: client.ts), so changing library touches this folder alone.
 */

/** The client libraries behind this boundary (decision 0031); `kafka.client` picks one. */
export const KAFKA_CLIENTS = ['kafkajs', 'platformatic', 'confluent'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];

export type Headers = Readonly<Record<string, string>>;

export interface OutRecord {
  readonly topic: string;
  /** The partitioning key: the VIN for per-car order (or a segment id, a command id...). */
  readonly key: string | null;
  /** null is a tombstone on a compacted topic. */
  readonly value: Buffer | string | null;
  readonly headers?: Headers;
  /** Record timestamp in ms; the broker's append time when omitted. */
  readonly timestamp?: number;
}

export interface InRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Headers;
  readonly timestamp: number;
}

export interface ProducerOptions {
  /** Wait for all in-sync replicas (acks=all); the default. false means leader only. */
  readonly acksAll?: boolean;
  readonly idempotent?: boolean;
}

export interface Producer {
  /**
   * Resolves once Kafka has acknowledged every record of the batch. Rejects with a V2xError that
   * keeps the client's own verdict (produce-error.ts): KAFKA_PRODUCE_FAILED when trying again may
   * succeed, KAFKA_RECORD_REFUSED when Kafka refused the records for good. Callers write through
   * KafkaWriter (writer.ts), which acts on it.
   */
  send(records: readonly OutRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group without committed offsets starts; default latest. */
  readonly fromBeginning?: boolean;
  /**
   * Fetch batching: the broker answers a fetch once it has minBytes or maxWaitMs passed. Default
   * { minBytes: 1 } (answer as soon as anything is there): lowest latency, and for a busy stream a
   * fetch round trip per handful of records. Stream consumers use BULK_FETCH.
   */
  readonly fetch?: { readonly minBytes: number; readonly maxWaitMs: number };
  /**
   * Batches of different partitions handled at once, at most (default 1: one after the other).
   * Order within a partition always holds.
   */
  readonly concurrentPartitions?: number;
  /**
   * Called with this member's whole assignment (topic -> partitions) after every rebalance; no batch
   * is handed to the handler until it resolves (a state store restores the assigned partitions here:
   * backend/kafka/state-store.ts). A rejection fails the next batch, so the client rejoins and calls it again.
   */
  readonly onAssign?: (assignment: ReadonlyMap<string, readonly number[]>) => Promise<void>;
}

/**
 * For consumers of the telemetry stream that can wait a little: one fetch per 100 ms (or 256 KB)
 * instead of one per few records. Measured on the demo (1,000 cars, 1 Hz, three telemetry
 * consumers in the backend process): socket writes to Kafka fell from 12% of the process's CPU;
 * see docs/decisions/0017-bridge-produce-lanes.md.
 */
export const BULK_FETCH = { minBytes: 256 * 1024, maxWaitMs: 100 } as const;

/**
 * Called with a batch of records from one partition, in offset order. Offsets are committed only
 * after the handler resolves (at-least-once); a throw retries the batch.
 */
export type BatchHandler = (records: readonly InRecord[]) => Promise<void>;

export interface Consumer {
  /** Starts consuming in the background; resolves once the group is joined. */
  start(handler: BatchHandler): Promise<void>;
  close(): Promise<void>;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** e.g. { 'cleanup.policy': 'compact' } */
  readonly config?: Readonly<Record<string, string>>;
}

export interface Admin {
  /** Creates the topics that do not exist yet; existing ones are left alone. */
  createTopics(topics: readonly TopicSpec[]): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Brokers in the cluster (sizes the replication of new topics: backend/kafka/topics.ts). */
  brokerCount(): Promise<number>;
  /** Per partition, the first and next offsets: high - low is how many records it holds. */
  topicOffsets(topic: string): Promise<{ partition: number; low: number; high: number }[]>;
  deleteTopics(names: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface KafkaClient {
  readonly brokers: readonly string[];
  /** The library behind it (client.ts), when known. */
  readonly name?: KafkaClientName;
  producer(options?: ProducerOptions): Promise<Producer>;
  consumer(options: ConsumerOptions): Promise<Consumer>;
  admin(): Promise<Admin>;
}

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Connection timeout per broker, ms. */
  readonly connectionTimeoutMs?: number;
  /** Which library (decision 0031); default DEFAULT_KAFKA_CLIENT (client.ts). */
  readonly client?: KafkaClientName;
}
