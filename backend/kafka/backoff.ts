/** The wait before the next attempt of a failed produce: doubling from minMs, capped at maxMs. */

export interface BackoffOptions {
  /** Wait after the first failure, ms. */
  readonly minMs: number;
  /** Longest wait, ms. */
  readonly maxMs: number;
}

/** attempt 0 is the wait after the first failure: minMs, 2 minMs, 4 minMs... never above maxMs. */
export function backoffDelay(attempt: number, { minMs, maxMs }: BackoffOptions): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(Math.max(0, attempt), 30));
}
