/**
 * The edge's connect-rate limit (issue 19: a broker restart under 10,000 cars, no thundering herd
 * above a configured rate). A token bucket, pure: `perSecond` tokens a second flow into a bucket
 * of `burst`; each CONNECT takes one, and a CONNECT that finds it empty is refused. So in any
 * window of T seconds at most `burst + perSecond x T` CONNECTs pass: at most perSecond + burst in
 * any one second, perSecond on average. The clock is injected (monotonic milliseconds): tests
 * drive it by hand. The hook that refuses (CONNACK 3, before the credentials are looked at) is
 * in hooks.ts.
 */

export interface ConnectRateOptions {
  /** CONNECTs accepted per second on average; 0 = unlimited. */
  readonly perSecond: number;
  /** CONNECTs that may pass at once after a quiet spell (the bucket's size), at least 1. */
  readonly burst: number;
}

export class TokenBucket {
  readonly perSecond: number;
  readonly burst: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  /** `now`: monotonic milliseconds. The bucket starts full. */
  constructor(options: ConnectRateOptions, now: () => number) {
    if (!(Number.isFinite(options.perSecond) && options.perSecond > 0))
      throw new RangeError(`a token bucket needs a rate above 0 per second (got ${options.perSecond})`);
    if (!(Number.isInteger(options.burst) && options.burst >= 1))
      throw new RangeError(`a token bucket needs a burst of at least 1 (got ${options.burst})`);
    this.perSecond = options.perSecond;
    this.burst = options.burst;
    this.#now = now;
    this.#tokens = options.burst;
    this.#at = now();
  }

  /** Takes one token: true when there was one (the CONNECT may pass), false when the bucket is empty. */
  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Whole tokens in the bucket now. */
  get available(): number {
    this.#refill();
    return Math.floor(this.#tokens);
  }

  /** Milliseconds until the next token (0 when one is there). */
  get msUntilNext(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) * 1000) / this.perSecond);
  }

  #refill(): void {
    const now = this.#now();
    // a clock that goes back (it should not: monotonic) adds nothing
    const elapsed = Math.max(0, now - this.#at);
    this.#at = now;
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.perSecond) / 1000);
  }
}

/** The bucket for a configured limit, or undefined when it is off (perSecond 0). */
export function connectRateLimit(options: ConnectRateOptions, now: () => number): TokenBucket | undefined {
  return options.perSecond === 0 ? undefined : new TokenBucket(options, now);
}
