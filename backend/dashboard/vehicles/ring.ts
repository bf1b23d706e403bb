/** A fixed-capacity ring: push overwrites the oldest; `last(n)` returns the newest n, oldest first. */
export class Ring<T> {
  readonly #items: (T | undefined)[];
  #next = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer (got ${capacity})`);
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
  }

  /** The newest `n` items (all when n is larger), oldest first. */
  last(n = this.#size): T[] {
    const k = Math.max(0, Math.min(n, this.#size));
    const out: T[] = new Array<T>(k);
    let i = (this.#next - k + this.capacity) % this.capacity;
    for (let j = 0; j < k; j++, i = (i + 1) % this.capacity) out[j] = this.#items[i] as T;
    return out;
  }
}
