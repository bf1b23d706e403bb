/**
 * Reconnect delays: exponential backoff with seeded jitter.
 *
 * delay(attempt) = min(maxMs, baseMs * factor^attempt), then jittered down by up to `jitter` of itself
 * ("equal jitter" when jitter = 0.5, "full jitter" when 1). The jitter is drawn from a seeded generator
 * so a fleet's reconnect storm is reproducible, and cars seeded differently spread out instead of
 * reconnecting in lock step after a broker restart.
 */

export interface BackoffOptions {
  /** First delay in ms (attempt 0). */
  readonly baseMs: number;
  /** Upper bound of any delay in ms. */
  readonly maxMs: number;
  /** Growth per attempt; 2 by default. */
  readonly factor?: number;
  /** Fraction of the delay that is random, 0..1 (0 = none, 1 = full jitter). */
  readonly jitter: number;
  /** Seed of the jitter generator (a car's index or a hash of its VIN). */
  readonly seed: number;
}

/** 1 s doubling to 30 s, half of each delay random. */
export const defaultBackoff: BackoffOptions = Object.freeze({ baseMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.5, seed: 1 });

/** A 32-bit seed from a string (FNV-1a), e.g. a client id or a VIN. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: a 32-bit state generator, enough for jitter; returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/** The ceiling of attempt n, before jitter: min(maxMs, baseMs * factor^n). */
export function backoffCeiling(opts: BackoffOptions, attempt: number): number {
  const factor = opts.factor ?? 2;
  // factor^attempt overflows to Infinity for large attempts, which min() handles.
  return Math.min(opts.maxMs, opts.baseMs * Math.pow(factor, Math.max(0, attempt)));
}

/** Backoff state of one session: next() gives the next delay, reset() after a successful connect. */
export class Backoff {
  readonly options: BackoffOptions;
  #attempt = 0;
  readonly #random: () => number;

  constructor(options: BackoffOptions) {
    if (!(options.baseMs > 0) || !(options.maxMs >= options.baseMs)) {
      throw new RangeError(`backoff needs 0 < baseMs <= maxMs (got ${options.baseMs}, ${options.maxMs})`);
    }
    if (!(options.jitter >= 0 && options.jitter <= 1)) throw new RangeError(`backoff jitter must be in [0, 1] (got ${options.jitter})`);
    this.options = options;
    this.#random = mulberry32(options.seed);
  }

  /** Attempts made since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The delay before the next attempt, in ms; advances the attempt counter. */
  next(): number {
    const ceiling = backoffCeiling(this.options, this.#attempt);
    this.#attempt++;
    const j = this.options.jitter;
    return Math.round(ceiling * (1 - j) + ceiling * j * this.#random());
  }

  reset(): void {
    this.#attempt = 0;
  }
}
