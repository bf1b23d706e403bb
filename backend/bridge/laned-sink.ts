/**
 * Several KafkaWriters (backend/kafka/writer.ts) side by side ("lanes"), each with its own idempotent producer and its own
 * connection, one batch in flight per lane. A record's lane is a hash of its key, so every record
 * of one car goes through one lane, in order, whatever happens to the other lanes (a retried batch
 * in lane 2 cannot be overtaken by that car's later records, which queue behind it in lane 2).
 * With one lane this is exactly the single writer. Why lanes rather than more requests in flight on
 * one producer: kafkajs cannot keep an idempotent producer's sequence numbers straight with more
 * than one request in flight (kafkajs#598, #980), so parallelism comes from separate producers.
 * docs/decisions/0017-bridge-produce-lanes.md has the figures.
 *
 * An express lane may be added for a few small topics whose latency matters (the cars' command
 * results): their records never wait behind a telemetry batch in flight. Each car's records of
 * those topics still go through one lane (the express one), in order (decision 0022).
 */
import type { OutRecord } from '../kafka/types.js';
import { emptyWriterStats, type AppendOptions, type KafkaWriter, type RecordWriter, type WriterStats } from '../kafka/writer.js';

/** FNV-1a over the key's UTF-16 code units: cheap, stable, spreads VINs evenly. */
export function laneOf(key: string | null | undefined, lanes: number): number {
  if (lanes <= 1 || key === null || key === undefined) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % lanes;
}

export interface ExpressLane {
  readonly lane: KafkaWriter;
  /** The topics that go through it (every record of them, whatever its key). */
  readonly topics: ReadonlySet<string>;
}

export class LanedSink implements RecordWriter {
  readonly #lanes: readonly KafkaWriter[];
  readonly #express: ExpressLane | undefined;
  /** Every lane, the express one included. */
  readonly #all: readonly KafkaWriter[];

  constructor(lanes: readonly KafkaWriter[], express?: ExpressLane) {
    if (lanes.length === 0) throw new RangeError('LanedSink needs at least one lane');
    this.#lanes = lanes;
    this.#express = express;
    this.#all = express === undefined ? lanes : [...lanes, express.lane];
  }

  append(record: OutRecord, options?: AppendOptions): Promise<void> {
    if (this.#express?.topics.has(record.topic)) return this.#express.lane.append(record, options);
    return this.#lanes[laneOf(record.key, this.#lanes.length)]!.append(record, options);
  }

  hasCapacity(): boolean {
    return this.#all.every((l) => l.hasCapacity());
  }

  async capacity(): Promise<void> {
    for (const l of this.#all) await l.capacity();
  }

  get depth(): number {
    let n = 0;
    for (const l of this.#all) n += l.depth;
    return n;
  }

  /** Summed over lanes; lastBatchSize and lastProduceMs are the largest of the lanes' last ones. */
  get stats(): WriterStats {
    const s = emptyWriterStats();
    for (const { stats: l } of this.#all) {
      s.buffered += l.buffered;
      s.inFlight += l.inFlight;
      s.batchesSent += l.batchesSent;
      s.recordsSent += l.recordsSent;
      s.sendFailures += l.sendFailures;
      s.deadLettered += l.deadLettered;
      s.lastBatchSize = Math.max(s.lastBatchSize, l.lastBatchSize);
      s.lastProduceMs = Math.max(s.lastProduceMs, l.lastProduceMs);
    }
    return s;
  }

  async flushed(): Promise<void> {
    await Promise.all(this.#all.map((l) => l.flushed()));
  }

  async close(): Promise<void> {
    await Promise.all(this.#all.map((l) => l.close()));
  }

  abort(err: unknown): void {
    for (const l of this.#all) l.abort(err);
  }
}
