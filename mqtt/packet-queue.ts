/**
 * The offline queue of one session: encoded PUBLISH packets waiting for a connection or for a free
 * in-flight slot. Bounded; what happens when it is full is the session's QueuePolicy (types.ts).
 */

/**
 * A bounded FIFO of encoded packets waiting to be sent: a ring buffer allocated on first use, 8
 * slots first, doubled as needed up to `limit`, and let go once empty. A car queues a message or
 * two while it connects and then none for hours: a ring of `limit` (100) slots kept per session
 * would cost a fleet ~0.8 KB per car.
 */
export class PacketQueue {
  readonly limit: number;
  #items: (Buffer | undefined)[] | undefined;
  #head = 0;
  #length = 0;

  constructor(limit: number) {
    this.limit = Math.max(0, Math.floor(limit));
  }

  get length(): number {
    return this.#length;
  }

  get full(): boolean {
    return this.#length >= this.limit;
  }

  /** Appends; when full, drops the oldest and returns true (the caller counts the drop). */
  pushDroppingOldest(packet: Buffer): boolean {
    if (this.limit === 0) return true;
    let items = this.#items;
    if (this.#length === this.limit) {
      items![this.#head] = packet;
      this.#head = (this.#head + 1) % items!.length;
      return true;
    }
    if (items === undefined || this.#length === items.length) items = this.#grow();
    items[(this.#head + this.#length) % items.length] = packet;
    this.#length++;
    return false;
  }

  /** A ring twice as large (8 slots at first, at most `limit`), the packets moved to its start. */
  #grow(): (Buffer | undefined)[] {
    const old = this.#items;
    const size = old === undefined ? Math.min(8, this.limit) : Math.min(this.limit, old.length * 2);
    const items = new Array<Buffer | undefined>(size).fill(undefined);
    for (let i = 0; i < this.#length; i++) items[i] = old![(this.#head + i) % old!.length];
    this.#items = items;
    this.#head = 0;
    return items;
  }

  peek(): Buffer | undefined {
    return this.#length === 0 ? undefined : this.#items![this.#head];
  }

  shift(): Buffer | undefined {
    if (this.#length === 0) return undefined;
    const items = this.#items!;
    const packet = items[this.#head];
    items[this.#head] = undefined;
    this.#head = (this.#head + 1) % items.length;
    if (--this.#length === 0) {
      this.#items = undefined;
      this.#head = 0;
    }
    return packet;
  }

  clear(): number {
    const n = this.#length;
    while (this.#length > 0) this.shift();
    return n;
  }
}
