/**
 * The bridge's way into Kafka: records are appended in arrival order, sent in batches (by count,
 * bytes or linger time), one batch in flight at a time so that a retried batch can never be
 * overtaken (per-car order survives a Kafka outage), and each record's promise resolves only once
 * Kafka acknowledged it. Nothing is dropped: when Kafka is down the batch is retried with backoff,
 * the buffer fills, and `hasCapacity()` turns false so the caller stops acknowledging its sources.
 */
import type { Clock, TimerHandle } from '../../core/clock.js';
import { isV2xError } from '../../core/errors.js';
import type { OutRecord, Producer } from '../kafka/types.js';

export interface KafkaSinkOptions {
  readonly maxBatchRecords: number;
  readonly maxBatchBytes: number;
  readonly lingerMs: number;
  /** Above this many buffered records the sink reports no capacity (push back). */
  readonly maxBufferedRecords: number;
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  readonly clock: Clock;
}

export interface KafkaSinkStats {
  buffered: number;
  inFlight: number;
  batchesSent: number;
  recordsSent: number;
  sendFailures: number;
  lastBatchSize: number;
  lastProduceMs: number;
}

export interface KafkaSinkEvents {
  /** A batch was acknowledged by Kafka. */
  onBatch?(records: number, bytes: number, produceMs: number): void;
  /** A batch failed and will be retried after delayMs. */
  onRetry?(err: unknown, delayMs: number): void;
  /** Capacity came back after push back. */
  onDrain?(): void;
}

interface Pending {
  readonly record: OutRecord;
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class KafkaSink {
  readonly #producer: Producer;
  readonly #opts: KafkaSinkOptions;
  readonly #events: KafkaSinkEvents;
  #queue: Pending[] = [];
  #queueHead = 0;
  #inFlight: Pending[] = [];
  #linger: TimerHandle | undefined;
  #retry: TimerHandle | undefined;
  #closed = false;
  #pushingBack = false;
  #idle: (() => void)[] = [];
  #capacityWaiters: (() => void)[] = [];
  readonly stats: KafkaSinkStats = {
    buffered: 0,
    inFlight: 0,
    batchesSent: 0,
    recordsSent: 0,
    sendFailures: 0,
    lastBatchSize: 0,
    lastProduceMs: 0,
  };

  constructor(producer: Producer, options: KafkaSinkOptions, events: KafkaSinkEvents = {}) {
    this.#producer = producer;
    this.#opts = options;
    this.#events = events;
  }

  /** Appends a record; resolves when Kafka has acknowledged it. Order of calls is the order in Kafka per key. */
  append(record: OutRecord): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('KafkaSink is closed'));
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ record, bytes: sizeOf(record), resolve, reject });
      this.stats.buffered++;
      if (this.stats.buffered >= this.#opts.maxBufferedRecords) this.#pushingBack = true;
      this.#schedule();
    });
  }

  /** False while the buffer is full: stop acknowledging sources until onDrain. */
  hasCapacity(): boolean {
    return !this.#pushingBack;
  }

  /** Resolves at once when there is capacity, else when the buffer has drained to half. */
  capacity(): Promise<void> {
    if (!this.#pushingBack) return Promise.resolve();
    return new Promise((resolve) => this.#capacityWaiters.push(resolve));
  }

  get depth(): number {
    return this.stats.buffered + this.stats.inFlight;
  }

  /** Resolves when everything appended so far has been acknowledged. */
  flushed(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    this.#linger?.cancel();
    this.#linger = undefined;
    this.#pump();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Sends what is buffered, then refuses new records. */
  async close(): Promise<void> {
    await this.flushed();
    this.#closed = true;
  }

  /** Fails every buffered record (used when a process gives up; their sources keep them unacknowledged). */
  abort(err: unknown): void {
    this.#closed = true;
    this.#linger?.cancel();
    this.#retry?.cancel();
    for (const p of this.#inFlight) p.reject(err);
    this.#inFlight = [];
    this.stats.inFlight = 0;
    for (let i = this.#queueHead; i < this.#queue.length; i++) this.#queue[i]!.reject(err);
    this.#queue = [];
    this.#queueHead = 0;
    this.stats.buffered = 0;
  }

  #schedule(): void {
    if (this.#inFlight.length > 0) return;
    if (this.stats.buffered >= this.#opts.maxBatchRecords) {
      this.#pump();
    } else if (this.#linger === undefined) {
      this.#linger = this.#opts.clock.setTimeout(() => {
        this.#linger = undefined;
        this.#pump();
      }, this.#opts.lingerMs);
    }
  }

  #pump(): void {
    if (this.#inFlight.length > 0 || this.stats.buffered === 0) return;
    let bytes = 0;
    const batch: Pending[] = [];
    while (this.#queueHead < this.#queue.length && batch.length < this.#opts.maxBatchRecords) {
      const p = this.#queue[this.#queueHead]!;
      if (batch.length > 0 && bytes + p.bytes > this.#opts.maxBatchBytes) break;
      batch.push(p);
      bytes += p.bytes;
      this.#queueHead++;
    }
    if (this.#queueHead > 4096 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
    this.#inFlight = batch;
    this.stats.buffered -= batch.length;
    this.stats.inFlight = batch.length;
    void this.#send(batch, bytes, 0);
  }

  async #send(batch: Pending[], bytes: number, attempt: number): Promise<void> {
    const started = this.#opts.clock.monotonic();
    try {
      await this.#producer.send(batch.map((p) => p.record));
    } catch (err) {
      this.stats.sendFailures++;
      if (isV2xError(err) && !err.retryable) {
        for (const p of batch) p.reject(err);
        this.#finishBatch();
        return;
      }
      const delay = Math.min(this.#opts.retryMaxMs, this.#opts.retryMinMs * 2 ** Math.min(attempt, 16));
      this.#events.onRetry?.(err, delay);
      this.#retry = this.#opts.clock.setTimeout(() => {
        this.#retry = undefined;
        void this.#send(batch, bytes, attempt + 1);
      }, delay);
      return;
    }
    const ms = this.#opts.clock.monotonic() - started;
    this.stats.batchesSent++;
    this.stats.recordsSent += batch.length;
    this.stats.lastBatchSize = batch.length;
    this.stats.lastProduceMs = ms;
    this.#events.onBatch?.(batch.length, bytes, ms);
    for (const p of batch) p.resolve();
    this.#finishBatch();
  }

  #finishBatch(): void {
    this.#inFlight = [];
    this.stats.inFlight = 0;
    if (this.#pushingBack && this.stats.buffered < this.#opts.maxBufferedRecords / 2) {
      this.#pushingBack = false;
      for (const w of this.#capacityWaiters.splice(0)) w();
      this.#events.onDrain?.();
    }
    if (this.stats.buffered > 0) {
      // Whatever queued up while the batch was in flight goes out now: the wait was the linger.
      this.#pump();
    } else if (this.#idle.length > 0) {
      for (const r of this.#idle.splice(0)) r();
    }
  }
}

function sizeOf(r: OutRecord): number {
  let n = 64 + (r.key?.length ?? 0);
  if (r.value !== null) n += typeof r.value === 'string' ? r.value.length : r.value.byteLength;
  if (r.headers) for (const [k, v] of Object.entries(r.headers)) n += k.length + v.length;
  return n;
}
