/**
 * What a consumer group member has handled, per partition, across rebalances: the @platformatic/kafka
 * adapter (platformatic-consumer.ts) uses it to hand each record to the handler once per owner.
 *
 * After every join the library's message stream starts again from the committed offsets of the
 * assigned partitions, and records it fetched before the join may still be on their way. So a record
 * of a partition no longer assigned is dropped (its new owner reads it from the committed offset),
 * and a record below the offset this member has already handled in a partition it kept is skipped
 * (the commit of it had not landed when the stream went back). Keys are `topic\0partition`.
 */

export interface PositionedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}

export class Positions {
  /** The assigned partitions; undefined while no assignment is known (nothing is dropped then). */
  #owned: Set<string> | undefined;
  /** Per assigned partition, the offset after the last record handled. */
  readonly #next = new Map<string, bigint>();
  /** Records left out so far: of partitions not assigned, and already handled. */
  dropped = 0;
  skipped = 0;

  /** A new assignment (topic -> partitions); undefined when the library did not say (nothing filtered). */
  assign(assignment: ReadonlyMap<string, readonly number[]> | undefined): void {
    if (assignment === undefined) {
      this.#owned = undefined;
      return;
    }
    const owned = new Set<string>();
    for (const [topic, partitions] of assignment) for (const p of partitions) owned.add(partitionKey(topic, p));
    this.#owned = owned;
    for (const key of [...this.#next.keys()]) if (!owned.has(key)) this.#next.delete(key);
  }

  owns(key: string): boolean {
    return this.#owned === undefined || this.#owned.has(key);
  }

  /** The handler is done with the partition's records below `next`; remembered while the partition is assigned. */
  handled(key: string, next: bigint): void {
    if (!this.owns(key)) return;
    if (next > (this.#next.get(key) ?? -1n)) this.#next.set(key, next);
  }

  /**
   * The records to hand out, grouped by partition in arrival order: without those of partitions not
   * assigned, and without those below what was handled or already in an earlier batch of these.
   */
  batches<R extends PositionedRecord>(records: readonly R[]): Map<string, R[]> {
    const out = new Map<string, R[]>();
    const floor = new Map<string, bigint>();
    for (const r of records) {
      const key = partitionKey(r.topic, r.partition);
      if (!this.owns(key)) {
        this.dropped++;
        continue;
      }
      const min = floor.get(key) ?? this.#next.get(key) ?? -1n;
      if (r.offset < min) {
        this.skipped++;
        continue;
      }
      floor.set(key, r.offset + 1n);
      const list = out.get(key);
      if (list === undefined) out.set(key, [r]);
      else list.push(r);
    }
    return out;
  }
}
