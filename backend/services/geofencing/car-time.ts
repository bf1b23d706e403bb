/**
 * The geofencing service's ticks run on the cars' clock: wall time plus the offset of the latest
 * fix (car clock minus wall clock). Bounded (issue 19): a fix stamped more than maxAheadMs past the
 * wall clock is refused (the caller drops it) and the offset never exceeds maxAheadMs, so one
 * message from the future cannot fire every car's dwell at once. maxAheadMs 0: no bound.
 */
export class CarTime {
  readonly maxAheadMs: number;
  #offset = 0;

  constructor(maxAheadMs: number) {
    this.maxAheadMs = maxAheadMs > 0 ? maxAheadMs : Infinity;
  }

  /** Takes a fix's time at wall time `wallMs`; false when it is too far ahead (drop the fix). */
  observe(fixTs: number, wallMs: number): boolean {
    const offset = fixTs - wallMs;
    if (offset > this.maxAheadMs) return false;
    this.#offset = offset;
    return true;
  }

  /** The time of a tick at wall time `wallMs`. */
  tickAt(wallMs: number): number {
    return wallMs + Math.min(this.#offset, this.maxAheadMs);
  }
}
