/**
 * A compact log-linear histogram (HDR-style) for latencies and other non-negative integers:
 * record(value), percentile(p), merge(other), and a serialised form small enough to post from a
 * worker thread to the main thread (structured-clone and JSON safe).
 *
 * Values below 2^subBits are counted exactly; above, each power-of-two range is cut into 2^subBits
 * equal buckets, so a reported value is within 1/2^subBits of the truth (0.8% with the default 7
 * bits) over any range, with a few thousand counters at most. Record in the unit you want back
 * (e.g. microseconds for PUBACK latency); fractions are rounded, negatives count as 0.
 */

export interface SerializedHistogram {
  readonly v: 1;
  readonly subBits: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  /** Non-empty buckets as [index gap since the previous one, count] pairs, flattened. */
  readonly buckets: readonly number[];
}

export class Histogram {
  readonly subBits: number;
  readonly #sub: number;
  #counts: number[] = [];
  #count = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = 0;
  #sum = 0;

  constructor(subBits = 7) {
    if (!Number.isInteger(subBits) || subBits < 1 || subBits > 16)
      throw new RangeError(`subBits must be an integer in 1..16 (got ${subBits})`);
    this.subBits = subBits;
    this.#sub = 1 << subBits;
  }

  get count(): number {
    return this.#count;
  }
  get min(): number {
    return this.#count === 0 ? 0 : this.#min;
  }
  get max(): number {
    return this.#max;
  }
  get mean(): number {
    return this.#count === 0 ? 0 : this.#sum / this.#count;
  }

  /** Bucket index of a (non-negative integer) value. */
  indexOf(value: number): number {
    const S = this.#sub;
    if (value < S) return value;
    const e = value < 4294967296 ? 31 - Math.clz32(value) : Math.floor(Math.log2(value));
    const shift = e - this.subBits;
    const sub = Math.floor(value / 2 ** shift) - S;
    return (shift + 1) * S + sub;
  }

  /** Lowest value of bucket `index`. */
  lowestOf(index: number): number {
    const S = this.#sub;
    if (index < S) return index;
    const shift = Math.floor(index / S) - 1;
    return (S + (index % S)) * 2 ** shift;
  }

  /** Highest value of bucket `index`. */
  highestOf(index: number): number {
    const S = this.#sub;
    if (index < S) return index;
    const shift = Math.floor(index / S) - 1;
    return this.lowestOf(index) + 2 ** shift - 1;
  }

  record(value: number, times = 1): void {
    const v = value > 0 ? Math.round(value) : 0;
    const i = this.indexOf(v);
    const counts = this.#counts;
    while (counts.length <= i) counts.push(0);
    counts[i]! += times;
    this.#count += times;
    this.#sum += v * times;
    if (v < this.#min) this.#min = v;
    if (v > this.#max) this.#max = v;
  }

  /**
   * The value at or below which p percent of the recorded values fall (p in 0..100): the highest
   * value of the bucket holding that rank, clamped to the recorded min and max. 0 when empty.
   */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.#count));
    let seen = 0;
    const counts = this.#counts;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i]!;
      if (seen >= rank) return Math.min(this.#max, Math.max(this.#min, this.highestOf(i)));
    }
    return this.#max;
  }

  merge(other: Histogram | SerializedHistogram): void {
    const h = other instanceof Histogram ? other.serialize() : other;
    if (h.subBits !== this.subBits) throw new RangeError(`cannot merge histograms of ${h.subBits} and ${this.subBits} sub-bucket bits`);
    if (h.count === 0) return;
    let index = -1;
    const counts = this.#counts;
    for (let k = 0; k + 1 < h.buckets.length; k += 2) {
      index += h.buckets[k]!;
      while (counts.length <= index) counts.push(0);
      counts[index]! += h.buckets[k + 1]!;
    }
    this.#count += h.count;
    this.#sum += h.sum;
    this.#min = Math.min(this.#min, h.min);
    this.#max = Math.max(this.#max, h.max);
  }

  reset(): void {
    this.#counts = [];
    this.#count = 0;
    this.#min = Number.POSITIVE_INFINITY;
    this.#max = 0;
    this.#sum = 0;
  }

  serialize(): SerializedHistogram {
    const buckets: number[] = [];
    let last = -1;
    const counts = this.#counts;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (c === 0) continue;
      buckets.push(i - last, c);
      last = i;
    }
    return { v: 1, subBits: this.subBits, count: this.#count, min: this.min, max: this.#max, sum: this.#sum, buckets };
  }

  static deserialize(data: SerializedHistogram): Histogram {
    if (data.v !== 1) throw new RangeError(`unknown histogram format ${String(data.v)}`);
    const h = new Histogram(data.subBits);
    h.merge(data);
    return h;
  }

  /** Common summary figures, in the recorded unit. */
  summary(): { count: number; min: number; mean: number; p50: number; p90: number; p99: number; p999: number; max: number } {
    return {
      count: this.#count,
      min: this.min,
      mean: this.mean,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.#max,
    };
  }
}
