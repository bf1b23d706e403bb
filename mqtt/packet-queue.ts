/**
 * The offline queue of one session: encoded PUBLISH packets waiting for a connection or for a free
 * in-flight slot. Bounded; what happens when it is full is the session's QueuePolicy (types.ts).
 */

/** A bounded FIFO of encoded packets waiting to be sent: a ring buffer allocated on first use. */
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
    const items = (this.#items ??= new Array<Buffer | undefined>(this.limit).fill(undefined));
    if (this.#length === this.limit) {
      items[this.#head] = packet;
      this.#head = (this.#head + 1) % this.limit;
      return true;
    }
    items[(this.#head + this.#length) % this.limit] = packet;
    this.#length++;
    return false;
  }

  peek(): Buffer | undefined {
    return this.#length === 0 ? undefined : this.#items![this.#head];
  }

  shift(): Buffer | undefined {
    if (this.#length === 0) return undefined;
    const items = this.#items!;
    const packet = items[this.#head];
    items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.limit;
    this.#length--;
    return packet;
  }

  clear(): number {
    const n = this.#length;
    while (this.#length > 0) this.shift();
    return n;
  }
}
