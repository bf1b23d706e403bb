/**
 * Evidence that a slow segment holds a queue, not one car. Pure: record(segment, vin, ts, slow)
 * per matched fix, count(segment, since) at a step. A jam needs at least `minVehicles` distinct
 * vehicles seen slow (below 40% of free flow) on the segment within the confirmation span: a single
 * car waiting at a yield or a red light, or one car's GPS jitter, is not a queue (issue 20).
 */
export class QueueEvidence {
  /** Per segment index: vin -> time of its latest slow fix (epoch ms). */
  readonly #slow = new Map<number, Map<string, number>>();

  record(segment: number, vin: string, tsMs: number, slow: boolean): void {
    let cars = this.#slow.get(segment);
    if (!slow) {
      // a car moving freely again is no longer part of a queue here
      cars?.delete(vin);
      return;
    }
    if (cars === undefined) {
      cars = new Map();
      this.#slow.set(segment, cars);
    }
    const prev = cars.get(vin);
    if (prev === undefined || tsMs > prev) cars.set(vin, tsMs);
  }

  /** Distinct vehicles seen slow on the segment at or after `sinceMs`. */
  count(segment: number, sinceMs: number): number {
    const cars = this.#slow.get(segment);
    if (cars === undefined) return 0;
    let n = 0;
    for (const ts of cars.values()) if (ts >= sinceMs) n++;
    return n;
  }

  /** Forgets fixes older than `beforeMs` (call once a step). */
  prune(beforeMs: number): void {
    for (const [segment, cars] of this.#slow) {
      for (const [vin, ts] of cars) if (ts < beforeMs) cars.delete(vin);
      if (cars.size === 0) this.#slow.delete(segment);
    }
  }
}
