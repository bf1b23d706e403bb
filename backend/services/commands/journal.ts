/**
 * Group commit of the command service's records: appends from any number of commands are queued
 * and produced together, one batch in flight at a time (the idempotent producer allows one
 * anyway), each append resolving once Kafka acknowledged the batch that carried it (rejecting if
 * that batch failed). Records keep their append order across batches. A caller that must not go
 * on before its records are durable (the 202 of a POST, the commit of a car result's offset, the
 * request to the car after its CREATED snapshot) awaits its append, exactly as with a direct send;
 * what changes is that N commands in flight cost one produce round trip, not N (decision 0015).
 */
import type { OutRecord, Producer } from '../../kafka/types.js';

interface Entry {
  readonly records: readonly OutRecord[];
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export interface JournalOptions {
  /** Most records per produce batch (the rest wait for the next batch). */
  readonly maxBatchRecords?: number;
  /** Told each batch's size and how long Kafka took (metrics). */
  readonly onBatch?: (records: number, ms: number) => void;
}

export class Journal {
  readonly #producer: Pick<Producer, 'send'>;
  readonly #max: number;
  readonly #onBatch: ((records: number, ms: number) => void) | undefined;
  readonly #queue: Entry[] = [];
  #flushing: Promise<void> | undefined;

  constructor(producer: Pick<Producer, 'send'>, options: JournalOptions = {}) {
    this.#producer = producer;
    this.#max = Math.max(1, options.maxBatchRecords ?? 500);
    this.#onBatch = options.onBatch;
  }

  /** Resolves once Kafka acknowledged these records (and every record appended before them). */
  append(records: readonly OutRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ records, resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  /** Records queued or in flight. */
  get depth(): number {
    return this.#queue.reduce((n, e) => n + e.records.length, 0);
  }

  /** Resolves when everything appended so far has been produced (or has failed). */
  async drained(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        // whole appends only: one command step's records go in one batch
        let n = 0;
        let take = 0;
        while (take < this.#queue.length && (take === 0 || n + (this.#queue[take] as Entry).records.length <= this.#max)) {
          n += (this.#queue[take] as Entry).records.length;
          take++;
        }
        const batch = this.#queue.splice(0, take);
        const started = performance.now();
        try {
          await this.#producer.send(batch.flatMap((e) => e.records));
          this.#onBatch?.(n, performance.now() - started);
          for (const e of batch) e.resolve();
        } catch (err) {
          for (const e of batch) e.reject(err);
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }
}
