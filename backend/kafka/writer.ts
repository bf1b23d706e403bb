/**
 * The one way into Kafka (decision 0023): the bridge's lanes, the command service, geofencing and
 * traffic all write through a KafkaWriter, so they share one set of rules.
 *
 * - Group commit: appends queue in arrival order and go out in batches (by count, bytes, or the
 *   linger time when nothing is in flight; lingerMs 0 sends at once). Only one batch is in flight;
 *   what arrives meanwhile goes in the next one. An append of several records (appendAll) is never
 *   split over two batches.
 * - Retry: a batch that fails with a retryable error (the Kafka client's own flag, kept by
 *   produce-error.ts) is sent again, the same records in the same order, after a doubling backoff
 *   (backoff.ts), before anything newer. So a retry never overtakes later records of the same key,
 *   and an idempotent producer can drop what its earlier attempt already wrote.
 * - Refusals: a batch Kafka refuses for good (KAFKA_RECORD_REFUSED: a record above the topic's
 *   max.message.bytes...) is halved, in order, until the refused records stand alone (a batch can
 *   also be refused only for its size, then its halves go through); each refused record goes to the
 *   dead-letter topic with the reason (refused.ts) and the records behind it go on. The append then
 *   resolves (the record is accounted for in the dead-letter topic) unless it asked rejectRefused.
 * - Push back: above maxBufferedRecords waiting, hasCapacity() is false and capacity() waits until
 *   the buffer has drained to half; append itself never refuses.
 * Each append's promise resolves once Kafka acknowledged every record of it (or its dead letter).
 */
import type { Clock, TimerHandle } from '../../core/clock.js';
import { V2xError } from '../../core/errors.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { toProduceError } from './produce-error.js';
import { refusedRecordLetter } from './refused.js';
import type { OutRecord, Producer } from './types.js';

export interface KafkaWriterOptions {
  /** Who writes (bridge, commands...): in dead letters and errors. */
  readonly name: string;
  readonly maxBatchRecords: number;
  readonly maxBatchBytes: number;
  /** How long a batch waits for more records when none is in flight; 0: at once (this turn's appends). */
  readonly lingerMs: number;
  /** Above this many records waiting, the writer reports no capacity (push back). */
  readonly maxBufferedRecords: number;
  readonly retry: BackoffOptions;
  /** Where records Kafka refuses for good go (protocol/kafka.ts `deadletter`, with the prefix). */
  readonly deadLetterTopic: string;
  readonly clock: Clock;
}

export interface WriterStats {
  buffered: number;
  inFlight: number;
  batchesSent: number;
  recordsSent: number;
  sendFailures: number;
  deadLettered: number;
  lastBatchSize: number;
  lastProduceMs: number;
}

/** All counters at zero: a new writer's, and the start of a sum over lanes. */
export const emptyWriterStats = (): WriterStats => ({
  buffered: 0,
  inFlight: 0,
  batchesSent: 0,
  recordsSent: 0,
  sendFailures: 0,
  deadLettered: 0,
  lastBatchSize: 0,
  lastProduceMs: 0,
});

export interface KafkaWriterEvents {
  /** A batch was acknowledged by Kafka. */
  onBatch?(records: number, bytes: number, produceMs: number): void;
  /** A batch failed with a retryable error and is sent again after delayMs. */
  onRetry?(err: V2xError, delayMs: number): void;
  /** Kafka refused this record for good; its dead letter is being written. */
  onDeadLetter?(record: OutRecord, err: V2xError): void;
  /** Capacity came back after push back. */
  onDrain?(): void;
}

export interface AppendOptions {
  /**
   * Reject the append when Kafka refused a record of it (with KAFKA_RECORD_REFUSED; the record is
   * dead-lettered all the same): for callers that must tell their own caller (an API request).
   * Default: resolve, the record is accounted for in the dead-letter topic.
   */
  readonly rejectRefused?: boolean;
}

/** What the bridge's sources and the services write into: one KafkaWriter or several lanes of them. */
export interface RecordWriter {
  /** Resolves when Kafka has the record (or its dead letter). Order of calls is the order in Kafka per key. */
  append(record: OutRecord, options?: AppendOptions): Promise<void>;
  /** False while the buffer is full: stop taking work from sources until capacity(). */
  hasCapacity(): boolean;
  /** Resolves at once when there is capacity, else when the buffer has drained to half. */
  capacity(): Promise<void>;
  /** Records waiting or in flight. */
  readonly depth: number;
  readonly stats: WriterStats;
  /** Resolves when everything appended so far has been acknowledged. */
  flushed(): Promise<void>;
  /** Sends what is buffered, then refuses new records. */
  close(): Promise<void>;
  /** Fails every buffered record and stops retrying (a process giving up; their sources keep them unacknowledged). */
  abort(err: unknown): void;
}

interface Entry {
  readonly records: readonly OutRecord[];
  readonly bytes: number;
  readonly rejectRefused: boolean;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  /** Kafka refused a record of it (dead-lettered). */
  refused?: V2xError;
  /** A record of it could not be written nor dead-lettered. */
  failed?: V2xError;
}

export class KafkaWriter implements RecordWriter {
  readonly #producer: Producer;
  readonly #opts: KafkaWriterOptions;
  readonly #events: KafkaWriterEvents;
  #queue: Entry[] = [];
  #queueHead = 0;
  #inFlight: Entry[] | undefined;
  #linger: TimerHandle | undefined;
  #microtask = false;
  #retryTimer: TimerHandle | undefined;
  #wake: (() => void) | undefined;
  #closed = false;
  #aborted = false;
  #pushingBack = false;
  #idle: (() => void)[] = [];
  #capacityWaiters: (() => void)[] = [];
  readonly stats: WriterStats = emptyWriterStats();

  constructor(producer: Producer, options: KafkaWriterOptions, events: KafkaWriterEvents = {}) {
    if (options.maxBatchRecords < 1 || options.maxBufferedRecords < 1)
      throw new V2xError('CONFIG_INVALID', `${options.name}: maxBatchRecords and maxBufferedRecords must be at least 1`);
    this.#producer = producer;
    this.#opts = options;
    this.#events = events;
  }

  append(record: OutRecord, options?: AppendOptions): Promise<void> {
    return this.appendAll([record], options);
  }

  /** Appends records that go out in one batch, in this order; resolves once Kafka has all of them. */
  appendAll(records: readonly OutRecord[], options: AppendOptions = {}): Promise<void> {
    if (this.#closed) return Promise.reject(new V2xError('KAFKA_PRODUCER_CLOSED', `${this.#opts.name}: the writer is closed`));
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ records, bytes: bytesOf(records), rejectRefused: options.rejectRefused === true, resolve, reject });
      this.stats.buffered += records.length;
      if (this.stats.buffered >= this.#opts.maxBufferedRecords) this.#pushingBack = true;
      this.#schedule();
    });
  }

  hasCapacity(): boolean {
    return !this.#pushingBack;
  }

  capacity(): Promise<void> {
    if (!this.#pushingBack) return Promise.resolve();
    return new Promise((resolve) => this.#capacityWaiters.push(resolve));
  }

  get depth(): number {
    return this.stats.buffered + this.stats.inFlight;
  }

  flushed(): Promise<void> {
    if (this.depth === 0 || this.#aborted) return Promise.resolve();
    this.#pump();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async close(): Promise<void> {
    await this.flushed();
    this.#closed = true;
  }

  /**
   * Sends what is buffered for at most timeoutMs, then gives up on the rest (their appends reject
   * with KAFKA_PRODUCER_CLOSED) and refuses new records; resolves with how many records were given up.
   */
  async closeWithin(timeoutMs: number): Promise<number> {
    this.#closed = true;
    let timer: TimerHandle | undefined;
    const late = new Promise<'late'>((resolve) => (timer = this.#opts.clock.setTimeout(() => resolve('late'), timeoutMs)));
    const r = await Promise.race([this.flushed().then(() => 'flushed' as const), late]);
    timer?.cancel();
    if (r === 'flushed') return 0;
    const left = this.depth;
    this.abort(new V2xError('KAFKA_PRODUCER_CLOSED', `${this.#opts.name}: closed before Kafka acknowledged ${left} records`));
    return left;
  }

  abort(err: unknown): void {
    this.#closed = true;
    this.#aborted = true;
    this.#linger?.cancel();
    this.#linger = undefined;
    this.#retryTimer?.cancel();
    this.#retryTimer = undefined;
    this.#wake?.();
    for (const e of this.#inFlight ?? []) e.reject(err);
    this.#inFlight = undefined;
    this.stats.inFlight = 0;
    for (let i = this.#queueHead; i < this.#queue.length; i++) this.#queue[i]!.reject(err);
    this.#queue = [];
    this.#queueHead = 0;
    this.stats.buffered = 0;
    for (const r of this.#idle.splice(0)) r();
    for (const w of this.#capacityWaiters.splice(0)) w();
  }

  #schedule(): void {
    if (this.#inFlight !== undefined) return;
    if (this.stats.buffered >= this.#opts.maxBatchRecords) {
      this.#pump();
    } else if (this.#opts.lingerMs <= 0) {
      if (this.#microtask) return;
      this.#microtask = true;
      queueMicrotask(() => {
        this.#microtask = false;
        this.#pump();
      });
    } else if (this.#linger === undefined) {
      this.#linger = this.#opts.clock.setTimeout(() => {
        this.#linger = undefined;
        this.#pump();
      }, this.#opts.lingerMs);
    }
  }

  #pump(): void {
    this.#linger?.cancel();
    this.#linger = undefined;
    if (this.#inFlight !== undefined || this.stats.buffered === 0 || this.#aborted) return;
    const batch: Entry[] = [];
    let count = 0;
    let bytes = 0;
    while (this.#queueHead < this.#queue.length) {
      const e = this.#queue[this.#queueHead]!;
      if (batch.length > 0 && (count + e.records.length > this.#opts.maxBatchRecords || bytes + e.bytes > this.#opts.maxBatchBytes)) break;
      batch.push(e);
      count += e.records.length;
      bytes += e.bytes;
      this.#queueHead++;
    }
    if (this.#queueHead > 4096 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
    this.#inFlight = batch;
    this.stats.buffered -= count;
    this.stats.inFlight = count;
    void this.#deliver(batch, count, bytes);
  }

  async #deliver(batch: readonly Entry[], count: number, bytes: number): Promise<void> {
    const records = batch.length === count ? batch.map((e) => e.records[0]!) : batch.flatMap((e) => e.records);
    const err = await this.#sendRetrying(records, bytes);
    if (this.#aborted) return;
    if (err?.code === 'KAFKA_RECORD_REFUSED') {
      const owners = batch.length === count ? batch : batch.flatMap((e) => e.records.map(() => e));
      await this.#isolate(records, owners, err);
      if (this.#aborted) return;
    } else if (err !== undefined) {
      for (const e of batch) e.failed ??= err;
    }
    for (const e of batch) {
      if (e.failed !== undefined) e.reject(e.failed);
      else if (e.refused !== undefined && e.rejectRefused) e.reject(e.refused);
      else e.resolve();
    }
    this.#finishBatch();
  }

  /**
   * Sends until Kafka acknowledges (undefined) or fails for good (the error); retryable failures
   * wait the backoff and send the same records again. Returns undefined at once once aborted.
   */
  async #sendRetrying(records: readonly OutRecord[], bytes: number): Promise<V2xError | undefined> {
    for (let attempt = 0; !this.#aborted; attempt++) {
      const started = this.#opts.clock.monotonic();
      try {
        await this.#producer.send(records);
      } catch (raw) {
        this.stats.sendFailures++;
        const err = toProduceError(raw);
        if (!err.retryable || this.#aborted) return err;
        const delay = backoffDelay(attempt, this.#opts.retry);
        this.#events.onRetry?.(err, delay);
        await this.#sleep(delay);
        continue;
      }
      const ms = this.#opts.clock.monotonic() - started;
      this.stats.batchesSent++;
      this.stats.recordsSent += records.length;
      this.stats.lastBatchSize = records.length;
      this.stats.lastProduceMs = ms;
      this.#events.onBatch?.(records.length, bytes, ms);
      return undefined;
    }
    return undefined;
  }

  /** Halves a refused run of records, in order, until each refused record stands alone; dead-letters those. */
  async #isolate(records: readonly OutRecord[], owners: readonly Entry[], refusal: V2xError): Promise<void> {
    if (records.length === 1) return this.#deadLetter(records[0]!, owners[0]!, refusal);
    const mid = Math.ceil(records.length / 2);
    for (const [from, to] of [
      [0, mid],
      [mid, records.length],
    ] as const) {
      if (this.#aborted) return;
      const part = records.slice(from, to);
      const who = owners.slice(from, to);
      const err = await this.#sendRetrying(part, bytesOf(part));
      if (err?.code === 'KAFKA_RECORD_REFUSED') await this.#isolate(part, who, err);
      else if (err !== undefined) for (const o of who) o.failed ??= err;
    }
  }

  async #deadLetter(record: OutRecord, owner: Entry, refusal: V2xError): Promise<void> {
    owner.refused ??= refusal;
    if (record.topic === this.#opts.deadLetterTopic) {
      owner.failed ??= refusal; // a dead letter refused: no letter about the letter
      return;
    }
    this.stats.deadLettered++;
    this.#events.onDeadLetter?.(record, refusal);
    const letter = refusedRecordLetter(record, refusal, this.#opts.deadLetterTopic, this.#opts.clock.now(), this.#opts.name);
    const err = await this.#sendRetrying([letter], bytesOf([letter]));
    if (err !== undefined)
      owner.failed ??= new V2xError(
        err.code,
        `${refusal.message}; its dead letter to ${this.#opts.deadLetterTopic} failed as well: ${err.message}`,
        { cause: err, details: err.details },
      );
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.#retryTimer = undefined;
        this.#wake = undefined;
        resolve();
      };
      this.#wake = done;
      this.#retryTimer = this.#opts.clock.setTimeout(done, ms);
    });
  }

  #finishBatch(): void {
    this.#inFlight = undefined;
    this.stats.inFlight = 0;
    if (this.#pushingBack && this.stats.buffered < this.#opts.maxBufferedRecords / 2) {
      this.#pushingBack = false;
      for (const w of this.#capacityWaiters.splice(0)) w();
      this.#events.onDrain?.();
    }
    if (this.stats.buffered > 0) {
      // whatever queued up while the batch was in flight goes out now: the wait was the linger
      this.#pump();
    } else if (this.#idle.length > 0) {
      for (const r of this.#idle.splice(0)) r();
    }
  }
}

/** About the bytes a record takes in a produce request (the batch byte limit counts these). */
export function recordBytes(r: OutRecord): number {
  let n = 64 + (r.key?.length ?? 0);
  if (r.value !== null) n += typeof r.value === 'string' ? r.value.length : r.value.byteLength;
  if (r.headers) for (const k in r.headers) n += k.length + r.headers[k]!.length;
  return n;
}

function bytesOf(records: readonly OutRecord[]): number {
  let n = 0;
  for (const r of records) n += recordBytes(r);
  return n;
}
