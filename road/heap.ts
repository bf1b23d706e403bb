/**
 * A binary min-heap of (key, value) pairs in typed arrays, for the router: no allocation per push,
 * grows by doubling. Duplicate values are allowed (lazy deletion: the router skips stale entries).
 */
export class MinHeap {
  #keys: Float64Array;
  #values: Int32Array;
  #size = 0;

  constructor(capacity = 1024) {
    this.#keys = new Float64Array(capacity);
    this.#values = new Int32Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#size = 0;
  }

  push(key: number, value: number): void {
    if (this.#size === this.#keys.length) this.#grow();
    const keys = this.#keys;
    const values = this.#values;
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent] as number;
      if (pk <= key) break;
      keys[i] = pk;
      values[i] = values[parent] as number;
      i = parent;
    }
    keys[i] = key;
    values[i] = value;
  }

  /** Key of the smallest entry (Infinity when empty). */
  peekKey(): number {
    return this.#size === 0 ? Infinity : (this.#keys[0] as number);
  }

  /** Removes the smallest entry and returns its value (-1 when empty). */
  pop(): number {
    if (this.#size === 0) return -1;
    const keys = this.#keys;
    const values = this.#values;
    const top = values[0] as number;
    const n = --this.#size;
    const key = keys[n] as number;
    const value = values[n] as number;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && (keys[child + 1] as number) < (keys[child] as number)) child++;
      if ((keys[child] as number) >= key) break;
      keys[i] = keys[child] as number;
      values[i] = values[child] as number;
      i = child;
    }
    keys[i] = key;
    values[i] = value;
    return top;
  }

  #grow(): void {
    const keys = new Float64Array(this.#keys.length * 2);
    keys.set(this.#keys);
    const values = new Int32Array(this.#values.length * 2);
    values.set(this.#values);
    this.#keys = keys;
    this.#values = values;
  }
}
