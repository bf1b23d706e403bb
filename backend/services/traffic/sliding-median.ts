/**
 * The median of the last `capacity` values pushed: a FIFO plus a sorted copy (binary-search insert
 * and delete, O(capacity) per push, no allocation once full). The forecaster keeps one per segment
 * over its 60 s window means (capacity 360 = one hour of 10 s steps), so memory stays bounded in a
 * service that runs for days.
 */
export class SlidingMedian {
  readonly capacity: number;
  readonly #fifo: number[] = [];
  readonly #sorted: number[] = [];

  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`capacity must be an integer >= 1 (got ${capacity})`);
    this.capacity = capacity;
  }

  get size(): number {
    return this.#fifo.length;
  }

  push(v: number): void {
    this.#fifo.push(v);
    this.#sorted.splice(lowerBound(this.#sorted, v), 0, v);
    if (this.#fifo.length > this.capacity) this.#sorted.splice(lowerBound(this.#sorted, this.#fifo.shift() as number), 1);
  }

  /** The median of the values held, or `fallback` when empty. */
  median(fallback: number): number {
    const s = this.#sorted;
    const n = s.length;
    if (n === 0) return fallback;
    return n % 2 === 1 ? (s[(n - 1) >> 1] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
  }
}

function lowerBound(a: readonly number[], v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if ((a[m] as number) < v) lo = m + 1;
    else hi = m;
  }
  return lo;
}
