/**
 * Loss, duplicates and reordering from per-car sequence numbers, memory-bounded: per VIN a slot in
 * typed arrays (highest and lowest seq seen, distinct messages, a 64-message bitmap window below
 * the highest), about 40 bytes plus the map entry per car, so 100,000 cars cost a few MB.
 *
 * - seq above the highest: in order (a gap counts as missing until it arrives late)
 * - seq in the window and already seen: duplicate; not seen: reordered (arrived late)
 * - seq below the window: reordered, and counted as distinct (too old to tell a duplicate)
 * - lost = per car (highest - lowest + 1 - distinct), so messages after the last one received are
 *   not counted: the runner adds those from the cars' own sent counters when it stops the fleet.
 *
 * Trackers of disjoint sets of cars (probe subscribers sharded by VIN) merge by adding snapshots.
 */
import { addFields } from '../../core/sum.js';

export interface SeqSnapshot {
  readonly cars: number;
  /** Messages observed, duplicates included. */
  readonly received: number;
  readonly distinct: number;
  readonly duplicates: number;
  readonly reordered: number;
  /** Sequence numbers missing between the lowest and highest seen, per car, summed. */
  readonly lost: number;
}

const WINDOW = 64;

export class SeqTracker {
  readonly #slot = new Map<string, number>();
  #highest: Float64Array = new Float64Array(1024);
  #lowest: Float64Array = new Float64Array(1024);
  #distinct: Float64Array = new Float64Array(1024);
  /** Two 32-bit words per car: bit k = seq (highest - k) was seen. */
  #window: Uint32Array = new Uint32Array(2048);
  #received = 0;
  #duplicates = 0;
  #reordered = 0;

  get cars(): number {
    return this.#slot.size;
  }

  observe(vin: string, seq: number): 'new' | 'duplicate' | 'reordered' {
    this.#received++;
    let slot = this.#slot.get(vin);
    if (slot === undefined) {
      slot = this.#slot.size;
      this.#slot.set(vin, slot);
      this.#grow(slot + 1);
      this.#highest[slot] = seq;
      this.#lowest[slot] = seq;
      this.#distinct[slot] = 1;
      this.#window[2 * slot] = 1;
      this.#window[2 * slot + 1] = 0;
      return 'new';
    }
    const high = this.#highest[slot] as number;
    if (seq > high) {
      this.#shift(slot, seq - high);
      this.#window[2 * slot] = (this.#window[2 * slot] as number) | 1;
      this.#highest[slot] = seq;
      this.#distinct[slot]!++;
      return 'new';
    }
    const back = high - seq;
    if (back < WINDOW) {
      const word = 2 * slot + (back >= 32 ? 1 : 0);
      const bit = 1 << (back % 32);
      if (((this.#window[word] as number) & bit) !== 0) {
        this.#duplicates++;
        return 'duplicate';
      }
      this.#window[word] = (this.#window[word] as number) | bit;
    }
    if (seq < (this.#lowest[slot] as number)) this.#lowest[slot] = seq;
    this.#distinct[slot]!++;
    this.#reordered++;
    return 'reordered';
  }

  snapshot(): SeqSnapshot {
    let distinct = 0;
    let lost = 0;
    for (let s = 0; s < this.#slot.size; s++) {
      const d = this.#distinct[s] as number;
      distinct += d;
      lost += Math.max(0, (this.#highest[s] as number) - (this.#lowest[s] as number) + 1 - d);
    }
    return { cars: this.#slot.size, received: this.#received, distinct, duplicates: this.#duplicates, reordered: this.#reordered, lost };
  }

  #shift(slot: number, by: number): void {
    const lo = 2 * slot;
    if (by >= WINDOW) {
      this.#window[lo] = 0;
      this.#window[lo + 1] = 0;
    } else if (by >= 32) {
      this.#window[lo + 1] = (this.#window[lo] as number) << (by - 32);
      this.#window[lo] = 0;
    } else {
      const w0 = this.#window[lo] as number;
      const w1 = this.#window[lo + 1] as number;
      this.#window[lo + 1] = (w1 << by) | (by === 0 ? 0 : w0 >>> (32 - by));
      this.#window[lo] = w0 << by;
    }
  }

  #grow(n: number): void {
    if (n <= this.#highest.length) return;
    const size = Math.max(n, this.#highest.length * 2);
    const grow = (a: Float64Array): Float64Array => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.#highest = grow(this.#highest);
    this.#lowest = grow(this.#lowest);
    this.#distinct = grow(this.#distinct);
    const w = new Uint32Array(size * 2);
    w.set(this.#window);
    this.#window = w;
  }
}

export const emptySeqSnapshot: SeqSnapshot = { cars: 0, received: 0, distinct: 0, duplicates: 0, reordered: 0, lost: 0 };

/** Adds up snapshots of trackers that saw disjoint sets of cars. */
export function mergeSeqSnapshots(snapshots: readonly SeqSnapshot[]): SeqSnapshot {
  const out = { ...emptySeqSnapshot };
  const keys = Object.keys(emptySeqSnapshot) as (keyof SeqSnapshot)[];
  for (const s of snapshots) addFields(out, s, keys);
  return out;
}
