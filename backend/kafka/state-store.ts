/**
 * A state store per assigned partition with its changelog in Kafka (the Kafka Streams model,
 * STYLE.md 14): a service keeps its per-key state here, hands every change to Kafka as a record of
 * a compacted changelog topic (key = the state's key; written through the service's one writer,
 * before the input offsets are committed), and on every rebalance (ConsumerOptions.onAssign)
 * calls assign() with its new partitions: the revoked ones are dropped, the new ones restored from
 * the changelog up to its high watermarks before any input of theirs is handled.
 *
 * The changelog must be co-partitioned with the input: the same key and partition count, so its
 * partition p holds the keys of input partition p (protocol/kafka.ts CO_PARTITIONED_WITH_TELEMETRY).
 * Reading the changelog goes through a ChangelogReader (kafkaChangelogReader below; a fake in unit
 * tests), so the store itself is plain logic.
 *
 * Stale writers are fenced by epochs (decision 0033). The owner that restores partition p reads the
 * latest epoch marker E in p's changelog, takes E + 1 and hands back a marker record for p
 * (`Assignment.markers`, to be written before any state of p); every record it writes carries its
 * epoch (header v2x-epoch). A restore skips records whose epoch is below the latest marker read
 * before them: the writes of an instance that lost p (a zombie paused past its session, or one
 * that has not heard of the rebalance yet) after the new owner took over are never restored.
 * Kafka transactions would refuse them at the broker instead; kafkajs has no KIP-447 (its
 * sendOffsets carries no group generation), so that would take a producer per input partition.
 */
import { randomUUID } from 'node:crypto';
import { V2xError } from '../../core/errors.js';
import { partitionOfKey } from './partitioner.js';
import type { InRecord, KafkaClient, OutRecord } from './types.js';

export interface ChangelogReader {
  /**
   * Every record of these changelog partitions up to their high watermarks at call time, in offset
   * order per partition. Resolves with the topic's partition count when it knows it: the store then
   * fences stale writers (epochs, below).
   */
  read(partitions: readonly number[], each: (record: InRecord) => void): Promise<{ readonly partitionCount: number } | void>;
}

/** Header of every changelog record a fenced store writes: the writer's epoch for the partition. */
export const EPOCH_HEADER = 'v2x-epoch';
const EPOCH_KEY_PREFIX = '__v2x-epoch/';

/**
 * The key of partition p's epoch marker: the first `__v2x-epoch/<p>/<i>` that Kafka's partitioner
 * sends to p (the marker must land in the partition it fences; compaction keeps its latest value).
 */
export function epochMarkerKey(partition: number, partitionCount: number): string {
  for (let i = 0; ; i++) {
    const key = `${EPOCH_KEY_PREFIX}${partition}/${i}`;
    if (partitionOfKey(key, partitionCount) === partition) return key;
  }
}

export interface StateCodec<V> {
  encode(value: V): string;
  /** The value of a changelog record, or undefined to skip a record that cannot be read (logged by the caller). */
  decode(value: Buffer, key: string): V | undefined;
}

export interface StateStoreOptions<V> {
  /** The changelog topic (compacted). */
  readonly topic: string;
  readonly codec: StateCodec<V>;
  readonly reader: ChangelogReader;
  /** Headers on every changelog record (content type, kind). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a rebalance changed: the caller installs `restored` into its working state and forgets `dropped`. */
export interface Assignment<V> {
  readonly added: readonly number[];
  /** Epoch markers of the added partitions: written before any state of theirs (empty when not fenced). */
  readonly markers: readonly OutRecord[];
  /** Changelog records skipped because a stale writer wrote them after a newer owner's marker. */
  readonly fenced: number;
  readonly revoked: readonly number[];
  /** The latest value of every key of the added partitions. */
  readonly restored: ReadonlyMap<string, V>;
  /** Keys of the revoked partitions (now another instance's). */
  readonly dropped: readonly string[];
  /** Changelog records read to restore (tombstones and overwritten values included). */
  readonly recordsRead: number;
  readonly ms: number;
}

export class StateStore<V> {
  private readonly byPartition = new Map<number, Map<string, V>>();
  private readonly partitionOfKey = new Map<string, number>();
  /** This owner's epoch per partition (fenced stores only). */
  private readonly epochs = new Map<number, number>();

  constructor(private readonly o: StateStoreOptions<V>) {}

  /** Partitions this store holds, sorted. */
  partitions(): number[] {
    return [...this.byPartition.keys()].sort((a, b) => a - b);
  }

  owns(partition: number): boolean {
    return this.byPartition.has(partition);
  }

  get size(): number {
    return this.partitionOfKey.size;
  }

  get(key: string): V | undefined {
    const p = this.partitionOfKey.get(key);
    return p === undefined ? undefined : this.byPartition.get(p)?.get(key);
  }

  partitionOf(key: string): number | undefined {
    return this.partitionOfKey.get(key);
  }

  /** Sets the value of a key of an owned partition; returns the changelog record for the caller to write. */
  put(partition: number, key: string, value: V): OutRecord {
    const part = this.byPartition.get(partition);
    if (part === undefined) throw new V2xError('INTERNAL', `${this.o.topic}: partition ${partition} is not assigned here (key ${key})`);
    const was = this.partitionOfKey.get(key);
    if (was !== undefined && was !== partition) this.byPartition.get(was)?.delete(key);
    part.set(key, value);
    this.partitionOfKey.set(key, partition);
    return this.record(key, this.o.codec.encode(value), partition);
  }

  /** Removes a key; the tombstone to write, or undefined when the key was not here. */
  delete(key: string): OutRecord | undefined {
    const p = this.partitionOfKey.get(key);
    if (p === undefined) return undefined;
    this.partitionOfKey.delete(key);
    this.byPartition.get(p)?.delete(key);
    return this.record(key, null, p);
  }

  /**
   * The member's new assignment (every partition it now owns, of the input topic): drops the revoked
   * partitions and restores the added ones from the changelog. Resolves once restored; on a failed
   * read the added partitions stay unassigned (the caller's next attempt restores them again).
   */
  async assign(partitions: readonly number[]): Promise<Assignment<V>> {
    const t0 = performance.now();
    const now = new Set(partitions);
    const revoked = [...this.byPartition.keys()].filter((p) => !now.has(p)).sort((a, b) => a - b);
    const dropped: string[] = [];
    for (const p of revoked) {
      for (const key of this.byPartition.get(p)?.keys() ?? []) {
        this.partitionOfKey.delete(key);
        dropped.push(key);
      }
      this.byPartition.delete(p);
      this.epochs.delete(p);
    }
    const added = [...now].filter((p) => !this.byPartition.has(p)).sort((a, b) => a - b);
    const fresh = new Map<number, Map<string, V>>(added.map((p) => [p, new Map<string, V>()]));
    let recordsRead = 0;
    let fenced = 0;
    const markerEpoch = new Map<number, number>();
    const markers: OutRecord[] = [];
    let info: { readonly partitionCount: number } | void = undefined;
    if (added.length > 0) {
      info = await this.o.reader.read(added, (r) => {
        const part = fresh.get(r.partition);
        if (part === undefined || r.key === null) return;
        recordsRead++;
        const epoch = Number(r.headers[EPOCH_HEADER] ?? 0);
        if (r.key.startsWith(EPOCH_KEY_PREFIX)) {
          markerEpoch.set(r.partition, Math.max(markerEpoch.get(r.partition) ?? 0, epoch));
          return;
        }
        if (epoch < (markerEpoch.get(r.partition) ?? 0)) {
          fenced++;
          return;
        }
        if (r.value === null || r.value.length === 0) {
          part.delete(r.key);
          return;
        }
        const v = this.o.codec.decode(r.value, r.key);
        if (v === undefined) part.delete(r.key);
        else part.set(r.key, v);
      });
    }
    if (info !== undefined)
      for (const p of added) {
        const epoch = (markerEpoch.get(p) ?? 0) + 1;
        this.epochs.set(p, epoch);
        const key = epochMarkerKey(p, info.partitionCount);
        const headers = { ...this.o.headers, [EPOCH_HEADER]: String(epoch) };
        markers.push({ topic: this.o.topic, key, value: String(epoch), headers });
      }
    const restored = new Map<string, V>();
    for (const [p, part] of fresh) {
      this.byPartition.set(p, part);
      for (const [key, v] of part) {
        this.partitionOfKey.set(key, p);
        restored.set(key, v);
      }
    }
    return { added, markers, fenced, revoked, restored, dropped, recordsRead, ms: performance.now() - t0 };
  }

  private record(key: string, value: string | null, partition: number): OutRecord {
    const epoch = this.epochs.get(partition);
    const headers = epoch === undefined ? this.o.headers : { ...this.o.headers, [EPOCH_HEADER]: String(epoch) };
    return { topic: this.o.topic, key, value, ...(headers ? { headers: { ...headers } } : {}) };
  }
}

/**
 * Reads changelog partitions through a consumer group of its own (fresh id, from the beginning) up
 * to the high watermarks taken before reading, then leaves. Records of other partitions are fetched
 * and skipped: a compacted changelog holds about one record per key, so a restore reads at most the
 * whole fleet's latest states once (bounded by the key count, not by history).
 */
const RESTORE_FETCH = { minBytes: 1, maxWaitMs: 100 } as const;

export function kafkaChangelogReader(kafka: KafkaClient, topic: string, groupPrefix: string, timeoutMs = 60_000): ChangelogReader {
  return {
    async read(partitions, each) {
      const admin = await kafka.admin();
      let highs: Map<number, number>;
      let partitionCount: number;
      try {
        const wanted = new Set(partitions);
        const offsets = await admin.topicOffsets(topic);
        partitionCount = offsets.length;
        highs = new Map(offsets.filter((p) => wanted.has(p.partition) && p.high > p.low).map((p) => [p.partition, p.high]));
      } finally {
        await admin.close();
      }
      if (highs.size === 0) return { partitionCount };
      const remaining = new Set(highs.keys());
      let resolve: () => void = () => {};
      const done = new Promise<void>((r) => (resolve = r));
      // short fetch waits: a fetch of a broker whose partitions have nothing to give would otherwise
      // hold the reader (and its close) for kafkajs's default 5 s
      const consumer = await kafka.consumer({
        groupId: `${groupPrefix}-restore-${randomUUID()}`,
        topics: [topic],
        fromBeginning: true,
        fetch: RESTORE_FETCH,
      });
      let timer: NodeJS.Timeout | undefined;
      try {
        await consumer.start(async (records) => {
          for (const r of records) {
            const high = highs.get(r.partition);
            if (high === undefined || Number(r.offset) >= high) continue;
            each(r);
            if (Number(r.offset) + 1 >= high) remaining.delete(r.partition);
          }
          if (remaining.size === 0) resolve();
        });
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new V2xError('KAFKA_UNAVAILABLE', `restoring ${topic} partitions ${[...remaining].join(', ')} took over ${timeoutMs} ms`),
              ),
            timeoutMs,
          );
        });
        await Promise.race([done, late]);
      } finally {
        clearTimeout(timer);
        await consumer.close();
      }
      return { partitionCount };
    },
  };
}
