/** Polling with a deadline: for conditions no event announces (a process gone, offsets committed). */

export interface WaitForOptions {
  readonly timeoutMs: number;
  /** Between checks; 100 ms by default. */
  readonly intervalMs?: number;
  /** Says what was awaited when the deadline passes. */
  readonly what: string;
}

/** Resolves once `check` returns true; rejects naming `what` when the deadline passes first. */
export async function waitFor(check: () => boolean | Promise<boolean>, options: WaitForOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 100;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, Math.max(1, deadline - Date.now()))));
  }
}
